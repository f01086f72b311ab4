package io.mnemos.store;

/**
 * Keys read from a dump, made ready on the loader thread so that the keyspace thread, which
 * inserts them ({@link Keyspace#addLoaded}), only links entries in: the entry objects, the key
 * hashes and the memory costs are computed here, while the key bytes are still in the loader's
 * cache. Parallel arrays rather than an object per key, since a dump may hold millions.
 */
public final class LoadBatch {
    private final int[] dbs;
    private final Entry[] entries;
    private final int[] hashes;
    private final long[] costs;
    private int size;

    public LoadBatch(int capacity) {
        dbs = new int[capacity];
        entries = new Entry[capacity];
        hashes = new int[capacity];
        costs = new long[capacity];
    }

    /**
     * @param expireAt    absolute Unix ms, or {@link Entry#NO_EXPIRY}
     * @param accessTime  the lru field, see {@link Database#newAccessTime()}
     */
    public void add(int db, byte[] key, Object value, long expireAt, int accessTime) {
        Entry e = new Entry(key, value);
        e.expireAt = expireAt;
        e.accessTime = accessTime;
        dbs[size] = db;
        entries[size] = e;
        hashes[size] = KeyHash.hash(key);
        costs[size] = Database.cost(e);
        size++;
    }

    /** Empties the batch for reuse once its keys are in (fewer arrays for the collector). */
    public void clear() {
        java.util.Arrays.fill(entries, 0, size, null);
        size = 0;
    }

    public int size() {
        return size;
    }

    public boolean full() {
        return size == entries.length;
    }

    public int db(int i) {
        return dbs[i];
    }

    public byte[] key(int i) {
        return entries[i].key;
    }

    int hash(int i) {
        return hashes[i];
    }

    Entry entry(int i) {
        return entries[i];
    }

    long cost(int i) {
        return costs[i];
    }
}
