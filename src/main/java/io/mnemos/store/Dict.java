package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Chained hash table of byte-array keys with a power-of-two bucket array, the shape Redis's dict
 * uses. The power-of-two size is what makes the reverse-binary SCAN cursor work: a key present for
 * the whole scan is returned even if the table grows or shrinks between calls.
 */
public final class Dict {
    private Entry[] table;
    /** Told of every change of the bucket array's size. */
    private final MemoryTotal total;
    private int size;
    /**
     * The last key found and its entry. A request looks its key up twice (the dispatcher's type
     * check, then the handler) with the same argv array, so the second lookup is an identity
     * compare instead of a hash and a chain walk. Only hits are remembered; every method that
     * unlinks an entry must call {@link #forgetLast()}.
     */
    private byte[] lastKey;
    private Entry lastEntry;

    Dict(MemoryTotal total) {
        this.total = total;
        table = new Entry[HashTables.MIN_CAPACITY];
        total.bytes += MemoryModel.refArray(table.length);
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return table.length;
    }

    public Entry get(byte[] key) {
        if (key == lastKey) {
            return lastEntry;
        }
        Entry e = table[KeyHash.hash(key) & (table.length - 1)];
        while (e != null) {
            if (Arrays.equals(e.key, key)) {
                lastKey = key;
                lastEntry = e;
                return e;
            }
            e = e.next;
        }
        return null;
    }

    /** Adds a new entry; the caller has checked that the key is absent. */
    public Entry add(byte[] key, Object value) {
        if (size >= table.length) {
            resize(table.length * 2);
        }
        Entry e = new Entry(key, value);
        link(KeyHash.hash(key) & (table.length - 1), e);
        return e;
    }

    /**
     * Links in an entry made off the keyspace thread ({@link LoadBatch}) unless its key is
     * present; {@code hash} is the key's {@link KeyHash}, computed there too. False when the key
     * was there.
     */
    boolean linkIfAbsent(Entry entry, int hash) {
        if (size >= table.length) {
            resize(table.length * 2);
        }
        int bucket = hash & (table.length - 1);
        for (Entry e = table[bucket]; e != null; e = e.next) {
            if (Arrays.equals(e.key, entry.key)) {
                return false;
            }
        }
        link(bucket, entry);
        return true;
    }

    private void link(int bucket, Entry e) {
        e.next = table[bucket];
        table[bucket] = e;
        size++;
    }

    /**
     * Grows the bucket array to hold {@code expected} entries (never shrinks it), as Redis's
     * dictExpand for the RESIZEDB hint of a dump: the table is rehashed once, while it is still
     * small, instead of at every doubling on the way to its final size.
     */
    public void reserve(int expected) {
        int capacity = HashTables.capacityFor(expected);
        if (capacity > table.length) {
            resize(capacity);
        }
    }

    public Entry remove(byte[] key) {
        int bucket = KeyHash.hash(key) & (table.length - 1);
        Entry prev = null;
        for (Entry e = table[bucket]; e != null; prev = e, e = e.next) {
            if (Arrays.equals(e.key, key)) {
                forgetLast();
                if (prev == null) {
                    table[bucket] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                size--;
                maybeShrink();
                return e;
            }
        }
        return null;
    }

    /** Gives the bucket array's bytes back to the total: the dictionary is no longer used. */
    void discard() {
        total.bytes -= MemoryModel.refArray(table.length);
        table = null;
    }

    /** A random entry, picked as Redis does: a random non-empty bucket, then a random chain link. */
    public Entry random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Entry head;
        do {
            head = table[rnd.nextInt(table.length)];
        } while (head == null);
        int length = 0;
        for (Entry e = head; e != null; e = e.next) {
            length++;
        }
        Entry e = head;
        for (int i = rnd.nextInt(length); i > 0; i--) {
            e = e.next;
        }
        return e;
    }

    /**
     * Visits the bucket the cursor names and returns the next cursor (0 when the scan is done),
     * incrementing the cursor's reversed bits so that resizes never skip a bucket.
     */
    public long scan(long cursor, Consumer<Entry> visitor) {
        if (size == 0) {
            return 0;
        }
        for (Entry e = table[ScanCursor.bucket(cursor, table.length)]; e != null; ) {
            Entry next = e.next;
            visitor.accept(e);
            e = next;
        }
        return ScanCursor.next(cursor, table.length);
    }

    /** Visits every entry; the visitor must not modify the table. */
    public void forEach(Consumer<Entry> visitor) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                visitor.accept(e);
            }
        }
    }

    private void forgetLast() {
        lastKey = null;
        lastEntry = null;
    }

    private void maybeShrink() {
        int target = HashTables.shrinkTo(table.length, size);
        if (target != 0) {
            resize(target);
        }
    }

    private void resize(int capacity) {
        Entry[] old = table;
        Entry[] fresh = new Entry[capacity];
        int mask = capacity - 1;
        for (Entry head : old) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int bucket = KeyHash.hash(e.key) & mask;
                e.next = fresh[bucket];
                fresh[bucket] = e;
                e = next;
            }
        }
        table = fresh;
        total.bytes += MemoryModel.refArray(capacity) - MemoryModel.refArray(old.length);
    }
}
