package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * An intrusive chained hash table of byte-array keys: the "hashtable" encoding of sets (plain
 * {@link Entry} objects) and the member index of skiplist sorted sets (the skiplist nodes themselves
 * are the entries, so a member costs one object and a score lookup one hop). Same shape as
 * {@link Dict}: power-of-two buckets so that SSCAN's reverse-binary cursor never misses a member
 * that stays in the table. Each entry keeps its key's hash, so a chain walk skips other keys without
 * touching their byte arrays (a cache miss each on big tables) and a resize does not rehash.
 */
public final class BytesMap<E extends BytesMap.Entry> {
    /** Heap bytes of a plain entry: header 12, key, hash, next 3x4 = 24. */
    public static final long ENTRY_BYTES = 24;

    /** One key; subclasses add what they carry per key. */
    public static class Entry {
        final byte[] key;
        final int hash;
        Entry next;

        public Entry(byte[] key) {
            this(key, KeyHash.hash(key));
        }

        Entry(byte[] key, int hash) {
            this.key = key;
            this.hash = hash;
        }

        /** For sentinels that are never in a table (a skiplist's header). */
        Entry() {
            this.key = null;
            this.hash = 0;
        }

        public final byte[] key() {
            return key;
        }
    }

    private Entry[] table = new Entry[HashTables.MIN_CAPACITY];
    private int size;
    /** Heap bytes of the key arrays, kept as keys come and go so that memoryUsage() is O(1). */
    private long keyBytes;

    public BytesMap() {
    }

    public BytesMap(int expected) {
        table = new Entry[HashTables.capacityFor(expected)];
    }

    public int size() {
        return size;
    }

    /** The bucket count, which follows Redis's dict sizing (see {@link HashTables}). */
    public int buckets() {
        return table.length;
    }

    /** Heap estimate: bucket array, one entry of {@code entryBytes} per key and the key arrays; O(1). */
    public long memoryUsage(long entryBytes) {
        return MemoryModel.refArray(table.length) + entryBytes * size + keyBytes;
    }

    public E get(byte[] key) {
        return find(key, KeyHash.hash(key));
    }

    @SuppressWarnings("unchecked")
    private E find(byte[] key, int hash) {
        for (Entry e = table[hash & (table.length - 1)]; e != null; e = e.next) {
            if (e.hash == hash && Arrays.equals(e.key, key)) {
                return (E) e;
            }
        }
        return null;
    }

    public boolean contains(byte[] key) {
        return get(key) != null;
    }

    /**
     * Set membership, for tables of plain entries: adds the key if absent, hashing it once and
     * allocating an entry only when it is new. As Redis's dictAdd, a full table grows first, even
     * for a key it already holds (MEMORY USAGE counts the buckets).
     */
    public static boolean addKey(BytesMap<Entry> map, byte[] key) {
        int hash = KeyHash.hash(key);
        if (map.find(key, hash) != null) {
            if (map.size >= map.table.length) {
                map.resize(map.table.length * 2);
            }
            return false;
        }
        map.insert(new Entry(key, hash));
        return true;
    }

    /** Adds an entry whose key the caller knows to be absent (after a failed {@link #get}). */
    public void insert(E entry) {
        if (size >= table.length) {
            resize(table.length * 2);
        }
        int bucket = entry.hash & (table.length - 1);
        entry.next = table[bucket];
        table[bucket] = entry;
        size++;
        keyBytes += MemoryModel.byteArray(entry.key.length);
    }

    @SuppressWarnings("unchecked")
    public E remove(byte[] key) {
        int hash = KeyHash.hash(key);
        int bucket = hash & (table.length - 1);
        Entry prev = null;
        for (Entry e = table[bucket]; e != null; prev = e, e = e.next) {
            if (e.hash == hash && Arrays.equals(e.key, key)) {
                if (prev == null) {
                    table[bucket] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                size--;
                keyBytes -= MemoryModel.byteArray(e.key.length);
                int target = HashTables.shrinkTo(table.length, size);
                if (target != 0) {
                    resize(target);
                }
                return (E) e;
            }
        }
        return null;
    }

    /** A random entry: a random non-empty bucket, then a random link of its chain (dictGetRandomKey). */
    @SuppressWarnings("unchecked")
    public E random() {
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
        return (E) e;
    }

    /** One step of dictScan: visits a bucket and returns the next cursor, 0 at the end. */
    @SuppressWarnings("unchecked")
    public long scan(long cursor, Consumer<? super E> visitor) {
        if (size == 0) {
            return 0;
        }
        for (Entry e = table[ScanCursor.bucket(cursor, table.length)]; e != null; ) {
            Entry next = e.next;
            visitor.accept((E) e);
            e = next;
        }
        return ScanCursor.next(cursor, table.length);
    }

    /** Visits every entry; the visitor must not modify the table. */
    @SuppressWarnings("unchecked")
    public void forEach(Consumer<? super E> visitor) {
        for (Entry head : table) {
            for (Entry e = head; e != null; e = e.next) {
                visitor.accept((E) e);
            }
        }
    }

    private void resize(int capacity) {
        Entry[] fresh = new Entry[capacity];
        int mask = capacity - 1;
        for (Entry head : table) {
            Entry e = head;
            while (e != null) {
                Entry next = e.next;
                int bucket = e.hash & mask;
                e.next = fresh[bucket];
                fresh[bucket] = e;
                e = next;
            }
        }
        table = fresh;
    }
}
