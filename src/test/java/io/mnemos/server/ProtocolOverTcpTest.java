package io.mnemos.server;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The wire protocol end to end: raw bytes to Mnemos and, where redis-server is installed, the same
 * bytes to real Redis 7.0, whose raw replies must be identical.
 */
class ProtocolOverTcpTest {
    private static final String CLOSED = "<closed>";

    private static RunningServer mnemos;
    private static RealRedis redis;

    @BeforeAll
    static void start() throws Exception {
        mnemos = RunningServer.start();
        if (RealRedis.available()) {
            redis = RealRedis.start();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        mnemos.close();
        if (redis != null) {
            redis.close();
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends the bytes and reads everything until the server closes the connection. */
    private static String untilClosed(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (SocketException e) {
                return CLOSED; // reset while we were still sending
            }
            return readUntilClosed(s.getInputStream());
        }
    }

    private static String readUntilClosed(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            return got.toString(StandardCharsets.ISO_8859_1) + "<still open>";
        } catch (SocketException e) {
            // a reset after the reply still means closed
        }
        return got.toString(StandardCharsets.ISO_8859_1) + CLOSED;
    }

    /** Sends the bytes and reads exactly {@code length} bytes back. */
    private static String exchange(int port, byte[] request, int length) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request);
            return new String(s.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
        }
    }

    private static void assertSameAsRedis(String mnemosReply, java.util.function.IntFunction<String> atRedis) {
        if (redis != null) {
            assertEquals(atRedis.apply(redis.port()), mnemosReply, "real Redis replies differently");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "*abc\r\n|-ERR Protocol error: invalid multibulk length\r\n",
            "*2147483648\r\n|-ERR Protocol error: invalid multibulk length\r\n",
            "*-0\r\n|-ERR Protocol error: invalid multibulk length\r\n",
            "*1\r\n$-1\r\n|-ERR Protocol error: invalid bulk length\r\n",
            "*1\r\n$04\r\n|-ERR Protocol error: invalid bulk length\r\n",
            "*1\r\n$536870913\r\n|-ERR Protocol error: invalid bulk length\r\n",
            "*1\r\nx4\r\nPING\r\n|-ERR Protocol error: expected '$', got 'x'\r\n",
            "*1\r\n\r\n|-ERR Protocol error: expected '$', got ' '\r\n",
            "ECHO \"abc\r\n|-ERR Protocol error: unbalanced quotes in request\r\n",
            "ECHO \"a\"b\r\n|-ERR Protocol error: unbalanced quotes in request\r\n",
            "PING\r\n*1\r\n$4\r\nPING\r\n*x\r\nPING\r\n|+PONG\r\n+PONG\r\n-ERR Protocol error: invalid multibulk length\r\n",
    })
    void protocolErrorIsRepliedThenThatConnectionIsClosed(String spec) throws Exception {
        String[] parts = spec.split("\\|");
        byte[] request = bytes(parts[0]);
        try (RespConnection other = new RespConnection(mnemos.host(), mnemos.port())) {
            String reply = untilClosed(mnemos.port(), request);
            assertEquals(parts[1] + CLOSED, reply);
            assertEquals("+PONG\r\n", other.call("PING"), "other connections keep working");
        }
        assertSameAsRedis(parts[1] + CLOSED, port -> {
            try {
                return untilClosed(port, request);
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** Sends the bytes, shuts down the sending side (EOF, as `printf ... | nc -N`) and reads to the close. */
    private static String sentThenHalfClosed(int port, byte[] request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request);
            s.shutdownOutput();
            return readUntilClosed(s.getInputStream());
        }
    }

    @Test
    void aClientThatSendsAndThenClosesItsSideGetsEveryReplyBeforeTheClose() throws Exception {
        StringBuilder request = new StringBuilder("SET piped 1\r\n");
        StringBuilder expected = new StringBuilder("+OK\r\n");
        for (int i = 2; i <= 100; i++) {
            request.append("INCR piped\r\n");
            expected.append(':').append(i).append("\r\n");
        }
        request.append("*2\r\n$3\r\nGET\r\n$5\r\npiped\r\n");
        expected.append("$3\r\n100\r\n");
        String reply = sentThenHalfClosed(mnemos.port(), bytes(request.toString()));
        assertEquals(expected + CLOSED, reply);
        assertSameAsRedis(reply, port -> {
            try {
                return sentThenHalfClosed(port, bytes(request.toString()));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
    }

    @Test
    void tooLongLinesAreProtocolErrorsLikeRedis() throws Exception {
        String[][] cases = {
                {"A".repeat(64 * 1024 + 1), "-ERR Protocol error: too big inline request\r\n"},
                {"*" + "1".repeat(64 * 1024 + 1), "-ERR Protocol error: too big mbulk count string\r\n"},
                {"*1\r\n$" + "1".repeat(64 * 1024 + 1), "-ERR Protocol error: too big bulk count string\r\n"},
        };
        for (String[] c : cases) {
            assertEquals(c[1] + CLOSED, untilClosed(mnemos.port(), bytes(c[0])));
            if (redis != null) {
                assertEquals(c[1] + CLOSED, untilClosed(redis.port(), bytes(c[0])));
            }
        }
    }

    @Test
    void tenThousandPipelinedCommandsComeBackInOrder() throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            if (i % 2 == 0) {
                req.writeBytes(bytes("*1\r\n$4\r\nPING\r\n"));
                expected.append("+PONG\r\n");
            } else {
                String n = Integer.toString(i);
                req.writeBytes(RespConnection.encode(new byte[][] {bytes("PING"), bytes(n)}));
                expected.append('$').append(n.length()).append("\r\n").append(n).append("\r\n");
            }
        }
        byte[] all = req.toByteArray();
        String reply = exchange(mnemos.port(), all, expected.length());
        assertEquals(expected.toString(), reply);
        if (redis != null) {
            assertEquals(reply, exchange(redis.port(), all, expected.length()));
        }
    }

    @Test
    void pipelineSplitIntoTinyWritesStillAnswersEveryCommandInOrder() throws Exception {
        byte[] one = bytes("*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n");
        byte[] all = new byte[one.length * 200];
        for (int i = 0; i < 200; i++) {
            System.arraycopy(one, 0, all, i * one.length, one.length);
        }
        try (Socket s = new Socket("127.0.0.1", mnemos.port())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(10_000);
            for (int i = 0; i < all.length; i += 7) {
                s.getOutputStream().write(Arrays.copyOfRange(all, i, Math.min(all.length, i + 7)));
                s.getOutputStream().flush();
            }
            String reply = new String(s.getInputStream().readNBytes(200 * 18), StandardCharsets.ISO_8859_1);
            assertEquals("$5\r\nhello\r\n+PONG\r\n".repeat(200), reply);
        }
    }

    @Test
    void inlineCommandsOverARawSocket() throws Exception {
        byte[] request = bytes("PING\r\nSET a \"b c\"\r\nGET a\r\n\r\nECHO 'x y'\nPING \"hi there\"\r\n");
        String expected = "+PONG\r\n+OK\r\n$3\r\nb c\r\n$3\r\nx y\r\n$8\r\nhi there\r\n";
        String reply = exchange(mnemos.port(), request, expected.length());
        assertEquals(expected, reply);
        if (redis != null) {
            assertEquals(reply, exchange(redis.port(), request, expected.length()));
        }
    }

    @Test
    void emptyAndNullMultibulksAreIgnored() throws Exception {
        byte[] request = bytes("*0\r\n*-1\r\n\r\n*-5\r\nPING\r\n");
        String reply = exchange(mnemos.port(), request, 7);
        assertEquals("+PONG\r\n", reply);
        if (redis != null) {
            assertEquals(reply, exchange(redis.port(), request, 7));
        }
    }

    @Test
    void unauthenticatedClientsGetSmallerLimits() throws Exception {
        try (RunningServer s = RunningServer.start("--requirepass", "pw")) {
            assertEquals("-ERR Protocol error: unauthenticated multibulk length\r\n" + CLOSED,
                    untilClosed(s.port(), bytes("*11\r\n")));
            assertEquals("-ERR Protocol error: unauthenticated bulk length\r\n" + CLOSED,
                    untilClosed(s.port(), bytes("*1\r\n$16385\r\n")));
        }
    }

    @Test
    void authEarlierInThePipelineLiftsTheLimitsForWhatFollows() throws Exception {
        try (RunningServer s = RunningServer.start("--requirepass", "pw")) {
            byte[] request = bytes("AUTH pw\r\n*11\r\n$3\r\nDEL\r\n" + "$1\r\nk\r\n".repeat(10));
            assertEquals("+OK\r\n:0\r\n", exchange(s.port(), request, 9));
        }
    }

    @Test
    void clientExceedingTheQueryBufferLimitIsClosedWithoutReply() throws Exception {
        try (RunningServer s = RunningServer.start("--client-query-buffer-limit", "1mb");
             RespConnection other = new RespConnection(s.host(), s.port())) {
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            partial.writeBytes(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n"));
            partial.writeBytes(new byte[2_000_000]);
            assertEquals(CLOSED, untilClosed(s.port(), partial.toByteArray()));

            // Redis frees the client before running a command whose bulk alone passed the limit
            ByteArrayOutputStream complete = new ByteArrayOutputStream();
            complete.writeBytes(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n"));
            complete.writeBytes(new byte[2_000_000]);
            complete.writeBytes(bytes("\r\n"));
            assertEquals(CLOSED, untilClosed(s.port(), complete.toByteArray()));
            assertEquals("$-1\r\n", other.call("GET", "k"));

            // under the limit is fine
            byte[] value = new byte[900_000];
            Arrays.fill(value, (byte) 'v');
            assertEquals("+OK\r\n", other.call(new byte[][] {bytes("SET"), bytes("k"), value}));
            assertEquals("+PONG\r\n", other.call("PING"));
        }
        if (redis != null) {
            try (RealRedis r = RealRedis.start("--client-query-buffer-limit", "1mb")) {
                ByteArrayOutputStream partial = new ByteArrayOutputStream();
                partial.writeBytes(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3000000\r\n"));
                partial.writeBytes(new byte[2_000_000]);
                assertEquals(CLOSED, untilClosed(r.port(), partial.toByteArray()));
            }
        }
    }

    @Test
    void connectionsBeyondMaxclientsAreToldAndClosed() throws Exception {
        try (RunningServer s = RunningServer.start("--maxclients", "2");
             RespConnection first = new RespConnection(s.host(), s.port());
             RespConnection second = new RespConnection(s.host(), s.port())) {
            assertEquals("+PONG\r\n", first.call("PING"));
            assertEquals("+PONG\r\n", second.call("PING"));
            String third = untilClosed(s.port(), new byte[0]);
            assertEquals("-ERR max number of clients reached\r\n" + CLOSED, third);
            assertEquals("+PONG\r\n", first.call("PING"));
            if (redis != null) {
                try (RealRedis r = RealRedis.start("--maxclients", "2")) {
                    Thread.sleep(200); // let Redis see RealRedis's start-up probe connection close
                    maxclientsAtRedis(r, third);
                }
            }
        }
    }


    private static void maxclientsAtRedis(RealRedis r, String expectedThird) throws Exception {
        try (RespConnection a = new RespConnection("127.0.0.1", r.port());
             RespConnection b = new RespConnection("127.0.0.1", r.port())) {
            assertEquals("+PONG\r\n", a.call("PING"));
            assertEquals("+PONG\r\n", b.call("PING"));
            assertEquals(expectedThird, untilClosed(r.port(), new byte[0]));
        }
    }

    @Test
    void aHugeDeclaredBulkDoesNotCostItsSizeUpFront() throws Exception {
        Runtime rt = Runtime.getRuntime();
        Socket[] sockets = new Socket[4];
        try {
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = new Socket("127.0.0.1", mnemos.port());
                sockets[i].getOutputStream().write(bytes("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870912\r\nabc"));
            }
            try (RespConnection c = new RespConnection(mnemos.host(), mnemos.port())) {
                assertEquals("+PONG\r\n", c.call("PING"));
            }
            long used = rt.totalMemory() - rt.freeMemory();
            assertTrue(used < 1024L * 1024 * 1024, "4 x 512MB declared must not be allocated: " + used);
        } finally {
            for (Socket s : sockets) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
