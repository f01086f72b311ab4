package io.mnemos.scripting;

import io.mnemos.command.Args;
import io.mnemos.command.CommandError;
import io.mnemos.command.CommandFlag;
import io.mnemos.command.CommandSpec;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.mnemos.store.Evictor;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * EVAL's script cache and the running of scripts (Redis's eval.c and script.c), shared with
 * FUNCTION's libraries ({@link FunctionLibraries}).
 *
 * <p>Threading: a script runs on the keyspace thread, as in Redis ({@link ResumableScript}). If it
 * is still running at busy-reply-threshold it is suspended and goes on on a dedicated script thread,
 * and the keyspace thread goes back to serving connections in busy mode: every command but the
 * ALLOW_BUSY ones (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE, ...) gets -BUSY, the cron pauses,
 * and redis.call hands each command to the keyspace thread; the caller's reply is written when the
 * script ends. Where the JDK's continuations are closed to Mnemos (or the script names coroutines),
 * the keyspace thread hands the script to the script thread from the start and waits for it up to
 * the threshold, redis.call running commands on the script thread meanwhile (the keyspace thread
 * is parked, so the keyspace is still touched by one thread at a time). Scripts called inside EXEC,
 * or by clients without a connection (tests), run on the calling thread.
 */
public final class Scripting {
    private static final Logger log = LoggerFactory.getLogger(Scripting.class);
    static final int FLAG_NO_WRITES = 1;
    static final int FLAG_ALLOW_OOM = 2;
    static final int FLAG_ALLOW_STALE = 4;
    static final int FLAG_NO_CLUSTER = 8;
    static final int FLAG_ALLOW_CROSS_SLOT = 16;
    static final int FLAG_EVAL_COMPAT = 32;
    static final String[] FLAG_NAMES = {"no-writes", "allow-oom", "allow-stale", "no-cluster", "allow-cross-slot-keys"};
    static final String SLOW_EVAL = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
    static final String SLOW_SCRIPT = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";
    /** Lua heap estimate of a fresh interpreter, as Redis reports for one (lua_gc count). */
    static final long BASE_VM_MEMORY = 31744;

    private final Server server;
    /** math.random's generator, one per server as Redis's is one per process. */
    private final RedisRand48 random = new RedisRand48();
    private LuaEngine evalEngine;
    private final Map<String, CachedScript> scripts = new LinkedHashMap<>();
    private long scriptsBytes;
    private final FunctionLibraries functions;
    private Client luaClient;
    private ExecutorService scriptThread;
    /** The script past busy-reply-threshold, while the keyspace thread serves in busy mode. */
    private volatile ScriptRun busyRun;
    /** The script running now (keyspace thread's view), for FUNCTION STATS. */
    private volatile ScriptRun current;

    /** A script of the EVAL cache: its body, compiled chunk and shebang flags. */
    record CachedScript(String sha, byte[] body, LuaFunction function, int flags, boolean resumable) {
    }

    public Scripting(Server server) {
        this.server = server;
        this.functions = new FunctionLibraries(this);
    }

    RedisRand48 random() {
        return random;
    }

    public Server server() {
        return server;
    }

    public FunctionLibraries functions() {
        return functions;
    }

    LuaEngine evalEngine() {
        if (evalEngine == null) {
            evalEngine = new LuaEngine(this);
            evalEngine.defineErrorHandler();
        }
        return evalEngine;
    }

    // ---- busy mode --------------------------------------------------------------------------

    /** True while a script runs past busy-reply-threshold. */
    public boolean busy() {
        return busyRun != null;
    }

    /** The -BUSY error for a command arriving in busy mode, or null when it may run. */
    public String busyRejection(CommandSpec spec, byte[][] argv) {
        ScriptRun run = busyRun;
        if (run == null) {
            return null;
        }
        String busy = run.eval ? SLOW_EVAL : SLOW_SCRIPT;
        if (!spec.has(CommandFlag.ALLOW_BUSY)) {
            return busy;
        }
        if (spec.fullName().equals("shutdown")) {
            for (int i = 1; i < argv.length; i++) {
                if (Args.is(argv[i], "nosave")) {
                    run.killed = true;
                    return null;
                }
            }
            return busy;
        }
        return null;
    }

