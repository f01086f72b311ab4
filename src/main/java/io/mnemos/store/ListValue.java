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
    /**
     * Redis 7.0 keeps a list as a quicklist of listpack nodes. While every insertion found room in
     * one node (quicklist's _quicklistNodeAllowInsert under list-max-listpack-size), Redis's list is
     * that single node, and this is its listpack's size in bytes, so RDB files and DUMP can write it
     * as Redis does. {@link #MULTI_NODE} once an insertion would have opened a second node: the
     * layout then depends on the whole history, and the list is written in the plain encoding.
     */
    private int nodeBytes = EMPTY_NODE;
    private static final int EMPTY_NODE = 7; // listpack header (6) and end byte
    private static final int MULTI_NODE = -1;

    /** quicklist's fill, fixed when the list is created as Redis's is (list-max-listpack-size then). */
    private final short fill;
    /**
     * {@link #nodes()} of a list that outgrew one node, kept until the list changes: laying the
     * nodes out walks every element, and MEMORY USAGE (redis-cli --memkeys) asks for it.
     */
    private Nodes layout;

    /** A list with Redis's default list-max-listpack-size (-2). */
    public ListValue() {
        this(-2);
    }

    /** @param fill list-max-listpack-size when the list is created, clamped as quicklistSetFill does */
    public ListValue(int fill) {
        items = EMPTY;
        this.fill = (short) Math.max(-5, Math.min(fill, (1 << 15) - 1));
    }

    private ListValue(byte[][] items, int size, long bytes, int nodeBytes, short fill) {
        this.items = items;
        this.size = size;
        this.bytes = bytes;
        this.nodeBytes = nodeBytes;
        this.fill = fill;
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
        return new ListValue(a, size, bytes, nodeBytes, fill);
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

    /** LSET: replaced in place; Redis 7.0 never splits a node for it. */
    public void set(int index, byte[] value) {
        layout = null;
        int s = slot(index);
        bytes += value.length - items[s].length;
        if (nodeBytes != MULTI_NODE) {
            nodeBytes += RedisListpack.entrySize(value) - RedisListpack.entrySize(items[s]);
        }
        items[s] = value;
    }

    /** Whether Redis would hold this list as one listpack node (see {@link #nodeBytes}). */
    public boolean singleNode() {
        return nodeBytes != MULTI_NODE && size > 0;
    }

    /** The quicklist fill the list was created with (list-max-listpack-size then, clamped). */
    public int fill() {
        return fill;
    }

    /** Quicklist nodes: each one's element count and listpack size in bytes. */
    public record Nodes(int[] counts, long[] bytes) {
        public int size() {
            return counts.length;
        }

        public long totalBytes() {
            long total = 0;
            for (long b : bytes) {
                total += b;
            }
            return total;
        }
    }

    /**
     * The quicklist nodes a save writes: the one node; for a list that outgrew it, the nodes RPUSHes
     * would have filled (Redis's very layout for a list built that way), and at least two, so that
     * loading the file keeps the list multi-node.
     */
    public Nodes nodes() {
        if (nodeBytes != MULTI_NODE) {
            return new Nodes(new int[]{size}, new long[]{nodeBytes});
        }
        if (layout == null) {
            layout = layOutNodes();
        }
        return layout;
    }

    private Nodes layOutNodes() {
        int[] counts = new int[Math.max(2, size)];
        long[] sizes = new long[counts.length];
        int nodes = 0;
        long nodeSize = EMPTY_NODE;
        int count = 0;
        for (int i = 0; i < size; i++) {
            byte[] e = get(i);
            int entry = RedisListpack.entrySize(e);
            boolean split = count > 0 && (!allowInsert(nodeSize, count, e.length, fill)
                    || nodes == 0 && i == size - 1); // the last element opens a second node at least
            if (split) {
                counts[nodes] = count;
                sizes[nodes++] = nodeSize;
                nodeSize = EMPTY_NODE;
                count = 0;
            }
            nodeSize += entry;
            count++;
        }
        counts[nodes] = count;
        sizes[nodes++] = nodeSize;
        return new Nodes(java.util.Arrays.copyOf(counts, nodes), java.util.Arrays.copyOf(sizes, nodes));
    }

    /**
     * quicklist's insertion rule for the node the element goes to: an empty list opens a node; a
     * single node takes the element if _quicklistNodeAllowInsert says so, else the list has more nodes.
     */
    private void noteInsert(byte[] value) {
        layout = null;
        if (size == 0) {
            nodeBytes = value.length >= PACKED_THRESHOLD ? MULTI_NODE : EMPTY_NODE + RedisListpack.entrySize(value);
        } else if (nodeBytes != MULTI_NODE) {
            nodeBytes = allowInsert(nodeBytes, size, value.length, fill)
                    ? nodeBytes + RedisListpack.entrySize(value) : MULTI_NODE;
        }
    }

    /** Elements from 1 GB up get a plain node of their own (packed_threshold). */
    private static final long PACKED_THRESHOLD = 1L << 30;
    /** optimization_level: the byte limits of fill -1 to -5. */
    private static final int[] OPTIMIZATION_LEVEL = {4096, 8192, 16384, 32768, 65536};
    private static final int SIZE_SAFETY_LIMIT = 8192;
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;

    /** _quicklistNodeAllowInsert. */
    private static boolean allowInsert(long nodeSize, int count, long length, int fill) {
        if (length >= PACKED_THRESHOLD) {
            return false;
        }
        long newSize = nodeSize + length + SIZE_ESTIMATE_OVERHEAD;
        if (fill < 0) {
            return newSize <= OPTIMIZATION_LEVEL[-fill - 1];
        }
        return newSize <= SIZE_SAFETY_LIMIT && count < fill;
    }

    private void noteRemoved(byte[] value) {
        layout = null;
        if (nodeBytes != MULTI_NODE) {
            nodeBytes -= RedisListpack.entrySize(value);
        }
    }

    /**
     * An element of a list read from an RDB quicklist: appended as loaded, without the insertion
     * rule; {@link #loadedNodes} then says how many nodes the file had.
     */
    public void appendLoaded(byte[] value) {
        layout = null;
        if (size == 0) {
            nodeBytes = EMPTY_NODE;
        }
        if (nodeBytes != MULTI_NODE) {
            nodeBytes += RedisListpack.entrySize(value);
        }
        append(value);
    }

    /** The number of quicklist nodes the loaded list had: more than one keeps it multi-node. */
    public void loadedNodes(int nodes) {
        layout = null;
        if (nodes > 1) {
            nodeBytes = MULTI_NODE;
        }
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
        noteInsert(value);
        grow();
        head = head == 0 ? items.length - 1 : head - 1;
        items[head] = value;
        size++;
        bytes += value.length;
    }

    public void pushTail(byte[] value) {
        noteInsert(value);
        append(value);
    }

    private void append(byte[] value) {
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
        noteRemoved(v);
        maybeShrink();
        return v;
    }

    public byte[] popTail() {
        int s = slot(size - 1);
        byte[] v = items[s];
        items[s] = null;
        size--;
        bytes -= v.length;
        noteRemoved(v);
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
        noteInsert(value);
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
            } else {
                noteRemoved(get(i));
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
        for (int i = 0; i < start; i++) {
            noteRemoved(get(i));
        }
        for (int i = end + 1; i < size; i++) {
            noteRemoved(get(i));
        }
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
     * O(1): this object (header 12, items, head, size, bytes, nodeBytes, fill, layout: 48 with
     * padding), the slot array at its capacity and every element's byte array.
     */
    @Override
    public long memoryUsage() {
        return 48 + MemoryModel.refArray(items.length) + MemoryModel.byteArrays(size, bytes);
    }
}
