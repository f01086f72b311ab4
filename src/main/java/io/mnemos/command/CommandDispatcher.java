package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.mnemos.store.Entry;
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

    private final Server server;
    private final CommandTable table;

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
        try {
            boolean done = execute(c, argv);
            if (!done && skipThis) {
                // CLIENT REPLY SKIP applies to the postponed command when it finally runs.
                c.replyMode(c.replyOff(), true);
            }
            return done;
        } finally {
            reply.enabled(true);
        }
    }

    private boolean execute(Client c, byte[][] argv) {
        // Redis 7.0 answers QUIT before looking anything up, whatever its arguments.
        if (equalsIgnoreCase(argv[0], QUIT)) {
            c.reply().ok();
            c.closeAfterReply();
            return true;
        }
        CommandSpec spec = table.resolve(argv);
        // Like Redis's c->lastcmd: set on lookup, so unknown commands show as NULL in CLIENT LIST.
        c.lastCommand(spec == null ? "NULL" : spec.fullName());
        if (spec == null) {
            reject(c, unknownCommandError(argv));
            return true;
        }
        if (!spec.arityMatches(argv.length)) {
            spec.rejectedCalls++;
            reject(c, "ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return true;
        }
        if (c.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            spec.rejectedCalls++;
            reject(c, "NOAUTH Authentication required.");
            return true;
        }
        // RESP2 subscribed mode: only the subscription commands, PING, QUIT and RESET.
        if (c.protocol() == 2 && server.pubsub().subscribed(c) && !PubSubCommands.allowedWhileSubscribed(spec)) {
            spec.rejectedCalls++;
            reject(c, PubSubCommands.subscribedModeError(spec));
            return true;
        }
        if (pausedFor(spec)) {
            c.postponed(argv);
            postponed.add(c);
            return false;
        }
        c.setRequest(argv, spec);
        long start = System.nanoTime();
        try {
            checkKeyTypes(c, spec, argv);
            spec.handler().execute(c);
        } catch (CommandError e) {
            spec.failedCalls++;
            reject(c, e.getMessage());
        } catch (RuntimeException e) {
            spec.failedCalls++;
            log.warn("Command {} failed unexpectedly", spec.fullName(), e);
            server.stats().unexpectedErrorReplies++;
            reject(c, "ERR internal error while executing '" + spec.fullName() + "': " + e);
        }
        long micros = (System.nanoTime() - start) / 1000;
        spec.calls++;
        spec.micros += micros;
        server.latency().commandExecuted(spec, micros);
        server.stats().totalCommandsProcessed++;
        server.slowlog().record(c, argv, micros);
        return true;
    }

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
        List<Client> waiting = new ArrayList<>(postponed);
        postponed.clear();
        for (Client c : waiting) {
            c.resume();
        }
    }

    /** True while a pause is in force (expired pauses end here). */
    public boolean paused() {
        if (pauseActive && pauseEnd < now()) {
            unpauseClients();
        }
        return pauseActive;
    }

    /** True while writes are paused: Redis then also skips active and lazy expiry and eviction. */
    public boolean writesPaused() {
        return paused();
    }

    public boolean pauseAll() {
        return paused() && pauseAll;
    }

    /** Clients currently held by a pause (Redis counts them in blocked_clients). */
    public int postponedCount() {
        return postponed.size();
    }

    /** A client that disconnected while postponed. */
    public void forget(Client c) {
        postponed.remove(c);
    }

    private boolean pausedFor(CommandSpec spec) {
        if (!paused()) {
            return false;
        }
        return pauseAll || spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.MAY_REPLICATE);
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
            if (e != null && ValueType.of(e.value()) != type) {
                throw CommandError.WRONG_TYPE;
            }
        }
    }

    /** Redis's texts for an unknown command or subcommand, quoting the first arguments. */
    private String unknownCommandError(byte[][] argv) {
        String name = new String(argv[0], StandardCharsets.UTF_8);
        CommandSpec base = table.lookup(argv[0]);
        if (base != null && base.isContainer()) {
            return "ERR unknown subcommand '" + truncate(new String(argv[1], StandardCharsets.UTF_8), 128)
                    + "'. Try " + name.toUpperCase(Locale.ROOT) + " HELP.";
        }
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < argv.length && args.length() < 128; i++) {
            String arg = new String(argv[i], StandardCharsets.UTF_8);
            args.append('\'').append(truncate(arg, 128 - args.length())).append("' ");
        }
        return "ERR unknown command '" + truncate(name, 128) + "', with args beginning with: " + args;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max));
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
