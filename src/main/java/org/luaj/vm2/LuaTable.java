package org.luaj.vm2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mnemos's Lua table: LuaJ's public {@code LuaTable} API over Lua 5.1's table (ltable.c), so that a
 * script sees what Redis's Lua shows it. The order of {@code pairs}/{@code next} is where each key
 * sits in Lua 5.1's array part and node vector, and therefore what cjson.encode, cmsgpack.pack and a
 * RESP3 map a script returns write out; {@code #t} is Lua 5.1's border search (a table with holes
 * has the same length as in Redis); {@code table.sort} is Lua 5.1's quicksort (equal elements end up
 * where Redis puts them, a bad comparator fails the same way).
 * <p>
 * The layout follows ltable.c step by step: an array part for keys 1..n chosen by
 * {@code computesizes} (more than half used) at each rehash; a node vector of a power of two size
 * with chained scatter and Brent's variation (a colliding key not in its main position is moved to
 * the free node found from the end); keys hashed as Redis's Lua 5.1 does (strings by {@code luaS_hash}, which
 * {@link LuaString#hashCode} computes once per string,
 * numbers by the sum of their two 32-bit halves modulo an odd size, booleans by their value), and a
 * key set to nil keeps its node until the next rehash. Tables, functions and userdata as keys hash
 * by identity, as Lua hashes their addresses: their order differs from run to run in Redis too.
 * <p>
 * Weak tables ({@code __mode}) are held strongly: a script cannot tell but by collectgarbage.
 * The build's shade filter leaves the luaj-jse jar's own LuaTable (and the weak-table classes that
 * reached into it) out, so this one is the class.
 */
public class LuaTable extends LuaValue implements Metatable {
    /** Lua 5.1's MAXBITS: array indexes up to 2^30. */
    private static final int MAX_BITS = 30;
    private static final int MAX_ARRAY_SIZE = 1 << MAX_BITS;
    private static final LuaValue[] NO_VALUES = {};
    private static final int[] NO_LINKS = {};
    private static final LuaString N = valueOf("n");

    /** The array part: t[i] at array[i - 1], null for nil. */
    private LuaValue[] array = NO_VALUES;
    /** The node vector (length 0 stands for Lua's shared dummy node). A key keeps its node while its value is nil. */
    private LuaValue[] nodeKeys = NO_VALUES;
    private LuaValue[] nodeValues = NO_VALUES;
    /** The next node in a chain, -1 at its end. */
    private int[] nodeNext = NO_LINKS;
    /** Free nodes are searched from here down (ltable.c's lastfree). */
    private int lastFree;
    private Metatable metatable;
    /** Redis's lua_enablereadonlytable: writes, raw ones too, and a new metatable are refused. */
    private boolean readOnly;

    public LuaTable() {
    }

    /**
     * A table sized as a constructor's OP_NEWTABLE asks: {@code b} and {@code c} are the array and
     * hash sizes in Lua's "floating point byte" encoding, which LuaJ's VM passes through as they are.
     */
    public LuaTable(int b, int c) {
        array = new LuaValue[fb2int(b)];
        setNodeVector(fb2int(c));
    }

    /** LuaJ's constructor of named (key, value, ...) and unnamed values, for LuaValue.tableOf/listOf. */
    public LuaTable(LuaValue[] named, LuaValue[] unnamed, Varargs lastarg) {
        int nn = named != null ? named.length : 0;
        int nu = unnamed != null ? unnamed.length : 0;
        int nl = lastarg != null ? lastarg.narg() : 0;
        array = new LuaValue[nu + nl];
        setNodeVector(nn >> 1);
        for (int i = 0; i < nu; i++) {
            rawset(i + 1, unnamed[i]);
        }
        for (int i = 1; i <= nl; ++i) {
            rawset(nu + i, lastarg.arg(i));
        }
        for (int i = 0; i < nn; i += 2) {
            if (!named[i + 1].isnil()) {
                rawset(named[i], named[i + 1]);
            }
        }
    }

    public LuaTable(Varargs varargs) {
        this(varargs, 1);
    }

    /** The values of varargs from firstarg on, and their count as field n (table.pack). */
    public LuaTable(Varargs varargs, int firstarg) {
        int n = Math.max(varargs.narg() - (firstarg - 1), 0);
        array = new LuaValue[n];
        setNodeVector(1);
        set(N, valueOf(n));
        for (int i = 1; i <= n; i++) {
            set(i, varargs.arg(i + firstarg - 1));
        }
    }

