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
}
