package io.mnemos.store;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The 24 bits Redis keeps in every object's {@code lru} field, kept in {@link Entry#accessTime}:
 * under an LRU (or any non-LFU) policy the LRU clock of the last access in seconds (evict.c's
 * LRU_CLOCK, 24-bit, wrapping every 194 days); under an LFU policy the last decrement time in
 * minutes (16 bits) followed by an 8-bit logarithmic access counter (LFULogIncr / LFUDecrAndReturn).
 */
public final class ObjectClock {
    /** LRU_CLOCK_MAX: the clock is 24 bits wide. */
    public static final int LRU_CLOCK_MAX = (1 << 24) - 1;
    /** LRU_CLOCK_RESOLUTION in milliseconds. */
    public static final long LRU_CLOCK_RESOLUTION = 1000;
    /** LFU_INIT_VAL: a new key's counter, so it is not evicted before it had a chance to be used. */
    public static final int LFU_INIT_VAL = 5;

    private ObjectClock() {
    }

    /** getLRUClock: the current 24-bit LRU clock. */
    public static int lruClock(long nowMillis) {
        return (int) ((nowMillis / LRU_CLOCK_RESOLUTION) & LRU_CLOCK_MAX);
    }

    /** estimateObjectIdleTime in milliseconds, allowing for one wrap of the clock. */
    public static long idleMillis(int lru, long nowMillis) {
        long clock = lruClock(nowMillis);
        long l = lru & LRU_CLOCK_MAX;
        if (clock >= l) {
            return (clock - l) * LRU_CLOCK_RESOLUTION;
        }
        return (clock + (LRU_CLOCK_MAX - l)) * LRU_CLOCK_RESOLUTION;
    }

    /** LFUGetTimeInMinutes: Unix time in minutes, 16 bits. */
    public static int lfuTimeInMinutes(long nowMillis) {
        return (int) ((nowMillis / 1000 / 60) & 65535);
    }

    /** LFUTimeElapsed: minutes since {@code ldt}, allowing for one wrap. */
    public static long lfuTimeElapsed(int ldt, long nowMillis) {
        long now = lfuTimeInMinutes(nowMillis);
        if (now >= ldt) {
            return now - ldt;
        }
        return 65535 - ldt + now;
    }

    /** The field of a new object under an LFU policy: now, counter LFU_INIT_VAL. */
    public static int lfuInit(long nowMillis) {
        return (lfuTimeInMinutes(nowMillis) << 8) | LFU_INIT_VAL;
    }

    /**
     * LFUDecrAndReturn: the counter after decaying it by one per {@code decayTime} minutes elapsed
     * since the last decrement (the field itself is not changed).
     */
    public static int lfuDecrAndReturn(int field, long nowMillis, long decayTime) {
        int ldt = (field >>> 8) & 65535;
        int counter = field & 255;
        long periods = decayTime > 0 ? lfuTimeElapsed(ldt, nowMillis) / decayTime : 0;
        if (periods > 0) {
            counter = periods > counter ? 0 : (int) (counter - periods);
        }
        return counter;
    }

    /**
     * objectSetLRUOrLFU, for RESTORE's FREQ / IDLETIME and a dump's FREQ / IDLE opcodes: the clock
     * bits of a key given {@code field} (its current ones). Under an LFU policy a {@code freq} of 0
     * to 255 becomes the counter, stamped with the current minute; under any other policy an
     * {@code idleSeconds} of 0 or more moves the LRU clock back by as much. The value the policy
     * does not use, or -1, leaves {@code field} as it is.
     */
    public static int restoredAccess(int field, long freq, long idleSeconds, boolean lfu, long nowMillis) {
        if (lfu) {
            return freq >= 0 ? (lfuTimeInMinutes(nowMillis) << 8) | (int) freq : field;
        }
        if (idleSeconds < 0) {
            return field;
        }
        // Redis's arithmetic to the bit, wrapping on overflow as its long long does, so that even
        // absurd values read back the same through OBJECT IDLETIME.
        long clock = lruClock(nowMillis);
        long idle = idleSeconds * 1000 / LRU_CLOCK_RESOLUTION;
        long lru = clock - idle;
        if (lru < 0) {
            lru += LRU_CLOCK_MAX; // the clock wraps: estimateObjectIdleTime unwraps it
        }
        return (int) (lru & LRU_CLOCK_MAX); // a 24-bit field in Redis
    }

    /** LFULogIncr: increments with probability 1 / ((counter - LFU_INIT_VAL) * logFactor + 1). */
    public static int lfuLogIncr(int counter, long logFactor, double r) {
        if (counter == 255) {
            return 255;
        }
        double baseval = counter - LFU_INIT_VAL;
        if (baseval < 0) {
            baseval = 0;
        }
        double p = 1.0 / (baseval * logFactor + 1);
        if (r < p) {
            counter++;
        }
        return counter;
    }

    /** updateLFU: decay, then a logarithmic increment, stamped with the current minute. */
    public static int lfuAccess(int field, long nowMillis, long logFactor, long decayTime) {
        int counter = lfuDecrAndReturn(field, nowMillis, decayTime);
        counter = lfuLogIncr(counter, logFactor, ThreadLocalRandom.current().nextDouble());
        return (lfuTimeInMinutes(nowMillis) << 8) | counter;
    }
}
