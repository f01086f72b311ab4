package io.mnemos.server;

import io.mnemos.command.CommandSpec;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.store.Database;
import io.netty.channel.Channel;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.FileChannel;
import java.util.function.Consumer;

/**
 * The state of one client connection, the {@code client *c} every command handler receives: the
 * request being executed, the selected database, the negotiated protocol and the reply buffer.
 * Only the keyspace thread touches it.
 */
public final class Client {
    private final long id;
    private final Server server;
    private final Channel channel;
    private final ReplyWriter reply;
    private final long createdAt = System.currentTimeMillis();

    private byte[][] argv;
    private CommandSpec command;
    private Database db;
    private boolean authenticated;
    private String user = "default";
    /** The ACL user (c->user); its name is {@link #user()}. */
    private io.mnemos.acl.User aclUser;
    private String name = "";
    private String libName = "";
    private String libVersion = "";
    private long lastInteraction = createdAt;
    private String lastCommand = "NULL";
    private boolean closeAfterReply;
    /** REPLCONF rdb-only 1: a SYNC of this client gets the dump and then the connection closes. */
    private boolean rdbOnly;
    /** REPLCONF listening-port: the port a replica says it serves clients on ("0" if it did not). */
    private String listeningPort = "0";
    private int replicaRequirements;
    /** REPLCONF capa eof: the replica reads an RDB delimited by an EOF mark (a diskless transfer). */
    private boolean capaEof;
    /** CLIENT REPLY SKIP: drop the reply of the next command only. */
    private boolean skipNextReply;
    private boolean replyOff;
    private boolean noEvict;
    private QueryBuffer queryBuffer;
    /**
     * Redis's query buffer after an argument of 32 KB or more: sized to it (bulk length + 2) until
     * the cron's second visit, which frees it; {@code queryBufferFreed} until the next read.
     */
    private long retainedQueryBuffer;
    private int retainedVisits;
    private boolean queryBufferFreed;
    /**
     * Redis's client reply buffer as its cron resizes it (CLIENT LIST rbs, rbp): 16 KB at first,
     * and the peak it held since the last reset. Redis 7.0 stamps a new client's last peak reset in
     * seconds and compares milliseconds, so the first cron visit resets the peak at once.
     */
    private int replyBufferSize = REPLY_CHUNK;
    private int replyBufferPeak = REPLY_CHUNK;
    private long replyPeakResetAt = Long.MIN_VALUE / 2;
    /** This client's part of ClientEviction's running total. */
    private long evictionMemory;
    private long uncountedOutput;
    /** Installed by the connection: sends a file after the reply buffer (see {@link #sendFile}). */
    private FileSender fileSender;
    /**
     * Bytes of a file transfer queued whole in Netty's outbound buffer and not yet written: an RDB
     * on its way to a replica, which Redis sends outside the client's output buffer.
     */
    private long fileBytesQueued;
    /** Whether client eviction has recorded this client's memory yet (Redis's mem_usage_bucket). */
    private boolean evictionTracked;
    private boolean noTouch;
    /** Set while CLIENT PAUSE holds this client's next request (CLIENT LIST flag {@code b}). */
    private byte[][] postponedArgv;
    /** How the connection resumes its held requests once a pause ends; null without a connection. */
    private Runnable resumeHook;
    /** MULTI state (Redis's CLIENT_MULTI, CLIENT_DIRTY_CAS, CLIENT_DIRTY_EXEC and mstate). */
    private final Transaction transaction = new Transaction();
    /** Set while a blocking command waits for a key (CLIENT LIST flag {@code b}). */
    private BlockedClients.Block block;
    /** How the connection goes on with its held requests once a blocking command was answered. */
    private Runnable unblockHook;
    /** How the connection gets what {@link #deliver} wrote flushed; null without a connection. */
    private Runnable deliveryHook;
    /** Redis's obuf_soft_limit_reached_time, in epoch milliseconds (see OutputBufferLimits). */
    private long outputSoftLimitReachedAt;
    /** CLIENT TRACKING state; null while tracking is off (the one check commands pay). */
    private Tracking.ClientState tracking;
    /**
     * The REDIRECT of the tracking turned off last: Redis keeps client_tracking_redirection after
     * CLIENT TRACKING off, and an invalidation still pending from the same transaction goes there.
     */
    private long formerTrackingRedirect;

