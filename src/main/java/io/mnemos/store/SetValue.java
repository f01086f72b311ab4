package io.mnemos.store;

import io.mnemos.util.Numbers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * A Redis 7.0 set: "intset" (a sorted array of integers) while every member is a canonical integer
 * and there are at most set-max-intset-entries of them, "hashtable" otherwise. Redis 7.0 never
 * converts back from hashtable to intset, and neither does this class.
 */
public final class SetValue implements TypedValue {
    /** Intset members in ascending order, or null once the set is a hashtable. */
    private long[] ints;
    private int intCount;
    /**
     * The intset's integer width in bytes (2, 4 or 8): raised by a member that needs more, never
     * lowered (intsetUpgradeAndAdd), so RDB/DUMP blobs and MEMORY USAGE match Redis's.
     */
    private int intsetEncoding = 2;
    private BytesMap<BytesMap.Entry> table;

    private SetValue(boolean intset) {
        if (intset) {
            ints = new long[4];
        } else {
            table = new BytesMap<>();
        }
    }

    /** An empty intset-encoded set (createIntsetObject). */
    public static SetValue intset() {
        return new SetValue(true);
    }

    /** An empty hashtable-encoded set (createSetObject). */
    public static SetValue hashtable() {
        return new SetValue(false);
    }

    /** setTypeCreate: intset if the first member is an integer, hashtable otherwise. */
    public static SetValue createFor(byte[] firstMember) {
        return new SetValue(Numbers.string2ll(firstMember) != null);
    }

    @Override
    public ValueType type() {
        return ValueType.SET;
    }

    @Override
    public String encoding() {
        return ints != null ? "intset" : "hashtable";
    }

    public boolean isIntset() {
        return ints != null;
    }

    /** The intset's integer width in bytes (2, 4 or 8); meaningless for a hashtable. */
    public int intsetEncoding() {
        return intsetEncoding;
    }

    /** An intset loaded from a blob keeps the blob's width, which may exceed its members' needs. */
    public void widenIntset(int encoding) {
        intsetEncoding = Math.max(intsetEncoding, encoding);
    }

    /** The intset's members in ascending order. */
    public void forEachInt(java.util.function.LongConsumer visitor) {
        for (int i = 0; i < intCount; i++) {
            visitor.accept(ints[i]);
        }
    }

    @Override
    public SetValue copy() {
        SetValue c;
        if (ints != null) {
            c = intset();
            c.ints = Arrays.copyOf(ints, Math.max(4, intCount));
            c.intCount = intCount;
            c.intsetEncoding = intsetEncoding;
        } else {
            c = hashtable();
            BytesMap<BytesMap.Entry> t = new BytesMap<>(table.size());
            table.forEach(n -> t.insert(new BytesMap.Entry(n.key())));
            c.table = t;
        }
        return c;
    }

    public int size() {
        return ints != null ? intCount : table.size();
    }

    /** The hashtable's bucket count, as Redis's dict would have it (0 for an intset). */
    public int buckets() {
        return ints != null ? 0 : table.buckets();
    }

    /** Heap estimate for used_memory, O(1): the intset's long[] or the member table. */
    @Override
    public long memoryUsage() {
        return 24 + (ints != null ? MemoryModel.align(MemoryModel.ARRAY_HEADER + 8L * ints.length) : table.memoryUsage(BytesMap.ENTRY_BYTES));
    }

    /** setTypeAdd: adds a member, converting to a hashtable as Redis does. */
    public boolean add(byte[] member, int maxIntsetEntries) {
        if (ints != null) {
            Long v = Numbers.string2ll(member);
            if (v != null) {
                int pos = Arrays.binarySearch(ints, 0, intCount, v);
                if (pos >= 0) {
                    return false;
                }
                pos = -pos - 1;
                if (intCount == ints.length) {
                    ints = Arrays.copyOf(ints, ints.length * 2);
                }
                System.arraycopy(ints, pos, ints, pos + 1, intCount - pos);
                ints[pos] = v;
                intCount++;
                intsetEncoding = Math.max(intsetEncoding, v == (short) (long) v ? 2 : v == (int) (long) v ? 4 : 8);
                if (intCount > maxIntsetEntries) {
                    convertToHashtable();
                }
                return true;
            }
            convertToHashtable();
        }
        return BytesMap.addKey(table, member);
    }

    public boolean remove(byte[] member) {
        if (ints != null) {
            Long v = Numbers.string2ll(member);
            if (v == null) {
                return false;
            }
            int pos = Arrays.binarySearch(ints, 0, intCount, v);
            if (pos < 0) {
                return false;
            }
            System.arraycopy(ints, pos + 1, ints, pos, intCount - pos - 1);
            intCount--;
            return true;
        }
        return table.remove(member) != null;
    }

    public boolean contains(byte[] member) {
        if (ints != null) {
            Long v = Numbers.string2ll(member);
            return v != null && Arrays.binarySearch(ints, 0, intCount, v) >= 0;
        }
        return table.contains(member);
    }

    /** Every member in the set's iteration order: ascending for intsets, bucket order for tables. */
    public void forEach(Consumer<byte[]> visitor) {
        if (ints != null) {
            for (int i = 0; i < intCount; i++) {
                visitor.accept(Numbers.toBytes(ints[i]));
            }
        } else {
            table.forEach(n -> visitor.accept(n.key()));
        }
    }

    public List<byte[]> members() {
        List<byte[]> out = new ArrayList<>(size());
        forEach(out::add);
        return out;
    }

    /** A uniformly random member (intsetRandom / dictGetFairRandomKey), or null when empty. */
    public byte[] random() {
        if (ints != null) {
            return intCount == 0 ? null : Numbers.toBytes(ints[ThreadLocalRandom.current().nextInt(intCount)]);
        }
        BytesMap.Entry n = table.random();
        return n == null ? null : n.key();
    }

    /**
     * One SSCAN step. Intsets are returned whole with cursor 0, as Redis does for small encodings;
     * hashtables follow the dict's reverse-binary cursor.
     */
    public long scan(long cursor, Consumer<byte[]> visitor) {
        if (ints != null) {
            forEach(visitor);
            return 0;
        }
        return table.scan(cursor, n -> visitor.accept(n.key()));
    }

    private void convertToHashtable() {
        BytesMap<BytesMap.Entry> t = new BytesMap<>(intCount);
        for (int i = 0; i < intCount; i++) {
            t.insert(new BytesMap.Entry(Numbers.toBytes(ints[i])));
        }
        table = t;
        ints = null;
        intCount = 0;
    }
}
