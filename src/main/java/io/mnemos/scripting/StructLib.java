package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's {@code struct} library (deps/lua/src/lua_struct.c, Roberto Ierusalimschy's struct.c 1.4
 * with Redis's security fixes): {@code struct.pack}, {@code struct.unpack} and {@code struct.size}.
 *
 * <p>The C library is compiled for x86-64 Linux there, so: little-endian native order, int 4 bytes,
 * short 2, long and size_t 8, the maximum alignment 8, and the integer type (long) 64 bits. Numbers
 * are Lua 5.1 doubles; conversions between doubles and integers follow what gcc's code does on
 * x86-64 (an out-of-range or NaN double converts to 0x8000000000000000, and so on). Strings are
 * handled as bytes. Errors have Lua 5.1's text: luaL_argerror's "bad argument #N to 'NAME' (MSG)"
 * and luaL_error's message as is (LuaJ puts the caller's position in front, as luaL_error does).
 */
final class StructLib {
    private StructLib() {
    }

    private static final int BIG = 0;
    private static final int LITTLE = 1;
    /** x86-64 is little-endian. */
    private static final int NATIVE = LITTLE;

    /** Maximum size (in bytes) for integral types. */
    private static final int MAXINTSIZE = 32;
    /** max(offsetof(struct {char c; double d;}, d), sizeof(int)) on x86-64. */
    private static final int MAXALIGN = 8;

    private static final int SIZEOF_SHORT = 2;
    private static final int SIZEOF_INT = 4;
    private static final int SIZEOF_LONG = 8;
    private static final int SIZEOF_SIZE_T = 8;
    private static final int SIZEOF_FLOAT = 4;
    private static final int SIZEOF_DOUBLE = 8;

    /** Lua 5.1's LUAI_MAXCSTACK: the most slots a C function may use (lua_checkstack). */
    private static final int LUAI_MAXCSTACK = 8000;

    /** The options a format is read with (struct Header). */
    private static final class Header {
        int endian = NATIVE;
        int align = 1;
    }

    /** A format string as the C code walks it: a char pointer that stops at the first '\0'. */
    private static final class Fmt {
        private final byte[] b;
        private final int end;
        private int pos;

        Fmt(LuaString s) {
            b = s.m_bytes;
            pos = s.m_offset;
            int e = s.m_offset;
            int limit = s.m_offset + s.m_length;
            while (e < limit && b[e] != 0) {
                e++;
            }
            end = e;
        }

        boolean more() {
            return pos < end;
        }

        /** *fmt++ with fmt a (signed) char pointer. */
        int next() {
            return b[pos++];
        }

        /** **fmt: the current char, '\0' at the end. */
        int peek() {
            return pos < end ? b[pos] : 0;
        }
    }

    /** A luaL_Buffer: the bytes of pack's result. */
    private static final class Buffer {
        private byte[] b = new byte[64];
        private int n;

