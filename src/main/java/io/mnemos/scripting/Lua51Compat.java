package io.mnemos.scripting;

import java.nio.charset.StandardCharsets;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Where Redis's Lua 5.1 and LuaJ's 5.2 libraries differ, 5.1's way: {@code unpack}, {@code loadstring}
 * (of strings), {@code gcinfo}, {@code tonumber} (strtod, or strtoul in another base), {@code xpcall}
 * without extra arguments, {@code load} of functions only, {@code rawget}'s checks, {@code next}'s
 * error, {@code coroutine.running} (nil on the main thread),
 * {@code table.getn/maxn/setn/foreach/foreachi/insert/concat/sort/remove}, {@code math.log10},
 * {@code math.mod}, the C library's {@code math.fmod/max/min/modf/frexp/ldexp/pow/atan2},
 * {@code string.rep} and 5.1's pattern matching and case mapping ({@link LuaPatterns}); no
 * {@code table.pack} or {@code table.unpack}, and no {@code goto} keyword.
 */
final class Lua51Compat {
    static {
        forgetGotoKeyword();
    }

    private Lua51Compat() {
    }

    /**
     * goto is a keyword from Lua 5.2 on: in Redis's 5.1 it is a name like any other ({@code t.goto},
     * {@code local goto}). LuaJ's lexer takes its reserved words from one static table, shared by
     * every compiler in the JVM, so the word leaves it once (a {@code goto x} statement then fails to
     * compile, as in 5.1).
     */
    private static void forgetGotoKeyword() {
        try {
            java.lang.reflect.Field reserved = org.luaj.vm2.compiler.LexState.class.getDeclaredField("RESERVED");
            reserved.setAccessible(true);
            ((java.util.Map<?, ?>) reserved.get(null)).remove(LuaValue.valueOf("goto"));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("LuaJ's lexer is not the one Mnemos was built with", e);
        }
    }

    static void install(Globals globals) {
        globals.rawset("_VERSION", LuaValue.valueOf("Lua 5.1"));
        LuaValue table = globals.rawget("table");
        globals.rawset("unpack", LuaConversions.function(Lua51Compat::unpack));
        globals.rawset("assert", LuaConversions.function(Lua51Compat::assertion));
        LuaValue baseLoad = globals.rawget("load");
        globals.rawset("loadstring", LuaConversions.function(args -> loadstring(baseLoad, args)));
        LuaValue collectgarbage = globals.rawget("collectgarbage");
        // lua_getgccount: kilobytes in use, an integer.
        globals.rawset("gcinfo", LuaConversions.function(args ->
                LuaValue.valueOf((int) collectgarbage.call(LuaValue.valueOf("count")).todouble())));
        table.set("unpack", LuaValue.NIL);
        table.set("pack", LuaValue.NIL);
        table.set("getn", LuaConversions.function(args -> LuaValue.valueOf(checkTable(args, 1, "getn").rawlen())));
        table.set("maxn", LuaConversions.function(Lua51Compat::maxn));
        table.set("setn", LuaConversions.function(args -> {
            checkTable(args, 1, "setn");
            throw new LuaError("'setn' is obsolete");
        }));
        table.set("foreach", LuaConversions.function(Lua51Compat::foreach));
        table.set("foreachi", LuaConversions.function(Lua51Compat::foreachi));
        LuaValue load = globals.rawget("load");
        globals.rawset("load", LuaConversions.function(args -> {
            if (!args.arg1().isfunction()) {
                throw LuaConversions.typeError(args, 1, "load", "function"); // 5.1: loadstring takes text
            }
            return load.invoke(args);
        }));
        LuaValue next = globals.rawget("next");
        globals.rawset("next", LuaConversions.function(args -> {
            checkTable(args, 1, "next");
            try {
                return next.invoke(args);
            } catch (LuaError e) {
                // Raised inside the C function in 5.1: no script position in front.
                throw new PositionlessError("invalid key to 'next'");
            }
        }));
        globals.rawset("tonumber", LuaConversions.function(Lua51Compat::tonumber));
        globals.rawset("rawget", LuaConversions.function(args -> {
            LuaTable t = checkTable(args, 1, "rawget");
            return t.rawget(LuaConversions.checkAny(args, 2, "rawget"));
        }));
        table.set("insert", LuaConversions.function(Lua51Compat::insert));
        table.set("concat", LuaConversions.function(Lua51Compat::concat));
        table.set("sort", LuaConversions.function(Lua51Compat::sort));
        table.set("remove", LuaConversions.function(Lua51Compat::remove));
        globals.rawget("string").rawset("rep", LuaConversions.function(Lua51Compat::rep));
        LuaValue math = globals.rawget("math");
        math.set("log10", LuaConversions.function(args -> LuaValue.valueOf(Math.log10(LuaConversions.checkNumber(args, 1, "log10")))));
        // C's fmod is Java's % on doubles (the sign of x, also for -0).
        math.set("fmod", binaryMath("fmod", (x, y) -> x % y));
        math.set("mod", binaryMath("mod", (x, y) -> x % y));
        math.set("atan2", binaryMath("atan2", Math::atan2));
        math.set("pow", binaryMath("pow", Math::pow));
        math.set("ldexp", binaryMath("ldexp", (x, e) -> Math.scalb(x, (int) LuaNumbers.toLongX86(e))));
        math.set("max", LuaConversions.function(args -> extreme(args, "max", 1)));
        math.set("min", LuaConversions.function(args -> extreme(args, "min", -1)));
        math.set("modf", LuaConversions.function(Lua51Compat::modf));
        math.set("frexp", LuaConversions.function(Lua51Compat::frexp));
        LuaPatterns.install((LuaTable) globals.rawget("string"));
        LuaValue coroutine = globals.rawget("coroutine");
        LuaValue running = coroutine.get("running");
        coroutine.set("running", LuaConversions.function(args -> {
            Varargs r = running.invoke(LuaValue.NONE);
            return r.arg(2).toboolean() ? LuaValue.NIL : r.arg1();
        }));
    }

