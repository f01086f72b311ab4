package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Blocking pops and WATCH over real connections: several clients, timeouts on the event loop. */
class BlockingAndTransactionsOverTcpTest {
    private RunningServer server;
    private RespConnection admin;

    @BeforeEach
    void start() throws IOException {
        server = RunningServer.start();
        admin = connect();
    }

    @AfterEach
    void stop() throws IOException {
        admin.close();
        server.close();
    }

    private RespConnection connect() throws IOException {
        return new RespConnection(server.host(), server.port());
    }

    /** Waits until INFO reports {@code n} blocked clients. */
    private void awaitBlocked(int n) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (!admin.call("INFO", "clients").contains("blocked_clients:" + n + "\r\n")) {
            assertTrue(System.currentTimeMillis() < deadline, "never saw " + n + " blocked clients");
            Thread.sleep(5);
        }
    }

    private static byte[] raw(String... commands) {
        StringBuilder sb = new StringBuilder();
        for (String c : commands) {
            sb.append(c).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void blpopIsWokenByAnotherClientsRpushAndPipelinedCommandsWaitForIt() throws Exception {
        try (RespConnection waiter = connect()) {
            waiter.sendRaw(raw("BLPOP q 0", "PING", "LLEN q"));
            awaitBlocked(1);
            assertEquals(":1\r\n", admin.call("RPUSH", "q", "v"));
            assertEquals("*2\r\n$1\r\nq\r\n$1\r\nv\r\n", waiter.readReply());
            assertEquals("+PONG\r\n", waiter.readReply());
            assertEquals(":0\r\n", waiter.readReply());
            awaitBlocked(0);
        }
    }

    @Test
    void threeBlockedClientsAreServedInTheOrderTheyBlocked() throws Exception {
        try (RespConnection a = connect(); RespConnection b = connect(); RespConnection c = connect()) {
            RespConnection[] waiters = {a, b, c};
            for (int i = 0; i < 3; i++) {
                waiters[i].sendRaw(raw("BLPOP q 0"));
                awaitBlocked(i + 1);
            }
            assertEquals(":3\r\n", admin.call("RPUSH", "q", "1", "2", "3"));
            for (int i = 0; i < 3; i++) {
                assertEquals("*2\r\n$1\r\nq\r\n$1\r\n" + (i + 1) + "\r\n", waiters[i].readReply());
            }
        }
    }

    @Test
    void fractionalTimeoutAnswersWithANullArray() throws Exception {
        try (RespConnection waiter = connect()) {
            long start = System.nanoTime();
            assertEquals("*-1\r\n", waiter.call("BRPOP", "q", "0.1"));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms >= 90 && ms < 1000, "took " + ms + " ms");
            assertEquals("*-1\r\n", waiter.call("BLMOVE", "q", "d", "LEFT", "LEFT", "0.05"));
            assertEquals("+PONG\r\n", waiter.call("PING"));
        }
    }

    @Test
    void disconnectWhileBlockedLeavesNoWaiterBehind() throws Exception {
        RespConnection waiter = connect();
        waiter.sendRaw(raw("BLPOP q 0"));
        awaitBlocked(1);
        waiter.close();
        awaitBlocked(0);
        assertEquals(":1\r\n", admin.call("RPUSH", "q", "v"));
        assertEquals(":1\r\n", admin.call("LLEN", "q"));
    }

    @Test
    void clientUnblockWakesTheWaiter() throws Exception {
        try (RespConnection waiter = connect()) {
            String id = waiter.call("CLIENT", "ID").substring(1).trim();
            waiter.sendRaw(raw("BLPOP q 0", "PING"));
            awaitBlocked(1);
            assertTrue(admin.call("CLIENT", "LIST").contains("flags=b"));
            assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id, "ERROR"));
            assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", waiter.readReply());
            assertEquals("+PONG\r\n", waiter.readReply());
            waiter.sendRaw(raw("BLPOP q 0"));
            awaitBlocked(1);
            assertEquals(":1\r\n", admin.call("CLIENT", "UNBLOCK", id));
            assertEquals("*-1\r\n", waiter.readReply());
        }
    }

    @Test
    void watchIsAbortedByAnotherClientsWrite() throws Exception {
        try (RespConnection tx = connect()) {
            tx.call("SET", "k", "1");
            assertEquals("+OK\r\n", tx.call("WATCH", "k"));
            admin.call("INCR", "k");
            tx.call("MULTI");
            assertEquals("+QUEUED\r\n", tx.call("INCR", "k"));
            assertEquals("*-1\r\n", tx.call("EXEC"));
            assertEquals("$1\r\n2\r\n", tx.call("GET", "k"));
        }
    }

    @Test
    void watchIsAbortedByExpiry() throws Exception {
        try (RespConnection tx = connect()) {
            tx.call("SET", "k", "1", "PX", "30");
            tx.call("WATCH", "k");
            Thread.sleep(60);
            tx.call("MULTI");
            tx.call("SET", "k", "2");
            assertEquals("*-1\r\n", tx.call("EXEC"));
        }
    }

    @Test
    void multiInResp3() throws Exception {
        try (RespConnection tx = connect()) {
            tx.call("HELLO", "3");
            tx.call("MULTI");
            tx.call("SET", "a", "1");
            tx.call("SMEMBERS_NOPE");
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", tx.call("EXEC"));
            tx.call("MULTI");
            tx.call("INCR", "n");
            tx.call("BLPOP", "q", "0");
            assertEquals("*2\r\n:1\r\n_\r\n", tx.call("EXEC"));
        }
    }
}
