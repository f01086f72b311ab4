package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis and Lettuce, unchanged: transactions, pipelines inside MULTI, blocking pops from two clients. */
class TransactionsAndBlockingIntegrationTest {
    private static RunningServer server;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static Jedis jedis() {
        Jedis j = new Jedis(server.host(), server.port());
        j.flushAll();
        return j;
    }

    @Test
    void jedisTransaction() {
        try (Jedis j = jedis()) {
            Transaction t = j.multi();
            Response<String> set = t.set("a", "1");
            Response<Long> incr = t.incr("a");
            Response<Long> push = t.lpush("a", "x");
            List<Object> results = t.exec();
            assertEquals(3, results.size());
            assertEquals("OK", set.get());
            assertEquals(2L, incr.get());
            assertInstanceOf(JedisDataException.class, results.get(2));
            assertThrows(JedisDataException.class, push::get);
            assertEquals("2", j.get("a"));
        }
    }

    @Test
    void jedisWatchAbortedByAnotherClient() {
        try (Jedis j = jedis(); Jedis other = new Jedis(server.host(), server.port())) {
            j.set("balance", "10");
            j.watch("balance");
            other.incrBy("balance", 5);
            Transaction t = j.multi();
            t.decrBy("balance", 10);
            assertNull(t.exec());
            assertEquals("15", j.get("balance"));
        }
    }

    @Test
    void jedisPipelineInsideMulti() {
        try (Jedis j = jedis()) {
            Pipeline p = j.pipelined();
            Response<Object> multi = p.sendCommand(Protocol.Command.MULTI, new String[0]);
            Response<String> set = p.set("k", "v");
            Response<String> get = p.get("k");
            Response<Object> exec = p.sendCommand(Protocol.Command.EXEC, new String[0]);
            Response<String> after = p.get("k");
            p.sync();
            assertEquals("OK", new String((byte[]) multi.get()));
            assertEquals("QUEUED", set.get());
            assertEquals("QUEUED", get.get());
            List<?> results = (List<?>) exec.get();
            assertEquals(2, results.size());
            assertEquals("v", new String((byte[]) results.get(1)));
            assertEquals("v", after.get());
        }
    }

    @Test
    void jedisBlpopFromTwoClients() throws Exception {
        try (Jedis waiter = jedis(); Jedis pusher = new Jedis(server.host(), server.port())) {
            CompletableFuture<List<String>> popped = CompletableFuture.supplyAsync(() -> waiter.blpop(5, "jobs"));
            long deadline = System.currentTimeMillis() + 5000;
            while (!pusher.info("clients").contains("blocked_clients:1")) {
                assertTrue(System.currentTimeMillis() < deadline);
                Thread.sleep(5);
            }
            pusher.rpush("jobs", "job-1");
            assertEquals(List.of("jobs", "job-1"), popped.get(5, TimeUnit.SECONDS));
            assertNull(waiter.brpop(0.05, "jobs"));
        }
    }

    private static <T> T lettuce(ProtocolVersion protocol,
                                 java.util.function.Function<StatefulRedisConnection<String, String>, T> body) {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            connection.sync().flushall();
            return body.apply(connection);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceMultiExec(ProtocolVersion protocol) {
        lettuce(protocol, connection -> {
            RedisCommands<String, String> redis = connection.sync();
            assertEquals("OK", redis.multi());
            assertNull(redis.set("a", "1"));
            assertNull(redis.incr("a"));
            assertNull(redis.hset("h", "f", "v"));
            TransactionResult result = redis.exec();
            assertFalse(result.wasDiscarded());
            assertEquals(List.of("OK", 2L, true), result.stream().toList());

            redis.watch("a");
            RedisClient other = RedisClient.create(RedisURI.create(server.host(), server.port()));
            try (StatefulRedisConnection<String, String> o = other.connect()) {
                o.sync().set("a", "changed");
            } finally {
                other.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            redis.multi();
            redis.get("a");
            assertTrue(redis.exec().wasDiscarded());

            redis.multi();
            redis.set("b", "1");
            assertEquals("OK", redis.discard());
            assertEquals(0L, redis.exists("b"));
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceBlockingPopFromTwoClients(ProtocolVersion protocol) {
        lettuce(protocol, connection -> {
            RedisClient otherClient = RedisClient.create(RedisURI.create(server.host(), server.port()));
            otherClient.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
            try (StatefulRedisConnection<String, String> other = otherClient.connect()) {
                RedisAsyncCommands<String, String> waiter = other.async();
                var pending = waiter.brpop(5, "queue");
                long deadline = System.currentTimeMillis() + 5000;
                while (!connection.sync().info("clients").contains("blocked_clients:1")) {
                    assertTrue(System.currentTimeMillis() < deadline);
                    Thread.sleep(5);
                }
                connection.sync().lpush("queue", "a");
                KeyValue<String, String> kv = pending.get(5, TimeUnit.SECONDS);
                assertEquals("queue", kv.getKey());
                assertEquals("a", kv.getValue());
                assertEquals(null, other.sync().blmove("queue", "dst",
                        io.lettuce.core.LMoveArgs.Builder.leftLeft(), 0.05));
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                otherClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            return null;
        });
    }
}
