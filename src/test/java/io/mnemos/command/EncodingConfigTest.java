package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The encoding thresholds of lists, hashes, sets and sorted sets can be changed at run time with
 * CONFIG SET, under their Redis 7.0 names and their *-ziplist-* aliases, and take effect on the
 * next write.
 */
class EncodingConfigTest {
    private final CommandHarness h = new CommandHarness();

    private String encoding(String key) {
        return h.exec("OBJECT", "ENCODING", key);
    }

    @Test
    void setMaxIntsetEntriesConvertsPastTheNewLimit() {
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "set-max-intset-entries", "2"));
        assertEquals("*2\r\n$22\r\nset-max-intset-entries\r\n$1\r\n2\r\n", h.exec("CONFIG", "GET", "set-max-intset-entries"));
        h.exec("SADD", "s", "1", "2");
        assertEquals("$6\r\nintset\r\n", encoding("s"));
        h.exec("SADD", "s", "3");
        assertEquals("$9\r\nhashtable\r\n", encoding("s"));
    }

    @Test
    void zsetListpackLimitsAndTheirZiplistAliases() {
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "zset-max-ziplist-entries", "2"));
        assertEquals("*2\r\n$25\r\nzset-max-listpack-entries\r\n$1\r\n2\r\n", h.exec("CONFIG", "GET", "zset-max-listpack-entries"));
        h.exec("ZADD", "z", "1", "a", "2", "b");
        assertEquals("$8\r\nlistpack\r\n", encoding("z"));
        h.exec("ZADD", "z", "3", "c");
        assertEquals("$8\r\nskiplist\r\n", encoding("z"));

        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "zset-max-listpack-value", "3"));
        assertEquals("*2\r\n$22\r\nzset-max-ziplist-value\r\n$1\r\n3\r\n", h.exec("CONFIG", "GET", "zset-max-ziplist-value"));
        h.exec("ZADD", "v", "1", "abc");
        assertEquals("$8\r\nlistpack\r\n", encoding("v"));
        h.exec("ZADD", "v", "1", "abcd");
        assertEquals("$8\r\nskiplist\r\n", encoding("v"));
    }

    @Test
    void hashListpackLimits() {
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "hash-max-listpack-entries", "1"));
        h.exec("HSET", "h", "f", "v");
        assertEquals("$8\r\nlistpack\r\n", encoding("h"));
        h.exec("HSET", "h", "g", "v");
        assertEquals("$9\r\nhashtable\r\n", encoding("h"));

        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "hash-max-ziplist-value", "2"));
        assertEquals("*2\r\n$23\r\nhash-max-listpack-value\r\n$1\r\n2\r\n", h.exec("CONFIG", "GET", "hash-max-listpack-value"));
        h.exec("HSET", "v", "f", "ab");
        assertEquals("$8\r\nlistpack\r\n", encoding("v"));
        h.exec("HSET", "v", "f", "abc");
        assertEquals("$9\r\nhashtable\r\n", encoding("v"));
    }

    @Test
    void listMaxListpackSizeUnderBothNames() {
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "list-max-listpack-size", "2"));
        assertEquals("*2\r\n$21\r\nlist-max-ziplist-size\r\n$1\r\n2\r\n", h.exec("CONFIG", "GET", "list-max-ziplist-size"));
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "list-max-ziplist-size", "-1"));
        assertEquals("*2\r\n$22\r\nlist-max-listpack-size\r\n$2\r\n-1\r\n", h.exec("CONFIG", "GET", "list-max-listpack-size"));
        // Redis 7.0 reports every list as a quicklist, whatever its node size.
        h.exec("RPUSH", "l", "a", "b", "c");
        assertEquals("$9\r\nquicklist\r\n", encoding("l"));
    }

    @Test
    void theSameEncodingParametersAsRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (String pattern : List.of("*ziplist*", "*listpack*", "*intset*")) {
                assertEquals(sortedPairs(real.call("CONFIG", "GET", pattern)),
                        sortedPairs(ours.call("CONFIG", "GET", pattern)), pattern);
            }
        }
    }

    /** The name/value pairs of a RESP2 CONFIG GET reply, in name order. */
    private static List<String> sortedPairs(String reply) {
        String[] lines = reply.split("\r\n");
        List<String> pairs = new ArrayList<>();
        for (int i = 1; i + 3 < lines.length; i += 4) {
            pairs.add(lines[i + 1] + "=" + lines[i + 3]);
        }
        pairs.sort(null);
        return pairs;
    }
}
