package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Big bulks: a 64 MB value goes in and comes back intact while other clients are served (512 MB
 * works the same when proto-max-bulk-len and the heap allow; see README), and a bulk past
 * proto-max-bulk-len is refused with Redis's error and the connection closed.
 */
class LargeValuesTest {
    private static final int SIZE = 64 * 1024 * 1024;

    private static byte[] pattern(int i) {
        return new byte[]{(byte) ('a' + i % 26)};
    }

    @Test
    void a64MegabyteValueRoundTripsWhileOthersAreServed() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection other = new RespConnection(server.host(), server.port());
             Socket big = new Socket(server.host(), server.port())) {
            big.setSoTimeout(60_000);
            OutputStream out = big.getOutputStream();
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            out.write(("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + SIZE + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[1 << 20];
            for (int c = 0; c < SIZE / chunk.length; c++) {
                java.util.Arrays.fill(chunk, pattern(c)[0]);
                out.write(chunk);
                sent.update(chunk);
                if (c == 32) {
                    // Half way through the upload, another client is not kept waiting.
                    assertEquals("+PONG\r\n", other.call("PING"));
                }
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(big.getInputStream(), 1 << 16);
            assertEquals("+OK\r\n", line(in));
            assertEquals(":" + SIZE + "\r\n", other.call("STRLEN", "big"));

            out.write("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("$" + SIZE + "\r\n", line(in));
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            long remaining = SIZE;
            while (remaining > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                assertTrue(n > 0);
                received.update(buf, 0, n);
                remaining -= n;
            }
            assertEquals("\r\n", line(in));
            assertArrayEquals(sent.digest(), received.digest());
            assertEquals(":1\r\n", other.call("DEL", "big"));
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException(sb.toString());
            }
            sb.append((char) b);
            if (prev == '\r' && b == '\n') {
                return sb.toString();
            }
            prev = b;
        }
    }

    @Test
    void aBulkPastProtoMaxBulkLenIsRefusedWithRedisErrorAndTheConnectionClosed() throws Exception {
        try (RunningServer server = RunningServer.start("--proto-max-bulk-len", "1mb");
             RespConnection c = new RespConnection(server.host(), server.port());
             RespConnection other = new RespConnection(server.host(), server.port())) {
            byte[] limit = new byte[1024 * 1024];
            java.util.Arrays.fill(limit, (byte) 'x');
            assertEquals("+OK\r\n", c.call(new byte[][]{"SET".getBytes(), "k".getBytes(), limit}));
            c.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1048577\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("-ERR Protocol error: invalid bulk length\r\n", c.readReply());
            assertTrue(c.closedByServer());
            // Commands that would grow a string past the limit refuse too, as in Redis.
            assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                    other.call("APPEND", "k", "y"));
            assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                    other.call("SETRANGE", "k", "1048576", "y"));
            assertEquals(":1048576\r\n", other.call("STRLEN", "k"));
        }
    }
}
