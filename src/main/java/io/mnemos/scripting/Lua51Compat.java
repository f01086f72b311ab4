package io.mnemos.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * What Redis's Lua 5.1 has and LuaJ's 5.2 libraries lack, or the other way round: {@code unpack},
 * {@code loadstring}, {@code gcinfo}, {@code table.getn/maxn/setn/foreach/foreachi},
 * {@code math.log10} and {@code math.mod}, {@code string.gfind}, and 5.1's
 * {@code coroutine.running} (nil on the main thread); no {@code table.pack} or {@code table.unpack},
 * and no {@code goto} keyword.
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
        globals.rawset("unpack", table.get("unpack"));
        globals.rawset("loadstring", globals.rawget("load"));
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
        LuaValue math = globals.rawget("math");
        math.set("log10", LuaConversions.function(args -> LuaValue.valueOf(Math.log10(checkNumber(args, 1, "log10")))));
        math.set("mod", math.get("fmod"));
        LuaValue string = globals.rawget("string");
        string.set("gfind", string.get("gmatch"));
        LuaValue coroutine = globals.rawget("coroutine");
        LuaValue running = coroutine.get("running");
        coroutine.set("running", LuaConversions.function(args -> {
            Varargs r = running.invoke(LuaValue.NONE);
            return r.arg(2).toboolean() ? LuaValue.NIL : r.arg1();
        }));
    }

    private static LuaTable checkTable(Varargs args, int n, String function) {
        if (!args.arg(n).istable()) {
            throw LuaConversions.typeError(args, n, function, "table");
        }
        return (LuaTable) args.arg(n);
    }

    private static double checkNumber(Varargs args, int n, String function) {
        Double d = LuaNumbers.toNumber(args.arg(n));
        if (d == null) {
            throw LuaConversions.typeError(args, n, function, "number");
        }
        return d;
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
