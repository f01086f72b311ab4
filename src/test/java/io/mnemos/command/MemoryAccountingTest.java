package io.mnemos.command;

import io.mnemos.store.Keyspace;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** used_memory follows every command, in step with a full recomputation. */
class MemoryAccountingTest {
    private final CommandHarness h = new CommandHarness();
    private final Keyspace ks = h.server().keyspace();

    private long used() {
        return ks.usedMemory();
    }

    private void assertConsistent() {
        assertEquals(ks.recomputeMemory(), ks.usedMemory());
    }

    @Test
    void setsAndSortedSetsAreCountedByTheirMembers() {
        long empty = used();
        for (int i = 0; i < 2000; i++) {
            h.exec("SADD", "ints", Integer.toString(i));
            h.exec("SADD", "words", "member-" + i);
            h.exec("ZADD", "scores", Integer.toString(i), "player-" + i);
        }
        long full = used();
        assertTrue(full - empty > 2000L * 3 * 24, "three 2000-member collections grew by " + (full - empty));
        assertConsistent();
        h.exec("SREM", "words", "member-1");
        h.exec("ZREMRANGEBYRANK", "scores", "0", "999");
        assertTrue(used() < full);
        assertConsistent();
        h.exec("DEL", "ints", "words", "scores");
        assertEquals(empty, used());
    }

    @Test
    void streamsAreCountedByTheirNodesAndPendingEntries() {
        long empty = used();
        for (int i = 1; i <= 1000; i++) {
            h.exec("XADD", "s", i + "-0", "field", "value-" + i);
        }
        long full = used();
        assertTrue(full - empty > 1000L * 8, "1000 entries grew by " + (full - empty));
        assertConsistent();
        h.exec("XGROUP", "CREATE", "s", "g", "0");
        h.exec("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">");
        long pending = used();
        assertTrue(pending - full > 1000L * 100, "1000 pending entries grew by " + (pending - full));
        assertConsistent();
        h.exec("XACK", "s", "g", "1-0", "2-0", "3-0");
        h.exec("XTRIM", "s", "MAXLEN", "10");
        assertTrue(used() < pending);
        assertConsistent();
        h.exec("DEL", "s");
        assertEquals(empty, used());
    }

    @Test
    void growsAndShrinksWithSetAndDel() {
        long empty = used();
        h.exec("SET", "k", "x".repeat(1000));
        long one = used();
        assertTrue(one - empty >= 1000 + 40, "SET grew by " + (one - empty));
        h.exec("SET", "k", "x".repeat(10));
        assertTrue(used() < one);
        h.exec("APPEND", "k", "y".repeat(5000));
        assertTrue(used() > one + 4000);
        assertConsistent();
        h.exec("DEL", "k");
        assertEquals(empty, used());
    }

    @Test
    void followsListsAndHashesChangedInPlace() {
        long empty = used();
        h.exec("RPUSH", "l", "a", "b", "c");
        long three = used();
        for (int i = 0; i < 100; i++) {
            h.exec("RPUSH", "l", "element-" + i);
        }
        // Packed as Redis packs a listpack: at least each element's 10 bytes and its two lengths.
        assertTrue(used() > three + 100 * 12, "RPUSHes grew by " + (used() - three));
        assertConsistent();
        h.exec("LTRIM", "l", "0", "1");
        assertConsistent();
        h.exec("HSET", "h", "f1", "v1", "f2", "v2");
        long hash = used();
        h.exec("HSET", "h", "f3", "x".repeat(200));
        assertTrue(used() > hash + 200);
        h.exec("HDEL", "h", "f3");
        assertConsistent();
        h.exec("LPOP", "l", "2");
        h.exec("DEL", "h");
        assertEquals(empty, used());
    }

    @Test
    void expiryIndexAndFlushAreAccounted() {
        long empty = used();
        for (int i = 0; i < 100; i++) {
            h.exec("SET", "k" + i, "v");
            h.exec("EXPIRE", "k" + i, "10");
        }
        assertConsistent();
        long withTtl = used();
        h.clock().advance(11_000);
        for (int i = 0; i < 100; i++) {
            h.exec("GET", "k" + i);
        }
        assertTrue(used() < withTtl);
        assertConsistent();
        h.exec("SET", "a", "1");
        h.exec("SELECT", "3");
        h.exec("HSET", "h", "f", "v");
        h.exec("SWAPDB", "0", "3");
        assertConsistent();
        h.exec("FLUSHALL");
        assertEquals(empty, used());
    }

    @Test
    void equalsAFullRecomputationAfterRandomOperations() {
        Random rnd = new Random(42);
        for (int i = 0; i < 5000; i++) {
            String key = "k" + rnd.nextInt(40);
            String value = "v".repeat(rnd.nextInt(120));
            switch (rnd.nextInt(14)) {
                case 0 -> h.exec("SET", key, value);
                case 1 -> h.exec("DEL", key);
                case 2 -> h.exec("RPUSH", "l" + key, value, value);
                case 3 -> h.exec("LPOP", "l" + key);
                case 4 -> h.exec("HSET", "h" + key, "f" + rnd.nextInt(700), value);
                case 5 -> h.exec("HDEL", "h" + key, "f" + rnd.nextInt(700));
                case 6 -> h.exec("EXPIRE", key, Integer.toString(1 + rnd.nextInt(5)));
                case 7 -> h.clock().advance(rnd.nextInt(2000));
                case 8 -> h.exec("APPEND", key, value);
                case 9 -> h.exec("RENAME", "h" + key, "h" + "k" + rnd.nextInt(40));
                case 10 -> h.exec("LSET", "l" + key, "0", value);
                case 11 -> h.exec("COPY", "l" + key, "lcopy" + rnd.nextInt(5), "REPLACE");
                case 12 -> h.exec("MOVE", key, "1");
                default -> h.exec("LMPOP", "2", "l" + key, "lk1", "RIGHT", "COUNT", "3");
            }
            if (i % 500 == 0) {
                assertConsistent();
            }
        }
        assertConsistent();
        assertTrue(used() > 0);
    }

    @Test
    void infoAndMemoryStatsReportTheAccounting() {
        h.exec("SET", "k", "x".repeat(100_000));
        String info = h.exec("INFO", "memory");
        long used = ks.usedMemory();
        assertTrue(info.contains("\r\nused_memory:" + used + "\r\n"), info);
        assertTrue(info.contains("\r\nused_memory_peak:"), info);
        assertTrue(info.contains("\r\nmaxmemory_policy:noeviction\r\n"), info);
        String stats = h.exec("MEMORY", "STATS");
        assertTrue(stats.contains("$15\r\ntotal.allocated\r\n:" + used + "\r\n"), stats);
    }

    @Test
    void memoryUsageOfCollectionsIsTheAccountedCost() {
        h.exec("RPUSH", "l", "a", "b", "c");
        long before = ks.usedMemory();
        h.exec("RPUSH", "l", "x".repeat(1000));
        long usage = Long.parseLong(h.exec("MEMORY", "USAGE", "l").trim().substring(1));
        assertTrue(usage > 1000 && usage < 1400, "MEMORY USAGE " + usage);
        assertTrue(ks.usedMemory() - before > 1000);
        // Strings keep Redis's own figure.
        h.exec("SET", "a", "hello");
        assertEquals(":64\r\n", h.exec("MEMORY", "USAGE", "a"));
    }
}
