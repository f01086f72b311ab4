package io.mnemos.store;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LRU clock and the LFU counter against Redis's formulas (evict.c). */
class ObjectClockTest {
    private static final long MINUTE = 60_000;

    @Test
    void lruClockIsSecondsModulo24Bits() {
        assertEquals(1234, ObjectClock.lruClock(1_234_999));
        long wrap = (1L << 24) * 1000;
        assertEquals(5, ObjectClock.lruClock(wrap + 5_000));
    }

    @Test
    void idleTimeIsInMillisecondsOfWholeSecondsAndSurvivesOneWrap() {
        int lru = ObjectClock.lruClock(1_000_000);
        assertEquals(0, ObjectClock.idleMillis(lru, 1_000_999));
        assertEquals(7000, ObjectClock.idleMillis(lru, 1_007_500));
        // Accessed just before the 24-bit clock wrapped, read 10 s after: lruclock + (MAX - lru).
        int late = ObjectClock.LRU_CLOCK_MAX - 2;
        long afterWrap = ((1L << 24) + 7) * 1000;
        assertEquals((7 + 2) * 1000L, ObjectClock.idleMillis(late, afterWrap));
    }

    @Test
    void newObjectsStartAtLfuInitValStampedWithTheMinute() {
        long now = 90 * MINUTE + 5_000;
        int field = ObjectClock.lfuInit(now);
        assertEquals(ObjectClock.LFU_INIT_VAL, field & 255);
        assertEquals(90, field >>> 8);
    }

    @Test
    void logIncrementProbabilityIsOneOverBasevalTimesFactorPlusOne() {
        // At or below LFU_INIT_VAL the counter always grows.
        assertEquals(6, ObjectClock.lfuLogIncr(5, 10, 0.999));
        assertEquals(1, ObjectClock.lfuLogIncr(0, 10, 0.999));
        // counter 10: baseval 5, p = 1/(5*10+1) = 0.0196...
        assertEquals(11, ObjectClock.lfuLogIncr(10, 10, 0.0195));
        assertEquals(10, ObjectClock.lfuLogIncr(10, 10, 0.0197));
        // lfu-log-factor 0: always increments.
        assertEquals(101, ObjectClock.lfuLogIncr(100, 0, 0.999));
        assertEquals(255, ObjectClock.lfuLogIncr(255, 0, 0.0));
    }

    @Test
    void counterDecaysOnePerDecayTimeMinutes() {
        long t0 = 1000 * MINUTE;
        int field = (ObjectClock.lfuTimeInMinutes(t0) << 8) | 20;
        assertEquals(20, ObjectClock.lfuDecrAndReturn(field, t0 + 59_000, 1));
        assertEquals(17, ObjectClock.lfuDecrAndReturn(field, t0 + 3 * MINUTE, 1));
        assertEquals(19, ObjectClock.lfuDecrAndReturn(field, t0 + 3 * MINUTE, 2));
        assertEquals(0, ObjectClock.lfuDecrAndReturn(field, t0 + 25 * MINUTE, 1));
        // lfu-decay-time 0: never decays.
        assertEquals(20, ObjectClock.lfuDecrAndReturn(field, t0 + 25 * MINUTE, 0));
    }

    @Test
    void minutesWrapAt16Bits() {
        int field = (65530 << 8) | 10;
        long now = 65536L * MINUTE + 4 * MINUTE; // minute 4 after the wrap: 65535 - 65530 + 4 = 9
        assertEquals(9, ObjectClock.lfuTimeElapsed(65530, now));
        assertEquals(1, ObjectClock.lfuDecrAndReturn(field, now, 1));
    }

    @Test
    void manyAccessesGrowTheCounterLogarithmically() {
        // The increments are random: a seeded source keeps the test deterministic.
        java.util.Random rnd = new java.util.Random(1000);
        int counter = ObjectClock.lfuInit(5 * MINUTE) & 255;
        for (int i = 0; i < 1000; i++) {
            counter = ObjectClock.lfuLogIncr(counter, 10, rnd.nextDouble());
        }
        // Redis's table for factor 10: ~1K hits give a counter around 18; 100 give ~10.
        assertTrue(counter >= 12 && counter <= 24, "counter " + counter);
    }

    @Test
    void evictionTimeLimitFollowsTenacity() {
        assertEquals(0, Evictor.timeLimitMicros(0));
        assertEquals(500, Evictor.timeLimitMicros(10));
        assertEquals((long) (500 * Math.pow(1.15, 20)), Evictor.timeLimitMicros(30));
        assertEquals(Long.MAX_VALUE, Evictor.timeLimitMicros(100));
    }

    @Test
    void defaultCeilingIsThreeQuartersOfTheHeapMinusAReserve() {
        long mib = 1024 * 1024;
        assertEquals(64 * mib, EvictionSettings.defaultCeiling(128 * mib));
        assertEquals(736 * mib, EvictionSettings.defaultCeiling(1024 * mib));
        assertEquals(16 * mib, EvictionSettings.defaultCeiling(64 * mib));
        assertEquals(0, EvictionSettings.defaultCeiling(Long.MAX_VALUE));
    }
}