    // ---- EVAL -------------------------------------------------------------------------------

    private static final String NO_SCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

    /** EVAL, EVALSHA and their _RO forms (evalGenericCommand). */
    public void eval(Client c, boolean bySha, boolean ro) {
        // evalShaCommand: a SHA that is not 40 characters long cannot match, whatever follows it.
        if (bySha && c.arg(1).length != 40) {
            throw new CommandError(NO_SCRIPT);
        }
        long numkeys = Args.parseLong(c.arg(2));
        if (numkeys > c.argc() - 3) {
            throw CommandError.err("Number of keys can't be greater than number of args");
        } else if (numkeys < 0) {
            throw CommandError.err("Number of keys can't be negative");
        }
        CachedScript script;
        if (bySha) {
            String sha = new String(c.arg(1), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            script = sha.length() == 40 ? scripts.get(sha) : null;
            if (script == null) {
                throw new CommandError(NO_SCRIPT);
            }
        } else {
            script = createScript(c.arg(1));
        }
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> args = new ArrayList<>();
        for (int i = 3; i < c.argc(); i++) {
            (i < 3 + numkeys ? keys : args).add(c.arg(i));
        }
        CachedScript s = script;
        run(c, s.sha(), true, s.flags(), ro, s.resumable(), run -> {
            LuaEngine engine = evalEngine();
            engine.setGlobal("KEYS", array(keys));
            engine.setGlobal("ARGV", array(args));
            return invoke(engine, run, () -> s.function().call());
        });
    }

    /** luaCreateFunction: compiles and caches a script body (or finds it cached); SCRIPT LOAD too. */
    CachedScript createScript(byte[] body) {
        String sha = LuaEngine.sha1hex(body);
        CachedScript cached = scripts.get(sha);
        if (cached != null) {
            return cached;
        }
        int[] shebang = new int[1];
        int flags = shebangFlags(body, shebang);
        LuaFunction f;
        try {
            LuaEngine engine = evalEngine();
            f = engine.compile(body, shebang[0], "@user_script", engine.env());
        } catch (LuaError e) {
            throw CommandError.err("Error compiling script (new function): " + LuaEngine.normalizePosition(
                    e.getMessage() == null ? "" : e.getMessage()));
        }
        CachedScript s = new CachedScript(sha, body, f, flags, resumable(body));
        scripts.put(sha, s);
        scriptsBytes += body.length;
        return s;
    }

    /**
     * evalGetCommandFlags / fcallGetCommandFlags: the flags a call's script or function declares,
     * which replace the command's own (a script that is not no-writes nor allow-oom is a DENYOOM
     * command), or -1 where the command's flags apply: no shebang, an unknown SHA or function, a
     * malformed shebang (the command reports that itself).
     */
    public int declaredFlags(String command, byte[][] argv) {
        if (argv.length < 2) {
            return -1;
        }
        int flags;
        switch (command) {
            case "fcall", "fcall_ro" -> flags = functions.declaredFlags(argv[1]);
            case "evalsha", "evalsha_ro" -> {
                CachedScript s = argv[1].length == 40
                        ? scripts.get(new String(argv[1], StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT)) : null;
                flags = s == null ? -1 : s.flags();
            }
            case "eval", "eval_ro" -> {
                CachedScript s = scripts.get(LuaEngine.sha1hex(argv[1]));
                try {
                    flags = s != null ? s.flags() : shebangFlags(argv[1], new int[1]);
                } catch (CommandError e) {
                    flags = -1;
                }
            }
            default -> flags = -1;
        }
        return flags < 0 || (flags & FLAG_EVAL_COMPAT) != 0 ? -1 : flags;
    }

    /** scriptFlagsToCmdFlags: a script that does not declare no-writes is a write command. */
    public static boolean writes(int declaredFlags) {
        return (declaredFlags & FLAG_NO_WRITES) == 0;
    }

    /** scriptFlagsToCmdFlags: no-writes implies allow-oom; otherwise the script may grow memory. */
    public static boolean denyOom(int declaredFlags) {
        return (declaredFlags & (FLAG_ALLOW_OOM | FLAG_NO_WRITES)) == 0;
    }

    /** evalExtractShebangFlags; sets shebang[0] to the length of the "#!" line (kept out of the chunk). */
    static int shebangFlags(byte[] body, int[] shebang) {
        if (body.length < 2 || body[0] != '#' || body[1] != '!') {
            return FLAG_EVAL_COMPAT;
        }
        int end = -1;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw CommandError.err("Invalid script shebang");
        }
        shebang[0] = end;
        String line = new String(body, 0, end, StandardCharsets.ISO_8859_1);
        String[] parts = line.trim().split("[ \t\r]+");
        if (parts.length == 0 || parts[0].isEmpty()) {
            throw CommandError.err("Invalid engine in script shebang");
        }
        if (!parts[0].equals("#!lua")) {
            throw CommandError.err("Unexpected engine in script shebang: " + parts[0]);
        }
        int flags = 0;
        for (int j = 1; j < parts.length; j++) {
            if (parts[j].startsWith("flags=")) {
                String list = parts[j].substring(6);
                for (String f : list.split(",", -1)) {
                    if (list.isEmpty()) {
                        break;
                    }
                    int bit = flagBit(f);
                    if (bit == 0) {
                        throw CommandError.err("Unexpected flag in script shebang: " + f);
                    }
                    flags |= bit;
                }
            } else {
                throw CommandError.err("Unknown lua shebang option: " + parts[j]);
            }
        }
        return flags;
    }

