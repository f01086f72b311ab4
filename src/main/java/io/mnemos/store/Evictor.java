package io.mnemos.store;

import java.util.function.LongSupplier;

/**
 * Redis's performEvictions (evict.c): while used memory is above the limit, pick a key by the
 * maxmemory-policy and delete it. LRU, LFU and volatile-ttl sample {@code maxmemory-samples} keys
 * per database into an eviction pool of the 16 best candidates kept across calls and evict the
 * best one; the random policies delete a random key, cycling through the databases.
 */
public final class Evictor {
    /** EVPOOL_SIZE. */
    static final int POOL_SIZE = 16;

    /** performEvictions's result. */
    public enum Result {
        /** Memory is under the limit (or eviction is not possible right now and not needed). */
        OK,
        /** The time limit was hit while evicting; the caller should continue later. */
        RUNNING,
        /** Over the limit and nothing (more) can be evicted: DENYOOM commands get -OOM. */
        FAIL
    }

    private final Keyspace keyspace;
    /** The pool, sorted by ascending idle score: the best candidate is at the right end. */
    private final long[] poolIdle = new long[POOL_SIZE];
    private final Entry[] poolEntry = new Entry[POOL_SIZE];
    private final int[] poolDb = new int[POOL_SIZE];
    private int nextDb;
    private LongSupplier extraMemory = () -> 0;
    private LongSupplier nanoTime = System::nanoTime;

