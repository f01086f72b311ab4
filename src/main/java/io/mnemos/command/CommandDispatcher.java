package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.mnemos.store.Entry;
import io.mnemos.store.ValueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

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

    public CommandDispatcher(Server server, CommandTable table) {
        this.server = server;
        this.table = table;
    }

    public CommandTable table() {
        return table;
    }

    public void dispatch(Client c, byte[][] argv) {
        ReplyWriter reply = c.reply();
        boolean skipThis = c.skipNextReply();
        c.clearSkipNextReply();
        reply.enabled(!c.replyOff() && !skipThis);
        try {
            execute(c, argv);
        } finally {
            reply.enabled(true);
        }
    }

    private void execute(Client c, byte[][] argv) {
        // Redis 7.0 answers QUIT before looking anything up, whatever its arguments.
        if (equalsIgnoreCase(argv[0], QUIT)) {
            c.reply().ok();
            c.closeAfterReply();
            return;
        }
        CommandSpec spec = table.resolve(argv);
        if (spec == null) {
            reject(c, unknownCommandError(argv));
            return;
        }
        if (!spec.arityMatches(argv.length)) {
            spec.rejectedCalls++;
            reject(c, "ERR wrong number of arguments for '" + spec.fullName() + "' command");
            return;
        }
        if (c.authRequired() && !spec.has(CommandFlag.NO_AUTH)) {
            spec.rejectedCalls++;
            reject(c, "NOAUTH Authentication required.");
            return;
        }
        c.setRequest(argv, spec);
        c.lastCommand(spec.fullName());
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
