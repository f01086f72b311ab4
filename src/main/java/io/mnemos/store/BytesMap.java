package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A chained hash table of byte-array keys with an optional value per key, the "hashtable" encoding
 * of sets (no values) and the member index of skiplist sorted sets (value = skiplist node). Same
 * shape as {@link Dict}: power-of-two buckets so that SSCAN's reverse-binary cursor never misses a
 * member that stays in the table, and one small node per key.
 */
public final class BytesMap<V> {
    private static final int MIN_CAPACITY = 4;

    /** One key; {@code value} is null for sets. */
    public static final class Node<V> {
        final byte[] key;
        V value;
        Node<V> next;

        Node(byte[] key, V value) {
            this.key = key;
            this.value = value;
        }

        public byte[] key() {
            return key;
        }

        public V value() {
            return value;
        }

        public void value(V v) {
            this.value = v;
        }
    }

    @SuppressWarnings("unchecked")
    private Node<V>[] table = new Node[MIN_CAPACITY];
    private int size;
    /** Heap bytes of the key arrays, kept as keys come and go so that memoryUsage() is O(1). */
    private long keyBytes;

    public BytesMap() {
    }

    @SuppressWarnings("unchecked")
    public BytesMap(int expected) {
        int cap = MIN_CAPACITY;
        while (cap < expected) {
            cap <<= 1;
        }
        table = new Node[cap];
    }

    public int size() {
        return size;
    }

    /** Heap estimate: bucket array, one 24-byte node per key and the key arrays; O(1). */
    public long memoryUsage() {
        return MemoryModel.refArray(table.length) + 24L * size + keyBytes;
    }

    public Node<V> get(byte[] key) {
        for (Node<V> e = table[KeyHash.hash(key) & (table.length - 1)]; e != null; e = e.next) {
            if (Arrays.equals(e.key, key)) {
                return e;
            }
        }
        return null;
    }

    public boolean contains(byte[] key) {
        return get(key) != null;
    }

    /** Adds the key if absent; returns false (and changes nothing) if it was present. */
    public boolean add(byte[] key, V value) {
        if (get(key) != null) {
            return false;
        }
        if (size >= table.length) {
            resize(table.length * 2);
        }
        Node<V> e = new Node<>(key, value);
        int bucket = KeyHash.hash(key) & (table.length - 1);
        e.next = table[bucket];
        table[bucket] = e;
        size++;
        keyBytes += MemoryModel.byteArray(key.length);
        return true;
    }

    public Node<V> remove(byte[] key) {
        int bucket = KeyHash.hash(key) & (table.length - 1);
        Node<V> prev = null;
        for (Node<V> e = table[bucket]; e != null; prev = e, e = e.next) {
            if (Arrays.equals(e.key, key)) {
                if (prev == null) {
                    table[bucket] = e.next;
                } else {
                    prev.next = e.next;
                }
                e.next = null;
                size--;
                keyBytes -= MemoryModel.byteArray(e.key.length);
                maybeShrink();
                return e;
            }
        }
        return null;
    }

    /** A random node: a random non-empty bucket, then a random link of its chain (dictGetRandomKey). */
    public Node<V> random() {
        if (size == 0) {
            return null;
        }
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        Node<V> head;
        do {
            head = table[rnd.nextInt(table.length)];
        } while (head == null);
        int length = 0;
        for (Node<V> e = head; e != null; e = e.next) {
            length++;
        }
        Node<V> e = head;
        for (int i = rnd.nextInt(length); i > 0; i--) {
            e = e.next;
        }
        return e;
    }

    /** One step of dictScan: visits a bucket and returns the next cursor, 0 at the end. */
    public long scan(long cursor, Consumer<Node<V>> visitor) {
        if (size == 0) {
            return 0;
        }
        long mask = table.length - 1;
        for (Node<V> e = table[(int) (cursor & mask)]; e != null; ) {
            Node<V> next = e.next;
            visitor.accept(e);
            e = next;
        }
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        return Long.reverse(cursor);
    }

    /** Visits every node; the visitor must not modify the table. */
    public void forEach(Consumer<Node<V>> visitor) {
        for (Node<V> head : table) {
            for (Node<V> e = head; e != null; e = e.next) {
                visitor.accept(e);
            }
        }
    }

    private void maybeShrink() {
        if (table.length > MIN_CAPACITY && size * 10L < table.length) {
            int target = MIN_CAPACITY;
            while (target < size) {
                target <<= 1;
            }
            resize(target);
        }
    }

    @SuppressWarnings("unchecked")
    private void resize(int capacity) {
        Node<V>[] fresh = new Node[capacity];
        int mask = capacity - 1;
        for (Node<V> head : table) {
            Node<V> e = head;
            while (e != null) {
                Node<V> next = e.next;
                int bucket = KeyHash.hash(e.key) & mask;
                e.next = fresh[bucket];
                fresh[bucket] = e;
                e = next;
            }
        }
        table = fresh;
    }
}
