package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.protocol.RespBuffer;
import io.mnemos.server.BlockedClients;
import io.mnemos.server.Client;
import io.mnemos.persistence.DiskErrors;
import io.mnemos.server.Tracking;
import io.mnemos.server.Transaction;
import io.mnemos.server.WatchedKeys;
import io.mnemos.server.Server;
import io.mnemos.store.Entry;
import io.mnemos.store.Evictor;
import io.mnemos.store.Keyspace;
import io.mnemos.store.ValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs requests the way Redis's processCommand does: look the command up, check arity,
 * authentication and key types from the command table, execute, and account for it. Handlers only
 * implement the command itself.
 */
public final class CommandDispatcher {
    private static final Logger log = LoggerFactory.getLogger(CommandDispatcher.class);
    private static final byte[] QUIT = "quit".getBytes(StandardCharsets.US_ASCII);
    /** shared.oomerr. */
    private boolean rejectedOnOom(Client c, CommandSpec spec, byte[][] argv) {
        if (hasFlag(spec, argv, CommandFlag.DENYOOM)) {
            return true;
        }
        return switch (spec.fullName()) {
            case "exec" -> TransactionCommands.queuesAny(c, Transaction.Queued::denyoom);
            case "discard", "quit", "reset" -> false;
            default -> c.inMulti();
        };
    }

