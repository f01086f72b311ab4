package io.mnemos.command;

import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

/**
 * MEMORY USAGE ... SAMPLES 0 as redis-server 7.0.15 reports it where the figure depends on a
 * value's history rather than on its content: an sds grown in place (APPEND, SETRANGE, SETBIT,
 * BITFIELD, a sparse HyperLogLog) keeps the greedy allocation sdsMakeRoomFor gave it; a dict keeps
 * the buckets it grew to; a stream node copied or loaded is exactly its size, a new one is
 * preallocated. Each figure is Redis's; each script also runs on a real redis-server where installed.
 */
class MemoryUsageDifferentialTest {
    private static final String OK = "+OK\r\n";

    private static String usage(long bytes) {
        return ":" + bytes + "\r\n";
    }

    private static String[] memoryUsage(String key) {
        return new String[]{"MEMORY", "USAGE", key, "SAMPLES", "0"};
    }

    @Test
    void appendGrowsTheStringGreedily() throws Exception {
        new ReplyScript()
                // embstr: copied to a raw sds made to measure, then doubled for the append
                .expect(OK, "SET", "k", "abc").expect(":53\r\n", "APPEND", "k", "b".repeat(50))
                .expect(usage(160), memoryUsage("k"))
                // an empty sds keeps free space: the first appends fit in place
                .expect(OK, "SET", "e", "").expect(":3\r\n", "APPEND", "e", "abc").expect(usage(56), memoryUsage("e"))
                .expect(":4\r\n", "APPEND", "e", "d").expect(usage(56), memoryUsage("e"))
                .expect(":9\r\n", "APPEND", "e", "12345").expect(usage(80), memoryUsage("e"))
                // SET trimmed the free space of this raw value (over a tenth of it): the append reallocates
                .expect(OK, "SET", "t", "x".repeat(50)).expect(":51\r\n", "APPEND", "t", "y")
                .expect(usage(160), memoryUsage("t"))
                // ... but not of this one, whose append fits
                .expect(OK, "SET", "u", "x".repeat(100)).expect(":101\r\n", "APPEND", "u", "y")
                .expect(usage(160), memoryUsage("u"))
                .expect(OK, "SET", "n", "12345").expect(":6\r\n", "APPEND", "n", "6").expect(usage(64), memoryUsage("n"))
                .verify();
    }

    @Test
    void repeatedAppendsDoubleTheAllocationAndAddAMegabyteAboveOne() throws Exception {
        long[] expected = {64, 80, 80, 80, 80, 80, 80, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 128, 240};
        ReplyScript script = new ReplyScript();
        for (int i = 0; i < expected.length; i++) {
            script.expect(":" + 4 * (i + 1) + "\r\n", "APPEND", "g", "xyzw").expect(usage(expected[i]), memoryUsage("g"));
        }
        script.expect(":300000\r\n", "APPEND", "m", "c".repeat(300_000))
                .expect(":1200000\r\n", "APPEND", "m", "c".repeat(900_000))
                .expect(usage(2_621_488), memoryUsage("m"))
                .expect(":1200001\r\n", "APPEND", "m", "x").expect(usage(2_621_488), memoryUsage("m"))
                .verify();
    }

    @Test
    void bitsAndRangesGrowTheStringAsSdsgrowzero() throws Exception {
        new ReplyScript()
                .expect(":42\r\n", "SETRANGE", "r", "37", "hello").expect(usage(96), memoryUsage("r"))
                .expect(":205\r\n", "SETRANGE", "r", "200", "hello").expect(usage(496), memoryUsage("r"))
                .expect(":0\r\n", "SETBIT", "s", "1000", "1").expect(usage(208), memoryUsage("s"))
                .expect(":0\r\n", "SETBIT", "s", "5000", "1").expect(usage(1328), memoryUsage("s"))
                .expect("*1\r\n:0\r\n", "BITFIELD", "b", "SET", "u8", "100", "3").expect(usage(64), memoryUsage("b"))
                .expect("*1\r\n:0\r\n", "BITFIELD", "b", "SET", "u8", "3000", "3").expect(usage(816), memoryUsage("b"))
                .verify();
    }

    @Test
    void aCopyIsMadeToMeasure() throws Exception {
        new ReplyScript()
                .expect(OK, "SET", "k", "abc").expect(":53\r\n", "APPEND", "k", "b".repeat(50))
                .expect(":1\r\n", "COPY", "k", "k2").expect(usage(112), memoryUsage("k2"))
                // INCRBYFLOAT's result is an embstr, never an integer, and so is its copy
                .expect("$2\r\n-1\r\n", "INCRBYFLOAT", "f", "-1").expect(":1\r\n", "COPY", "f", "f2")
                .expect(usage(64), memoryUsage("f")).expect(usage(64), memoryUsage("f2"))
                .verify();
    }

