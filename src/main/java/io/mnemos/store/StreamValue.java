package io.mnemos.store;

import io.mnemos.util.Jemalloc;

import java.util.Map;
import java.util.TreeMap;

/**
 * A stream, laid out as Redis 7.0's (t_stream.c, stream.h): an ordered map of nodes keyed by
 * their master ID (Redis's rax of 128-bit big-endian IDs), each node a {@link RedisListpack}
 * holding a master entry and the entries delta-encoded against it, plus length, last_id,
 * first_id, max_deleted_entry_id and entries_added. Keeping Redis's exact node layout makes DUMP
 * payloads, RDB files and DEBUG DIGEST match Redis's byte for byte.
 *
 * <p>A node's listpack: {@code count deleted num-fields field_1 .. field_N 0}, the master entry
 * (count and deleted being the node's valid and tombstoned entries), then per entry
 * {@code flags ms-diff seq-diff [num-fields field_1] value_1 .. [field_N] value_N lp-count}, with
 * the fields left out when the SAMEFIELDS flag says they are the master's; lp-count lets the
 * entries be walked backwards.
 */
public final class StreamValue implements TypedValue {
    static final int FLAG_DELETED = 1;
    static final int FLAG_SAMEFIELDS = 2;
    /** STREAM_LISTPACK_MAX_SIZE: no node grows past 1 GB whatever stream-node-max-bytes says. */
    private static final long LISTPACK_MAX_SIZE = 1L << 30;
    /** STREAM_LISTPACK_MAX_PRE_ALLOCATE: a new node starts with room for this many bytes. */
    private static final int MAX_PRE_ALLOCATE = 4096;

    /** One node: its listpack, replaced whenever an append or a replace reallocates it. */
    static final class Node {
        byte[] lp;
        /** lpBytes when last stored. */
        int bytes;
        /**
         * zmalloc_size of Redis's listpack: what lpNew preallocated, or for a node loaded or copied
         * its size; lpInsert reallocates to the exact size when the listpack outgrows it or shrinks.
         */
        long allocation;

        Node(byte[] lp, long preallocated) {
            this.lp = lp;
            this.bytes = RedisListpack.bytes(lp);
            this.allocation = Jemalloc.sizeClass(Math.max(preallocated, bytes));
        }
    }

    private final TreeMap<StreamId, Node> nodes = new TreeMap<>();
    private long length;
    private StreamId lastId = StreamId.MIN;
    private StreamId firstId = StreamId.MIN;
    private StreamId maxDeletedId = StreamId.MIN;
    private long entriesAdded;
    /** Sum of the nodes' array lengths, for the O(1) memory estimate. */
    private long nodeBytes;
    /** Consumer groups by name, created on demand as Redis's s->cgroups. */
    private TreeMap<byte[], StreamGroup> groups;

    @Override
    public ValueType type() {
        return ValueType.STREAM;
    }

    @Override
    public String encoding() {
        return "stream";
    }

    public long length() {
        return length;
    }

    public StreamId lastId() {
        return lastId;
    }

    public StreamId firstId() {
        return firstId;
    }

    public StreamId maxDeletedId() {
        return maxDeletedId;
    }

    public long entriesAdded() {
        return entriesAdded;
    }

    public int nodeCount() {
        return nodes.size();
    }

    /** The nodes in order, master ID to exact listpack bytes (RDB, DUMP, DEBUG DIGEST). */
    public Map<StreamId, byte[]> nodes() {
        TreeMap<StreamId, byte[]> out = new TreeMap<>();
        for (Map.Entry<StreamId, Node> e : nodes.entrySet()) {
            out.put(e.getKey(), RedisListpack.shrinkToFit(e.getValue().lp));
        }
        return out;
    }

    /** XSETID and RDB loading: the stream's metadata as given (the caller has validated it). */
    public void setMetadata(StreamId lastId, StreamId firstId, StreamId maxDeletedId, long entriesAdded) {
        this.lastId = lastId;
        this.firstId = firstId;
        this.maxDeletedId = maxDeletedId;
        this.entriesAdded = entriesAdded;
    }

