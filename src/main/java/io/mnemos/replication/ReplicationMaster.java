package io.mnemos.replication;

import io.mnemos.persistence.CommandPropagation;
import io.mnemos.persistence.RdbFile;
import io.mnemos.persistence.RdbPersistence;
import io.mnemos.protocol.RespBuffer;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The master side of Redis replication (replication.c), so that real Redis replicas can follow a
 * Mnemos server: a replica's SYNC or PSYNC gets a full resynchronization (+FULLRESYNC with this
 * server's replication ID and offset, the RDB of a BGSAVE started for it, then every write
 * propagated since the snapshot point), and from then on the replication stream: the propagated
 * commands, with SELECT where the database changes, and a PING every repl-ping-replica-period
 * seconds. Replicas acknowledge with REPLCONF ACK. Keyspace thread only.
 *
 * <p>Once a replica connected, the stream's last repl-backlog-size bytes are kept
 * ({@link ReplicationBacklog}, freed after repl-backlog-ttl seconds without replicas): a PSYNC with
 * this server's replication ID and an offset still held continues (+CONTINUE) from there.
 */
public final class ReplicationMaster implements CommandPropagation.Listener {
    private static final Logger log = LoggerFactory.getLogger(ReplicationMaster.class);
    private static final byte[] SELECT = "SELECT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] PING = {"PING".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[][] GETACK = {"REPLCONF".getBytes(StandardCharsets.US_ASCII),
            "GETACK".getBytes(StandardCharsets.US_ASCII), "*".getBytes(StandardCharsets.US_ASCII)};

    /** slave_req bits (REPLCONF rdb-filter-only): what a replica asked to leave out of its RDB. */
    public static final int EXCLUDE_DATA = 1;
    public static final int EXCLUDE_FUNCTIONS = 2;
    /** RDB_EOF_MARK_SIZE: the random mark that ends a diskless transfer. */
    private static final int EOF_MARK_SIZE = 40;

    enum State {
        /** Waiting for a BGSAVE to start (another background job runs). */
        WAIT_BGSAVE_START("wait_bgsave"),
        /** The snapshot is being written; the stream since its start is kept for the replica. */
        WAIT_BGSAVE_END("wait_bgsave"),
        ONLINE("online");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    /** A connected replica. */
    static final class Replica {
        final Client client;
        final boolean psync;
        State state = State.WAIT_BGSAVE_START;
        /** The stream since the replica's snapshot point, while its RDB is being made. */
        final RespBuffer pending = new RespBuffer(1024, Integer.MAX_VALUE);
        long ackOffset;
        long ackMillis = System.currentTimeMillis();
        /**
         * repl_start_cmd_stream_on_ack: after a diskless transfer the stream waits in {@link #pending}
         * for the replica's first REPLCONF ACK, since a replica reading up to the EOF mark could
         * otherwise take the stream's first bytes for the end of the RDB.
         */
        boolean streamOnAck;
        /**
         * INFO's state while its RDB is on its way, null after: send_bulk for a disk-based sync
         * (SLAVE_STATE_SEND_BULK), wait_bgsave for a diskless one (Redis's replicas wait for the
         * end of the child that writes to their sockets).
         */
        String transferState;

        Replica(Client client, boolean psync) {
            this.client = client;
            this.psync = psync;
        }
    }

    private static final String NO_REPLID = "0000000000000000000000000000000000000000";

    private final Server server;
    private final List<Replica> replicas = new ArrayList<>();
    /** master_replid: the history this server's stream belongs to; a master picks a random one. */
    private String replid = randomReplId();
    /** master_replid2 and second_repl_offset: the history before the last promotion (shiftReplicationId). */
    private String replid2 = NO_REPLID;
    private long secondReplOffset = -1;
    private final RespBuffer encoded = new RespBuffer(1024, 1 << 20);
    /** master_repl_offset: the bytes of replication stream produced so far. */
    private long offset;
    /** slaveseldb: the database the stream last selected (-1: SELECT before the next command). */
    private int selectedDb = -1;
    private boolean listening;
    private ReplicationBacklog backlog;
    /** When the last replica went away (repl_no_slaves_since), for repl-backlog-ttl. */
    private long noReplicasSince = System.currentTimeMillis();
    /** INFO stats sync_full, sync_partial_ok, sync_partial_err. */
    private long syncFull;
    private long syncPartialOk;
    private long syncPartialErr;
    private long lastPingMillis = System.currentTimeMillis();
    /** Clients blocked in WAIT: numreplicas and the offset their writes reached. */
    private final java.util.Map<Client, long[]> waits = new java.util.HashMap<>();

    public long syncFull() {
        return syncFull;
    }

    public long syncPartialOk() {
        return syncPartialOk;
    }

    public long syncPartialErr() {
        return syncPartialErr;
    }

    public ReplicationMaster(Server server) {
        this.server = server;
    }

    public long offset() {
        return offset;
    }

    public String replid() {
        return replid;
    }

    public String replid2() {
        return replid2;
    }

    public long secondReplOffset() {
        return secondReplOffset;
    }

    /** A new random replication ID (genRedisInfoString's 40 hex characters). */
    static String randomReplId() {
        return Server.randomHex(40);
    }

    /**
     * shiftReplicationId: a replica promoted to master keeps serving partial resyncs of the old
     * history (replid2, up to its offset) and starts a new one; the stream starts with SELECT.
     */
    void shiftReplicationId() {
        replid2 = replid;
        secondReplOffset = offset + 1;
        replid = randomReplId();
        selectedDb = -1;
        log.info("Setting secondary replication ID to {}, valid up to offset: {}. New replication ID is {}",
                replid2, secondReplOffset, replid);
    }

    /**
     * After a full resync from a master (replicationCreateMasterClient and the backlog reset of
     * readSyncBulkPayload): this server's history is the master's, at its offset; sub-replicas
     * must resync, and the backlog starts empty at that offset.
     */
    void adoptMasterHistory(String masterReplid, long masterOffset) {
        replid = masterReplid;
        replid2 = NO_REPLID;
        secondReplOffset = -1;
        offset = masterOffset;
        disconnectReplicas();
        backlog = new ReplicationBacklog(() -> configured("repl-backlog-size"), offset);
    }

    /** A replica restarted from its dump: the history it was in, to offer in its first PSYNC. */
    void adoptSavedHistory(String savedReplid, long savedOffset) {
        replid = savedReplid;
        offset = savedOffset;
    }

    /** +CONTINUE with another ID: the master was promoted, its old ID is now our second one. */
    void masterReplIdChanged(String newReplid) {
        replid2 = replid;
        secondReplOffset = offset + 1;
        replid = newReplid;
        disconnectReplicas();
    }

    /**
     * replicationFeedStreamFromMasterStream: what this replica applied of its master's stream, as it
     * came, into the backlog and to our own replicas (chained replication); the offset follows.
     */
    void feedFromMaster(byte[] bytes) {
        pruneClosed();
        long pinned = pinnedByte(offset);
        offset += bytes.length;
        if (backlog == null) {
            backlog = new ReplicationBacklog(() -> configured("repl-backlog-size"), offset - bytes.length);
        }
        backlog.append(bytes, offset, pinned);
        sendToReplicas(bytes);
    }

    /**
     * replicationUnsetMaster's part here: a new history (the old one still served as replid2), our
     * replicas reconnect to learn it, and from now on our own writes make the stream.
     */
    void promoted() {
        shiftReplicationId();
        disconnectReplicas();
        noReplicasSince = System.currentTimeMillis();
        if (backlog != null) {
            listen();
        }
    }

    /**
     * rdbPopulateSaveInfo: the aux fields repl-stream-db, repl-id and repl-offset of an RDB made
     * while this server is part of a replication chain (a master with a backlog, or a replica), so
     * that a replica loading it knows the database its master's stream has selected; else null.
     */
    public String[] rdbSaveInfo() {
        int streamDb;
        if (server.isReplica()) {
            streamDb = server.masterLink().streamDb();
        } else if (backlog != null) {
            streamDb = Math.max(selectedDb, 0);
        } else {
            return null;
        }
        return new String[]{Integer.toString(streamDb), replid, Long.toString(offset)};
    }

    /** disconnectSlaves: every replica goes and must sync again (a new master, a new history). */
    void disconnectReplicas() {
        for (Replica r : List.copyOf(replicas)) {
            drop(r);
        }
    }

    public List<Replica> replicas() {
        return replicas;
    }

    /**
     * checkGoodReplicasStatus: whether a write may run. A replica always writes (its master decides);
     * a master with min-replicas-to-write and min-replicas-max-lag set needs that many good replicas.
     */
    public boolean enoughGoodReplicas() {
        io.mnemos.server.ServerConfig config = server.config();
        return config.minReplicasToWrite == 0 || config.minReplicasMaxLag == 0 || server.isReplica()
                || goodReplicas() >= config.minReplicasToWrite;
    }

    /**
     * refreshGoodSlavesCount, counted when asked: online replicas (their RDB sent) whose last
     * REPLCONF ACK is at most min-replicas-max-lag seconds old, in whole seconds as Redis's
     * server.unixtime - repl_ack_time.
     */
    public int goodReplicas() {
        long now = System.currentTimeMillis() / 1000;
        int good = 0;
        for (Replica r : replicas) {
            if (r.state == State.ONLINE && r.transferState == null
                    && now - r.ackMillis / 1000 <= server.config().minReplicasMaxLag) {
                good++;
            }
        }
        return good;
    }

    public int connectedReplicas() {
        return (int) replicas.stream().filter(r -> r.state == State.ONLINE).count();
    }

    public boolean isReplica(Client c) {
        return find(c) != null;
    }

    /**
     * findReplica: the replica announcing {@code host} (REPLCONF ip-address, else its peer address)
     * and listening port {@code port}.
     */
    Replica find(String host, int port) {
        for (Replica r : replicas) {
            String address = r.client.announcedIp() != null ? r.client.announcedIp() : r.client.peerIp();
            if (host.equals(address) && Integer.toString(port).equals(r.client.listeningPort())) {
                return r;
            }
        }
        return null;
    }

    /** An online replica that acknowledged the whole stream, or null (a FAILOVER to any replica). */
    Replica caughtUp() {
        for (Replica r : replicas) {
            if (r.state == State.ONLINE && r.ackOffset == offset) {
                return r;
            }
        }
        return null;
    }

    private Replica find(Client c) {
        for (Replica r : replicas) {
            if (r.client == c) {
                return r;
            }
        }
        return null;
    }

    /**
     * syncCommand: a replica asks for the dataset. {@code replid}/{@code psyncOffset} are PSYNC's
     * arguments (null for SYNC): the replication ID and offset a partial resync would go on from.
     */
    public void sync(Client c, String replid, String psyncOffset) {
        log.info("Replica {} asks for synchronization", c.remoteAddress());
        if (backlog == null) {
            backlog = new ReplicationBacklog(() -> configured("repl-backlog-size"), offset);
            listen();
            log.info("Replication backlog created, my new replication IDs are '{}' and "
                    + "'{}'", replid, replid2);
        }
        Replica r = new Replica(c, replid != null);
        replicas.add(r);
        if (replid != null && continuePartially(r, replid, psyncOffset)) {
            syncPartialOk++;
            return;
        }
        if (replid != null) {
            log.info("Full resync requested by replica {}", c.remoteAddress());
            if (!replid.equals("?")) {
                syncPartialErr++; // a partial resync asked for and refused
            }
        }
        syncFull++;
        startFullSyncs();
    }

    /** PSYNC's answer when a full resync follows: this server's replication ID and offset. */
    public void replyFullResync(Client c) {
        byte[] line = ("+FULLRESYNC " + replid + " " + offset + "\r\n").getBytes(StandardCharsets.US_ASCII);
        c.reply().raw(line);
        c.uncountedOutput(line.length);
    }

    /**
     * Whether a full sync's RDB goes to this replica as a diskless transfer
     * ({@code $EOF:<mark>\r\n}, the bytes, the mark): it declared capa eof and repl-diskless-sync is
     * on or it filters the RDB (startBgsaveForReplication's socket target); else it is sent as a
     * disk-based sync sends the file ({@code $<length>\r\n} and the bytes, no CRLF).
     */
    public static boolean disklessTransfer(Client c) {
        return c.capaEof() && (c.server().config().option("repl-diskless-sync").get().equals("yes")
                || (c.replicaRequirements() & (EXCLUDE_DATA | EXCLUDE_FUNCTIONS)) != 0);
    }

    /** A full sync's RDB held in memory, framed for this replica (see {@link #disklessTransfer}). */
    public static void sendRdb(Client c, byte[] dump) {
        sendRdb(c, dump.length, () -> c.reply().raw(dump));
    }

    /**
     * A full sync's RDB sent from the dump file ({@link Client#sendFile}, which closes it), framed
     * for this replica; {@code whenSent} learns when its bytes went out.
     */
    public static void sendRdb(Client c, FileChannel dump, long length, Consumer<Throwable> whenSent) {
        sendRdb(c, length, () -> c.sendFile(dump, length, whenSent));
    }

    private static void sendRdb(Client c, long length, Runnable body) {
        if (disklessTransfer(c)) {
            byte[] mark = Server.randomHex(EOF_MARK_SIZE).getBytes(StandardCharsets.US_ASCII);
            c.reply().raw("$EOF:".getBytes(StandardCharsets.US_ASCII));
            c.reply().raw(mark);
            c.reply().raw("\r\n".getBytes(StandardCharsets.US_ASCII));
            body.run();
            c.reply().raw(mark);
        } else {
            c.reply().raw(("$" + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            body.run();
        }
    }

    /**
     * The RDB of a replica that asked for no keys (REPLCONF rdb-filter-only): the function libraries
     * if it included them, else nothing (an empty filter asks for an empty RDB). Null when it wants
     * the keys.
     */
    public static byte[] dumpWithoutKeys(Client c) {
        int requirements = c.replicaRequirements();
        if ((requirements & EXCLUDE_DATA) == 0) {
            return null;
        }
        List<byte[]> functions = (requirements & EXCLUDE_FUNCTIONS) != 0 ? List.of()
                : c.server().scripting().functions().codes();
        return RdbFile.withoutKeys(c.server().config().rdb, c.server().usedMemory(), functions);
    }

    /**
     * masterTryPartialResynchronization: our ID (or the one before our promotion, up to the offset
     * where it ended) and an offset the backlog still holds.
     */
    private boolean continuePartially(Replica r, String asked, String psyncOffset) {
        Long from = io.mnemos.util.Numbers.string2ll(psyncOffset.getBytes(StandardCharsets.US_ASCII));
        boolean ours = asked.equals(replid) || asked.equals(replid2) && from != null && from <= secondReplOffset;
        if (!ours || from == null || !backlog.covers(from, offset)) {
            return false;
        }
        byte[] missed = backlog.since(from, offset);
        byte[] line = ("+CONTINUE " + replid + "\r\n").getBytes(StandardCharsets.US_ASCII);
        r.client.reply().raw(line);
        r.client.uncountedOutput(line.length);
        r.client.reply().raw(missed);
        r.client.flushSoon();
        r.state = State.ONLINE;
        log.info("Partial resynchronization request from {} accepted. Sending {} bytes of backlog starting "
                + "from offset {}.", r.client.remoteAddress(), missed.length, from);
        return true;
    }

    private void listen() {
        if (!listening) {
            server.propagation().addListener(this);
            listening = true;
        }
    }

    long configured(String option) {
        return Long.parseLong(server.config().option(option).get());
    }

    /**
     * INFO memory's mem_replication_backlog, mem_total_replication_buffers and mem_clients_slaves,
     * split as Redis's getMemoryOverheadData splits its shared replication buffer: beyond
     * repl-backlog-size, with replicas connected, the excess counts as theirs.
     */
    public long[] replicationBufferMemory() {
        if (backlog == null) {
            return new long[]{0, 0, 0};
        }
        long total = backlog.bufferMemory();
        long size = backlog.size();
        long replicasPart = !replicas.isEmpty() && total > size ? total - size : 0;
        return new long[]{total - replicasPart + backlog.indexMemory(), total, replicasPart};
    }

    /** INFO replication's repl_backlog_* fields: active, size, first byte offset, histlen. */
    public long[] backlogInfo() {
        return backlog == null ? new long[]{0, configured("repl-backlog-size"), 0, 0}
                : new long[]{1, backlog.size(), backlog.firstByteOffset(offset), backlog.histlen()};
    }

    /**
     * Starts the BGSAVE of the replicas waiting for one, unless another background job runs (the
     * cron tries again). The replicas' stream starts at the snapshot point, taken here.
     */
    private void startFullSyncs() {
        if (replicas.stream().noneMatch(r -> r.state == State.WAIT_BGSAVE_START)
                || server.backgroundJobActive()) {
            return;
        }
        listen();
        selectedDb = -1; // a new stream starts with SELECT
        for (Replica r : replicas) {
            if (r.state == State.WAIT_BGSAVE_START) {
                r.state = State.WAIT_BGSAVE_END;
                if (r.psync) {
                    replyFullResync(r.client);
                    r.client.flushSoon();
                }
            }
        }
        // startBgsaveForReplication: for the sockets when every replica takes a diskless transfer.
        boolean sockets = replicas.stream().filter(r -> r.state == State.WAIT_BGSAVE_END)
                .allMatch(r -> disklessTransfer(r.client));
        log.info("Starting BGSAVE for SYNC with target: {}", sockets ? "replicas sockets" : "disk");
        server.persistence().bgsaveForSync(sockets, this::snapshotDone);
    }

    /**
     * The BGSAVE ended: each replica waiting for it gets the file (sent from disk, outside its output
     * buffer), then the stream kept for it: at once behind the file in a disk-based sync, after its
     * first REPLCONF ACK in a diskless one.
     */
    private void snapshotDone(RdbPersistence.SyncDump snapshot, String error) {
        List<Replica> waiting = replicas.stream().filter(r -> r.state == State.WAIT_BGSAVE_END).toList();
        for (Replica r : waiting) {
            if (error != null) {
                log.warn("SYNC failed. BGSAVE child returned an error: {}", error);
                drop(r);
                continue;
            }
            boolean diskless = disklessTransfer(r.client);
            byte[] withoutKeys = dumpWithoutKeys(r.client);
            if (withoutKeys != null) {
                sendRdb(r.client, withoutKeys);
            } else {
                FileChannel dump;
                long length;
                try {
                    dump = snapshot.open();
                    length = dump.size();
                } catch (IOException e) {
                    log.warn("SYNC failed. Can't open the dump: {}", e.toString());
                    drop(r);
                    continue;
                }
                r.transferState = diskless ? State.WAIT_BGSAVE_END.info : "send_bulk";
                sendRdb(r.client, dump, length, failure -> transferred(r, diskless, failure));
            }
            r.state = State.ONLINE;
            r.ackMillis = System.currentTimeMillis();
            if (diskless) {
                r.streamOnAck = true;
            } else {
                startStream(r);
            }
            r.client.flushSoon();
            if (withoutKeys != null) {
                transferred(r, diskless, null);
            }
        }
        startFullSyncs(); // replicas that arrived during this BGSAVE need a snapshot of their own
    }

    /** A replica's RDB went out (or its connection failed meanwhile, which pruneClosed reports). */
    private static void transferred(Replica r, boolean diskless, Throwable failure) {
        r.transferState = null;
        if (failure != null) {
            return;
        }
        if (diskless) {
            log.info("Streamed RDB transfer with replica {} succeeded (socket). Waiting for REPLCONF ACK "
                    + "from replica to enable streaming", r.client.remoteAddress());
        } else {
            log.info("Synchronization with replica {} succeeded", r.client.remoteAddress());
        }
    }

    /** The stream kept since the replica's snapshot point, then the live stream from here on. */
    private static void startStream(Replica r) {
        r.streamOnAck = false;
        if (r.pending.length() > 0) {
            r.client.reply().raw(r.pending.toByteArray());
        }
        r.pending.clear();
    }

    @Override
    public boolean feedsReplicas() {
        return true;
    }

    @Override
    public void propagate(int db, byte[][] argv) {
        feed(db, argv);
    }

    /**
     * replicationFeedSlaves: one command into the stream (after a SELECT if its database differs;
     * {@code db} -1 for PING and GETACK, which need none), the backlog and every replica.
     */
    private void feed(int db, byte[][] argv) {
        // A replica's stream is its master's, fed by feedFromMaster: what it executes itself, and
        // PINGs or GETACKs of its own, are not fed to its replicas (replicationFeedSlaves returns).
        if (server.isReplica()) {
            return;
        }
        pruneClosed();
        if (replicas.isEmpty() && backlog == null) {
            return;
        }
        encoded.clear();
        if (db >= 0 && db != selectedDb) {
            encoded.command(new byte[][]{SELECT, Integer.toString(db).getBytes(StandardCharsets.US_ASCII)});
            selectedDb = db;
        }
        encoded.command(argv);
        byte[] bytes = encoded.toByteArray();
        if (backlog != null) {
            appendToBacklog(bytes, argv);
        }
        offset += bytes.length;
        sendToReplicas(bytes);
    }

    /**
     * replicationFeedSlaves' pieces: a SELECT in one, then the command's multibulk header, and for
     * each argument its length line, its bytes and its CRLF, each fed (and the backlog trimmed)
     * on its own, as Redis does, so that the blocks fill and go as Redis's.
     */
    private void appendToBacklog(byte[] bytes, byte[][] argv) {
        long pinned = pinnedByte(offset);
        long end = offset;
        int at = (int) (bytes.length - io.mnemos.protocol.RespBuffer.commandLength(argv));
        if (at > 0) {
            backlog.append(bytes, 0, at, end += at, pinned);
        }
        int header = 3 + digits(argv.length);
        backlog.append(bytes, at, header, end += header, pinned);
        at += header;
        for (byte[] arg : argv) {
            int lengthLine = 3 + digits(arg.length);
            backlog.append(bytes, at, lengthLine, end += lengthLine, pinned);
            at += lengthLine;
            backlog.append(bytes, at, arg.length, end += arg.length, pinned);
            at += arg.length;
            backlog.append(bytes, at, 2, end += 2, pinned);
            at += 2;
        }
    }

    private static int digits(int n) {
        return Integer.toString(n).length();
    }

    /**
     * The oldest stream byte a replica still refers to a backlog block for, with the stream ending
     * at {@code streamEnd} (Long.MAX_VALUE with none): Redis's replicas read the stream from the
     * shared replication buffer, so the block of the next byte one is to be sent (or of the last
     * one it was sent, once it has them all) cannot be trimmed. A replica waiting for its snapshot
     * to start refers to none yet.
     */
    private long pinnedByte(long streamEnd) {
        long pinned = Long.MAX_VALUE;
        for (Replica r : replicas) {
            if (r.state == State.WAIT_BGSAVE_START) {
                continue;
            }
            boolean streaming = r.state == State.ONLINE && !r.streamOnAck;
            long unsent = streaming ? r.client.outputBufferBytes() : r.pending.length();
            pinned = Math.min(pinned, unsent > 0 ? streamEnd - unsent + 1 : streaming ? streamEnd : streamEnd + 1);
        }
        return pinned;
    }

    /**
     * The replicas' output went out (beforeSleep's writes): as Redis's writeToClient moving a
     * replica on to the next block, the blocks it no longer refers to may be trimmed.
     */
    public void replicasWritten() {
        if (backlog != null && !replicas.isEmpty()) {
            backlog.trim(offset, pinnedByte(offset));
        }
    }

    /** Stream bytes to the online replicas, and kept for those whose RDB is being made. */
    private void sendToReplicas(byte[] bytes) {
        for (Replica r : replicas) {
            if (r.state == State.ONLINE && !r.streamOnAck) {
                r.client.reply().raw(bytes);
                r.client.flushSoon();
                // client-output-buffer-limit replica: a replica too far behind is disconnected.
                io.mnemos.server.OutputBufferLimits.closeIfReached(r.client);
            } else if (r.state == State.WAIT_BGSAVE_END || r.streamOnAck) {
                r.pending.raw(bytes);
            }
        }
    }

    /** REPLCONF ACK offset from a replica: WAITs it satisfies are answered. */
    public void ack(Client c, long replicaOffset) {
        Replica r = find(c);
        if (r == null) {
            return;
        }
        r.ackOffset = replicaOffset;
        r.ackMillis = System.currentTimeMillis();
        server.failover().update(r.ackMillis);
        if (r.streamOnAck) {
            startStream(r);
            r.client.flushSoon();
        }
        for (Client waiting : List.copyOf(waits.keySet())) {
            long[] w = waits.get(waiting);
            int acked = ackedAtLeast(w[1]);
            if (acked >= w[0]) {
                waits.remove(waiting);
                server.blockedClients().unblock(waiting,
                        (t, b) -> server.dispatcher().answerBlocked(t, b, () -> t.reply().integer(acked)));
            }
        }
    }

    /** replicationCountAcksByOffset: replicas that acknowledged at least {@code target}. */
    public int ackedAtLeast(long target) {
        int n = 0;
        for (Replica r : replicas) {
            if (r.state == State.ONLINE && r.ackOffset >= target) {
                n++;
            }
        }
        return n;
    }

    /**
     * A WAIT blocks until {@code numreplicas} replicas acknowledged {@code target}: the replicas are
     * asked for an acknowledgement at once (REPLCONF GETACK, in the stream).
     */
    public void await(Client c, long numreplicas, long target) {
        waits.put(c, new long[]{numreplicas, target});
        requestAcks();
    }

    /** sendGetackToReplicas: REPLCONF GETACK down the stream, each replica answers with its offset. */
    public void requestAcks() {
        if (connectedReplicas() > 0) {
            feed(-1, GETACK);
        }
    }

    /** A WAIT timed out (or was unblocked): how many replicas got there. */
    public int waitEnded(Client c) {
        long[] w = waits.remove(c);
        return w == null ? 0 : ackedAtLeast(w[1]);
    }

    /**
     * replicationCron: PINGs the replicas every repl-ping-replica-period seconds (in the stream, so
     * they see the link alive), drops replicas whose connection closed and starts pending syncs.
     */
    public void cron(long now) {
        pruneClosed();
        server.failover().update(now);
        if (replicas.isEmpty()) {
            // repl-backlog-ttl seconds without replicas: the backlog goes (0 = kept for ever).
            long ttl = configured("repl-backlog-ttl");
            // A replica keeps its backlog: it may be promoted and serve partial resyncs then.
            if (backlog != null && ttl > 0 && now - noReplicasSince > ttl * 1000 && !server.isReplica()) {
                log.info("Replication backlog freed after {} seconds without connected replicas.", ttl);
                backlog = null;
                server.propagation().removeListener(this);
                listening = false;
            }
            return;
        }
        startFullSyncs();
        long period = configured("repl-ping-replica-period") * 1000;
        // No PING while a FAILOVER waits for a replica to acknowledge our offset (it would move it).
        if (now - lastPingMillis >= period && !server.failover().active()) {
            lastPingMillis = now;
            feed(-1, PING);
        }
    }

    private void pruneClosed() {
        waits.keySet().removeIf(c -> c.channel() != null && !c.channel().isActive());
        replicas.removeIf(r -> {
            boolean gone = r.client.closing() || (r.client.channel() != null && !r.client.channel().isActive());
            if (gone) {
                log.info("Connection with replica {} lost.", r.client.remoteAddress());
            }
            return gone;
        });
        if (replicas.isEmpty() && noReplicasSince == 0) {
            noReplicasSince = System.currentTimeMillis();
        } else if (!replicas.isEmpty()) {
            noReplicasSince = 0;
        }
    }

    private void drop(Replica r) {
        replicas.remove(r);
        r.client.closeAsap();
    }

    /** INFO replication's slave<N> lines and ROLE's entries: ip, port, state, offset, lag. */
    public record ReplicaInfo(String ip, String port, String state, long offset, long lagSeconds) {
    }

    public List<ReplicaInfo> describe() {
        long now = System.currentTimeMillis();
        List<ReplicaInfo> out = new ArrayList<>();
        for (Replica r : replicas) {
            String ip = r.client.announcedIp() != null ? r.client.announcedIp()
                    : r.client.peerIp() == null ? "?" : r.client.peerIp();
            String state = r.transferState != null ? r.transferState : r.state.info;
            out.add(new ReplicaInfo(ip, r.client.listeningPort(), state, r.ackOffset,
                    (now - r.ackMillis) / 1000));
        }
        return out;
    }
}
