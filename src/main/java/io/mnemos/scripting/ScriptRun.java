package io.mnemos.scripting;

import io.mnemos.command.CommandFlag;
import io.mnemos.command.CommandSpec;
import io.mnemos.persistence.DiskErrors;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One script invocation (Redis's scriptRunCtx): who called it, its restrictions, whether it wrote
 * or was killed, and how its redis.call commands reach the keyspace. While the keyspace thread
 * waits for the script thread (the fast path) commands run directly on the script thread, holding
 * {@link #lock}; once the script went past busy-reply-threshold and the keyspace thread is serving
 * other clients again ({@link #async}), each command is handed to the keyspace thread instead.
 */
final class ScriptRun {
    private final Scripting scripting;
    final Client caller;
    final Client luaClient;
    /** The sha (EVAL) or function name (FCALL), as error texts name it. */
    final String name;
    final boolean eval;
    final boolean readOnly;
    final boolean allowOom;
    /** server.script_oom: over maxmemory when the script started. */
    final boolean scriptOom;
    final long startNanos = System.nanoTime();
    int resp = 2;
    /** redis.set_repl: where the writes of its redis.call calls propagate (REPL_ALL by default). */
    volatile int replicationTargets = io.mnemos.persistence.CommandPropagation.TO_ALL;
    volatile boolean wrote;
    volatile boolean killed;

    /** Guards the hand-over between the script thread and the keyspace thread. */
    final Object lock = new Object();
    /** True once the keyspace thread stopped waiting (guarded by lock). */
    boolean async;
    /** Set when the script thread is done (guarded by lock). */
    boolean done;
    /** The outcome, once done. */
    ScriptResult result;
    /** True while the script runs on the calling thread: redis.call runs its commands directly. */
    boolean inline;
    /**
     * When a script started on the keyspace thread ({@link ResumableScript}) is to be suspended, so
     * that it goes on on the script thread while the keyspace thread serves in busy mode.
     */
    long suspendAtNanos = Long.MAX_VALUE;

    ScriptRun(Scripting scripting, Client caller, Client luaClient, String name, boolean eval, boolean readOnly,
              boolean allowOom, boolean scriptOom) {
        this.scripting = scripting;
        this.caller = caller;
        this.luaClient = luaClient;
        this.name = name;
        this.eval = eval;
        this.readOnly = readOnly;
        this.allowOom = allowOom;
        this.scriptOom = scriptOom;
    }

    Scripting scripting() {
        return scripting;
    }

    long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Called by the interrupt hook: raises the kill error once SCRIPT/FUNCTION KILL asked for it, and
     * suspends a script running on the keyspace thread once it reached busy-reply-threshold.
     */
    void interrupt() {
        if (!killed && scripting.server().stopping()) {
            killed = true;
        }
        if (killed) {
            // Redis 7.0 says SCRIPT KILL for functions killed with FUNCTION KILL too.
            throw new LuaError(LuaConversions.errorTable("Script killed by user with SCRIPT KILL...", false));
        }
        if (suspendAtNanos != Long.MAX_VALUE && System.nanoTime() - suspendAtNanos >= 0) {
            suspendAtNanos = Long.MAX_VALUE;
            if (!ResumableScript.suspend()) {
                suspendAtNanos = System.nanoTime(); // not here (a coroutine's thread): at a later check
            }
        }
    }

    /** redis.call/pcall: runs argv as the script's client; returns the reply or an error table. */
    LuaValue execute(byte[][] argv) {
        if (inline) {
            return executeNow(argv);
        }
        synchronized (lock) {
            if (!async) {
                return executeNow(argv);
            }
        }
        Server server = scripting.server();
        CompletableFuture<LuaValue> f = new CompletableFuture<>();
        server.execute(() -> {
            try {
                f.complete(executeNow(argv));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        while (true) {
            try {
                return f.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (server.stopping()) {
                    killed = true;
                    interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                killed = true;
                interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    /**
     * scriptCall's error label: the refusal counts as an error reply (errorstats, an "-CODE" prefix or
     * ERR) and as a rejected call of the command, once; the error table says it was counted.
     */
    private LuaValue rejected(CommandSpec spec, String message) {
        scripting.server().recordError(message.startsWith("-") ? message.substring(1) : "ERR " + message);
        if (spec != null) {
            spec.countRejectedCall();
        }
        return LuaConversions.errorTable(message, true);
    }

    /** scriptCall: Redis's checks for commands from scripts, then the dispatcher's call path. */
    private LuaValue executeNow(byte[][] argv) {
        Server server = scripting.server();
        CommandSpec spec = server.commandTable().resolve(argv);
        if (spec == null || !spec.arityMatches(argv.length)) {
            return rejected(spec, spec == null
                    ? "Unknown Redis command called from script"
                    : "Wrong number of args calling Redis command from script");
        }
        luaClient.lastCommand(spec.fullName());
        if (spec.has(CommandFlag.NOSCRIPT)) {
            return rejected(spec, "This Redis command is not allowed from script");
        }
        String denied = io.mnemos.command.AclGuard.scriptDenied(luaClient, caller, spec, argv);
        if (denied != null) {
            return rejected(spec, denied);
        }
        // scriptVerifyWriteCommandAllow counts may-replicate commands (PUBLISH, PFCOUNT) as writes here.
        if ((spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE)) && readOnly) {
            return rejected(spec, "Write commands are not allowed from read-only scripts.");
        }
        // scriptVerifyWriteCommandAllow: once the script has written, it is not failed halfway.
        if (spec.has(CommandFlag.WRITE) && !wrote) {
            // A read-only replica takes script writes only from its master.
            if (server.masterLink().refusesWritesOf(caller)) {
                return rejected(spec, "-" + io.mnemos.replication.MasterLink.READONLY);
            }
            String diskError = DiskErrors.writeDenial(server.persistence(), server.aof());
            if (diskError != null) {
                return rejected(spec, "-" + diskError);
            }
            if (!server.replication().enoughGoodReplicas()) {
                return rejected(spec, "-" + io.mnemos.command.CommandDispatcher.NOREPLICAS);
            }
        }
        if (!allowOom && scriptOom && !wrote && spec.has(CommandFlag.DENYOOM)
                && server.config().eviction.limited()) {
            return rejected(spec, "-OOM command not allowed when used memory > 'maxmemory'.");
        }
        if (spec.has(CommandFlag.WRITE)) {
            wrote = true;
        }
        luaClient.reply().protocol(resp);
        server.propagation().callWithTargets(replicationTargets,
                () -> server.dispatcher().callFromScript(luaClient, caller, spec, argv));
        byte[] reply = luaClient.reply().takeBytes();
        return reply.length == 0 ? LuaValue.FALSE : LuaConversions.toLua(reply);
    }
}
