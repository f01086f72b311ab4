package io.mnemos.it;

import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.connection.RedisListCommands;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.HashOperations;
import org.springframework.data.redis.core.ListOperations;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ListDirection;
import redis.clients.jedis.args.ListPosition;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.LPosParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.util.KeyValue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lists and hashes round-trip through Jedis and through Spring Data Redis (Lettuce), unchanged. */
class ListsAndHashesIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    @Test
    void jedisListCommands() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            jedis.flushAll();
            assertEquals(3, jedis.rpush("l", "a", "b", "c"));
            assertEquals(4, jedis.lpush("l", "z"));
            assertEquals(List.of("z", "a", "b", "c"), jedis.lrange("l", 0, -1));
            assertEquals("z", jedis.lpop("l"));
            assertEquals(List.of("c", "b"), jedis.rpop("l", 2));
            assertEquals(0, jedis.lpushx("none", "x"));
            assertEquals(2, jedis.rpushx("l", "a"));
            assertEquals(2, jedis.llen("l"));
            assertEquals("a", jedis.lindex("l", -1));
            assertEquals("OK", jedis.lset("l", 0, "A"));
            assertEquals(3, jedis.linsert("l", ListPosition.AFTER, "A", "m"));
            assertEquals(1, jedis.lrem("l", 0, "m"));
            assertEquals(3, jedis.rpush("l", "a"));
            assertEquals(1L, jedis.lpos("l", "a"));
            assertEquals(2L, jedis.lpos("l", "a", LPosParams.lPosParams().rank(2)));
            assertEquals(List.of(2L, 1L), jedis.lpos("l", "a", LPosParams.lPosParams().rank(-1), 0));
            assertEquals("OK", jedis.ltrim("l", 0, 1));
            assertEquals("a", jedis.lmove("l", "m", ListDirection.RIGHT, ListDirection.LEFT));
            assertEquals("A", jedis.rpoplpush("l", "m"));
            assertFalse(jedis.exists("l"));
            KeyValue<String, List<String>> popped = jedis.lmpop(ListDirection.LEFT, 5, "l", "m");
            assertEquals("m", popped.getKey());
            assertEquals(List.of("A", "a"), popped.getValue());
            assertNull(jedis.lmpop(ListDirection.LEFT, "l", "m"));
            jedis.set("s", "v");
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.lpush("s", "x"));
            assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", e.getMessage());
            e = assertThrows(JedisDataException.class, () -> jedis.lset("nokey", 0, "x"));
            assertEquals("ERR no such key", e.getMessage());
        }
    }

    @Test
    void jedisHashCommands() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            jedis.flushAll();
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("name", "mnemos");
            fields.put("visits", "1");
            assertEquals(2, jedis.hset("h", fields));
            assertEquals(0, jedis.hsetnx("h", "name", "x"));
            assertEquals("mnemos", jedis.hget("h", "name"));
            assertEquals(fields, jedis.hgetAll("h"));
            assertEquals(Arrays.asList("mnemos", null), jedis.hmget("h", "name", "none"));
            assertEquals(5, jedis.hincrBy("h", "visits", 4));
            assertEquals(5.5, jedis.hincrByFloat("h", "visits", 0.5));
            assertEquals(6, jedis.hstrlen("h", "name"));
            assertTrue(jedis.hexists("h", "visits"));
            assertEquals(2, jedis.hlen("h"));
            assertEquals(Set.of("name", "visits"), Set.copyOf(jedis.hkeys("h")));
            assertEquals(Set.of("mnemos", "5.5"), Set.copyOf(jedis.hvals("h")));
            assertTrue(fields.containsKey(jedis.hrandfield("h")));
            assertEquals(4, jedis.hrandfield("h", -4).size());
            List<Map.Entry<String, String>> withValues = jedis.hrandfieldWithValues("h", 2);
            assertEquals(2, withValues.size());
            ScanResult<Map.Entry<String, String>> scan = jedis.hscan("h", ScanParams.SCAN_POINTER_START,
                    new ScanParams().match("n*"));
            assertEquals("0", scan.getCursor());
            assertEquals(1, scan.getResult().size());
            assertEquals(1, jedis.hdel("h", "name", "none"));
            JedisDataException e = assertThrows(JedisDataException.class, () -> jedis.hincrBy("h", "visits", 1));
            assertEquals("ERR hash value is not an integer", e.getMessage());
            assertEquals("hash", jedis.type("h"));
            assertEquals("listpack", jedis.objectEncoding("h"));
        }
    }

    @Test
    void springDataRedisListAndHashOperations() {
        RedisStandaloneConfiguration config = new RedisStandaloneConfiguration(server.host(), server.port());
        LettuceConnectionFactory factory = new LettuceConnectionFactory(config);
        factory.afterPropertiesSet();
        try {
            StringRedisTemplate template = new StringRedisTemplate(factory);
            template.afterPropertiesSet();
            template.delete(List.of("queue", "done", "user:1"));

            ListOperations<String, String> list = template.opsForList();
            assertEquals(3, list.rightPushAll("queue", "job1", "job2", "job3"));
            assertEquals(4, list.leftPush("queue", "job0"));
            assertEquals(List.of("job0", "job1", "job2", "job3"), list.range("queue", 0, -1));
            assertEquals("job0", list.leftPop("queue"));
            assertEquals(3, list.size("queue"));
            assertEquals("job2", list.index("queue", 1));
            list.set("queue", 1, "JOB2");
            assertEquals(1, list.indexOf("queue", "JOB2"));
            assertEquals("job3", list.move("queue", RedisListCommands.Direction.RIGHT,
                    "done", RedisListCommands.Direction.LEFT));
            assertEquals("JOB2", list.rightPopAndLeftPush("queue", "done"));
            assertEquals(1, list.remove("done", 0, "job3"));
            list.trim("queue", 0, 0);
            assertEquals(List.of("job1"), list.range("queue", 0, -1));
            assertEquals(List.of("JOB2"), list.range("done", 0, -1));

            HashOperations<String, String, String> hash = template.opsForHash();
            Map<String, String> user = new HashMap<>();
            user.put("name", "Ada");
            user.put("logins", "1");
            hash.putAll("user:1", user);
            assertEquals("Ada", hash.get("user:1", "name"));
            assertEquals(user, hash.entries("user:1"));
            assertEquals(List.of("Ada", "1"), hash.multiGet("user:1", List.of("name", "logins")));
            assertEquals(3L, hash.increment("user:1", "logins", 2));
            assertEquals(3.25, hash.increment("user:1", "logins", 0.25));
            assertTrue(hash.putIfAbsent("user:1", "email", "ada@example.com"));
            assertFalse(hash.putIfAbsent("user:1", "email", "x"));
            assertTrue(hash.hasKey("user:1", "email"));
            assertEquals(3, hash.size("user:1"));
            assertEquals(3L, hash.lengthOfValue("user:1", "name"));
            assertEquals(Set.of("name", "logins", "email"), hash.keys("user:1"));
            assertTrue(hash.keys("user:1").contains(hash.randomKey("user:1")));
            assertEquals(2, hash.randomEntries("user:1", 2).size());
            int scanned = 0;
            try (Cursor<Map.Entry<String, String>> cursor = hash.scan("user:1", ScanOptions.scanOptions().count(10).build())) {
                while (cursor.hasNext()) {
                    cursor.next();
                    scanned++;
                }
            }
            assertEquals(3, scanned);
            assertEquals(2L, hash.delete("user:1", "email", "logins"));
            assertEquals(List.of("Ada"), hash.values("user:1"));
        } finally {
            factory.destroy();
        }
    }
}
