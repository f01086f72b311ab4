package io.mnemos.persistence;

import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.EntryAccessHook;
import io.mnemos.store.Keyspace;

/**
 * A consistent view of the whole keyspace as it was when {@link #start} ran, delivered entry by
 * entry while the server keeps serving: what BGSAVE and BGREWRITEAOF write, see {@link SnapshotJob}.
 *
 * <p>{@link #start} records, per database, the entries that exist (an array of references, no
 * copies). {@link #step} then visits them in small slices on the keyspace thread. Every value
 * change in Mnemos begins with a lookup, and lookups call the keyspace's
 * {@link EntryAccessHook}: when a command is about to touch an entry the snapshot has not visited
 * yet, the hook hands that entry's current, still unchanged, value to the sink first. Deletions,
 * expiry, eviction, FLUSHALL and SWAPDB only unlink entries, which keep their value and expiry,
 * so a recorded entry still describes the key as it was. Keys created after the start are not
 * recorded and therefore not included. Each recorded entry reaches the sink exactly once.
 *
 * <p>Everything runs on the keyspace thread; the sink must consume the value before returning.
 */
public final class PointInTimeSnapshot implements EntryAccessHook {
    /** Receives the snapshot. */
    public interface Sink {
        /** A database's section starts; {@code size}/{@code expires} are its counts at the start. */
        void beginDb(int db, long size, long expires);

        /**
         * One key as it was at the start. Called in database order from {@link #step}, but also out
         * of order (for a later database than the current one) when a command touches a pending key.
         */
        void entry(int db, Entry e);
    }

    private final Keyspace keyspace;
    private final Sink sink;
    private final Entry[][] entries;
    private final IdentitySet[] pending;
    private final long[] expiresCount;
    private int db = -1;
    private int index;
    private boolean done;
    private long visited;
    private final long total;

    private PointInTimeSnapshot(Keyspace keyspace, Sink sink) {
        this.keyspace = keyspace;
        this.sink = sink;
        int n = keyspace.count();
        entries = new Entry[n][];
        pending = new IdentitySet[n];
        expiresCount = new long[n];
        long sum = 0;
        for (int i = 0; i < n; i++) {
            Database d = keyspace.db(i);
            Entry[] list = new Entry[d.size()];
            IdentitySet set = new IdentitySet(list.length);
            int[] k = {0};
            d.forEach(e -> {
                list[k[0]++] = e;
                set.add(e);
            });
            entries[i] = list;
            pending[i] = set;
            expiresCount[i] = d.volatileCount();
            sum += list.length;
        }
        total = sum;
    }

    /** Records the keyspace and installs the hook; call {@link #step} until it returns true. */
    public static PointInTimeSnapshot start(Keyspace keyspace, Sink sink) {
        if (keyspace.accessHook() != null) {
            // A second snapshot would replace the first one's hook and silently corrupt its file.
            throw new IllegalStateException("A point-in-time snapshot is already running");
        }
        PointInTimeSnapshot s = new PointInTimeSnapshot(keyspace, sink);
        keyspace.accessHook(s);
        return s;
    }

    /** Keys recorded at the start. */
    public long total() {
        return total;
    }

    /** Keys handed to the sink so far. */
    public long visited() {
        return visited;
    }

    public boolean done() {
        return done;
    }

    /**
     * Visits entries for about {@code budgetNanos} (0: until the end).
     *
     * @return true when every entry has been delivered (the hook is then removed)
     */
    public boolean step(long budgetNanos) {
        long deadline = System.nanoTime() + budgetNanos;
        int n = 0;
        while (!done) {
            if (db < 0 || index >= entries[db].length) {
                if (db >= 0) {
                    entries[db] = null;
                    pending[db] = null;
                }
                db++;
                index = 0;
                if (db >= entries.length) {
                    finish();
                    break;
                }
                if (entries[db].length > 0) {
                    sink.beginDb(db, entries[db].length, expiresCount[db]);
                }
                continue;
            }
            Entry e = entries[db][index];
            entries[db][index++] = null;
            if (pending[db].remove(e)) {
                deliver(db, e);
            }
            if (budgetNanos > 0 && (++n & 63) == 0 && System.nanoTime() > deadline) {
                break;
            }
        }
        return done;
    }

    private void deliver(int dbIndex, Entry e) {
        visited++;
        sink.entry(dbIndex, e);
    }

    private void finish() {
        done = true;
        keyspace.accessHook(null);
    }

    /** Stops early: removes the hook; the sink gets nothing more. */
    public void abort() {
        if (!done) {
            finish();
        }
    }

    @Override
    public void beforeAccess(Entry e) {
        for (int i = Math.max(db, 0); i < pending.length; i++) {
            IdentitySet set = pending[i];
            if (set != null && set.size() > 0 && set.remove(e)) {
                deliver(i, e);
                return;
            }
        }
    }

    /** An open-addressing set of object identities with backward-shift deletion. */
    static final class IdentitySet {
        private Object[] table;
        private int mask;
        private int size;

        IdentitySet(int expected) {
            int cap = Integer.highestOneBit(Math.max(4, expected * 2 - 1)) << 1;
            table = new Object[cap];
            mask = cap - 1;
        }

        int size() {
            return size;
        }

        private int slot(Object o) {
            int h = System.identityHashCode(o) * 0x9E3779B9;
            return (h ^ (h >>> 16)) & mask;
        }

        void add(Object o) {
            int i = slot(o);
            while (table[i] != null) {
                if (table[i] == o) {
                    return;
                }
                i = (i + 1) & mask;
            }
            table[i] = o;
            size++;
        }

        boolean remove(Object o) {
            int i = slot(o);
            while (true) {
                Object cur = table[i];
                if (cur == null) {
                    return false;
                }
                if (cur == o) {
                    break;
                }
                i = (i + 1) & mask;
            }
            table[i] = null;
            size--;
            // Backward shift: move later members of the cluster into the hole when allowed.
            int hole = i;
            int j = (i + 1) & mask;
            while (table[j] != null) {
                int home = slot(table[j]);
                boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
                if (movable) {
                    table[hole] = table[j];
                    table[j] = null;
                    hole = j;
                }
                j = (j + 1) & mask;
            }
            return true;
        }
    }
}
