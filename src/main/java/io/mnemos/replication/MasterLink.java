package io.mnemos.replication;

import io.mnemos.persistence.RdbFormatException;
import io.mnemos.protocol.ProtocolException;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.protocol.RespBuffer;
import io.mnemos.protocol.RespRequestDecoder;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.NetUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The replica side of Redis replication (replication.c's connectWithMaster, syncWithMaster,
 * readSyncBulkPayload and replicationCron): REPLICAOF host port (or replicaof in the config) makes
 * this server follow a master. The link is a Netty client channel on the keyspace event loop, so
 * nothing here ever blocks it: the handshake (PING, AUTH with masterauth, REPLCONF listening-port
 * and capa, PSYNC with the replication ID and offset we hold) advances as the master's replies
 * arrive; +FULLRESYNC is followed by the RDB ({@code $<length>} or the diskless {@code $EOF:<mark>}
 * form), loaded after emptying the dataset; +CONTINUE keeps the data. From then on the master's
 * stream is executed by the master client ({@link Client#markMaster}): no replies, except
 * REPLCONF GETACK's ACK, and an ACK every second. A link that breaks or times out (repl-timeout) is
 * connected again every second with PSYNC of what was applied, so a partial resync can continue it.
 * Keyspace thread only.
 */
public final class MasterLink {
    private static final Logger log = LoggerFactory.getLogger(MasterLink.class);
    /** CONFIG_RUN_ID_SIZE: the length of a replication ID. */
    private static final int REPLID_SIZE = 40;
    /** shared.roslaveerr. */
    public static final String READONLY = "READONLY You can't write against a read only replica.";

    /** server.repl_state; ROLE shows the names (every handshake step as "handshake"). */
    enum State {
        NONE("none"), CONNECT("connect"), CONNECTING("connecting"), HANDSHAKE("handshake"),
        TRANSFER("sync"), CONNECTED("connected");

        final String role;

        State(String role) {
            this.role = role;
        }
    }

    /** The handshake replies still expected, in the order the commands went out. */
    private enum Expect { PING, AUTH, PORT, IP, CAPA, PSYNC }

    private final Server server;
    private State state = State.NONE;
    private final ArrayDeque<Expect> expected = new ArrayDeque<>();
    /** Each connection attempt's number: events of an abandoned channel are ignored. */
    private int attempt;
    private Channel channel;
    /** Handshake lines not complete yet. */
    private ByteBuf lines;
    /** The master client once the link is up; null otherwise. */
    private Client master;
    /** The database the master client had selected, kept for a partial resync (cached master). */
    private int cachedDb;
    private RespRequestDecoder decoder;
    /** What the master client applied inside a MULTI not yet executed (reploff waits for EXEC). */
    private final RespBuffer unapplied = new RespBuffer(256, 1 << 20);
    private final RespBuffer encoded = new RespBuffer(256, 1 << 20);
    /** Requests held while CLIENT PAUSE postpones the master client. */
    private final ArrayDeque<byte[][]> held = new ArrayDeque<>();
    /** read_reploff: the stream bytes received so far (applied or not). */
    private long readOffset;
    /** +FULLRESYNC's replication ID and offset, for once the RDB is loaded. */
    private String fullSyncReplid;
    private long fullSyncOffset;
    /** The RDB being received, null until its bulk header came. */
    private RdbTransfer transfer;
    /** repl_transfer_lastio: the last bytes from the master while connecting or syncing. */
    private long transferLastIo;
    /** repl_down_since: when the link went down (0: never up, or up now). */
    private long downSince;
    private long lastCron;

    public MasterLink(Server server) {
        this.server = server; // created with the server: its configuration is read when needed
    }

    private ServerConfig config() {
        return server.config();
    }

    /** server.masterhost != NULL. */
    public boolean replica() {
        return config().masterHost != null;
    }

    /** A read-only replica (replica-read-only yes) takes writes from its master (or the AOF) only. */
    public boolean refusesWritesOf(Client c) {
        return readOnlyReplica() && !c.mustObey();
    }

    private boolean readOnlyReplica() {
        return replica() && option("replica-read-only").equals("yes");
    }

    /** master_link_status:up. */
    public boolean linkUp() {
        return state == State.CONNECTED;
    }

    /** At startup: a replicaof of the config file connects as REPLICAOF would. */
    public void startup() {
        server.keyspace().replicaKeysWithExpire()
                .writableWhen(() -> replica() && !readOnlyReplica());
        if (replica()) {
            server.keyspace().replicaExpiry(true);
            state = State.CONNECT;
            connect();
        }
    }

    /**
     * replicationSetMaster: follow {@code host:port} from now on. The data stays until a full
     * resync replaces it; our own history (replication ID and offset) is what PSYNC offers first.
     */
    public void follow(String host, int port) {
        if (!replica()) {
            log.info("Before turning into a replica, using my own master parameters to synthesize a cached "
                    + "master: I may be able to synchronize with the new master with just a partial transfer.");
            cachedDb = 0; // replicationCacheMasterUsingMyself: a stream continued from us starts with SELECT
        }
        config().masterHost = host;
        config().masterPort = port;
        server.keyspace().replicaExpiry(true);
        disconnectBlockedClients();
        dropMaster();
        cancelHandshake();
        state = State.CONNECT;
        connect();
    }

    /**
     * disconnectAllBlockedClients: what blocked clients wait for may never come on a replica; they
     * get an error and their connection closes (clients held by CLIENT PAUSE are left alone).
     */
    private void disconnectBlockedClients() {
        for (Client c : List.copyOf(server.clients().all())) {
            if (c.blocked()) {
                server.blockedClients().unblock(c, (t, b) -> server.dispatcher().answerBlockedWithError(t, b,
                        "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"));
                c.closeAfterReply();
                c.flushSoon();
            }
        }
    }

    /** replicationUnsetMaster (REPLICAOF NO ONE): a master again, with the data and a new history. */
    public void unfollow() {
        if (!replica()) {
            return;
        }
        config().masterHost = null;
        config().masterPort = 0;
        server.keyspace().replicaExpiry(false);
        dropMaster();
        cancelHandshake();
        state = State.NONE;
        downSince = 0;
        server.replication().promoted();
    }

    /**
     * loadDataFromDisk: a replica restarted from its dump continues the history the dump was made
     * in (its repl-id and repl-offset, the stream's database), so its master can answer the first
     * PSYNC with +CONTINUE rather than a full resync.
     *
     * @param saved repl-stream-db, repl-id and repl-offset as the dump had them (null when absent)
     */
    public void restoreSavedHistory(String[] saved) {
        Long offset = saved[2] == null ? null : io.mnemos.util.Numbers.strtollWhole(saved[2]);
        if (!replica() || saved[1] == null || saved[1].length() != REPLID_SIZE || offset == null) {
            return;
        }
        server.replication().adoptSavedHistory(saved[1], offset);
        Long db = saved[0] == null ? null : io.mnemos.util.Numbers.strtollWhole(saved[0]);
        cachedDb = db == null || db < 0 || db >= server.keyspace().count() ? 0 : db.intValue();
        log.info("Replication history {}:{} restored from the dump: a partial resynchronization may continue it",
                saved[1], offset);
    }

    // ------------------------------------------------------------------ connecting

    /** connectWithMaster: a non-blocking connect on the keyspace event loop. */
    private void connect() {
        // The dump of the startup still loading: the cron connects once it is in.
        if (server.stopping() || !server.started() || server.persistence().loading()) {
            return;
        }
        String host = config().masterHost;
        int port = config().masterPort;
        log.info("Connecting to MASTER {}:{}", host, port);
        int mine = ++attempt;
        state = State.CONNECTING;
        transferLastIo = System.currentTimeMillis();
        log.info("MASTER <-> REPLICA sync started");
        if (NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)) {
            open(new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(host), port), mine);
            return;
        }
        // A host name (a compose service, say) is looked up off the event loop: DNS may take seconds.
        Thread.ofVirtual().name("mnemos-master-lookup").start(() -> {
            InetSocketAddress address = new InetSocketAddress(host, port);
            server.executeLater(() -> {
                if (mine != attempt) {
                    return;
                }
                if (address.isUnresolved()) {
                    log.warn("Unable to connect to MASTER: unknown host {}", host);
                    cancelHandshake();
                    return;
                }
                open(address, mine);
            });
        });
    }

    /** The non-blocking connect of attempt {@code mine}; the handshake starts once it is up. */
    private void open(InetSocketAddress address, int mine) {
        Bootstrap bootstrap = new Bootstrap().group(server.eventLoop())
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        // tls-replication: the link is TLS (connectWithMaster's connTLSCreate). Requests
                        // written before the handshake ends wait in the SslHandler.
                        SslContext tls = config().tls.replication ? config().tls.clientContext() : null;
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(),
                                    address.getHostString(), address.getPort()));
                        }
                        ch.pipeline().addLast(new Handler(mine));
                    }
                });
        ChannelFuture connecting = bootstrap.connect(address);
        channel = connecting.channel();
        connecting.addListener(f -> {
            if (!f.isSuccess() && mine == attempt) {
                log.warn("Error condition on socket for SYNC: {}", f.cause() == null ? "?" : f.cause().getMessage());
                cancelHandshake();
            }
        });
    }

    private long timeoutMillis() {
        return server.replication().configured("repl-timeout") * 1000;
    }

    /** The connection is up: the handshake starts with PING (the read handler follows its replies). */
    private void connected(Channel ch) {
        log.info("Non blocking connect for SYNC fired the event.");
        state = State.HANDSHAKE;
        lines = Unpooled.buffer(256);
        expected.clear();
        expected.add(Expect.PING);
        send(ch, "PING");
    }

    /** Sends a command to the master; returns its length in bytes. */
    private static int send(Channel ch, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        RespBuffer out = new RespBuffer(64, 1 << 16);
        out.command(argv);
        byte[] bytes = out.toByteArray();
        ch.writeAndFlush(Unpooled.wrappedBuffer(bytes));
        return bytes.length;
    }

    /** cancelReplicationHandshake: the attempt is abandoned; the cron connects again. */
    private void cancelHandshake() {
        if (state == State.CONNECTING || state == State.HANDSHAKE || state == State.TRANSFER) {
            state = State.CONNECT;
        }
        attempt++;
        if (channel != null && master == null) {
            channel.close();
            channel = null;
        }
        releaseLines();
        expected.clear();
        dropTransfer();
    }

    /** A transfer abandoned half-way leaves no temporary file behind. */
    private void dropTransfer() {
        if (transfer != null) {
            transfer.close();
            transfer = null;
        }
    }

    private void releaseLines() {
        if (lines != null) {
            lines.release();
            lines = null;
        }
    }

    // ------------------------------------------------------------------ reading

    private void read(ByteBuf in) {
        transferLastIo = System.currentTimeMillis();
        while (in.isReadable() && (state == State.HANDSHAKE || state == State.TRANSFER)) {
            if (state == State.TRANSFER && transfer != null) {
                boolean complete;
                int before = in.readerIndex();
                try {
                    complete = transfer.receive(in);
                    server.stats().netReplInputBytes += in.readerIndex() - before;
                } catch (java.io.IOException e) {
                    log.warn("Write error or short write writing to the DB dump file needed for MASTER <-> REPLICA "
                            + "synchronization: {}", e.getMessage());
                    cancelHandshake();
                    return;
                }
                if (complete) {
                    loadTransferred();
                }
                continue;
            }
            String line = nextLine(in);
            if (line == null) {
                return;
            }
            if (state == State.HANDSHAKE) {
                handshakeReply(line);
            } else {
                // The RDB's header counts as replication traffic; the newlines keeping the link
                // alive while the master prepares it do not (readSyncBulkPayload).
                if (!line.isEmpty()) {
                    server.stats().netReplInputBytes += line.length() + 2;
                }
                bulkHeader(line);
            }
        }
        if (state == State.CONNECTED && in.isReadable()) {
            stream(in);
        }
    }

    /** A whole line without its CRLF, or null while it is incomplete. */
    private String nextLine(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            lines.writeBytes(in);
            if (lines.readableBytes() > RespRequestDecoder.INLINE_MAX_SIZE) {
                // No reply line of the handshake is that long: not a Redis master.
                throw new IllegalStateException("a reply line longer than "
                        + RespRequestDecoder.INLINE_MAX_SIZE + " bytes from the MASTER");
            }
            return null;
        }
        lines.writeBytes(in, eol - in.readerIndex() + 1);
        String line = lines.toString(StandardCharsets.UTF_8);
        lines.clear();
        return line.endsWith("\r\n") ? line.substring(0, line.length() - 2) : line.substring(0, line.length() - 1);
    }

    private void handshakeReply(String reply) {
        if (reply.isEmpty()) {
            return; // a newline keeps the link alive while the master prepares its answer
        }
        Expect what = expected.poll();
        if (what == null) {
            return;
        }
        switch (what) {
            case PING -> {
                if (!reply.startsWith("+") && !reply.startsWith("-NOAUTH") && !reply.startsWith("-NOPERM")
                        && !reply.startsWith("-ERR operation not permitted")) {
                    log.warn("Error reply to PING from master: '{}'", reply);
                    cancelHandshake();
                    return;
                }
                log.info("Master replied to PING, replication can continue...");
                sendHandshake();
            }
            case AUTH -> {
                if (reply.startsWith("-")) {
                    log.warn("Unable to AUTH to MASTER: {}", reply);
                    cancelHandshake();
                }
            }
            case PORT -> {
                if (reply.startsWith("-")) {
                    log.info("(Non critical) Master does not understand REPLCONF listening-port: {}", reply);
                }
            }
            case IP -> {
                if (reply.startsWith("-")) {
                    log.info("(Non critical) Master does not understand REPLCONF ip-address: {}", reply);
                }
            }
            case CAPA -> {
                if (reply.startsWith("-")) {
                    log.info("(Non critical) Master does not understand REPLCONF capa: {}", reply);
                }
                sendPsync();
            }
            case PSYNC -> psyncReply(reply);
        }
    }

    /** AUTH (masteruser and masterauth), REPLCONF listening-port, ip-address and capa, pipelined. */
    private void sendHandshake() {
        String auth = option("masterauth");
        if (!auth.isEmpty()) {
            String user = option("masteruser");
            if (user.isEmpty()) {
                send(channel, "AUTH", auth);
            } else {
                send(channel, "AUTH", user, auth);
            }
            expected.add(Expect.AUTH);
        }
        String announcedPort = option("replica-announce-port");
        send(channel, "REPLCONF", "listening-port",
                announcedPort.equals("0") ? Integer.toString(server.port()) : announcedPort);
        expected.add(Expect.PORT);
        String announcedIp = option("replica-announce-ip");
        if (!announcedIp.isEmpty()) {
            send(channel, "REPLCONF", "ip-address", announcedIp);
            expected.add(Expect.IP);
        }
        send(channel, "REPLCONF", "capa", "eof", "capa", "psync2");
        expected.add(Expect.CAPA);
    }

    private String option(String name) {
        return config().option(name).get();
    }

    /**
     * slaveTryPartialResynchronization: the history we hold (the cached master's, or our own when
     * we were a master: replicationCacheMasterUsingMyself) and the next offset we need.
     */
    private void sendPsync() {
        ReplicationMaster stream = server.replication();
        String offset = Long.toString(stream.offset() + 1);
        log.info("Trying a partial resynchronization (request {}:{}).", stream.replid(), offset);
        if (server.failover().inProgress()) {
            send(channel, "PSYNC", stream.replid(), offset, "FAILOVER"); // the target becomes our master
        } else {
            send(channel, "PSYNC", stream.replid(), offset);
        }
        expected.add(Expect.PSYNC);
    }

    private void psyncReply(String reply) {
        if (reply.startsWith("+FULLRESYNC")) {
            String[] words = reply.split(" ");
            if (words.length < 3 || words[1].length() != REPLID_SIZE) {
                log.warn("Master replied with wrong +FULLRESYNC syntax.");
                cancelHandshake();
                return;
            }
            fullSyncReplid = words[1];
            fullSyncOffset = Long.parseLong(words[2]);
            log.info("Full resync from master: {}:{}", fullSyncReplid, fullSyncOffset);
            server.failover().psyncAnswered(true);
            state = State.TRANSFER;
            dropTransfer();
            return;
        }
        if (reply.startsWith("+CONTINUE")) {
            log.info("Successful partial resynchronization with master.");
            String newReplid = reply.length() > 10 ? reply.substring(10).trim() : "";
            ReplicationMaster stream = server.replication();
            if (newReplid.length() == REPLID_SIZE && !newReplid.equals(stream.replid())) {
                stream.masterReplIdChanged(newReplid);
                log.warn("Master replication ID changed to {}", newReplid);
            }
            log.info("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
            linkEstablished(cachedDb);
            server.failover().psyncAnswered(true);
            return;
        }
        if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
            log.info("Master is currently unable to PSYNC but should be in the future: {}", reply);
        } else if (reply.startsWith("-ERR")) {
            log.info("Master does not support PSYNC or is in error state (reply: {})", reply);
        } else {
            log.warn("Unexpected reply to PSYNC from master: {}", reply);
        }
        cancelHandshake();
        server.failover().psyncAnswered(false);
    }

    /** The RDB's header: {@code $<length>}, or {@code $EOF:<40-byte mark>} for a diskless transfer. */
    private void bulkHeader(String line) {
        if (line.isEmpty()) {
            return; // the master's keepalive newline while it makes the RDB
        }
        if (line.startsWith("-")) {
            log.warn("MASTER aborted replication with an error: {}", line.substring(1));
            cancelHandshake();
            return;
        }
        if (!line.startsWith("$")) {
            log.warn("Bad protocol from MASTER, the first byte is not '$' (we received '{}'), are you sure the "
                    + "host and port are right?", line);
            cancelHandshake();
            return;
        }
        boolean toDisk = diskBasedLoad();
        String to = toDisk ? "disk" : "parser";
        try {
            transfer = RdbTransfer.announcedBy(line, toDisk ? server.persistence().incomingDump() : null);
        } catch (java.io.IOException e) {
            log.warn("Opening the temp file needed for MASTER <-> REPLICA synchronization: {}", e.getMessage());
            cancelHandshake();
            return;
        }
        if (transfer.eofMarked()) {
            log.info("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to {}", to);
        } else {
            log.info("MASTER <-> REPLICA sync: receiving {} bytes from master to {}", transfer.size(), to);
        }
        if (transfer.complete()) {
            loadTransferred();
        }
    }

    /** The RDB arrived: the old data goes, the master's is loaded, and its stream follows. */
    private void loadTransferred() {
        RdbTransfer received = transfer;
        transfer = null;
        // As the transfer began: repl-diskless-load may have changed since.
        boolean fromDisk = received.onDisk();
        try (received) {
            if (fromDisk) {
                received.install();
            }
        } catch (java.io.IOException e) {
            log.warn("Failed trying to rename the temp DB into {} in MASTER <-> REPLICA synchronization: {}",
                    server.config().rdb.dbfilename, e.getMessage());
            cancelHandshake();
            return;
        }
        log.info("MASTER <-> REPLICA sync: Flushing old data");
        server.emptyData(true);
        log.info("MASTER <-> REPLICA sync: Loading DB in memory");
        int[] streamDb = {0};
        try (java.io.InputStream rdb = fromDisk
                ? new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(server.persistence().dumpFile()), 1 << 16)
                : received.payload()) {
            server.persistence().loadInto(rdb, received.length(), (key, value) -> {
                if (new String(key, StandardCharsets.US_ASCII).equals("repl-stream-db")) {
                    Long db = io.mnemos.util.Numbers.string2ll(value);
                    streamDb[0] = db == null || db < 0 || db >= server.keyspace().count() ? 0 : db.intValue();
                }
            });
        } catch (RdbFormatException | java.io.IOException | java.io.UncheckedIOException e) {
            log.warn("Failed trying to load the MASTER synchronization DB from disk, check server logs. ({})",
                    e.getMessage());
            server.emptyData(true);
            cancelHandshake();
            return;
        }
        log.info("Done loading RDB, keys loaded: {}, keys expired: {}.",
                server.persistence().lastLoadKeysLoaded(), server.persistence().lastLoadKeysExpired());
        server.replication().adoptMasterHistory(fullSyncReplid, fullSyncOffset);
        // The stream goes on in the database the master's stream had selected when the RDB was made.
        linkEstablished(streamDb[0]);
        log.info("MASTER <-> REPLICA sync: Finished with success");
        // The first ACK at once: a master with a diskless sync puts us online on it.
        sendAck();
        rewriteAofAfterSync();
    }

    /**
     * useDisklessLoad's opposite: with repl-diskless-load disabled (the default), or on-empty-db while
     * the dataset holds keys, the master's RDB goes to disk, as the dump file.
     */
    private boolean diskBasedLoad() {
        io.mnemos.server.ConfigOption option = server.config().option("repl-diskless-load");
        String mode = option == null ? "disabled" : option.get();
        return mode.equals("disabled") || (mode.equals("on-empty-db") && server.keyspace().totalKeys() > 0);
    }

    /**
     * restartAOFAfterSYNC: the AOF does not hold the data just loaded, so it is rewritten (a rewrite
     * that was running started from the old data and is dropped first).
     */
    private void rewriteAofAfterSync() {
        io.mnemos.persistence.AppendOnlyFile aof = server.aof();
        if (aof.enabled()) {
            aof.abortRewrite();
            aof.bgrewriteaof(true);
        }
    }

    /** replicationCreateMasterClient / replicationResurrectCachedMaster: the stream is executed from now. */
    private void linkEstablished(int db) {
        releaseLines();
        expected.clear();
        dropTransfer();
        master = new Client(server.clients().nextId(), server, channel, new ReplyWriter(channel.alloc()));
        master.markMaster();
        master.select(db);
        master.touch(System.currentTimeMillis());
        master.onResume(() -> server.execute(this::resumeHeld));
        server.clients().add(master);
        // No proto-max-bulk-len for the master (Redis checks it for other clients only).
        decoder = new RespRequestDecoder(Integer.MAX_VALUE);
        unapplied.clear();
        held.clear();
        readOffset = server.replication().offset();
        state = State.CONNECTED;
        downSince = 0;
    }

    // ------------------------------------------------------------------ the stream

    private void stream(ByteBuf in) {
        readOffset += in.readableBytes();
        server.stats().netReplInputBytes += in.readableBytes();
        master.touch(System.currentTimeMillis());
        try {
            decoder.decode(in, this::apply);
        } catch (ProtocolException e) {
            log.warn("Protocol error from the MASTER ({}): closing the link", e.getMessage());
            master.closeAsap();
        }
    }

    /** One command of the master's stream, unless CLIENT PAUSE holds the master client. */
    private boolean apply(byte[][] argv) {
        if (!held.isEmpty() || !execute(argv)) {
            held.add(argv);
            channel.config().setAutoRead(false);
        }
        return master != null;
    }

    /** Executes one command as the master client; false when a pause postponed it. */
    private boolean execute(byte[][] argv) {
        server.keyspace().obeyingMaster(true);
        boolean done;
        try {
            done = server.dispatcher().dispatch(master, argv);
        } finally {
            server.keyspace().obeyingMaster(false);
            master.reply().discard(); // the master gets no replies
        }
        if (!done) {
            return false;
        }
        // commandProcessed: reploff moves past the command, except inside a MULTI (EXEC applies it all).
        encoded.clear();
        encoded.command(argv);
        unapplied.raw(encoded.array(), 0, encoded.length());
        if (!master.inMulti()) {
            server.replication().feedFromMaster(unapplied.toByteArray());
            unapplied.clear();
        }
        return true;
    }

    /** The pause ended: the held commands run in order, then reading goes on. */
    private void resumeHeld() {
        while (master != null && !held.isEmpty()) {
            if (!execute(held.peekFirst())) {
                return;
            }
            held.pollFirst();
        }
        if (master != null) {
            channel.config().setAutoRead(true);
            channel.read();
        }
    }

    /** REPLCONF ACK with the offset applied (replicationSendAck), for GETACK and every second. */
    public void sendAck() {
        if (master != null && channel != null && channel.isActive()) {
            // Written through the master client's buffer in Redis, so counted as client output
            // (the handshake's synchronous writes are not).
            server.stats().netOutputBytes += send(channel, "REPLCONF", "ACK", Long.toString(server.replication().offset()));
        }
    }

    /** The link's channel closed: the master is cached (its history and db) for a partial resync. */
    private void closed(int which) {
        if (which != attempt) {
            return;
        }
        if (state == State.CONNECTED) {
            log.info("Connection with master lost.");
            log.info("Caching the disconnected master state.");
            dropMaster();
            downSince = System.currentTimeMillis();
            state = replica() ? State.CONNECT : State.NONE;
        } else if (state != State.NONE && state != State.CONNECT) {
            log.warn("Master closed the connection during the synchronization");
            cancelHandshake();
        }
    }

    /** freeClient(server.master) and replicationCacheMaster: only its database index is kept. */
    private void dropMaster() {
        if (master == null) {
            return;
        }
        Client old = master;
        master = null;
        cachedDb = old.db().id();
        server.clients().remove(old);
        server.dispatcher().forget(old);
        held.clear();
        unapplied.clear();
        attempt++;
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    // ------------------------------------------------------------------ cron

    /** replicationCron's replica part, once a second: timeouts, reconnection, the ACK. */
    public void cron(long now) {
        if (now - lastCron < 1000 || !replica()) {
            return;
        }
        lastCron = now;
        long timeout = timeoutMillis();
        switch (state) {
            case CONNECTING, HANDSHAKE -> {
                if (now - transferLastIo > timeout) {
                    log.warn("Timeout connecting to the MASTER...");
                    cancelHandshake();
                }
            }
            case TRANSFER -> {
                if (now - transferLastIo > timeout) {
                    log.warn("Timeout receiving bulk data from MASTER... If the problem persists try to set the "
                            + "'repl-timeout' parameter in redis.conf to a larger value.");
                    cancelHandshake();
                }
            }
            case CONNECTED -> {
                if (now - master.lastInteraction() > timeout) {
                    log.warn("MASTER timeout: no data nor PING received...");
                    closed(attempt);
                }
            }
            default -> {
            }
        }
        if (state == State.CONNECT) {
            connect();
        }
        if (state == State.CONNECTED) {
            sendAck();
        }
    }

    // ------------------------------------------------------------------ INFO and ROLE

    /** INFO replication's replica fields, from master_host to master_link_down_since_seconds. */
    public List<Object[]> info() {
        long now = System.currentTimeMillis();
        List<Object[]> out = new ArrayList<>();
        long applied = state == State.NONE ? 0 : server.replication().offset();
        out.add(new Object[]{"master_host", config().masterHost});
        out.add(new Object[]{"master_port", config().masterPort});
        out.add(new Object[]{"master_link_status", state == State.CONNECTED ? "up" : "down"});
        out.add(new Object[]{"master_last_io_seconds_ago", master == null ? -1 : (now - master.lastInteraction()) / 1000});
        out.add(new Object[]{"master_sync_in_progress", state == State.TRANSFER ? 1 : 0});
        out.add(new Object[]{"slave_read_repl_offset", master == null ? applied : readOffset});
        out.add(new Object[]{"slave_repl_offset", applied});
        if (state == State.TRANSFER) {
            long size = transfer == null ? -1 : transfer.size();
            long read = transfer == null ? 0 : transfer.read();
            out.add(new Object[]{"master_sync_total_bytes", size});
            out.add(new Object[]{"master_sync_read_bytes", read});
            out.add(new Object[]{"master_sync_left_bytes", size - read});
            out.add(new Object[]{"master_sync_perc", String.format(java.util.Locale.ROOT, "%.2f",
                    size > 0 ? 100.0 * read / size : 0.0)});
            out.add(new Object[]{"master_sync_last_io_seconds_ago", (now - transferLastIo) / 1000});
        }
        if (state != State.CONNECTED) {
            out.add(new Object[]{"master_link_down_since_seconds", downSince == 0 ? -1 : (now - downSince) / 1000});
        }
        return out;
    }

    /** The database the master's stream has selected: the master client's, or the cached one's. */
    int streamDb() {
        return master != null ? master.db().id() : cachedDb;
    }

    /** ROLE's state word. */
    public String roleState() {
        return state.role;
    }

    /** ROLE's offset: the master client's, -1 while there is none. */
    public long roleOffset() {
        return master == null ? -1 : server.replication().offset();
    }

    /** The link's channel events, for one connection attempt. */
    private final class Handler extends ChannelInboundHandlerAdapter {
        private final int which;

        Handler(int which) {
            this.which = which;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (which == attempt) {
                connected(ctx.channel());
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (which == attempt) {
                    read(in);
                }
            } catch (RuntimeException e) {
                log.warn("Replication link error, closing it", e);
                ctx.close();
            } finally {
                in.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            closed(which);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                    ? cause.getCause() : cause;
            if (root instanceof javax.net.ssl.SSLException) {
                // A refused TLS handshake (tls-replication) would otherwise only show as a link that never comes up.
                log.warn("Error condition on socket for SYNC: {}", io.mnemos.server.TlsConfig.rootMessage(root));
            } else {
                log.debug("Replication link error: {}", cause.toString());
            }
            ctx.close();
        }
    }
}
