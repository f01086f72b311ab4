package io.mnemos.store;

import java.util.Arrays;

/**
 * A Redis list: its elements packed into chunks, byte arrays of up to list-max-listpack-size bytes
 * (8 KB by default) each, as Redis packs a quicklist's listpack nodes. An element costs its bytes
 * plus its length written before and after it (one byte each below 128 bytes), where a byte array
 * per element cost 24 to 32 bytes more (array header, padding and the reference to it), and the
 * elements a push received are garbage at once instead of living as long as the list.
 *
 * <p>The length on both sides of an element lets either end of a chunk push and pop in O(1): a
 * chunk keeps its free room on the side it grows. An index is reached by walking the chunks and
 * then the elements of one chunk from the nearest end, as quicklist does, or from the element
 * found last: sequential reads (LRANGE, saves, LPOS) cost O(1) per element.
 *
 * <p>Redis 7.0 always reports the "quicklist" encoding for lists (listpack-encoded lists arrived in
 * 7.2), so {@link #encoding()} does too, whatever the size.
 */
public final class ListValue implements TypedValue {
    /** Reads element bytes in place: {@code length} bytes of {@code data} from {@code offset}. */
    @FunctionalInterface
    public interface ElementVisitor {
        void accept(byte[] data, int offset, int length);
    }

    /** A run of consecutive elements, packed in {@code data[start, end)}. */
    private static final class Chunk {
        byte[] data;
        int start;
        int end;
        int count;

        Chunk(byte[] data, int start, int end, int count) {
            this.data = data;
            this.start = start;
            this.end = end;
            this.count = count;
        }

        int used() {
            return end - start;
        }
    }

    private static final Chunk[] NO_CHUNKS = new Chunk[0];
    /** The smallest chunk array; a chunk grows through size classes up to its limit. */
    private static final int MIN_CHUNK_BYTES = 16;
    /** A chunk object: header, data reference and three ints. */
    private static final long CHUNK_OBJECT = 32;

    /** The chunks in order, in {@code chunks[first, first + chunkCount)}. */
    private Chunk[] chunks = NO_CHUNKS;
    private int first;
    private int chunkCount;
    private int size;
    /** Heap of the chunks' data arrays, kept for an O(1) memory estimate. */
    private long dataBytes;

    /** The element found last (chunk position, that chunk's first index, its index and offset); -1: none. */
    private int atChunk = -1;
    private int atChunkFirst;
    private int atIndex;
    private int atOffset;

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

    /**
     * quicklist's fill, fixed when the list is created as Redis's is (list-max-listpack-size then);
     * it bounds this list's chunks as it bounds Redis's nodes.
     */
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
        this.fill = (short) Math.max(-5, Math.min(fill, (1 << 15) - 1));
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
        ListValue l = new ListValue(fill);
        for (int c = 0; c < chunkCount; c++) {
            Chunk from = chunk(c);
            byte[] d = l.newData(from.used());
            System.arraycopy(from.data, from.start, d, 0, from.used());
            l.addChunk(c, new Chunk(d, 0, d.length, from.count));
        }
        l.size = size;
        l.nodeBytes = nodeBytes;
        return l;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Total bytes of the elements (walks them: nothing on the data path needs it). */
    public long bytes() {
        long total = 0;
        for (int c = 0; c < chunkCount; c++) {
            Chunk chunk = chunk(c);
            for (int p = chunk.start; p < chunk.end; p = next(chunk.data, p)) {
                total += readLength(chunk.data, p);
            }
        }
        return total;
    }

    /** A copy of the element at {@code index}. */
    public byte[] get(int index) {
        int p = seek(index);
        byte[] d = chunk(atChunk).data;
        int len = readLength(d, p);
        int from = p + lengthSize(len);
        return Arrays.copyOfRange(d, from, from + len);
    }

    /** Whether the element at {@code index} equals {@code value}. */
    public boolean elementEquals(int index, byte[] value) {
        int p = seek(index);
        byte[] d = chunk(atChunk).data;
        int len = readLength(d, p);
        int from = p + lengthSize(len);
        return Arrays.equals(d, from, from + len, value, 0, value.length);
    }

