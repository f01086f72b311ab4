package io.mnemos.store;

import java.util.function.LongSupplier;

/**
 * Redis 7's active expiry (expire.c): each run samples keys with a TTL in every database and
 * deletes the expired ones, repeating on a database while more than 10% of a sample had expired,
 * within a time budget. The slow cycle runs {@code hz} times a second with 25% of a tick; the fast
 * cycle runs between ticks for at most 1 ms when the last slow cycle ran out of time.
 */
public final class ActiveExpireCycle {
    /** ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP with the default effort of 1. */
    static final int KEYS_PER_LOOP = 20;
    /** ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE. */
    static final int ACCEPTABLE_STALE_PERCENT = 10;
    static final int SLOW_TIME_PERCENT = 25;
    static final long FAST_DURATION_MICROS = 1000;

    private final Keyspace keyspace;
    private int nextDb;
    private boolean timeLimitHit;
    private long lastFastCycleStart;
    private boolean enabled = true;

    private final LongSupplier nanoTime;

    public ActiveExpireCycle(Keyspace keyspace) {
        this(keyspace, System::nanoTime);
    }

    /** With a replaceable monotonic clock, so tests can check the time budget deterministically. */
    public ActiveExpireCycle(Keyspace keyspace, LongSupplier nanoTime) {
        this.keyspace = keyspace;
        this.nanoTime = nanoTime;
    }

    /** True if the last cycle stopped because it ran out of time. */
    public boolean timeLimitHit() {
        return timeLimitHit;
    }

    public void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** One slow cycle; {@code hz} is the server's tick rate. */
    public void runSlow(int hz) {
        if (!enabled) {
            return;
        }
        long budgetMicros = 1_000_000L * SLOW_TIME_PERCENT / Math.max(1, hz) / 100;
        run(budgetMicros);
    }

    /** The fast cycle, run between ticks; only does work if the last cycle left keys behind. */
    public void runFast() {
        if (!enabled || !timeLimitHit && keyspace.stats().expiredStalePercent <= ACCEPTABLE_STALE_PERCENT) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (now - lastFastCycleStart < FAST_DURATION_MICROS * 2 * 1000) {
            return;
        }
        lastFastCycleStart = now;
        run(FAST_DURATION_MICROS);
    }

    private void run(long budgetMicros) {
        long start = nanoTime.getAsLong();
        long deadline = start + budgetMicros * 1000;
        timeLimitHit = false;
        long totalSampled = 0;
        long totalExpired = 0;
        int dbs = keyspace.count();
        for (int j = 0; j < dbs && !timeLimitHit; j++) {
            Database db = keyspace.db(nextDb);
            nextDb = (nextDb + 1) % dbs;
            int iteration = 0;
            while (true) {
                int volatiles = db.volatileCount();
                if (volatiles == 0) {
                    db.avgTtl = 0;
                    break;
                }
                int sample = Math.min(volatiles, KEYS_PER_LOOP);
                int expired = 0;
                long ttlSum = 0;
                int ttlSamples = 0;
                long now = keyspace.clock().millis();
                for (int i = 0; i < sample; i++) {
                    Entry e = db.randomVolatile();
                    if (e == null) {
                        break;
                    }
                    long ttl = e.expireAt - now;
                    if (ttl < 0) {
                        db.expire(e);
                        expired++;
                    } else {
                        ttlSum += ttl;
                        ttlSamples++;
                    }
                }
                totalSampled += sample;
                totalExpired += expired;
                if (ttlSamples > 0) {
                    long avg = ttlSum / ttlSamples;
                    // Running average as Redis keeps it: the new sample weighs 2%.
                    db.avgTtl = db.avgTtl == 0 ? avg : (db.avgTtl / 50) * 49 + (avg / 50);
                }
                iteration++;
                if ((iteration & 0xf) == 0 && nanoTime.getAsLong() > deadline) {
                    timeLimitHit = true;
                    keyspace.stats().expiredTimeCapReached++;
                    break;
                }
                if (expired * 100 <= sample * ACCEPTABLE_STALE_PERCENT) {
                    break;
                }
            }
        }
        double current = totalSampled == 0 ? 0 : (double) totalExpired * 100 / totalSampled;
        KeyspaceStats stats = keyspace.stats();
        stats.expiredStalePercent = current * 0.05 + stats.expiredStalePercent * 0.95;
        stats.expireCycleMicros += (nanoTime.getAsLong() - start) / 1000;
    }
}