    static int flagBit(String name) {
        for (int i = 0; i < FLAG_NAMES.length; i++) {
            if (FLAG_NAMES[i].equals(name)) {
                return 1 << i;
            }
        }
        return 0;
    }

    static LuaTable array(List<byte[]> items) {
        LuaTable t = new LuaTable();
        for (int i = 0; i < items.size(); i++) {
            t.rawset(i + 1, LuaString.valueOf(items.get(i)));
        }
        return t;
    }

    /** Runs a Lua call for {@code run}, turning a raised error into Redis's error reply. */
    static ScriptResult invoke(LuaEngine engine, ScriptRun run, Supplier<LuaValue> call) {
        engine.run = run;
        engine.startRun();
        try {
            return ScriptResult.value(call.get());
        } catch (LuaError e) {
            boolean[] counted = {false};
            return ScriptResult.error(LuaEngine.errorReply(e, run.name, counted, engine.position()), counted[0]);
        } catch (StackOverflowError e) {
            return ScriptResult.error("ERR Error running script " + run.name + ", stack overflow", false);
        } finally {
            engine.run = null;
        }
    }

    /** A script body for {@link #run}: runs on the script thread (or inline) and returns the outcome. */
    interface Body {
        ScriptResult run(ScriptRun run);
    }

    /**
     * Whether scripts start on the keyspace thread ({@link ResumableScript}): where the JDK allows
     * it; tests turn it off to exercise the script-thread path.
     */
    static volatile boolean resumableScripts = ResumableScript.AVAILABLE;

    /**
     * Whether a script with this source may start on the keyspace thread. Not one that names
     * coroutines: LuaJ runs a coroutine on a Java thread of its own, where the script could not be
     * suspended at busy-reply-threshold, so a loop inside one would never let SCRIPT KILL in.
     */
    static boolean resumable(byte[] code) {
        return !new String(code, StandardCharsets.ISO_8859_1).contains("coroutine");
    }