    /**
     * luaB_loadstring: the chunk is named after its text (chunkid's [string "..."], which its
     * errors show), read with Lua 5.1's grammar; a syntax error is returned as nil and the message.
     */
    private static Varargs loadstring(LuaValue baseLoad, Varargs args) {
        byte[] code = LuaConversions.checkString(args, 1, "loadstring");
        byte[] name = args.arg(2).isnil() ? code : LuaConversions.checkString(args, 2, "loadstring");
        String chunk = chunkId(LuaConversions.latin1(LuaValue.valueOf(name)));
        Lua51Syntax.Checked checked = Lua51Syntax.check(code, 0, chunk);
        if (checked.error() != null) {
            return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(checked.error().getBytes(StandardCharsets.ISO_8859_1)));
        }
        byte[] source = java.util.Arrays.copyOfRange(checked.source(), checked.offset(), checked.source().length);
        return baseLoad.invoke(LuaValue.varargsOf(LuaValue.valueOf(source), LuaValue.valueOf(chunk)));
    }

    /**
     * luaO_chunkid (LUA_IDSIZE 60): "=name" as it is, "@file" with its last 52 characters, a chunk
     * named by its text [string "first line"], cut at 43 characters with "...".
     */
    static String chunkId(String source) {
        if (source.startsWith("=")) {
            return source.substring(1, Math.min(source.length(), 60));
        }
        if (source.startsWith("@")) {
            return source.length() - 1 > 52 ? "..." + source.substring(source.length() - 52) : source.substring(1);
        }
        int len = 0;
        while (len < source.length() && source.charAt(len) != '\n' && source.charAt(len) != '\r') {
            len++;
        }
        len = Math.min(len, 43);
        return "[string \"" + source.substring(0, len) + (len < source.length() ? "..." : "") + "\"]";
    }

    /** luaB_tonumber: base 10 as lua_isnumber reads numbers (strtod), other bases by strtoul. */
    private static Varargs tonumber(Varargs args) {
        int base = args.arg(2).isnil() ? 10 : (int) LuaConversions.checkInteger(args, 2, "tonumber");
        if (base == 10) {
            LuaConversions.checkAny(args, 1, "tonumber");
            Double d = LuaNumbers.toNumber(args.arg1());
            return d == null ? LuaValue.NIL : LuaValue.valueOf(d);
        }
        if (!args.arg1().isstring()) {
            throw LuaConversions.typeError(args, 1, "tonumber", "string");
        }
        if (base < 2 || base > 36) {
            throw new LuaError("bad argument #2 to 'tonumber' (base out of range)");
        }
        Long n = LuaNumbers.strtoul(LuaConversions.bytes(args.arg1().checkstring()), base);
        return n == null ? LuaValue.NIL : LuaValue.valueOf(LuaNumbers.unsignedToDouble(n));
    }

    /** tinsert: (t, v) appends, (t, pos, v) moves t[pos..] up (growing the array past its end). */
    /**
     * math_atan2, math_pow, math_ldexp, math_fmod: {@code f(luaL_checknumber(L, 1), luaL_checknumber(L, 2))},
     * whose second argument gcc checks first (math.pow() is "bad argument #2"). ldexp's exponent
     * is luaL_checkint's cast, and Math.scalb is C's ldexp (LuaJ's built the power of two from the
     * exponent's bits, wrong past the normal range).
     */
    private static LuaValue binaryMath(String name, java.util.function.DoubleBinaryOperator f) {
        return LuaConversions.function(args -> {
            double second = LuaConversions.checkNumber(args, 2, name);
            return LuaValue.valueOf(f.applyAsDouble(LuaConversions.checkNumber(args, 1, name), second));
        });
    }

    /**
     * math_max / math_min: the first argument unless a later one compares greater (less): -0 and 0
     * keep the first one's sign, and a NaN only wins from the first position (Java's Math.max/min
     * order zeros and prefer NaN).
     */
    private static Varargs extreme(Varargs args, String name, int direction) {
        double m = LuaConversions.checkNumber(args, 1, name);
        for (int i = 2, n = args.narg(); i <= n; i++) {
            double d = LuaConversions.checkNumber(args, i, name);
            if (direction > 0 ? d > m : d < m) {
                m = d;
            }
        }
        return LuaValue.valueOf(m);
    }

    /** math_modf: C's modf, whose parts keep x's sign (-0.5 gives -0 and -0.5) and whose fraction of an infinity is 0. */
    private static Varargs modf(Varargs args) {
        double x = LuaConversions.checkNumber(args, 1, "modf");
        double whole = x >= 0 ? Math.floor(x) : Math.ceil(x);
        double fraction = Double.isInfinite(x) ? Math.copySign(0.0, x) : x - whole;
        if (fraction == 0) {
            fraction = Math.copySign(0.0, x);
        }
        return LuaValue.varargsOf(LuaValue.valueOf(whole), LuaValue.valueOf(fraction));
    }

    /**
     * math_frexp: C's frexp, x = m * 2^e with 0.5 <= |m| < 1; zeros (with their sign), infinities
     * and NaN come back as they are with exponent 0, subnormals are normalized (LuaJ's read the
     * exponent bits as they are).
     */
    private static Varargs frexp(Varargs args) {
        double x = LuaConversions.checkNumber(args, 1, "frexp");
        if (x == 0 || Double.isNaN(x) || Double.isInfinite(x)) {
            return LuaValue.varargsOf(LuaValue.valueOf(x), LuaValue.ZERO);
        }
        int exponent = Math.getExponent(x) == Double.MIN_EXPONENT - 1
                ? Math.getExponent(x * 0x1p54) - 54 + 1
                : Math.getExponent(x) + 1;
        return LuaValue.varargsOf(LuaValue.valueOf(Math.scalb(x, -exponent)), LuaValue.valueOf(exponent));
    }

    private static Varargs insert(Varargs args) {
        LuaTable t = checkTable(args, 1, "insert");
        int e = t.rawlen() + 1;
        int pos;
        switch (args.narg()) {
            case 2 -> pos = e;
            case 3 -> {
                pos = (int) LuaConversions.checkInteger(args, 2, "insert");
                if (pos > e) {
                    e = pos;
                }
                for (int i = e; i > pos; i--) {
                    t.rawset(i, t.rawget(i - 1));
                }
            }
            default -> throw new LuaError("wrong number of arguments to 'insert'");
        }
        t.rawset(pos, args.arg(args.narg()));
        return LuaValue.NONE;
    }

    /** tremove: t[pos] (the last by default) taken out, the rest moved down; nothing when pos is outside 1..#t. */
    private static Varargs remove(Varargs args) {
        LuaTable t = checkTable(args, 1, "remove");
        int e = t.rawlen();
        long pos = args.arg(2).isnil() ? e : LuaConversions.checkInteger(args, 2, "remove");
        return pos < 1 || pos > e ? LuaValue.NONE : t.remove((int) pos);
    }

    /** sort: Lua 5.1's quicksort (LuaTable's); values it cannot compare raise an error without position, as from C. */
    private static Varargs sort(Varargs args) {
        LuaTable t = checkTable(args, 1, "sort");
        LuaValue comparator = args.arg(2);
        if (!comparator.isnil() && !comparator.isfunction()) {
            throw LuaConversions.typeError(args, 2, "sort", "function");
        }
        try {
            t.sort(comparator);
        } catch (LuaTable.SortError e) {
            throw new PositionlessError(e.getMessage());
        }
        return LuaValue.NONE;
    }

    /** tconcat: t[i..j] (numbers as text) with sep between them. */
    private static Varargs concat(Varargs args) {
        LuaTable t = checkTable(args, 1, "concat");
        byte[] sep = args.arg(2).isnil() ? new byte[0] : LuaConversions.checkString(args, 2, "concat");
        int i = args.arg(3).isnil() ? 1 : (int) LuaConversions.checkInteger(args, 3, "concat");
        int last = args.arg(4).isnil() ? t.rawlen() : (int) LuaConversions.checkInteger(args, 4, "concat");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (; i <= last; i++) {
            LuaValue v = t.rawget(i);
            if (!v.isstring()) {
                throw new LuaError("invalid value (" + v.typename() + ") at index " + i + " in table for 'concat'");
            }
            out.writeBytes(LuaConversions.bytes(v.checkstring()));
            if (i != last) {
                out.writeBytes(sep);
            }
        }
        return org.luaj.vm2.LuaString.valueOf(out.toByteArray());
    }

    /** str_rep: n copies (none for n of 0 or less); 5.1 has no separator. */
    /** Lua's C stack limit (LUAI_MAXCSTACK), which lua_checkstack holds a C function's values to. */
    private static final int MAX_C_STACK = 8000;

    /**
     * luaB_unpack: t[i..j] (j defaulting to the 5.1 length), raw reads; more results than Lua's C
     * stack takes beside the arguments fail with "too many results to unpack", as a range whose
     * size overflows an int does.
     */
    private static Varargs unpack(Varargs args) {
        LuaTable t = checkTable(args, 1, "unpack");
        int i = (int) LuaConversions.optInteger(args, 2, 1, "unpack");
        int e = (int) LuaConversions.optInteger(args, 3, t.rawlen(), "unpack");
        if (i > e) {
            return LuaValue.NONE;
        }
        int n = e - i + 1;
        if (n <= 0 || n > MAX_C_STACK - args.narg()) {
            throw new LuaError("too many results to unpack");
        }
        LuaValue[] values = new LuaValue[n];
        for (int k = 0; k < n; k++) {
            values[k] = t.rawget(i + k);
        }
        return LuaValue.varargsOf(values);
    }

    /**
     * luaB_assert: its arguments when the first is true; else luaL_error with the message (a string
     * or a number, "assertion failed!" without one), which is the script's own text, never re-worded.
     */
    private static Varargs assertion(Varargs args) {
        LuaConversions.checkAny(args, 1, "assert");
        if (args.arg1().toboolean()) {
            return args;
        }
        LuaValue message = args.arg(2);
        if (message.isnil()) {
            throw new ArgumentErrors.ScriptMessage("assertion failed!");
        }
        if (!message.isstring()) {
            throw LuaConversions.typeError(args, 2, "assert", "string");
        }
        throw new ArgumentErrors.ScriptMessage(LuaConversions.latin1(message));
    }

    private static Varargs rep(Varargs args) {
        byte[] s = LuaConversions.checkString(args, 1, "rep");
        long n = LuaConversions.checkInteger(args, 2, "rep");
        if (n <= 0 || s.length == 0) {
            return org.luaj.vm2.LuaString.valueOf(new byte[0]);
        }
        if (s.length * n > Integer.MAX_VALUE - 16) {
            throw new LuaError("not enough memory");
        }
        byte[] out = new byte[(int) (s.length * n)];
        for (int k = 0; k < n; k++) {
            System.arraycopy(s, 0, out, k * s.length, s.length);
        }
        return org.luaj.vm2.LuaString.valueOf(out);
    }

    private static LuaTable checkTable(Varargs args, int n, String function) {
        if (!args.arg(n).istable()) {
            throw LuaConversions.typeError(args, n, function, "table");
        }
        return (LuaTable) args.arg(n);
    }

    /** table.maxn: the largest positive numeric key, 0 without one. */
    private static Varargs maxn(Varargs args) {
        LuaTable t = checkTable(args, 1, "maxn");
        double max = 0;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            if (e.arg1().type() == LuaValue.TNUMBER) {
                max = Math.max(max, e.arg1().todouble());
            }
        }
        return LuaValue.valueOf(max);
    }

    /** table.foreach: f(key, value) for every entry until f returns something not nil, which is returned. */
    private static Varargs foreach(Varargs args) {
        LuaTable t = checkTable(args, 1, "foreach");
        LuaValue f = checkFunction(args, "foreach");
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue r = f.call(e.arg1(), e.arg(2));
            if (!r.isnil()) {
                return r;
            }
        }
        return LuaValue.NONE;
    }

    /** table.foreachi: f(i, t[i]) for i = 1..#t until f returns something not nil, which is returned. */
    private static Varargs foreachi(Varargs args) {
        LuaTable t = checkTable(args, 1, "foreachi");
        int n = t.rawlen();
        LuaValue f = checkFunction(args, "foreachi");
        for (int i = 1; i <= n; i++) {
            LuaValue r = f.call(LuaValue.valueOf(i), t.rawget(i));
            if (!r.isnil()) {
                return r;
            }
        }
        return LuaValue.NONE;
    }

    private static LuaValue checkFunction(Varargs args, String function) {
        if (!args.arg(2).isfunction()) {
            throw LuaConversions.typeError(args, 2, function, "function");
        }
        return args.arg(2);
    }
}