    /** CLIENT_MASTER: the link to this replica's master (see io.mnemos.replication.MasterLink). */
    private boolean master;

    /** The id of the client that replays the append-only file (Redis's CLIENT_ID_AOF). */
    public static final long AOF_CLIENT_ID = -1;

    public Client(long id, Server server, Channel channel, ReplyWriter reply) {
        this.id = id;
        this.server = server;
        this.channel = channel;
        this.reply = reply;
        this.db = server.keyspace().db(0);
        this.aclUser = server.acl().defaultUser();
        this.authenticated = server.acl().defaultAuthenticated();
    }

    public long id() {
        return id;
    }

    /**
     * Makes this the master client (CLIENT_MASTER): its commands are obeyed as Redis's
     * mustObeyClient does (no authentication, no ACL: its user is the superuser, NULL in Redis).
     */
    public void markMaster() {
        master = true;
        aclUser = null;
        user = "(superuser)";
        authenticated = true;
    }

    /** CLIENT_MASTER: CLIENT LIST flag {@code M}, type master; replies are never sent. */
    public boolean master() {
        return master;
    }

    /** Redis's mustObeyClient: the AOF loader and the master replay what was already accepted. */
    public boolean mustObey() {
        return master || id == AOF_CLIENT_ID;
    }

    /** The client side caching state, or null when CLIENT TRACKING is off. */
    public Tracking.ClientState tracking() {
        return tracking;
    }

    void tracking(Tracking.ClientState state) {
        if (state == null && tracking != null) {
            formerTrackingRedirect = tracking.redirect();
        }
        this.tracking = state;
    }

    long formerTrackingRedirect() {
        return formerTrackingRedirect;
    }

    public Server server() {
        return server;
    }

    /** The network channel; null for clients created in tests without a connection. */
    public Channel channel() {
        return channel;
    }

    public ReplyWriter reply() {
        return reply;
    }

    public byte[][] argv() {
        return argv;
    }

    public byte[] arg(int i) {
        return argv[i];
    }

    public int argc() {
        return argv.length;
    }

    public void setRequest(byte[][] argv, CommandSpec command) {
        this.argv = argv;
        this.command = command;
    }

    /** The command being executed. */
    public CommandSpec command() {
        return command;
    }

    public Database db() {
        return db;
    }

