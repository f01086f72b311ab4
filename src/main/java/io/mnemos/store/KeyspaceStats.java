package io.mnemos.store;

/** Counters INFO reports about key lookups and expiry. Only touched from the keyspace thread. */
public final class KeyspaceStats {
    public long hits;
    public long misses;
    public long expiredKeys;
    /** Keys deleted by maxmemory eviction (INFO evicted_keys). */
    public long evictedKeys;
    /** Times the active expire cycle stopped because it used up its time budget. */
    public long expiredTimeCapReached;
    /** Estimated share of logically expired keys still in memory (0..100), as Redis's stale_perc. */
    public double expiredStalePercent;
    /** Writes since the server started; INFO's rdb_changes_since_last_save derives from it. */
    public long dirty;

    public void reset() {
        hits = 0;
        misses = 0;
        expiredKeys = 0;
        evictedKeys = 0;
        expiredTimeCapReached = 0;
        expiredStalePercent = 0;
    }
}
