package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A Redis hash with Redis's two encodings. "listpack": a flat array of field, value, field, value...
 * in insertion order (linear search, as the listpack). "hashtable": a chained table of small nodes
 * with a power-of-two bucket array, so HSCAN's reverse-binary cursor keeps Redis's guarantee across
 * resizes. The hash converts once it holds more than {@code hash-max-listpack-entries} fields or a
 * field or value longer than {@code hash-max-listpack-value} bytes, and never converts back.
 */
public final class HashValue implements TypedValue {
    /** Listpack encoding: field/value pairs; null once converted. */
    private byte[][] pairs;
    /** Hashtable encoding: buckets; null while a listpack. */
    private Node[] table;
    private int size;
    /** Sum of the lengths of all fields and values, kept for the O(1) memory estimate. */
    private long bytes;

    private static final class Node {
        final byte[] field;
        byte[] value;
        Node next;

        Node(byte[] field, byte[] value) {
            this.field = field;
            this.value = value;
        }
    }

    public HashValue() {
        pairs = new byte[4][];
    }

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return pairs != null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return pairs != null;
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue();
        if (pairs != null) {
            h.pairs = new byte[pairs.length][];
            for (int i = 0; i < size * 2; i++) {
                h.pairs[i] = pairs[i].clone();
            }
            h.size = size;
            h.bytes = bytes;
        } else {
            h.pairs = null;
            h.table = new Node[table.length];
            forEach((f, v) -> h.tablePut(f.clone(), v.clone()));
        }
        return h;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    // ------------------------------------------------------------ lookups

    private int lpIndex(byte[] field) {
        for (int i = 0; i < size * 2; i += 2) {
            if (Arrays.equals(pairs[i], field)) {
                return i;
            }
        }
        return -1;
    }

    private Node node(byte[] field) {
        for (Node n = table[KeyHash.hash(field) & (table.length - 1)]; n != null; n = n.next) {
            if (Arrays.equals(n.field, field)) {
                return n;
            }
        }
        return null;
    }

    public byte[] get(byte[] field) {
        if (pairs != null) {
            int i = lpIndex(field);
            return i < 0 ? null : pairs[i + 1];
        }
        Node n = node(field);
        return n == null ? null : n.value;
    }

    public boolean contains(byte[] field) {
        return get(field) != null;
    }

    // ------------------------------------------------------------ updates

    /**
     * Redis's hashTypeTryConversion: a listpack converts up front when any of the given arguments
     * is longer than {@code maxValue}.
     */
    public void convertIfLonger(long maxValue, byte[]... args) {
        if (pairs == null) {
            return;
        }
        for (byte[] a : args) {
            if (a.length > maxValue) {
                convert();
                return;
            }
        }
    }