    public void setLastId(StreamId id) {
        lastId = id;
    }

    public void setEntriesAdded(long n) {
        entriesAdded = n;
    }

    public void setMaxDeletedId(StreamId id) {
        maxDeletedId = id;
    }

    /** RDB loading (and copies): a node as stored; false when one with that master ID exists. */
    public boolean loadNode(StreamId master, byte[] lp) {
        if (nodes.putIfAbsent(master, new Node(lp, 0)) != null) {
            return false;
        }
        nodeBytes += lp.length;
        return true;
    }

    /** RDB loading: the length Redis stored. */
    public void setLength(long length) {
        this.length = length;
    }

    private void store(Node n, byte[] lp) {
        if (n.lp != lp) {
            nodeBytes += lp.length - n.lp.length;
            n.lp = lp;
        }
        int bytes = RedisListpack.bytes(lp);
        if (bytes < n.bytes || bytes > n.allocation) {
            n.allocation = Jemalloc.sizeClass(bytes);
        }
        n.bytes = bytes;
    }

    // ---------------------------------------------------------------- appending

    /** Why {@link #append} refused: the ID is not above the top item, or the entry is too big. */
    public enum AppendFailure { ID_TOO_SMALL, TOO_LARGE }

    /**
     * streamAppendItem: adds the entry with the fields and values alternating in {@code argv}
     * from {@code from}; {@code useId} null generates one from the clock, and {@code seqGiven}
     * false (the {@code ms-*} form) takes only its milliseconds. Returns the new ID, or the
     * failure.
     */
    public Object append(byte[][] argv, int from, int numFields, StreamId useId, boolean seqGiven, long nowMs,
                         long nodeMaxBytes, long nodeMaxEntries) {
        StreamId id;
        if (useId != null) {
            if (seqGiven) {
                id = useId;
            } else if (lastId.ms() == useId.ms()) {
                if (lastId.seq() == -1L) {
                    return AppendFailure.ID_TOO_SMALL;
                }
                id = new StreamId(lastId.ms(), lastId.seq() + 1);
            } else {
                id = useId;
            }
        } else {
            id = nextId(nowMs);
        }
        if (id.compareTo(lastId) <= 0) {
            return AppendFailure.ID_TOO_SMALL;
        }
        long totelelen = 0;
        for (int i = 0; i < numFields * 2; i++) {
            totelelen += argv[from + i].length;
        }
        if (totelelen > LISTPACK_MAX_SIZE) {
            return AppendFailure.TOO_LARGE;
        }

        Map.Entry<StreamId, Node> tail = nodes.lastEntry();
        Node node = tail == null ? null : tail.getValue();
        if (node != null) {
            boolean newNode = false;
            long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : nodeMaxBytes;
            byte[] lp = node.lp;
            if (RedisListpack.bytes(lp) + totelelen >= maxBytes) {
                newNode = true;
            } else if (nodeMaxEntries != 0) {
                int p = RedisListpack.first(lp);
                long count = RedisListpack.getInteger(lp, p) + RedisListpack.getInteger(lp, RedisListpack.next(lp, p));
                if (count >= nodeMaxEntries) {
                    newNode = true;
                }
            }
            if (newNode) {
                store(node, RedisListpack.shrinkToFit(lp)); // lpShrinkToFit: the node is full
                node.allocation = Jemalloc.sizeClass(node.bytes);
                node = null;
            }
        }

        int flags = 0;
        StreamId master;
        byte[] lp;
        if (node == null) {
            master = id;
            int prealloc = MAX_PRE_ALLOCATE;
            if (nodeMaxBytes > 0 && nodeMaxBytes < prealloc) {
                prealloc = (int) nodeMaxBytes;
            }
            lp = RedisListpack.create(prealloc);
            lp = RedisListpack.appendInteger(lp, 1); // one item, the one we are adding
            lp = RedisListpack.appendInteger(lp, 0); // zero deleted so far
            lp = RedisListpack.appendInteger(lp, numFields);
            for (int i = 0; i < numFields; i++) {
                lp = RedisListpack.append(lp, argv[from + 2 * i]);
            }
            lp = RedisListpack.appendInteger(lp, 0); // master entry terminator
            node = new Node(lp, Math.max(prealloc, RedisListpack.HEADER + 1));
            nodes.put(master, node);
            nodeBytes += lp.length;
            flags |= FLAG_SAMEFIELDS;
        } else {
            master = tail.getKey();
            lp = node.lp;
            int p = RedisListpack.first(lp);
            long count = RedisListpack.getInteger(lp, p);
            lp = RedisListpack.replaceInteger(lp, p, count + 1);
            p = RedisListpack.next(lp, p); // deleted
            p = RedisListpack.next(lp, p); // master num-fields
            long masterFields = RedisListpack.getInteger(lp, p);
            p = RedisListpack.next(lp, p);
            if (numFields == masterFields) {
                int i;
                for (i = 0; i < masterFields; i++) {
                    if (!RedisListpack.equalsString(lp, p, argv[from + 2 * i])) {
                        break;
                    }
                    p = RedisListpack.next(lp, p);
                }
                if (i == masterFields) {
                    flags |= FLAG_SAMEFIELDS;
                }
            }
        }
        boolean same = (flags & FLAG_SAMEFIELDS) != 0;
        lp = RedisListpack.appendInteger(lp, flags);
        lp = RedisListpack.appendInteger(lp, id.ms() - master.ms());
        lp = RedisListpack.appendInteger(lp, id.seq() - master.seq());
        if (!same) {
            lp = RedisListpack.appendInteger(lp, numFields);
        }
        for (int i = 0; i < numFields; i++) {
            if (!same) {
                lp = RedisListpack.append(lp, argv[from + 2 * i]);
            }
            lp = RedisListpack.append(lp, argv[from + 2 * i + 1]);
        }
        long lpCount = numFields + 3L;
        if (!same) {
            lpCount += numFields + 1L;
        }
        lp = RedisListpack.appendInteger(lp, lpCount);
        store(node, lp);
        length++;
        entriesAdded++;
        lastId = id;
        if (length == 1) {
            firstId = id;
        }
        return id;
    }

