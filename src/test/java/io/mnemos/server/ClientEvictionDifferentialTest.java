package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.SlowReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.mnemos.testing.PortScenario.onMnemosAndRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Client eviction (maxmemory-clients) over real sockets, each scenario run against Mnemos and, where
 * redis-server is on the PATH, against Redis 7.0, which must behave the same: the client whose
 * request or replies hold the memory is closed and counted in evicted_clients, CLIENT NO-EVICT
 * clients are kept (and then every evictable client goes, as in Redis), and the limit follows a
 * percentage of maxmemory with a 128 KB floor.
 */
class ClientEvictionDifferentialTest {
    /** A SET whose 4 MB value is declared but only half sent: the query buffer holds 2 MB. */
    private static final byte[] HALF_A_BIG_SET = halfABigSet();

    private static byte[] halfABigSet() {
        byte[] header = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(header, header.length + 2_000_000);
        Arrays.fill(request, header.length, request.length, (byte) 'x');
        return request;
    }

    /**
     * Redis reserves a big bulk's declared length as soon as its header arrives, so it may evict
     * the client, and reset the connection, while the rest is still being sent.
     */
    private static void sendHalfABigSet(Socket s) throws IOException {
        try {
            s.getOutputStream().write(HALF_A_BIG_SET);
        } catch (SocketException resetWhileSending) {
            // awaitClose sees the connection closed
        }
    }

    /** The control connection after SET big of 1 MB, and a slow reader that sent {@code requests}. */
    private static List<String> readingTheBigValue(int port, String requests, String... thenOnControl) throws Exception {
        try (RespConnection c = control(port, "2mb");
             Socket reader = SlowReader.connect(port)) {
            byte[] value = new byte[1024 * 1024];
            Arrays.fill(value, (byte) 'v');
            assertEquals("+OK\r\n", c.call(new byte[][] {"SET".getBytes(), "big".getBytes(), value}));
            reader.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            List<String> out = new ArrayList<>(List.of(awaitClose(reader), c.infoLine("stats", "evicted_clients")));
            if (thenOnControl.length > 0) {
                out.add(c.call(thenOnControl));
            }
            return out;
        }
    }

    /** A control connection that eviction spares, as an operator's redis-cli would be. */
    private static RespConnection control(int port, String maxmemoryClients) throws IOException {
        RespConnection c = new RespConnection("127.0.0.1", port);
        assertEquals("+OK\r\n", c.call("CLIENT", "NO-EVICT", "on"));
        assertEquals("+OK\r\n", c.call("CONFIG", "SET", "maxmemory-clients", maxmemoryClients));
        return c;
    }

    /** "closed" once the server closes {@code s} (replies it had sent are skipped), "open" after 3 s. */
    private static String awaitClose(Socket s) throws IOException {
        s.setSoTimeout(3000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        try {
            while (in.read(buf) >= 0) {
                // replies written before the eviction
            }
            return "closed";
        } catch (SocketException reset) {
            return "closed";
        } catch (SocketTimeoutException stillOpen) {
            return "open";
        }
    }

    @Test
    void theClientWhoseRequestHoldsTheMemoryIsEvictedAndOthersKeepBeingServed() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            try (RespConnection c = control(port, "1mb");
                 RespConnection idle = new RespConnection("127.0.0.1", port);
                 Socket big = SlowReader.connect(port)) {
                sendHalfABigSet(big);
                return List.of(awaitClose(big), c.infoLine("stats", "evicted_clients"), idle.call("PING"), c.call("EXISTS", "k"));
            }
        });
        assertEquals(List.of("closed", "evicted_clients:1", "+PONG\r\n", ":0\r\n"), seen);
    }

    @Test
    void aNoEvictClientIsKeptAndEveryEvictableClientGoesWhileItHoldsTheMemory() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            try (RespConnection c = control(port, "1mb");
                 Socket idle = SlowReader.connect(port);
                 RespConnection big = new RespConnection("127.0.0.1", port)) {
                assertEquals("+OK\r\n", big.call("CLIENT", "NO-EVICT", "on"));
                big.sendRaw(HALF_A_BIG_SET);
                List<String> out = new ArrayList<>();
                out.add(awaitClose(idle));
                big.sendRaw(("x".repeat(2_000_000) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.add(big.readReply());
                out.add(c.infoLine("stats", "evicted_clients"));
                out.add(c.call("STRLEN", "k"));
                try (RespConnection later = new RespConnection("127.0.0.1", port)) {
                    out.add(later.call("PING"));
                }
                return out;
            }
        });
        assertEquals(List.of("closed", "+OK\r\n", "evicted_clients:1", ":4000000\r\n", "+PONG\r\n"), seen);
    }

    @Test
    void repliesTheSocketDidNotTakeCountAsTheClientsMemory() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> readingTheBigValue(port, "GET big\r\n".repeat(40)));
        assertEquals(List.of("closed", "evicted_clients:1"), seen);
    }

    /**
     * Redis checks the limit before each command of a pipeline, the client's figure including the
     * replies its earlier commands queued: the command after the one that went over never runs,
     * however fast the socket would have taken the replies.
     */
    @Test
    void aPipelineIsCutAtTheFirstCommandAfterItsRepliesReachTheLimit() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> readingTheBigValue(port,
                "GET big\r\nGET big\r\nSET after-the-limit 1\r\nGET big\r\n", "EXISTS", "after-the-limit"));
        assertEquals(List.of("closed", "evicted_clients:1", ":0\r\n"), seen);
    }

    @Test
    void aPercentageOfMaxmemorySetsTheLimitAndNoLimitIsBelow128Kb() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = control(port, "10%")) {
                out.add(c.call("CONFIG", "GET", "maxmemory-clients"));
                // A percentage of no maxmemory is no limit.
                try (Socket big = SlowReader.connect(port)) {
                    sendHalfABigSet(big);
                    out.add(awaitClose(big));
                }
                out.add(c.call("CONFIG", "SET", "maxmemory", "30mb"));
                try (Socket big = SlowReader.connect(port)) {
                    sendHalfABigSet(big);
                    out.add(awaitClose(big));
                }
                out.add(c.infoLine("stats", "evicted_clients"));
                // One byte means 128 KB: two idle clients fit.
                out.add(c.call("CONFIG", "SET", "maxmemory", "0"));
                out.add(c.call("CONFIG", "SET", "maxmemory-clients", "1"));
                try (RespConnection first = new RespConnection("127.0.0.1", port);
                     RespConnection second = new RespConnection("127.0.0.1", port)) {
                    out.add(first.call("PING") + second.call("PING"));
                    out.add(c.infoLine("stats", "evicted_clients"));
                }
            }
            return out;
        });
        assertEquals(List.of("*2\r\n$17\r\nmaxmemory-clients\r\n$3\r\n10%\r\n", "open", "+OK\r\n", "closed",
                "evicted_clients:1", "+OK\r\n", "+OK\r\n", "+PONG\r\n+PONG\r\n", "evicted_clients:1"), seen);
    }

    @Test
    void configResetstatClearsTheCount() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            try (RespConnection c = control(port, "1mb");
                 Socket big = SlowReader.connect(port)) {
                sendHalfABigSet(big);
                return List.of(awaitClose(big), c.infoLine("stats", "evicted_clients"), c.call("CONFIG", "RESETSTAT"), c.infoLine("stats", "evicted_clients"));
            }
        });
        assertEquals(List.of("closed", "evicted_clients:1", "+OK\r\n", "evicted_clients:0"), seen);
    }
}
