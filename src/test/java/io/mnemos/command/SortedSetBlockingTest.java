package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * BZPOPMIN BZPOPMAX BZMPOP reply for reply as Redis 7.0.15 (t_zset.c blockingGenericZpopCommand,
 * blocked.c serveClientsBlockedOnSortedSetKey): with data they pop at once, without they block
 * until another client's ZADD/ZINCRBY/ZUNIONSTORE... gives the key members, first-blocked first.
 */
class SortedSetBlockingTest {
    private static final String NIL_ARRAY = "*-1\r\n";
    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

    private final CommandHarness h = new CommandHarness();

    @Test
    void withDataTheyPopAtOnce() {
        h.exec("ZADD", "z", "1", "a", "2", "b", "3", "c");
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", h.exec("BZPOPMIN", "missing", "z", "0"));
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\nc\r\n$1\r\n3\r\n", h.exec("BZPOPMAX", "z", "0"));
        assertEquals("*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                h.exec("BZMPOP", "0", "2", "x", "z", "MAX", "COUNT", "10"));
        assertEquals(":0\r\n", h.exec("EXISTS", "z"));
    }

    @Test
    void resp3RepliesCarryDoubles() {
        h.exec("HELLO", "3");
        h.exec("ZADD", "z", "1.5", "a", "2", "b", "3", "c");
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n,1.5\r\n", h.exec("BZPOPMIN", "z", "0"));
        assertEquals("*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n",
                h.exec("BZMPOP", "0", "1", "z", "MAX", "COUNT", "2"));
    }

    @Test
    void argumentErrors() {
        h.exec("SET", "s", "x");
        assertEquals("-ERR timeout is not a float or out of range\r\n", h.exec("BZPOPMIN", "z", "x"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BZPOPMAX", "z", "-1"));
        assertEquals(WRONGTYPE, h.exec("BZPOPMIN", "s", "z", "0"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.exec("BZMPOP", "0", "0", "z", "MIN"));
        assertEquals("-ERR numkeys should be greater than 0\r\n", h.exec("BZMPOP", "0", "x", "z", "MIN"));
        assertEquals("-ERR syntax error\r\n", h.exec("BZMPOP", "0", "1", "z", "MIDDLE"));
        assertEquals("-ERR syntax error\r\n", h.exec("BZMPOP", "0", "2", "z", "MIN"));
        assertEquals("-ERR syntax error\r\n", h.exec("BZMPOP", "0", "1", "z", "MIN", "COUNT"));
        assertEquals("-ERR count should be greater than 0\r\n", h.exec("BZMPOP", "0", "1", "z", "MIN", "COUNT", "0"));
        assertEquals("-ERR timeout is negative\r\n", h.exec("BZMPOP", "-1", "1", "z", "MIN"));
        assertEquals("-ERR wrong number of arguments for 'bzmpop' command\r\n", h.exec("BZMPOP", "0", "1", "z"));
        assertEquals("-ERR wrong number of arguments for 'bzpopmin' command\r\n", h.exec("BZPOPMIN", "z"));
    }

    @Test
    void waitersAreServedFirstBlockedFirstWhenAnotherClientAdds() {
        Client[] waiters = {h.connect(), h.connect(), h.connect()};
        assertEquals("", h.exec(waiters[0], "BZPOPMIN", "z", "0"));
        assertEquals("", h.exec(waiters[1], "BZPOPMAX", "z", "0"));
        assertEquals("", h.exec(waiters[2], "BZMPOP", "0", "1", "z", "MIN", "COUNT", "5"));
        assertTrue(waiters[0].blocked());
        assertEquals(":4\r\n", h.exec("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"));
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", h.output(waiters[0]));
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\nd\r\n$1\r\n4\r\n", h.output(waiters[1]));
        assertEquals("*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n",
                h.output(waiters[2]));
        assertEquals(":0\r\n", h.exec("EXISTS", "z"));
        assertTrue(h.exec("INFO", "clients").contains("blocked_clients:0\r\n"));
    }

    @Test
    void zincrbyAndZunionstoreWakeWaiters() {
        Client a = h.connect();
        Client b = h.connect();
        h.exec(a, "BZPOPMAX", "x", "y", "0");
        h.exec(b, "BZPOPMIN", "dst", "0");
        h.exec("ZINCRBY", "y", "2.5", "m");
        assertEquals("*3\r\n$1\r\ny\r\n$1\r\nm\r\n$3\r\n2.5\r\n", h.output(a));
        h.exec("ZADD", "src", "7", "v");
        assertEquals(":1\r\n", h.exec("ZUNIONSTORE", "dst", "1", "src"));
        assertEquals("*3\r\n$3\r\ndst\r\n$1\r\nv\r\n$1\r\n7\r\n", h.output(b));
        assertEquals(":1\r\n", h.exec("ZCARD", "src"));
    }

    @Test
    void aKeyOfAnotherTypeDoesNotServe() {
        Client waiter = h.connect();
        h.exec(waiter, "BZPOPMIN", "k", "0");
        h.exec("RPUSH", "k", "l");
        assertTrue(waiter.blocked());
        h.exec("DEL", "k");
        h.exec("ZADD", "k", "5", "v");
        assertEquals("*3\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\n5\r\n", h.output(waiter));
    }

    @Test
    void insideMultiTheyDoNotBlock() {
        h.exec("MULTI");
        h.exec("BZPOPMIN", "z", "0");
        h.exec("BZPOPMAX", "z", "0");
        h.exec("BZMPOP", "0", "1", "z", "MIN");
        assertEquals("*3\r\n*-1\r\n*-1\r\n*-1\r\n", h.exec("EXEC"));
        assertFalse(h.client().blocked());
    }

    @Test
    void addsInsideATransactionAreServedAfterExec() {
        Client waiter = h.connect();
        h.exec(waiter, "BZPOPMIN", "a", "b", "0");
        h.exec("MULTI");
        h.exec("ZADD", "b", "1", "x");
        h.exec("ZADD", "a", "2", "y");
        h.exec("EXEC");
        assertEquals("*3\r\n$1\r\nb\r\n$1\r\nx\r\n$1\r\n1\r\n", h.output(waiter));
        assertEquals(":1\r\n", h.exec("ZCARD", "a"));
    }

    @Test
    void fractionalTimeoutsAnswerWithANullArray() {
        Client waiter = h.connect();
        h.exec(waiter, "BZPOPMIN", "z", "0.1");
        h.clock().advance(100);
        h.server().blockedClients().handleTimeouts();
        assertTrue(waiter.blocked());
        h.clock().advance(1);
        h.server().blockedClients().handleTimeouts();
        assertEquals(NIL_ARRAY, h.output(waiter));
        h.exec(waiter, "HELLO", "3");
        h.output(waiter);
        h.exec(waiter, "BZMPOP", "0.25", "1", "z", "MAX");
        h.clock().advance(251);
        h.server().blockedClients().handleTimeouts();
        assertEquals("_\r\n", h.output(waiter));
    }

    @Test
    void disconnectWhileBlockedCleansUp() {
        Client gone = h.connect();
        Client next = h.connect();
        h.exec(gone, "BZPOPMIN", "z", "0");
        h.exec(next, "BZPOPMIN", "z", "0");
        h.server().clients().remove(gone);
        h.server().dispatcher().forget(gone);
        h.exec("ZADD", "z", "1", "a");
        assertEquals("*3\r\n$1\r\nz\r\n$1\r\na\r\n$1\r\n1\r\n", h.output(next));
        assertTrue(h.exec("INFO", "clients").contains("blocked_clients:0\r\n"));
    }

    @Test
    void clientUnblockAnswersAsTimeoutOrWithAnError() {
        Client waiter = h.connect();
        String id = Long.toString(waiter.id());
        h.exec(waiter, "BZPOPMAX", "z", "0");
        assertEquals(":1\r\n", h.exec("CLIENT", "UNBLOCK", id, "TIMEOUT"));
        assertEquals(NIL_ARRAY, h.output(waiter));
        h.exec(waiter, "BZMPOP", "0", "1", "z", "MIN");
        assertEquals(":1\r\n", h.exec("CLIENT", "UNBLOCK", id, "ERROR"));
        assertEquals("-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n", h.output(waiter));
        assertFalse(waiter.blocked());
    }

    @Test
    void clientListShowsTheBlockedCommand() {
        Client waiter = h.connect();
        h.exec(waiter, "BZMPOP", "5", "1", "z", "MIN");
        String list = h.exec("CLIENT", "LIST");
        assertTrue(list.contains("flags=b db=0"), list);
        assertTrue(list.contains("cmd=bzmpop"), list);
        assertTrue(h.exec("INFO", "clients").contains("clients_in_timeout_table:1\r\n"));
    }
}