    /** streamNextID: the clock's milliseconds with sequence 0, or the last ID plus one. */
    private StreamId nextId(long nowMs) {
        if (Long.compareUnsigned(nowMs, lastId.ms()) > 0) {
            return new StreamId(nowMs, 0);
        }
        StreamId next = lastId.next();
        return next == null ? StreamId.MIN : next;
    }

    // ---------------------------------------------------------------- trimming

    /** streamAddTrimArgs' trimming half. {@code limit} 0 means no limit. */
    public record Trim(boolean byMaxLen, long maxLen, StreamId minId, boolean approx, long limit) {
    }

    /** streamTrim: removes entries from the head; returns how many. */
    public long trim(Trim args) {
        long deleted = 0;
        StreamId key = nodes.isEmpty() ? null : nodes.firstKey();
        while (key != null) {
            if (args.byMaxLen() && length <= args.maxLen()) {
                break;
            }
            Node node = nodes.get(key);
            byte[] lp = node.lp;
            int p = RedisListpack.first(lp);
            long entries = RedisListpack.getInteger(lp, p);
            if (args.limit() != 0 && deleted + entries > args.limit()) {
                break;
            }
            boolean removeNode;
            if (args.byMaxLen()) {
                removeNode = length - entries >= args.maxLen();
            } else {
                StreamId last = lastIdOfNode(key, lp);
                removeNode = last.compareTo(args.minId()) < 0;
            }
            if (removeNode) {
                nodes.remove(key);
                nodeBytes -= lp.length;
                length -= entries;
                deleted += entries;
                key = nodes.ceilingKey(key);
                continue;
            }
            if (args.approx()) {
                break;
            }
            long deletedFromLp = 0;
            p = RedisListpack.next(lp, p); // deleted
            p = RedisListpack.next(lp, p); // master num-fields
            long masterFields = RedisListpack.getInteger(lp, p);
            p = RedisListpack.next(lp, p);
            for (long j = 0; j < masterFields; j++) {
                p = RedisListpack.next(lp, p);
            }
            p = RedisListpack.next(lp, p); // past the master terminator: the first entry
            while (p != -1) {
                int flagsPos = p;
                long flags = RedisListpack.getInteger(lp, p);
                p = RedisListpack.next(lp, p);
                long msDelta = RedisListpack.getInteger(lp, p);
                p = RedisListpack.next(lp, p);
                long seqDelta = RedisListpack.getInteger(lp, p);
                p = RedisListpack.next(lp, p);
                boolean stop;
                if (args.byMaxLen()) {
                    stop = length <= args.maxLen();
                } else {
                    StreamId current = new StreamId(key.ms() + msDelta, key.seq() + seqDelta);
                    stop = current.compareTo(args.minId()) >= 0;
                }
                if (stop) {
                    break;
                }
                long toSkip;
                if ((flags & FLAG_SAMEFIELDS) != 0) {
                    toSkip = masterFields;
                } else {
                    toSkip = RedisListpack.getInteger(lp, p) * 2;
                    p = RedisListpack.next(lp, p);
                }
                while (toSkip-- > 0) {
                    p = RedisListpack.next(lp, p);
                }
                p = RedisListpack.next(lp, p); // past lp-count
                if ((flags & FLAG_DELETED) == 0) {
                    int before = RedisListpack.bytes(lp);
                    lp = RedisListpack.replaceInteger(lp, flagsPos, flags | FLAG_DELETED);
                    if (p != -1) {
                        p += RedisListpack.bytes(lp) - before;
                    }
                    deletedFromLp++;
                    length--;
                }
            }
            deleted += deletedFromLp;
            p = RedisListpack.first(lp);
            lp = RedisListpack.replaceInteger(lp, p, entries - deletedFromLp);
            p = RedisListpack.next(lp, p);
            long markedDeleted = RedisListpack.getInteger(lp, p);
            lp = RedisListpack.replaceInteger(lp, p, markedDeleted + deletedFromLp);
            store(node, lp);
            break; // enough entries could be deleted in this node
        }
        if (length == 0) {
            firstId = StreamId.MIN;
        } else if (deleted != 0) {
            firstId = edgeId(true, true);
        }
        return deleted;
    }

