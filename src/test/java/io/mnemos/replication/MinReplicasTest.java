package io.mnemos.replication;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;

import static io.mnemos.replication.ReplicationSync.await;
import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * min-replicas-to-write and min-replicas-max-lag (and their min-slaves-* aliases): a master with
 * fewer good replicas than asked refuses writes with NOREPLICAS, at the top level, queued in MULTI
 * (EXECABORT follows), from a script's redis.call and pcall, and for a script whose shebang does
 * not say no-writes; reads, PUBLISH and no-writes scripts go on; INFO reports
 * min_slaves_good_slaves. A replica is good while its REPLCONF ACKs are at most max-lag seconds old.
 */
class MinReplicasTest {
    private static final String NOREPLICAS = "-NOREPLICAS Not enough good replicas to write.\r\n";

    /** INFO replication's lines this feature adds to or reads from. */
    private static String replicaCounts(String info) {
        return info.lines().filter(l -> l.startsWith("connected_slaves:") || l.startsWith("min_slaves_good_slaves:"))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void writesAreRefusedAsRedisRefusesThemWithoutEnoughReplicas() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("SET", "a", "1");
            run.assertSame(MinReplicasTest::replicaCounts, "INFO", "replication");
            run.send("CONFIG", "SET", "min-replicas-to-write", "1");
            run.assertSame(MinReplicasTest::replicaCounts, "INFO", "replication");
            assertEquals(NOREPLICAS, run.send("SET", "a", "2"));
            run.send("GET", "a");
            run.send("MULTI");
            run.send("SET", "a", "3");
            run.send("GET", "a");
            run.send("EXEC");
            run.send("EVAL", "return redis.call('set','a','4')", "0");
            run.send("EVAL", "return redis.pcall('set','a','4')", "0");
            run.send("EVAL", "redis.call('get','a') return 1", "0");
            run.send("EVAL", "#!lua\nreturn 1", "0");
            run.send("EVAL", "#!lua flags=no-writes\nreturn 1", "0");
            run.send("EVAL_RO", "return redis.call('get','a')", "0");
            run.send("PUBLISH", "channel", "message");
            run.send("DEL", "a");
            run.send("EXPIRE", "a", "10");
            run.send("FLUSHALL");
            run.send("CONFIG", "GET", "min-slaves-to-write");
            run.send("CONFIG", "GET", "min-replicas-max-lag");
            // max-lag 0 turns the check off, INFO's line goes with it.
            run.send("CONFIG", "SET", "min-slaves-max-lag", "0");
            run.assertSame(MinReplicasTest::replicaCounts, "INFO", "replication");
            assertEquals("+OK\r\n", run.send("SET", "a", "5"));
            run.send("CONFIG", "SET", "min-replicas-max-lag", "10");
            run.send("CONFIG", "SET", "min-replicas-to-write", "-1");
            run.send("CONFIG", "SET", "min-replicas-max-lag", "x");
            run.send("CONFIG", "SET", "min-replicas-to-write", "0");
            run.send("SET", "a", "6");
            run.assertSameDataset();
        }
    }

    @Test
    void aReplicaIsGoodWhileItsAcknowledgementsAreRecent() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start("--min-replicas-to-write", "1", "--min-replicas-max-lag", "2");
             RespConnection m = new RespConnection(master.host(), master.port())) {
            assertEquals(NOREPLICAS, m.call("SET", "k", "v"));
            assertEquals("0", field(m.call("INFO", "replication"), "min_slaves_good_slaves"));
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
                 RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                assertEquals("+OK\r\n", m.call("SET", "k", "v"));
                assertEquals("1", field(m.call("INFO", "replication"), "min_slaves_good_slaves"));

                // A replica that stops acknowledging (SIGSTOP) is no longer good after max-lag seconds.
                replica.suspend();
                await("the replica to lag", () -> m.call("SET", "k", "v2").equals(NOREPLICAS));
                assertEquals("0", field(m.call("INFO", "replication"), "min_slaves_good_slaves"));
                replica.resume();
                await("the replica to acknowledge again", () -> m.call("SET", "k", "v3").equals("+OK\r\n"));
                awaitInSync(m, r);
                assertEquals("$2\r\nv3\r\n", r.call("GET", "k"));
            }
        }
    }
}
