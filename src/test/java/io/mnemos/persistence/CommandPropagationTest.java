package io.mnemos.persistence;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What Redis 7.0 propagates (to the AOF and replicas) for each kind of write. */
class CommandPropagationTest {
    private CommandHarness h;
    private final List<String> propagated = new ArrayList<>();
    private long now;

    @BeforeEach
    void setUp() {
        h = new CommandHarness();
        now = h.clock().millis();
        h.server().propagation().addListener((db, argv) -> {
            StringBuilder sb = new StringBuilder();
            sb.append(db).append(':');
            for (byte[] a : argv) {
                sb.append(' ').append(new String(a, StandardCharsets.UTF_8));
            }
            propagated.add(sb.toString());
        });
    }

    private List<String> run(String... args) {
        propagated.clear();
        h.exec(args);
        return List.copyOf(propagated);
    }

    @Test
    void plainWritesPropagateAsTheyAreAndReadsOrNoOpsNotAtAll() {
        assertEquals(List.of("0: SET k v"), run("SET", "k", "v"));
        assertEquals(List.of(), run("GET", "k"));
        assertEquals(List.of(), run("SET", "k", "v2", "NX"));
        assertEquals(List.of(), run("DEL", "nokey"));
        assertEquals(List.of(), run("INCR", "k"));
        assertEquals(List.of("0: RPUSH l a b"), run("RPUSH", "l", "a", "b"));
    }

    @Test
    void flushesPropagateEvenWhenThereWasNothingToFlush() {
        // forceCommandPropagation in flushdbCommand and flushallCommand
        assertEquals(List.of("0: FLUSHALL"), run("FLUSHALL"));
        assertEquals(List.of("0: FLUSHDB"), run("FLUSHDB"));
        h.exec("SET", "k", "v");
        assertEquals(List.of("0: FLUSHALL ASYNC"), run("FLUSHALL", "ASYNC"));
        h.exec("MULTI");
        h.exec("FLUSHDB");
        h.exec("FLUSHALL");
        assertEquals(List.of("0: MULTI", "0: FLUSHDB", "0: FLUSHALL", "0: EXEC"), run("EXEC"));
    }

    @Test
    void sortPropagatesOnlyWhenItStoresOrDeletes() {
        h.exec("RPUSH", "l", "2", "1");
        assertEquals(List.of(), run("SORT", "l"));
        assertEquals(List.of(), run("SORT_RO", "l", "BY", "nosort"));
        assertEquals(List.of("0: SORT l STORE d"), run("SORT", "l", "STORE", "d"));
        assertEquals(List.of("0: SORT nokey STORE d"), run("SORT", "nokey", "STORE", "d"));
        assertEquals(List.of(), run("SORT", "nokey", "STORE", "d"));
    }

    @Test
    void relativeExpiriesBecomeAbsolute() {
        h.exec("SET", "k", "v");
        long at = now + 100_000;
        assertEquals(List.of("0: PEXPIREAT k " + at), run("EXPIRE", "k", "100"));
        assertEquals(List.of("0: PEXPIREAT k " + (now + 5000)), run("PEXPIRE", "k", "5000"));
        assertEquals(List.of("0: PEXPIREAT k " + (now + 7000)), run("EXPIREAT", "k", Long.toString(now / 1000 + 7)));
        assertEquals(List.of("0: SET s v PXAT " + (now + 10_000)), run("SETEX", "s", "10", "v"));
        assertEquals(List.of("0: SET s v PXAT " + (now + 10)), run("PSETEX", "s", "10", "v"));
        assertEquals(List.of("0: SET s v PXAT " + (now + 3000)), run("SET", "s", "v", "EX", "3"));
        assertEquals(List.of("0: SET s v PXAT " + (now + 3)), run("SET", "s", "v", "PX", "3", "GET"));
        assertEquals(List.of("0: SET s v PXAT 99999999999999"), run("SET", "s", "v", "PXAT", "99999999999999"));
        assertEquals(List.of("0: PEXPIREAT s " + (now + 9000)), run("GETEX", "s", "EX", "9"));
        assertEquals(List.of("0: PERSIST s"), run("GETEX", "s", "PERSIST"));
        assertEquals(List.of(), run("GETEX", "s"));
    }

