package io.mnemos.store;

import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The keyspace's incremental accounting, driven through Database directly. */
class MemoryAccountingStoreTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final Keyspace keyspace = new Keyspace(2, clock, KeyspaceListener.NONE);
    private final Database db = keyspace.db(0);

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void stringCostsFollowTheJvmLayout() {
        long empty = keyspace.usedMemory();
        db.add(k("key"), new byte[10]);
        // Entry 40 + key byte[3] 24 + value byte[10] 32.
        assertEquals(96, db.memory());
        assertEquals(empty + 96, keyspace.usedMemory());
        db.put(k("key"), new byte[100], false);
        assertEquals(40 + 24 + 120, db.memory());
        db.delete(k("key"));
        assertEquals(0, db.memory());
        assertEquals(empty, keyspace.usedMemory());
    }

    /** The running total eviction reads must equal the sum it replaces, through resizes, TTLs, flush and swap. */
    @Test
    void runningTotalEqualsEveryDatabasesKeysPlusTables() {
        Database other = keyspace.db(1);
        for (int i = 0; i < 5000; i++) {
            Entry e = db.add(k("key" + i), new byte[i % 50]);
            if (i % 3 == 0) {
                db.setExpire(e, 2_000_000);
            }
            other.add(k("o" + i), new byte[8]);
        }
        assertEquals(sumOfDatabases(), keyspace.usedMemory());
        for (int i = 0; i < 4900; i++) {
            db.delete(k("key" + i));
        }
        assertEquals(sumOfDatabases(), keyspace.usedMemory());
        keyspace.swap(0, 1);
        assertEquals(sumOfDatabases(), keyspace.usedMemory());
        db.flush();
        other.flush();
        assertEquals(sumOfDatabases(), keyspace.usedMemory());
    }

    private long sumOfDatabases() {
        return keyspace.db(0).recomputeMemory() + keyspace.db(0).memoryOverhead()
                + keyspace.db(1).recomputeMemory() + keyspace.db(1).memoryOverhead();
    }

    @Test
    void inPlaceChangesAreSettledWhenTheCommandEnds() {
        keyspace.commandStarted();
        Entry e = db.add(k("list"), new ListValue());
        ((ListValue) e.value()).pushTail(new byte[100]);
        keyspace.commandDone();
        assertEquals(db.recomputeMemory(), db.memory());

        keyspace.commandStarted();
        Entry again = db.lookupWrite(k("list"));
        for (int i = 0; i < 50; i++) {
            ((ListValue) again.value()).pushTail(new byte[i]);
        }
        keyspace.commandDone();
        assertEquals(db.recomputeMemory(), db.memory());

        // Emptied in place, then removed within the same command: nothing left over.
        keyspace.commandStarted();
        Entry third = db.lookupWrite(k("list"));
        ListValue l = (ListValue) third.value();
        while (!l.isEmpty()) {
            l.popHead();
        }
        db.remove(third);
        keyspace.commandDone();
        assertEquals(0, db.memory());
    }

    @Test
    void expiryFlushAndSwapKeepTheTotals() {
        Entry e = db.add(k("a"), new byte[5]);
        db.setExpire(e, clock.millis() + 10);
        db.add(k("b"), new byte[5]);
        keyspace.db(1).add(k("c"), new byte[500]);
        long db1 = keyspace.db(1).memory();
        clock.advance(11);
        db.lookupRead(k("a"));
        assertEquals(db.recomputeMemory(), db.memory());
        keyspace.swap(0, 1);
        assertEquals(db1, keyspace.db(0).memory());
        keyspace.flushAll();
        assertEquals(0, keyspace.db(0).memory() + keyspace.db(1).memory());
        assertEquals(keyspace.recomputeMemory(), keyspace.usedMemory());
    }

    @Test
    void hashAndListEstimatesAreConstantTimeCountersMatchingTheirContents() {
        HashValue h = new HashValue();
        long base = h.memoryUsage();
        for (int i = 0; i < 600; i++) {
            h.set(k("f" + i), new byte[i % 70], 512, 64);
        }
        assertEquals("hashtable", h.encoding());
        long big = h.memoryUsage();
        assertTrue(big > base + 600 * (24 + 2 * 16), "hash estimate " + big);
        for (int i = 0; i < 600; i++) {
            h.remove(k("f" + i));
        }
        assertTrue(h.memoryUsage() < 200, "empty hash estimate " + h.memoryUsage());
        assertEquals(h.copy().memoryUsage() > 0, true);
    }
}