    /** Shows the {@code count} elements from {@code start} on to the visitor, in place and in order. */
    public void forEach(int start, int count, ElementVisitor visitor) {
        if (count <= 0) {
            return;
        }
        int p = seek(start);
        int c = atChunk;
        Chunk chunk = chunk(c);
        for (int n = 0; n < count; n++) {
            if (p == chunk.end) {
                chunk = chunk(++c);
                p = chunk.start;
            }
            int len = readLength(chunk.data, p);
            int header = lengthSize(len);
            visitor.accept(chunk.data, p + header, len);
            p += len + 2 * header;
        }
    }

    /** LSET: replaced in place; Redis 7.0 never splits a node for it. */
    public void set(int index, byte[] value) {
        layout = null;
        int p = seek(index);
        int c = atChunk;
        Chunk chunk = chunk(c);
        int oldLength = readLength(chunk.data, p);
        if (nodeBytes != MULTI_NODE) {
            int from = p + lengthSize(oldLength);
            nodeBytes += RedisListpack.entrySize(value)
                    - RedisListpack.entrySize(Arrays.copyOfRange(chunk.data, from, from + oldLength));
        }
        replaceEntry(chunk, p, entrySize(oldLength), value);
        splitIfOversized(c);
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
        append(value, 0, value.length);
    }

    /** The number of quicklist nodes the loaded list had: more than one keeps it multi-node. */
    public void loadedNodes(int nodes) {
        layout = null;
        if (nodes > 1) {
            nodeBytes = MULTI_NODE;
        }
    }

    // ---------------------------------------------------------------- pushes and pops

    public void pushHead(byte[] value) {
        noteInsert(value);
        atChunk = -1;
        int need = entrySize(value.length);
        Chunk c = chunkCount == 0 ? null : chunk(0);
        if (c == null || !roomFor(c, need)) {
            byte[] d = newData(capacityFor(need));
            c = new Chunk(d, d.length, d.length, 0);
            addChunk(0, c);
        } else if (c.start < need) {
            moveData(c, need, true);
        }
        c.start -= need;
        writeEntry(c.data, c.start, value);
        c.count++;
        size++;
    }

    public void pushTail(byte[] value) {
        noteInsert(value);
        append(value, 0, value.length);
    }

    /** Appends without the quicklist bookkeeping (loads, rebuilds). */
    private void append(byte[] value, int offset, int length) {
        atChunk = -1;
        int need = entrySize(length);
        Chunk c = chunkCount == 0 ? null : chunk(chunkCount - 1);
        if (c == null || !roomFor(c, need)) {
            c = new Chunk(newData(capacityFor(need)), 0, 0, 0);
            addChunk(chunkCount, c);
        } else if (c.data.length - c.end < need) {
            moveData(c, need, false);
        }
        c.end = writeEntry(c.data, c.end, value, offset, length);
        c.count++;
        size++;
    }

    public void push(byte[] value, boolean toHead) {
        if (toHead) {
            pushHead(value);
        } else {
            pushTail(value);
        }
    }

    public byte[] popHead() {
        atChunk = -1;
        Chunk c = chunk(0);
        int len = readLength(c.data, c.start);
        int from = c.start + lengthSize(len);
        byte[] v = Arrays.copyOfRange(c.data, from, from + len);
        c.start = from + len + lengthSize(len);
        removed(0);
        noteRemoved(v);
        return v;
    }

    public byte[] popTail() {
        atChunk = -1;
        int last = chunkCount - 1;
        Chunk c = chunk(last);
        int len = readLengthBefore(c.data, c.end);
        int from = c.end - lengthSize(len) - len;
        byte[] v = Arrays.copyOfRange(c.data, from, from + len);
        c.end = from - lengthSize(len);
        removed(last);
        noteRemoved(v);
        return v;
    }

    public byte[] pop(boolean fromHead) {
        return fromHead ? popHead() : popTail();
    }

    /** After an element left chunk {@code c}: drops or shrinks the chunk. */
    private void removed(int c) {
        Chunk chunk = chunk(c);
        chunk.count--;
        size--;
        if (chunk.count == 0) {
            removeChunk(c);
        } else if (chunk.data.length >= 4 * MIN_CHUNK_BYTES && chunk.used() <= chunk.data.length / 4) {
            // Halve the room a drained chunk holds, leaving free room on both sides.
            byte[] d = new byte[capacityFor(2 * chunk.used())];
            int at = (d.length - chunk.used()) / 2;
            System.arraycopy(chunk.data, chunk.start, d, at, chunk.used());
            chunk.end = at + chunk.used();
            chunk.start = at;
            setData(chunk, d);
        }
    }

