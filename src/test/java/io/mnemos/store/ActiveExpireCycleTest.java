package io.mnemos.store;

import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ActiveExpireCycleTest {
    private final ManualClock clock = new ManualClock(5_000_000);
    private final Keyspace keyspace = new Keyspace(4, clock, KeyspaceListener.NONE);

    private void addVolatile(Database db, String prefix, int n, long ttl) {
        for (int i = 0; i < n; i++) {
            Entry e = db.add((prefix + i).getBytes(StandardCharsets.UTF_8), "v".getBytes());
            db.setExpire(e, clock.millis() + ttl);
        }
    }

    @Test
    void keysNobodyReadsDisappearAfterCycles() {
        Database db0 = keyspace.db(0);
        Database db2 = keyspace.db(2);
        addVolatile(db0, "a", 500, 100);
        addVolatile(db2, "b", 300, 100);
        db0.add("persistent".getBytes(), "v".getBytes());
        addVolatile(db0, "later", 50, 1_000_000);
        ActiveExpireCycle cycle = new ActiveExpireCycle(keyspace);
        cycle.runSlow(10);
        assertEquals(551, db0.size(), "nothing has expired yet");
        clock.advance(101);
        for (int i = 0; i < 200 && db0.size() + db2.size() > 51; i++) {
            cycle.runSlow(10);
        }
        assertEquals(51, db0.size());
        assertEquals(50, db0.volatileCount());
        assertEquals(0, db2.size());
        assertEquals(800, keyspace.stats().expiredKeys);
        assertTrue(db0.averageTtl() > 0, "the surviving keys' TTL is averaged");
    }

    @Test
    void aSampleWithMoreThanTenPercentExpiredIsRepeated() {
        Database db = keyspace.db(0);
        addVolatile(db, "k", 1000, 10);
        clock.advance(11);
        ActiveExpireCycle cycle = new ActiveExpireCycle(keyspace, () -> 0L);
        cycle.runSlow(10);
        // One sample is 20 keys; every sample is fully expired, so with time to spare the loop
        // repeats until the database has no volatile keys left.
        assertEquals(0, db.size());
        assertFalse(cycle.timeLimitHit());
    }

    @Test
    void aSampleWithFewExpiredKeysIsNotRepeated() {
        Database db = keyspace.db(0);
        addVolatile(db, "live", 10_000, 1_000_000);
        addVolatile(db, "dead", 5, 1);
        clock.advance(2);
        long[] nanos = {0};
        ActiveExpireCycle cycle = new ActiveExpireCycle(keyspace, () -> nanos[0]);
        cycle.runSlow(10);
        // 5 of 10005 keys expired: a sample can hold at most 5 expired of 20 only by great luck,
        // and the loop stops as soon as a sample is 10% expired or less.
        assertTrue(db.size() >= 10_000);
        assertFalse(cycle.timeLimitHit());
    }

    @Test
    void theTimeBudgetStopsTheCycle() {
        Database db = keyspace.db(0);
        addVolatile(db, "k", 20_000, 10);
        clock.advance(11);
        long[] nanos = {0};
        // Every reading of the clock moves it by 1 ms: the 25 ms budget at hz 10 runs out quickly.
        ActiveExpireCycle cycle = new ActiveExpireCycle(keyspace, () -> nanos[0] += 1_000_000);
        cycle.runSlow(10);
        assertTrue(cycle.timeLimitHit());
        assertEquals(1, keyspace.stats().expiredTimeCapReached);
        int left = db.size();
        assertTrue(left > 0 && left < 20_000, left + " left");
        // The clock is read every 16 samples of 20 (all expired) keys and moves 1 ms per reading:
        // the 26th reading is past the 25 ms budget.
        assertEquals(26 * 16 * ActiveExpireCycle.KEYS_PER_LOOP, 20_000 - left);
        // INFO expire_cycle_cpu_milliseconds: from the start reading (1 ms) to the end one (28 ms).
        assertEquals(27_000, keyspace.stats().expireCycleMicros);
        keyspace.stats().reset();
        assertEquals(0, keyspace.stats().expireCycleMicros, "CONFIG RESETSTAT clears it");
    }

    @Test
    void theFastCycleOnlyRunsAfterASlowCycleRanOutOfTime() {
        Database db = keyspace.db(0);
        addVolatile(db, "k", 5000, 10);
        clock.advance(11);
        long[] nanos = {10_000_000_000L};
        ActiveExpireCycle cycle = new ActiveExpireCycle(keyspace, () -> nanos[0]);
        cycle.runFast();
        assertEquals(5000, db.size(), "nothing left behind yet, so no fast cycle");
        nanos[0] += 1;
        ActiveExpireCycle slow = new ActiveExpireCycle(keyspace, () -> nanos[0] += 30_000_000);
        slow.runSlow(10);
        assertTrue(slow.timeLimitHit());
        int left = db.size();
        nanos[0] += 10_000_000;
        slow.runFast();
        assertTrue(db.size() < left, "the fast cycle picks up where the slow one stopped");
    }

    @Test
    void aDisabledCycleDoesNothing() {
        Database db = keyspace.db(0);
        addVolatile(db, "k", 10, 1);
        clock.advance(2);
        ActiveExpireCycle cycle = new ActiveExpireCycle(keyspace);
        cycle.enabled(false);
        cycle.runSlow(10);
        assertEquals(10, db.size());
        cycle.enabled(true);
        cycle.runSlow(10);
        assertEquals(0, db.size());
    }
}
