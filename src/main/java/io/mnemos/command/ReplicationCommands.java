package io.mnemos.command;

import io.mnemos.persistence.RdbFile;
import io.mnemos.protocol.InlineSplitter;
import io.mnemos.replication.ReplicationMaster;
import io.mnemos.server.Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.ALLOW_BUSY;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_ASYNC_LOADING;
import static io.mnemos.command.CommandFlag.NO_MULTI;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;
import static io.mnemos.replication.ReplicationMaster.EXCLUDE_DATA;
import static io.mnemos.replication.ReplicationMaster.EXCLUDE_FUNCTIONS;

/**
 * Replication commands of a master: SYNC/PSYNC of a replica (served by
 * {@link io.mnemos.replication.ReplicationMaster}) or of a client that wants the dump only
 * (REPLCONF rdb-only 1, what {@code redis-cli --rdb <file>} sends); REPLCONF; REPLICAOF NO ONE and
 * FAILOVER as a master that never becomes a replica answers them.
 */
public final class ReplicationCommands implements CommandFamily {
    private static final Logger log = LoggerFactory.getLogger(ReplicationCommands.class);

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("replconf", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, ALLOW_BUSY)
                        .categories("admin", "dangerous").group("server").since("3.0.0")
                        .summary("An internal command for configuring the replication stream").complexity("O(1)")
                        .handler(ReplicationCommands::replconf).build(),
                command("sync", 1).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI)
                        .categories("admin", "dangerous").group("server").since("1.0.0")
                        .summary("Internal command used for replication")
                        .handler(ReplicationCommands::sync).build(),
                command("psync", -3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, NO_MULTI)
                        .categories("admin", "dangerous").group("server").since("2.8.0")
                        .summary("Internal command used for replication")
                        .handler(ReplicationCommands::psync).build(),
                command("replicaof", 3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING).group("server")
                        .since("5.0.0").handler(ReplicationCommands::replicaof).build(),
                command("slaveof", 3).flags(ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING).group("server")
                        .since("1.0.0").handler(ReplicationCommands::replicaof).build(),
                command("failover", -1).flags(ADMIN, NOSCRIPT, STALE).group("server").since("6.2.0")
                        .handler(ReplicationCommands::failover).build());
    }

    /**
     * PSYNC replid offset: a replica's (a partial resync when the backlog still holds the offset,
     * else a full one), or a dump-only client's, which gets a +FULLRESYNC line before its file.
     */
    private static void psync(Client c) {
        if (c.rdbOnly()) {
            c.server().replication().replyFullResync(c);
            sync(c);
            return;
        }
        c.server().replication().sync(c, Args.text(c.arg(1)), Args.text(c.arg(2)));
    }

    /**
     * replicaofCommand: NO ONE is what a master answers +OK to (Mnemos always is one); making it a
     * replica is refused after Redis's port check, since Mnemos cannot follow a master.
     */
    private static void replicaof(Client c) {
        if (Args.is(c.arg(1), "no") && Args.is(c.arg(2), "one")) {
            c.reply().ok();
            return;
        }
        long port = Args.parseLong(c.arg(2), "Invalid master port");
        if (port < 0 || port > 65535) {
            throw CommandError.err("Invalid master port");
        }
        throw CommandError.err("Mnemos does not replicate: REPLICAOF NO ONE is the only form it takes");
    }

    /**
     * failoverCommand for a master without replicas: ABORT finds no failover in progress; anything
     * else is parsed as Redis does and then needs a replica Mnemos never has.
     */
    private static void failover(Client c) {
        if (c.argc() == 2 && Args.is(c.arg(1), "abort")) {
            throw CommandError.err("No failover in progress.");
        }
        long timeout = 0;
        boolean force = false;
        boolean host = false;
        for (int j = 1; j < c.argc(); j++) {
            if (Args.is(c.arg(j), "timeout") && j + 1 < c.argc() && timeout == 0) {
                timeout = Args.parseLong(c.arg(j + 1));
                if (timeout <= 0) {
                    throw CommandError.err("FAILOVER timeout must be greater than 0");
                }
                j++;
            } else if (Args.is(c.arg(j), "to") && j + 2 < c.argc() && !host) {
                Args.parseLong(c.arg(j + 2));
                host = true;
                j += 2;
            } else if (Args.is(c.arg(j), "force") && !force) {
                force = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (c.server().replication().connectedReplicas() == 0) {
            throw CommandError.err("FAILOVER requires connected replicas.");
        }
        throw CommandError.err("Mnemos does not fail over to a replica: promote it with REPLICAOF NO ONE");
    }

    /** replconfCommand: option/value pairs; acks get no reply, anything else +OK. */
    private static void replconf(Client c) {
        if (c.argc() % 2 == 0) {
            throw CommandError.SYNTAX;
        }
        for (int j = 1; j < c.argc(); j += 2) {
            String option = Args.text(c.arg(j)).toLowerCase(java.util.Locale.ROOT);
            switch (option) {
                case "listening-port" -> c.listeningPort(Long.toString(Args.parseLong(c.arg(j + 1))));
                case "ip-address" -> {
                    // accepted: Mnemos lists a replica under its connection's own address
                }
                case "capa" -> {
                    if (Args.is(c.arg(j + 1), "eof")) {
                        c.capaEof(true); // psync2, the other capability, needs nothing of a master
                    }
                }
                case "rdb-filter-only" -> rdbFilterOnly(c, c.arg(j + 1));
                case "ack" -> {
                    // A replica's acknowledgement (with FACK, its fsynced offset) is never answered.
                    Long acked = Args.parseLongOrNull(c.arg(j + 1));
                    if (acked != null) {
                        c.server().replication().ack(c, acked);
                    }
                    return;
                }
                case "fack", "getack" -> {
                    return; // never answered either
                }
                case "rdb-only" -> {
                    long v = Args.parseLong(c.arg(j + 1));
                    if (v < 0 || v > 1) {
                        throw CommandError.err("value is out of range, value must between 0 and 1");
                    }
                    c.rdbOnly(v == 1);
                }
                default -> throw CommandError.err("Unrecognized REPLCONF option: " + Args.text(c.arg(j)));
            }
        }
        c.reply().ok();
    }

    /**
     * REPLCONF rdb-filter-only: the "include" filters of the replica's RDB, split as sdssplitargs
     * does. Any filter list leaves the keys out; "functions" (the only filter there is) keeps the
     * function libraries. As in Redis, what was set before an unsupported filter stays set.
     */
    private static void rdbFilterOnly(Client c, byte[] value) {
        byte[][] filters = InlineSplitter.split(value);
        if (filters == null) {
            throw CommandError.err("Missing rdb-filter-only values");
        }
        c.replicaRequirements(c.replicaRequirements() | EXCLUDE_DATA | EXCLUDE_FUNCTIONS);
        for (byte[] f : filters) {
            if (!Args.is(f, "functions")) {
                throw CommandError.err("Unsupported rdb-filter-only option: " + Args.text(f));
            }
            c.replicaRequirements(c.replicaRequirements() & ~EXCLUDE_FUNCTIONS);
        }
    }

    /**
     * SYNC of a dump-only client: a BGSAVE, then the file as {@code $<length>\r\n<bytes>}, then close.
     * With rdb-filter-only the keys are left out, so the file is made in memory at once.
     */
    private static void sync(Client c) {
        if (!c.rdbOnly()) {
            c.server().replication().sync(c, null, null);
            return;
        }
        log.info("Replica {} asks for synchronization (dump only)", c.remoteAddress());
        byte[] withoutKeys = ReplicationMaster.dumpWithoutKeys(c);
        if (withoutKeys != null) {
            sendDump(c, withoutKeys);
            return;
        }
        c.server().persistence().bgsaveForSync(error -> sendSavedDump(c, error));
    }

    private static void sendSavedDump(Client c, String error) {
        if (c.closing() || (c.channel() != null && !c.channel().isActive())) {
            return;
        }
        if (error != null) {
            log.warn("Background saving error, closing the dump-only replica {}: {}", c.remoteAddress(), error);
            c.closeAsap();
            return;
        }
        byte[] dump;
        try {
            dump = c.server().persistence().readDump();
        } catch (IOException | OutOfMemoryError e) {
            log.warn("Can't read the dump for the dump-only replica {}: {}", c.remoteAddress(), e.toString());
            c.closeAsap();
            return;
        }
        sendDump(c, dump);
    }

    private static void sendDump(Client c, byte[] dump) {
        ReplicationMaster.sendRdb(c, dump);
        c.closeAfterReply();
        c.flushSoon();
        log.info("Synchronization with the dump-only replica {} succeeded ({} bytes)", c.remoteAddress(), dump.length);
    }
}
