package io.mnemos.command;

import io.mnemos.persistence.RdbPersistence;
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
 * Replication commands: SYNC/PSYNC of a replica (served by
 * {@link io.mnemos.replication.ReplicationMaster}) or of a client that wants the dump only
 * (REPLCONF rdb-only 1, what {@code redis-cli --rdb <file>} sends); REPLCONF; REPLICAOF, which makes
 * this server a replica ({@link io.mnemos.replication.MasterLink}) or a master again; FAILOVER, which
 * hands the master role to a replica ({@link io.mnemos.replication.Failover}).
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
        if (c.server().replication().isReplica(c)) {
            return; // a replica already syncing: ignored, as Redis does
        }
        if (c.argc() > 3 && Args.is(c.arg(3), "failover")) {
            failoverRequest(c);
        }
        refuseToSync(c);
        if (c.rdbOnly()) {
            c.server().replication().replyFullResync(c);
            sync(c);
            return;
        }
        c.server().replication().sync(c, Args.text(c.arg(1)), Args.text(c.arg(2)));
    }

    /**
     * PSYNC replid offset FAILOVER: our master hands over to us (its FAILOVER command) and becomes
     * our replica. With our replication ID we become a master (its history as our replid2, so the
     * PSYNC continues it); anything else is refused.
     */
    private static void failoverRequest(Client c) {
        if (c.server().replication().isReplica(c)) {
            return;
        }
        if (!Args.text(c.arg(1)).equals(c.server().masterReplId())) {
            throw CommandError.err("PSYNC FAILOVER replid must match my replid.");
        }
        if (c.server().isReplica()) {
            c.server().masterLink().unfollow();
            log.info("MASTER MODE enabled (failover request from '{}')", ClientCommands.describe(c));
        }
    }

    /** syncCommand: a replica serves its own replicas only while its master link is up. */
    private static void refuseToSync(Client c) {
        if (c.server().failover().active()) {
            throw new CommandError("NOMASTERLINK Can't SYNC while failing over");
        }
        if (c.server().isReplica() && !c.server().masterLink().linkUp()) {
            throw new CommandError("NOMASTERLINK Can't SYNC while not connected with my master");
        }
        // The replica's stream starts on a fresh buffer: replies to earlier pipelined commands must
        // be gone (PING and PSYNC sent together get +PONG and this).
        if (c.outputBufferBytes() > 0) {
            throw new CommandError("ERR SYNC and PSYNC are invalid with pending output");
        }
    }

    /**
     * replicaofCommand: REPLICAOF host port follows that master (+OK at once, the sync goes on in the
     * background); the same master again changes nothing; NO ONE makes a replica a master again.
     */
    private static void replicaof(Client c) {
        if (c.server().failover().active()) {
            throw CommandError.err("REPLICAOF not allowed while failing over.");
        }
        io.mnemos.replication.MasterLink link = c.server().masterLink();
        if (Args.is(c.arg(1), "no") && Args.is(c.arg(2), "one")) {
            if (c.server().isReplica()) {
                link.unfollow();
                log.info("MASTER MODE enabled (user request from '{}')", ClientCommands.describe(c));
            }
            c.reply().ok();
            return;
        }
        if (c.server().replication().isReplica(c)) {
            throw CommandError.err("Command is not valid when client is a replica.");
        }
        long port = Args.parseLong(c.arg(2), "Invalid master port");
        if (port < 0 || port > 65535) {
            throw CommandError.err("Invalid master port");
        }
        String host = Args.text(c.arg(1));
        io.mnemos.server.ServerConfig config = c.server().config();
        if (config.masterHost != null && config.masterHost.equalsIgnoreCase(host) && config.masterPort == port) {
            log.info("REPLICAOF would result into synchronization with the master we are already connected with. "
                    + "No operation performed.");
            c.reply().simple("OK Already connected to specified master");
            return;
        }
        link.follow(host, (int) port);
        log.info("REPLICAOF {}:{} enabled (user request from '{}')", host, port, ClientCommands.describe(c));
        c.reply().ok();
    }

    /**
     * failoverCommand: ABORT, or [TO host port [FORCE]] [TIMEOUT ms] parsed as Redis does; the
     * failover itself is {@link io.mnemos.replication.Failover}'s.
     */
    private static void failover(Client c) {
        io.mnemos.replication.Failover failover = c.server().failover();
        if (c.argc() == 2 && Args.is(c.arg(1), "abort")) {
            String error = failover.abortByRequest();
            if (error != null) {
                throw CommandError.err(error);
            }
            c.reply().ok();
            return;
        }
        long timeout = 0;
        boolean force = false;
        String host = null;
        long port = 0;
        for (int j = 1; j < c.argc(); j++) {
            if (Args.is(c.arg(j), "timeout") && j + 1 < c.argc() && timeout == 0) {
                timeout = Args.parseLong(c.arg(j + 1));
                if (timeout <= 0) {
                    throw CommandError.err("FAILOVER timeout must be greater than 0");
                }
                j++;
            } else if (Args.is(c.arg(j), "to") && j + 2 < c.argc() && host == null) {
                port = Args.parseLong(c.arg(j + 2));
                host = Args.text(c.arg(j + 1));
                j += 2;
            } else if (Args.is(c.arg(j), "force") && !force) {
                force = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        String error = failover.start(host, (int) port, timeout, force);
        if (error != null) {
            throw CommandError.err(error);
        }
        c.reply().ok();
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
                    // replica-announce-ip: the address INFO lists the replica under (slave_addr)
                    if (c.arg(j + 1).length >= 256) {
                        throw CommandError.err("REPLCONF ip-address provided by replica instance is too long: "
                                + c.arg(j + 1).length + " bytes");
                    }
                    c.announcedIp(Args.text(c.arg(j + 1)));
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
                case "getack" -> {
                    // Only the master asks us; the answer is an ACK with our offset (replicationSendAck).
                    if (c.master()) {
                        c.server().masterLink().sendAck();
                    }
                    return;
                }
                case "fack" -> {
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
        if (c.server().replication().isReplica(c)) {
            return;
        }
        refuseToSync(c);
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
        c.server().persistence().bgsaveForSync(ReplicationMaster.disklessTransfer(c),
                (dump, error) -> sendSavedDump(c, dump, error));
    }

    private static void sendSavedDump(Client c, RdbPersistence.SyncDump saved, String error) {
        if (c.closing() || (c.channel() != null && !c.channel().isActive())) {
            return;
        }
        if (error != null) {
            log.warn("Background saving error, closing the dump-only replica {}: {}", c.remoteAddress(), error);
            c.closeAsap();
            return;
        }
        java.nio.channels.FileChannel dump;
        long length;
        try {
            dump = saved.open();
            length = dump.size();
        } catch (IOException e) {
            log.warn("Can't open the dump for the dump-only replica {}: {}", c.remoteAddress(), e.toString());
            c.closeAsap();
            return;
        }
        ReplicationMaster.sendRdb(c, dump, length, failure -> {
            if (failure == null) {
                logSent(c, length);
            }
        });
        c.closeAfterReply();
        c.flushSoon();
    }

    private static void sendDump(Client c, byte[] dump) {
        ReplicationMaster.sendRdb(c, dump);
        c.closeAfterReply();
        c.flushSoon();
        logSent(c, dump.length);
    }

    private static void logSent(Client c, long bytes) {
        log.info("Synchronization with the dump-only replica {} succeeded ({} bytes)", c.remoteAddress(), bytes);
    }
}