    @Test
    void expiriesInThePastAndGetdelPropagateDel() {
        h.exec("SET", "k", "v");
        assertEquals(List.of("0: DEL k"), run("EXPIRE", "k", "-1"));
        h.exec("SET", "k", "v");
        assertEquals(List.of("0: DEL k"), run("GETDEL", "k"));
    }

    @Test
    void restorePropagatesAnAbsoluteTtlAndAnAlreadyExpiredRestoreTheDeletion() {
        String payload = "<payload>";
        // restoreCommand: the TTL becomes the absolute time, with ABSTTL appended
        assertEquals(List.of("0: RESTORE k " + (now + 5000) + " " + payload + " REPLACE ABSTTL"),
                restore("k", "5000", "REPLACE"));
        String at = Long.toString(now + 9000);
        assertEquals(List.of("0: RESTORE a " + at + " " + payload + " ABSTTL"), restore("a", at, "ABSTTL"));
        // restoring over a key with a TTL already in the past deletes it: DEL, not the RESTORE
        assertEquals(List.of("0: DEL a"), restore("a", "1", "REPLACE", "ABSTTL"));
        assertEquals(List.of(), restore("a", "1", "REPLACE", "ABSTTL"));
        assertEquals(List.of("0: RESTORE b 0 " + payload), restore("b", "0"));
    }

    /** RESTORE key ttl PAYLOAD options..., with the payload of the string "v" (shown as &lt;payload&gt;). */
    private List<String> restore(String key, String ttl, String... options) {
        byte[] payload = DumpPayload.create("v".getBytes(StandardCharsets.UTF_8), false);
        byte[][] argv = new byte[4 + options.length][];
        argv[0] = "RESTORE".getBytes(StandardCharsets.UTF_8);
        argv[1] = key.getBytes(StandardCharsets.UTF_8);
        argv[2] = ttl.getBytes(StandardCharsets.UTF_8);
        argv[3] = payload;
        for (int i = 0; i < options.length; i++) {
            argv[4 + i] = options[i].getBytes(StandardCharsets.UTF_8);
        }
        propagated.clear();
        h.exec(h.client(), argv);
        return propagated.stream().map(p -> p.replace(new String(payload, StandardCharsets.UTF_8), "<payload>")).toList();
    }

    @Test
    void publishGoesToReplicasButNotToTheAof() {
        // publishCommand: forceCommandPropagation(c, PROPAGATE_REPL), so a replica's subscribers get it
        List<String> toReplicas = new ArrayList<>();
        h.server().propagation().addListener(new CommandPropagation.Listener() {
            @Override
            public void propagate(int db, byte[][] argv) {
                toReplicas.add(new String(argv[0], StandardCharsets.UTF_8) + (argv.length > 1
                        ? " " + new String(argv[1], StandardCharsets.UTF_8) : ""));
            }

            @Override
            public boolean feedsReplicas() {
                return true;
            }
        });
        assertEquals(List.of(), run("PUBLISH", "ch", "hello"));
        assertEquals(List.of(), run("SPUBLISH", "sch", "hello"));
        assertEquals(List.of("PUBLISH ch", "SPUBLISH sch"), toReplicas);
        toReplicas.clear();
        h.exec("MULTI");
        h.exec("PUBLISH", "ch", "m");
        h.exec("SET", "k", "v");
        // more than one command: MULTI/EXEC for every listener, as propagatePendingCommands does
        assertEquals(List.of("0: MULTI", "0: SET k v", "0: EXEC"), run("EXEC"));
        assertEquals(List.of("MULTI", "PUBLISH ch", "SET k", "EXEC"), toReplicas);
    }

    @Test
    void setGetIsPropagatedWithoutGet() {
        assertEquals(List.of("0: SET k v"), run("SET", "k", "v", "GET"));
        assertEquals(List.of("0: SET k w KEEPTTL"), run("SET", "k", "w", "GET", "KEEPTTL"));
    }

    @Test
    void floatIncrementsPropagateTheirResult() {
        assertEquals(List.of("0: SET f 1.5 KEEPTTL"), run("INCRBYFLOAT", "f", "1.5"));
        assertEquals(List.of("0: HSET h x 2.25"), run("HINCRBYFLOAT", "h", "x", "2.25"));
    }

