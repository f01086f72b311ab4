package io.mnemos.store;

import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Redis's slaveKeysWithExpire: the keys that clients of a writable replica
 * ({@code replica-read-only no}) gave a time to live, with the databases (0-63) they were given it
 * in. A replica leaves its master's keys to the master's DEL, but nobody would ever delete these:
 * the replica's cron expires them itself ({@link #expire}). Keys only; like Redis, a key is
 * forgotten once no listed database holds it with a TTL, and the list is emptied with the whole
 * dataset (FLUSHALL, a full resynchronization).
 */
public final class ReplicaKeysWithExpire {
    /** Redis tracks database ids in a 64-bit map and ignores keys of databases past it. */
    private static final int MAX_DB = 63;
    /** expireSlaveKeys stops after this many keys it could not expire yet. */
    private static final int MAX_UNEXPIRED = 3;
    /** ... or once it has run for more than this, checked every 64 keys. */
    private static final long BUDGET_MILLIS = 1;

    private static final class Tracked extends BytesMap.Entry {
        long databases;

        Tracked(byte[] key) {
            super(key);
        }
    }

    private BytesMap<Tracked> keys = new BytesMap<>();
    /** server.masterhost && !server.repl_slave_ro, asked only on a replica. */
    private BooleanSupplier writable = () -> false;

    /** Installs the test for a writable replica (replica-read-only can change at any time). */
    public void writableWhen(BooleanSupplier writable) {
        this.writable = writable;
    }

    boolean writable() {
        return writable.getAsBoolean();
    }

    /** rememberSlaveKeyWithExpire. */
    void remember(int db, byte[] key) {
        if (db > MAX_DB) {
            return;
        }
        Tracked t = keys.get(key);
        if (t == null) {
            t = new Tracked(key);
            keys.insert(t);
        }
        t.databases |= 1L << db;
    }

    /** getSlaveKeyWithExpireCount. */
    public int size() {
        return keys.size();
    }

    /** flushSlaveKeysWithExpireList. */
    void clear() {
        if (keys.size() > 0) {
            keys = new BytesMap<>();
        }
    }

    /**
     * expireSlaveKeys: draws listed keys at random and deletes those past their time in each of
     * their databases (an expiry like any other: counted, notified, DEL propagated), until more than
     * three could not be expired yet, the list is empty, or a millisecond has passed.
     */
    public void expire(Keyspace keyspace, LongSupplier millis) {
        if (keys.size() == 0) {
            return;
        }
        long start = millis.getAsLong();
        int cycles = 0;
        int unexpired = 0;
        while (true) {
            Tracked t = keys.random();
            long remaining = 0;
            long databases = t.databases;
            for (int id = 0; databases != 0 && id < keyspace.count(); id++, databases >>>= 1) {
                if ((databases & 1) == 0) {
                    continue;
                }
                Database db = keyspace.db(id);
                Entry e = db.peek(t.key());
                if (e == null || e.expireAt() == Entry.NO_EXPIRY) {
                    continue;
                }
                if (start > e.expireAt()) {
                    db.expire(e);
                } else {
                    unexpired++;
                    remaining |= 1L << id;
                }
            }
            if (remaining != 0) {
                t.databases = remaining;
            } else {
                keys.remove(t.key());
            }
            cycles++;
            if (unexpired > MAX_UNEXPIRED || keys.size() == 0
                    || (cycles % 64 == 0 && millis.getAsLong() - start > BUDGET_MILLIS)) {
                return;
            }
        }
    }
}
