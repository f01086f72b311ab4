package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * client-output-buffer-limit for the normal class over real sockets: a client that pipelines big
 * GETs and never reads is closed at the hard limit, or after soft seconds above the soft limit,
 * while other clients keep being served; the default "normal 0 0 0" never closes anyone.
 */
class OutputBufferLimitTest {
    private static final int VALUE = 1024 * 1024;

    /** A connection with a tiny receive buffer that sends requests and never reads. */
    private static Socket stuckClient(RunningServer server) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(server.host(), server.port()));
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] gets(int n) {
        return "GET big\r\n".repeat(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static void storeBigValue(RespConnection c) throws IOException {
        byte[] value = new byte[VALUE];
        java.util.Arrays.fill(value, (byte) 'v');
        assertEquals("+OK\r\n", c.call(new byte[][]{"SET".getBytes(), "big".getBytes(), value}));
    }

    private static int connectedClients(RespConnection c) throws IOException {
        String info = c.call("INFO", "clients");
        for (String line : info.split("\r\n")) {
            if (line.startsWith("connected_clients:")) {
                return Integer.parseInt(line.substring("connected_clients:".length()));
            }
        }
        throw new AssertionError(info);
    }

    private static void awaitClients(RespConnection c, int expected) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (connectedClients(c) != expected && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, connectedClients(c));
    }

    /** Drains what the kernel already holds and returns the byte count; the stream must end. */
    private static long drainToEof(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
        }
        assertEquals(-1, n, "the server closed the connection");
        return total;
    }

    @Test
    void aClientThatNeverReadsIsDisconnectedAtTheHardLimit() throws Exception {
        try (RunningServer server = RunningServer.start("--client-output-buffer-limit", "normal 4mb 0 0");
             RespConnection other = new RespConnection(server.host(), server.port());
             Socket stuck = stuckClient(server)) {
            storeBigValue(other);
            OutputStream out = stuck.getOutputStream();
            // 64 MB of replies asked for; the kernel buffers a few MB, the rest would pile up.
            out.write(gets(64));
            out.flush();
            awaitClients(other, 1);
            long received = drainToEof(stuck);
            assertTrue(received < 32L * VALUE, "far less than the 64 MB asked for was sent: " + received);
            assertEquals(1, server.server().stats().clientOutputBufferLimitDisconnections);
            // The other client was served all along and still is.
            assertEquals("$" + VALUE, other.call("GET", "big").substring(0, 8));
            assertEquals("+PONG\r\n", other.call("PING"));
        }
    }

    @Test
    void theSoftLimitClosesOnlyAfterItHasBeenExceededForSoftSeconds() throws Exception {
        try (RunningServer server = RunningServer.start("--client-output-buffer-limit", "normal 0 2mb 1");
             RespConnection other = new RespConnection(server.host(), server.port());
             Socket stuck = stuckClient(server)) {
            storeBigValue(other);
            OutputStream out = stuck.getOutputStream();
            out.write(gets(8));
            out.flush();
            Thread.sleep(300);
            // Above the soft limit, but not for a second yet: still connected.
            assertEquals(2, connectedClients(other));
            Thread.sleep(900);
            // Redis checks the limits when output is added: the next reply closes the client.
            out.write(gets(1));
            out.flush();
            awaitClients(other, 1);
            drainToEof(stuck);
            assertEquals("+PONG\r\n", other.call("PING"));
        }
    }

    @Test
    void theDefaultNormalLimitOfZeroIsUnlimited() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection other = new RespConnection(server.host(), server.port());
             Socket stuck = stuckClient(server)) {
            assertEquals("*2\r\n$26\r\nclient-output-buffer-limit\r\n$67\r\n"
                            + "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n",
                    other.call("CONFIG", "GET", "client-output-buffer-limit"));
            storeBigValue(other);
            OutputStream out = stuck.getOutputStream();
            out.write(gets(24));
            out.flush();
            Thread.sleep(300);
            assertEquals(2, connectedClients(other));
            // Every reply arrives once the client finally reads.
            InputStream in = stuck.getInputStream();
            long expected = 24L * ("$" + VALUE + "\r\n").length() + 24L * (VALUE + 2);
            long total = 0;
            byte[] buf = new byte[1 << 16];
            while (total < expected) {
                int n = in.read(buf);
                assertTrue(n > 0);
                total += n;
            }
            assertEquals(expected, total);
            assertEquals(0, server.server().stats().clientOutputBufferLimitDisconnections);
        }
    }

    @Test
    void aSubscriberIsHeldToThePubsubClassAndOthersToTheNormalClass() {
        io.mnemos.testing.CommandHarness h = new io.mnemos.testing.CommandHarness();
        h.exec("CONFIG", "SET", "client-output-buffer-limit", "normal 64 0 0 pubsub 0 0 0");
        Client sub = h.newClient();
        Client plain = h.newClient();
        assertEquals(ServerConfig.CLIENT_CLASS_NORMAL, OutputBufferLimits.classOf(sub));
        h.exec(sub, "SUBSCRIBE", "c");
        assertEquals(ServerConfig.CLIENT_CLASS_PUBSUB, OutputBufferLimits.classOf(sub));
        for (int i = 0; i < 10; i++) {
            h.exec("PUBLISH", "c", "x".repeat(100));
        }
        // 1 KB unread, far past the normal class's 64 bytes, but the pubsub class is unlimited.
        assertFalse(sub.closing());
        assertTrue(sub.outputBufferBytes() > 1000);
        // The normal class applies to a client that is not subscribed.
        plain.reply().bulk("y".repeat(100));
        assertTrue(OutputBufferLimits.closeIfReached(plain));
        assertTrue(plain.closing());
        assertEquals(0, plain.outputBufferBytes(), "its pending output was dropped");
    }

    @Test
    void theReplicaClassIsParsedAndReportedThoughMnemosHasNoReplicas() throws Exception {
        try (RunningServer server = RunningServer.start("--client-output-buffer-limit",
                "replica 1gb 512mb 120 normal 10mb 5mb 30");
             RespConnection c = new RespConnection(server.host(), server.port())) {
            assertFalse(c.call("CONFIG", "GET", "client-output-buffer-limit").isEmpty());
            assertTrue(c.call("CONFIG", "GET", "client-output-buffer-limit")
                    .contains("normal 10485760 5242880 30 slave 1073741824 536870912 120 pubsub"));
        }
    }
}
