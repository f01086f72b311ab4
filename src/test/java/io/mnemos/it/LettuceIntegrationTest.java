package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.GetExArgs;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SortArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.embedded.MnemosExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lettuce, unchanged, in both RESP2 and RESP3 (negotiated with HELLO). */
class LettuceIntegrationTest {
    @RegisterExtension
    static final MnemosExtension server = MnemosExtension.builder().build();

    private static <T> T withConnection(ProtocolVersion protocol,
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
    @EnumSource(ProtocolVersion.class)
    void stringsAndKeys(ProtocolVersion protocol) {
        withConnection(protocol, connection -> {
            RedisCommands<String, String> redis = connection.sync();
            assertEquals("PONG", redis.ping());
            assertEquals("OK", redis.set("k", "v", SetArgs.Builder.ex(100)));
            assertEquals("v", redis.get("k"));
            assertTrue(redis.ttl("k") > 90);
            assertEquals("v", redis.getex("k", GetExArgs.Builder.persist()));
            assertEquals(-1L, redis.ttl("k"));
            assertEquals(3L, redis.incrby("n", 3));
            assertEquals(4.25, redis.incrbyfloat("n", 1.25));
            assertEquals("OK", redis.mset(Map.of("a", "1", "b", "2")));
            assertEquals(2, redis.mget("a", "b").size());
            assertEquals(2L, redis.exists("a", "b"));
            assertEquals("string", redis.type("a"));
            assertTrue(redis.expire("a", 10));
            assertTrue(redis.persist("a"));
            assertEquals(1L, redis.del("a"));
            assertNull(redis.get("a"));
            RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class, () -> redis.incr("k"));
            assertEquals("ERR value is not an integer or out of range", e.getMessage());
            assertTrue(redis.info("keyspace").contains("db0:keys="));
            assertEquals("10000", redis.configGet("maxclients").get("maxclients"));
            assertTrue(redis.clientList().contains("cmd=client|list"));
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void sortWithPatternsAndStore(ProtocolVersion protocol) {
        withConnection(protocol, connection -> {
            RedisCommands<String, String> redis = connection.sync();
            redis.sadd("ids", "3", "1", "2");
            redis.mset(Map.of("w_1", "30", "w_2", "10", "w_3", "20"));
            assertEquals(List.of("1", "2", "3"), redis.sort("ids"));
            assertEquals(List.of("2", "3", "1"), redis.sort("ids", SortArgs.Builder.by("w_*")));
            // A missing GET value is a null in both protocols.
            assertEquals(java.util.Arrays.asList("10", null), redis.sortReadOnly("ids",
                    SortArgs.Builder.by("w_*").get("w_*").get("missing_*").limit(0, 1)));
            assertEquals(2L, redis.sortStore("ids", SortArgs.Builder.alpha().desc().limit(1, 5), "top"));
            assertEquals(List.of("2", "1"), redis.lrange("top", 0, -1));
            assertEquals(0L, redis.sortStore("nothing", SortArgs.Builder.asc(), "top"));
            assertEquals(0L, redis.exists("top"));
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void scanCoversAllKeys(ProtocolVersion protocol) {
        withConnection(protocol, connection -> {
            RedisCommands<String, String> redis = connection.sync();
            for (int i = 0; i < 300; i++) {
                redis.set("key:" + i, "v");
            }
            Set<String> seen = new HashSet<>();
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.limit(40).match("key:*"));
                seen.addAll(page.getKeys());
                cursor = page;
            } while (!cursor.isFinished());
            assertEquals(300, seen.size());
            return null;
        });
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void pipelinedAsyncCommandsKeepTheirOrder(ProtocolVersion protocol) {
        withConnection(protocol, connection -> {
            RedisAsyncCommands<String, String> async = connection.async();
            connection.setAutoFlushCommands(false);
            List<io.lettuce.core.RedisFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                futures.add(async.incr("counter"));
            }
            connection.flushCommands();
            try {
                for (int i = 0; i < futures.size(); i++) {
                    assertEquals(i + 1L, futures.get(i).get(10, TimeUnit.SECONDS));
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                connection.setAutoFlushCommands(true);
            }
            return null;
        });
    }
}