    /** lpGetEdgeStreamID(lp, 0, ...): the node's last entry, tombstone or not (0-0 for none). */
    private static StreamId lastIdOfNode(StreamId master, byte[] lp) {
        int p = RedisListpack.last(lp);
        long lpCount = RedisListpack.getInteger(lp, p);
        if (lpCount == 0) {
            return StreamId.MIN;
        }
        while (lpCount-- > 0) {
            p = RedisListpack.prev(lp, p);
        }
        p = RedisListpack.next(lp, p);
        long ms = RedisListpack.getInteger(lp, p);
        p = RedisListpack.next(lp, p);
        return new StreamId(master.ms() + ms, master.seq() + RedisListpack.getInteger(lp, p));
    }

    // ---------------------------------------------------------------- deleting and edges

    /** streamDeleteItem plus XDEL's bookkeeping of first_id and max_deleted_entry_id. */
    public boolean delete(StreamId id) {
        Cursor c = new Cursor(id, id, false);
        if (c.next() == null) {
            return false;
        }
        c.remove(id);
        if (id.compareTo(maxDeletedId) > 0) {
            maxDeletedId = id;
        }
        return true;
    }

    /** XDEL's update of first_id after its deletions. */
    public void afterDeletions(boolean firstDeleted) {
        if (length == 0) {
            firstId = StreamId.MIN;
        } else if (firstDeleted) {
            firstId = edgeId(true, true);
        }
    }

