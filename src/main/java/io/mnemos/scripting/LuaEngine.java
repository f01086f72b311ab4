package io.mnemos.scripting;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaThread;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.CoroutineLib;
import org.luaj.vm2.lib.DebugLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.ThreeArgFunction;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Lua interpreter (LuaJ, Lua 5.2 in pure Java) set up like Redis 7.0's: the base, table,
 * string, math, coroutine, bit and cjson libraries only, the {@code redis} API table, a
 * read-only global table that raises on unknown names, and an interrupt hook for SCRIPT KILL.
 * EVAL scripts and FUNCTION libraries each get their own engine. Only the thread running a
 * script touches it.
 */
public final class LuaEngine {
    private static final Logger log = LoggerFactory.getLogger("io.mnemos.scripting.lua");
    /** LuaJ's position in front of a message: the chunk ("@user_script", a loadstring's [string "..."]) and line. */
    private static final Pattern POSITION = Pattern.compile("^(@?[^\\s:]+|\\[string \".*?\"\\]):(\\d+) ");
    /** Lua's position in front of a message: "user_script:3: ", "[string \"...\"]:1: ". */
    private static final Pattern LUA_POSITION = Pattern.compile("(?s)^([^\\s:]+|\\[string \".*?\"\\]):\\d+: .*");
    /** A loadstring chunk's name as chunkid shows it, its text whole. */
    private static final Pattern STRING_CHUNK = Pattern.compile("(?s)\\[string \"(.*)\"\\]");
    static final LuaString INDEX = LuaValue.valueOf("__index");
    static final LuaString NEWINDEX = LuaValue.valueOf("__newindex");

    private final Scripting scripting;
    private final Globals globals = new Globals();
    /** What scripts see as their globals: reads fall through to {@link #globals}, writes fail. */
    // A Globals instance, not a plain table: LuaJ only runs its debug hooks (our interrupt and
    // position hook) for closures whose environment is a Globals.
    private final Globals env = new Globals();
    final ReadOnlyTable redis = new ReadOnlyTable();
    /** While a FUNCTION library loads: the only globals its code sees (Redis's library API). */
    LuaTable loadApi;
    /** The run in progress on this engine, or null. */
    ScriptRun run;
    private final Interrupts interrupts = new Interrupts();

    /** Whether a script's calls overflowed this state's stack once, which raised its limit for good. */
    boolean callStackOverflowed() {
        return interrupts.main.maxCalls == LuaCallStack.MAX_CALLS;
    }

    /** Carries {@link #callStackOverflowed()} over to a new engine standing for the same Lua state. */
    void callStackOverflowed(boolean overflowed) {
        interrupts.main.maxCalls = overflowed ? LuaCallStack.MAX_CALLS : LuaCallStack.FRESH_MAX_CALLS;
    }