    /** scriptPrepareForRun and the run itself: on the keyspace thread, or handed to the script thread. */
    void run(Client c, String name, boolean eval, int flags, boolean ro, boolean resumable, Body body) {
        boolean compat = (flags & FLAG_EVAL_COMPAT) != 0;
        boolean scriptOom = server.config().eviction.limited() && server.dispatcher().performEvictions() == Evictor.Result.FAIL;
        if (!compat) {
            // Reached inside EXEC (processCommand refused the call otherwise); no-writes implies allow-oom.
            if (denyOom(flags) && scriptOom) {
                throw new CommandError("OOM allow-oom flag is not set on the script, "
                        + "can not run it when used memory > 'maxmemory'");
            }
            if ((flags & FLAG_NO_WRITES) == 0 && ro) {
                throw CommandError.err("Can not execute a script with write flag using *_ro command.");
            }
        }
        boolean readOnly = ro || (!compat && (flags & FLAG_NO_WRITES) != 0);
        boolean allowOom = !compat && (flags & FLAG_ALLOW_OOM) != 0;
        Client lua = luaClient();
        lua.select(c.db().id());
        // redis.call runs with the caller's ACL permissions, as Redis's scriptCall.
        lua.aclUser(c.aclUser());
        lua.reply().protocol(2);
        ScriptRun run = new ScriptRun(this, c, lua, name, eval, readOnly, allowOom, scriptOom);
        current = run;
        if (c.channel() == null || c.inMulti()) {
            run.inline = true;
            ScriptResult r;
            try {
                r = body.run(run);
            } finally {
                current = null;
            }
            reply(c, run, r);
            return;
        }
        if (resumable && resumableScripts) {
            runOnKeyspaceThread(c, run, body);
            return;
        }
        scriptThread().execute(() -> finished(run, guarded(body, run)));
        long threshold = server.config().busyReplyThreshold;
        synchronized (run.lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(threshold);
            while (!run.done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    run.async = true;
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(run.lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    run.async = true;
                    break;
                }
            }
        }
        if (!run.async) {
            current = null;
            reply(c, run, run.result);
            return;
        }
        enterBusyMode(c, run);
    }

    /**
     * The fast path where the JDK allows it ({@link ResumableScript}): the script runs here on the
     * keyspace thread, as in Redis, until it ends or reaches busy-reply-threshold; then it is
     * suspended and goes on on the script thread, while this thread serves in busy mode.
     */
    private void runOnKeyspaceThread(Client c, ScriptRun run, Body body) {
        run.inline = true;
        run.suspendAtNanos = run.startNanos + TimeUnit.MILLISECONDS.toNanos(server.config().busyReplyThreshold);
        ScriptResult[] outcome = new ScriptResult[1];
        ResumableScript script = new ResumableScript(() -> outcome[0] = guarded(body, run));
        script.run();
        if (script.isDone()) {
            current = null;
            reply(c, run, outcome[0]);
            return;
        }
        // From here on redis.call hands its commands to this thread (ScriptRun.execute).
        run.inline = false;
        synchronized (run.lock) {
            run.async = true;
        }
        enterBusyMode(c, run);
        scriptThread().execute(() -> {
            script.run();
            finished(run, outcome[0]);
        });
    }

    /** Runs a script body, an unexpected failure becoming an error reply. */
    private static ScriptResult guarded(Body body, ScriptRun run) {
        try {
            return body.run(run);
        } catch (Throwable t) {
            log.warn("Script failed unexpectedly", t);
            return ScriptResult.error("ERR internal error while running script: " + t, false);
        }
    }

    /**
     * On the script thread, the script ended: the keyspace thread waiting for it takes the result;
     * in busy mode it is handed the reply to write.
     */
    private void finished(ScriptRun run, ScriptResult r) {
        synchronized (run.lock) {
            run.result = r;
            run.done = true;
            if (run.async) {
                server.execute(() -> finishAsync(run));
            } else {
                run.lock.notifyAll();
            }
        }
    }

    /** The script went past busy-reply-threshold: serve in busy mode, the caller waits for its reply. */
    private void enterBusyMode(Client c, ScriptRun run) {
        log.warn("Slow script detected: still in execution after {} milliseconds. "
                + "You can try killing the script using the {} command.", run.elapsedMillis(),
                run.eval ? "SCRIPT KILL" : "FUNCTION KILL");
        busyRun = run;
        server.blockedClients().block(c, List.of(), null, 0);
    }

    /** The script ended after busy mode began: answer its caller and leave busy mode. */
    private void finishAsync(ScriptRun run) {
        busyRun = null;
        current = null;
        Client c = run.caller;
        server.blockedClients().unblock(c, (cl, b) ->
                server.dispatcher().answerBlocked(cl, b, () -> reply(cl, run, run.result)));
    }

