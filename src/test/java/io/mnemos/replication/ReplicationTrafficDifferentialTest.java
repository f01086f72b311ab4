package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static io.mnemos.testing.PortScenario.onMnemosAndRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Replication traffic as INFO stats counts it, side by side with redis-server 7.0: a replica
 * counts what its master sends from the RDB on in total_net_repl_input_bytes, a master what it
 * sends its replicas in total_net_repl_output_bytes, and both are part of the totals.
 */
class ReplicationTrafficDifferentialTest {
    private static long stat(RespConnection c, String name) throws Exception {
        return Long.parseLong(field(c.call("INFO", "stats"), name));
    }

    /**
     * What a replica shows: the stream bytes since {@code replInputBefore}, whether its totals take
     * in the replication traffic (one INFO reply's figures, so no request slips between), and what
     * it counted as sent to replicas of its own.
     */
    private static List<Object> replicaTraffic(RespConnection replica, long replInputBefore) throws Exception {
        String info = replica.call("INFO", "stats");
        long replInput = Long.parseLong(field(info, "total_net_repl_input_bytes"));
        long input = Long.parseLong(field(info, "total_net_input_bytes"));
        return List.of(replInput - replInputBefore, input > replInput,
                Long.parseLong(field(info, "total_net_repl_output_bytes")));
    }

    @Test
    void aReplicaCountsTheRdbAndTheStreamItsMasterSends() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = MasterLinkTest.redisMaster();
             MasterLinkDifferentialTest.TwoReplicas two = new MasterLinkDifferentialTest.TwoReplicas(redis)) {
            awaitInSync(two.master, two.expected);
            awaitInSync(two.master, two.actual);
            // Both replicas got an RDB of the same dataset from the same master: the same byte count.
            long rdb = stat(two.expected, "total_net_repl_input_bytes");
            assertTrue(rdb > 100, "the RDB counted: " + rdb);
            assertEquals(rdb, stat(two.actual, "total_net_repl_input_bytes"));
            // The first write after a sync may come with a SELECT; the second is measured.
            two.master.call("SET", "warm-up", "1");
            awaitInSync(two.master, two.expected);
            awaitInSync(two.master, two.actual);
            long expectedBefore = stat(two.expected, "total_net_repl_input_bytes");
            long actualBefore = stat(two.actual, "total_net_repl_input_bytes");
            two.master.call("SET", "traffic", "x".repeat(100));
            awaitInSync(two.master, two.expected);
            awaitInSync(two.master, two.actual);
            List<Object> expected = replicaTraffic(two.expected, expectedBefore);
            assertEquals(expected, replicaTraffic(two.actual, actualBefore));
            // The SET as the master propagates it: 134 bytes.
            assertEquals(List.of(134L, true, 0L), expected);
        }
    }

    /** What a master's INFO stats show after one write its replica receives. */
    private static long masterReplOutputOfOneWrite(int masterPort) throws Exception {
        try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(masterPort));
             RespConnection m = new RespConnection("127.0.0.1", masterPort);
             RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            long before = stat(m, "total_net_repl_output_bytes");
            assertTrue(before > 0, "the RDB sent counts");
            m.call("SET", "traffic", "x".repeat(100));
            awaitInSync(m, r);
            return stat(m, "total_net_repl_output_bytes") - before;
        }
    }

    @Test
    void aMasterCountsWhatItSendsItsReplicas() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        long expected;
        try (RealRedis redis = MasterLinkTest.redisMaster()) {
            expected = masterReplOutputOfOneWrite(redis.port());
        }
        try (RunningServer mnemos = RunningServer.start("--repl-diskless-sync-delay", "0")) {
            assertEquals(expected, masterReplOutputOfOneWrite(mnemos.port()));
        }
        // SELECT 0 (23 bytes) precedes the first write after the full sync; the SET is 134 bytes.
        assertEquals(23 + 134, expected);
    }

    /** INFO's backlog and replication buffer figures of a master after a run of writes. */
    private static List<String> backlogAfterWrites(int masterPort) throws Exception {
        try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(masterPort));
             RespConnection m = new RespConnection("127.0.0.1", masterPort);
             RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                m.call("SET", "key:" + i, "v".repeat(i % 90));
                if (i == 300) {
                    m.call("SET", "big", "x".repeat(50_000)); // a block of its own
                }
            }
            awaitInSync(m, r);
            String replication = m.call("INFO", "replication");
            String memory = m.call("INFO", "memory");
            for (String name : List.of("master_repl_offset", "repl_backlog_size", "repl_backlog_first_byte_offset",
                    "repl_backlog_histlen")) {
                seen.add(name + ":" + field(replication, name));
            }
            for (String name : List.of("mem_replication_backlog", "mem_total_replication_buffers", "mem_clients_slaves")) {
                seen.add(name + ":" + field(memory, name));
            }
            return seen;
        }
    }

    @Test
    void theBacklogHoldsRedisBlocksOfTheStream() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        // The smallest backlog, so that blocks are trimmed; no PINGs in the stream while the test runs.
        String[] master = {"--repl-backlog-size", "16384", "--repl-ping-replica-period", "3600",
                "--repl-diskless-sync-delay", "0"};
        List<String> expected;
        try (RealRedis redis = RealRedis.start(master)) {
            expected = backlogAfterWrites(redis.port());
        }
        try (RunningServer mnemos = RunningServer.start(master)) {
            assertEquals(expected, backlogAfterWrites(mnemos.port()));
        }
    }

    /** Everything the server sends within a short while, as text. */
    private static String answersTo(int port, String requests) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            StringBuilder out = new StringBuilder();
            byte[] buf = new byte[4096];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    out.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException quiet) {
                // all that came
            }
            return out.toString();
        }
    }

    @Test
    void syncAndPsyncAreRefusedWhileRepliesToEarlierCommandsAreUnsent() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            out.add(answersTo(port, "PING\r\nPSYNC ? -1\r\n"));
            out.add(answersTo(port, "PING\r\nSYNC\r\n"));
            out.add(answersTo(port, "REPLCONF capa eof\r\nPSYNC ? -1\r\nPING\r\n"));
            return out;
        });
        String refused = "-ERR SYNC and PSYNC are invalid with pending output\r\n";
        assertEquals(List.of("+PONG\r\n" + refused, "+PONG\r\n" + refused, "+OK\r\n" + refused + "+PONG\r\n"), seen);
    }
}
