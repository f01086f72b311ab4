package io.mnemos.scripting;

import io.mnemos.command.Args;
import io.mnemos.command.CommandError;
import io.mnemos.persistence.DumpPayload;
import io.mnemos.persistence.RdbFormatException;
import io.mnemos.protocol.InlineSplitter;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.util.Glob;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis 7.0 Functions (functions.c, function_lua.c): libraries loaded with FUNCTION LOAD that
 * register named functions with redis.register_function, called with FCALL / FCALL_RO.
 */
public final class FunctionLibraries {
    private final Scripting scripting;
    private LuaEngine engine;
    private final Map<String, Library> libraries = new LinkedHashMap<>();
    private final Map<String, Function> functions = new LinkedHashMap<>();

    record Function(String name, LuaFunction callback, String description, int flags, Library library) {
    }

    static final class Library {
        final String name;
        final byte[] code;
        /** Whether its functions may start on the keyspace thread (see Scripting.resumable). */
        final boolean resumable;
        final Map<String, Function> functions = new LinkedHashMap<>();

        Library(String name, byte[] code) {
            this.name = name;
            this.code = code;
            this.resumable = Scripting.resumable(code);
        }
    }

    /** {@link LuaEngine#callStackOverflowed()} of the engine a flush dropped. */
    private boolean callStackOverflowed;

    FunctionLibraries(Scripting scripting) {
        this.scripting = scripting;
    }

    private LuaEngine engine() {
        if (engine == null) {
            engine = new LuaEngine(scripting);
            engine.callStackOverflowed(callStackOverflowed);
        }
        return engine;
    }

    public int libraryCount() {
        return libraries.size();
    }

    public int functionCount() {
        return functions.size();
    }

    public long codeMemory() {
        long total = 0;
        for (Library l : libraries.values()) {
            total += l.code.length + 64;
        }
        return total + functions.size() * 96L;
    }

    public long vmMemory() {
        return Scripting.BASE_VM_MEMORY + codeMemory() * 4;
    }

    // ---- FUNCTION LOAD ------------------------------------------------------------------------

    /** FUNCTION LOAD [REPLACE] code. */
    public void load(Client c) {
        boolean replace = false;
        int argc = c.argc();
        int i = 2;
        for (; i < argc - 1; i++) {
            if (Args.is(c.arg(i), "replace")) {
                replace = true;
                continue;
            }
            throw CommandError.err("Unknown option given: " + Args.text(c.arg(i)));
        }
        if (i != argc - 1) {
            throw CommandError.err("Function code is missing");
        }
        String name = create(c.arg(argc - 1), replace, libraries);
        c.server().keyspace().stats().dirty++;
        c.reply().bulk(name);
    }