    public void select(int index) {
        db = server.keyspace().db(index);
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void authenticated(boolean authenticated) {
        this.authenticated = authenticated;
    }

    /** Redis's authRequired: the default user has a password (or is off) and this client has not authenticated. */
    public boolean authRequired() {
        return !authenticated && server.acl().defaultRequiresAuth();
    }

    public io.mnemos.acl.User aclUser() {
        return aclUser;
    }

    /** Switches the ACL user (AUTH, HELLO AUTH, RESET, a deleted user). */
    public void aclUser(io.mnemos.acl.User u) {
        this.aclUser = u;
        this.user = u.name();
    }

    public String user() {
        return user;
    }

    public void user(String user) {
        this.user = user;
    }

    public String name() {
        return name;
    }

    public void name(String name) {
        this.name = name;
    }

    public String libName() {
        return libName;
    }

    public void libName(String libName) {
        this.libName = libName;
    }

    public String libVersion() {
        return libVersion;
    }

    public void libVersion(String libVersion) {
        this.libVersion = libVersion;
    }

    public int protocol() {
        return reply.protocol();
    }

    public void protocol(int protocol) {
        reply.protocol(protocol);
    }

    public long createdAt() {
        return createdAt;
    }

    public long lastInteraction() {
        return lastInteraction;
    }

    public void touch(long now) {
        lastInteraction = now;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public void lastCommand(String fullName) {
        lastCommand = fullName;
    }

    /** Close the connection once the pending replies are written (QUIT, protocol errors, KILL). */
    public void closeAfterReply() {
        closeAfterReply = true;
    }

    public boolean rdbOnly() {
        return rdbOnly;
    }

    public String listeningPort() {
        return listeningPort;
    }

    /** REPLCONF ip-address (replica-announce-ip): the address a replica is listed under, or null. */
    public String announcedIp() {
        return announcedIp;
    }

    public void announcedIp(String ip) {
        this.announcedIp = ip;
    }

    private String announcedIp;

    public void listeningPort(String port) {
        this.listeningPort = port;
    }

    /** What a dump-only replica asked to leave out of its RDB (REPLCONF rdb-filter-only). */
    public int replicaRequirements() {
        return replicaRequirements;
    }

    public void replicaRequirements(int requirements) {
        this.replicaRequirements = requirements;
    }

    public boolean capaEof() {
        return capaEof;
    }

    public void capaEof(boolean capaEof) {
        this.capaEof = capaEof;
    }

    public void rdbOnly(boolean rdbOnly) {
        this.rdbOnly = rdbOnly;
    }

    /**
     * Reply bytes Redis writes past its output counters (PSYNC's +FULLRESYNC and +CONTINUE lines,
     * sent with connWrite), left out of total_net_repl_output_bytes when they are flushed.
     */
    public void uncountedOutput(int bytes) {
        uncountedOutput += bytes;
    }

    long takeUncountedOutput() {
        long bytes = uncountedOutput;
        uncountedOutput = 0;
        return bytes;
    }

    /** How a connection sends a file (see {@link #sendFile}). */
    public interface FileSender {
        void send(FileChannel file, long length, Consumer<Throwable> whenSent);
    }

    /** Installed by the connection. */
    public void onSendFile(FileSender sender) {
        this.fileSender = sender;
    }

    /**
     * Sends the first {@code length} bytes of {@code file} (which the transfer closes) after what the
     * reply buffer holds and before anything added to it later, as Redis's sendBulkToSlave sends a
     * replica its RDB: straight from the file (the kernel's sendfile on a plain socket), never whole
     * in memory, and outside the output buffer, so client-output-buffer-limit counts only the stream
     * queued behind it. {@code whenSent} gets null once the bytes went out, else the failure, on the
     * keyspace thread.
     */
    public void sendFile(FileChannel file, long length, Consumer<Throwable> whenSent) {
        if (fileSender == null) {
            closeQuietly(file);
            whenSent.accept(new java.io.IOException("no connection"));
            return;
        }
        fileSender.send(file, length, whenSent);
    }

    static void closeQuietly(FileChannel file) {
        try {
            file.close();
        } catch (java.io.IOException ignored) {
            // nothing was sent from it
        }
    }

    /** Set by the connection while a file transfer sits whole in Netty's outbound buffer. */
    void fileBytesQueued(long bytes) {
        this.fileBytesQueued = bytes;
    }

    /** Asks the connection to write out what was added to the reply outside a command (a push, a dump). */
    public void flushSoon() {
        if (deliveryHook != null) {
            deliveryHook.run();
        }
    }

    public boolean closing() {
        return closeAfterReply;
    }

    public boolean replyOff() {
        return replyOff;
    }

    public void replyMode(boolean off, boolean skipNext) {
        this.replyOff = off;
        this.skipNextReply = skipNext;
    }

    public boolean skipNextReply() {
        return skipNextReply;
    }

    public void clearSkipNextReply() {
        skipNextReply = false;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void noEvict(boolean noEvict) {
        this.noEvict = noEvict;
    }

    public boolean noTouch() {
        return noTouch;
    }

    public void noTouch(boolean noTouch) {
        this.noTouch = noTouch;
    }

    /** The request CLIENT PAUSE is holding back, or null when the client is not postponed. */
    public byte[][] postponedArgv() {
        return postponedArgv;
    }

    public boolean postponed() {
        return postponedArgv != null;
    }

    public void postponed(byte[][] argv) {
        this.postponedArgv = argv;
    }

    /** Installed by the connection: schedules the replay of requests held during a pause. */
    public void onResume(Runnable hook) {
        this.resumeHook = hook;
    }

    /** Called when a pause ends: the connection runs its held requests, in order. */
    public void resume() {
        postponedArgv = null;
        if (resumeHook != null) {
            resumeHook.run();
        }
    }

    /** The server-internal client redis.call runs commands as (Redis's lua client): never blocks. */
    private boolean scriptClient;

    public boolean scriptClient() {
        return scriptClient;
    }

    public void scriptClient(boolean scriptClient) {
        this.scriptClient = scriptClient;
    }

    /** The MULTI/EXEC and WATCH state of this connection. */
    public Transaction transaction() {
        return transaction;
    }

    /** True while in MULTI (CLIENT LIST flag {@code x}). */
    public boolean inMulti() {
        return transaction.active();
    }

    /** The wait of a blocked client, or null when it is not blocked. */
    public BlockedClients.Block block() {
        return block;
    }

    public boolean blocked() {
        return block != null;
    }

    void block(BlockedClients.Block block) {
        this.block = block;
    }

    /** Installed by the connection: goes on with the requests held while the client was blocked. */
    public void onUnblock(Runnable hook) {
        this.unblockHook = hook;
    }

    /** Called once the blocking command was answered: the connection continues after it. */
    void unblocked() {
        if (unblockHook != null) {
            unblockHook.run();
        }
    }

    long evictionMemory() {
        return evictionMemory;
    }

    boolean evictionTracked() {
        return evictionTracked;
    }

    void evictionTracked(boolean tracked) {
        evictionTracked = tracked;
    }

    void evictionMemory(long bytes) {
        evictionMemory = bytes;
    }

    /** A request with an argument of {@code length} bytes (32 KB or more) was read. */
    public void bigArgumentRead(long length) {
        retainedQueryBuffer = length + 2;
        retainedVisits = 0;
        queryBufferFreed = false;
    }

    /** Bytes were read: a freed query buffer is made again. */
    void queryBufferRead() {
        queryBufferFreed = false;
    }

    /**
     * clientsCronResizeQueryBuffer for a buffer sized to a big argument: the first visit finds the
     * read peak still as big and only resets it; the second frees the buffer.
     */
    public void resizeQueryBuffer() {
        if (retainedQueryBuffer > 0 && ++retainedVisits >= 2) {
            retainedQueryBuffer = 0;
            queryBufferFreed = true;
        }
    }

    /** The size (bulk length + 2) a big argument left the query buffer at, 0 if none. */
    public long retainedQueryBuffer() {
        return retainedQueryBuffer;
    }

    /** The cron freed the query buffer and nothing was read since. */
    public boolean queryBufferFreed() {
        return queryBufferFreed;
    }

    /**
     * PROTO_REPLY_CHUNK_BYTES and PROTO_REPLY_MIN_BYTES: the reply buffer's largest and smallest
     * sizes; the first is also the size of a node of Redis's reply list.
     */
    public static final int REPLY_CHUNK = 16 * 1024;
    private static final int REPLY_MIN = 1024;
    /** reply-buffer-peak-reset-time's default (a DEBUG setting in Redis 7.0). */
    private static final long REPLY_PEAK_RESET_MILLIS = 5000;

    /** CLIENT LIST's rbs: the reply buffer's size. */
    public int replyBufferSize() {
        return replyBufferSize;
    }

    /** CLIENT LIST's rbp: the most the reply buffer held since the peak's last reset. */
    public int replyBufferPeak() {
        return Math.max(replyBufferPeak, Math.min(reply.pendingBytes(), replyBufferSize));
    }

    /** Replies are about to be written: as many as fit were in the reply buffer at once. */
    public void replyBuffered(int pending) {
        replyBufferPeak = Math.max(replyBufferPeak, Math.min(pending, replyBufferSize));
    }

    /**
     * clientsCronResizeOutputBuffer: halve-or-less a buffer whose peak stayed under half of it, double
     * one that filled up (up to 16 KB); the peak restarts every 5 s. Returns -1 for a shrink, 1 for
     * an expansion (INFO reply_buffer_shrinks/expands), 0 otherwise.
     */
    public int resizeReplyBuffer(long nowMillis) {
        int size = 0;
        int outcome = 0;
        if (replyBufferSize / 2 >= REPLY_MIN && replyBufferPeak < replyBufferSize / 2) {
            size = Math.max(REPLY_MIN, replyBufferPeak + 1);
            outcome = -1;
        } else if (replyBufferSize * 2 < REPLY_CHUNK * 2 && replyBufferPeak == replyBufferSize) {
            size = Math.min(REPLY_CHUNK, replyBufferSize * 2);
            outcome = 1;
        }
        if (nowMillis - replyPeakResetAt >= REPLY_PEAK_RESET_MILLIS) {
            replyBufferPeak = Math.min(reply.pendingBytes(), replyBufferSize);
            replyPeakResetAt = nowMillis;
        }
        if (size != 0) {
            replyBufferSize = (int) io.mnemos.util.Jemalloc.sizeClass(size);
        }
        return outcome;
    }

    /** Installed by the connection: the memory of the requests received and not yet run. */
    void queryBuffer(QueryBuffer queryBuffer) {
        this.queryBuffer = queryBuffer;
    }

    /** The connection's input not yet run; null for an internal client. */
    public QueryBuffer queryBuffer() {
        return queryBuffer;
    }

    /**
     * Memory of the input not yet run: a request still arriving (a big bulk counted whole) and the
     * requests waiting behind a blocking command or a pause; 0 for an internal client.
     */
    public long queryBufferBytes() {
        return queryBuffer == null ? 0 : queryBuffer.memory();
    }

    /** Installed by the connection: writes out the reply buffer now (Pub/Sub messages). */
    public void onDeliver(Runnable hook) {
        this.deliveryHook = hook;
    }

    /**
     * Writes an out-of-band line (a MONITOR feed) into this client's reply buffer and has its
     * connection flush it when the current event-loop task ends, whichever client is executing. As in
     * Redis 7.0, nothing is written to a client that is being closed or has replies switched off.
     * Returns whether the line was written.
     */
    public boolean deliver(java.util.function.Consumer<ReplyWriter> message) {
        if (replyOff || !reply.enabled()) {
            return false;
        }
        return deliverPush(message);
    }

    /**
     * Like {@link #deliver}, for a Pub/Sub message or keyspace notification: a push, which Redis
     * writes even to a client with CLIENT REPLY OFF or SKIP (its CLIENT_PUSHING flag).
     */
    public boolean deliverPush(java.util.function.Consumer<ReplyWriter> message) {
        if (closeAfterReply) {
            return false;
        }
        push(message);
        flushSoon();
        return true;
    }

    /** Writes a push (a subscription confirmation, a message) whether replies are on or not. */
    public void push(java.util.function.Consumer<ReplyWriter> message) {
        boolean enabled = reply.enabled();
        reply.enabled(true);
        try {
            message.accept(reply);
        } finally {
            reply.enabled(enabled);
        }
    }

    /**
     * Output not yet written to the socket: the reply buffer plus the connection's outbound queue,
     * without a file transfer in it.
     */
    public long outputBufferBytes() {
        long pending = reply.pendingBytes();
        if (channel != null) {
            io.netty.channel.ChannelOutboundBuffer out = channel.unsafe().outboundBuffer();
            if (out != null) {
                pending += Math.max(0, out.totalPendingWriteBytes() - fileBytesQueued);
            }
        }
        return pending;
    }

    /** When the output first reached the soft limit (epoch ms), 0 while below it. */
    public long outputSoftLimitReachedAt() {
        return outputSoftLimitReachedAt;
    }

    public void outputSoftLimitReachedAt(long millis) {
        this.outputSoftLimitReachedAt = millis;
    }

    /** Redis's freeClientAsync: drop pending output and close the connection without replying. */
    public void closeAsap() {
        closeAfterReply = true;
        reply.discard();
        if (channel != null) {
            channel.close();
        }
    }

    public String remoteAddress() {
        return format(channel == null ? null : channel.remoteAddress());
    }

    /** The peer's IP as Redis prints it, null for a client without an IP peer (in-process). */
    public String peerIp() {
        return io.mnemos.acl.ProtectedMode.peerIp(channel == null ? null : channel.remoteAddress());
    }

    public String localAddress() {
        return format(channel == null ? null : channel.localAddress());
    }

    /** Redis's peer id: {@code ip:port}, IPv6 in brackets and compressed ({@code [::1]:6379}). */
    private static String format(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            if (inet.getAddress() == null) {
                return inet.getHostString() + ":" + inet.getPort();
            }
            String host = NetUtil.toAddressString(inet.getAddress());
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "" : address.toString();
    }
}