        private void ensure(long more) {
            long need = n + more;
            if (need > Integer.MAX_VALUE - 8) {
                throw new LuaError("not enough memory");
            }
            if (need > b.length) {
                b = Arrays.copyOf(b, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8L, 2L * b.length)));
            }
        }

        void addChar(int c) {
            ensure(1);
            b[n++] = (byte) c;
        }

        void addBytes(byte[] src, int off, int len) {
            ensure(len);
            System.arraycopy(src, off, b, n, len);
            n += len;
        }

        LuaString result() {
            return LuaString.valueOf(Arrays.copyOf(b, n));
        }
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("pack", LuaConversions.function(StructLib::pack));
        t.rawset("unpack", LuaConversions.function(StructLib::unpack));
        t.rawset("size", LuaConversions.function(StructLib::size));
        return t;
    }

    // ---- the format --------------------------------------------------------------------------

    private static boolean isp2(int x) {
        return x > 0 && (x & (x - 1)) == 0;
    }

    private static int getnum(Fmt fmt, int df) {
        if (!LuaNumbers.isdigit(fmt.peek())) {
            return df;
        }
        int a = 0;
        do {
            int digit = fmt.peek() - '0';
            if (a > (Integer.MAX_VALUE / 10) || a * 10 > (Integer.MAX_VALUE - digit)) {
                throw new LuaError("integral size overflow");
            }
            a = a * 10 + digit;
            fmt.pos++;
        } while (LuaNumbers.isdigit(fmt.peek()));
        return a;
    }

    private static long optsize(int opt, Fmt fmt) {
        switch (opt) {
            case 'B':
            case 'b':
                return 1;
            case 'H':
            case 'h':
                return SIZEOF_SHORT;
            case 'L':
            case 'l':
                return SIZEOF_LONG;
            case 'T':
                return SIZEOF_SIZE_T;
            case 'f':
                return SIZEOF_FLOAT;
            case 'd':
                return SIZEOF_DOUBLE;
            case 'x':
                return 1;
            case 'c':
                return getnum(fmt, 1);
            case 'i':
            case 'I': {
                int sz = getnum(fmt, SIZEOF_INT);
                if (sz > MAXINTSIZE) {
                    throw new LuaError("integral size " + sz + " is larger than limit of " + MAXINTSIZE);
                }
                return sz;
            }
            default:
                return 0; // other cases do not need alignment
        }
    }

    /** Bytes needed to align an element of size {@code size} at position {@code len} (size_t math). */
    private static int gettoalign(long len, Header h, int opt, long size) {
        if (size == 0 || opt == 'c') {
            return 0;
        }
        if (Long.compareUnsigned(size, h.align) > 0) {
            size = h.align; // respect max. alignment
        }
        return (int) ((size - (len & (size - 1))) & (size - 1));
    }

    /** Options to control endianness and alignment. */
    private static void controloptions(int opt, Fmt fmt, Header h, String fname) {
        switch (opt) {
            case ' ':
                return; // ignore white spaces
            case '>':
                h.endian = BIG;
                return;
            case '<':
                h.endian = LITTLE;
                return;
            case '!': {
                int a = getnum(fmt, MAXALIGN);
                if (!isp2(a)) {
                    throw new LuaError("alignment " + a + " is not a power of 2");
                }
                h.align = a;
                return;
            }
            default:
                // lua_pushfstring's %c writes the byte itself.
                throw argError(1, fname, "invalid format option '" + (char) (opt & 0xff) + "'");
        }
    }

    // ---- pack --------------------------------------------------------------------------------

    private static LuaString pack(Varargs args) {
        Fmt fmt = new Fmt(checkLString(args, 1, "pack", false));
        Header h = new Header();
        int arg = 2;
        long totalsize = 0;
        Buffer b = new Buffer();
        while (fmt.more()) {
            int opt = fmt.next();
            long size = optsize(opt, fmt);
            int toalign = gettoalign(totalsize, h, opt, size);
            totalsize += toalign;
            while (toalign-- > 0) {
                b.addChar(0);
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> // integer types
                        putinteger(b, checkNumber(args, arg++, "pack", true), h.endian, (int) size);
                case 'x' -> b.addChar(0);
                case 'f' -> {
                    int bits = doubleToFloatBits(checkNumber(args, arg++, "pack", true));
                    putBytes(b, bits & 0xffffffffL, SIZEOF_FLOAT, h.endian);
                }
                case 'd' -> {
                    long bits = Double.doubleToRawLongBits(checkNumber(args, arg++, "pack", true));
                    putBytes(b, bits, SIZEOF_DOUBLE, h.endian);
                }
                case 'c', 's' -> {
                    LuaString s = checkLString(args, arg++, "pack", true);
                    long l = s.m_length;
                    if (size == 0) {
                        size = l;
                    }
                    // arg has already moved on: the C code names the argument after this one.
                    if (l < size) {
                        throw argError(arg, "pack", "string too short");
                    }
                    b.addBytes(s.m_bytes, s.m_offset, (int) size);
                    if (opt == 's') {
                        b.addChar(0); // add zero at the end
                        size++;
                    }
                }
                default -> controloptions(opt, fmt, h, "pack");
            }
            totalsize += size;
        }
        return b.result();
    }

    private static void putinteger(Buffer b, double n, int endian, int size) {
        long value = n < 0 ? LuaNumbers.toLongX86(n) : LuaNumbers.toUnsignedLongX86(n);
        byte[] buff = new byte[size];
        if (endian == LITTLE) {
            for (int i = 0; i < size; i++) {
                buff[i] = (byte) value;
                value >>>= 8;
            }
        } else {
            for (int i = size - 1; i >= 0; i--) {
                buff[i] = (byte) value;
                value >>>= 8;
            }
        }
        b.addBytes(buff, 0, size);
    }

    /** The {@code size} bytes of a float or double in memory (native order), swapped for the other. */
    private static void putBytes(Buffer b, long bits, int size, int endian) {
        byte[] buff = new byte[size];
        for (int i = 0; i < size; i++) { // native (little-endian) layout
            buff[i] = (byte) (bits >>> (8 * i));
        }
        correctbytes(buff, endian);
        b.addBytes(buff, 0, size);
    }

    private static void correctbytes(byte[] b, int endian) {
        if (endian != NATIVE) {
            int i = 0;
            int size = b.length;
            while (i < --size) {
                byte temp = b[i];
                b[i++] = b[size];
                b[size] = temp;
            }
        }
    }

    // ---- unpack ------------------------------------------------------------------------------

    private static Varargs unpack(Varargs args) {
        Fmt fmt = new Fmt(checkLString(args, 1, "unpack", false));
        LuaString dataString = checkLString(args, 2, "unpack", false);
        byte[] data = dataString.m_bytes;
        int base = dataString.m_offset;
        long ld = dataString.m_length;
        long pos = optInteger(args, 3, 1, "unpack"); // size_t pos = luaL_optinteger(L, 3, 1)
        if (pos == 0) {
            throw argError(3, "unpack", "offset must be 1 or greater");
        }
        pos--; // Lua indexes are 1-based
        int nargs = args.narg();
        List<LuaValue> results = new ArrayList<>();
        Header h = new Header();
        while (fmt.more()) {
            int opt = fmt.next();
            long size = optsize(opt, fmt);
            pos += gettoalign(pos, h, opt, size);
            if (!fits(pos, size, ld)) {
                throw argError(2, "unpack", "data string too short");
            }
            // luaL_checkstack(L, 2, "too many results"): stack space for item + next position
            if (nargs + results.size() + 2 > LUAI_MAXCSTACK) {
                throw new LuaError("stack overflow (too many results)");
            }
            switch (opt) {
                case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I' -> { // integer types
                    boolean issigned = opt >= 'a' && opt <= 'z';
                    results.add(LuaValue.valueOf(getinteger(data, base + (int) pos, h.endian, issigned, (int) size)));
                }
                case 'x' -> {
                }
                case 'f' -> {
                    long bits = getBytes(data, base + (int) pos, SIZEOF_FLOAT, h.endian);
                    results.add(LuaValue.valueOf(floatBitsToDouble((int) bits)));
                }
                case 'd' -> {
                    long bits = getBytes(data, base + (int) pos, SIZEOF_DOUBLE, h.endian);
                    results.add(LuaValue.valueOf(Double.longBitsToDouble(bits)));
                }
                case 'c' -> {
                    if (size == 0) {
                        Double previous = results.isEmpty() ? null : LuaNumbers.toNumber(results.get(results.size() - 1));
                        if (previous == null) {
                            throw new LuaError("format 'c0' needs a previous size");
                        }
                        size = LuaNumbers.toUnsignedLongX86(previous); // size_t size = lua_tonumber(L, -1)
                        results.remove(results.size() - 1);
                        if (!fits(pos, size, ld)) {
                            throw argError(2, "unpack", "data string too short");
                        }
                    }
                    int from = base + (int) pos;
                    results.add(LuaString.valueOf(Arrays.copyOfRange(data, from, from + (int) size)));
                }
                case 's' -> {
                    int from = base + (int) pos;
                    int limit = base + (int) ld;
                    int e = from;
                    while (e < limit && data[e] != 0) {
                        e++;
                    }
                    if (e == limit) {
                        throw new LuaError("unfinished string in data");
                    }
                    size = (e - from) + 1;
                    results.add(LuaString.valueOf(Arrays.copyOfRange(data, from, e)));
                }
                default -> controloptions(opt, fmt, h, "unpack");
            }
            pos += size;
        }
        results.add(LuaValue.valueOf((double) (pos + 1))); // next position, as a lua_Integer
        return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    /** {@code size <= ld && pos <= ld - size}, all size_t. */
    private static boolean fits(long pos, long size, long ld) {
        return Long.compareUnsigned(size, ld) <= 0 && Long.compareUnsigned(pos, ld - size) <= 0;
    }

    private static double getinteger(byte[] buff, int off, int endian, boolean issigned, int size) {
        long l = 0;
        if (endian == BIG) {
            for (int i = 0; i < size; i++) {
                l <<= 8;
                l |= buff[off + i] & 0xff;
            }
        } else {
            for (int i = size - 1; i >= 0; i--) {
                l <<= 8;
                l |= buff[off + i] & 0xff;
            }
        }
        if (!issigned) {
            return LuaNumbers.unsignedToDouble(l);
        }
        // The shift count is taken mod 64, as x86-64's shl does for sizes other than 1..8.
        long mask = ~0L << (size * 8 - 1);
        if ((l & mask) != 0) { // negative value?
            l |= mask; // sign extension
        }
        return (double) l;
    }

    /** memcpy of {@code size} bytes into a float or double (native order), swapped for the other. */
    private static long getBytes(byte[] data, int off, int size, int endian) {
        byte[] b = Arrays.copyOfRange(data, off, off + size);
        correctbytes(b, endian);
        long bits = 0;
        for (int i = size - 1; i >= 0; i--) {
            bits = (bits << 8) | (b[i] & 0xff);
        }
        return bits;
    }

    // ---- size --------------------------------------------------------------------------------

    private static LuaValue size(Varargs args) {
        Fmt fmt = new Fmt(checkLString(args, 1, "size", false));
        Header h = new Header();
        long pos = 0;
        while (fmt.more()) {
            int opt = fmt.next();
            long size = optsize(opt, fmt);
            pos += gettoalign(pos, h, opt, size);
            if (opt == 's') {
                throw argError(1, "size", "option 's' has no fixed size");
            } else if (opt == 'c' && size == 0) {
                throw argError(1, "size", "option 'c0' has no fixed size");
            }
            if (!LuaNumbers.isalnum(opt)) {
                controloptions(opt, fmt, h, "size");
            }
            pos += size;
        }
        return LuaValue.valueOf((double) pos); // lua_pushinteger of a size_t
    }

    // ---- number conversions as gcc compiles them for x86-64 ----------------------------------

    /** (float) d (cvtsd2ss): a NaN keeps its sign and the top of its payload, and becomes quiet. */
    private static int doubleToFloatBits(double d) {
        if (Double.isNaN(d)) {
            long bits = Double.doubleToRawLongBits(d);
            int sign = (int) (bits >>> 63) << 31;
            int payload = (int) ((bits >>> 29) & 0x7fffff);
            return sign | 0x7f800000 | 0x400000 | payload;
        }
        return Float.floatToRawIntBits((float) d);
    }

    /** (double) f (cvtss2sd): a NaN keeps its sign and payload, and becomes quiet. */
    private static double floatBitsToDouble(int bits) {
        float f = Float.intBitsToFloat(bits);
        if (Float.isNaN(f)) {
            long sign = (long) (bits >>> 31) << 63;
            long payload = (long) (bits & 0x7fffff) << 29;
            return Double.longBitsToDouble(sign | 0x7ff0000000000000L | 0x8000000000000L | payload);
        }
        return f;
    }

    // ---- the auxiliary library (lauxlib.c of Lua 5.1) ----------------------------------------

    /** luaL_argerror: "bad argument #N to 'NAME' (MSG)". */
    private static LuaError argError(int narg, String fname, String extramsg) {
        return new LuaError("bad argument #" + narg + " to '" + fname + "' (" + extramsg + ")");
    }

    /**
     * luaL_typerror. pack pushes a nil (its mark before the string buffer) right after its arguments,
     * so the first missing one is a nil there rather than "no value".
     */
    private static LuaError typeError(Varargs args, int narg, String fname, String tname, boolean packMark) {
        String got;
        if (narg > args.narg()) {
            got = packMark && narg == args.narg() + 1 ? "nil" : "no value";
        } else {
            LuaValue v = args.arg(narg);
            got = v.type() == LuaValue.TLIGHTUSERDATA ? "userdata" : v.typename();
        }
        return argError(narg, fname, tname + " expected, got " + got);
    }

    /** luaL_checklstring: a string, or a number converted as lua_tolstring does ("%.14g"). */
    private static LuaString checkLString(Varargs args, int narg, String fname, boolean packMark) {
        LuaValue v = narg <= args.narg() ? args.arg(narg) : LuaValue.NIL;
        if (v.type() == LuaValue.TSTRING) {
            return v.checkstring();
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(LuaNumbers.number14(v.todouble()).getBytes(StandardCharsets.US_ASCII));
        }
        throw typeError(args, narg, fname, "string", packMark);
    }

    /** luaL_checknumber: a number, or a string Lua converts to one. */
    private static double checkNumber(Varargs args, int narg, String fname, boolean packMark) {
        Double d = narg <= args.narg() ? LuaNumbers.toNumber(args.arg(narg)) : null;
        if (d == null) {
            throw typeError(args, narg, fname, "number", packMark);
        }
        return d;
    }

    /** luaL_optinteger: lua_tointeger is a (ptrdiff_t) cast of the number. */
    private static long optInteger(Varargs args, int narg, long def, String fname) {
        if (narg > args.narg() || args.arg(narg).isnil()) {
            return def;
        }
        Double d = LuaNumbers.toNumber(args.arg(narg));
        if (d == null) {
            throw typeError(args, narg, fname, "number", false);
        }
        return LuaNumbers.toLongX86(d);
    }
}
