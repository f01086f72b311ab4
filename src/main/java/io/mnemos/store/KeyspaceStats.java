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
    /** Time the active expire cycles took (INFO expire_cycle_cpu_milliseconds). */
    public long expireCycleMicros;
    /** Time used memory stayed over maxmemory in stretches that ended (total_eviction_exceeded_time). */
    public long evictionExceededMicros;
    /** Whether used memory is over maxmemory now, and since when (System.nanoTime). */
    public boolean evictionExceeding;
    public long evictionExceededSince;
    /** Writes since the server started; INFO's rdb_changes_since_last_save derives from it. */
    public long dirty;

    public void reset() {
        hits = 0;
        misses = 0;
        expiredKeys = 0;
        evictedKeys = 0;
        expiredTimeCapReached = 0;
        expiredStalePercent = 0;
        expireCycleMicros = 0;
        evictionExceededMicros = 0;
        evictionExceeding = false;
    }

    /** performEvictions' update_metrics: a stretch over maxmemory starts, or ends with an OK. */
    public void evictionOutcome(boolean underLimit, long nowNanos) {
        if (underLimit) {
            if (evictionExceeding) {
                evictionExceededMicros += (nowNanos - evictionExceededSince) / 1000;
                evictionExceeding = false;
            }
        } else if (!evictionExceeding) {
            evictionExceeding = true;
            evictionExceededSince = nowNanos;
        }
    }

    /** The current stretch over maxmemory so far, in microseconds (0 when under it). */
    public long evictionExceedingMicros(long nowNanos) {
        return evictionExceeding ? (nowNanos - evictionExceededSince) / 1000 : 0;
    }
}
