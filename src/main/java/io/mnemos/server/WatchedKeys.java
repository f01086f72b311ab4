package io.mnemos.server;

import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCH bookkeeping, Redis's {@code db->watched_keys}: for each database, the clients watching
 * each key. {@link #touch} is Redis's touchWatchedKey (any modification of a key dooms the EXEC of
 * its watchers), {@link #touchDb} its touchAllWatchedKeysInDb for FLUSHDB, FLUSHALL and SWAPDB.
 */
public final class WatchedKeys {
    /** A byte[] key usable in hash maps. */
    record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** One watched key of one client. */
    static final class Watch {
        final Client client;
        final int db;
        final Key key;
        /** The key was already logically expired when WATCH was called. */
        boolean expired;

        Watch(Client client, int db, Key key) {
            this.client = client;
            this.db = db;
            this.key = key;
        }
    }

    private final Map<Integer, Map<Key, List<Watch>>> byDb = new HashMap<>();
    private final Keyspace keyspace;
    private int count;

    public WatchedKeys(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** True when any client watches any key: the cheap test before looking at modified keys. */
    public boolean any() {
        return count > 0;
    }

    /** Redis's watchForKey. */
    public void watch(Client c, Database db, byte[] keyBytes) {
        Key key = new Key(keyBytes);
        for (Watch w : c.transaction().watches) {
            if (w.db == db.id() && w.key.equals(key)) {
                return;
            }
        }
        Watch w = new Watch(c, db.id(), key);
        Entry e = db.peek(keyBytes);
        w.expired = e != null && db.isExpired(e);
        byDb.computeIfAbsent(db.id(), i -> new HashMap<>()).computeIfAbsent(key, k -> new ArrayList<>(2)).add(w);
        c.transaction().watches.add(w);
        count++;
    }

    /** Redis's unwatchAllKeys. */
    public void unwatchAll(Client c) {
        List<Watch> watches = c.transaction().watches;
        for (Watch w : watches) {
            Map<Key, List<Watch>> keys = byDb.get(w.db);
            List<Watch> list = keys.get(w.key);
            list.remove(w);
            if (list.isEmpty()) {
                keys.remove(w.key);
            }
            count--;
        }
        watches.clear();
    }

    /** Redis's touchWatchedKey: {@code key} of {@code db} was modified. */
    public void touch(Database db, byte[] keyBytes) {
        if (count == 0) {
            return;
        }
        Map<Key, List<Watch>> keys = byDb.get(db.id());
        List<Watch> list = keys == null ? null : keys.get(new Key(keyBytes));
        if (list == null) {
            return;
        }
        for (Watch w : List.copyOf(list)) {
            if (w.expired) {
                if (db.peek(keyBytes) == null) {
                    // The already expired key was deleted: logically nothing changed.
                    w.expired = false;
                    continue;
                }
            }
            dirty(w.client);
        }
    }

    /**
     * Redis's touchAllWatchedKeysInDb: {@code emptied} is about to be flushed, or replaced by the
     * contents of {@code replacedWith} (SWAPDB). Keys that exist in neither change nothing.
     */
    public void touchDb(Database emptied, Database replacedWith) {
        if (count == 0) {
            return;
        }
        Map<Key, List<Watch>> keys = byDb.get(emptied.id());
        if (keys == null) {
            return;
        }
        for (Map.Entry<Key, List<Watch>> e : List.copyOf(keys.entrySet())) {
            byte[] key = e.getKey().bytes();
            boolean inEmptied = emptied.peek(key) != null;
            boolean inReplacement = replacedWith != null && replacedWith.peek(key) != null;
            if (!inEmptied && !inReplacement) {
                continue;
            }
            for (Watch w : List.copyOf(e.getValue())) {
                if (w.expired && !inReplacement) {
                    w.expired = false;
                    continue;
                }
                dirty(w.client);
            }
        }
    }

    /** Redis's isWatchedKeyExpired: a watched key expired (logically) since WATCH. */
    public boolean watchedKeyExpired(Client c) {
        for (Watch w : c.transaction().watches) {
            if (w.expired) {
                continue;
            }
            Database db = keyspace.db(w.db);
            Entry e = db.peek(w.key.bytes());
            if (e != null && db.isExpired(e)) {
                return true;
            }
        }
        return false;
    }

    private void dirty(Client c) {
        c.transaction().dirtyCas(true);
        unwatchAll(c);
    }
}
