package io.mnemos.server;

import io.mnemos.protocol.ProtocolException;
import io.mnemos.protocol.RespBuffer;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.protocol.RequestSink;
import io.mnemos.protocol.RespRequestDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The Netty side of one connection. Every complete request in a read is decoded and executed
 * immediately on this (the keyspace) thread, the read is consumed whole (the decoder keeps an
 * incomplete tail), replies accumulate in one buffer, and that buffer is written once at the end
 * of the event-loop iteration (Server's beforeSleep): a pipeline of N commands costs one write
 * system call, sent directly when nothing waits in Netty's queue ({@link SocketWriter}).
 */
final class ClientHandler extends ChannelInboundHandlerAdapter implements RequestSink {
    private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);
    /** Read size of a file sent through TLS. */
    private static final int FILE_CHUNK = 64 * 1024;
    private static final byte[] MAX_CLIENTS = "-ERR max number of clients reached\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] PROTECTED_MODE =
            io.mnemos.acl.ProtectedMode.DENIED.getBytes(StandardCharsets.US_ASCII);

    private final Server server;
    private final RespRequestDecoder decoder;
    private Client client;
    private ChannelHandlerContext ctx;
    /** Sends replies without Netty's outbound path when nothing is queued; null for TLS or NIO. */
    private SocketWriter socketWriter;
    /** Requests waiting behind a blocking command or a CLIENT PAUSE, in arrival order. */
    private final HeldRequests held = new HeldRequests();
    /** Replies wait for the end of the event-loop iteration (see Server.queueReplies). */
    private boolean repliesQueued;
    /** A file (a replica's RDB) is on its way: a close waits for it. */
    private boolean sendingFile;

    ClientHandler(Server server) {
        this.server = server;
        this.decoder = new RespRequestDecoder(server.config().protoMaxBulkLen);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        ServerStats stats = server.stats();
        if (server.clients().size() >= server.config().maxclients) {
            stats.rejectedConnections++;
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(MAX_CLIENTS)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // Protected mode (clientAcceptHandler): no password for the default user, non-loopback peer.
        if (io.mnemos.acl.ProtectedMode.refuses(server.config().protectedMode, server.acl().defaultUser().nopass(),
                io.mnemos.acl.ProtectedMode.peerIp(ctx.channel().remoteAddress()))) {
            stats.rejectedConnections++;
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(PROTECTED_MODE)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        stats.totalConnectionsReceived++;
        socketWriter = SocketWriter.forConnection(ctx);
        client = new Client(server.clients().nextId(), server, ctx.channel(), new ReplyWriter(ctx.alloc()));
        server.clients().add(client);
        client.queryBuffer(new Input());
        client.onResume(() -> server.resumeBeforeSleep(this::resumeHeld));
        // A blocking command was answered: drop it from the held requests and go on with the rest.
        client.onUnblock(() -> server.resumeBeforeSleep(() -> {
            held.removeFirst();
            resumeHeld();
        }));
        // Pub/Sub messages, keyspace events, MONITOR lines: written with this iteration's replies,
        // so a burst of messages costs one write.
        client.onDeliver(this::scheduleReplies);
        client.onSendFile(this::sendFile);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    /** freeClient: the client leaves every registry it is in (harmless a second time). */
    private void release() {
        if (client != null) {
            server.releaseClient(client);
            held.clear();
        }
    }

    /** One read: every complete request in it runs now; the decoder keeps an incomplete tail. */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (client != null && !client.closing()) {
                server.stats().netInputBytes += in.readableBytes();
                server.stats().totalReadsProcessed++;
                client.queryBufferRead();
                decode(in);
                server.clientEviction().update(client);
            }
        } finally {
            in.release();
        }
    }

    private void decode(ByteBuf in) {
        // Redis checks the query buffer after each read, before parsing it, and frees the client
        // without a reply: a bulk is counted while it arrives, even one that would complete now.
        long queryBuffer = in.readableBytes() + decoder.pendingBytes() + held.queuedBytes();
        if (queryBuffer > server.config().clientQueryBufferLimit) {
            log.warn("Closing client that reached max query buffer length: id={} addr={} (qbuf={})",
                    client.id(), client.remoteAddress(), queryBuffer);
            client.closeAfterReply();
            client.reply().discard();
            ctx.close();
            return;
        }
        // Like Redis's lastinteraction, stamped once per read rather than per request.
        client.touch(server.iterationMillis());
        decoder.maxBulkLength(server.config().protoMaxBulkLen);
        runningBatch = in.readableBytes() + decoder.pendingBytes();
        server.dispatcher().readBatchBoundary();
        try {
            decoder.decode(in, this);
        } catch (ProtocolException e) {
            log.debug("Protocol error ({}) from client: id={} addr={}", e.getMessage(), client.id(), client.remoteAddress());
            server.recordError("ERR");
            client.reply().error("ERR " + e.getMessage());
            client.closeAfterReply();
        } finally {
            server.dispatcher().readBatchBoundary();
        }
    }

    @Override
    public boolean onRequest(byte[][] argv) {
        long bigArgument = decoder.takeBigArgument();
        if (bigArgument > 0) {
            client.bigArgumentRead(bigArgument);
        }
        if (!held.isEmpty()) {
            held.add(argv);
            return true;
        }
        if (!dispatch(argv)) {
            // Blocked, or postponed by CLIENT PAUSE: this and the following requests wait. Reading
            // goes on, as Redis reads a blocked client into its query buffer: an EOF is seen at once.
            held.add(argv);
            return true;
        }
        if (OutputBufferLimits.closeIfReached(client)) {
            return false;
        }
        return !client.closing();
    }

    /**
     * This connection's input as Redis's query buffer would hold it: while requests are held
     * (behind a blocked or postponed one) Redis parses nothing more, so the one arriving is all
     * still raw; otherwise Redis has parsed its complete arguments, as the decoder has.
     */
    /** The bytes of the read (or the held requests) whose commands are running, for qbuf. */
    private long runningBatch;

    private final class Input implements QueryBuffer {
        @Override
        public long memory() {
            return decoder.queryBufferMemory() + held.queuedBytes();
        }

        @Override
        public long unparsedBytes() {
            return held.isEmpty() ? decoder.pendingBytes() : held.queuedBytes() + decoder.rawRequestBytes();
        }

        @Override
        public long runningBatchBytes() {
            return runningBatch;
        }

        @Override
        public long bigBulkAllocation() {
            return held.isEmpty() ? decoder.bigBulkLength() : 0;
        }

        @Override
        public byte[][] parsedArguments() {
            return held.isEmpty() ? decoder.parsedArguments() : null;
        }
    }

    /**
     * Runs one request; then, as Redis's processCommandAndResetClient, the client's memory figure
     * takes in the replies it added, for the next command's client eviction check.
     */
    private boolean dispatch(byte[][] argv) {
        boolean done = server.dispatcher().dispatch(client, argv);
        server.clientEviction().update(client);
        return done;
    }

    /**
     * The wait ended (a pause is over, a blocking command was answered): run the held requests in
     * order, until one blocks or is postponed again.
     */
    private void resumeHeld() {
        if (client == null || !ctx.channel().isActive()) {
            held.clear();
            return;
        }
        runningBatch = held.isEmpty() ? 0
                : held.queuedBytes() + RespBuffer.commandLength(held.first()) + decoder.rawRequestBytes();
        while (!held.isEmpty() && !client.closing()) {
            if (!dispatch(held.first())) {
                break;
            }
            held.removeFirst();
        }
        if (client.closing()) {
            held.clear();
        }
        scheduleReplies();
    }

    @Override
    public boolean authRequired() {
        return client.authRequired();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        scheduleReplies();
        server.scheduleBeforeSleep();
        super.channelReadComplete(ctx);
    }

    /** Queues what the last batch of commands replied, for one write at the end of the iteration. */
    private void scheduleReplies() {
        if (client == null || repliesQueued) {
            return;
        }
        if (server.queueReplies(this)) {
            repliesQueued = true;
            return;
        }
        flushRepliesNow();
    }

    /**
     * Replies count in total_net_output_bytes, the stream to a replica (its RDB and the commands)
     * in total_net_repl_output_bytes; a PSYNC answer line, which Redis writes straight to the
     * socket, in neither.
     */
    private void countOutput(long bytes) {
        ServerStats stats = server.stats();
        if (server.replication().isReplica(client)) {
            stats.netReplOutputBytes += bytes - client.takeUncountedOutput();
        } else {
            stats.netOutputBytes += bytes;
        }
    }

    /** beforeSleep: the AOF is written (and fsynced with appendfsync always), the replies go out. */
    void writeQueuedReplies() {
        repliesQueued = false;
        if (client != null) {
            flushRepliesNow();
        }
    }

    private void flushRepliesNow() {
        ReplyWriter reply = client.reply();
        int pending = reply.pendingBytes();
        if (pending == 0) {
            if (client.closing() && sendingFile) {
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE); // after the file
            } else if (client.closing()) {
                ctx.close();
            }
            return;
        }
        countOutput(pending);
        client.replyBuffered(pending);
        server.stats().totalWritesProcessed++;
        if (client.closing()) {
            ctx.writeAndFlush(reply.take()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ByteBuf rest = reply.take(socketWriter);
        if (rest != null) {
            ctx.writeAndFlush(rest, ctx.voidPromise());
            // What the socket did not take stays in Netty's outbound buffer: hold it to the limits.
            OutputBufferLimits.closeIfReached(client);
        }
        server.clientEviction().update(client);
    }

    /**
     * Client.sendFile: the reply buffer goes first, then the file, queued in Netty's outbound buffer
     * (so every later write waits behind it, and the direct {@link SocketWriter} path stays shut
     * until it is gone): a FileRegion on a plain socket, which epoll sends with sendfile; chunks
     * read as the socket drains where the bytes must pass TLS (there, what queues behind the file
     * waits in the ChunkedWriteHandler, out of the output-buffer count, until the file is sent).
     */
    private void sendFile(FileChannel file, long length, Consumer<Throwable> whenSent) {
        flushRepliesNow();
        countOutput(length);
        Object message;
        if (ctx.pipeline().get(SslHandler.class) == null) {
            message = new DefaultFileRegion(file, 0, length);
            client.fileBytesQueued(length);
        } else {
            if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
                ctx.pipeline().addBefore(ctx.name(), null, new ChunkedWriteHandler());
            }
            try {
                message = new ChunkedNioFile(file, 0, length, FILE_CHUNK);
            } catch (IOException e) {
                Client.closeQuietly(file);
                whenSent.accept(e);
                return;
            }
        }
        sendingFile = true;
        ctx.writeAndFlush(message).addListener(sent -> {
            sendingFile = false;
            client.fileBytesQueued(0);
            whenSent.accept(sent.cause());
        });
    }

    /**
     * The peer shut down its side (EOF): what it sent before is answered, then the connection
     * closes. Replies wait for the end of the event-loop iteration, and the EOF often arrives in
     * the same read as the last requests (a script piping commands into nc), so Netty's half-closure
     * is on and the close waits for those replies, as Redis writes them before it reads the EOF.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        super.userEventTriggered(ctx, evt);
        if (evt instanceof ChannelInputShutdownEvent) {
            if (client == null) {
                ctx.close();
                return;
            }
            if (client.blocked() || !held.isEmpty()) {
                // Redis frees a client at EOF (freeClientAsync): one still waiting on keys, or with
                // requests held behind a blocking command or a pause, goes at once with what it waits
                // for, so a later push is never served to a connection that is gone.
                release();
                ctx.close();
                return;
            }
            client.closeAfterReply();
            scheduleReplies();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            log.debug("Connection error: {}", cause.getMessage());
        } else {
            log.warn("Unexpected error on connection, closing it", cause);
        }
        ctx.close();
    }
}
