package io.mnemos.store;

/**
 * Hears about keys the keyspace creates, removes on its own or loses, for notifications,
 * transaction watches and blocked clients.
 */
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

    /** A key was created (Redis's dbAdd: the "new" keyspace event). */
    default void added(Database db, byte[] key) {
    }

    /**
     * A stream left the database, deleted (by a command, expiry or eviction) or overwritten: its
     * consumer groups went with it (Redis's signalDeletedKeyAsReady).
     */
    default void streamRemoved(Database db, byte[] key) {
    }

    /** A read lookup missed (Redis's "keymiss" event, fired where keyspace_misses is counted). */
    default void missed(Database db, byte[] key) {
    }

    /** Tells {@code first}, then {@code second}, about everything. */
    static KeyspaceListener both(KeyspaceListener first, KeyspaceListener second) {
        return new KeyspaceListener() {
            @Override
            public void expired(Database db, byte[] key) {
                first.expired(db, key);
                second.expired(db, key);
            }

            @Override
            public void evicted(Database db, byte[] key) {
                first.evicted(db, key);
                second.evicted(db, key);
            }

            @Override
            public void flushing(Database db) {
                first.flushing(db);
                second.flushing(db);
            }

            @Override
            public void swapping(Database a, Database b) {
                first.swapping(a, b);
                second.swapping(a, b);
            }

            @Override
            public void added(Database db, byte[] key) {
                first.added(db, key);
                second.added(db, key);
            }

            @Override
            public void streamRemoved(Database db, byte[] key) {
                first.streamRemoved(db, key);
                second.streamRemoved(db, key);
            }

            @Override
            public void missed(Database db, byte[] key) {
                first.missed(db, key);
                second.missed(db, key);
            }
        };
    }
}
