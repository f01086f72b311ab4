package io.mnemos.store;

/**
 * The maxmemory settings, shared by the server's config (CONFIG GET/SET write these fields) and the
 * keyspace (lookups and eviction read them). Only the keyspace thread changes them after startup.
 */
public final class EvictionSettings {
    /**
     * maxmemory in bytes, an unsigned long long as in Redis (beyond Long.MAX_VALUE it is negative
     * here); 0 means "no limit" to Redis, and the heap-derived ceiling to Mnemos.
     */
    public long maxmemory;
    public MaxmemoryPolicy policy = MaxmemoryPolicy.NOEVICTION;
    public long samples = 5;
    public long tenacity = 10;
    public long lfuLogFactor = 10;
    public long lfuDecayTime = 1;
    /**
     * The ceiling used while maxmemory is 0, so that a forgotten maxmemory yields OOM errors rather
     * than an OutOfMemoryError; see {@link #defaultCeiling(long)}. 0 disables it.
     */
    public long defaultCeiling = defaultCeiling(Runtime.getRuntime().maxMemory());

    /** The limit eviction and OOM rejection work against. */
    public long effectiveLimit() {
        if (maxmemory == 0) {
            return defaultCeiling;
        }
        return maxmemory < 0 ? Long.MAX_VALUE : maxmemory; // more than the JVM can ever hold either way
    }

    /** An explicit maxmemory is set (Redis's server.maxmemory != 0). */
    public boolean limited() {
        return maxmemory != 0;
    }

    /**
     * Mnemos's ceiling for data when maxmemory is 0: three quarters of the JVM's maximum heap minus a
     * 32 MiB reserve for the server itself (Netty, clients, command table, GC headroom), and never
     * less than a quarter of the heap. -Xmx128m gives 64 MiB, -Xmx1g 736 MiB, -Xmx4g 3040 MiB.
     */
    public static long defaultCeiling(long maxHeap) {
        if (maxHeap <= 0 || maxHeap == Long.MAX_VALUE) {
            return 0;
        }
        return Math.max(maxHeap / 4, maxHeap / 4 * 3 - 32L * 1024 * 1024);
    }
}