    /**
     * Sets a field; returns true when the field is new. Converts to a hashtable when the field or
     * value is longer than {@code maxValue} or the hash grows past {@code maxEntries}.
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (pairs != null && (field.length > maxValue || value.length > maxValue)) {
            convert();
        }
        if (pairs != null) {
            int i = lpIndex(field);
            if (i >= 0) {
                bytes += value.length - pairs[i + 1].length;
                pairs[i + 1] = value;
                return false;
            }
            if (size * 2 + 2 > pairs.length) {
                pairs = Arrays.copyOf(pairs, Math.max(4, pairs.length * 2));
            }
            pairs[size * 2] = field;
            pairs[size * 2 + 1] = value;
            size++;
            bytes += field.length + value.length;
            if (size > maxEntries) {
                convert();
            }
            return true;
        }
        Node n = node(field);
        if (n != null) {
            bytes += value.length - n.value.length;
            n.value = value;
            return false;
        }
        tablePut(field, value);
        return true;
    }

    public boolean remove(byte[] field) {
        if (pairs != null) {
            int i = lpIndex(field);
            if (i < 0) {
                return false;
            }
            bytes -= pairs[i].length + pairs[i + 1].length;
            System.arraycopy(pairs, i + 2, pairs, i, size * 2 - i - 2);
            size--;
            pairs[size * 2] = null;
            pairs[size * 2 + 1] = null;
            if (pairs.length > 8 && size * 2 < pairs.length / 4) {
                pairs = Arrays.copyOf(pairs, pairs.length / 2);
            }
            return true;
        }
        int bucket = KeyHash.hash(field) & (table.length - 1);
        Node prev = null;
        for (Node n = table[bucket]; n != null; prev = n, n = n.next) {
            if (Arrays.equals(n.field, field)) {
                bytes -= n.field.length + n.value.length;
                if (prev == null) {
                    table[bucket] = n.next;
                } else {
                    prev.next = n.next;
                }
                size--;
                int target = HashTables.shrinkTo(table.length, size);
                if (target != 0) {
                    resize(target);
                }
                return true;
            }
        }
        return false;
    }

    private void convert() {
        byte[][] old = pairs;
        int n = size;
        pairs = null;
        table = new Node[HashTables.capacityFor(n)];
        size = 0;
        bytes = 0;
        for (int i = 0; i < n * 2; i += 2) {
            tablePut(old[i], old[i + 1]);
        }
    }

    private void tablePut(byte[] field, byte[] value) {
        if (size >= table.length) {
            resize(table.length * 2);
        }
        Node n = new Node(field, value);
        int bucket = KeyHash.hash(field) & (table.length - 1);
        n.next = table[bucket];
        table[bucket] = n;
        size++;
        bytes += field.length + value.length;
    }

    private void resize(int capacity) {
        Node[] fresh = new Node[capacity];
        int mask = capacity - 1;
        for (Node head : table) {
            Node n = head;
            while (n != null) {
                Node next = n.next;
                int bucket = KeyHash.hash(n.field) & mask;
                n.next = fresh[bucket];
                fresh[bucket] = n;
                n = next;
            }
        }
        table = fresh;
    }

    // ------------------------------------------------------------ iteration

    /** Visits every field and value (listpack: in insertion order). The visitor must not modify the hash. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        if (pairs != null) {
            for (int i = 0; i < size * 2; i += 2) {
                visitor.accept(pairs[i], pairs[i + 1]);
            }
            return;
        }
        for (Node head : table) {
            for (Node n = head; n != null; n = n.next) {
                visitor.accept(n.field, n.value);
            }
        }
    }

    /**
     * One HSCAN step over the hashtable encoding: visits the bucket the cursor names and returns the
     * next cursor (reverse-binary increment, 0 when done). A listpack is visited whole, returning 0.
     */
    public long scan(long cursor, BiConsumer<byte[], byte[]> visitor) {
        if (pairs != null) {
            forEach(visitor);
            return 0;
        }
        if (size == 0) {
            return 0;
        }
        for (Node n = table[ScanCursor.bucket(cursor, table.length)]; n != null; n = n.next) {
            visitor.accept(n.field, n.value);
        }
        return ScanCursor.next(cursor, table.length);
    }

    /** A random field index pair {field, value}, uniformly for a listpack, Redis-like for a table. */
    public byte[][] random() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (pairs != null) {
            int i = rnd.nextInt(size) * 2;
            return new byte[][]{pairs[i], pairs[i + 1]};
        }
        Node head;
        do {
            head = table[rnd.nextInt(table.length)];
        } while (head == null);
        int length = 0;
        for (Node n = head; n != null; n = n.next) {
            length++;
        }
        Node n = head;
        for (int i = rnd.nextInt(length); i > 0; i--) {
            n = n.next;
        }
        return new byte[][]{n.field, n.value};
    }

    /** All fields and values as a flat array field, value, field, value... */
    public byte[][] toArray() {
        byte[][] out = new byte[size * 2][];
        int[] k = {0};
        forEach((f, v) -> {
            out[k[0]++] = f;
            out[k[0]++] = v;
        });
        return out;
    }

    /**
     * O(1): this object (header, pairs, table, size, bytes = 32), the pair array or the bucket
     * array at its capacity plus one 24-byte node per field, and every field's and value's bytes.
     */
    @Override
    public long memoryUsage() {
        long arrays = MemoryModel.byteArrays(2L * size, bytes);
        if (pairs != null) {
            return 32 + MemoryModel.refArray(pairs.length) + arrays;
        }
        return 32 + MemoryModel.refArray(table.length) + 24L * size + arrays;
    }
}