    @Override
    public int type() {
        return LuaValue.TTABLE;
    }

    @Override
    public String typename() {
        return "table";
    }

    @Override
    public boolean istable() {
        return true;
    }

    @Override
    public LuaTable checktable() {
        return this;
    }

    @Override
    public LuaTable opttable(LuaTable defval) {
        return this;
    }

    /** OP_SETLIST's luaH_resizearray: room for n list items at once. */
    @Override
    public void presize(int narray) {
        if (narray > array.length) {
            resize(narray, nodeKeys.length);
        }
    }

    /** Empties the table and gives it these part sizes (luaH_new). */
    public void presize(int narray, int nhash) {
        array = new LuaValue[narray];
        setNodeVector(nhash);
    }

    // ---- metatables ----

    @Override
    public LuaValue getmetatable() {
        return metatable != null ? metatable.toLuaValue() : null;
    }

    @Override
    public LuaValue setmetatable(LuaValue mt) {
        if (readOnly) {
            throw new ReadOnlyError();
        }
        metatable = metatableOf(mt);
        return this;
    }

    /** Redis's text for a write to a read-only table. */
    public static final String READ_ONLY_ERROR = "Attempt to modify a readonly table";

    /** Makes the table read-only (Redis's lua_enablereadonlytable) or writable again. */
    public final void setReadOnly(boolean readOnly) {
        this.readOnly = readOnly;
    }

    public final boolean isReadOnly() {
        return readOnly;
    }

    /**
     * A raw write (rawset, the table library, setmetatable) to a read-only table: Redis raises it
     * in the C API, where the script's position is not put in front, unlike an assignment's.
     */
    public static final class ReadOnlyError extends LuaError {
        ReadOnlyError() {
            super(READ_ONLY_ERROR);
        }
    }

    @Override
    public LuaValue toLuaValue() {
        return this;
    }

    // ---- reads ----

    @Override
    public LuaValue get(int key) {
        LuaValue v = rawget(key);
        return v.isnil() && metatable != null ? gettable(this, valueOf(key)) : v;
    }

    @Override
    public LuaValue get(LuaValue key) {
        LuaValue v = rawget(key);
        return v.isnil() && metatable != null ? gettable(this, key) : v;
    }

    @Override
    public LuaValue rawget(int key) {
        LuaValue v;
        if (key > 0 && key <= array.length) {
            v = array[key - 1];
        } else {
            int n = findIntegerNode(key);
            v = n < 0 ? null : nodeValues[n];
        }
        return v != null ? v : NIL;
    }

    @Override
    public LuaValue rawget(LuaValue key) {
        if (key instanceof LuaInteger i) {
            return rawget(i.v);
        }
        int n = findNode(key);
        LuaValue v = n < 0 ? null : nodeValues[n];
        return v != null ? v : NIL;
    }

    // ---- writes ----

    @Override
    public void set(int key, LuaValue value) {
        if (metatable == null) {
            rawset(key, value);
        } else {
            set(LuaInteger.valueOf(key), value);
        }
    }

    /** luaV_settable: the key gets its slot first (as luaH_set), then __newindex is asked if it was empty. */
    @Override
    public void set(LuaValue key, LuaValue value) {
        if (readOnly) {
            throw new LuaError(READ_ONLY_ERROR);
        }
        if (metatable == null) {
            rawset(key, value);
            return;
        }
        checkKey(key);
        if (!rawget(key).isnil() || metatag(NEWINDEX).isnil()) {
            rawset(key, value);
        } else {
            store(key, NIL);
            settable(this, key, value);
        }
    }

    @Override
    public void rawset(int key, LuaValue value) {
        if (readOnly) {
            throw new ReadOnlyError();
        }
        storeInteger(key, value);
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        if (readOnly) {
            throw new ReadOnlyError();
        }
        checkKey(key);
        store(key, value);
    }

    /** LuaJ's name for a raw write past the array part. */
    public void hashset(LuaValue key, LuaValue value) {
        rawset(key, value);
    }

    private static void checkKey(LuaValue key) {
        if (key.isnil()) {
            throw new LuaError("table index is nil");
        }
        if (key instanceof LuaDouble && Double.isNaN(key.todouble())) {
            throw new LuaError("table index is NaN");
        }
    }

