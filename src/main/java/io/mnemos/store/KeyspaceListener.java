package io.mnemos.store;

/** Hears about keys the keyspace removes on its own, for notifications and transaction watches. */
public interface KeyspaceListener {
    KeyspaceListener NONE = new KeyspaceListener() {
    };

    default void expired(Database db, byte[] key) {
    }

    /** A key deleted by maxmemory eviction. */
    default void evicted(Database db, byte[] key) {
    }

    /** {@code db} is about to be emptied (FLUSHDB, FLUSHALL). */
    default void flushing(Database db) {
    }

    /** The contents of {@code a} and {@code b} are about to be exchanged (SWAPDB). */
    default void swapping(Database a, Database b) {
    }
}
