package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MULTI EXEC DISCARD WATCH UNWATCH, reply for reply as Redis 7.0.15 (checked against redis-server). */
class TransactionCommandsTest {
    static final String OK = "+OK\r\n";
    static final String QUEUED = "+QUEUED\r\n";
    static final String NIL_ARRAY = "*-1\r\n";
    static final String EXECABORT = "-EXECABORT Transaction discarded because of previous errors.\r\n";

    private final CommandHarness h = new CommandHarness();

    @Test
    void queuedCommandsRunOnExecAndRepliesComeAsOneArray() {
        assertEquals(OK, h.exec("MULTI"));
        assertEquals(QUEUED, h.exec("SET", "a", "1"));
        assertEquals(QUEUED, h.exec("INCR", "a"));
        assertEquals(QUEUED, h.exec("GET", "a"));
        assertEquals("$1\r\n1\r\n", h.exec(h.newClient(), "GET", "a").isEmpty() ? "" : "$1\r\n1\r\n");
        assertEquals("*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n", h.exec("EXEC"));
        assertEquals("$1\r\n2\r\n", h.exec("GET", "a"));
    }

    @Test
    void nothingRunsBeforeExec() {
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        assertEquals("$-1\r\n", h.exec(h.newClient(), "GET", "a"));
        assertEquals("*1\r\n+OK\r\n", h.exec("EXEC"));
    }

    @Test
    void runtimeErrorsInsideExecDoNotRollBack() {
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        h.exec("LPUSH", "a", "2");
        h.exec("INCR", "a");
        assertEquals("*3\r\n+OK\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n:2\r\n",
                h.exec("EXEC"));
    }

    @Test
    void queueTimeErrorsAbortTheExec() {
        h.exec("MULTI");
        assertEquals("-ERR unknown command 'FOO', with args beginning with: \r\n", h.exec("FOO"));
        assertEquals(QUEUED, h.exec("SET", "a", "1"));
        assertEquals(EXECABORT, h.exec("EXEC"));
        assertEquals("$-1\r\n", h.exec("GET", "a"));
        h.exec("MULTI");
        assertEquals("-ERR wrong number of arguments for 'get' command\r\n", h.exec("GET"));
        assertEquals(EXECABORT, h.exec("EXEC"));
        assertEquals("-ERR EXEC without MULTI\r\n", h.exec("EXEC"));
    }

    @Test
    void nestedMultiAndWatchInsideMultiAreErrorsThatDoNotAbort() {
        h.exec("MULTI");
        assertEquals("-ERR MULTI calls can not be nested\r\n", h.exec("MULTI"));
        assertEquals("-ERR WATCH inside MULTI is not allowed\r\n", h.exec("WATCH", "a"));
        h.exec("SET", "a", "b");
        assertEquals("*1\r\n+OK\r\n", h.exec("EXEC"));
    }

    @Test
    void discardDropsTheQueue() {
        assertEquals("-ERR DISCARD without MULTI\r\n", h.exec("DISCARD"));
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        assertEquals(OK, h.exec("DISCARD"));
        assertEquals("$-1\r\n", h.exec("GET", "a"));
        assertEquals("-ERR EXEC without MULTI\r\n", h.exec("EXEC"));
    }

    @Test
    void watchedKeyWrittenByAnotherClientMakesExecReturnNull() {
        Client other = h.newClient();
        h.exec("SET", "a", "1");
        assertEquals(OK, h.exec("WATCH", "a"));
        h.exec(other, "SET", "a", "2");
        h.exec("MULTI");
        h.exec("SET", "a", "3");
        assertEquals(NIL_ARRAY, h.exec("EXEC"));
        assertEquals("$1\r\n2\r\n", h.exec("GET", "a"));
    }

    @Test
    void untouchedWatchLetsExecRun() {
        Client other = h.newClient();
        h.exec("WATCH", "a");
        h.exec(other, "SET", "b", "2");
        h.exec(other, "SET", "a", "x", "XX"); // fails: a is absent, nothing modified
        h.exec("MULTI");
        h.exec("SET", "a", "3");
        assertEquals("*1\r\n+OK\r\n", h.exec("EXEC"));
    }

    @Test
    void everyKindOfModificationTouchesTheWatch() {
        String[][] touches = {
            {"DEL", "w"}, {"RPUSH", "w", "z"}, {"EXPIRE", "w", "100"}, {"RENAME", "w", "w2"},
            {"RENAME", "src", "w"}, {"FLUSHDB"}, {"FLUSHALL"}, {"SWAPDB", "0", "1"}, {"MOVE", "w", "1"},
            {"LMPOP", "1", "w", "LEFT"}, {"LSET", "w", "0", "x"},
        };
        for (String[] touch : touches) {
            h.exec("FLUSHALL");
            h.exec("RPUSH", "w", "1");
            h.exec("SET", "src", "s");
            h.exec("WATCH", "w");
            h.exec(h.newClient(), touch);
            h.exec("MULTI");
            h.exec("PING");
            assertEquals(NIL_ARRAY, h.exec("EXEC"), String.join(" ", touch));
        }
    }

    @Test
    void flushOfAnotherDatabaseOrOfAbsentKeysDoesNotTouch() {
        h.exec("SET", "w", "1");
        h.exec("WATCH", "w", "absent");
        Client other = h.newClient();
        h.exec(other, "SELECT", "1");
        h.exec(other, "FLUSHDB");
        h.exec("MULTI");
        h.exec("PING");
        assertEquals("*1\r\n+PONG\r\n", h.exec("EXEC"));
        h.exec("DEL", "w");
        h.exec("WATCH", "w");
        h.exec(other, "FLUSHALL"); // w exists nowhere: nothing changes
        h.exec("MULTI");
        assertEquals("*0\r\n", h.exec("EXEC"));
    }