    /** functionsCreateWithLibraryCtx: compiles and registers a library into {@code into}. */
    String create(byte[] code, boolean replace, Map<String, Library> into) {
        // functionExtractLibMetaData
        if (code.length < 2 || code[0] != '#' || code[1] != '!') {
            throw CommandError.err("Missing library metadata");
        }
        int end = -1;
        for (int i = 0; i < code.length; i++) {
            if (code[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw CommandError.err("Invalid library metadata");
        }
        // The shebang line is split with sdssplitargs: quotes work, unbalanced ones are invalid.
        byte[][] words = InlineSplitter.split(java.util.Arrays.copyOf(code, end));
        if (words == null || words.length == 0) {
            throw CommandError.err("Invalid library metadata");
        }
        String engineName = new String(words[0], StandardCharsets.ISO_8859_1);
        engineName = engineName.length() < 2 ? "" : engineName.substring(2);
        String name = null;
        for (int j = 1; j < words.length; j++) {
            String part = new String(words[j], StandardCharsets.ISO_8859_1);
            if (!part.regionMatches(true, 0, "name=", 0, 5)) {
                throw CommandError.err("Invalid metadata value given: " + part);
            }
            if (name != null) {
                throw CommandError.err("Invalid metadata value, name argument was given multiple times");
            }
            name = part.substring(5);
        }
        if (name == null) {
            throw CommandError.err("Library name was not given");
        }
        if (!engineName.equalsIgnoreCase("lua")) {
            throw CommandError.err("Engine '" + engineName + "' not found");
        }
        if (!validName(name)) {
            throw CommandError.err("Library names can only contain letters, numbers, or underscores(_) and must be at "
                    + "least one character long");
        }
        Library old = into.get(name);
        if (old != null && !replace) {
            throw CommandError.err("Library '" + name + "' already exists");
        }
        Library lib = new Library(name, code);
        LuaEngine e = engine();
        LuaFunction chunk;
        try {
            chunk = e.compile(code, end, "@user_function", e.env());
        } catch (LuaError err) {
            throw CommandError.err("Error compiling function: "
                    + LuaEngine.normalizePosition(err.getMessage() == null ? "" : err.getMessage()));
        }
        e.loadApi = loadApi(lib);
        e.startRun();
        try {
            chunk.call();
        } catch (LuaError err) {
            boolean[] counted = {false};
            String msg = LuaEngine.errorReply(err, "", counted, null);
            int cut = msg.indexOf(" script: , on ");
            if (cut >= 0) {
                msg = msg.substring(0, cut);
            }
            throw CommandError.err("Error registering functions: " + msg);
        } finally {
            e.loadApi = null;
        }
        if (lib.functions.isEmpty()) {
            throw CommandError.err("No functions registered");
        }
        for (Function f : lib.functions.values()) {
            Function existing = into == libraries ? functions.get(f.name()) : findIn(into, f.name());
            if (existing != null && existing.library() != old) {
                throw CommandError.err("Function " + f.name() + " already exists");
            }
        }
        if (old != null) {
            remove(into, old);
        }
        add(into, lib);
        return name;
    }

    private Function findIn(Map<String, Library> libs, String fn) {
        for (Library l : libs.values()) {
            Function f = l.functions.get(fn);
            if (f != null) {
                return f;
            }
        }
        return null;
    }

    private void add(Map<String, Library> into, Library lib) {
        into.put(lib.name, lib);
        if (into == libraries) {
            functions.putAll(lib.functions);
        }
    }

    private void remove(Map<String, Library> from, Library lib) {
        from.remove(lib.name);
        if (from == libraries) {
            for (String f : lib.functions.keySet()) {
                functions.remove(f);
            }
        }
    }

    static boolean validName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_')) {
                return false;
            }
        }
        return true;
    }

    /** The globals a library's code sees while it loads: only a small {@code redis} table. */
    private LuaTable loadApi(Library lib) {
        LuaTable api = new LuaTable();
        // Read-only as in Redis: the library's code may not add to it or replace its functions.
        ReadOnlyTable redis = new ReadOnlyTable();
        for (String k : new String[]{"log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING", "REDIS_VERSION",
                "REDIS_VERSION_NUM", "setresp"}) {
            redis.rawset(k, engine().redis.rawget(k));
        }
        redis.rawset("register_function", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                register(lib, args);
                return LuaValue.NONE;
            }
        });
        LuaTable meta = new LuaTable();
        meta.rawset(LuaEngine.INDEX, new org.luaj.vm2.lib.TwoArgFunction() {
            @Override
            public LuaValue call(LuaValue table, LuaValue key) {
                throw new LuaError("Script attempted to access nonexistent global variable '" + key.tojstring() + "'");
            }
        });
        redis.setmetatable(meta);
        redis.seal();
        api.rawset("redis", redis);
        return api;
    }

    private static LuaError registerError(String message) {
        return new LuaError(LuaConversions.errorTable(message, false));
    }

    /** luaRegisterFunction with its argument rules. */
    private void register(Library lib, Varargs args) {
        int argc = args.narg();
        String name = null;
        LuaValue callback = null;
        String description = null;
        int flags = 0;
        if (argc < 1 || argc > 2) {
            throw registerError("wrong number of arguments to redis.register_function");
        }
        if (argc == 1) {
            if (!args.arg1().istable()) {
                throw registerError("calling redis.register_function with a single argument is only applicable to "
                        + "Lua table (representing named arguments).");
            }
            LuaTable t = (LuaTable) args.arg1();
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                LuaValue k = e.arg1();
                LuaValue v = e.arg(2);
                if (!isString(k)) {
                    throw registerError("named argument key given to redis.register_function is not a string");
                }
                // strcasecmp on the key; a number is a string to lua_isstring (and never a name here).
                switch (luaToString(k).toLowerCase(Locale.ROOT)) {
                    case "function_name" -> {
                        if (!isString(v)) {
                            throw registerError("function_name argument given to redis.register_function must be a string");
                        }
                        name = luaToString(v);
                    }
                    case "description" -> {
                        if (!isString(v)) {
                            throw registerError("description argument given to redis.register_function must be a string");
                        }
                        description = luaToString(v);
                    }
                    case "callback" -> {
                        if (!v.isfunction()) {
                            throw registerError("callback argument given to redis.register_function must be a function");
                        }
                        callback = v;
                    }
                    case "flags" -> {
                        if (!v.istable()) {
                            throw registerError("flags argument to redis.register_function must be a table representing "
                                    + "function flags");
                        }
                        flags = parseFlags((LuaTable) v);
                    }
                    default -> throw registerError("unknown argument given to redis.register_function");
                }
            }
            if (name == null) {
                throw registerError("redis.register_function must get a function name argument");
            }
            if (callback == null) {
                throw registerError("redis.register_function must get a callback argument");
            }
        } else {
            if (!isString(args.arg1())) {
                throw registerError("first argument to redis.register_function must be a string");
            }
            if (!args.arg(2).isfunction()) {
                throw registerError("second argument to redis.register_function must be a function");
            }
            name = luaToString(args.arg1());
            callback = args.arg(2);
        }
        if (!validName(name)) {
            throw registerError("Library names can only contain letters, numbers, or underscores(_) and must be at "
                    + "least one character long");
        }
        if (lib.functions.containsKey(name)) {
            throw registerError("Function already exists in the library");
        }
        lib.functions.put(name, new Function(name, (LuaFunction) callback, description, flags, lib));
    }

    /** lua_isstring: a string, or a number, which Lua converts where a string is wanted. */
    private static boolean isString(LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }

    /** lua_tostring: a number as Lua 5.1 writes it (%.14g). */
    private static String luaToString(LuaValue v) {
        return v.type() == LuaValue.TNUMBER ? LuaNumbers.number14(v.todouble()) : v.tojstring();
    }

    private static int parseFlags(LuaTable t) {
        int flags = 0;
        for (int j = 1; ; j++) {
            LuaValue v = t.rawget(j);
            if (v.isnil()) {
                break;
            }
            // strcasecmp, unlike a script's shebang flags.
            int bit = isString(v) ? Scripting.flagBit(luaToString(v).toLowerCase(Locale.ROOT)) : 0;
            if (bit == 0) {
                throw registerError("unknown flag given");
            }
            flags |= bit;
        }
        return flags;
    }

    // ---- FCALL ---------------------------------------------------------------------------------

    /** fcallGetCommandFlags: the flags the named function declares, or -1 if there is none. */
    int declaredFlags(byte[] name) {
        Function f = functions.get(new String(name, StandardCharsets.ISO_8859_1));
        return f == null ? -1 : f.flags();
    }

    /** FCALL / FCALL_RO (fcallCommandGeneric). */
    public void fcall(Client c, boolean ro) {
        Function f = functions.get(new String(c.arg(1), StandardCharsets.ISO_8859_1));
        if (f == null) {
            throw CommandError.err("Function not found");
        }
        Long numkeys = Args.parseLongOrNull(c.arg(2));
        if (numkeys == null) {
            throw CommandError.err("Bad number of keys provided");
        }
        if (numkeys > c.argc() - 3) {
            throw CommandError.err("Number of keys can't be greater than number of args");
        } else if (numkeys < 0) {
            throw CommandError.err("Number of keys can't be negative");
        }
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> args = new ArrayList<>();
        for (int i = 3; i < c.argc(); i++) {
            (i < 3 + numkeys ? keys : args).add(c.arg(i));
        }
        LuaEngine e = engine();
        scripting.run(c, f.name(), false, f.flags(), ro, f.library().resumable, run -> Scripting.invoke(e, run,
                () -> f.callback().call(Scripting.array(keys), Scripting.array(args))));
    }

    // ---- FUNCTION DELETE / FLUSH / LIST / STATS -----------------------------------------------

    public void delete(Client c) {
        Library lib = libraries.get(new String(c.arg(2), StandardCharsets.ISO_8859_1));
        if (lib == null) {
            throw CommandError.err("Library not found");
        }
        remove(libraries, lib);
        c.server().keyspace().stats().dirty++;
        c.reply().ok();
    }

    public void flush() {
        libraries.clear();
        functions.clear();
        // Redis keeps the functions' Lua state, and with it how far its call stack once grew.
        callStackOverflowed = engine != null ? engine.callStackOverflowed() : callStackOverflowed;
        engine = null;
    }

    /** FUNCTION LIST [WITHCODE] [LIBRARYNAME pattern]. */
    public void list(Client c) {
        boolean withCode = false;
        String pattern = null;
        for (int i = 2; i < c.argc(); i++) {
            byte[] a = c.arg(i);
            if (!withCode && Args.is(a, "withcode")) {
                withCode = true;
                continue;
            }
            if (pattern == null && Args.is(a, "libraryname")) {
                if (i >= c.argc() - 1) {
                    throw CommandError.err("library name argument was not given");
                }
                pattern = Args.text(c.arg(++i));
                continue;
            }
            throw CommandError.err("Unknown argument " + Args.text(a));
        }
        List<Library> selected = new ArrayList<>();
        for (Library l : libraries.values()) {
            if (pattern == null || Glob.matches(pattern.getBytes(StandardCharsets.ISO_8859_1),
                    l.name.getBytes(StandardCharsets.ISO_8859_1), true)) {
                selected.add(l);
            }
        }
        ReplyWriter out = c.reply();
        out.arrayHeader(selected.size());
        for (Library l : selected) {
            out.mapHeader(withCode ? 4 : 3);
            out.bulk("library_name");
            out.bulk(l.name);
            out.bulk("engine");
            out.bulk("LUA");
            out.bulk("functions");
            out.arrayHeader(l.functions.size());
            for (Function f : l.functions.values()) {
                out.mapHeader(3);
                out.bulk("name");
                out.bulk(f.name());
                out.bulk("description");
                if (f.description() == null) {
                    out.nullBulk();
                } else {
                    out.bulk(f.description());
                }
                out.bulk("flags");
                out.setHeader(Integer.bitCount(f.flags()));
                for (int b = 0; b < Scripting.FLAG_NAMES.length; b++) {
                    if ((f.flags() & (1 << b)) != 0) {
                        out.simple(Scripting.FLAG_NAMES[b]);
                    }
                }
            }
            if (withCode) {
                out.bulk("library_code");
                out.bulk(l.code);
            }
        }
    }

    /** FUNCTION STATS. */
    public void stats(Client c) {
        ScriptRun running = scripting.current();
        if (running != null && running.eval) {
            throw new CommandError(Scripting.SLOW_EVAL);
        }
        ReplyWriter out = c.reply();
        out.mapHeader(2);
        out.bulk("running_script");
        ScriptRun run = scripting.current();
        if (run == null || run.eval) {
            out.nullBulk();
        } else {
            out.mapHeader(3);
            out.bulk("name");
            out.bulk(run.name);
            out.bulk("command");
            byte[][] argv = run.caller.argv();
            out.arrayHeader(argv.length);
            for (byte[] a : argv) {
                out.bulk(a);
            }
            out.bulk("duration_ms");
            out.integer(run.elapsedMillis());
        }
        out.bulk("engines");
        out.mapHeader(1);
        out.bulk("LUA");
        out.mapHeader(2);
        out.bulk("libraries_count");
        out.integer(libraries.size());
        out.bulk("functions_count");
        out.integer(functions.size());
    }

    // ---- persistence ----------------------------------------------------------------------------

    /** Every library's code, in load order: what an RDB file, an AOF base or FUNCTION DUMP holds. */
    public List<byte[]> codes() {
        List<byte[]> codes = new ArrayList<>(libraries.size());
        for (Library l : libraries.values()) {
            codes.add(l.code);
        }
        return codes;
    }

    /**
     * rdbFunctionLoad: creates a library read from an RDB file, replacing one of the same name only
     * when {@code replace} (RDBFLAGS_ALLOW_DUP).
     *
     * @return null, or why the library could not be created (Redis's error text without "ERR ")
     */
    public String loadFromRdb(byte[] code, boolean replace) {
        try {
            create(code, replace, libraries);
            return null;
        } catch (CommandError e) {
            String m = e.getMessage();
            return m.startsWith("ERR ") ? m.substring(4) : m;
        }
    }

    // ---- FUNCTION DUMP / RESTORE --------------------------------------------------------------

    /** FUNCTION DUMP: each library's code in the DUMP payload format. */
    public byte[] dump(boolean compress) {
        return DumpPayload.ofFunctions(codes(), compress);
    }

    /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
    public void restore(Client c) {
        byte[] data = c.arg(2);
        String policy = "append";
        if (c.argc() > 4) {
            throw CommandError.subcommandSyntax(c);
        }
        if (c.argc() == 4) {
            policy = Args.text(c.arg(3)).toLowerCase(java.util.Locale.ROOT);
            if (!policy.equals("flush") && !policy.equals("append") && !policy.equals("replace")) {
                throw CommandError.err("Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
            }
        }
        if (!DumpPayload.verify(data)) {
            throw CommandError.err("DUMP payload version or checksum are wrong");
        }
        List<byte[]> codes;
        try {
            codes = DumpPayload.functions(data);
        } catch (RdbFormatException e) {
            throw CommandError.err(e.getMessage());
        }
        Map<String, Library> staged = new LinkedHashMap<>();
        for (byte[] code : codes) {
            create(code, false, staged);
        }
        if (policy.equals("flush")) {
            flush();
        } else {
            for (Library l : staged.values()) {
                Library existing = libraries.get(l.name);
                if (existing != null && policy.equals("append")) {
                    throw CommandError.err("Library " + l.name + " already exists");
                }
                for (String f : l.functions.keySet()) {
                    Function other = functions.get(f);
                    if (other != null && (policy.equals("append") || !other.library().name.equals(l.name))) {
                        throw CommandError.err("Function " + f + " already exists");
                    }
                }
            }
        }
        for (Library l : staged.values()) {
            Library existing = libraries.get(l.name);
            if (existing != null) {
                remove(libraries, existing);
            }
            add(libraries, l);
        }
        c.server().keyspace().stats().dirty++;
        c.reply().ok();
    }
}