    /** luaH_set then the assignment: an absent key gets a node even when value is nil, as in Lua. */
    private void store(LuaValue key, LuaValue value) {
        if (key instanceof LuaInteger i) {
            storeInteger(i.v, value);
            return;
        }
        int n = findNode(key);
        if (n < 0) {
            n = newKey(key);
            if (n < 0) {
                store(key, value);
                return;
            }
        }
        nodeValues[n] = value.isnil() ? null : value;
    }

    /** luaH_setnum then the assignment. */
    private void storeInteger(int key, LuaValue value) {
        if (key > 0 && key <= array.length) {
            array[key - 1] = value.isnil() ? null : value;
            return;
        }
        int n = findIntegerNode(key);
        if (n < 0) {
            n = newKey(LuaInteger.valueOf(key));
            if (n < 0) {
                storeInteger(key, value);
                return;
            }
        }
        nodeValues[n] = value.isnil() ? null : value;
    }

    // ---- ltable.c: hashing and the node vector ----

    private int findNode(LuaValue key) {
        if (nodeKeys.length == 0 || key.isnil()) {
            return -1;
        }
        int n = mainPosition(key);
        do {
            LuaValue k = nodeKeys[n];
            if (k == key || k != null && k.raweq(key)) {
                return n;
            }
            n = nodeNext[n];
        } while (n >= 0);
        return -1;
    }

    private int findIntegerNode(int key) {
        if (nodeKeys.length == 0) {
            return -1;
        }
        int n = numberPosition(key);
        do {
            // A -0 key (a LuaDouble) is the key 0, as luai_numeq has it; it keeps the sign it was stored with.
            LuaValue k = nodeKeys[n];
            if (k instanceof LuaInteger i ? i.v == key : key == 0 && k instanceof LuaDouble d && d.v == 0) {
                return n;
            }
            n = nodeNext[n];
        } while (n >= 0);
        return -1;
    }

    private int mainPosition(LuaValue key) {
        int size = nodeKeys.length;
        switch (key.type()) {
            case TNUMBER:
                return numberPosition(key.todouble());
            case TSTRING:
                return key.hashCode() & (size - 1);
            case TBOOLEAN:
                return (key.toboolean() ? 1 : 0) & (size - 1);
            default:
                return Integer.remainderUnsigned(System.identityHashCode(key), (size - 1) | 1);
        }
    }

    /** hashnum: 0 (and -0) at node 0, else the sum of the double's two 32-bit words modulo an odd size. */
    private int numberPosition(double d) {
        if (d == 0) {
            return 0;
        }
        long bits = Double.doubleToRawLongBits(d);
        int sum = (int) bits + (int) (bits >>> 32);
        return Integer.remainderUnsigned(sum, (nodeKeys.length - 1) | 1);
    }

    /**
     * newkey: puts key (value nil) at its main position, moving a colliding key that is not in its
     * own main position to a free node, else chaining key into a free node. Returns the node, or -1
     * when there was no free node and the table was rehashed instead (the caller starts over).
     */
    private int newKey(LuaValue key) {
        if (nodeKeys.length == 0) {
            rehash(key);
            return -1;
        }
        int mp = mainPosition(key);
        if (nodeValues[mp] != null) {
            int free = freePosition();
            if (free < 0) {
                rehash(key);
                return -1;
            }
            int other = mainPosition(nodeKeys[mp]);
            if (other != mp) {
                while (nodeNext[other] != mp) {
                    other = nodeNext[other];
                }
                nodeNext[other] = free;
                nodeKeys[free] = nodeKeys[mp];
                nodeValues[free] = nodeValues[mp];
                nodeNext[free] = nodeNext[mp];
                nodeNext[mp] = -1;
                nodeValues[mp] = null;
            } else {
                nodeNext[free] = nodeNext[mp];
                nodeNext[mp] = free;
                mp = free;
            }
        }
        nodeKeys[mp] = key;
        return mp;
    }

    /** getfreepos: the next node down from lastFree that never held a key. */
    private int freePosition() {
        while (lastFree > 0) {
            lastFree--;
            if (nodeKeys[lastFree] == null) {
                return lastFree;
            }
        }
        return -1;
    }

