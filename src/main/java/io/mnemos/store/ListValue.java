package io.mnemos.store;

import java.util.Arrays;

/**
 * A Redis list: a ring buffer of byte-array elements, so both ends push and pop in O(1) and any
 * index is reached in O(1). One reference per element and no node objects (Redis's quicklist keeps
 * packed listpack nodes; the per-element cost here is the array slot plus the element's own bytes).
 *
 * <p>Redis 7.0 always reports the "quicklist" encoding for lists (listpack-encoded lists arrived in
 * 7.2), so {@link #encoding()} does too, whatever the size.
 */
public final class ListValue implements TypedValue {
    private static final byte[][] EMPTY = new byte[0][];

    private byte[][] items;
    private int head;
    private int size;
    /** Sum of the elements' lengths, kept for memory estimates. */
    private long bytes;

    public ListValue() {
        items = EMPTY;
    }

    private ListValue(byte[][] items, int size, long bytes) {
        this.items = items;
        this.size = size;
        this.bytes = bytes;
    }

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return "quicklist";
    }

    @Override
    public ListValue copy() {
        byte[][] a = new byte[size][];
        for (int i = 0; i < size; i++) {
            a[i] = get(i).clone();
        }
        return new ListValue(a, size, bytes);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Total bytes of the elements. */
    public long bytes() {
        return bytes;
    }

    private int slot(int index) {
        int s = head + index;
        return s >= items.length ? s - items.length : s;
    }

    public byte[] get(int index) {
        return items[slot(index)];
    }

    public void set(int index, byte[] value) {
        int s = slot(index);
        bytes += value.length - items[s].length;
        items[s] = value;
    }

    private void grow() {
        if (size < items.length) {
            return;
        }
        int capacity = items.length == 0 ? 4 : items.length + (items.length >> 1) + 1;
        byte[][] a = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            a[i] = items[slot(i)];
        }
        items = a;
        head = 0;
    }

    private void maybeShrink() {
        if (size == 0) {
            items = EMPTY;
            head = 0;
        } else if (items.length > 16 && size < items.length / 4) {
            byte[][] a = new byte[size * 2][];
            for (int i = 0; i < size; i++) {
                a[i] = items[slot(i)];
            }
            items = a;
            head = 0;
        }
    }

    public void pushHead(byte[] value) {
        grow();
        head = head == 0 ? items.length - 1 : head - 1;
        items[head] = value;
        size++;
        bytes += value.length;
    }

    public void pushTail(byte[] value) {
        grow();
        items[slot(size)] = value;
        size++;
        bytes += value.length;
    }

    public void push(byte[] value, boolean toHead) {
        if (toHead) {
            pushHead(value);
        } else {
            pushTail(value);
        }
    }

    public byte[] popHead() {
        byte[] v = items[head];
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        size--;
        bytes -= v.length;
        maybeShrink();
        return v;
    }

    public byte[] popTail() {
        int s = slot(size - 1);
        byte[] v = items[s];
        items[s] = null;
        size--;
        bytes -= v.length;
        maybeShrink();
        return v;
    }

    public byte[] pop(boolean fromHead) {
        return fromHead ? popHead() : popTail();
    }

    /** Inserts so that the new element ends up at {@code index} (0..size). */
    public void insert(int index, byte[] value) {
        if (index == 0) {
            pushHead(value);
            return;
        }
        if (index == size) {
            pushTail(value);
            return;
        }
        grow();
        // Shift the tail part one slot to the right.
        for (int i = size; i > index; i--) {
            items[slot(i)] = items[slot(i - 1)];
        }
        items[slot(index)] = value;
        size++;
        bytes += value.length;
    }

    /** Index of the first element equal to value, scanning from the head, or -1. */
    public int indexOf(byte[] value) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Removes up to {@code limit} elements equal to value (all when limit is 0), scanning from the
     * head or from the tail; returns how many were removed.
     */
    public int removeMatching(byte[] value, long limit, boolean fromHead) {
        boolean[] drop = new boolean[size];
        int removed = 0;
        for (int k = 0; k < size && (limit == 0 || removed < limit); k++) {
            int i = fromHead ? k : size - 1 - k;
            if (Arrays.equals(get(i), value)) {
                drop[i] = true;
                removed++;
            }
        }
        if (removed == 0) {
            return 0;
        }
        byte[][] a = new byte[Math.max(4, size - removed)][];
        int n = 0;
        long b = 0;
        for (int i = 0; i < size; i++) {
            if (!drop[i]) {
                byte[] v = get(i);
                a[n++] = v;
                b += v.length;
            }
        }
        items = n == 0 ? EMPTY : a;
        head = 0;
        size = n;
        bytes = b;
        return removed;
    }

    /** Keeps the elements from {@code start} to {@code end} inclusive (a valid, non-empty range). */
    public void keepRange(int start, int end) {
        int n = end - start + 1;
        byte[][] a = new byte[n][];
        long b = 0;
        for (int i = 0; i < n; i++) {
            a[i] = get(start + i);
            b += a[i].length;
        }
        items = a;
        head = 0;
        size = n;
        bytes = b;
    }

    /**
     * O(1): this object (header, items, head, size, bytes = 32), the slot array at its capacity and
     * every element's byte array.
     */
    @Override
    public long memoryUsage() {
        return 32 + MemoryModel.refArray(items.length) + MemoryModel.byteArrays(size, bytes);
    }
}
