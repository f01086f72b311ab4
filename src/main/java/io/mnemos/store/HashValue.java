package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;

/**
 * A Redis hash with Redis's two encodings. "listpack": every field and value packed end to end in
 * one byte array ({@link Listpack} entries: field, value, field, value... in insertion order; linear
 * search, as Redis's listpack), so a small hash is one object plus one array. "hashtable": a
 * {@link BytesMap} of field entries carrying their value (power-of-two buckets, so HSCAN's
 * reverse-binary cursor keeps Redis's guarantee across resizes; stored hashes, so a lookup skips
 * other fields of its bucket without reading their bytes). The hash converts once it holds more than
 * {@code hash-max-listpack-entries} fields or a field or value longer than
 * {@code hash-max-listpack-value} bytes, and never converts back.
 */
public final class HashValue implements TypedValue {
    /** Listpack encoding: the packed entries (the first {@link #lpUsed} bytes); null once converted. */
    private byte[] lp;
    private int lpUsed;
    /** Listpack encoding: the number of fields. */
    private int size;
    /** Hashtable encoding: the fields; null while a listpack. */
    private BytesMap<Field> table;
    /** Hashtable encoding: sum of the lengths of all values, for the O(1) memory estimate. */
    private long valueBytes;

    /** A field of the hashtable encoding and its value. */
    private static final class Field extends BytesMap.Entry {
        /** Header 12, key, hash, next, value, valueLength 5x4 = 32. */
        static final long BYTES = 32;

        byte[] value;
        /**
         * The value's length, so that replacing the value (HSET on an existing field) keeps the
         * memory estimate without reading the old array, a cache miss on a big hash; it fills the
         * entry's alignment padding.
         */
        int valueLength;

        Field(byte[] field, byte[] value) {
            super(field);
            this.value = value;
            this.valueLength = value.length;
        }
    }

    public HashValue() {
        lp = Listpack.EMPTY;
    }

    @Override
    public ValueType type() {
        return ValueType.HASH;
    }

    @Override
    public String encoding() {
        return lp != null ? "listpack" : "hashtable";
    }

    public boolean isListpack() {
        return lp != null;
    }

    /** The hashtable's bucket count, as Redis's dict would have it (0 for a listpack). */
    public int buckets() {
        return lp != null ? 0 : table.buckets();
    }

    @Override
    public HashValue copy() {
        HashValue h = new HashValue();
        if (lp != null) {
            h.lp = Arrays.copyOf(lp, lpUsed);
            h.lpUsed = lpUsed;
            h.size = size;
        } else {
            h.lp = null;
            h.table = new BytesMap<>(table.size());
            forEach((f, v) -> h.tablePut(f.clone(), v.clone()));
        }
        return h;
    }