    private void setNodeVector(int size) {
        if (size == 0) {
            nodeKeys = NO_VALUES;
            nodeValues = NO_VALUES;
            nodeNext = NO_LINKS;
            lastFree = 0;
            return;
        }
        int lsize = ceilLog2(size);
        if (lsize > MAX_BITS) {
            throw new LuaError("table overflow");
        }
        size = 1 << lsize;
        nodeKeys = new LuaValue[size];
        nodeValues = new LuaValue[size];
        nodeNext = new int[size];
        Arrays.fill(nodeNext, -1);
        lastFree = size;
    }

    /** rehash: sizes both parts for the keys in use plus extraKey, then re-inserts everything. */
    private void rehash(LuaValue extraKey) {
        int[] nums = new int[MAX_BITS + 1];
        int arrayKeys = countArrayUse(nums);
        int total = arrayKeys;
        for (int i = nodeKeys.length - 1; i >= 0; i--) {
            if (nodeValues[i] != null) {
                arrayKeys += countInteger(nodeKeys[i], nums);
                total++;
            }
        }
        arrayKeys += countInteger(extraKey, nums);
        total++;
        int[] sizes = computeSizes(nums, arrayKeys);
        resize(sizes[0], total - sizes[1]);
    }

    /** numusearray: the non-nil array slots, counted per slice (2^(lg-1), 2^lg]. */
    private int countArrayUse(int[] nums) {
        int used = 0;
        int i = 1;
        for (int lg = 0, ttlg = 1; lg <= MAX_BITS; lg++, ttlg *= 2) {
            int count = 0;
            int lim = ttlg;
            if (lim > array.length) {
                lim = array.length;
                if (i > lim) {
                    break;
                }
            }
            for (; i <= lim; i++) {
                if (array[i - 1] != null) {
                    count++;
                }
            }
            nums[lg] += count;
            used += count;
        }
        return used;
    }

    private static int countInteger(LuaValue key, int[] nums) {
        if (key instanceof LuaInteger i && i.v > 0 && i.v <= MAX_ARRAY_SIZE) {
            nums[ceilLog2(i.v)]++;
            return 1;
        }
        return 0;
    }

    /** computesizes: the largest power of two n with more than n/2 of 1..n in use; {n, keys in 1..n}. */
    private static int[] computeSizes(int[] nums, int arrayKeys) {
        int a = 0;
        int na = 0;
        int n = 0;
        for (int i = 0, twotoi = 1; twotoi / 2 < arrayKeys; i++, twotoi *= 2) {
            if (nums[i] > 0) {
                a += nums[i];
                if (a > twotoi / 2) {
                    n = twotoi;
                    na = a;
                }
            }
            if (a == arrayKeys) {
                break;
            }
        }
        return new int[] {n, na};
    }

