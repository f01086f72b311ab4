package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** REPLCONF's replies and errors as redis-server 7.0.15 gives them. */
class ReplicationCommandsTest {
    private final CommandHarness h = new CommandHarness();

    @Test
    void replconfTakesOptionValuePairs() {
        assertEquals("+OK\r\n", h.exec("REPLCONF"));
        assertEquals("+OK\r\n", h.exec("REPLCONF", "listening-port", "6380", "capa", "eof", "capa", "psync2"));
        assertEquals("-ERR syntax error\r\n", h.exec("REPLCONF", "capa"));
        assertEquals("-ERR Unrecognized REPLCONF option: foo\r\n", h.exec("REPLCONF", "foo", "1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.exec("REPLCONF", "listening-port", "x"));
        assertEquals("-ERR value is out of range, value must between 0 and 1\r\n", h.exec("REPLCONF", "rdb-only", "2"));
        assertEquals("", h.exec("REPLCONF", "ack", "1"), "a replica's ack gets no reply");
        assertEquals("", h.exec("REPLCONF", "getack", "*"), "nor a master's request for one");
    }

    @Test
    void rdbFilterOnlyTakesTheFunctionsFilterSplitAsSdssplitargs() {
        assertEquals("-ERR Unsupported rdb-filter-only option: foo\r\n", h.exec("REPLCONF", "rdb-filter-only", "foo"));
        assertEquals("-ERR Missing rdb-filter-only values\r\n", h.exec("REPLCONF", "rdb-filter-only", "\"abc"));
        assertEquals("+OK\r\n", h.exec("REPLCONF", "rdb-filter-only", ""));
        assertEquals("+OK\r\n", h.exec("REPLCONF", "rdb-filter-only", "functions FUNCTIONS"));
        assertEquals(1, h.client().replicaRequirements(), "keys left out, functions kept");
    }

    @Test
    void rdbOnlyMarksADumpOnlyClient() {
        assertEquals("+OK\r\n", h.exec("REPLCONF", "rdb-only", "1"));
        assertEquals(true, h.client().rdbOnly());
        assertEquals("+OK\r\n", h.exec("REPLCONF", "listening-port", "6380"));
        assertEquals("6380", h.client().listeningPort());
    }
}