    /** Writes a script's outcome as the caller's reply (luaReplyToRedisReply / luaCallFunction). */
    /**
     * The script's reply to its caller. An error in it makes the EVAL/FCALL a failed call, counted in
     * errorstats unless the command that raised it inside the script was counted already (Redis's
     * ERR_REPLY_FLAG_NO_STATS_UPDATE, which still marks the call failed).
     */
    private void reply(Client c, ScriptRun run, ScriptResult r) {
        ReplyWriter out = c.reply();
        boolean[] failed = {false};
        if (r.error() != null) {
            if (!r.errorCounted()) {
                server.recordError(r.error());
            }
            out.error(r.error());
            failed[0] = true;
        } else {
            LuaConversions.toReply(r.value(), out, run.resp, (w, dashMessage, counted) -> {
                String m = dashMessage.substring(1);
                if (!counted) {
                    server.recordError(m);
                }
                w.error(m);
                failed[0] = true;
            }, 0);
        }
        if (failed[0] && c.command() != null) {
            c.command().countFailedCall();
        }
    }

    private Client luaClient() {
        if (luaClient == null) {
            luaClient = new Client(0, server, null, new ReplyWriter(UnpooledByteBufAllocator.DEFAULT));
            luaClient.authenticated(true);
            luaClient.scriptClient(true);
            luaClient.name("");
        }
        return luaClient;
    }

    private synchronized ExecutorService scriptThread() {
        if (scriptThread == null) {
            scriptThread = Executors.newSingleThreadExecutor(r -> {
                // Deep Lua recursion runs on the Java stack: give it room.
                Thread t = new Thread(null, r, "mnemos-lua", io.mnemos.server.KeyspaceThreadFactory.STACK_SIZE);
                t.setDaemon(true);
                return t;
            });
        }
        return scriptThread;
    }

    // ---- SCRIPT ------------------------------------------------------------------------------

    public void scriptLoad(Client c) {
        CachedScript s = createScript(c.arg(2));
        c.reply().bulk(s.sha());
    }

    public void scriptExists(Client c) {
        c.reply().arrayHeader(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            String sha = new String(c.arg(i), StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            c.reply().integer(scripts.containsKey(sha) ? 1 : 0);
        }
    }

    /** SCRIPT FLUSH: drops the cache and starts a fresh interpreter, as scriptingReset. */
    public void scriptFlush() {
        scripts.clear();
        scriptsBytes = 0;
        evalEngine = null;
    }

    /** SCRIPT KILL / FUNCTION KILL (scriptKill). */
    public void kill(Client c, boolean eval) {
        ScriptRun run = busyRun;
        if (run == null) {
            throw new CommandError("NOTBUSY No scripts in execution right now.");
        }
        if (run.wrote) {
            throw new CommandError("UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the "
                    + "SHUTDOWN NOSAVE command.");
        }
        if (eval && !run.eval) {
            throw new CommandError(SLOW_SCRIPT);
        }
        if (!eval && run.eval) {
            throw new CommandError(SLOW_EVAL);
        }
        run.killed = true;
        c.reply().ok();
    }

    /** The function running now (FUNCTION STATS), or null. */
    ScriptRun current() {
        return current;
    }

    // ---- INFO -------------------------------------------------------------------------------

    public int cachedScripts() {
        return scripts.size();
    }

    /** used_memory_vm_eval: an estimate of the EVAL interpreter's heap. */
    public long evalVmMemory() {
        return BASE_VM_MEMORY + scriptsBytes * 4;
    }

    /** used_memory_scripts_eval: the cached bodies plus per-entry overhead. */
    public long evalScriptsMemory() {
        return scriptsBytes + scripts.size() * 112L;
    }

    /** Whether a script ever went to the script thread; for tests. */
    synchronized boolean scriptThreadStarted() {
        return scriptThread != null;
    }

    /** True when the script thread is idle; for tests. */
    boolean idle() {
        return current == null && busyRun == null;
    }
}