    /**
     * getCommandFlags: the command's own flag, except that a script with declared flags (a shebang,
     * a function) replaces EVAL's and FCALL's write, deny-oom and may-replicate flags with the
     * ones it declares (scriptFlagsToCmdFlags: no-writes implies allow-oom).
     */
    private boolean hasFlag(CommandSpec spec, byte[][] argv, CommandFlag flag) {
        boolean scriptFlag = flag == CommandFlag.WRITE || flag == CommandFlag.DENYOOM || flag == CommandFlag.MAY_REPLICATE;
        if (scriptFlag) {
            switch (spec.fullName()) {
                case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro" -> {
                    int declared = server.scripting().declaredFlags(spec.fullName(), argv);
                    if (declared >= 0) {
                        return switch (flag) {
                            case WRITE -> io.mnemos.scripting.Scripting.writes(declared);
                            case DENYOOM -> io.mnemos.scripting.Scripting.denyOom(declared);
                            default -> false;
                        };
                    }
                }
                default -> {
                }
            }
        }
        return spec.has(flag);
    }

    /**
     * processCommand's is_write_command: a WRITE command, an EXEC of one, or a script whose
     * shebang does not declare no-writes.
     */
    private boolean writes(Client c, CommandSpec spec, byte[][] argv) {
        return hasFlag(spec, argv, CommandFlag.WRITE)
                || spec.fullName().equals("exec") && TransactionCommands.queuesAny(c, Transaction.Queued::write);
    }

    /** processCommand's text for a protected command its enable-*-command setting does not allow. */
    static final String DEBUG_NOT_ALLOWED = notAllowed("DEBUG", "enable-debug-command");
    static final String MODULE_NOT_ALLOWED = notAllowed("MODULE", "enable-module-command");
    private static String notAllowed(String command, String option) {
        return "ERR " + command + " command not allowed. If the " + option + " option is set to \"local\", you can "
                + "run it from a local connection, otherwise you need to set this option in the configuration file, "
                + "and then restart the server.";
    }

    static final String OOM = "OOM command not allowed when used memory > 'maxmemory'.";
    public static final String NOREPLICAS = "NOREPLICAS Not enough good replicas to write.";
    static final String MASTERDOWN =
            "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.";

    private final Server server;
    private final CommandTable table;
    /** QUIT, answered before any lookup but counted and logged as a command. */
    private final CommandSpec quitSpec;

    // CLIENT PAUSE state: Redis's client_pause_type and end time (milliseconds on the keyspace clock).
    private boolean pauseActive;
    private boolean pauseAll;
    private long pauseEnd;
    private ScheduledExecutorService pauseTimer;
    private ScheduledFuture<?> pauseCheck;
    /** Clients whose next request waits for the pause to end, in the order they were held. */
    private final LinkedHashSet<Client> postponed = new LinkedHashSet<>();

    public CommandDispatcher(Server server, CommandTable table) {
        this.server = server;
        this.table = table;
        this.quitSpec = table.resolve(new byte[][] {QUIT});
        server.blockedClients().onTimeout(this::answerTimedOut);
        server.blockedClients().onDeletedStream((c, b) -> {
            answerBlockedWithError(c, b, "UNBLOCKED the stream key no longer exists");
            unblockedStats(c, b, b.requestArgv());
        });
    }

    public CommandTable table() {
        return table;
    }

    /**
     * Runs one request. Returns false when CLIENT PAUSE postpones it: nothing was executed or
     * replied, and the connection must hold this and every later request of the client until
     * {@link Client#resume()} is called.
     */
    public boolean dispatch(Client c, byte[][] argv) {
        ReplyWriter reply = c.reply();
        boolean skipThis = c.skipNextReply();
        c.clearSkipNextReply();
        reply.enabled(!c.replyOff() && !skipThis);
        Tracking tracking = server.tracking();
        // Restored afterwards: CLIENT UNPAUSE may run the requests it released inside this one.
        Client outer = tracking.current();
        tracking.current(c);
        try {
            boolean done = execute(c, argv);
            if (!done && skipThis) {
                // CLIENT REPLY SKIP applies to the postponed command when it finally runs.
                c.replyMode(c.replyOff(), true);
            }
            if (done && c.tracking() != null) {
                resetCaching(c);
            }
            return done;
        } finally {
            reply.enabled(true);
            tracking.handlePending();
            tracking.current(outer);
        }
    }

    /**
     * resetClient: CLIENT CACHING applies to the next command, or to the whole transaction, so the
     * flag is cleared after any command but CLIENT and those queued or run while in MULTI.
     */
    private static void resetCaching(Client c) {
        String last = c.lastCommand();
        if (!c.inMulti() && !last.equals("client") && !last.startsWith("client|")) {
            c.tracking().caching(false);
        }
    }

    /** The request being processed, for execCommandAbort's MONITOR feed. */
    private byte[][] requestArgv;

    private boolean execute(Client c, byte[][] argv) {
        requestArgv = argv;
        // Redis 7.0 answers QUIT before looking anything up, whatever its arguments.
        if (equalsIgnoreCase(argv[0], QUIT)) {
            c.reply().ok();
            c.closeAfterReply();
            server.monitors().feed(c, c.db().id(), argv);
            c.setRequest(argv, quitSpec);
            c.lastCommand(quitSpec.fullName());
            quitSpec.calls++; // counted and logged as a command (INFO commandstats, LATENCY, SLOWLOG)
            server.stats().totalCommandsProcessed++;
            server.latency().commandExecuted(quitSpec, 0);
            server.slowlog().record(c, argv, 0);
            return true;
        }
        CommandSpec spec = table.resolve(argv);
        // Like Redis's c->lastcmd: set on lookup, so unknown commands show as NULL in CLIENT LIST.
        c.lastCommand(spec == null ? "NULL" : spec.fullName());
        if (spec == null) {
            rejectCommand(c, unknownCommandError(argv));
            return true;
        }
        if (!spec.arityMatches(argv.length)) {
            spec.rejectedCalls++;
            rejectCommand(c, "ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return true;
        }
        // DEBUG and MODULE LOAD/LOADEX/UNLOAD: enable-debug-command / enable-module-command decide.
        if (spec.has(CommandFlag.PROTECTED)) {
            boolean module = spec.fullName().startsWith("module|");
            if (!(module ? server.config().enableModuleCommand : server.config().enableDebugCommand).allows(c.peerIp())) {
                spec.rejectedCalls++;
                rejectCommand(c, module ? MODULE_NOT_ALLOWED : DEBUG_NOT_ALLOWED);
                return true;
            }
        }
        if (c.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            spec.rejectedCalls++;
            rejectCommand(c, "NOAUTH Authentication required.");
            return true;
        }
        // ACL: nothing to check for a user allowed every command, key and channel (fast path).
        io.mnemos.acl.User aclUser = c.aclUser();
        if (aclUser != null && !aclUser.unrestricted()) {
            String denied = AclGuard.check(c, spec, argv);
            if (denied != null) {
                spec.rejectedCalls++;
                rejectCommand(c, denied);
                return true;
            }
        }
        // A script ran past busy-reply-threshold: only ALLOW_BUSY commands until it ends.
        String busy = server.scripting().busyRejection(spec, argv);
        if (busy != null) {
            spec.rejectedCalls++;
            rejectCommand(c, busy);
            return true;
        }
        // processCommand's evictClients, after the last command grew some client's output: a client
        // whose own pipeline went over maxmemory-clients is closed before it runs the next command.
        server.evictClients();
        if (c.closing()) {
            return true;
        }
        // processCommand: evict before any command while over the limit; refuse commands that may
        // grow memory (DENYOOM, or an EXEC of one) when nothing more could be evicted, and inside MULTI
        // refuse to queue anything at all, since the queue itself grows.
        if (performEvictions() == Evictor.Result.FAIL && rejectedOnOom(c, spec, argv)) {
            spec.rejectedCalls++;
            rejectCommand(c, OOM);
            return true;
        }
        // processCommand keeps the client side caching table within tracking-table-max-keys.
        if (server.tracking().clientCount() > 0) {
            server.tracking().limitUsedSlots();
        }
        // No writes, nor PING, while the last BGSAVE or AOF write failed (MISCONF); Redis 7.0 checks
        // that on a master only, so a replica keeps applying its master's stream.
        String diskError = DiskErrors.writeDenial(server.persistence(), server.aof());
        if (diskError != null && (writes(c, spec, argv) || spec.fullName().equals("ping")) && !server.isReplica()) {
            spec.rejectedCalls++;
            rejectCommand(c, diskError);
            return true;
        }
        // min-replicas-to-write: no writes without enough good replicas (shared.noreplicaserr).
        if (server.config().minReplicasToWrite > 0 && writes(c, spec, argv)
                && !server.replication().enoughGoodReplicas()) {
            spec.rejectedCalls++;
            rejectCommand(c, NOREPLICAS);
            return true;
        }
        // A read-only replica takes writes from its master only (shared.roslaveerr).
        if (server.masterLink().refusesWritesOf(c) && writes(c, spec, argv)) {
            spec.rejectedCalls++;
            rejectCommand(c, io.mnemos.replication.MasterLink.READONLY);
            return true;
        }
        // RESP2 subscribed mode: only the subscription commands, PING, QUIT and RESET.
        if (c.protocol() == 2 && server.pubsub().subscribed(c) && !PubSubCommands.allowedWhileSubscribed(spec)) {
            spec.rejectedCalls++;
            rejectCommand(c, PubSubCommands.subscribedModeError(spec));
            return true;
        }
        // replica-serve-stale-data no: while the link is down only STALE commands (INFO, REPLICAOF, ...).
        if (server.isReplica() && !server.masterLink().linkUp() && !spec.has(CommandFlag.STALE)
                && server.config().option("replica-serve-stale-data").get().equals("no")) {
            spec.rejectedCalls++;
            rejectCommand(c, MASTERDOWN);
            return true;
        }
        if (server.persistence().loading() && !spec.has(CommandFlag.LOADING)) {
            spec.rejectedCalls++;
            rejectCommand(c, "LOADING Redis is loading the dataset in memory");
            return true;
        }
        if (c.inMulti() && spec.has(CommandFlag.NO_MULTI)) {
            spec.rejectedCalls++;
            rejectCommand(c, "ERR Command not allowed inside a transaction");
            return true;
        }
        if (MonitorCommands.deniedToMonitor(c, spec)) {
            spec.rejectedCalls++;
            rejectCommand(c, "ERR Replica can't interact with the keyspace");
            return true;
        }
        if (pausedFor(c, spec, argv)) {
            c.postponed(argv);
            postponed.add(c);
            return false;
        }
        if (c.inMulti() && !TransactionCommands.runsInMulti(spec)) {
            // Redis's queueMultiCommand: executed by EXEC, answered +QUEUED now.
            c.transaction().queue(argv, spec, hasFlag(spec, argv, CommandFlag.WRITE),
                    hasFlag(spec, argv, CommandFlag.DENYOOM), hasFlag(spec, argv, CommandFlag.MAY_REPLICATE));
            c.reply().simple("QUEUED");
            return true;
        }
        call(c, spec, argv, true);
        if (c.blocked()) {
            // The client waits for a key: its later requests are held until it is answered.
            return false;
        }
        handleBlockedClients();
        return true;
    }

    /**
     * Redis's call(): runs a resolved command (top level, from EXEC, or again for a blocked client
     * being served), accounts for it, and signals the keys it modified to WATCH and blocked clients.
     */
    void call(Client c, CommandSpec spec, byte[][] argv) {
        call(c, spec, argv, false);
    }

    /**
     * A connection's read batch begins or ends: the first command of a batch reads the clock itself
     * (see {@link #batchClock}).
     */
    public void readBatchBoundary() {
        batchClock = 0;
    }

    /**
     * When the previous command of the current read batch ended ({@link System#nanoTime()}), or 0.
     * The next top-level command of the batch starts then: one clock read per pipelined command
     * instead of two. Its time then includes parsing its request, well under a microsecond.
     */
    private long batchClock;

    /** Nesting of {@link #call}: EXEC and scripts call commands inside a call (server.execution_nesting). */
    private int callDepth;
    /** The client whose script is running commands now (server.script_caller), or null. */
    private Client scriptCaller;

    private void call(Client c, CommandSpec spec, byte[][] argv, boolean inReadBatch) {
        callDepth++;
        try {
            callAndTrack(c, spec, argv, inReadBatch);
        } finally {
            callDepth--;
        }
        if (callDepth == 0) {
            // afterCommand: invalidations for the current client follow its (whole) reply.
            server.tracking().handlePending();
        }
    }

    /**
     * call() and then, for a read-only command, trackingRememberKeys: the keys read are remembered
     * for the tracking client, or, for a command of a script, the keys its caller's EVAL or FCALL
     * declared (EVAL_RO and FCALL_RO themselves remember nothing, only what their scripts read).
     */
    private void callAndTrack(Client c, CommandSpec spec, byte[][] argv, boolean inReadBatch) {
        callCommand(c, spec, argv, inReadBatch);
        // The whole cost for a client that does not track: a null check (and no script running).
        if (c.tracking() == null && scriptCaller == null || !spec.has(CommandFlag.READONLY)) {
            return;
        }
        Client caller = scriptCaller != null && c != scriptCaller ? scriptCaller : c;
        Tracking.ClientState st = caller.tracking();
        // A read that blocks (XREAD BLOCK) remembers its keys as it blocks, as Redis's call() does;
        // serving it later is no new call and remembers nothing.
        if (st == null || st.bcast() || reprocessing) {
            return;
        }
        String name = spec.fullName();
        if (name.equals("eval_ro") || name.equals("evalsha_ro") || name.equals("fcall_ro")) {
            return;
        }
        CommandSpec callerSpec = caller == c ? spec : caller.command();
        byte[][] callerArgv = caller == c ? argv : caller.argv();
        if (callerSpec == null || callerArgv == null || callerSpec.has(CommandFlag.PUBSUB)) {
            return;
        }
        List<Integer> positions = keyPositions(callerSpec, callerArgv);
        if (!positions.isEmpty()) {
            server.tracking().rememberKeys(caller, callerArgv, positions);
        }
    }

    private void callCommand(Client c, CommandSpec spec, byte[][] argv, boolean inReadBatch) {
        c.setRequest(argv, spec);
        server.propagation().enter(c, spec, argv);
        long dirtyBefore = server.keyspace().stats().dirty;
        Object[] before = keysWatched() && PARTIAL_WRITERS.contains(spec.fullName())
                ? fingerprints(c, spec, argv) : null;
        long start = inReadBatch && batchClock != 0 ? batchClock : System.nanoTime();
        batchClock = 0;
        Keyspace keyspace = server.keyspace();
        keyspace.commandStarted(start);
        try {
            checkKeyTypes(c, spec, argv);
            spec.handler().execute(c);
        } catch (CommandError e) {
            spec.failedCalls++;
            reject(c, e.getMessage());
        } catch (RespBuffer.TooLarge e) {
            // Part of the reply may be on its way already: the connection cannot be kept in step.
            spec.failedCalls++;
            log.warn("Closing client id={} addr={}: the reply to {} is too large: {}", c.id(), c.remoteAddress(),
                    spec.fullName(), e.getMessage());
            c.closeAsap();
        } catch (RuntimeException e) {
            spec.failedCalls++;
            log.warn("Command {} failed unexpectedly", spec.fullName(), e);
            server.stats().unexpectedErrorReplies++;
            reject(c, "ERR internal error while executing '" + spec.fullName() + "': " + e);
        } finally {
            // Values changed in place by the command (HSET, RPUSH, ...) are re-accounted here.
            keyspace.commandDone();
        }
        boolean dirtied = server.keyspace().stats().dirty != dirtyBefore;
        if (dirtied && !UNSIGNALLED.contains(spec.fullName())) {
            signalModifiedKeys(c, spec, argv, before);
        }
        // replicationFeedMonitors, after the command so that AUTH/HELLO arguments are redacted.
        if (!reprocessing && !spec.has(CommandFlag.ADMIN) && !spec.has(CommandFlag.SKIP_MONITOR)) {
            server.monitors().feed(c, c.db().id(), argv);
        }
        // Command propagation (AOF, later replication): after the command, as Redis's call().
        server.propagation().exit(c, spec, argv, dirtied);
        long end = System.nanoTime();
        if (inReadBatch) {
            batchClock = end;
        }
        long micros = (end - start) / 1000;
        spec.micros += micros;
        // Redis 7.0's call() counts a command when it runs, also one that blocks; served later
        // (run here again) it is not counted twice, as updateStatsOnUnblock adds only its time.
        if (!reprocessing) {
            spec.calls++;
            server.stats().totalCommandsProcessed++;
        }
        if (c.blocked()) {
            return; // latency and slowlog once it is answered
        }
        server.latency().commandExecuted(spec, micros);
        // A served blocked command is logged as its client sent it (XREAD's '$' unresolved).
        server.slowlog().record(c, reprocessing && servedRequestArgv != null ? servedRequestArgv : argv, micros);
    }

    /**
     * redis.call/pcall: runs a command for a script on its internal client through the same
     * {@link #call} path as EXEC (stats, slowlog, WATCH/blocked-key signals, dirty counting); the
     * script engine has already done Redis's scriptCall checks.
     */
    public void callFromScript(Client scriptClient, Client caller, CommandSpec spec, byte[][] argv) {
        Client outerCaller = scriptCaller;
        scriptCaller = caller;
        try {
            call(scriptClient, spec, argv);
        } finally {
            scriptCaller = outerCaller;
        }
        // No handleBlockedClients here: clients blocked on a key the script wrote are served once
        // the whole script ended (processCommand), so they never see what it undid before the end.
    }

    /**
     * Redis's signalModifiedKey for every key of a command that changed the dataset: touches the
     * WATCHes on them and invalidates them for tracking clients. (Keys become ready for blocked
     * clients in the keyspace, where Redis's dbAdd and stream deletion signal them.)
     */
    private void signalModifiedKeys(Client c, CommandSpec spec, byte[][] argv, Object[] before) {
        WatchedKeys watches = server.watchedKeys();
        Tracking tracking = server.tracking();
        if (!watches.any() && !tracking.any()) {
            return;
        }
        String name = spec.fullName();
        // A blocked BLPOP/BRPOP/BLMOVE/BRPOPLPUSH being served: serveClientBlockedOnList signals
        // no source key (the push that readied it did), only a move's destination.
        boolean servedListPop = reprocessing && (name.equals("blpop") || name.equals("brpop"));
        boolean servedListMove = reprocessing && (name.equals("blmove") || name.equals("brpoplpush"));
        if (servedListPop) {
            return;
        }
        // MOVE and COPY ... DB write the key of another database: COPY only that one, MOVE both.
        int targetDb = -1;
        byte[] targetKey = null;
        if (name.equals("move")) {
            targetDb = dbIndex(argv[2]);
            targetKey = argv[1];
        } else if (name.equals("copy")) {
            for (int i = 3; i + 1 < argv.length; i++) {
                if (Args.is(argv[i], "db")) {
                    targetDb = dbIndex(argv[i + 1]);
                    targetKey = argv[2];
                }
            }
        }
        // COPY ... DB signals only its destination, in the other database (below).
        List<Integer> positions = name.equals("copy") && targetKey != null ? List.of() : keyPositions(spec, argv);
        Object[] after = before == null ? null : fingerprints(c, spec, argv);
        int written = servedListMove ? 1 : writtenKeyIndex(name, positions);
        boolean destinationFirst = DESTINATION_FIRST.contains(name);
        for (int n = 0; n < positions.size(); n++) {
            int i = destinationFirst ? positions.size() - 1 - n : n;
            int pos = positions.get(i);
            if (before != null && before[i].equals(after[i])) {
                continue; // this key of a multi-key command was left alone
            }
            if (written >= 0 && i != written) {
                continue; // a source the command only read
            }
            watches.touch(c.db(), argv[pos]);
            if (tracking.any()) {
                tracking.invalidateKey(c, argv[pos], true);
            }
        }
        if (targetDb >= 0 && targetDb < server.keyspace().count()) {
            watches.touch(server.keyspace().db(targetDb), targetKey);
            if (tracking.any()) {
                tracking.invalidateKey(c, targetKey, true);
            }
        }
    }

    /**
     * Writes after which Redis does not call signalModifiedKey: XSETID and the consumer-group
     * commands change only a stream's metadata and groups, so WATCH and client side caching are
     * not told (XGROUP CREATE ... MKSTREAM signals what it must itself). Scripts neither: the
     * commands they run signal their own keys, and a key a script declared but did not write
     * (one its failed command left alone) is not touched.
     */
    private static final java.util.Set<String> UNSIGNALLED = java.util.Set.of("xsetid", "xgroup|create",
            "xgroup|setid", "xgroup|destroy", "xgroup|createconsumer", "xgroup|delconsumer", "xreadgroup", "xack",
            "xclaim", "xautoclaim", "eval", "evalsha", "fcall");

    /**
     * The keys Redis's command has signalled (signalModifiedKey) by the time it raises {@code event}
     * on {@code key} (see {@link Events#notifyIn}): for most commands the key itself. The list and
     * set pops, LTRIM, ZREM and XTRIM raise their events first and signal at the end, as the list
     * moves and SMOVE do for their source (the sorted-set pops signal after their first event);
     * RENAME signals both keys before its events, SMOVE both before the destination's. Commands
     * that signal nothing, nothing.
     */
    static List<byte[]> signalledBeforeEvent(CommandSpec spec, byte[][] argv, String event, byte[] key) {
        if (spec == null || UNSIGNALLED.contains(spec.fullName())) {
            return List.of();
        }
        return switch (spec.fullName()) {
            case "lpop", "rpop", "lmpop", "blpop", "brpop", "blmpop", "ltrim", "zrem", "spop", "xtrim" -> List.of();
            // genericZpopCommand signals right after its first event, so before an emptied key's "del".
            case "zpopmin", "zpopmax", "zmpop", "bzpopmin", "bzpopmax", "bzmpop" ->
                    event.equals("del") ? List.of(key) : List.of();
            case "lmove", "rpoplpush", "blmove", "brpoplpush" ->
                    event.equals("lpush") || event.equals("rpush") ? List.of(key) : List.of();
            case "smove" -> event.equals("sadd") ? List.of(argv[1], argv[2]) : List.of();
            case "rename", "renamenx" -> event.equals("rename_from") ? List.of(argv[1], argv[2]) : List.of();
            default -> List.of(key);
        };
    }

    /**
     * The list moves signal their destination before their source, as Redis's lmoveHandlePush
     * does before the source is signalled: a tracking client hears of them in that order.
     */
    private static final java.util.Set<String> DESTINATION_FIRST =
            java.util.Set.of("lmove", "rpoplpush", "blmove", "brpoplpush");

    /**
     * Commands that modify only some of their keys, each by removing it or changing its length
     * (DEL deletes the existing ones, the multi-key pops pop one): Redis signals only those.
     */
    private static final java.util.Set<String> PARTIAL_WRITERS =
            java.util.Set.of("del", "unlink", "migrate", "lmpop", "blpop", "brpop", "blmpop",
                    "zmpop", "bzpopmin", "bzpopmax", "bzmpop");

    /**
     * Commands that write one destination and only read their other keys (COPY's source, the
     * *STORE commands' inputs, BITOP's and PFMERGE's sources, the key SORT ... STORE sorts, the source
     * of GEOSEARCHSTORE and of GEORADIUS's STORE): Redis signals the destination alone, so a WATCH on
     * a source survives them. The destination's index among the key positions, or -1.
     */
    private static int writtenKeyIndex(String command, List<Integer> positions) {
        return switch (command) {
            case "copy", "sort" -> 1;
            case "sinterstore", "sunionstore", "sdiffstore", "zunionstore", "zinterstore", "zdiffstore",
                 "zrangestore", "bitop", "pfmerge", "geosearchstore" -> 0;
            // GEORADIUS ... STORE/STOREDIST: the destination is the last of those keys in argv.
            case "georadius", "georadiusbymember" -> {
                int last = -1;
                for (int i = 1; i < positions.size(); i++) {
                    if (last < 0 || positions.get(i) > positions.get(last)) {
                        last = i;
                    }
                }
                yield last;
            }
            default -> -1;
        };
    }

    private static List<Integer> keyPositions(CommandSpec spec, byte[][] argv) {
        return spec.has(CommandFlag.MOVABLEKEYS)
                ? CommandIntrospection.keyPositions(spec, argv)
                : spec.keyPositions(argv.length);
    }

    /** Whether anyone watches keys (WATCH, client side caching): else no key change is signalled. */
    private boolean keysWatched() {
        return server.watchedKeys().any() || server.tracking().any();
    }

    /** For {@link #PARTIAL_WRITERS}: each key's entry and length, to see which ones changed. */
    private Object[] fingerprints(Client c, CommandSpec spec, byte[][] argv) {
        List<Integer> positions = keyPositions(spec, argv);
        Object[] prints = new Object[positions.size()];
        for (int i = 0; i < prints.length; i++) {
            Entry e = c.db().peek(argv[positions.get(i)]);
            prints[i] = e == null ? KeyPrint.ABSENT : new KeyPrint(e, e.value(), e.expireAt(),
                    e.value() instanceof io.mnemos.store.ListValue l ? l.size()
                    : e.value() instanceof io.mnemos.store.ZSetValue z ? z.size() : -1);
        }
        return prints;
    }

    /** A key's state as far as removals and pops go; entries and values compare by identity. */
    private record KeyPrint(Entry entry, Object value, long expireAt, long size) {
        static final KeyPrint ABSENT = new KeyPrint(null, null, 0, 0);
    }

    private static int dbIndex(byte[] arg) {
        Long v = Args.parseLongOrNull(arg);
        return v == null || v < 0 || v > Integer.MAX_VALUE ? -1 : v.intValue();
    }

    /**
     * Redis's handleClientsBlockedOnKeys, after each command and before the event loop sleeps:
     * serves clients whose keys got data.
     */
    public void handleBlockedClients() {
        BlockedClients blocked = server.blockedClients();
        if (blocked.hasReady()) {
            blocked.handleReady(this::serveBlocked);
        }
    }

    /** Runs a blocked client's command again now that its key holds data. */
    private void serveBlocked(Client c, BlockedClients.Block b) {
        reprocessing = true;
        Tracking tracking = server.tracking();
        Client current = tracking.current();
        tracking.current(c); // handleClientsBlockedOnKeys sets server.current_client
        // Redis serves a blocked client with lookups that count no keyspace hits or misses.
        io.mnemos.store.KeyspaceStats stats = server.keyspace().stats();
        long hits = stats.hits;
        long misses = stats.misses;
        servedRequestArgv = b.requestArgv();
        try {
            withReplyMode(c, () -> call(c, b.spec(), b.argv()));
        } finally {
            reprocessing = false;
            servedRequestArgv = null;
            tracking.current(current);
            stats.hits = hits;
            stats.misses = misses;
        }
    }

    /** While a blocked client's command runs again: MONITOR showed it when it blocked. */
    private boolean reprocessing;
    /** The request of the blocked command being served, as its client sent it. */
    private byte[][] servedRequestArgv;

    /**
     * replyToBlockedClientTimedOut (a timeout, or CLIENT UNBLOCK): a blocking pop answers a null
     * array, WAIT the number of replicas that acknowledged.
     */
    public void answerTimedOut(Client c, BlockedClients.Block b) {
        answerBlocked(c, b, () -> {
            if (b.spec().name().equals("wait")) {
                c.reply().integer(server.replication().waitEnded(c));
            } else {
                c.reply().nullArray();
            }
        });
    }

    /** A blocked client's command ends in an error (CLIENT UNBLOCK ERROR, a master turned replica). */
    public void answerBlockedWithError(Client c, BlockedClients.Block b, String error) {
        answerBlocked(c, b, () -> {
            server.recordError(error);
            c.reply().error(error);
            b.spec().failedCalls++;
        });
    }

    /**
     * Redis 7.0's updateStatsOnUnblock for a blocked command answered without running again (a
     * deleted stream, CLIENT UNBLOCK): a latency sample and a slow log entry showing {@code shown},
     * for the time it ran before blocking (about nothing).
     */
    public void unblockedStats(Client c, BlockedClients.Block b, byte[][] shown) {
        server.latency().commandExecuted(b.spec(), 0);
        server.slowlog().record(c, shown, 0);
    }

    /**
     * An error reply of a command that goes on (or has propagated what it did) rather than end by
     * a CommandError: counted as that would be (errorstats, failed_calls).
     */
    public void replyFailed(Client c, String error) {
        reject(c, error);
        c.command().failedCalls++;
    }

    /** A blocked command answered without running again: counted when it blocked (see callCommand). */
    public void answerBlocked(Client c, BlockedClients.Block b, Runnable reply) {
        withReplyMode(c, reply);
    }

    /** Applies CLIENT REPLY OFF/SKIP to a reply written outside {@link #dispatch}. */
    private static void withReplyMode(Client c, Runnable reply) {
        boolean skipThis = c.skipNextReply();
        c.clearSkipNextReply();
        c.reply().enabled(!c.replyOff() && !skipThis);
        try {
            reply.run();
        } finally {
            c.reply().enabled(true);
        }
    }

    /** Redis's rejectCommand: the error reply, and a MULTI in progress is doomed (flagTransaction). */
    private void rejectCommand(Client c, String message) {
        c.transaction().flagError();
        if (c.lastCommand().equals("exec")) {
            // Redis's execCommandAbort: a rejected EXEC discards the transaction (if any) and says so.
            TransactionCommands.discardTransaction(c);
            String reason = message.startsWith("ERR ") ? message.substring(4) : message;
            message = "EXECABORT Transaction discarded because of: " + reason;
            // execCommandAbort: monitors saw MULTI, so they are sent EXEC too.
            server.monitors().feed(c, c.db().id(), requestArgv);
        }
        reject(c, message);
    }

    // ---- maxmemory -----------------------------------------------------------------------------

    /**
     * performEvictions with isSafeToPerformEvictions: nothing while writes are paused. When the
     * time budget ran out, the rest is done on the event loop, as Redis's eviction time proc.
     */
    public Evictor.Result performEvictions() {
        return performEvictions(true);
    }

    /**
     * The cron's eviction pass (Mnemos evicts between commands too; Redis only before them): not
     * one of Redis's performEvictions calls, so the over-maxmemory time is left as it stands.
     */
    public Evictor.Result evictBetweenCommands() {
        return performEvictions(false);
    }

    /**
     * {@code metrics}: Redis's update_metrics, which times the stretches over maxmemory (INFO
     * total/current_eviction_exceeded_time). Redis calls performEvictions only with a maxmemory
     * set, so a stretch begun under one lasts until one is set again that memory fits.
     */
    private Evictor.Result performEvictions(boolean metrics) {
        Keyspace keyspace = server.keyspace();
        boolean timed = metrics && keyspace.settings().maxmemory != 0;
        if (keyspace.settings().effectiveLimit() <= 0 || !keyspace.evictor().overLimit()) {
            if (timed) {
                keyspace.stats().evictionOutcome(true, System.nanoTime());
            }
            return Evictor.Result.OK;
        }
        // Not safe to evict now: as if eviction were not triggered (Redis's "fake EVICT_OK").
        if (paused()) {
            return Evictor.Result.OK;
        }
        // isSafeToPerformEvictions: a replica's memory follows its master (replica-ignore-maxmemory).
        if (server.isReplica() && server.config().option("replica-ignore-maxmemory").get().equals("yes")) {
            return Evictor.Result.OK;
        }
        Evictor.Result result = keyspace.evictor().perform();
        if (timed) {
            keyspace.stats().evictionOutcome(result == Evictor.Result.OK, System.nanoTime());
        }
        if (result == Evictor.Result.RUNNING && !evictionScheduled) {
            evictionScheduled = true;
            server.executeLater(() -> {
                evictionScheduled = false;
                performEvictions();
            });
        }
        return result;
    }

    private boolean evictionScheduled;

    // ---- CLIENT PAUSE -------------------------------------------------------------------------

    /**
     * CLIENT PAUSE: from now on every command (all) or only write and may-replicate commands are
     * postponed until {@code endMillis}. As in Redis the latest type wins and the end time is only
     * ever extended. {@code timer} (the keyspace event loop) ends the pause on time; without one
     * the pause ends at the first request after it expired.
     */
    public void pauseClients(long endMillis, boolean all, ScheduledExecutorService timer) {
        pauseActive = true;
        pauseAll = all;
        pauseEnd = Math.max(pauseEnd, endMillis);
        pauseChanged();
        if (timer != null) {
            pauseTimer = timer;
            schedulePauseCheck();
        }
    }

    /** CLIENT UNPAUSE, or the end of the pause: postponed clients resume in the order they waited. */
    public void unpauseClients() {
        pauseActive = false;
        pauseAll = false;
        pauseEnd = 0;
        if (pauseCheck != null) {
            pauseCheck.cancel(false);
            pauseCheck = null;
        }
        pauseChanged();
        resumePostponed();
    }

    /** While any pause holds, expired keys are not deleted: the dataset stays as replicas saw it. */
    private void pauseChanged() {
        server.keyspace().pausedExpiry(pauseActive || !writePauses.isEmpty());
    }

    /** Held clients go on in the order they waited; those a remaining pause still holds wait again. */
    private void resumePostponed() {
        List<Client> waiting = new ArrayList<>(postponed);
        postponed.clear();
        for (Client c : waiting) {
            c.resume();
        }
    }

    /**
     * The pauses of writes other than CLIENT PAUSE (Redis's pause purposes): the shutdown sequence's
     * while replicas catch up (PAUSE_DURING_SHUTDOWN), a FAILOVER's while its replica does
     * (PAUSE_DURING_FAILOVER). Each holds writes whatever CLIENT PAUSE / UNPAUSE and the other do
     * meanwhile; ending one resumes the held clients (those still held wait again).
     */
    public enum WritePause { SHUTDOWN, FAILOVER }

    private final java.util.EnumSet<WritePause> writePauses = java.util.EnumSet.noneOf(WritePause.class);

    public void pauseWrites(WritePause purpose, boolean pause) {
        if (pause) {
            writePauses.add(purpose);
            pauseChanged();
        } else if (writePauses.remove(purpose)) {
            pauseChanged();
            resumePostponed();
        }
    }

    /** True while a pause is in force (expired pauses end here). */
    public boolean paused() {
        if (pauseActive && pauseEnd < now()) {
            unpauseClients();
        }
        return pauseActive || !writePauses.isEmpty();
    }

    public boolean pauseAll() {
        return paused() && pauseActive && pauseAll;
    }

    /** Clients currently held by a pause (Redis counts them in blocked_clients). */
    public int postponedCount() {
        return postponed.size();
    }

    /** A client that disconnected: no longer postponed, blocked, watching or in MULTI. */
    public void forget(Client c) {
        postponed.remove(c);
        server.monitors().remove(c);
        server.blockedClients().remove(c);
        server.watchedKeys().unwatchAll(c);
        server.tracking().disable(c);
        c.transaction().clear();
    }

    private boolean pausedFor(Client c, CommandSpec spec, byte[][] argv) {
        if (!paused()) {
            return false;
        }
        if (pauseActive && pauseAll) {
            return true;
        }
        if (hasFlag(spec, argv, CommandFlag.WRITE) || hasFlag(spec, argv, CommandFlag.MAY_REPLICATE)) {
            return true;
        }
        // EXEC of a transaction holding writes is a write (Redis's is_may_replicate_command).
        return spec.fullName().equals("exec") && c.inMulti() && TransactionCommands.queuesAny(c, q -> q.write() || q.mayReplicate());
    }

    private long now() {
        return server.keyspace().clock().millis();
    }

    private void schedulePauseCheck() {
        if (pauseCheck != null) {
            pauseCheck.cancel(false);
        }
        long delay = Math.min(Math.max(1, pauseEnd - now() + 1), TimeUnit.HOURS.toMillis(1));
        pauseCheck = pauseTimer.schedule(() -> {
            pauseCheck = null;
            if (paused()) {
                schedulePauseCheck(); // extended meanwhile, or the clock is behind
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void reject(Client c, String message) {
        server.recordError(message);
        c.reply().error(message);
    }

    /** WRONGTYPE from the table: every key argument of a typed command must hold that type if present. */
    private static void checkKeyTypes(Client c, CommandSpec spec, byte[][] argv) {
        ValueType type = spec.keyType();
        if (type == null) {
            return;
        }
        int last = spec.lastKey() < 0 ? argv.length + spec.lastKey() : spec.lastKey();
        for (int i = spec.firstKey(); i > 0 && i <= last && i < argv.length; i += spec.keyStep()) {
            Entry e = c.db().lookupQuiet(argv[i]);
            if (e != null && e.type() != type) {
                throw CommandError.WRONG_TYPE;
            }
        }
    }

    /** Redis's texts for an unknown command or subcommand, quoting the first arguments. */
    /**
     * commandCheckExistence's texts. Redis prints the arguments with {@code %.*s}: at most so many
     * bytes (not characters), and only up to a NUL byte; the argument list stops once 128 bytes long.
     */
    private String unknownCommandError(byte[][] argv) {
        CommandSpec base = table.lookup(argv[0]);
        if (base != null && base.isContainer()) {
            return "ERR unknown subcommand '" + cString(argv[1], 128) + "'. Try "
                    + new String(argv[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT) + " HELP.";
        }
        StringBuilder args = new StringBuilder();
        int argsBytes = 0;
        for (int i = 1; i < argv.length && argsBytes < 128; i++) {
            int len = cLength(argv[i], 128 - argsBytes);
            args.append('\'').append(new String(argv[i], 0, len, StandardCharsets.UTF_8)).append("' ");
            argsBytes += len + 3;
        }
        return "ERR unknown command '" + cString(argv[0], 128) + "', with args beginning with: " + args;
    }

    /** printf's {@code %.Ns} of an argument: up to the first NUL, at most {@code maxBytes} bytes. */
    private static String cString(byte[] arg, int maxBytes) {
        return new String(arg, 0, cLength(arg, maxBytes), StandardCharsets.UTF_8);
    }

    private static int cLength(byte[] arg, int maxBytes) {
        int n = 0;
        while (n < arg.length && n < maxBytes && arg[n] != 0) {
            n++;
        }
        return n;
    }

    private static boolean equalsIgnoreCase(byte[] a, byte[] lower) {
        if (a.length != lower.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] | 0x20) != lower[i]) {
                return false;
            }
        }
        return true;
    }
}