    LuaEngine(Scripting scripting) {
        this.scripting = scripting;
        globals.load(new BaseLib());
        globals.load(new PackageLib());
        globals.load(new TableLib());
        globals.load(new StringLib());
        globals.load(new CoroutineLib());
        globals.load(new JseMathLib());
        LoadState.install(globals);
        LuaC.install(globals);
        // Not in Redis's sandbox: files, modules, printing, and the Lua 5.2-only additions.
        for (String name : new String[]{"dofile", "loadfile", "print", "require", "package", "module", "rawlen",
                "bit32", "os", "io", "luajava", "debug"}) {
            globals.rawset(name, LuaValue.NIL);
        }
        Lua51Compat.install(globals);
        LuaValue math = globals.rawget("math");
        math.rawset("random", LuaConversions.function(scripting.random()::random));
        math.rawset("randomseed", LuaConversions.function(scripting.random()::randomseed));
        globals.rawget("string").rawset("format", new LuaStringFormat());
        globals.rawset("bit", ReadOnlyTable.of(libraryTable(BitLib.create())));
        globals.rawset("cjson", ReadOnlyTable.of(libraryTable(CJson.create())));
        globals.rawset("cmsgpack", ReadOnlyTable.of(libraryTable(CMsgPack.create())));
        globals.rawset("struct", ReadOnlyTable.of(libraryTable(StructLib.create())));
        globals.rawset("redis", redis);
        // _G is the table of the globals themselves (pairs and rawget see them), read-only as Redis
        // makes it; the scripts' environment is an empty table reading through to it.
        globals.rawset("_G", globals);
        LuaValue basePcall = globals.rawget("pcall");
        globals.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() == 0) {
                    // luaRedisPcall calls what sits below its arguments: the result placeholder, true.
                    return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("attempt to call a boolean value"));
                }
                Varargs r = basePcall.invoke(args);
                if (!r.arg1().toboolean()) {
                    return LuaValue.varargsOf(LuaValue.FALSE, pcallError(r.arg(2)));
                }
                return r;
            }
        });
        globals.rawset("xpcall", LuaConversions.function(args -> xpcall(basePcall, args)));
        coroutineErrors();
        LuaValue baseError = globals.rawget("error");
        globals.rawset("error", new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue message, LuaValue level) {
                // Lua 5.1's luaB_error: only a string or number message gets a position, the one of
                // the function `level` calls up (none for a C function or above the script). LuaJ
                // would put a position on every message, and always the caller's.
                int lvl = level.optint(1);
                // Called in tail position, LuaJ has already left the frame that called error.
                String tailCall = interrupts.stack().tailCallPosition(this);
                if (message.isstring() && lvl == 1) {
                    if (tailCall != null) {
                        throw new org.luaj.vm2.PositionedError(LuaConversions.latin1(message), tailCall);
                    }
                    return baseError.call(message, level);
                }
                if (message.isstring() && lvl > 1) {
                    String where = interrupts.where(tailCall != null ? lvl - 1 : lvl);
                    throw new PositionlessError(LuaValue.valueOf((where + LuaConversions.latin1(message))
                            .getBytes(StandardCharsets.ISO_8859_1)));
                }
                throw new PositionlessError(message);
            }
        });
        globals.rawset("rawset", LuaConversions.function(args -> {
            if (!args.arg1().istable()) {
                throw LuaConversions.typeError(args, 1, "rawset", "table");
            }
            LuaValue t = args.arg1();
            LuaValue k = LuaConversions.checkAny(args, 2, "rawset");
            LuaValue v = LuaConversions.checkAny(args, 3, "rawset");
            // Raised by the C function rawset in Redis (a read-only table, a nil or NaN key): no
            // script position in front.
            if (((LuaTable) t).isReadOnly()) {
                throw new PositionlessError(LuaTable.READ_ONLY_ERROR);
            }
            try {
                t.rawset(k, v);
            } catch (LuaError e) {
                throw new PositionlessError(e.getMessage());
            }
            return t;
        }));
        LuaValue baseSetmetatable = globals.rawget("setmetatable");
        globals.rawset("setmetatable", LuaConversions.function(args -> {
            if (!args.arg1().istable()) {
                throw LuaConversions.typeError(args, 1, "setmetatable", "table");
            }
            LuaValue t = args.arg1();
            LuaValue metatable = args.arg(2);
            if (args.narg() < 2 || !metatable.isnil() && !metatable.istable()) {
                throw new LuaError("bad argument #2 to 'setmetatable' (nil or table expected)");
            }
            // Redis's Lua refuses a new metatable for a read-only table, from C (no position):
            // replacing the global table's would let one script unprotect, or rig, the globals
            // of every script after it.
            if (((LuaTable) t).isReadOnly()) {
                throw new PositionlessError(LuaTable.READ_ONLY_ERROR);
            }
            return baseSetmetatable.call(t, metatable);
        }));
        ArgumentErrors.nameArguments((LuaTable) globals.rawget("string"), true);
        ArgumentErrors.nameArguments((LuaTable) globals.rawget("math"), false);
        ArgumentErrors.nameArguments((LuaTable) globals.rawget("table"), false);
        ArgumentErrors.nameArguments((LuaTable) globals.rawget("coroutine"), false);
        ArgumentErrors.nameArguments(globals, false);
        installRedisApi();
        // Read-only too, as Redis protects it: getmetatable(_G).__index = nil would do the same.
        ReadOnlyTable meta = new ReadOnlyTable();
        meta.rawset(INDEX, new TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                LuaValue v = loadApi != null ? loadApi.rawget(key) : globals.rawget(key);
                if (v.isnil()) {
                    throw new LuaError("Script attempted to access nonexistent global variable '"
                            + key.tojstring() + "'");
                }
                return v;
            }
        });
        meta.rawset(NEWINDEX, new ThreeArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key, LuaValue value) {
                throw new LuaError(LuaTable.READ_ONLY_ERROR);
            }
        });
        meta.seal();
        env.setmetatable(meta);
        env.setReadOnly(true);
        globals.setmetatable(meta);
        // Redis protects the globals and every table reachable from them.
        for (String library : new String[]{"string", "math", "table", "coroutine"}) {
            ((LuaTable) globals.rawget(library)).setReadOnly(true);
        }
        ((LuaTable) org.luaj.vm2.LuaString.s_metatable).setReadOnly(true);
        globals.setReadOnly(true);
        redis.seal();
        // Not loaded as a library (no 'debug' global): only its per-instruction hook is used.
        globals.debuglib = interrupts;
        env.debuglib = interrupts;
        env.running = globals.running;
    }

    /** A library table whose functions raise argument errors in luaL_argerror's words. */
    private LuaTable libraryTable(LuaTable library) {
        ArgumentErrors.nameArguments(library, false);
        return library;
    }

    /** The table scripts see as their global environment. */
    LuaTable env() {
        return env;
    }

    Globals globals() {
        return globals;
    }

    /** Compiles a chunk; a syntax error is thrown as a LuaError with Lua 5.1's message. */
    LuaFunction compile(byte[] code, int offset, String chunkName, LuaTable environment) {
        // Lua 5.1's grammar first: LuaJ's compiler (Lua 5.2's) accepts more (goto and labels, empty
        // statements, a call's '(' on the next line, "0x") and words its errors without what they
        // are near.
        Lua51Syntax.Checked checked = Lua51Syntax.check(code, offset,
                chunkName.startsWith("@") ? chunkName.substring(1) : chunkName);
        if (checked.error() != null) {
            throw new LuaError(checked.error());
        }
        byte[] source = checked.source();
        LuaValue f = globals.load(new ByteArrayInputStream(source, checked.offset(), source.length - checked.offset()),
                chunkName, "t", environment);
        return (LuaFunction) f;
    }

    /**
     * EVAL's __redis__err__handler global, the error handler Redis defines for its scripts: an
     * error table ({err = 'ERR ' .. message} for a message) with the caller's source and line.
     */
    void defineErrorHandler() {
        setGlobal("__redis__err__handler", new OneArg(err -> {
            LuaTable t;
            if (err.istable()) {
                t = (LuaTable) err;
            } else {
                t = new LuaTable();
                t.rawset(LuaConversions.ERR, LuaValue.valueOf("ERR " + err.tojstring()));
            }
            String position = position();
            if (position != null) {
                int colon = position.lastIndexOf(':');
                t.rawset("source", position.substring(0, colon));
                t.rawset("line", LuaValue.valueOf(Integer.parseInt(position.substring(colon + 1))));
            }
            return t;
        }));
    }

    /** Sets a global without the read-only check (KEYS and ARGV before each EVAL). */
    void setGlobal(String name, LuaValue value) {
        globals.setReadOnly(false);
        globals.rawset(name, value);
        globals.setReadOnly(true);
    }

    /**
     * The value each coroutine of this run died with (a message in Lua's form): LuaJ hands
     * coroutine.resume the error's Java message (LuaJ's "@user_script:1 msg", "table: 1f2e" for a
     * table), where Lua hands over the value itself.
     */
    private final java.util.Map<LuaValue, LuaValue> coroutineErrors = new java.util.IdentityHashMap<>();

    /** coroutine.create, resume and wrap, giving a coroutine's error as Lua 5.1 does. */
    private void coroutineErrors() {
        LuaValue coroutine = globals.rawget("coroutine");
        LuaValue baseCreate = coroutine.rawget("create");
        LuaValue baseResume = coroutine.rawget("resume");
        OneArg create = new OneArg(f -> {
            if (!(f instanceof LuaClosure body)) {
                throw new LuaError("bad argument #1 to 'create' (Lua function expected)");
            }
            return baseCreate.call(new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    try {
                        return body.invoke(args);
                    } catch (LuaError e) {
                        LuaValue error = e.getMessageObject();
                        coroutineErrors.put(globals.running, error.type() == LuaValue.TSTRING ? normalized(error) : error);
                        throw e;
                    } catch (StackOverflowError e) {
                        // LuaJ runs a coroutine on a thread of Java's default stack, which a
                        // recursion overflows long before Lua's limit: end it with Lua's error, not
                        // as a coroutine that returned nothing.
                        String message = interrupts.lastWhere() + "stack overflow";
                        coroutineErrors.put(globals.running, LuaValue.valueOf(message));
                        throw new LuaError(message);
                    }
                }
            });
        });
        VarArgFunction resume = new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (!(args.arg1() instanceof LuaThread)) {
                    throw new LuaError("bad argument #1 to 'resume' (coroutine expected)");
                }
                // Back from the coroutine, the script is where it called resume, not where the
                // coroutine last was (the position an error raised next is reported at).
                org.luaj.vm2.Prototype proto = interrupts.lastProto;
                int pc = interrupts.lastPc;
                Varargs r = baseResume.invoke(args);
                interrupts.lastProto = proto;
                interrupts.lastPc = pc;
                LuaValue error = r.arg1().toboolean() ? null : coroutineErrors.remove(args.arg1());
                return error == null ? r : LuaValue.varargsOf(LuaValue.FALSE, error);
            }
        };
        coroutine.rawset("create", create);
        coroutine.rawset("resume", resume);
        LuaValue baseYield = coroutine.rawget("yield");
        coroutine.rawset("yield", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                // The script itself runs inside Redis's lua_pcall: a C call boundary, raised in C.
                if (globals.running.isMainThread()) {
                    throw new PositionlessError("attempt to yield across metamethod/C-call boundary");
                }
                return baseYield.invoke(args);
            }
        });
        // luaB_auxwrap: a string error gets the caller's position in front (again), as in Lua 5.1.
        coroutine.rawset("wrap", new OneArg(f -> {
            if (!(f instanceof LuaClosure)) {
                throw new LuaError("bad argument #1 to 'wrap' (Lua function expected)");
            }
            LuaValue co = create.call(f);
            return new VarArgFunction() {
                @Override
                public Varargs invoke(Varargs args) {
                    String where = interrupts.callerWhere(); // before the coroutine's instructions run
                    Varargs r = resume.invoke(LuaValue.varargsOf(co, args));
                    if (r.arg1().toboolean()) {
                        return r.subargs(2);
                    }
                    LuaValue error = r.arg(2);
                    if (error.isstring()) {
                        throw new PositionlessError(where + LuaConversions.latin1(error));
                    }
                    throw new PositionlessError(error);
                }
            };
        }));
    }

    /**
     * luaB_xpcall: f called without arguments (5.2 passes the ones after the handler); on an error
     * the handler gets the error object as raised (a redis error table stays a table: Redis replaced
     * pcall, not xpcall) and its one result is xpcall's second; an error in the handler is "error in
     * error handling".
     */
    private static Varargs xpcall(LuaValue basePcall, Varargs args) {
        LuaValue handler = LuaConversions.checkAny(args, 2, "xpcall");
        Varargs r = basePcall.invoke(args.arg1());
        if (r.arg1().toboolean()) {
            return r;
        }
        LuaValue error = r.arg(2);
        try {
            return LuaValue.varargsOf(LuaValue.FALSE, handler.call(error.type() == LuaValue.TSTRING ? normalized(error) : error));
        } catch (LuaError e) {
            return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("error in error handling"));
        }
    }

    /** Redis's pcall returns a redis error table's text rather than the table. */
    private static LuaValue pcallError(LuaValue e) {
        if (e.istable()) {
            LuaValue err = e.rawget(LuaConversions.ERR);
            if (err.isstring()) {
                return err;
            }
            return e;
        }
        if (e.type() == LuaValue.TSTRING) {
            return normalized(e);
        }
        return e;
    }

    /** A message with its position in Lua's form (see {@link #normalizePosition}). */
    private static LuaValue normalized(LuaValue message) {
        return LuaValue.valueOf(normalizePosition(LuaConversions.latin1(message)).getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Whether an error's message begins with LuaJ's position ("@user_script:3 "). */
    static boolean hasPosition(String message) {
        return message != null && POSITION.matcher(message).find();
    }

    /** LuaJ writes "@chunk:line msg"; Lua (and Redis) write "chunk:line: msg". */
    static String normalizePosition(String text) {
        if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        Matcher m = POSITION.matcher(text);
        if (m.find()) {
            String source = m.group(1);
            if (source.startsWith("@")) {
                source = source.substring(1);
            }
            return source + ":" + m.group(2) + ": " + text.substring(m.end());
        }
        return text;
    }

    /** What a script that raised an error replies: Redis's error handler plus luaCallFunction. */
    static String errorReply(LuaError e, String functionName, boolean[] counted, String fallbackPosition) {
        LuaValue obj = e.getMessageObject();
        String msg;
        String source = null;
        String line = null;
        Matcher m = POSITION.matcher(e.getMessage() == null ? "" : e.getMessage());
        if (e instanceof PositionlessError p && p.inNestedC()) {
            // The error handler's getinfo(3): the C function that made the failing call.
            source = "=[C]";
            line = "-1";
        } else if (m.find()) {
            source = m.group(1);
            line = m.group(2);
        } else if (fallbackPosition != null) {
            int colon = fallbackPosition.lastIndexOf(':');
            source = fallbackPosition.substring(0, colon);
            line = fallbackPosition.substring(colon + 1);
        }
        if (obj != null && obj.istable()) {
            LuaValue err = obj.rawget(LuaConversions.ERR);
            msg = err.isstring() ? LuaConversions.latin1(err) : "(null)";
            counted[0] = obj.rawget(LuaConversions.IGNORE_STATS).toboolean();
        } else {
            String text = obj == null ? "nil" : obj.isstring() ? LuaConversions.latin1(obj) : obj.tojstring();
            text = e instanceof PositionlessError p ? p.text() : normalizePosition(text);
            if (!LUA_POSITION.matcher(text).matches() && source != null && !(e instanceof PositionlessError)) {
                text = (source.startsWith("@") ? source.substring(1) : source) + ":" + line + ": " + text;
            }
            msg = "ERR " + text;
        }
        if (source != null) {
            // Redis's error handler names the chunk by its source: a loadstring chunk by its text.
            Matcher chunk = STRING_CHUNK.matcher(source);
            if (chunk.matches() && !chunk.group(1).endsWith("...")) {
                source = chunk.group(1);
            }
            return msg + " script: " + functionName + ", on " + source + ":" + line + ".";
        }
        return msg;
    }

    // ---- the redis table -----------------------------------------------------------------------

    private void installRedisApi() {
        redis.rawset("call", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return command(args, true);
            }
        });
        redis.rawset("pcall", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return command(args, false);
            }
        });
        redis.rawset("sha1hex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError(LuaConversions.errorTable("wrong number of arguments", false));
                }
                LuaValue v = args.arg1();
                byte[] data = v.isstring() ? LuaConversions.bytes(v.tostring()) : new byte[0];
                return LuaValue.valueOf(sha1hex(data));
            }
        });
        redis.rawset("error_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                    return LuaConversions.errorTable("wrong number or type of arguments", false);
                }
                String err = LuaConversions.latin1(args.arg1());
                return LuaConversions.errorTable(err.startsWith("-") ? err : "-" + err, false);
            }
        });
        redis.rawset("status_reply", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1 || args.arg1().type() != LuaValue.TSTRING) {
                    return LuaConversions.errorTable("wrong number or type of arguments", false);
                }
                LuaTable t = new LuaTable();
                t.rawset(LuaConversions.OK, args.arg1());
                return t;
            }
        });
        redis.rawset("log", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int argc = args.narg();
                if (argc < 2) {
                    throw new LuaError(LuaConversions.errorTable("redis.log() requires two arguments or more.", false));
                }
                if (!args.arg1().isnumber()) {
                    throw new LuaError(LuaConversions.errorTable("First argument must be a number (log level).", false));
                }
                int level = (int) args.arg1().todouble();
                if (level < 0 || level > 3) {
                    throw new LuaError(LuaConversions.errorTable("Invalid debug level.", false));
                }
                StringBuilder sb = new StringBuilder();
                for (int j = 2; j <= argc; j++) {
                    LuaValue v = args.arg(j);
                    if (v.isstring()) {
                        if (j != 2) {
                            sb.append(' ');
                        }
                        sb.append(v.tojstring());
                    }
                }
                switch (level) {
                    case 0 -> log.debug("{}", sb);
                    case 1 -> log.debug("{}", sb);
                    case 2 -> log.info("{}", sb);
                    default -> log.warn("{}", sb);
                }
                return LuaValue.NONE;
            }
        });
        redis.rawset("setresp", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ScriptRun r = requireRun("redis.setresp can only be called inside a script invocation");
                if (args.narg() != 1) {
                    throw new LuaError(LuaConversions.errorTable("redis.setresp() requires one argument.", false));
                }
                int resp = (int) args.arg1().todouble();
                if (resp != 2 && resp != 3) {
                    throw new LuaError(LuaConversions.errorTable("RESP version must be 2 or 3.", false));
                }
                r.resp = resp;
                return LuaValue.NONE;
            }
        });
        redis.rawset("set_repl", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ScriptRun r = requireRun("redis.set_repl can only be called inside a script invocation");
                if (args.narg() != 1) {
                    throw new LuaError(LuaConversions.errorTable("redis.set_repl() requires two arguments.", false));
                }
                int flags = (int) args.arg1().todouble();
                if ((flags & ~3) != 0) {
                    throw new LuaError(LuaConversions.errorTable(
                            "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.", false));
                }
                r.replicationTargets = flags;
                return LuaValue.NONE;
            }
        });
        redis.rawset("replicate_commands", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.TRUE;
            }
        });
        redis.rawset("breakpoint", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.FALSE;
            }
        });
        redis.rawset("debug", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return LuaValue.NONE;
            }
        });
        redis.rawset("acl_check_cmd", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                ScriptRun r = requireRun("redis.acl_check_cmd can only be called inside a script invocation");
                if (args.narg() == 0) {
                    throw new LuaError(LuaConversions.errorTable(
                            "Please specify at least one argument for this redis lib call", false));
                }
                byte[][] argv = argv(args);
                if (argv == null) {
                    throw new LuaError(LuaConversions.errorTable(
                            "Lua redis lib command arguments must be strings or integers", false));
                }
                if (r.scripting().server().commandTable().resolve(argv) == null) {
                    throw new LuaError(LuaConversions.errorTable("Invalid command passed to redis.acl_check_cmd()", false));
                }
                return LuaValue.TRUE;
            }
        });
        redis.rawset("REPL_ALL", LuaValue.valueOf(3));
        redis.rawset("REPL_AOF", LuaValue.valueOf(1));
        redis.rawset("REPL_SLAVE", LuaValue.valueOf(2));
        redis.rawset("REPL_REPLICA", LuaValue.valueOf(2));
        redis.rawset("REPL_NONE", LuaValue.valueOf(0));
        redis.rawset("LOG_DEBUG", LuaValue.valueOf(0));
        redis.rawset("LOG_VERBOSE", LuaValue.valueOf(1));
        redis.rawset("LOG_NOTICE", LuaValue.valueOf(2));
        redis.rawset("LOG_WARNING", LuaValue.valueOf(3));
        redis.rawset("REDIS_VERSION", LuaValue.valueOf(io.mnemos.server.Server.REDIS_VERSION));
        redis.rawset("REDIS_VERSION_NUM", LuaValue.valueOf(versionNum(io.mnemos.server.Server.REDIS_VERSION)));
    }

    private static int versionNum(String v) {
        String[] p = v.split("\\.");
        return (Integer.parseInt(p[0]) << 16) | (Integer.parseInt(p[1]) << 8) | Integer.parseInt(p[2]);
    }

    private ScriptRun requireRun(String message) {
        if (run == null) {
            throw new LuaError(LuaConversions.errorTable(message, false));
        }
        return run;
    }

    /** luaArgsToRedisArgv: strings as they are, numbers as %.17g; null if another type is given. */
    private static byte[][] argv(Varargs args) {
        int n = args.narg();
        byte[][] argv = new byte[n][];
        for (int j = 0; j < n; j++) {
            LuaValue v = args.arg(j + 1);
            if (v.type() == LuaValue.TNUMBER) {
                argv[j] = LuaConversions.numberArg(v.todouble());
            } else if (v.type() == LuaValue.TSTRING) {
                argv[j] = LuaConversions.bytes(v);
            } else {
                return null;
            }
        }
        return argv;
    }

    /** luaRedisGenericCommand: redis.call raises a command's error, redis.pcall returns it. */
    private Varargs command(Varargs args, boolean raise) {
        ScriptRun r = requireRun("redis.call/pcall can only be called inside a script invocation");
        if (args.narg() == 0) {
            return fail(LuaConversions.errorTable("Please specify at least one argument for this redis lib call", false),
                    raise);
        }
        byte[][] argv = argv(args);
        if (argv == null) {
            return fail(LuaConversions.errorTable("Lua redis lib command arguments must be strings or integers", false),
                    raise);
        }
        LuaValue result = r.execute(argv);
        if (raise && result.istable() && result.rawget(LuaConversions.ERR).isstring()) {
            throw new LuaError(result);
        }
        return result;
    }

    private static LuaValue fail(LuaTable error, boolean raise) {
        if (raise) {
            throw new LuaError(error);
        }
        return error;
    }

    static String sha1hex(byte[] data) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(data);
            StringBuilder sb = new StringBuilder(40);
            for (byte b : d) {
                sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * LuaJ's per-instruction hook: checks the current run's kill flag, and remembers where the
     * script is (the last instruction executed), which is where an error raised by redis.call and
     * the other Java functions happened (LuaJ has no position for them after a tail call). LuaJ's
     * error hook (traceback) is where a runtime error of the VM gets Lua 5.1's words.
     */
    private final class Interrupts extends DebugLib {
        private int count;
        /** Whether an interrupt (a kill) is being raised, not an error of the current instruction. */
        private boolean interrupting;
        /** The script's own calls: their Lua thread lives as long as this engine. */
        private final LuaCallStack main = new LuaCallStack();
        /** The calls of each coroutine (a Lua thread of its own, with its own limits) of this run. */
        private final java.util.Map<LuaThread, LuaCallStack> coroutines = new java.util.IdentityHashMap<>();
        private LuaThread mainThread;
        private org.luaj.vm2.Prototype lastProto;
        private int lastPc;

        void reset() {
            interrupting = false;
            main.clear();
            coroutines.clear();
            mainThread = globals.running;
            lastProto = null;
        }

        /** The calls of the Lua thread running now. */
        LuaCallStack stack() {
            LuaThread running = globals.running;
            if (running == mainThread || mainThread == null) {
                return main;
            }
            return coroutines.computeIfAbsent(running, t -> new LuaCallStack());
        }

        @Override
        public void onCall(LuaFunction f) {
            stack().push(null, null);
        }

        @Override
        public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
            stack().push(c, stack);
        }

        @Override
        public void onReturn() {
            stack().pop();
        }

        @Override
        public void onInstruction(int pc, Varargs v, int top) {
            org.luaj.vm2.Prototype p = stack().at(pc);
            if (p != null) {
                lastProto = p;
                lastPc = pc;
            }
            if ((++count & 0x3ff) == 0 && run != null) {
                interrupting = true;
                run.interrupt();
                interrupting = false;
            }
        }

        /**
         * luaL_where(1) in a Java function: "" when a Java function (pcall) called it, else the
         * script's last instruction, the call: LuaJ makes a tail call once the caller's frame is
         * gone, where Lua still has it.
         */
        String callerWhere() {
            return stack().inJavaFunction() ? "" : lastWhere();
        }

        /** "user_script:3: " for the last instruction executed, "" if none. */
        String lastWhere() {
            String p = position();
            return p == null ? "" : (p.startsWith("@") ? p.substring(1) : p) + ": ";
        }

        /** {@link LuaCallStack#where} of the Lua thread running now. */
        String where(int level) {
            return stack().where(level);
        }

        /** "source:line" of the last instruction executed, or null. */
        String position() {
            org.luaj.vm2.Prototype p = lastProto;
            if (p == null || p.lineinfo == null || lastPc < 0 || lastPc >= p.lineinfo.length) {
                return null;
            }
            return p.source.tojstring() + ":" + p.lineinfo[lastPc];
        }

        /**
         * Called by LuaJ in the frame an error leaves, before the frame is popped: when the error
         * is the VM's own at the current instruction, it is replaced by Lua 5.1's words for it.
         */
        @Override
        public String traceback(int level) {
            if (!interrupting) {
                org.luaj.vm2.PositionedError translated = stack().runtimeError();
                if (translated != null) {
                    throw translated;
                }
            }
            return "";
        }
    }

    /**
     * The engine whose script runs on this thread; LuaJ's coroutine threads, started by the
     * script, inherit it.
     */
    private static final InheritableThreadLocal<LuaEngine> RUNNING = new InheritableThreadLocal<>();

    /** The calls of the Lua thread running now in the engine running on this thread, or null. */
    static LuaCallStack runningCalls() {
        LuaEngine engine = RUNNING.get();
        return engine == null ? null : engine.interrupts.stack();
    }

    /** Forgets the position of the previous run. */
    void startRun() {
        RUNNING.set(this);
        coroutineErrors.clear();
        interrupts.reset();
    }

    /** Where the script was when it last executed an instruction ("@user_script:3"), or null. */
    String position() {
        return interrupts.position();
    }

    /** A one-argument Lua function from a lambda. */
    static final class OneArg extends org.luaj.vm2.lib.OneArgFunction {
        private final java.util.function.UnaryOperator<LuaValue> body;

        OneArg(java.util.function.UnaryOperator<LuaValue> body) {
            this.body = body;
        }

        @Override
        public LuaValue call(LuaValue arg) {
            return body.apply(arg);
        }
    }
}