    /** resize: new part sizes; the array's vanishing slice and then the old nodes, last first, go back in. */
    private void resize(int arraySize, int nodeCount) {
        LuaValue[] oldArray = array;
        LuaValue[] oldKeys = nodeKeys;
        LuaValue[] oldValues = nodeValues;
        if (arraySize > oldArray.length) {
            array = Arrays.copyOf(oldArray, arraySize);
        }
        setNodeVector(nodeCount);
        if (arraySize < oldArray.length) {
            array = Arrays.copyOf(oldArray, arraySize);
            for (int i = arraySize; i < oldArray.length; i++) {
                if (oldArray[i] != null) {
                    storeInteger(i + 1, oldArray[i]);
                }
            }
        }
        for (int i = oldKeys.length - 1; i >= 0; i--) {
            if (oldValues[i] != null) {
                store(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int ceilLog2(int x) {
        return 32 - Integer.numberOfLeadingZeros(x - 1);
    }

    /** luaO_fb2int: "eeeeexxx" is (1xxx) * 2^(eeeee - 1) when eeeee is not 0. */
    private static int fb2int(int x) {
        int e = (x >> 3) & 31;
        return e == 0 ? x : ((x & 7) + 8) << (e - 1);
    }

    // ---- traversal ----

    /** luaH_next: the array part in order, then the node vector in order; nil after the last key. */
    @Override
    public Varargs next(LuaValue key) {
        int i = traversalIndex(key) + 1;
        for (; i < array.length; i++) {
            if (array[i] != null) {
                return varargsOf(LuaInteger.valueOf(i + 1), array[i]);
            }
        }
        for (i -= array.length; i < nodeKeys.length; i++) {
            if (nodeValues[i] != null) {
                return varargsOf(nodeKeys[i], nodeValues[i]);
            }
        }
        return NIL;
    }

    /** findindex: -1 for nil, the array slot, or the array size plus the key's node. */
    private int traversalIndex(LuaValue key) {
        if (key.isnil()) {
            return -1;
        }
        if (key instanceof LuaInteger i && i.v > 0 && i.v <= array.length) {
            return i.v - 1;
        }
        int n = key instanceof LuaInteger i ? findIntegerNode(i.v) : findNode(key);
        if (n < 0) {
            throw new LuaError("invalid key to 'next'");
        }
        return array.length + n;
    }

    @Override
    public Varargs inext(LuaValue key) {
        int k = key.checkint() + 1;
        LuaValue v = rawget(k);
        return v.isnil() ? NONE : varargsOf(LuaInteger.valueOf(k), v);
    }

    /** The keys in traversal order. */
    public LuaValue[] keys() {
        List<LuaValue> keys = new ArrayList<>();
        for (Varargs e = next(NIL); !e.arg1().isnil(); e = next(e.arg1())) {
            keys.add(e.arg1());
        }
        return keys.toArray(new LuaValue[0]);
    }

    public int keyCount() {
        return keys().length;
    }

    // ---- length ----

    /** luaH_getn: a border found by binary search in the array part, else by unbound search past it. */
    @Override
    public int rawlen() {
        int j = array.length;
        if (j > 0 && array[j - 1] == null) {
            int i = 0;
            while (j - i > 1) {
                int m = (i + j) >>> 1;
                if (array[m - 1] == null) {
                    j = m;
                } else {
                    i = m;
                }
            }
            return i;
        }
        if (nodeKeys.length == 0) {
            return j;
        }
        return unboundSearch(j);
    }

    private int unboundSearch(int start) {
        long i = start;
        long j = start + 1L;
        while (!rawget((int) j).isnil()) {
            i = j;
            j *= 2;
            if (j > Integer.MAX_VALUE) {
                int k = 1;
                while (!rawget(k).isnil()) {
                    k++;
                }
                return k - 1;
            }
        }
        while (j - i > 1) {
            long m = (i + j) / 2;
            if (rawget((int) m).isnil()) {
                j = m;
            } else {
                i = m;
            }
        }
        return (int) i;
    }

    /** Lua 5.1's # of a table: the border, whatever __len says (5.1 asks __len of userdata only). */
    @Override
    public int length() {
        return rawlen();
    }

    @Override
    public LuaValue len() {
        return LuaInteger.valueOf(rawlen());
    }

    // ---- list operations for LuaJ's table library ----

    /** tremove: t[pos] (pos 0: the last), shifting the rest down; nothing when pos is outside 1..#t. */
    public LuaValue remove(int pos) {
        int e = rawlen();
        if (pos == 0) {
            pos = e;
        }
        if (pos < 1 || pos > e) {
            return NONE;
        }
        LuaValue v = rawget(pos);
        for (; pos < e; pos++) {
            rawset(pos, rawget(pos + 1));
        }
        rawset(e, NIL);
        return v;
    }

    /** tinsert: value at pos (0: after the last), moving t[pos..] up. */
    public void insert(int pos, LuaValue value) {
        int e = rawlen() + 1;
        if (pos == 0) {
            pos = e;
        }
        for (int i = Math.max(e, pos); i > pos; i--) {
            rawset(i, rawget(i - 1));
        }
        rawset(pos, value);
    }

    public LuaValue concat(LuaString sep, int i, int j) {
        Buffer sb = new Buffer();
        for (int k = i; k <= j; k++) {
            LuaValue v = rawget(k);
            if (!v.isstring()) {
                throw new LuaError("invalid value (at index " + k + ") in table for 'concat'");
            }
            if (k > i) {
                sb.append(sep);
            }
            sb.append(v.checkstring());
        }
        return sb.tostring();
    }

    public Varargs unpack() {
        return unpack(1, rawlen());
    }

    public Varargs unpack(int i) {
        return unpack(i, rawlen());
    }

    /** luaB_unpack: t[i..j] read raw. */
    public Varargs unpack(int i, int j) {
        if (i > j) {
            return NONE;
        }
        long n = (long) j - i + 1;
        if (n >= Integer.MAX_VALUE) {
            throw new LuaError("too many results to unpack");
        }
        LuaValue[] v = new LuaValue[(int) n];
        for (int k = 0; k < n; k++) {
            v[k] = rawget(i + k);
        }
        return varargsOf(v);
    }

    // ---- sort: ltablib.c's auxsort ----

    /** table.sort of t[1..#t] with Lua 5.1's quicksort (median of three, reads and writes raw). */
    public void sort(LuaValue comparator) {
        sort(1, rawlen(), comparator);
    }

    private void sort(int l, int u, LuaValue comparator) {
        while (l < u) {
            if (less(rawget(u), rawget(l), comparator)) {
                swap(l, u);
            }
            if (u - l == 1) {
                break;
            }
            int i = (l + u) / 2;
            if (less(rawget(i), rawget(l), comparator)) {
                swap(i, l);
            } else if (less(rawget(u), rawget(i), comparator)) {
                swap(i, u);
            }
            if (u - l == 2) {
                break;
            }
            LuaValue pivot = rawget(i);
            swap(i, u - 1);
            i = l;
            int j = u - 1;
            for (;;) {
                while (less(rawget(++i), pivot, comparator)) {
                    if (i > u) {
                        throw new LuaError("invalid order function for sorting");
                    }
                }
                while (less(pivot, rawget(--j), comparator)) {
                    if (j < l) {
                        throw new LuaError("invalid order function for sorting");
                    }
                }
                if (j < i) {
                    break;
                }
                swap(i, j);
            }
            swap(u - 1, i);
            // recurse into the smaller half, loop on the larger one
            if (i - l < u - i) {
                j = l;
                i = i - 1;
                l = i + 2;
            } else {
                j = i + 1;
                i = u;
                u = j - 2;
            }
            sort(j, i, comparator);
        }
    }

    private static boolean less(LuaValue a, LuaValue b, LuaValue comparator) {
        return comparator.isnil() ? lessThan(a, b) : comparator.call(a, b).toboolean();
    }

    /**
     * luaV_lessthan: numbers, strings byte by byte (strcoll in the C locale), else an __lt both
     * operands share; anything else is luaG_ordererror's "attempt to compare".
     */
    private static boolean lessThan(LuaValue a, LuaValue b) {
        if (a.type() == b.type()) {
            if (a.type() == TNUMBER) {
                return a.todouble() < b.todouble();
            }
            if (a.type() == TSTRING) {
                return compareBytes((LuaString) a, (LuaString) b) < 0;
            }
            LuaValue tm = a.metatag(LT);
            if (!tm.isnil() && tm.raweq(b.metatag(LT))) {
                return tm.call(a, b).toboolean();
            }
        }
        String t1 = a.typename();
        String t2 = b.typename();
        throw new SortError(t1.charAt(2) == t2.charAt(2)
            ? "attempt to compare two " + t1 + " values"
            : "attempt to compare " + t1 + " with " + t2);
    }

    private static int compareBytes(LuaString a, LuaString b) {
        int n = Math.min(a.m_length, b.m_length);
        for (int i = 0; i < n; i++) {
            int d = (a.m_bytes[a.m_offset + i] & 0xFF) - (b.m_bytes[b.m_offset + i] & 0xFF);
            if (d != 0) {
                return d;
            }
        }
        return a.m_length - b.m_length;
    }

    /**
     * table.sort could not compare two values: Lua raises this inside the C function (no script
     * position in front), unlike "invalid order function for sorting" (luaL_error: the caller's
     * position) and errors inside a comparator.
     */
    public static final class SortError extends LuaError {
        SortError(String message) {
            super(message);
        }
    }

    private void swap(int i, int j) {
        LuaValue a = rawget(i);
        LuaValue b = rawget(j);
        rawset(i, b);
        rawset(j, a);
    }

    // ---- equality ----

    @Override
    public LuaValue eq(LuaValue val) {
        return eq_b(val) ? TRUE : FALSE;
    }

    @Override
    public boolean eq_b(LuaValue val) {
        if (this == val) {
            return true;
        }
        if (metatable == null || !val.istable()) {
            return false;
        }
        LuaValue valmt = val.getmetatable();
        return valmt != null && LuaValue.eqmtcall(this, metatable.toLuaValue(), val, valmt);
    }
}