    /**
     * streamGetEdgeID: the first or last entry's ID (tombstones included unless skipped); for an
     * empty stream the highest possible ID as first, 0-0 as last.
     */
    public StreamId edgeId(boolean first, boolean skipTombstones) {
        Cursor c = new Cursor(null, null, !first);
        c.skipTombstones = skipTombstones;
        StreamId id = c.next();
        return id != null ? id : first ? StreamId.MAX : StreamId.MIN;
    }

    /** streamLastValidID: the last live entry's ID (0-0 for an empty stream). */
    public StreamId lastValidId() {
        StreamId id = new Cursor(null, null, true).next();
        return id == null ? StreamId.MIN : id;
    }

    // ---------------------------------------------------------------- iterating

    /** A cursor over the entries between two IDs (inclusive; null for the ends), Redis's streamIterator. */
    public Cursor cursor(StreamId start, StreamId end, boolean rev) {
        return new Cursor(start, end, rev);
    }

    /**
     * streamIterator: {@link #next()} moves to the next entry in range and returns its ID; then
     * {@link #fieldCount()} fields are read with {@link #nextField()}, {@link #field()} and
     * {@link #value()}.
     */
    public final class Cursor {
        private StreamId start;
        private StreamId end;
        private final boolean rev;
        boolean skipTombstones = true;
        private boolean started;
        private StreamId nodeKey;
        private byte[] lp;
        private int ele = -1;
        private long masterFieldsCount;
        private int masterFieldsStart;
        private int masterFieldsPtr;
        private int flagsPos;
        private long entryFlags;
        private long numFields;
        private long unreadFields;
        private byte[] field;
        private byte[] value;

        Cursor(StreamId start, StreamId end, boolean rev) {
            this.start = start == null ? StreamId.MIN : start;
            this.end = end == null ? StreamId.MAX : end;
            this.rev = rev;
        }

        private StreamId firstNodeKey() {
            if (nodes.isEmpty()) {
                return null;
            }
            StreamId seek = rev ? end : start;
            if (!seek.isZero()) {
                StreamId k = nodes.floorKey(seek);
                if (k != null) {
                    return k;
                }
            }
            return rev ? nodes.lastKey() : nodes.firstKey();
        }

