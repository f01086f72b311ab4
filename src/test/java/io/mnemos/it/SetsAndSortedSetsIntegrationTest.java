package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.SetOperations;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sets and sorted sets round-trip through Jedis, Lettuce (RESP2 and RESP3) and Spring Data Redis. */
class SetsAndSortedSetsIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    @Test
    void jedisSetCommands() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            jedis.flushAll();
            assertEquals(3, jedis.sadd("s", "a", "b", "c"));
            assertEquals(0, jedis.sadd("s", "a"));
            assertEquals(Set.of("a", "b", "c"), jedis.smembers("s"));
            assertTrue(jedis.sismember("s", "b"));
            assertEquals(List.of(true, false), jedis.smismember("s", "a", "z"));
            assertEquals(3, jedis.scard("s"));
            assertEquals(2, jedis.sadd("t", "c", "d"));
            assertEquals(Set.of("c"), jedis.sinter("s", "t"));
            assertEquals(Set.of("a", "b", "c", "d"), jedis.sunion("s", "t"));
            assertEquals(Set.of("a", "b"), jedis.sdiff("s", "t"));
            assertEquals(1, jedis.sintercard("s", "t"));
            assertEquals(1, jedis.sinterstore("st", "s", "t"));
            assertEquals(4, jedis.sunionstore("su", "s", "t"));
            assertEquals(2, jedis.sdiffstore("sd", "s", "t"));
            assertEquals(1, jedis.smove("s", "t", "a"));
            assertEquals(1, jedis.srem("s", "b"));
            assertEquals(Set.of("c"), jedis.smembers("s"));
            assertEquals("c", jedis.spop("s"));
            assertFalse(jedis.exists("s"));
            assertTrue(Set.of("a", "c", "d").contains(jedis.srandmember("t")));
            assertEquals(3, jedis.srandmember("t", 5).size());

            for (int i = 0; i < 50; i++) {
                jedis.sadd("big", "m" + i);
            }
            Set<String> seen = new HashSet<>();
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> page = jedis.sscan("big", cursor, new ScanParams().match("m1*").count(5));
                seen.addAll(page.getResult());
                cursor = page.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
            assertEquals(11, seen.size());
            assertEquals("hashtable", jedis.objectEncoding("big"));
            jedis.set("str", "x");
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.sadd("str", "a"));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
        }
    }

    @Test
    void jedisSortedSetCommands() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            jedis.flushAll();
            assertEquals(1, jedis.zadd("z", 1, "a"));
            assertEquals(2, jedis.zadd("z", java.util.Map.of("b", 2.0, "c", 3.5)));
            assertEquals(3, jedis.zcard("z"));
            assertEquals(3.5, jedis.zscore("z", "c"));
            assertEquals(4.0, jedis.zincrby("z", 2, "b"));
            assertEquals(List.of("a", "c", "b"), jedis.zrange("z", 0, -1));
            assertEquals(List.of(new Tuple("a", 1.0), new Tuple("c", 3.5)), jedis.zrangeWithScores("z", 0, 1));
            assertEquals(List.of("b", "c"), jedis.zrevrange("z", 0, 1));
            assertEquals(List.of("c", "b"), jedis.zrangeByScore("z", "(1", "+inf"));
            assertEquals(2, jedis.zcount("z", "2", "4"));
            assertEquals(1L, jedis.zrank("z", "c"));
            assertEquals(0L, jedis.zrevrank("z", "b"));
            assertNull(jedis.zrank("z", "nope"));
            assertEquals(new Tuple("a", 1.0), jedis.zpopmin("z"));
            assertEquals(1, jedis.zrem("z", "c"));
            assertEquals("listpack", jedis.objectEncoding("z"));
            for (int i = 0; i < 200; i++) {
                jedis.zadd("big", i, "m" + i);
            }
            assertEquals("skiplist", jedis.objectEncoding("big"));
            assertEquals(List.of("m199"), jedis.zrevrange("big", 0, 0));
            ScanResult<Tuple> page = jedis.zscan("big", ScanParams.SCAN_POINTER_START, new ScanParams().match("m19?").count(1000));
            assertEquals(10, page.getResult().size());
            assertEquals(10, jedis.zremrangeByScore("big", "0", "9"));
            assertEquals(190, jedis.zcard("big"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.zadd("z", Double.NaN, "x"));
            assertTrue(e.getMessage().startsWith("ERR"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void lettuceZrangeWithScores(ProtocolVersion protocol) {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            redis.flushall();
            assertEquals(3, redis.zadd("z", ScoredValue.just(1.5, "a"), ScoredValue.just(-2, "b"),
                    ScoredValue.just(Double.POSITIVE_INFINITY, "c")));
            assertEquals(List.of(ScoredValue.just(-2, "b"), ScoredValue.just(1.5, "a"),
                    ScoredValue.just(Double.POSITIVE_INFINITY, "c")), redis.zrangeWithScores("z", 0, -1));
            assertEquals(List.of(ScoredValue.just(1.5, "a")),
                    redis.zrangebyscoreWithScores("z", Range.create(0, 10)));
            assertEquals(1.5, redis.zscore("z", "a"));
            assertEquals(ScoredValue.just(Double.POSITIVE_INFINITY, "c"), redis.zpopmax("z"));
            assertEquals(2, redis.sadd("s", "x", "y"));
            assertEquals(Set.of("x", "y"), redis.smembers("s"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void springDataRedisSetAndZSetOperations() {
        RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(server.host(), server.port());
        LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        try {
            StringRedisTemplate template = new StringRedisTemplate(factory);
            template.afterPropertiesSet();
            template.delete(List.of("tags", "other", "board"));

            SetOperations<String, String> set = template.opsForSet();
            assertEquals(3, set.add("tags", "java", "redis", "netty"));
            assertTrue(set.isMember("tags", "java"));
            assertEquals(3, set.size("tags"));
            assertEquals(Set.of("java", "netty", "redis"), set.members("tags"));
            assertEquals(2, set.add("other", "redis", "go"));
            assertEquals(Set.of("redis"), set.intersect("tags", "other"));
            assertEquals(Set.of("java", "netty", "redis", "go"), set.union("tags", "other"));
            assertEquals(Set.of("java", "netty"), set.difference("tags", "other"));
            assertTrue(set.move("tags", "java", "other"));
            assertEquals(1, set.remove("tags", "netty"));
            List<String> scanned = new ArrayList<>();
            try (Cursor<String> cursor = set.scan("other", ScanOptions.scanOptions().count(10).build())) {
                cursor.forEachRemaining(scanned::add);
            }
            assertEquals(Set.of("redis", "go", "java"), new HashSet<>(scanned));

            ZSetOperations<String, String> zset = template.opsForZSet();
            assertTrue(zset.add("board", "alice", 10));
            assertTrue(zset.add("board", "bob", 20));
            assertTrue(zset.add("board", "carol", 15));
            assertFalse(zset.add("board", "alice", 12));
            assertEquals(12.0, zset.score("board", "alice"));
            assertEquals(25.0, zset.incrementScore("board", "alice", 13));
            assertEquals(List.of("carol", "bob", "alice"), new ArrayList<>(zset.range("board", 0, -1)));
            assertEquals(List.of("alice", "bob"), new ArrayList<>(zset.reverseRange("board", 0, 1)));
            List<ZSetOperations.TypedTuple<String>> withScores = new ArrayList<>(zset.rangeWithScores("board", 0, 0));
            assertEquals("carol", withScores.get(0).getValue());
            assertEquals(15.0, withScores.get(0).getScore());
            assertEquals(2L, zset.rank("board", "alice"));
            assertEquals(2L, zset.count("board", 16, 30));
            assertEquals(List.of("bob"), new ArrayList<>(zset.rangeByScore("board", 16, 24)));
            ZSetOperations.TypedTuple<String> min = zset.popMin("board");
            assertEquals("carol", min.getValue());
            assertEquals(1, zset.remove("board", "bob"));
            assertEquals(1, zset.zCard("board"));
        } finally {
            factory.destroy();
        }
    }
}
