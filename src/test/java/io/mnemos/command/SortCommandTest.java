package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** SORT and SORT_RO replies and errors, as verified on redis-server 7.0.15. */
class SortCommandTest {
    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private static final String NOT_DOUBLE = "-ERR One or more scores can't be converted into double\r\n";

    private final CommandHarness h = new CommandHarness();

    /** The RESP2 array of these bulk strings ("nil" for a null bulk). */
    private static String array(String... items) {
        StringBuilder sb = new StringBuilder("*").append(items.length).append("\r\n");
        for (String s : items) {
            sb.append(s == null ? "$-1\r\n" : "$" + s.length() + "\r\n" + s + "\r\n");
        }
        return sb.toString();
    }

    @Test
    void sortsNumericallyByDefaultAndAppliesDescAndLimit() {
        h.exec("RPUSH", "l", "3", "1", "2", "10");
        assertEquals(array("1", "2", "3", "10"), h.exec("SORT", "l"));
        assertEquals(array("10", "3", "2", "1"), h.exec("SORT", "l", "DESC"));
        assertEquals(array("1", "10", "2", "3"), h.exec("SORT", "l", "ALPHA"));
        assertEquals(array("3", "2"), h.exec("SORT", "l", "desc", "limit", "1", "2"));
        assertEquals(array("1", "2", "3", "10"), h.exec("SORT_RO", "l"));
    }

    @Test
    void byWithLimitLeavesTiedWeightsInPqsortsOrder() {
        // Redis 7.0.15's pqsort has no "no swaps: insertion sort" shortcut: a1 stays before a2
        // (the NetBSD original's shortcut would give a2 a1).
        h.exec("RPUSH", "l", "a1", "a2", "b", "c", "d", "e", "f", "g", "h", "i");
        String[] weights = {"a1", "1", "a2", "1", "b", "2", "c", "3", "d", "4", "e", "5", "f", "6", "g", "7", "h", "8", "i", "9"};
        for (int i = 0; i < weights.length; i += 2) {
            h.exec("SET", "w_" + weights[i], weights[i + 1]);
        }
        assertEquals(array("a1", "a2", "b"), h.exec("SORT", "l", "BY", "w_*", "ALPHA", "LIMIT", "0", "3"));
    }

    @Test
    void limitIsClampedToTheCollectionAsRedisDoes() {
        h.exec("RPUSH", "l", "3", "1", "2", "10");
        // A negative offset is 0 and a negative count means "all".
        assertEquals(array("1", "2", "3", "10"), h.exec("SORT", "l", "LIMIT", "-5", "-5"));
        assertEquals(array("10"), h.exec("SORT", "l", "LIMIT", "3", "9223372036854775807"));
        assertEquals(array(), h.exec("SORT", "l", "LIMIT", "9223372036854775807", "9223372036854775807"));
        assertEquals(array(), h.exec("SORT", "l", "LIMIT", "0", "0"));
    }

