package io.mnemos.server;

import io.mnemos.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small heap, maxmemory, and ~10 s of writes of random sizes over TCP: the server must never run
 * out of heap, and used_memory must stay within maxmemory plus a small margin.
 */
class MemoryStressTest {
    private static final long MAXMEMORY = 64L * 1024 * 1024;
    /** The largest value written plus the clients' share: what may be in use between evictions. */
    private static final long MARGIN = 2L * 1024 * 1024;

    private static long field(String info, String name) {
        for (String line : info.split("\r\n")) {
            if (line.startsWith(name + ":")) {
                return Long.parseLong(line.substring(name.length() + 1));
            }
        }
        throw new AssertionError(name + " not in INFO");
    }

    @Test
    void smallHeapWithMaxmemoryNeverRunsOutOfHeap() throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = ServerProcess.withJvmOptions(List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
                "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--save", "")) {
            server.awaitReady();
            Random rnd = new Random(7);
            long maxSeen = 0;
            long written = 0;
            try (Jedis jedis = new Jedis("127.0.0.1", port, 30_000)) {
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(10);
                long hardEnd = start + TimeUnit.SECONDS.toNanos(60);
                int round = 0;
                // ~10 s, longer on a loaded machine until twice maxmemory has been written.
                while ((System.nanoTime() < end || written < 2 * MAXMEMORY) && System.nanoTime() < hardEnd) {
                    Pipeline p = jedis.pipelined();
                    for (int i = 0; i < 50; i++) {
                        // Mostly small values, some up to 256 KB.
                        int size = rnd.nextInt(10) == 0 ? rnd.nextInt(256 * 1024) : rnd.nextInt(2000);
                        byte[] value = new byte[size];
                        rnd.nextBytes(value);
                        String key = "k" + rnd.nextInt(1_000_000);
                        switch (rnd.nextInt(6)) {
                            case 0 -> p.rpush(("l" + key).getBytes(StandardCharsets.UTF_8), value);
                            case 1 -> p.hset(("h" + rnd.nextInt(1000)).getBytes(StandardCharsets.UTF_8),
                                    key.getBytes(StandardCharsets.UTF_8), value);
                            default -> p.set(key.getBytes(StandardCharsets.UTF_8), value);
                        }
                        written += size;
                    }
                    p.sync();
                    if (++round % 10 == 0) {
                        long used = field(jedis.info("memory"), "used_memory");
                        maxSeen = Math.max(maxSeen, used);
                        assertTrue(used <= MAXMEMORY + MARGIN, "used_memory " + used);
                    }
                }
                String info = jedis.info();
                long used = field(info, "used_memory");
                maxSeen = Math.max(maxSeen, used);
                assertTrue(written > MAXMEMORY, "only " + written + " bytes written");
                assertTrue(field(info, "evicted_keys") > 0);
                assertTrue(used <= MAXMEMORY + MARGIN, "used_memory " + used);

                // Under noeviction the same server refuses writes instead, and keeps serving reads.
                jedis.configSet("maxmemory-policy", "noeviction");
                boolean refused = false;
                for (int i = 0; i < 2000 && !refused; i++) {
                    try {
                        jedis.set(("more" + i).getBytes(StandardCharsets.UTF_8), new byte[100_000]);
                    } catch (JedisDataException e) {
                        assertEquals("OOM command not allowed when used memory > 'maxmemory'.", e.getMessage());
                        refused = true;
                    }
                }
                assertTrue(refused, "no OOM error under noeviction");
                assertEquals("PONG", jedis.ping());
                jedis.dbSize();
            }
            assertTrue(server.process.isAlive(), "server died:\n" + server.output());
            String log = server.output();
            assertFalse(log.contains("OutOfMemoryError"), log);
            assertTrue(maxSeen > MAXMEMORY / 2, "the workload never came near maxmemory: " + maxSeen);
        }
    }
}