        /** streamIteratorGetID: the next entry's ID, or null when the range is exhausted. */
        public StreamId next() {
            if (!rev) {
                while (unreadFields > 0) {
                    nextField();
                }
            }
            unreadFields = 0;
            while (true) {
                if (lp == null || ele == -1) {
                    if (!started) {
                        started = true;
                        nodeKey = firstNodeKey();
                    } else if (nodeKey != null) {
                        nodeKey = rev ? nodes.lowerKey(nodeKey) : nodes.higherKey(nodeKey);
                    }
                    if (nodeKey == null) {
                        return null;
                    }
                    lp = nodes.get(nodeKey).lp;
                    ele = RedisListpack.first(lp);
                    ele = RedisListpack.next(lp, ele);
                    ele = RedisListpack.next(lp, ele);
                    masterFieldsCount = RedisListpack.getInteger(lp, ele);
                    ele = RedisListpack.next(lp, ele);
                    masterFieldsStart = ele;
                    if (!rev) {
                        for (long i = 0; i < masterFieldsCount; i++) {
                            ele = RedisListpack.next(lp, ele);
                        }
                    } else {
                        ele = RedisListpack.last(lp);
                    }
                } else if (rev) {
                    long lpCount = RedisListpack.getInteger(lp, ele);
                    while (lpCount-- > 0) {
                        ele = RedisListpack.prev(lp, ele);
                    }
                    ele = RedisListpack.prev(lp, ele);
                }
                while (true) {
                    if (!rev) {
                        ele = RedisListpack.next(lp, ele);
                        if (ele == -1) {
                            break;
                        }
                    } else {
                        long lpCount = RedisListpack.getInteger(lp, ele);
                        if (lpCount == 0) {
                            lp = null;
                            ele = -1;
                            break;
                        }
                        while (lpCount-- > 0) {
                            ele = RedisListpack.prev(lp, ele);
                        }
                    }
                    flagsPos = ele;
                    long flags = RedisListpack.getInteger(lp, ele);
                    ele = RedisListpack.next(lp, ele);
                    long ms = nodeKey.ms() + RedisListpack.getInteger(lp, ele);
                    ele = RedisListpack.next(lp, ele);
                    long seq = nodeKey.seq() + RedisListpack.getInteger(lp, ele);
                    ele = RedisListpack.next(lp, ele);
                    StreamId id = new StreamId(ms, seq);
                    if ((flags & FLAG_SAMEFIELDS) != 0) {
                        numFields = masterFieldsCount;
                    } else {
                        numFields = RedisListpack.getInteger(lp, ele);
                        ele = RedisListpack.next(lp, ele);
                    }
                    boolean live = !skipTombstones || (flags & FLAG_DELETED) == 0;
                    if (!rev) {
                        if (id.compareTo(start) >= 0 && live) {
                            if (id.compareTo(end) > 0) {
                                return null;
                            }
                            return found(id, flags);
                        }
                    } else if (id.compareTo(end) <= 0 && live) {
                        if (id.compareTo(start) < 0) {
                            return null;
                        }
                        return found(id, flags);
                    }
                    if (!rev) {
                        long discard = (flags & FLAG_SAMEFIELDS) != 0 ? numFields : numFields * 2;
                        for (long i = 0; i < discard; i++) {
                            ele = RedisListpack.next(lp, ele);
                        }
                    } else {
                        int prevTimes = (flags & FLAG_SAMEFIELDS) != 0 ? 4 : 5;
                        while (prevTimes-- > 0) {
                            ele = RedisListpack.prev(lp, ele);
                        }
                    }
                }
            }
        }

        private StreamId found(StreamId id, long flags) {
            entryFlags = flags;
            if ((flags & FLAG_SAMEFIELDS) != 0) {
                masterFieldsPtr = masterFieldsStart;
            }
            unreadFields = numFields;
            return id;
        }

        /** How many field-value pairs the current entry has. */
        public long fieldCount() {
            return numFields;
        }

        /** streamIteratorGetField: moves to the current entry's next field and value. */
        public void nextField() {
            if ((entryFlags & FLAG_SAMEFIELDS) != 0) {
                field = RedisListpack.get(lp, masterFieldsPtr);
                masterFieldsPtr = RedisListpack.next(lp, masterFieldsPtr);
            } else {
                field = RedisListpack.get(lp, ele);
                ele = RedisListpack.next(lp, ele);
            }
            value = RedisListpack.get(lp, ele);
            ele = RedisListpack.next(lp, ele);
            unreadFields--;
        }

        public byte[] field() {
            return field;
        }

        public byte[] value() {
            return value;
        }

        /**
         * streamIteratorRemoveEntry: marks the current entry deleted (or drops its node when it
         * was the node's last live entry) and starts again after it.
         */
        void remove(StreamId current) {
            Node node = nodes.get(nodeKey);
            byte[] l = node.lp;
            long flags = RedisListpack.getInteger(l, flagsPos);
            l = RedisListpack.replaceInteger(l, flagsPos, flags | FLAG_DELETED);
            int p = RedisListpack.first(l);
            long aux = RedisListpack.getInteger(l, p);
            if (aux == 1) {
                nodes.remove(nodeKey);
                nodeBytes -= node.lp.length;
            } else {
                l = RedisListpack.replaceInteger(l, p, aux - 1);
                p = RedisListpack.next(l, p);
                aux = RedisListpack.getInteger(l, p);
                l = RedisListpack.replaceInteger(l, p, aux + 1);
                store(node, l);
            }
            length--;
            if (rev) {
                end = current;
            } else {
                start = current;
            }
            started = false;
            lp = null;
            ele = -1;
            unreadFields = 0;
        }
    }

