package io.mnemos.store;

/** Hears about keys the keyspace removes on its own, for notifications and transaction watches. */
public interface KeyspaceListener {
    KeyspaceListener NONE = new KeyspaceListener() {
    };

    default void expired(Database db, byte[] key) {
    }

    /** A key was created (Redis's dbAdd: the "new" keyspace event). */
    default void added(Database db, byte[] key) {
    }

    /** A read lookup missed (Redis's "keymiss" event, fired where keyspace_misses is counted). */
    default void missed(Database db, byte[] key) {
    }
}