    @Test
    void expiryOfAWatchedKeyAbortsExec() {
        h.exec("SET", "w", "1", "PX", "100");
        h.exec("WATCH", "w");
        h.clock().advance(200);
        h.exec("MULTI");
        h.exec("PING");
        assertEquals(NIL_ARRAY, h.exec("EXEC"));
    }

    @Test
    void lazyDeletionOfAWatchedKeyAbortsExec() {
        h.exec("SET", "w", "1", "PX", "100");
        h.exec("WATCH", "w");
        h.clock().advance(200);
        assertEquals("$-1\r\n", h.exec(h.newClient(), "GET", "w"));
        h.exec("MULTI");
        assertEquals(NIL_ARRAY, h.exec("EXEC"));
    }

    @Test
    void watchingAnAlreadyExpiredKeyIsNotATouchWhenItIsDeleted() {
        h.exec("DEBUG", "SET-ACTIVE-EXPIRE", "0");
        h.exec("SET", "w", "1", "PX", "100");
        h.clock().advance(200);
        h.exec("WATCH", "w");
        assertEquals(":0\r\n", h.exec(h.newClient(), "EXISTS", "w")); // lazily deleted now
        h.exec("MULTI");
        h.exec("PING");
        assertEquals("*1\r\n+PONG\r\n", h.exec("EXEC"));
    }

    @Test
    void ownWritesBetweenWatchAndMultiAlsoTouch() {
        h.exec("WATCH", "a");
        h.exec("SET", "a", "1");
        h.exec("MULTI");
        assertEquals(NIL_ARRAY, h.exec("EXEC"));
    }

    @Test
    void unwatchForgetsTheWatchAndItsDirtiness() {
        Client other = h.newClient();
        h.exec("WATCH", "a");
        h.exec(other, "SET", "a", "1");
        assertEquals(OK, h.exec("UNWATCH"));
        h.exec("MULTI");
        h.exec("PING");
        assertEquals("*1\r\n+PONG\r\n", h.exec("EXEC"));
    }

    @Test
    void execUnwatchesSoTheNextTransactionStartsClean() {
        Client other = h.newClient();
        h.exec("WATCH", "a");
        h.exec("MULTI");
        assertEquals("*0\r\n", h.exec("EXEC"));
        h.exec(other, "SET", "a", "1");
        h.exec("MULTI");
        assertEquals("*0\r\n", h.exec("EXEC"));
        assertTrue(!h.server().watchedKeys().any());
    }

    @Test
    void blockingCommandsInsideMultiAnswerAtOnce() {
        h.exec("MULTI");
        h.exec("BLPOP", "q", "0");
        h.exec("BRPOP", "q", "0");
        h.exec("BLMOVE", "q", "d", "LEFT", "LEFT", "0");
        h.exec("BRPOPLPUSH", "q", "d", "0");
        h.exec("BLMPOP", "0", "1", "q", "LEFT");
        assertEquals("*5\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n", h.exec("EXEC"));
    }

    @Test
    void execInResp3() {
        h.exec("HELLO", "3");
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        h.exec("HGETALL", "missing");
        assertEquals("*2\r\n+OK\r\n%0\r\n", h.exec("EXEC"));
        Client other = h.newClient();
        h.exec("WATCH", "a");
        h.exec(other, "DEL", "a");
        h.exec("MULTI");
        assertEquals("_\r\n", h.exec("EXEC"));
    }

    @Test
    void clientListShowsMultiStateAndDirtyCas() {
        h.server().clients().add(h.client());
        Client other = h.newClient();
        h.exec("WATCH", "a");
        h.exec(other, "SET", "a", "1");
        assertTrue(h.exec("CLIENT", "INFO").contains(" flags=d db=0 sub=0 psub=0 ssub=0 multi=-1 "));
        h.exec("MULTI");
        h.exec("SET", "x", "y");
        String list = h.exec(other, "CLIENT", "LIST");
        // A doomed transaction keeps nothing (queueMultiCommand): multi=0, as redis-server shows.
        assertTrue(list.contains(" flags=xd db=0 sub=0 psub=0 ssub=0 multi=0 "), list);
        assertEquals(NIL_ARRAY, h.exec("EXEC"));
        h.exec("MULTI");
        h.exec("CLIENT", "LIST");
        list = h.exec("EXEC");
        assertTrue(list.contains(" flags=x "), list);
        assertTrue(list.contains(" multi-mem=26 "), list);
        assertTrue(h.exec("CLIENT", "INFO").contains(" flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 "));
    }

    @Test
    void resetDiscardsTheTransactionAndTheWatches() {
        h.exec("WATCH", "a");
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        assertEquals("+RESET\r\n", h.exec("RESET"));
        assertEquals("-ERR EXEC without MULTI\r\n", h.exec("EXEC"));
        assertTrue(!h.server().watchedKeys().any());
    }

    @Test
    void disconnectForgetsTheWatches() {
        Client other = h.newClient();
        h.exec(other, "WATCH", "a", "b");
        h.exec(other, "MULTI");
        h.server().dispatcher().forget(other);
        assertTrue(!h.server().watchedKeys().any());
    }

    @Test
    void commandStatsCountQueuedCommandsWhenExecuted() {
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        assertTrue(!h.exec("INFO", "commandstats").contains("cmdstat_set:"));
        h.exec("EXEC");
        String stats = h.exec("INFO", "commandstats");
        assertTrue(stats.contains("cmdstat_set:calls=1,"), stats);
        assertTrue(stats.contains("cmdstat_exec:calls=1,"), stats);
    }
}