    // ---------------------------------------------------------------- consumer groups

    /** The groups in name order (empty when there are none). */
    public Map<byte[], StreamGroup> groups() {
        return groups == null ? Map.of() : groups;
    }

    public StreamGroup group(byte[] name) {
        return groups == null ? null : groups.get(name);
    }

    /** streamCreateCG: the new group, or null when the name is taken. */
    public StreamGroup createGroup(byte[] name, StreamId lastId, long entriesRead) {
        if (groups == null) {
            groups = new TreeMap<>(java.util.Arrays::compareUnsigned);
        }
        if (groups.containsKey(name)) {
            return null;
        }
        StreamGroup g = new StreamGroup(lastId, entriesRead);
        groups.put(name.clone(), g);
        return g;
    }

    public boolean destroyGroup(byte[] name) {
        return groups != null && groups.remove(name) != null;
    }

    /** streamEntryExists: a live entry with that ID. */
    public boolean entryExists(StreamId id) {
        return new Cursor(id, id, false).next() != null;
    }

    /** streamRangeHasTombstones: whether max_deleted_entry_id lies in [start, end] (null: the ends). */
    public boolean rangeHasTombstones(StreamId start, StreamId end) {
        if (length == 0 || maxDeletedId.isZero()) {
            return false;
        }
        if (firstId.compareTo(maxDeletedId) > 0) {
            return false; // the latest tombstone is before the first entry
        }
        StreamId s = start == null ? StreamId.MIN : start;
        StreamId e = end == null ? StreamId.MAX : end;
        return s.compareTo(maxDeletedId) <= 0 && maxDeletedId.compareTo(e) <= 0;
    }

    /**
     * streamEstimateDistanceFromFirstEverEntry: the logical read counter of {@code id} (how many
     * entries were added up to it), or {@link StreamGroup#INVALID_ENTRIES_READ} when deletions or
     * an arbitrary ID make it unknowable.
     */
    public long estimateDistanceFromFirstEverEntry(StreamId id) {
        if (entriesAdded == 0) {
            return 0;
        }
        if (length == 0 && id.compareTo(lastId) < 1) {
            return entriesAdded;
        }
        int cmpLast = id.compareTo(lastId);
        if (cmpLast == 0) {
            return entriesAdded;
        } else if (cmpLast > 0) {
            return StreamGroup.INVALID_ENTRIES_READ;
        }
        int cmpIdFirst = id.compareTo(firstId);
        int cmpXdelFirst = maxDeletedId.compareTo(firstId);
        if (maxDeletedId.isZero() || cmpXdelFirst < 0) {
            if (cmpIdFirst < 0) {
                return entriesAdded - length;
            } else if (cmpIdFirst == 0) {
                return entriesAdded - length + 1;
            }
        }
        return StreamGroup.INVALID_ENTRIES_READ;
    }