    @Test
    void optionErrorsComeBeforeTheTypeCheck() {
        h.exec("RPUSH", "l", "1");
        h.exec("SET", "str", "v");
        assertEquals("-ERR syntax error\r\n", h.exec("SORT", "l", "LIMIT", "1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.exec("SORT", "l", "LIMIT", "0", "x"));
        assertEquals("-ERR syntax error\r\n", h.exec("SORT_RO", "l", "STORE", "d"));
        assertEquals("-ERR syntax error\r\n", h.exec("SORT", "str", "bogus"));
        assertEquals(WRONGTYPE, h.exec("SORT", "str"));
        assertEquals(WRONGTYPE, h.exec("SORT_RO", "str", "BY", "nosort"));
    }

    @Test
    void scoresAreReadLikeStrtodOnACString() {
        // "" and "1\0junk" read as 0 and 1 (strtod stops at the NUL), " 7" skips its space, 0x10 is 16.
        h.exec("RPUSH", "nums", "", " 7", "1\0junk", "0x10", "2");
        assertEquals(array("", "1\0junk", "2", " 7", "0x10"), h.exec("SORT", "nums"));
        h.exec("RPUSH", "bad", "1", "2", "x");
        assertEquals(NOT_DOUBLE, h.exec("SORT", "bad"));
        h.exec("RPUSH", "tiny", "1e-310");
        assertEquals(NOT_DOUBLE, h.exec("SORT", "tiny"), "an inexact subnormal is an ERANGE underflow");
        h.exec("RPUSH", "exact", "0x1p-1074", "-inf", "infinity");
        assertEquals(array("-inf", "0x1p-1074", "infinity"), h.exec("SORT", "exact"));
        h.exec("RPUSH", "trailing", "1 ");
        assertEquals(NOT_DOUBLE, h.exec("SORT", "trailing"));
    }

    @Test
    void byAndGetPatternsReadStringsAndHashFields() {
        h.exec("RPUSH", "l", "3", "1", "2", "10");
        h.exec("MSET", "w_3", "c", "w_1", "a", "w_2", "b");
        // A missing weight sorts first under ALPHA; a missing GET value is a null.
        assertEquals(array("10", null, "1", "a", "2", "b", "3", "c"),
                h.exec("SORT", "l", "BY", "w_*", "ALPHA", "GET", "#", "GET", "w_*"));
        h.exec("HSET", "h_1", "f", "30");
        h.exec("HSET", "h_2", "f", "20");
        // Missing weights are 0, ties are broken by the elements' bytes ("10" before "3").
        assertEquals(array(null, null, "20", "30"), h.exec("SORT", "l", "BY", "h_*->f", "GET", "h_*->f"));
        // A GET of a key of another type, or of a pattern without '*', is a null.
        assertEquals(array(null, null, null, null), h.exec("SORT", "l", "GET", "l", "LIMIT", "0", "-1"));
    }

    @Test
    void aByPatternWithoutStarKeepsTheNativeOrder() {
        h.exec("RPUSH", "l", "3", "1", "2", "10");
        assertEquals(array("10", "2", "1", "3"), h.exec("SORT", "l", "BY", "nosort", "DESC"));
        assertEquals(array("2", "1"), h.exec("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"));
        h.exec("ZADD", "z", "2", "b", "1", "a", "3", "c");
        assertEquals("$8\r\nlistpack\r\n", h.exec("OBJECT", "ENCODING", "z"));
        assertEquals(array("c", "b"), h.exec("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "0", "2"));
        // Sorting converts a sorted set for good, as Redis's zsetConvert does.
        assertEquals("$8\r\nskiplist\r\n", h.exec("OBJECT", "ENCODING", "z"));
        // Sets have no order of their own: stored, they are sorted anyway (ALPHA).
        h.exec("SADD", "s", "b", "c", "a");
        assertEquals(":3\r\n", h.exec("SORT", "s", "BY", "nosort", "DESC", "STORE", "d"));
        assertEquals(array("c", "b", "a"), h.exec("LRANGE", "d", "0", "-1"));
    }

    @Test
    void storeWritesAListAndAnEmptyResultDeletesTheDestination() {
        h.exec("RPUSH", "l", "3", "1", "2", "10");
        h.exec("SET", "dst", "old");
        h.exec("EXPIRE", "dst", "100");
        assertEquals(":4\r\n", h.exec("SORT", "l", "STORE", "dst"));
        assertEquals(array("1", "2", "3", "10"), h.exec("LRANGE", "dst", "0", "-1"));
        assertEquals(":-1\r\n", h.exec("TTL", "dst"));
        // With GET, a missing value is stored as an empty string and the count is per value.
        assertEquals(":8\r\n", h.exec("SORT", "l", "GET", "#", "GET", "nokey_*", "STORE", "dst"));
        assertEquals(array("1", "", "2", "", "3", "", "10", ""), h.exec("LRANGE", "dst", "0", "-1"));
        assertEquals(":0\r\n", h.exec("SORT", "nokey", "STORE", "dst"));
        assertEquals(":0\r\n", h.exec("EXISTS", "dst"));
    }

    @Test
    void resp3RepliesNullsAsNull() {
        h.exec("HELLO", "3");
        h.exec("RPUSH", "l", "1", "2");
        h.exec("SET", "w_2", "x");
        assertEquals("*2\r\n_\r\n$1\r\nx\r\n", h.exec("SORT", "l", "GET", "w_*"));
    }

    @Test
    void byAndGetNeedReadAccessToEveryKey() {
        h.exec("RPUSH", "l", "2", "1");
        h.exec("ACL", "SETUSER", "lim", "on", "nopass", "~l*", "+@all");
        h.exec("ACL", "SETUSER", "reader", "on", "nopass", "%R~*", "+@all");
        h.exec("AUTH", "lim", "x");
        assertEquals("-ERR GET option of SORT denied due to insufficient ACL permissions.\r\n",
                h.exec("SORT", "l", "GET", "#"));
        assertEquals("-ERR BY option of SORT denied due to insufficient ACL permissions.\r\n",
                h.exec("SORT_RO", "l", "BY", "w_*"));
        assertEquals(array("2", "1"), h.exec("SORT", "l", "BY", "nosort"));
        h.exec("AUTH", "reader", "x");
        assertEquals(array("1", "2"), h.exec("SORT_RO", "l", "GET", "#"));
    }

    @Test
    void getKeysFindsTheLastStoreDestination() {
        assertEquals(array("a", "d"), h.exec("COMMAND", "GETKEYS", "SORT", "a", "STORE", "b", "GET", "c", "STORE", "d"));
        assertEquals(array("a"), h.exec("COMMAND", "GETKEYS", "SORT_RO", "a", "STORE", "b"));
    }

    @Test
    void aStoredGetValueIsACopyThatLaterInPlaceEditsLeaveAlone() throws Exception {
        new ReplyScript()
                .expect("+OK\r\n", "SET", "w:1", "abc").expect(":4\r\n", "APPEND", "w:1", "d")
                .expect(":1\r\n", "RPUSH", "l", "1")
                .expect(":1\r\n", "SORT", "l", "GET", "w:*", "STORE", "dst")
                .expect(":4\r\n", "SETRANGE", "w:1", "0", "X").expect(":0\r\n", "SETBIT", "w:1", "7", "1")
                .expect(":5\r\n", "APPEND", "w:1", "e")
                .expect("*1\r\n$4\r\nabcd\r\n", "LRANGE", "dst", "0", "-1")
                .expect("$5\r\nYbcde\r\n", "GET", "w:1")
                .verify();
    }
}
