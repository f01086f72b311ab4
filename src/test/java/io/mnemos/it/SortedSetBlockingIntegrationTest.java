package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ZPopArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.SortedSetOption;
import redis.clients.jedis.args.UnblockType;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.resps.Tuple;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis and Lettuce, unchanged: BZPOPMIN BZPOPMAX BZMPOP from one client, served by another's ZADD. */
class SortedSetBlockingIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    private static Jedis jedis() {
        return new Jedis(server.host(), server.port(), 10_000);
    }

    private static void awaitBlocked(Jedis admin, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (!admin.info("clients").contains("blocked_clients:" + n + "\r\n")) {
            assertTrue(System.currentTimeMillis() < deadline, "never saw " + n + " blocked clients");
            Thread.sleep(5);
        }
    }

    @Test
    void jedisWaiterIsServedByAnotherClientsZadd() throws Exception {
        try (Jedis waiter = jedis(); Jedis other = jedis()) {
            other.flushAll();
            CompletableFuture<redis.clients.jedis.util.KeyValue<String, Tuple>> popped =
                    CompletableFuture.supplyAsync(() -> waiter.bzpopmin(0, "jobs", "other"));
            awaitBlocked(other, 1);
            other.zadd("jobs", 2.5, "second");
            redis.clients.jedis.util.KeyValue<String, Tuple> kv = popped.get(5, TimeUnit.SECONDS);
            assertEquals("jobs", kv.getKey());
            assertEquals(new Tuple("second", 2.5), kv.getValue());
            assertFalse(other.exists("jobs"));
        }
    }

    @Test
    void jedisBzmpopAndTimeouts() throws Exception {
        try (Jedis waiter = jedis(); Jedis other = jedis()) {
            other.flushAll();
            assertNull(waiter.bzpopmax(0.05, "none"));
            assertNull(waiter.bzmpop(0.05, SortedSetOption.MIN, "none"));
            CompletableFuture<redis.clients.jedis.util.KeyValue<String, List<Tuple>>> popped =
                    CompletableFuture.supplyAsync(() -> waiter.bzmpop(0, SortedSetOption.MAX, 2, "a", "b"));
            awaitBlocked(other, 1);
            other.zadd("b", java.util.Map.of("x", 1.0, "y", 2.0, "z", 3.0));
            redis.clients.jedis.util.KeyValue<String, List<Tuple>> kv = popped.get(5, TimeUnit.SECONDS);
            assertEquals("b", kv.getKey());
            assertEquals(List.of(new Tuple("z", 3.0), new Tuple("y", 2.0)), kv.getValue());
            assertEquals(1, other.zcard("b"));
        }
    }

    @Test
    void jedisClientUnblock() throws Exception {
        try (Jedis waiter = jedis(); Jedis other = jedis()) {
            long id = waiter.clientId();
            CompletableFuture<Object> popped = CompletableFuture.supplyAsync(() -> {
                try {
                    return waiter.bzpopmin(0, "never");
                } catch (JedisDataException e) {
                    return e;
                }
            });
            awaitBlocked(other, 1);
            assertEquals(1, other.clientUnblock(id, UnblockType.ERROR));
            Object result = popped.get(5, TimeUnit.SECONDS);
            assertEquals("UNBLOCKED client unblocked via CLIENT UNBLOCK", ((JedisDataException) result).getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceBlockingPopsFromTwoClients(ProtocolVersion protocol) throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> waiter = client.connect();
             StatefulRedisConnection<String, String> other = client.connect()) {
            other.sync().flushall();
            var pop = waiter.async().bzpopmax(0, "q");
            try (Jedis admin = jedis()) {
                awaitBlocked(admin, 1);
            }
            other.sync().zadd("q", 1.0, "low", 7.0, "high");
            KeyValue<String, ScoredValue<String>> kv = pop.get(5, TimeUnit.SECONDS);
            assertEquals("q", kv.getKey());
            assertEquals(ScoredValue.just(7, "high"), kv.getValue());

            var mpop = waiter.async().bzmpop(0.0, 5, ZPopArgs.Builder.min(), "x", "q");
            KeyValue<String, List<ScoredValue<String>>> many = mpop.get(5, TimeUnit.SECONDS);
            assertEquals("q", many.getKey());
            assertEquals(List.of(ScoredValue.just(1, "low")), many.getValue());
            assertNull(waiter.sync().bzpopmin(0.05, "q"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