    /** streamReplyWithCGLag's figure: entries not yet delivered to the group, or null when unknown. */
    public Long lag(StreamGroup g) {
        if (entriesAdded == 0) {
            return 0L;
        }
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !rangeHasTombstones(g.lastId, null)) {
            return entriesAdded - g.entriesRead;
        }
        long read = estimateDistanceFromFirstEverEntry(g.lastId);
        return read == StreamGroup.INVALID_ENTRIES_READ ? null : entriesAdded - read;
    }

    // ---------------------------------------------------------------- sizes

    /**
     * The bytes Redis's allocator holds for the first {@code n} nodes (n &lt;= 0: all): see {@link
     * Node#allocation}.
     */
    public long[] nodeAllocations(int n) {
        int size = n <= 0 ? nodes.size() : Math.min(n, nodes.size());
        long[] out = new long[size];
        int i = 0;
        for (Node node : nodes.values()) {
            if (i == size) {
                break;
            }
            out[i++] = node.allocation;
        }
        return out;
    }

    /** {@link #nodeAllocations} of the last node (0 for an empty stream). */
    public long lastNodeAllocation() {
        return nodes.isEmpty() ? 0 : nodes.lastEntry().getValue().allocation;
    }

    /**
     * The number of nodes of Redis's radix tree holding the node keys (XINFO STREAM's
     * radix-tree-nodes): a compressed node per run of bytes shared by all keys below it, a branch
     * node where they part, and a leaf per key. 1 for an empty tree (its root).
     */
    public long raxNodes() {
        return raxNodes(nodes.keySet());
    }

    /** {@link #raxNodes()} of any set of IDs in order (a group's or a consumer's PEL). */
    public static long raxNodes(java.util.Collection<StreamId> ids) {
        if (ids.isEmpty()) {
            return 1;
        }
        byte[][] keys = new byte[ids.size()][];
        int i = 0;
        for (StreamId id : ids) {
            keys[i++] = java.nio.ByteBuffer.allocate(16).putLong(id.ms()).putLong(id.seq()).array();
        }
        return raxNodes(keys, 0, keys.length, 0);
    }

    /** Nodes below the point at {@code depth} reached by the sorted keys [from, to). */
    private static long raxNodes(byte[][] keys, int from, int to, int depth) {
        if (to - from == 1) {
            return (depth < 16 ? 1 : 0) + 1;
        }
        int common = 0;
        while (depth + common < 16 && keys[from][depth + common] == keys[to - 1][depth + common]) {
            common++;
        }
        long count = common > 0 ? 1 : 0;
        int d = depth + common;
        count++; // the branch node
        int start = from;
        for (int k = from + 1; k <= to; k++) {
            if (k == to || keys[k][d] != keys[start][d]) {
                count += raxNodes(keys, start, k, d + 1);
                start = k;
            }
        }
        return count;
    }

    // ---------------------------------------------------------------- TypedValue

    @Override
    public StreamValue copy() {
        StreamValue s = new StreamValue();
        for (Map.Entry<StreamId, Node> e : nodes.entrySet()) {
            s.loadNode(e.getKey(), RedisListpack.shrinkToFit(e.getValue().lp).clone());
        }
        s.length = length;
        s.lastId = lastId;
        s.firstId = firstId;
        s.maxDeletedId = maxDeletedId;
        s.entriesAdded = entriesAdded;
        if (groups != null) {
            for (Map.Entry<byte[], StreamGroup> g : groups.entrySet()) {
                s.createGroup(g.getKey(), g.getValue().lastId, g.getValue().entriesRead);
                s.groups.put(g.getKey(), g.getValue().copy());
            }
        }
        return s;
    }

    /**
     * The object, its tree (an entry, key and node object per node), the node arrays and the
     * groups: per pending entry a tree entry, its ID and its NACK in the group PEL plus a tree entry
     * in its consumer's; per consumer its object, name and tree. Walks the groups only (PEL sizes
     * are kept by their trees, the consumers' sum by the group): memory is settled after every
     * write, and a group may have thousands of consumers (XREADGROUP with a new name each time).
     */
    @Override
    public long memoryUsage() {
        long bytes = 80 + nodes.size() * 96L + MemoryModel.byteArrays(nodes.size(), nodeBytes);
        if (groups != null) {
            for (Map.Entry<byte[], StreamGroup> g : groups.entrySet()) {
                // Each pending entry sits in the group's PEL and in its consumer's (152 together).
                bytes += 120 + MemoryModel.byteArray(g.getKey().length) + g.getValue().pel.size() * 152L
                        + g.getValue().consumersHeap();
            }
        }
        return bytes;
    }
}
