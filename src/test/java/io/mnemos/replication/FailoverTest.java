package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import static io.mnemos.replication.ReplicationSync.await;
import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static io.mnemos.replication.ReplicationSync.linkStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * FAILOVER on a Mnemos master: it pauses writes until a replica acknowledged its whole stream, then
 * becomes that replica's replica with PSYNC ... FAILOVER, which promotes it and continues the
 * history; one that never catches up before the TIMEOUT is aborted. Its errors are Redis's.
 */
class FailoverTest {
    @Test
    void aMnemosMasterHandsItsRoleToARedisReplica() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start();
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--enable-debug-command", "yes");
                 RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
                MasterLinkTest.writeEveryKind(m);
                awaitInSync(m, r);
                assertEquals("+OK\r\n", m.call("FAILOVER", "TO", "127.0.0.1", Integer.toString(replica.port())));
                await("the roles to be swapped", () -> "master".equals(field(r.call("INFO", "replication"), "role"))
                        && "up".equals(linkStatus(m)));
                assertEquals("no-failover", field(m.call("INFO", "replication"), "master_failover_state"));
                assertEquals("-READONLY You can't write against a read only replica.\r\n", m.call("SET", "x", "1"));
                assertEquals("+OK\r\n", r.call("SET", "after-failover", "1"));
                awaitInSync(r, m);
                assertEquals(r.call("DEBUG", "DIGEST"), m.call("DEBUG", "DIGEST"));
                String stats = r.call("INFO", "stats");
                assertEquals("1", field(stats, "sync_partial_ok"), "the old master continued its history: " + stats);
            }
        }
    }

    @Test
    void aReplicaThatNeverCatchesUpAbortsTheFailoverAtItsTimeout() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start();
             RespConnection m = new RespConnection(master.host(), master.port());
             RespConnection writer = new RespConnection(master.host(), master.port());
             RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                     "--enable-debug-command", "yes");
             RespConnection r = new RespConnection("127.0.0.1", replica.port());
             RespConnection sleeper = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            sleeper.sendRaw(RespConnection.encode("DEBUG", "SLEEP", "3")); // no acknowledgement meanwhile
            m.call("SET", "k", "v");
            assertEquals("+OK\r\n", m.call("FAILOVER", "TIMEOUT", "500"));
            assertEquals("waiting-for-sync", field(m.call("INFO", "replication"), "master_failover_state"));
            assertEquals("-ERR FAILOVER already in progress.\r\n", m.call("FAILOVER"));
            assertEquals("-ERR REPLICAOF not allowed while failing over.\r\n", m.call("REPLICAOF", "NO", "ONE"));
            writer.sendRaw(RespConnection.encode("SET", "paused", "1")); // held until the failover ends
            assertEquals("$1\r\nv\r\n", m.call("GET", "k"), "reads go on");
            await("the timeout to abort the failover",
                    () -> "no-failover".equals(field(m.call("INFO", "replication"), "master_failover_state")));
            assertEquals("+OK\r\n", writer.readReply());
            assertEquals("master", field(m.call("INFO", "replication"), "role"));
            assertEquals("+OK\r\n", sleeper.readReply());
            assertEquals("-ERR No failover in progress.\r\n", m.call("FAILOVER", "ABORT"));
        }
    }

    @Test
    void failoverErrorsAreRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RealRedis redisReplica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(redis.port()));
             RealRedis mnemosReplica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(mnemos.port()));
             RespConnection expected = new RespConnection("127.0.0.1", redis.port());
             RespConnection actual = new RespConnection(mnemos.host(), mnemos.port());
             RespConnection expectedReplica = new RespConnection("127.0.0.1", redisReplica.port());
             RespConnection actualReplica = new RespConnection("127.0.0.1", mnemosReplica.port())) {
            awaitInSync(expected, expectedReplica);
            awaitInSync(actual, actualReplica);
            String[][] cases = {
                    {"FAILOVER", "TO", "127.0.0.1", "1"}, {"FAILOVER", "FORCE"}, {"FAILOVER", "TIMEOUT", "10", "FORCE"},
                    {"FAILOVER", "TO", "127.0.0.1", "1", "FORCE"}, {"FAILOVER", "ABORT"}, {"FAILOVER", "TIMEOUT", "-1"},
                    {"FAILOVER", "TO", "127.0.0.1", "x"}, {"FAILOVER", "ABORT", "x"},
            };
            for (String[] command : cases) {
                assertEquals(expected.call(command), actual.call(command), String.join(" ", command));
            }
            // On a replica (the Redis replica of each) FAILOVER is refused.
            try (RunningServer replicaOfRedis = RunningServer.start("--replicaof", "127.0.0.1",
                    Integer.toString(redis.port()));
                 RespConnection mnemosAsReplica = new RespConnection(replicaOfRedis.host(), replicaOfRedis.port())) {
                String refused = expectedReplica.call("FAILOVER");
                assertTrue(refused.startsWith("-ERR FAILOVER is not valid"), refused);
                assertEquals(refused, mnemosAsReplica.call("FAILOVER"));
            }
        }
    }
}
