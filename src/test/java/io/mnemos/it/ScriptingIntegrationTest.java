package io.mnemos.it;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.params.SetParams;

import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis and Lettuce, unchanged, use EVAL, EVALSHA, SCRIPT LOAD and FCALL; a Redisson-style lock. */
class ScriptingIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    private static final String RELEASE =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    private static final String RENEW =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
                    + "else return 0 end";

    @Test
    void jedisEvalEvalshaAndFunctions() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            jedis.flushAll();
            jedis.functionFlush();
            assertEquals(3L, jedis.eval("return #KEYS + #ARGV", List.of("a", "b"), List.of("c")));
            assertEquals(List.of("a", "c"), jedis.eval("return {KEYS[1], ARGV[1]}", List.of("a"), List.of("c")));
            String sha = jedis.scriptLoad("return redis.call('incrby', KEYS[1], ARGV[1])");
            assertEquals(5L, jedis.evalsha(sha, List.of("n"), List.of("5")));
            assertEquals(List.of(true, false), jedis.scriptExists(sha, "0000000000000000000000000000000000000000"));
            assertThrows(JedisNoScriptException.class,
                    () -> jedis.evalsha("0000000000000000000000000000000000000000", 0));
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.eval("return redis.call('nosuch')"));
            assertTrue(e.getMessage().startsWith("ERR Unknown Redis command called from script"), e.getMessage());
            assertEquals("mylib", jedis.functionLoad("#!lua name=mylib\n"
                    + "redis.register_function{function_name='hello', callback=function(keys, args) return 'hello ' .. args[1] end,"
                    + " flags={'no-writes'}}"));
            assertEquals("hello you", jedis.fcall("hello", List.of(), List.of("you")));
            assertEquals("hello ro", jedis.fcallReadonly("hello", List.of(), List.of("ro")));
            assertEquals(1, jedis.functionList().size());
            assertEquals("OK", jedis.scriptFlush());
            assertEquals(false, jedis.scriptExists(sha));
        }
    }

    @Test
    void lettuceEvalEvalshaAndFcall() {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.flushall();
            redis.functionFlush(io.lettuce.core.FlushMode.SYNC);
            assertEquals("v", redis.eval("redis.call('set', KEYS[1], ARGV[1]); return redis.call('get', KEYS[1])",
                    ScriptOutputType.VALUE, new String[]{"k"}, "v"));
            String sha = redis.scriptLoad("return tonumber(ARGV[1]) * 2");
            assertEquals(42L, (Long) redis.evalsha(sha, ScriptOutputType.INTEGER, new String[0], "21"));
            assertEquals(Boolean.TRUE, redis.eval("return 1 == 1", ScriptOutputType.BOOLEAN));
            assertEquals("PONG", redis.eval("return redis.call('ping')", ScriptOutputType.STATUS));
            assertEquals("lib", redis.functionLoad("#!lua name=lib\n"
                    + "redis.register_function('sum', function(keys, args) return args[1] + args[2] end)"));
            assertEquals(7L, (Long) redis.fcall("sum", ScriptOutputType.INTEGER, new String[0], "3", "4"));
        } finally {
            client.shutdown();
        }
    }

    /** Redisson-style lock: SET NX PX to acquire, Lua compare-and-delete to release, Lua renew. */
    @Test
    void luaLockGivesMutualExclusionAcrossTwoClients() throws Exception {
        try (Jedis setup = new Jedis(server.host(), server.port())) {
            setup.flushAll();
        }
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger counter = new AtomicInteger();
        int rounds = 100;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> workers = new java.util.ArrayList<>();
            for (int w = 0; w < 2; w++) {
                workers.add(pool.submit(() -> {
                    try (Jedis jedis = new Jedis(server.host(), server.port())) {
                        String releaseSha = jedis.scriptLoad(RELEASE);
                        start.await();
                        for (int i = 0; i < rounds; i++) {
                            String token = UUID.randomUUID().toString();
                            while (jedis.set("lock", token, SetParams.setParams().nx().px(10_000)) == null) {
                                Thread.onSpinWait();
                            }
                            int now = inside.incrementAndGet();
                            maxInside.accumulateAndGet(now, Math::max);
                            assertEquals(1L, jedis.eval(RENEW, List.of("lock"), List.of(token, "20000")));
                            assertTrue(jedis.pttl("lock") > 10_000);
                            assertEquals(0L, jedis.eval(RENEW, List.of("lock"), List.of("not-mine", "20000")));
                            counter.incrementAndGet();
                            inside.decrementAndGet();
                            assertEquals(0L, jedis.evalsha(releaseSha, List.of("lock"), List.of("not-mine")));
                            assertEquals(1L, jedis.evalsha(releaseSha, List.of("lock"), List.of(token)));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, maxInside.get());
        assertEquals(2 * rounds, counter.get());
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            assertNull(jedis.get("lock"));
            assertFalse(jedis.exists("lock"));
        }
    }
}
