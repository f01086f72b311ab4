package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sorted set replies and errors, as verified on redis-server 7.0.15. */
class SortedSetCommandsTest {
    private final CommandHarness h = new CommandHarness();

    @Test
    void zaddOptionConflictsUseRedisTexts() {
        assertEquals("-ERR XX and NX options at the same time are not compatible\r\n", h.exec("ZADD", "z", "NX", "XX", "1", "a"));
        assertEquals("-ERR GT, LT, and/or NX options at the same time are not compatible\r\n", h.exec("ZADD", "z", "GT", "LT", "1", "a"));
        assertEquals("-ERR INCR option supports a single increment-element pair\r\n", h.exec("ZADD", "z", "INCR", "1", "a", "2", "b"));
        assertEquals("-ERR value is not a valid float\r\n", h.exec("ZADD", "z", "1e400", "a"));
        assertEquals("-ERR syntax error\r\n", h.exec("ZADD", "z", "1", "a", "2"));
    }

    @Test
    void zaddIncrReturnsNilWhenAborted() {
        assertEquals(":3\r\n", h.exec("ZADD", "z", "1", "a", "2", "b", "3", "c"));
        assertEquals("$-1\r\n", h.exec("ZADD", "z", "NX", "INCR", "1", "c"));
        assertEquals("$1\r\n4\r\n", h.exec("ZADD", "z", "INCR", "1", "c"));
        assertEquals(":1\r\n", h.exec("ZADD", "z", "XX", "CH", "5", "a", "0", "d"));
    }

    @Test
    void rangeErrorsUseRedisTexts() {
        h.exec("ZADD", "z", "1", "a", "2", "b");
        assertEquals("-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n",
                h.exec("ZRANGEBYLEX", "z", "-", "+", "WITHSCORES"));
        assertEquals("-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n",
                h.exec("ZRANGE", "z", "0", "1", "LIMIT", "0", "1"));
        assertEquals("-ERR min or max is not a float\r\n", h.exec("ZCOUNT", "z", "abc", "1"));
        assertEquals("-ERR min or max not valid string range item\r\n", h.exec("ZLEXCOUNT", "z", "a", "b"));
        assertEquals("*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", h.exec("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    }

    @Test
    void resp3WithscoresRepliesArePairsAndPopsNestOnlyWithCount() {
        h.client().reply().protocol(3);
        h.exec("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertEquals("*1\r\n*2\r\n$1\r\na\r\n,1\r\n", h.exec("ZRANGE", "z", "0", "0", "WITHSCORES"));
        assertEquals("*2\r\n$1\r\na\r\n,1\r\n", h.exec("ZPOPMIN", "z"));
        assertEquals("*1\r\n*2\r\n$1\r\nb\r\n,2\r\n", h.exec("ZPOPMIN", "z", "1"));
        assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nc\r\n,3\r\n", h.exec("ZMPOP", "1", "z", "MIN"));
        assertEquals("_\r\n", h.exec("ZMPOP", "1", "z", "MIN"));
    }

    @Test
    void encodingsFollowTheListpackLimits() {
        h.exec("ZADD", "z", "1", "a");
        assertEquals("$8\r\nlistpack\r\n", h.exec("OBJECT", "ENCODING", "z"));
        h.exec("ZADD", "z", "1", "x".repeat(65));
        assertEquals("$8\r\nskiplist\r\n", h.exec("OBJECT", "ENCODING", "z"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.exec("ZMPOP", "0", "z", "MIN"));
        assertEquals("-ERR count should be greater than 0\r\n", h.exec("ZMPOP", "1", "z", "MIN", "COUNT", "0"));
    }

    @Test
    void aNewSetIsSizedByItsMembersNotByTheRepeatedPairsOfOneZadd() {
        h.exec("CONFIG", "SET", "zset-max-listpack-entries", "2");
        assertEquals(":1\r\n", h.exec("ZADD", "z", "1", "a", "2", "a", "3", "a"));
        assertEquals("$8\r\nlistpack\r\n", h.exec("OBJECT", "ENCODING", "z"));
        h.exec("ZADD", "long", "1", "a", "1", "x".repeat(65));
        assertEquals("$8\r\nskiplist\r\n", h.exec("OBJECT", "ENCODING", "long"));
    }

    @Test
    void zscanOfAPackedSetShowsScoresAsTheListpackHoldsThem() {
        h.exec("ZADD", "z", "1e17", "a", "-0.0", "b", "4611686018427388928", "c");
        assertEquals("*2\r\n$1\r\n0\r\n*6\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\na\r\n$18\r\n100000000000000000\r\n"
                + "$1\r\nc\r\n$22\r\n4.6116860184273889e+18\r\n", h.exec("ZSCAN", "z", "0"));
        assertEquals("$5\r\n1e+17\r\n", h.exec("ZSCORE", "z", "a"));
    }

    @Test
    void scoreRangeBoundsEndAtANulByteAsCStringsDo() {
        h.exec("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertEquals(":2\r\n", h.exec("ZCOUNT", "z", "(1\0garbage", "3"));
        assertEquals(":3\r\n", h.exec("ZCOUNT", "z", "\0", "+inf"));
        h.exec("SET", "s", "x");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.exec("ZRANGEBYSCORE", "s", "1\0x", "+inf"));
        assertEquals("-ERR min or max is not a float\r\n", h.exec("ZRANGEBYSCORE", "s", "x", "+inf"));
        assertEquals("-ERR value is not a valid float\r\n", h.exec("ZADD", "z", "1\0", "d"));
    }
}
