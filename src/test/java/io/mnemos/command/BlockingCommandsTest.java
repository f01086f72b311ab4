package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP and CLIENT UNBLOCK, reply for reply as Redis 7.0.15. A
 * blocked client's answer arrives when another client's command completes ({@link
 * CommandHarness#output}); timeouts follow the manual clock.
 */
class BlockingCommandsTest {
    static final String NIL_ARRAY = "*-1\r\n";
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private final CommandHarness h = new CommandHarness();

    @Test
    void withDataTheyBehaveAsTheirNonBlockingForms() {
        h.exec("RPUSH", "a", "1", "2", "3");
        assertEquals("*2\r\n$1\r\na\r\n$1\r\n1\r\n", h.exec("BLPOP", "missing", "a", "0"));
        assertEquals("*2\r\n$1\r\na\r\n$1\r\n3\r\n", h.exec("BRPOP", "a", "0"));
        assertEquals("$1\r\n2\r\n", h.exec("BLMOVE", "a", "d", "RIGHT", "LEFT", "0"));
        assertEquals(":0\r\n", h.exec("EXISTS", "a"));
        assertEquals("$1\r\n2\r\n", h.exec("BRPOPLPUSH", "d", "e", "0"));
        h.exec("RPUSH", "m", "1", "2", "3");
        assertEquals("*2\r\n$1\r\nm\r\n*2\r\n$1\r\n3\r\n$1\r\n2\r\n", h.exec("BLMPOP", "0", "2", "x", "m", "RIGHT",
                "COUNT", "2"));
        assertEquals("*2\r\n$1\r\nm\r\n*1\r\n$1\r\n1\r\n", h.exec("BLMPOP", "0", "1", "m", "LEFT", "COUNT", "5"));
    }

    @Test
    void argumentErrors() {
        h.exec("SET", "s", "x");
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.exec("BLPOP", "a", "x"));
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.exec("BLPOP", "a", " 1"));
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.exec("BLPOP", "a", "nan"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BLPOP", "a", "-1"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BLPOP", "a", "inf"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BLPOP", "a", "1e400"));
        assertEquals(WRONGTYPE, h.exec("BLPOP", "s", "-0.0001"));
        assertEquals(WRONGTYPE, h.exec("BLPOP", "s", "0x10"));
        assertEquals(WRONGTYPE, h.exec("BRPOPLPUSH", "s", "d", "0"));
        assertEquals("-ERR syntax error\r\n", h.exec("BLMOVE", "a", "d", "UP", "LEFT", "0"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BLMOVE", "a", "d", "LEFT", "LEFT", "-1"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.exec("BLMPOP", "0", "0", "a", "LEFT"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.exec("BLMPOP", "-1", "0", "a", "LEFT"));
        assertEquals("-ERR syntax error\r\n", h.exec("BLMPOP", "x", "1", "a", "MIDDLE"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BLMPOP", "-1", "1", "a", "LEFT"));
        assertEquals("-ERR syntax error\r\n", h.exec("BLMPOP", "0", "2", "a", "LEFT"));
        assertEquals("-ERR count should be greater than 0\r\n", h.exec("BLMPOP", "0", "1", "a", "LEFT", "COUNT", "0"));
        assertEquals("-ERR wrong number of arguments for 'blpop' command\r\n", h.exec("BLPOP", "a"));
    }

    @Test
    void blockedClientIsServedByAnotherClientsPush() {
        Client waiter = h.connect();
        assertEquals("", h.exec(waiter, "BLPOP", "q", "0"));
        assertTrue(waiter.blocked());
        assertEquals(":1\r\n", h.exec("RPUSH", "q", "x"));
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nx\r\n", h.output(waiter));
        assertFalse(waiter.blocked());
        assertEquals(":0\r\n", h.exec("EXISTS", "q"));
    }

    @Test
    void clientsAreServedFirstBlockedFirst() {
        Client[] waiters = {h.connect(), h.connect(), h.connect()};
        for (Client w : waiters) {
            h.exec(w, "BRPOP", "q", "0");
        }
        assertEquals(":2\r\n", h.exec("LPUSH", "q", "a", "b"));
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\na\r\n", h.output(waiters[0]));
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nb\r\n", h.output(waiters[1]));
        assertEquals("", h.output(waiters[2]));
        assertTrue(waiters[2].blocked());
        h.exec("LPUSH", "q", "c");
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nc\r\n", h.output(waiters[2]));
    }

    @Test
    void pushesInsideATransactionAreServedAfterExec() {
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "q", "0");
        h.exec("MULTI");
        h.exec("RPUSH", "q", "1");
        h.exec("LPOP", "q");
        assertEquals("*2\r\n:1\r\n$1\r\n1\r\n", h.exec("EXEC"));
        assertTrue(waiter.blocked());
        h.exec("MULTI");
        h.exec("RPUSH", "q", "1");
        h.exec("RPUSH", "q", "2");
        h.exec("EXEC");
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\n1\r\n", h.output(waiter));
        assertEquals("$1\r\n2\r\n", h.exec("LPOP", "q"));
    }

    @Test
    void blmoveServesAndItsPushWakesTheNextWaiter() {
        Client mover = h.connect();
        Client waiter = h.connect();
        h.exec(mover, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0");
        h.exec(waiter, "BLPOP", "dst", "0");
        h.exec("RPUSH", "src", "v");
        assertEquals("$1\r\nv\r\n", h.output(mover));
        assertEquals("*2\r\n$3\r\ndst\r\n$1\r\nv\r\n", h.output(waiter));
        assertEquals(":0\r\n", h.exec("EXISTS", "src"));
        assertEquals(":0\r\n", h.exec("EXISTS", "dst"));
    }

    @Test
    void blmpopIsServedWithItsCount() {
        Client waiter = h.connect();
        h.exec(waiter, "BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "2");
        h.exec("RPUSH", "b", "1", "2", "3");
        assertEquals("*2\r\n$1\r\nb\r\n*2\r\n$1\r\n1\r\n$1\r\n2\r\n", h.output(waiter));
    }

    @Test
    void aKeyOfAnotherTypeDoesNotServe() {
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "k", "0");
        h.exec("SET", "k", "string");
        assertTrue(waiter.blocked());
        h.exec("DEL", "k");
        h.exec("RPUSH", "k", "v");
        assertEquals("*2\r\n$1\r\nk\r\n$1\r\nv\r\n", h.output(waiter));
    }

    @Test
    void waitsAreByDatabase() {
        Client waiter = h.connect();
        h.exec(waiter, "SELECT", "1");
        h.exec(waiter, "BLPOP", "q", "0");
        h.exec("RPUSH", "q", "db0");
        assertTrue(waiter.blocked());
        h.exec("SELECT", "1");
        h.exec("RPUSH", "q", "db1");
        assertEquals("*2\r\n$1\r\nq\r\n$3\r\ndb1\r\n", h.output(waiter));
    }

    @Test
    void swapdbServesClientsWaitingOnTheSwappedInKeys() {
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "q", "0");
        h.exec("SELECT", "1");
        h.exec("RPUSH", "q", "from1");
        h.exec("SWAPDB", "0", "1");
        assertEquals("*2\r\n$1\r\nq\r\n$5\r\nfrom1\r\n", h.output(waiter));
    }

    @Test
    void timeoutAnswersWithANullArray() {
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "q", "0.1");
        h.clock().advance(100);
        h.server().blockedClients().handleTimeouts();
        assertTrue(waiter.blocked());
        h.clock().advance(1);
        h.server().blockedClients().handleTimeouts();
        assertEquals(NIL_ARRAY, h.output(waiter));
        assertFalse(waiter.blocked());
        h.exec(waiter, "BLMOVE", "q", "d", "LEFT", "LEFT", "1.5");
        h.clock().advance(1501);
        h.server().blockedClients().handleTimeouts();
        assertEquals(NIL_ARRAY, h.output(waiter));
    }

    @Test
    void infoCountsBlockedClients() {
        Client a = h.connect();
        Client b = h.connect();
        h.exec(a, "BLPOP", "q", "0");
        h.exec(b, "BLPOP", "q", "5");
        String info = h.exec("INFO", "clients");
        assertTrue(info.contains("blocked_clients:2\r\n"), info);
        assertTrue(info.contains("clients_in_timeout_table:1\r\n"), info);
        String list = h.exec("CLIENT", "LIST");
        assertTrue(list.contains("flags=b db=0"), list);
        assertTrue(list.contains("cmd=blpop"), list);
        h.exec("RPUSH", "q", "1", "2");
        info = h.exec("INFO", "clients");
        assertTrue(info.contains("blocked_clients:0\r\n"), info);
        assertTrue(info.contains("clients_in_timeout_table:0\r\n"), info);
    }

    @Test
    void disconnectWhileBlockedCleansUp() {
        Client waiter = h.connect();
        Client next = h.connect();
        h.exec(waiter, "BLPOP", "q", "0");
        h.exec(next, "BLPOP", "q", "0");
        h.server().clients().remove(waiter);
        h.server().dispatcher().forget(waiter);
        assertFalse(waiter.blocked());
        h.exec("RPUSH", "q", "v");
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nv\r\n", h.output(next));
        assertTrue(h.exec("INFO", "clients").contains("blocked_clients:0\r\n"));
    }

    @Test
    void clientUnblockAnswersAsTimeoutOrWithAnError() {
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "q", "0");
        String id = Long.toString(waiter.id());
        assertEquals("-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n", h.exec("CLIENT", "UNBLOCK", id, "x"));
        assertEquals(":1\r\n", h.exec("CLIENT", "UNBLOCK", id));
        assertEquals(NIL_ARRAY, h.output(waiter));
        assertEquals(":0\r\n", h.exec("CLIENT", "UNBLOCK", id));
        h.exec(waiter, "BRPOPLPUSH", "q", "d", "0");
        assertEquals(":1\r\n", h.exec("CLIENT", "UNBLOCK", id, "ERROR"));
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", h.output(waiter));
        assertEquals(":0\r\n", h.exec("CLIENT", "UNBLOCK", "12345", "TIMEOUT"));
        assertTrue(h.exec("INFO", "errorstats").contains("errorstat_UNBLOCKED:count=1"));
    }

    @Test
    void aSubMillisecondTimeoutRoundsUpToOneMillisecondInsteadOfForever() {
        Client waiter = h.connect();
        assertEquals("", h.exec(waiter, "BLPOP", "nokey", "1e-10"));
        h.clock().advance(2);
        h.server().blockedClients().handleTimeouts();
        assertEquals(NIL_ARRAY, h.output(waiter), "ceill(1e-10 * 1000) = 1 ms, as Redis 7.0.15");
    }

    @Test
    void waitBlocksForAReplicaThatNeverComesAndAnswersZero() {
        Client waiter = h.connect();
        assertEquals(":0\r\n", h.exec(waiter, "WAIT", "0", "0"), "no replica asked for: at once");
        assertEquals("", h.exec(waiter, "WAIT", "1", "0"));
        assertTrue(h.exec("INFO", "clients").contains("blocked_clients:1\r\n"));
        assertEquals(":1\r\n", h.exec("CLIENT", "UNBLOCK", Long.toString(waiter.id())));
        assertEquals(":0\r\n", h.output(waiter), "CLIENT UNBLOCK answers as the timeout would");
        assertEquals("", h.exec(waiter, "WAIT", "2", "100"));
        h.clock().advance(101);
        h.server().blockedClients().handleTimeouts();
        assertEquals(":0\r\n", h.output(waiter));
        assertTrue(h.exec("INFO", "clients").contains("blocked_clients:0\r\n"));
    }

    /** As Redis 7.0's call(): a command that blocks is counted then, and not again once served. */
    @Test
    void commandStatsCountABlockedCommandOnceWhenItBlocks() {
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "q", "0");
        assertTrue(h.exec("INFO", "commandstats").contains("cmdstat_blpop:calls=1,"));
        h.exec("RPUSH", "q", "v");
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nv\r\n", h.output(waiter));
        assertTrue(h.exec("INFO", "commandstats").contains("cmdstat_blpop:calls=1,"));
    }

    @Test
    void resp3TimeoutIsNull() {
        Client waiter = h.connect();
        h.exec(waiter, "HELLO", "3");
        h.exec(waiter, "BLPOP", "q", "1");
        h.clock().advance(2000);
        h.server().blockedClients().handleTimeouts();
        assertEquals("_\r\n", h.output(waiter));
    }
}
