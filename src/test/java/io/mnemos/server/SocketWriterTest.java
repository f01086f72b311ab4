package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Replies go straight to the socket while Netty has nothing queued for it, and through Netty's
 * queue once the socket is full: the bytes a client reads are the same, in request order, either
 * way, and other clients are served meanwhile.
 */
class SocketWriterTest {
    /** Below the direct path's 64 KB limit, so each reply first tries the direct send. */
    private static final int VALUE_BYTES = 40_000;
    private static final int ROUNDS = 300;

    @Test
    void repliesStayInOrderWhenTheSocketFillsAndDrains() throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        try (RunningServer server = RunningServer.start();
             RespConnection other = new RespConnection(server.host(), server.port());
             Socket slow = new Socket(server.host(), server.port())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(slow.getInputStream(), 1 << 16));
            out.write(RespConnection.encode("SET", "v", new String(value, StandardCharsets.ISO_8859_1)));
            assertEquals("+OK", line(in));
            // 12 MB of replies to a client that reads nothing yet, one request pair per read (each
            // reply under the direct path's limit): the socket fills, a reply is written in part,
            // and the ones after it wait in Netty's queue until the client reads.
            for (int i = 0; i < ROUNDS; i++) {
                out.write(RespConnection.encode("GET", "v"));
                out.write(RespConnection.encode("ECHO", Integer.toString(i)));
                out.flush();
                Thread.sleep(1);
            }
            assertEquals("+PONG\r\n", other.call("PING"));
            for (int i = 0; i < ROUNDS; i++) {
                assertEquals("$" + VALUE_BYTES, line(in), "GET header of round " + i);
                byte[] got = new byte[VALUE_BYTES];
                in.readFully(got);
                assertArrayEquals(value, got, "GET payload of round " + i);
                assertEquals("", line(in));
                String echoed = Integer.toString(i);
                assertEquals("$" + echoed.length(), line(in));
                assertEquals(echoed, line(in));
            }
            // Drained: the next reply goes the direct way again.
            out.write(RespConnection.encode("PING"));
            out.flush();
            assertEquals("+PONG", line(in));
        }
    }

    /**
     * The writer on its own, against a socket whose peer reads nothing at first: it sends whole
     * chunks until the kernel takes only part of one, and the rest goes Netty's way. Then the
     * peer drains the socket while that rest still waits in Netty's queue (the event loop is
     * busy in this test's task): the socket has room, yet the writer must take nothing, or the
     * next chunk would overtake the rest. The peer reads every chunk intact and in order.
     */
    @Test
    void bytesWaitingInNettysQueueAreNeverOvertaken() throws Exception {
        assumeTrue(Epoll.isAvailable(), "native epoll transport");
        int chunk = 60_000;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        CompletableFuture<ChannelHandlerContext> accepted = new CompletableFuture<>();
        try {
            Channel listener = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                    .childOption(ChannelOption.SO_SNDBUF, 8192)
                    .childHandler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            accepted.complete(ctx);
                        }
                    })
                    .bind("127.0.0.1", 0).sync().channel();
            int port = ((java.net.InetSocketAddress) listener.localAddress()).getPort();
            try (Socket peer = new Socket()) {
                // Small buffers on both sides (set before connecting, so the window fits them):
                // the socket is full after a few KB while the peer does not read.
                peer.setReceiveBufferSize(8192);
                peer.connect(new java.net.InetSocketAddress("127.0.0.1", port));
                peer.setSoTimeout(30_000);
                ChannelHandlerContext ctx = accepted.get(10, TimeUnit.SECONDS);
                // Chunk j is filled with byte j: the peer tells order and loss apart.
                java.util.concurrent.CountDownLatch filled = new java.util.concurrent.CountDownLatch(1);
                java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
                java.util.concurrent.atomic.AtomicInteger total = new java.util.concurrent.atomic.AtomicInteger(-1);
                CompletableFuture<Void> peerRead = CompletableFuture.runAsync(() -> {
                    try {
                        filled.await();
                        java.io.InputStream in = peer.getInputStream();
                        byte[] got = new byte[chunk];
                        for (int j = 0; j != total.get(); j++) {
                            for (int off = 0; off < chunk; ) {
                                int n = in.read(got, off, chunk - off);
                                if (n < 0) {
                                    throw new java.io.EOFException("chunk " + j);
                                }
                                off += n;
                                received.addAndGet(n);
                            }
                            byte[] expected = new byte[chunk];
                            Arrays.fill(expected, (byte) j);
                            assertArrayEquals(expected, got, "chunk " + j);
                        }
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                ctx.executor().submit(() -> {
                    SocketWriter writer = SocketWriter.forConnection(ctx);
                    assertNotNull(writer, "a plain epoll connection gets a direct writer");
                    byte[] bytes = new byte[chunk];
                    for (int i = 0; i < 10_000; i++) {
                        Arrays.fill(bytes, (byte) i);
                        int sent = writer.write(bytes, chunk);
                        if (sent < chunk) {
                            ctx.writeAndFlush(Unpooled.copiedBuffer(bytes, sent, chunk - sent));
                            assertTrue(ctx.channel().unsafe().outboundBuffer().totalPendingWriteBytes() > 0,
                                    "setup: the rest of the chunk waits in Netty's queue");
                            total.set(i + 2);
                            filled.countDown();
                            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (received.get() < (long) i * chunk + sent && System.nanoTime() < deadline) {
                                Thread.sleep(1);
                            }
                            Arrays.fill(bytes, (byte) (i + 1));
                            assertEquals(0, writer.write(bytes, chunk), "the socket has room, the queue goes first");
                            ctx.writeAndFlush(Unpooled.copiedBuffer(bytes));
                            return null;
                        }
                    }
                    throw new AssertionError("the socket never filled");
                }).get(30, TimeUnit.SECONDS);
                peerRead.get(30, TimeUnit.SECONDS);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** One CRLF-terminated line, without the CRLF. */
    private static String line(DataInputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new java.io.EOFException(line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        return new String(Arrays.copyOf(bytes, bytes.length - 1), StandardCharsets.ISO_8859_1);
    }
}
