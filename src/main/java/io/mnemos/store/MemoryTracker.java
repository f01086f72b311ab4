package io.mnemos.store;

import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * Keeps {@code used_memory} right although collection commands change values in place: while a
 * command runs, every entry holding a typed value that a lookup hands out is remembered with the
 * cost it was accounted at; when the command ends {@link #settle()} adds the difference to its
 * database. Strings need no tracking: one changes only through {@link Database} (replaced, or
 * edited in place with {@link Database#editString}), which accounts for it directly.
 */
final class MemoryTracker {
    /** Beyond this many tracked entries, an identity index replaces the linear search. */
    private static final int LINEAR_LIMIT = 16;

    private Entry[] entries = new Entry[8];
    private Database[] dbs = new Database[8];
    private long[] before = new long[8];
    private int size;
    private IdentityHashMap<Entry, Integer> index;
    private int depth;

    /** A command starts: lookups are tracked until the matching {@link #settle()}. */
    void begin() {
        depth++;
    }

    boolean active() {
        return depth > 0;
    }

    int indexOf(Entry e) {
        if (size == 0) {
            return -1;
        }
        if (index != null) {
            Integer i = index.get(e);
            return i == null ? -1 : i;
        }
        for (int i = 0; i < size; i++) {
            if (entries[i] == e) {
                return i;
            }
        }
        return -1;
    }

    /** Remembers a typed entry at its current (accounted) cost, once per command. */
    void track(Database db, Entry e) {
        if (depth == 0 || !(e.value instanceof TypedValue) || indexOf(e) >= 0) {
            return;
        }
        if (size == entries.length) {
            int n = size * 2;
            entries = Arrays.copyOf(entries, n);
            dbs = Arrays.copyOf(dbs, n);
            before = Arrays.copyOf(before, n);
        }
        entries[size] = e;
        dbs[size] = db;
        before[size] = Database.cost(e);
        if (index != null) {
            index.put(e, size);
        } else if (size + 1 > LINEAR_LIMIT) {
            index = new IdentityHashMap<>();
            for (int i = 0; i <= size; i++) {
                index.put(entries[i], i);
            }
        }
        size++;
    }

    /** The cost an entry is accounted at: as tracked, or its current cost if not tracked. */
    long accounted(Entry e) {
        int i = indexOf(e);
        return i >= 0 ? before[i] : Database.cost(e);
    }

    boolean tracked(Entry e) {
        return indexOf(e) >= 0;
    }

    /** Forgets a removed entry (its accounted cost has been subtracted by the caller). */
    void forget(Entry e) {
        int i = indexOf(e);
        if (i >= 0) {
            removeAt(i);
        }
    }

    /** Forgets every entry of a flushed database. */
    void forgetAll(Database db) {
        for (int i = size - 1; i >= 0; i--) {
            if (dbs[i] == db) {
                removeAt(i);
            }
        }
    }

    private void removeAt(int i) {
        int last = --size;
        if (index != null) {
            index.remove(entries[i]);
        }
        if (i != last) {
            entries[i] = entries[last];
            dbs[i] = dbs[last];
            before[i] = before[last];
            if (index != null) {
                index.put(entries[i], i);
            }
        }
        entries[last] = null;
        dbs[last] = null;
    }

    /** The command ended: adds every tracked entry's change of cost to its database. */
    void settle() {
        for (int i = 0; i < size; i++) {
            dbs[i].account(Database.cost(entries[i]) - before[i]);
            entries[i] = null;
            dbs[i] = null;
        }
        size = 0;
        index = null;
        if (entries.length > 64) {
            entries = new Entry[8];
            dbs = new Database[8];
            before = new long[8];
        }
        if (depth > 0) {
            depth--;
        }
    }

    /** Settles without ending the command (before SWAPDB moves entries between databases). */
    void settleNow() {
        int d = depth;
        settle();
        depth = d;
    }
}