    @Test
    void aSparseHyperLogLogGrowsByThreeBytesAtATime() throws Exception {
        long[] expected = {144, 144, 240, 240, 240, 240, 432, 432, 432, 432, 432, 432};
        ReplyScript script = new ReplyScript();
        for (int i = 1; i <= expected.length; i++) {
            String[] add = new String[12];
            add[0] = "PFADD";
            add[1] = "h";
            for (int j = 0; j < 10; j++) {
                add[2 + j] = "e" + (i * 10 + j);
            }
            script.expect(":1\r\n", add).expect(usage(expected[i - 1]), memoryUsage("h"));
        }
        script.expect(":1\r\n", "PFDEBUG", "TODENSE", "h").expect(usage(14384), memoryUsage("h"))
                .expect(":1\r\n", "PFADD", "p1", "a", "b", "c").expect(":1\r\n", "PFADD", "p2", "d", "e", "f")
                .expect(OK, "PFMERGE", "p3", "p1", "p2").expect(usage(96), memoryUsage("p3"))
                .expect(OK, "PFMERGE", "p1", "p2").expect(usage(96), memoryUsage("p1"))
                .verify();
    }

    @Test
    void aDictKeepsTheBucketsItGrewTo() throws Exception {
        ReplyScript script = new ReplyScript()
                .expect(":4\r\n", "SADD", "s", "a", "b", "c", "d").expect(usage(264), memoryUsage("s"))
                // adding a member it holds still grows a full table, as dictAdd does
                .expect(":0\r\n", "SADD", "s", "a");
        finishRehashing(script, "SISMEMBER", "s");
        script.expect(usage(296), memoryUsage("s"))
                // five fields grew the table to 8 buckets; deleting one does not shrink it
                .expect(":5\r\n", "HSET", "h", "f0", "x".repeat(70), "f1", "v", "f2", "v", "f3", "v", "f4", "v")
                .expect(":1\r\n", "HDEL", "h", "f4");
        finishRehashing(script, "HEXISTS", "h");
        script.expect(usage(400), memoryUsage("h")).verify();
    }

    /** Lookups each move one bucket of an incremental rehash: enough of them finish a small one. */
    private static void finishRehashing(ReplyScript script, String lookup, String key) {
        for (int i = 0; i < 20; i++) {
            script.expect(":0\r\n", lookup, key, "absent");
        }
    }

    @Test
    void theAveragedCostIsAddedInDoubleAsRedisAddsIt() throws Exception {
        ReplyScript script = new ReplyScript()
                .expect(OK, "CONFIG", "SET", "hash-max-listpack-value", "4")
                .expect(":2\r\n", "HSET", "f", "-1", "9223372036854775807", "9999999999", " 1")
                .expect(":2\r\n", "HSET", "f", "7", "1", "3", "12345678901")
                .expect(OK, "HMSET", "f", "10", "-0", "a", "007", "100000", "1e3")
                .expect("$1\r\n1\r\n", "HINCRBYFLOAT", "f", "2", "1")
                .expect("$3\r\n0.1\r\n", "HINCRBYFLOAT", "f", "1.5", "0.1")
                .expect(":1\r\n", "HSET", "f", "b", "1")
                .expect("$4\r\n3000\r\n", "HINCRBYFLOAT", "f", "1", "3.0e3");
        finishRehashing(script, "HEXISTS", "f");
        // Redis adds the fields' average cost times their count to its size_t in double: the sum is
        // truncated, and here that is one more than adding the truncated product.
        script.expect(usage(712), memoryUsage("f"))
                .expect(OK, "CONFIG", "SET", "hash-max-listpack-value", "64")
                .verify();
    }

    @Test
    void aCopiedStreamNodeIsItsSizeAndANewOneIsPreallocated() throws Exception {
        new ReplyScript()
                .expect("$3\r\n1-1\r\n", "XADD", "x", "1-1", "f", "42").expect(":1\r\n", "COPY", "x", "x2")
                .expect("$3\r\n2-1\r\n", "XADD", "x2", "2-1", "g", "x".repeat(70), "b", "3.5")
                .expect(usage(760), memoryUsage("x2")).expect(usage(4728), memoryUsage("x"))
                .verify();
    }
}
