package io.mnemos.it;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.mnemos.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisSentinelPool;

import java.util.Set;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * High availability with a real Redis Sentinel watching Mnemos servers: it discovers the replicas
 * through the master's INFO, and when the master process is killed with SIGKILL it promotes a
 * replica (REPLICAOF NO ONE in a MULTI, as Sentinel sends it), points the other replica at it, and
 * a Jedis JedisSentinelPool application goes on against the new master with its data. The old
 * master, started again, is turned into a replica of the new one.
 */
class SentinelFailoverIntegrationTest {

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!condition.getAsBoolean()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static String call(int port, String... args) {
        try (RespConnection c = new RespConnection("127.0.0.1", port)) {
            return c.call(args);
        } catch (java.io.IOException e) {
            return "unreachable: " + e.getMessage();
        }
    }

    @Test
    void sentinelPromotesAMnemosReplicaWhenTheMasterIsKilledAndClientsFollow() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        int masterPort = ServerProcess.freePort();
        ServerProcess master = new ServerProcess("--port", Integer.toString(masterPort), "--bind", "127.0.0.1");
        try (RunningServer replicaA = RunningServer.start("--replicaof", "127.0.0.1", Integer.toString(masterPort));
             RunningServer replicaB = RunningServer.start("--replicaof", "127.0.0.1", Integer.toString(masterPort))) {
            master.awaitReady();
            try (RealRedis sentinel = RealRedis.sentinel(
                    "sentinel monitor mymaster 127.0.0.1 " + masterPort + " 1",
                    "sentinel down-after-milliseconds mymaster 1000",
                    "sentinel failover-timeout mymaster 10000")) {
                await("the sentinel to discover both replicas", () ->
                        call(sentinel.port(), "SENTINEL", "REPLICAS", "mymaster").split("flags\r\n\\$5\r\nslave\r\n", -1).length == 3);

                try (JedisSentinelPool pool = new JedisSentinelPool("mymaster",
                        Set.of("127.0.0.1:" + sentinel.port()))) {
                    assertEquals(masterPort, pool.getCurrentHostMaster().getPort());
                    try (Jedis jedis = pool.getResource()) {
                        jedis.set("order:1", "paid");
                        assertEquals(2L, jedis.waitReplicas(2, 5000), "both replicas acknowledged the write");
                    }

                    master.process.destroyForcibly(); // SIGKILL
                    master.awaitExit();

                    await("the sentinel to switch the master to a replica", () -> {
                        String addr = call(sentinel.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster");
                        return addr.contains("\r\n" + replicaA.port() + "\r\n") || addr.contains("\r\n" + replicaB.port() + "\r\n");
                    });
                    String addr = call(sentinel.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster");
                    RunningServer promoted = addr.contains("\r\n" + replicaA.port() + "\r\n") ? replicaA : replicaB;
                    RunningServer other = promoted == replicaA ? replicaB : replicaA;
                    assertTrue(call(promoted.port(), "ROLE").startsWith("*3\r\n$6\r\nmaster\r\n"), call(promoted.port(), "ROLE"));
                    await("the other replica to follow the new master", () ->
                            call(other.port(), "ROLE").contains("$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + promoted.port() + "\r\n$9\r\nconnected"));

                    // The application's pool learns the new master from the sentinel's +switch-master.
                    await("the pool to hand out connections to the new master", () ->
                            pool.getCurrentHostMaster().getPort() == promoted.port());
                    try (Jedis jedis = pool.getResource()) {
                        assertEquals("paid", jedis.get("order:1"));
                        jedis.set("order:2", "shipped");
                    }
                    await("the remaining replica to get the new write", () ->
                            "$7\r\nshipped\r\n".equals(call(other.port(), "GET", "order:2")));
                }

                // The old master comes back as a master of nothing: the sentinel converts it.
                ServerProcess restarted = new ServerProcess("--port", Integer.toString(masterPort), "--bind", "127.0.0.1");
                try {
                    restarted.awaitReady();
                    await("the old master to become a replica with the new data", () ->
                            "$7\r\nshipped\r\n".equals(call(masterPort, "GET", "order:2")));
                    assertTrue(call(masterPort, "ROLE").startsWith("*5\r\n$5\r\nslave\r\n"), call(masterPort, "ROLE"));
                } finally {
                    restarted.close();
                }
            }
        } finally {
            master.close();
        }
    }
}