    Evictor(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** Memory counted in used_memory beyond the keyspace's own (client buffers). */
    public void extraMemory(LongSupplier extra) {
        this.extraMemory = extra;
    }

    /** For tests of the time limit. */
    void nanoTime(LongSupplier clock) {
        this.nanoTime = clock;
    }

    /** used_memory as eviction sees it: the keyspace's accounting plus client buffers. */
    public long usedMemory() {
        return keyspace.usedMemory() + extraMemory.getAsLong();
    }

    /** True when used memory is above the effective limit (maxmemory, or the heap-derived ceiling). */
    public boolean overLimit() {
        long limit = keyspace.settings().effectiveLimit();
        return limit > 0 && usedMemory() > limit;
    }

    /**
     * evictionTimeLimitUs: linear up to 500 us at tenacity 10, then growing 15% per step, unlimited
     * at 100.
     */
    static long timeLimitMicros(long tenacity) {
        if (tenacity <= 10) {
            return 50L * tenacity;
        }
        if (tenacity < 100) {
            return (long) (500.0 * Math.pow(1.15, tenacity - 10.0));
        }
        return Long.MAX_VALUE;
    }

    /** One performEvictions run. */
    public Result perform() {
        EvictionSettings settings = keyspace.settings();
        long limit = settings.effectiveLimit();
        if (limit <= 0) {
            return Result.OK;
        }
        long used = usedMemory();
        if (used <= limit) {
            return Result.OK;
        }
        if (settings.policy == MaxmemoryPolicy.NOEVICTION) {
            return Result.FAIL;
        }
        long toFree = used - limit;
        long freed = 0;
        long keysFreed = 0;
        long start = nanoTime.getAsLong();
        long budgetNanos = timeLimitMicros(settings.tenacity);
        budgetNanos = budgetNanos == Long.MAX_VALUE ? Long.MAX_VALUE : budgetNanos * 1000;
        while (freed < toFree) {
            Entry best;
            Database bestDb;
            if (settings.policy.kind() == MaxmemoryPolicy.Kind.RANDOM) {
                best = null;
                bestDb = null;
                int dbs = keyspace.count();
                for (int i = 0; i < dbs; i++) {
                    int j = (++nextDb) % dbs;
                    Database db = keyspace.db(j);
                    Entry e = settings.policy.allKeys() ? db.randomAny() : db.randomVolatile();
                    if (e != null) {
                        best = e;
                        bestDb = db;
                        break;
                    }
                }
            } else {
                best = null;
                bestDb = null;
                while (best == null) {
                    long totalKeys = 0;
                    for (int i = 0; i < keyspace.count(); i++) {
                        Database db = keyspace.db(i);
                        int keys = settings.policy.allKeys() ? db.size() : db.volatileCount();
                        if (keys != 0) {
                            populate(i, db, settings);
                            totalKeys += keys;
                        }
                    }
                    if (totalKeys == 0) {
                        break;
                    }
                    // From the best candidate down: skip ghosts deleted since they were pooled.
                    for (int k = POOL_SIZE - 1; k >= 0; k--) {
                        Entry e = poolEntry[k];
                        if (e == null) {
                            continue;
                        }
                        Database db = keyspace.db(poolDb[k]);
                        removeFromPool(k);
                        if (db.holds(e) && (settings.policy.allKeys() || e.isVolatile())) {
                            best = e;
                            bestDb = db;
                            break;
                        }
                    }
                }
            }
            if (best == null) {
                return Result.FAIL;
            }
            long before = usedMemory();
            bestDb.evict(best);
            freed += before - usedMemory();
            keysFreed++;
            if (keysFreed % 16 == 0 && budgetNanos != Long.MAX_VALUE
                    && nanoTime.getAsLong() - start > budgetNanos) {
                return Result.RUNNING;
            }
        }
        return Result.OK;
    }

    /** evictionPoolPopulate: sample keys of one database and insert the better ones into the pool. */
    private void populate(int dbId, Database db, EvictionSettings settings) {
        long now = keyspace.clock().millis();
        int samples = (int) Math.min(settings.samples, Math.max(1,
                settings.policy.allKeys() ? db.size() : db.volatileCount()));
        for (int j = 0; j < samples; j++) {
            Entry e = settings.policy.allKeys() ? db.randomAny() : db.randomVolatile();
            if (e == null) {
                return;
            }
            long idle = switch (settings.policy.kind()) {
                case LRU -> ObjectClock.idleMillis(e.accessTime, now);
                case LFU -> 255 - ObjectClock.lfuDecrAndReturn(e.accessTime, now, settings.lfuDecayTime);
                case TTL -> Long.MAX_VALUE - e.expireAt;
                default -> throw new IllegalStateException("no pool for " + settings.policy);
            };
            insert(dbId, e, idle);
        }
    }

    private void insert(int dbId, Entry e, long idle) {
        int k = 0;
        while (k < POOL_SIZE && poolEntry[k] != null && poolIdle[k] < idle) {
            k++;
        }
        if (k == 0 && poolEntry[POOL_SIZE - 1] != null) {
            return; // worse than everything in a full pool
        } else if (k < POOL_SIZE && poolEntry[k] == null) {
            // an empty slot: insert here
        } else if (poolEntry[POOL_SIZE - 1] == null) {
            // room on the right: shift k.. one step right
            System.arraycopy(poolEntry, k, poolEntry, k + 1, POOL_SIZE - k - 1);
            System.arraycopy(poolIdle, k, poolIdle, k + 1, POOL_SIZE - k - 1);
            System.arraycopy(poolDb, k, poolDb, k + 1, POOL_SIZE - k - 1);
        } else {
            // full: drop the worst (leftmost) and insert at k-1
            k--;
            System.arraycopy(poolEntry, 1, poolEntry, 0, k);
            System.arraycopy(poolIdle, 1, poolIdle, 0, k);
            System.arraycopy(poolDb, 1, poolDb, 0, k);
        }
        poolEntry[k] = e;
        poolIdle[k] = idle;
        poolDb[k] = dbId;
    }

    private void removeFromPool(int k) {
        poolEntry[k] = null;
        poolIdle[k] = 0;
    }

    /** Candidates currently pooled, for tests. */
    int pooled() {
        int n = 0;
        for (Entry e : poolEntry) {
            if (e != null) {
                n++;
            }
        }
        return n;
    }
}