    // ---------------------------------------------------------------- edits inside the list

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
        int p = seek(index);
        int c = atChunk;
        replaceEntry(chunk(c), p, 0, value);
        chunk(c).count++;
        size++;
        splitIfOversized(c);
    }

    /** Index of the first element equal to value, scanning from the head, or -1. */
    public int indexOf(byte[] value) {
        for (int i = 0; i < size; i++) {
            if (elementEquals(i, value)) {
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
            if (elementEquals(i, value)) {
                drop[i] = true;
                removed++;
            }
        }
        if (removed > 0) {
            keepOnly(drop, 0, size - 1);
        }
        return removed;
    }

    /** Keeps the elements from {@code start} to {@code end} inclusive (a valid, non-empty range). */
    public void keepRange(int start, int end) {
        keepOnly(null, start, end);
    }

    /** Repacks the list with the elements in [start, end] that {@code drop} does not mark. */
    private void keepOnly(boolean[] drop, int start, int end) {
        layout = null;
        Chunk[] old = chunks;
        int oldFirst = first;
        int oldCount = chunkCount;
        chunks = NO_CHUNKS;
        first = 0;
        chunkCount = 0;
        size = 0;
        dataBytes = 0;
        atChunk = -1;
        int i = 0;
        for (int c = oldFirst; c < oldFirst + oldCount; c++) {
            Chunk chunk = old[c];
            for (int p = chunk.start; p < chunk.end; i++) {
                int len = readLength(chunk.data, p);
                int from = p + lengthSize(len);
                if (i >= start && i <= end && (drop == null || !drop[i])) {
                    append(chunk.data, from, len);
                } else if (nodeBytes != MULTI_NODE) {
                    nodeBytes -= RedisListpack.entrySize(Arrays.copyOfRange(chunk.data, from, from + len));
                }
                p = from + len + lengthSize(len);
            }
        }
    }

    /**
     * Replaces the {@code oldSize} entry bytes at {@code p} of a chunk (0: inserts there) with the
     * entry of {@code value}, moving the bytes on the shorter side, or into a bigger array.
     */
    private void replaceEntry(Chunk c, int p, int oldSize, byte[] value) {
        atChunk = -1;
        int need = entrySize(value.length);
        int grow = need - oldSize;
        int after = p + oldSize;
        if (grow <= 0 || c.data.length - c.end >= grow) {
            System.arraycopy(c.data, after, c.data, p + need, c.end - after);
            c.end += grow;
            writeEntry(c.data, p, value);
        } else if (c.start >= grow) {
            System.arraycopy(c.data, c.start, c.data, c.start - grow, p - c.start);
            c.start -= grow;
            writeEntry(c.data, p - grow, value);
        } else {
            byte[] d = new byte[capacityFor(c.used() + grow)];
            int head = p - c.start;
            System.arraycopy(c.data, c.start, d, 0, head);
            writeEntry(d, head, value);
            System.arraycopy(c.data, after, d, head + need, c.end - after);
            c.end = c.used() + grow;
            c.start = 0;
            setData(c, d);
        }
    }

    /** An insertion or LSET may grow a chunk past its limit: it is split in two halves. */
    private void splitIfOversized(int c) {
        Chunk chunk = chunk(c);
        if (chunk.count < 2 || chunk.used() <= chunkLimit()) {
            return;
        }
        int keep = chunk.count / 2;
        int p = chunk.start;
        for (int k = 0; k < keep; k++) {
            p = next(chunk.data, p);
        }
        int rightBytes = chunk.end - p;
        byte[] right = newData(capacityFor(rightBytes));
        System.arraycopy(chunk.data, p, right, 0, rightBytes);
        byte[] left = new byte[capacityFor(p - chunk.start)];
        System.arraycopy(chunk.data, chunk.start, left, 0, p - chunk.start);
        addChunk(c + 1, new Chunk(right, 0, rightBytes, chunk.count - keep));
        chunk.end = p - chunk.start;
        chunk.start = 0;
        chunk.count = keep;
        setData(chunk, left);
    }

    // ---------------------------------------------------------------- finding an element

    /**
     * The offset of element {@code index}'s entry in its chunk, which becomes the element found
     * last: reached from the nearest of the list's ends and the element found before.
     */
    private int seek(int index) {
        int c;
        int cFirst;
        boolean fromLast = atChunk >= 0 && Math.abs(index - atIndex) < Math.min(index, size - 1 - index);
        if (fromLast) {
            c = atChunk;
            cFirst = atChunkFirst;
        } else if (index < size - index) {
            c = 0;
            cFirst = 0;
        } else {
            c = chunkCount - 1;
            cFirst = size - chunk(c).count;
        }
        while (index < cFirst) {
            cFirst -= chunk(--c).count;
        }
        while (index >= cFirst + chunk(c).count) {
            cFirst += chunk(c++).count;
        }
        Chunk chunk = chunk(c);
        int k = index - cFirst;
        int p;
        int fromAt = fromLast && c == atChunk ? k - (atIndex - cFirst) : Integer.MAX_VALUE;
        if (Math.abs(fromAt) < Math.min(k, chunk.count - k)) {
            p = atOffset;
            for (int step = fromAt; step > 0; step--) {
                p = next(chunk.data, p);
            }
            for (int step = fromAt; step < 0; step++) {
                p = prev(chunk.data, p);
            }
        } else if (k < chunk.count - k) {
            p = chunk.start;
            for (int step = 0; step < k; step++) {
                p = next(chunk.data, p);
            }
        } else {
            p = chunk.end;
            for (int step = chunk.count; step > k; step--) {
                p = prev(chunk.data, p);
            }
        }
        atChunk = c;
        atChunkFirst = cFirst;
        atIndex = index;
        atOffset = p;
        return p;
    }

    // ---------------------------------------------------------------- chunks

    private Chunk chunk(int c) {
        return chunks[first + c];
    }

    /** Whether a chunk at an end of the list takes another entry of {@code need} bytes. */
    private boolean roomFor(Chunk c, int need) {
        int used = c.used() + need;
        return fill < 0 ? used <= chunkLimit() : c.count < fill && used <= chunkLimit();
    }

    /** The bytes a chunk fills up to: list-max-listpack-size's limit (8 KB for a count). */
    private int chunkLimit() {
        return fill < 0 ? OPTIMIZATION_LEVEL[-fill - 1] : SIZE_SAFETY_LIMIT;
    }

    /**
     * The array size for {@code required} bytes: jemalloc's size class for it (four per doubling),
     * at most the chunk limit. Redis reallocates a listpack to its exact size on every insert and
     * gets that class; doubling left a quarter of every growing chunk empty on average (6.6 bytes
     * more than Redis per element of 100-element lists), for less copying that costs little here.
     */
    private int capacityFor(int required) {
        int limit = chunkLimit();
        if (required >= limit) {
            return required;
        }
        return (int) Math.min(limit, Math.max(MIN_CHUNK_BYTES, io.mnemos.util.Jemalloc.sizeClass(required)));
    }

    /** Makes {@code need} bytes of room before (toStart) or after a chunk's data. */
    private void moveData(Chunk c, int need, boolean toStart) {
        int used = c.used();
        byte[] d = used + need <= c.data.length ? c.data : new byte[capacityFor(used + need)];
        int at = toStart ? d.length - used : 0;
        System.arraycopy(c.data, c.start, d, at, used);
        c.start = at;
        c.end = at + used;
        setData(c, d);
    }

    private byte[] newData(int capacity) {
        dataBytes += MemoryModel.byteArray(capacity);
        return new byte[capacity];
    }

    private void setData(Chunk c, byte[] d) {
        dataBytes += MemoryModel.byteArray(d.length) - MemoryModel.byteArray(c.data.length);
        c.data = d;
    }

    /** Puts a new chunk at position {@code c} (0..chunkCount). */
    private void addChunk(int c, Chunk chunk) {
        if (chunkCount == 0) {
            if (chunks.length == 0) {
                chunks = new Chunk[1]; // most lists stay one chunk
            }
            first = chunks.length / 2;
        } else if (c == 0 && first > 0) {
            first--;
        } else if (c > 0 && first + chunkCount < chunks.length) {
            System.arraycopy(chunks, first + c, chunks, first + c + 1, chunkCount - c);
        } else {
            Chunk[] a = new Chunk[chunks.length * 2];
            int at = (a.length - chunkCount - 1) / 2;
            System.arraycopy(chunks, first, a, at, c);
            System.arraycopy(chunks, first + c, a, at + c + 1, chunkCount - c);
            chunks = a;
            first = at;
        }
        chunks[first + c] = chunk;
        chunkCount++;
    }

    private void removeChunk(int c) {
        dataBytes -= MemoryModel.byteArray(chunk(c).data.length);
        if (c == 0) {
            chunks[first++] = null;
        } else {
            System.arraycopy(chunks, first + c + 1, chunks, first + c, chunkCount - c - 1);
            chunks[first + chunkCount - 1] = null;
        }
        chunkCount--;
        if (chunkCount == 0) {
            chunks = NO_CHUNKS;
            first = 0;
        } else if (chunks.length > 16 && chunkCount < chunks.length / 4) {
            Chunk[] a = new Chunk[chunkCount * 2];
            int at = chunkCount / 2;
            System.arraycopy(chunks, first, a, at, chunkCount);
            chunks = a;
            first = at;
        }
    }

    // ---------------------------------------------------------------- the entry format

    /**
     * An entry is the element's length as a little-endian base-128 varint, its bytes, then the same
     * varint bytes in reverse order, so that it can be read from either end.
     */
    static int lengthSize(int length) {
        return length < 1 << 7 ? 1 : length < 1 << 14 ? 2 : length < 1 << 21 ? 3 : length < 1 << 28 ? 4 : 5;
    }

    static int entrySize(int length) {
        return length + 2 * lengthSize(length);
    }

    private static int writeEntry(byte[] d, int p, byte[] value) {
        return writeEntry(d, p, value, 0, value.length);
    }

    /** Writes the entry at {@code p}; returns where it ends. */
    private static int writeEntry(byte[] d, int p, byte[] value, int offset, int length) {
        int n = lengthSize(length);
        int last = p + 2 * n + length - 1;
        int x = length;
        for (int k = 0; k < n; k++) {
            byte b = (byte) ((x & 0x7f) | (k < n - 1 ? 0x80 : 0));
            d[p + k] = b;
            d[last - k] = b;
            x >>>= 7;
        }
        System.arraycopy(value, offset, d, p + n, length);
        return last + 1;
    }

    /** The length of the element whose entry starts at {@code p}. */
    private static int readLength(byte[] d, int p) {
        int b = d[p];
        if (b >= 0) {
            return b;
        }
        int length = b & 0x7f;
        int shift = 7;
        do {
            b = d[++p];
            length |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return length;
    }

    /** The length of the element whose entry ends just before {@code end}. */
    private static int readLengthBefore(byte[] d, int end) {
        int b = d[end - 1];
        if (b >= 0) {
            return b;
        }
        int length = b & 0x7f;
        int shift = 7;
        do {
            b = d[--end - 1];
            length |= (b & 0x7f) << shift;
            shift += 7;
        } while (b < 0);
        return length;
    }

    private static int next(byte[] d, int p) {
        return p + entrySize(readLength(d, p));
    }

    private static int prev(byte[] d, int end) {
        return end - entrySize(readLengthBefore(d, end));
    }

    /** For tests: the kept counts and sizes agree with the chunks, and no chunk is empty. */
    void checkInvariants() {
        int elements = 0;
        long arrays = 0;
        for (int c = 0; c < chunkCount; c++) {
            Chunk chunk = chunk(c);
            int n = 0;
            for (int p = chunk.start; p < chunk.end; p = next(chunk.data, p)) {
                if (readLength(chunk.data, p) != readLengthBefore(chunk.data, next(chunk.data, p))) {
                    throw new AssertionError("entry lengths differ at " + p + " in chunk " + c);
                }
                n++;
            }
            if (n != chunk.count || n == 0) {
                throw new AssertionError("chunk " + c + " holds " + n + ", counted " + chunk.count);
            }
            elements += n;
            arrays += MemoryModel.byteArray(chunk.data.length);
        }
        if (elements != size || arrays != dataBytes) {
            throw new AssertionError("size " + size + "/" + elements + ", data " + dataBytes + "/" + arrays);
        }
    }

    /**
     * O(1): this object (header and fields: 64 with padding), the chunk array, per chunk its object
     * and data array (kept as the arrays change).
     */
    @Override
    public long memoryUsage() {
        return 64 + MemoryModel.refArray(chunks.length) + chunkCount * CHUNK_OBJECT + dataBytes;
    }
}