    @Test
    void spopPropagatesTheRemovedMembers() {
        h.exec("SADD", "s", "a", "b", "c", "d");
        List<String> one = run("SPOP", "s");
        assertEquals(1, one.size());
        assertTrue(one.get(0).matches("0: SREM s [abcd]"), one.get(0));
        List<String> two = run("SPOP", "s", "2");
        assertEquals(1, two.size());
        assertTrue(two.get(0).matches("0: SREM s [abcd] [abcd]"), two.get(0));
        assertEquals(List.of("0: DEL s"), run("SPOP", "s", "5"));
    }

    @Test
    void popsOfSeveralKeysPropagateTheNonBlockingFormOnTheKeyPopped() {
        h.exec("RPUSH", "l2", "a", "b", "c");
        assertEquals(List.of("0: LPOP l2"), run("BLPOP", "l1", "l2", "0"));
        assertEquals(List.of("0: RPOP l2"), run("BRPOP", "l1", "l2", "0"));
        h.exec("RPUSH", "l2", "x", "y");
        assertEquals(List.of("0: LPOP l2 2"), run("LMPOP", "2", "l1", "l2", "LEFT", "COUNT", "2"));
        assertEquals(List.of("0: RPOP l2 1"), run("BLMPOP", "0", "2", "l1", "l2", "RIGHT"));
        h.exec("RPUSH", "src", "v");
        assertEquals(List.of("0: LMOVE src dst LEFT RIGHT"), run("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
        assertEquals(List.of("0: RPOPLPUSH dst src"), run("BRPOPLPUSH", "dst", "src", "0"));
        h.exec("ZADD", "z", "1", "a", "2", "b");
        assertEquals(List.of("0: ZPOPMAX z 1"), run("ZMPOP", "2", "nz", "z", "MAX"));
    }

    @Test
    void transactionsAreWrappedInMultiExecUnlessASingleWrite() {
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        h.exec("GET", "a");
        h.exec("INCR", "a");
        assertEquals(List.of("0: MULTI", "0: SET a 1", "0: INCR a", "0: EXEC"), run("EXEC"));
        h.exec("MULTI");
        h.exec("SET", "a", "1");
        h.exec("GET", "a");
        assertEquals(List.of("0: SET a 1"), run("EXEC"));
        h.exec("MULTI");
        h.exec("GET", "a");
        assertEquals(List.of(), run("EXEC"));
    }

    @Test
    void theDatabaseOfEachCommandIsReported() {
        h.exec("SELECT", "5");
        assertEquals(List.of("5: SET k v"), run("SET", "k", "v"));
        assertEquals(List.of("5: MOVE k 6"), run("MOVE", "k", "6"));
    }

    @Test
    void expiredKeysPropagateDelBeforeTheCommandThatFoundThem() {
        h.exec("SET", "k", "v", "PX", "10");
        h.clock().advance(20);
        assertEquals(List.of("0: DEL k"), run("GET", "k"));
        h.exec("SET", "k", "v", "PX", "10");
        h.clock().advance(20);
        assertEquals(List.of("0: MULTI", "0: DEL k", "0: SET k w", "0: EXEC"), run("SET", "k", "w"));
    }

    @Test
    void nothingIsPropagatedWhileSuppressed() {
        h.server().propagation().suppress(true);
        assertEquals(List.of(), run("SET", "k", "v"));
        h.server().propagation().suppress(false);
        assertEquals(List.of("0: SET k v"), run("SET", "k", "v"));
    }

    @Test
    void xaddPropagatesTheIdItAddedAndApproximateTrimsTheirExactResult() {
        assertEquals(List.of("0: XADD s 1-1 f v"), run("XADD", "s", "1-1", "f", "v"));
        assertEquals(List.of("0: XADD s " + now + "-0 f v"), run("XADD", "s", "*", "f", "v"));
        assertEquals(List.of("0: XADD s " + now + "-1 f v"), run("XADD", "s", now + "-*", "f", "v"));
        assertEquals(List.of("0: XADD s NOMKSTREAM " + now + "-2 f v"), run("XADD", "s", "NOMKSTREAM", "*", "f", "v"));
        assertEquals(List.of(), run("XADD", "s", "1-1", "f", "v"));
        assertEquals(List.of(), run("XADD", "nokey", "NOMKSTREAM", "*", "f", "v"));
        assertEquals(List.of(), run("XADD", "s", "MAXLEN", "x", "*", "f", "v"));
        for (int i = 0; i < 250; i++) {
            h.exec("XADD", "big", (i + 1) + "-0", "f", Integer.toString(i));
        }
        // Two whole nodes of 100 entries go; the rest stays: "~ 10" becomes "= 51".
        assertEquals(List.of("0: XADD big MAXLEN = 51 251-0 f v"), run("XADD", "big", "MAXLEN", "~", "10", "251-0",
                "f", "v"));
        assertEquals(List.of("0: XADD big MAXLEN 5 252-0 f v"), run("XADD", "big", "MAXLEN", "5", "252-0", "f", "v"));
        for (int i = 253; i < 500; i++) {
            h.exec("XADD", "big", i + "-0", "f", Integer.toString(i));
        }
        assertEquals(List.of("0: XTRIM big MINID = 401-0 LIMIT 1000"),
                run("XTRIM", "big", "MINID", "~", "450", "LIMIT", "1000"));
        assertEquals(List.of(), run("XTRIM", "big", "MAXLEN", "~", "90"));
        assertEquals(List.of("0: XTRIM big MAXLEN 90"), run("XTRIM", "big", "MAXLEN", "90"));
        assertEquals(List.of(), run("XTRIM", "big", "MAXLEN", "90"));
    }

    @Test
    void streamDeletionsAndMetadataPropagateOnlyWhenTheyChangeSomething() {
        h.exec("XADD", "s", "1-1", "f", "v");
        assertEquals(List.of(), run("XDEL", "s", "9-9"));
        assertEquals(List.of("0: XDEL s 1-1 9-9"), run("XDEL", "s", "1-1", "9-9"));
        assertEquals(List.of("0: XSETID s 5-5 ENTRIESADDED 3"), run("XSETID", "s", "5-5", "ENTRIESADDED", "3"));
        assertEquals(List.of(), run("XSETID", "s", "0-1", "MAXDELETEDID", "0-2"));
        assertEquals(List.of(), run("XLEN", "s"));
    }

    @Test
    void groupReadsAndClaimsPropagateAsIdempotentXclaimsNeverAsThemselves() {
        h.exec("XADD", "s", "1-1", "f", "v");
        h.exec("XADD", "s", "2-1", "f", "v");
        assertEquals(List.of("0: XGROUP CREATE s g 0"), run("XGROUP", "CREATE", "s", "g", "0"));
        assertEquals(List.of("0: XCLAIM s g alice 0 1-1 TIME " + now + " RETRYCOUNT 1 FORCE JUSTID LASTID 1-1"),
                run("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"));
        // A NOACK read: the consumer it created, then the group's new last ID and read counter.
        assertEquals(List.of("0: MULTI", "0: XGROUP CREATECONSUMER s g bob", "0: XGROUP SETID s g 2-1 ENTRIESREAD 2",
                "0: EXEC"), run("XREADGROUP", "GROUP", "g", "bob", "NOACK", "STREAMS", "s", ">"));
        assertEquals(List.of(), run("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">"));
        assertEquals(List.of(), run("XCLAIM", "s", "g", "carol", "0", "9-9"));
        h.clock().advance(50);
        assertEquals(List.of("0: XCLAIM s g carol 0 1-1 TIME " + (now + 50) + " RETRYCOUNT 2 FORCE JUSTID LASTID 2-1"),
                run("XCLAIM", "s", "g", "carol", "10", "1-1"));
        assertEquals(List.of("0: XGROUP SETID s g 5-0 ENTRIESREAD 2"),
                run("XCLAIM", "s", "g", "carol", "0", "9-9", "LASTID", "5-0"));
        assertEquals(List.of("0: XCLAIM s g dave 0 1-1 TIME " + (now + 50) + " RETRYCOUNT 2 FORCE JUSTID LASTID 5-0"),
                run("XAUTOCLAIM", "s", "g", "dave", "0", "0", "JUSTID"));
        assertEquals(List.of("0: XACK s g 1-1 7-7"), run("XACK", "s", "g", "1-1", "7-7"));
        assertEquals(List.of(), run("XACK", "s", "g", "1-1"));
        assertEquals(List.of("0: XGROUP DESTROY s g"), run("XGROUP", "DESTROY", "s", "g"));
    }
}
