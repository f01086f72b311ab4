package io.mnemos.server;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * SHUTDOWN as Redis 7 runs it with replicas connected: it waits up to shutdown-timeout seconds for
 * every replica to acknowledge the whole replication stream, with writes paused meanwhile, so a
 * replica that keeps up loses nothing; SHUTDOWN ABORT cancels the wait; NOW does not wait.
 */
class ShutdownSequenceTest {

    private static String field(String info, String name) {
        Matcher m = Pattern.compile(name + ":(\\S+)").matcher(info);
        return m.find() ? m.group(1) : null;
    }

    private static void awaitInSync(RespConnection master, RespConnection replica) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            String mi = master.call("INFO", "replication");
            String ri = replica.call("INFO", "replication");
            if ("up".equals(field(ri, "master_link_status"))
                    && field(mi, "master_repl_offset").equals(field(ri, "slave_repl_offset"))) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "replica not in sync:\n" + mi + "\n" + ri);
            Thread.sleep(20);
        }
    }

    private static void awaitField(RespConnection c, String section, String name, String value) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!value.equals(field(c.call("INFO", section), name))) {
            assertTrue(System.currentTimeMillis() < deadline, name + " never became " + value);
            Thread.sleep(20);
        }
    }

    private static RealRedis replicaOf(RunningServer master) throws Exception {
        return RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                "--enable-debug-command", "yes");
    }

    @Test
    void aLaggingReplicaHoldsTheShutdownAndWritesUntilAbort() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start();
             RespConnection m = new RespConnection(master.host(), master.port());
             RealRedis replica = replicaOf(master);
             RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
            m.call("SET", "before", "1");
            awaitInSync(m, r);
            replica.suspend();
            try {
                m.call("SET", "unacknowledged", "1");
                try (RespConnection shutdown = new RespConnection(master.host(), master.port());
                     RespConnection writer = new RespConnection(master.host(), master.port())) {
                    shutdown.sendRaw(RespConnection.encode("SHUTDOWN"));
                    awaitField(m, "clients", "blocked_clients", "1");
                    long left = Long.parseLong(field(m.call("INFO", "server"), "shutdown_in_milliseconds"));
                    assertTrue(left > 0 && left <= 10_000, "shutdown_in_milliseconds:" + left);

                    // Writes wait, reads go on.
                    writer.sendRaw(RespConnection.encode("SET", "during", "1"));
                    awaitField(m, "clients", "blocked_clients", "2");
                    assertEquals("$1\r\n1\r\n", m.call("GET", "before"));

                    assertEquals("+OK\r\n", m.call("SHUTDOWN", "ABORT"));
                    assertEquals("-ERR Errors trying to SHUTDOWN. Check logs.\r\n", shutdown.readReply());
                    assertEquals("+OK\r\n", writer.readReply());
                    assertNull(field(m.call("INFO", "server"), "shutdown_in_milliseconds"));
                    assertEquals("-ERR No shutdown in progress.\r\n", m.call("SHUTDOWN", "ABORT"));
                }
            } finally {
                replica.resume();
            }
            awaitInSync(m, r);
            assertEquals("$1\r\n1\r\n", r.call("GET", "during"));
        }
    }

    /**
     * Sends {@code shutdown} to a master whose one replica is stopped (SIGSTOP) after a write it
     * never acknowledges; returns how long the master took to close the connection (and stop).
     */
    private static long millisToStopWithALaggingReplica(String[] shutdown, String... masterFlags) throws Exception {
        try (RunningServer master = RunningServer.start(masterFlags);
             RespConnection m = new RespConnection(master.host(), master.port());
             RealRedis replica = replicaOf(master);
             RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            replica.suspend();
            try {
                m.call("SET", "unacknowledged", "1");
                long start = System.nanoTime();
                m.sendRaw(RespConnection.encode(shutdown));
                assertTrue(m.closedByServer(), "the server closes the connection without a reply");
                long waited = (System.nanoTime() - start) / 1_000_000;
                assertTrue(master.server().stopping());
                return waited;
            } finally {
                replica.resume();
            }
        }
    }

    @Test
    void theWaitEndsAfterShutdownTimeoutAndTheServerStopsAnyway() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        long waited = millisToStopWithALaggingReplica(new String[]{"SHUTDOWN", "NOSAVE"}, "--shutdown-timeout", "1");
        assertTrue(waited >= 900, "stopped after " + waited + " ms, before shutdown-timeout");
    }

    @Test
    void aReplicaThatKeepsUpHasEveryWriteWhenTheMasterStops() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start();
             RespConnection m = new RespConnection(master.host(), master.port());
             RealRedis replica = replicaOf(master);
             RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            // A burst of pipelined writes, then SHUTDOWN at once: the replica is still applying
            // the stream when the master is asked to stop.
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < 20_000; i++) {
                pipeline.append("*3\r\n$3\r\nSET\r\n$").append(Integer.toString(i).length()).append("\r\n")
                        .append(i).append("\r\n$5\r\nvalue\r\n");
            }
            m.sendRaw(pipeline.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            for (int i = 0; i < 20_000; i++) {
                m.readReply();
            }
            String digest = m.call("DEBUG", "DIGEST");
            m.sendRaw(RespConnection.encode("SHUTDOWN"));
            assertTrue(m.closedByServer());
            assertEquals(":20000\r\n", r.call("DBSIZE"));
            assertEquals(digest, r.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void nowSkipsTheWait() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        long waited = millisToStopWithALaggingReplica(new String[]{"SHUTDOWN", "NOW"});
        assertTrue(waited < 5_000, "NOW waited " + waited + " ms for the replica");
    }

    @Test
    void withoutReplicasShutdownIsImmediateAndAbortHasNothingToAbort() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection c = new RespConnection(server.host(), server.port())) {
            assertEquals("-ERR No shutdown in progress.\r\n", c.call("SHUTDOWN", "ABORT"));
            assertEquals("-ERR syntax error\r\n", c.call("SHUTDOWN", "ABORT", "NOW"));
            assertEquals("-ERR syntax error\r\n", c.call("SHUTDOWN", "SAVE", "NOSAVE"));
            assertNotNull(field(c.call("INFO", "server"), "redis_version"));
            c.sendRaw(RespConnection.encode("SHUTDOWN", "NOSAVE"));
            assertTrue(c.closedByServer());
        }
    }
}
