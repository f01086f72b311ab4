package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Set replies and errors, as verified on redis-server 7.0.15. */
class SetCommandsTest {
    private final CommandHarness h = new CommandHarness();

    @Test
    void intsetsReplyInAscendingOrderAndConvertOnAString() {
        assertEquals(":4\r\n", h.exec("SADD", "i", "5", "3", "1", "-7"));
        assertEquals("*4\r\n$2\r\n-7\r\n$1\r\n1\r\n$1\r\n3\r\n$1\r\n5\r\n", h.exec("SMEMBERS", "i"));
        assertEquals("$6\r\nintset\r\n", h.exec("OBJECT", "ENCODING", "i"));
        h.exec("SADD", "i", "x");
        assertEquals("$9\r\nhashtable\r\n", h.exec("OBJECT", "ENCODING", "i"));
    }

    @Test
    void countErrorsUseRedisTexts() {
        h.exec("SADD", "s", "a", "b", "c");
        assertEquals("-ERR value is out of range, must be positive\r\n", h.exec("SPOP", "s", "-1"));
        assertEquals("-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
                h.exec("SRANDMEMBER", "s", "-9223372036854775808"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.exec("SINTERCARD", "0", "s"));
        assertEquals("-ERR Number of keys can't be greater than number of args\r\n", h.exec("SINTERCARD", "2", "s"));
        assertEquals("-ERR LIMIT can't be negative\r\n", h.exec("SINTERCARD", "1", "s", "LIMIT", "-1"));
        assertEquals("-ERR syntax error\r\n", h.exec("SPOP", "s", "1", "2"));
    }

    @Test
    void emptiedSetsAreDeletedAndWrongTypesRejected() {
        h.exec("SADD", "s", "a");
        assertEquals(":1\r\n", h.exec("SREM", "s", "a", "b"));
        assertEquals(":0\r\n", h.exec("EXISTS", "s"));
        h.exec("SET", "str", "v");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.exec("SADD", "str", "a"));
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", h.exec("SINTER", "nokey", "str"));
    }
}
