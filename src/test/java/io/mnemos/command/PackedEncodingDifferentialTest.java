package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed ("listpack") encodings of small hashes and sorted sets against a real redis-server:
 * OBJECT ENCODING transitions exactly at the configured limits (entries and value length, never
 * back), byte-identical HSCAN/ZSCAN of small collections (everything in one call, cursor 0, in
 * Redis's order), complete scans of converted ones, and the packed integers' text.
 */
class PackedEncodingDifferentialTest {

    private static List<String> sortedLines(String reply) {
        List<String> lines = new ArrayList<>(Arrays.asList(reply.split("\r\n")));
        lines.sort(null);
        return lines;
    }

    /** Every element a full SCAN-family iteration returns (cursor until 0), sorted. */
    private static List<String> fullScan(RespConnection conn, String cmd, String key)
            throws IOException {
        List<String> all = new ArrayList<>();
        String cursor = "0";
        do {
            String reply = conn.call(cmd, key, cursor, "COUNT", "7");
            String[] lines = reply.split("\r\n");
            cursor = lines[2];
            for (int i = 4; i < lines.length; i += 2) {
                all.add(lines[i]);
            }
        } while (!cursor.equals("0"));
        all.sort(null);
        return all;
    }

    @Test
    void hashEncodingFollowsTheDefaultLimitsExactly() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < 512; i++) {
                run.send("HSET", "h", "field:" + i, i % 3 == 0 ? String.valueOf(i * 1000 - 7) : "value:" + i);
                if (i % 64 == 0) {
                    run.send("OBJECT", "ENCODING", "h");
                    run.send("HSCAN", "h", "0");
                }
            }
            run.send("OBJECT", "ENCODING", "h");
            run.send("HGETALL", "h");
            run.send("HSCAN", "h", "0", "MATCH", "field:1*", "COUNT", "1");
            run.send("HSET", "h", "field:512", "x");
            run.send("OBJECT", "ENCODING", "h");
            assertEquals(fullScan(run.real(), "HSCAN", "h"), fullScan(run.ours(), "HSCAN", "h"));
            for (int i = 0; i < 510; i++) {
                run.send("HDEL", "h", "field:" + i);
            }
            run.send("OBJECT", "ENCODING", "h");
            run.send("HLEN", "h");
            run.send("HDEL", "h", "field:510", "field:511", "field:512");
            run.send("EXISTS", "h");

            run.send("HSET", "v", "f", "x".repeat(64));
            run.send("OBJECT", "ENCODING", "v");
            run.send("HSET", "v", "f", "x".repeat(65));
            run.send("OBJECT", "ENCODING", "v");
            run.send("HSET", "k", "f".repeat(65), "1");
            run.send("OBJECT", "ENCODING", "k");
            run.send("HSET", "m", "a", "1", "b", "y".repeat(65), "c", "3");
            run.send("OBJECT", "ENCODING", "m");
            run.send("HSETNX", "n", "f".repeat(64), "v".repeat(64));
            run.send("OBJECT", "ENCODING", "n");
        }
    }

    @Test
    void smallHashesKeepTheirTextIntegersAndOrder() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            String[] values = {"0", "-0", "007", "+1", "1", "-1", "127", "128", "-129", "65535", "4294967296",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", "", " 1", "1e3"};
            for (int i = 0; i < values.length; i++) {
                run.send("HSET", "h", values[i], values[(i + 1) % values.length]);
            }
            run.send("HGETALL", "h");
            run.send("HKEYS", "h");
            run.send("HVALS", "h");
            run.send("HSCAN", "h", "0");
            run.send("HSCAN", "h", "0", "MATCH", "*1*");
            for (String v : values) {
                run.send("HGET", "h", v);
                run.send("HSTRLEN", "h", v);
                run.send("HEXISTS", "h", v);
            }
            run.send("HINCRBY", "h", "1", "41");
            run.send("HINCRBY", "h", "new", "-5");
            run.send("HINCRBYFLOAT", "h", "1", "0.5");
            run.send("HINCRBYFLOAT", "h", "-1", "1");
            run.send("HINCRBY", "h", "9223372036854775807", "1");
            run.send("HINCRBY", "h", "-9223372036854775808", "-1");
            run.send("HGETALL", "h");
            run.send("HRANDFIELD", "h", "100", "WITHVALUES"); // count >= size: the whole hash, in order
        }
    }

    @Test
    void sortedSetEncodingFollowsTheDefaultLimitsExactly() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < 128; i++) {
                run.send("ZADD", "z", String.valueOf((i * 37) % 50 - 10) + (i % 4 == 0 ? ".5" : ""), "member:" + i);
                if (i % 32 == 0) {
                    run.send("OBJECT", "ENCODING", "z");
                    run.send("ZSCAN", "z", "0");
                }
            }
            run.send("OBJECT", "ENCODING", "z");
            run.send("ZRANGE", "z", "0", "-1", "WITHSCORES");
            run.send("ZSCAN", "z", "0", "MATCH", "member:1*", "COUNT", "1");
            run.send("ZRANK", "z", "member:77");
            run.send("ZRANGEBYSCORE", "z", "0", "(20", "WITHSCORES");
            run.send("ZREMRANGEBYRANK", "z", "10", "20");
            run.send("ZADD", "z", "1", "member:a", "2", "member:b", "3", "member:c", "4", "member:d",
                    "5", "member:e", "6", "member:f", "7", "member:g", "8", "member:h", "9", "member:i",
                    "10", "member:j", "11", "member:k", "12", "member:l");
            run.send("OBJECT", "ENCODING", "z");
            run.send("ZADD", "z", "0", "member:x");
            run.send("OBJECT", "ENCODING", "z");
            assertEquals(fullScan(run.real(), "ZSCAN", "z"), fullScan(run.ours(), "ZSCAN", "z"));
            run.send("ZREMRANGEBYRANK", "z", "0", "-3");
            run.send("OBJECT", "ENCODING", "z");
            run.send("ZRANGE", "z", "0", "-1", "WITHSCORES");

            run.send("ZADD", "v", "1", "x".repeat(64));
            run.send("OBJECT", "ENCODING", "v");
            run.send("ZADD", "v", "1", "x".repeat(65));
            run.send("OBJECT", "ENCODING", "v");
            run.send("ZADD", "e", "1", "", "-0", "0", "0", "-0", "inf", "10", "-inf", "9", "1.5e300", "007");
            run.send("ZRANGE", "e", "0", "-1", "WITHSCORES");
            run.send("ZSCAN", "e", "0");
            run.send("ZINCRBY", "e", "2", "0");
            run.send("ZRANGEBYLEX", "e", "-", "+");
            run.send("ZREM", "e", "", "-0", "0", "10", "9", "007");
            run.send("EXISTS", "e");
            run.send("ZUNIONSTORE", "u", "1", "z");
            run.send("OBJECT", "ENCODING", "u");
            run.send("ZRANGE", "u", "0", "-1", "WITHSCORES");
        }
    }
    /**
     * Loading a packed hash or sorted set (RESTORE of a payload Redis dumped, or an RDB file it
     * wrote) checks only its entry count against the limits, not its members' lengths: a listpack
     * holding a value longer than a lowered *-max-listpack-value stays a listpack, while the same
     * value in an unpacked encoding does not make it one. Later short writes keep it packed.
     */
    @Test
    void loadingAPackedValueChecksOnlyItsEntryCount() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            String longOne = "-9999999999999999999";
            run.real().call("HSET", "h", "f", longOne, "g", "1");
            run.real().call("ZADD", "z", "1", longOne, "2", "b");
            run.real().call("CONFIG", "SET", "hash-max-listpack-entries", "2");
            run.real().call("HSET", "big", "f", "1", "g", "1", longOne, "1");
            run.real().call("CONFIG", "SET", "hash-max-listpack-entries", "128");
            run.send("CONFIG", "SET", "hash-max-listpack-value", "8");
            run.send("CONFIG", "SET", "zset-max-listpack-value", "8");
            for (String key : new String[] {"h", "z", "big"}) {
                byte[] payload = RespConnection.bulkPayload(run.real().callBytes("DUMP", key));
                for (RespConnection conn : new RespConnection[] {run.real(), run.ours()}) {
                    assertEquals("+OK\r\n", conn.call(new byte[][] {
                        "RESTORE".getBytes(), (key + "2").getBytes(), "0".getBytes(), payload}));
                }
                run.note("RESTORE " + key + "2 0 <Redis's DUMP of " + key + ">");
                run.send("OBJECT", "ENCODING", key + "2");
            }
            run.send("HSET", "h2", "short", "v");
            run.send("ZADD", "z2", "3", "short");
            run.send("OBJECT", "ENCODING", "h2");
            run.send("OBJECT", "ENCODING", "z2");
            run.send("HGETALL", "h2");
            run.send("ZRANGE", "z2", "0", "-1", "WITHSCORES");
            run.send("HSET", "h2", "long", "x".repeat(9));
            run.send("OBJECT", "ENCODING", "h2");
        }
    }
    /**
     * Packed hashes and sorted sets are written as Redis writes them, as one listpack blob (integer
     * entries of every width, 6, 12 and 32 bit strings, scores in d2string's text): DUMP payloads
     * are Redis's byte for byte, and DEBUG RELOAD keeps a listpack a listpack even when it holds a
     * member longer than a since lowered *-max-listpack-value.
     */
    @Test
    void packedValuesAreWrittenAsListpacksLikeRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.both("HSET", "h", "a", "1", "b", "hello", "c", "-5", "d", "100000", "e", "9999999999",
                    "f", "x".repeat(60), "g", "-9223372036854775808", "h", "", "i", "-0", "j", "007",
                    "k", "4095", "l", "-4096", "m", "200", "n", "70000", "o", "8388608", "p", "-2147483649");
            run.both("ZADD", "z", "1", "a", "1.5", "b", "-3", "c", "1e17", "d", "inf", "e", "-inf", "f",
                    "0", "g", "100000", "h", "2.5e-7", "i", "4503599627370497", "j", "-0", "k", "1e300", "l");
            run.both("HSET", "wide", "f", "y".repeat(5000));
            run.both("CONFIG", "SET", "hash-max-listpack-value", "8000");
            run.both("HSET", "wide2", "f", "y".repeat(5000), "g", "z".repeat(100));
            for (String compression : new String[] {"yes", "no"}) {
                run.both("CONFIG", "SET", "rdbcompression", compression);
                for (String key : new String[] {"h", "z", "wide2"}) {
                    assertEquals(new String(run.real().callBytes("DUMP", key), StandardCharsets.ISO_8859_1),
                            new String(run.ours().callBytes("DUMP", key), StandardCharsets.ISO_8859_1),
                            "DUMP " + key + " with rdbcompression " + compression);
                }
            }
            run.send("CONFIG", "SET", "hash-max-listpack-value", "4");
            run.send("CONFIG", "SET", "zset-max-listpack-value", "4");
            run.send("DEBUG", "RELOAD");
            for (String key : new String[] {"h", "z", "wide", "wide2"}) {
                run.send("OBJECT", "ENCODING", key);
            }
            run.send("HGETALL", "h");
            run.send("ZRANGE", "z", "0", "-1", "WITHSCORES");
            run.assertSameDataset();
        }
    }
    /**
     * Lowering an entries limit converts nothing by itself; the next write decides. A hash converts
     * on any HSET/HINCRBY/HINCRBYFLOAT, even one that only updates a field (hashTypeSet checks the
     * length after every set); a sorted set only when a member is added, never on a score update;
     * an intset only when a member is added.
     */
    @Test
    void writesToValuesOverALoweredEntriesLimit() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String key : new String[] {"h1", "h2", "h3", "h4"}) {
                run.send("HSET", key, "a", "1", "b", "inf", "c", "x");
            }
            run.send("ZADD", "z", "1", "a", "2", "b", "3", "c");
            run.send("SADD", "s", "1", "2", "3");
            run.send("CONFIG", "SET", "hash-max-listpack-entries", "2");
            run.send("CONFIG", "SET", "zset-max-listpack-entries", "2");
            run.send("CONFIG", "SET", "set-max-intset-entries", "2");
            run.send("HSETNX", "h1", "a", "2");
            run.send("OBJECT", "ENCODING", "h1");
            run.send("HSET", "h1", "b", "");
            run.send("HSET", "h2", "a", "1");
            run.send("HINCRBY", "h3", "a", "5");
            run.send("HINCRBYFLOAT", "h4", "a", "0.5");
            run.send("ZADD", "z", "5", "a");
            run.send("ZINCRBY", "z", "1", "b");
            run.send("SADD", "s", "1");
            for (String key : new String[] {"h1", "h2", "h3", "h4", "z", "s"}) {
                run.send("OBJECT", "ENCODING", key);
            }
            run.send("ZADD", "z", "0", "d");
            run.send("SADD", "s", "4");
            run.send("OBJECT", "ENCODING", "z");
            run.send("OBJECT", "ENCODING", "s");
            run.assertSameDataset();
        }
    }
    /**
     * A skiplist is loaded as a skiplist and packed afterwards only if it fits, as Redis does: a
     * -0 score (0 times a negative weight) survives DEBUG RELOAD in a sorted set too long to pack,
     * while packing a small one turns it into 0 on both servers.
     */
    @Test
    void aNegativeZeroScoreSurvivesReloadUnlessTheSetIsPacked() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("ZADD", "big", "-2", "1", "3", "10", "7", "m".repeat(70));
            run.send("ZINTERSTORE", "big", "1", "big", "WEIGHTS", "0");
            run.send("ZADD", "small", "-2", "1", "3", "10");
            run.send("ZADD", "small", "1", "m".repeat(70));
            run.send("ZINTERSTORE", "small", "1", "small", "WEIGHTS", "0");
            run.send("ZREM", "small", "m".repeat(70));
            run.send("ZRANGE", "big", "0", "-1", "WITHSCORES");
            run.send("ZRANGE", "small", "0", "-1", "WITHSCORES");
            run.send("DEBUG", "RELOAD");
            for (String key : new String[] {"big", "small"}) {
                run.send("OBJECT", "ENCODING", key);
                run.send("ZRANGE", key, "0", "-1", "WITHSCORES");
                run.send("DEBUG", "DIGEST-VALUE", key);
            }
            run.assertSameDataset();
        }
    }
}