    public int size() {
        return lp != null ? size : table.size();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    // ------------------------------------------------------------ lookups

    /** The offset of the field entry equal to the encoded field, or -1. */
    private int lpFind(byte[] encodedField) {
        byte[] a = lp;
        int n = encodedField.length;
        int p = 0;
        while (p < lpUsed) {
            int fs = Listpack.entrySize(a, p);
            if (fs == n && Arrays.equals(a, p, p + n, encodedField, 0, n)) {
                return p;
            }
            p += fs;
            p += Listpack.entrySize(a, p);
        }
        return -1;
    }

    public byte[] get(byte[] field) {
        if (lp != null) {
            int p = lpFind(Listpack.encode(field));
            return p < 0 ? null : Listpack.decode(lp, p + Listpack.entrySize(lp, p));
        }
        Field n = table.get(field);
        return n == null ? null : n.value;
    }

    public boolean contains(byte[] field) {
        if (lp != null) {
            return lpFind(Listpack.encode(field)) >= 0;
        }
        return table.get(field) != null;
    }

    /** The length of a field's value, or -1 when the field is absent (HSTRLEN, without copying). */
    public int valueLength(byte[] field) {
        if (lp != null) {
            int p = lpFind(Listpack.encode(field));
            return p < 0 ? -1 : Listpack.stringLength(lp, p + Listpack.entrySize(lp, p));
        }
        Field n = table.get(field);
        return n == null ? -1 : n.value.length;
    }

    // ------------------------------------------------------------ updates

    /**
     * Redis's hashTypeTryConversion: a listpack converts up front when any of the given arguments
     * is longer than {@code maxValue}.
     */
    public void convertIfLonger(long maxValue, byte[]... args) {
        if (lp == null) {
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
     * value is longer than {@code maxValue} or the hash is longer than {@code maxEntries}.
     */
    public boolean set(byte[] field, byte[] value, long maxEntries, long maxValue) {
        if (lp != null && (field.length > maxValue || value.length > maxValue)) {
            convert();
        }
        if (lp != null) {
            byte[] encField = Listpack.encode(field);
            byte[] encValue = Listpack.encode(value);
            int p = lpFind(encField);
            if (p >= 0) {
                int vp = p + encField.length;
                int old = Listpack.entrySize(lp, vp);
                if (old == encValue.length) {
                    System.arraycopy(encValue, 0, lp, vp, old);
                } else {
                    lp = Listpack.splice(lp, lpUsed, vp, old, encValue, 0, encValue.length);
                    lpUsed += encValue.length - old;
                }
                // hashTypeSet checks the length after an update too: a hash left over a since
                // lowered hash-max-listpack-entries converts on its next write.
                if (size > maxEntries) {
                    convert();
                }
                return false;
            }
            int needed = lpUsed + encField.length + encValue.length;
            if (needed > lp.length) {
                lp = Arrays.copyOf(lp, Listpack.grownCapacity(needed));
            }
            System.arraycopy(encField, 0, lp, lpUsed, encField.length);
            System.arraycopy(encValue, 0, lp, lpUsed + encField.length, encValue.length);
            lpUsed = needed;
            size++;
            if (size > maxEntries) {
                convert();
            }
            return true;
        }
        Field n = table.get(field);
        if (n != null) {
            valueBytes += value.length - n.valueLength;
            n.value = value;
            n.valueLength = value.length;
            return false;
        }
        tablePut(field, value);
        return true;
    }

    public boolean remove(byte[] field) {
        if (lp != null) {
            int p = lpFind(Listpack.encode(field));
            if (p < 0) {
                return false;
            }
            int fs = Listpack.entrySize(lp, p);
            int len = fs + Listpack.entrySize(lp, p + fs);
            lp = Listpack.splice(lp, lpUsed, p, len, Listpack.EMPTY, 0, 0);
            lpUsed -= len;
            size--;
            if (size == 0) {
                lp = Listpack.EMPTY;
            }
            return true;
        }
        Field n = table.remove(field);
        if (n == null) {
            return false;
        }
        valueBytes -= n.valueLength;
        return true;
    }

    private void convert() {
        byte[] old = lp;
        int used = lpUsed;
        int n = size;
        lp = null;
        lpUsed = 0;
        table = new BytesMap<>(n);
        size = 0;
        valueBytes = 0;
        int p = 0;
        while (p < used) {
            byte[] f = Listpack.decode(old, p);
            p += Listpack.entrySize(old, p);
            byte[] v = Listpack.decode(old, p);
            p += Listpack.entrySize(old, p);
            tablePut(f, v);
        }
    }

    /** Adds a field known to be absent to the hashtable encoding. */
    private void tablePut(byte[] field, byte[] value) {
        table.insert(new Field(field, value));
        valueBytes += value.length;
    }

    // ------------------------------------------------------------ iteration

    /** Visits every field and value (listpack: in insertion order). The visitor must not modify the hash. */
    public void forEach(BiConsumer<byte[], byte[]> visitor) {
        if (lp != null) {
            byte[] a = lp;
            int used = lpUsed;
            int p = 0;
            while (p < used) {
                byte[] f = Listpack.decode(a, p);
                p += Listpack.entrySize(a, p);
                byte[] v = Listpack.decode(a, p);
                p += Listpack.entrySize(a, p);
                visitor.accept(f, v);
            }
            return;
        }
        table.forEach(n -> visitor.accept(n.key(), n.value));
    }

    /**
     * One HSCAN step over the hashtable encoding: visits the bucket the cursor names and returns the
     * next cursor (reverse-binary increment, 0 when done). A listpack is visited whole, returning 0.
     */
    public long scan(long cursor, BiConsumer<byte[], byte[]> visitor) {
        if (lp != null) {
            forEach(visitor);
            return 0;
        }
        return table.scan(cursor, n -> visitor.accept(n.key(), n.value));
    }

    /** A random field index pair {field, value}, uniformly for a listpack, Redis-like for a table. */
    public byte[][] random() {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (lp != null) {
            int p = 0;
            for (int i = rnd.nextInt(size) * 2; i > 0; i--) {
                p += Listpack.entrySize(lp, p);
            }
            byte[] f = Listpack.decode(lp, p);
            return new byte[][]{f, Listpack.decode(lp, p + Listpack.entrySize(lp, p))};
        }
        Field n = table.random();
        return new byte[][]{n.key(), n.value};
    }

    /** All fields and values as a flat array field, value, field, value... */
    public byte[][] toArray() {
        byte[][] out = new byte[size() * 2][];
        int[] k = {0};
        forEach((f, v) -> {
            out[k[0]++] = f;
            out[k[0]++] = v;
        });
        return out;
    }

    /**
     * O(1): this object (header 12, lp, table 2x4, lpUsed, size 2x4, valueBytes 8 = 36, aligned 40);
     * a listpack's byte array at its capacity, or the field table (buckets, one entry per field and
     * the fields' bytes) and every value's bytes.
     */
    @Override
    public long memoryUsage() {
        if (lp != null) {
            return 40 + (lp.length == 0 ? 0 : MemoryModel.byteArray(lp.length));
        }
        return 40 + table.memoryUsage(Field.BYTES) + MemoryModel.byteArrays(table.size(), valueBytes);
    }
}
