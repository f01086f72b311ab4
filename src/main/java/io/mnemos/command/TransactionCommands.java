package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Transaction;
import io.mnemos.server.WatchedKeys;

import java.util.List;

import static io.mnemos.command.CommandFlag.ALLOW_BUSY;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.SKIP_SLOWLOG;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * MULTI EXEC DISCARD WATCH UNWATCH, as Redis 7.0's multi.c. The dispatcher queues the commands of
 * a client in MULTI (answering +QUEUED) and flags the transaction when it rejects one; the keyspace
 * side of WATCH is {@link WatchedKeys}, touched by the dispatcher for every modified key and by
 * the keyspace for expired, flushed and swapped keys.
 */
public final class TransactionCommands implements CommandFamily {
    private static final CommandError EXEC_ABORT =
            new CommandError("EXECABORT Transaction discarded because of previous errors.");

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("multi", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).group("transactions")
                        .since("1.2.0").summary("Mark the start of a transaction block").complexity("O(1)")
                        .handler(TransactionCommands::multi).build(),
                command("exec", 1).flags(NOSCRIPT, LOADING, STALE, SKIP_SLOWLOG).group("transactions")
                        .since("1.2.0").summary("Execute all commands issued after MULTI")
                        .complexity("Depends on commands in the transaction")
                        .handler(TransactionCommands::exec).build(),
                command("discard", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).group("transactions")
                        .since("2.0.0").summary("Discard all commands issued after MULTI")
                        .complexity("O(N), when N is the number of queued commands")
                        .handler(TransactionCommands::discard).build(),
                command("watch", -2).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).keys(1, -1, 1)
                        .group("transactions").since("2.2.0")
                        .summary("Watch the given keys to determine execution of the MULTI/EXEC block")
                        .complexity("O(1) for every key.")
                        .handler(TransactionCommands::watch).build(),
                command("unwatch", 1).flags(NOSCRIPT, LOADING, STALE, FAST, ALLOW_BUSY).group("transactions")
                        .since("2.2.0").summary("Forget about all watched keys").complexity("O(1)")
                        .handler(TransactionCommands::unwatch).build());
    }

    /** The commands a client in MULTI runs at once instead of queuing (processCommand's list). */
    static boolean runsInMulti(CommandSpec spec) {
        return switch (spec.fullName()) {
            case "exec", "discard", "multi", "watch", "quit", "reset" -> true;
            default -> false;
        };
    }

    /**
     * Whether a queued command is one the test accepts (Redis's mstate.cmd_flags): a DENYOOM one
     * makes EXEC a command that may grow memory, a WRITE one a write (MISCONF), a WRITE or
     * MAY_REPLICATE one a write for CLIENT PAUSE WRITE.
     */
    static boolean queuesAny(Client c, java.util.function.Predicate<Transaction.Queued> test) {
        for (Transaction.Queued q : c.transaction().queued()) {
            if (test.test(q)) {
                return true;
            }
        }
        return false;
    }

    /** Redis's discardTransaction: the queue and the dirty flags go, and so do the watches. */
    public static void discardTransaction(Client c) {
        c.transaction().clear();
        c.server().watchedKeys().unwatchAll(c);
    }

    private static void multi(Client c) {
        if (c.inMulti()) {
            throw CommandError.err("MULTI calls can not be nested");
        }
        c.transaction().begin();
        c.reply().ok();
    }

    private static void exec(Client c) {
        Transaction t = c.transaction();
        if (!t.active()) {
            throw CommandError.err("EXEC without MULTI");
        }
        WatchedKeys watches = c.server().watchedKeys();
        if (watches.watchedKeyExpired(c)) {
            t.dirtyCas(true);
        }
        if (t.dirtyCas() || t.dirtyExec()) {
            boolean abort = t.dirtyExec();
            discardTransaction(c);
            if (abort) {
                throw EXEC_ABORT;
            }
            c.reply().nullArray();
            return;
        }
        watches.unwatchAll(c);
        byte[][] execArgv = c.argv();
        CommandSpec execSpec = c.command();
        List<Transaction.Queued> queued = List.copyOf(t.queued());
        CommandDispatcher dispatcher = c.server().dispatcher();
        c.reply().arrayHeader(queued.size());
        t.execArgv(execArgv);
        try {
            for (Transaction.Queued q : queued) {
                // ACL rules may have changed since the command was queued (execCommand checks again).
                String denied = AclGuard.execDenied(c, q.spec(), q.argv());
                if (denied != null) {
                    c.server().recordError(denied);
                    c.reply().error(denied);
                    continue;
                }
                dispatcher.call(c, q.spec(), q.argv());
            }
        } finally {
            t.execArgv(null);
            c.setRequest(execArgv, execSpec);
            discardTransaction(c);
        }
    }

    private static void discard(Client c) {
        if (!c.inMulti()) {
            throw CommandError.err("DISCARD without MULTI");
        }
        discardTransaction(c);
        c.reply().ok();
    }

    private static void watch(Client c) {
        if (c.inMulti()) {
            throw CommandError.err("WATCH inside MULTI is not allowed");
        }
        if (!c.transaction().dirtyCas()) {
            for (int j = 1; j < c.argc(); j++) {
                c.server().watchedKeys().watch(c, c.db(), c.arg(j));
            }
        }
        c.reply().ok();
    }

    private static void unwatch(Client c) {
        c.server().watchedKeys().unwatchAll(c);
        c.transaction().dirtyCas(false);
        c.reply().ok();
    }
}
