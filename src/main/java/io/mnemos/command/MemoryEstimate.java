package io.mnemos.command;

import io.mnemos.store.Entry;
import io.mnemos.store.HashValue;
import io.mnemos.store.ListValue;
import io.mnemos.store.MemoryModel;
import io.mnemos.store.RedisListpack;
import io.mnemos.store.SetValue;
import io.mnemos.store.SizedValue;
import io.mnemos.store.StreamGroup;
import io.mnemos.store.StreamValue;
import io.mnemos.store.ZSetValue;
import io.mnemos.util.Sds;

/**
 * MEMORY USAGE in Redis's units: what Redis 7.0 with jemalloc would allocate for the same key and
 * value (dictEntry, key sds, robj, and the value's structures rounded up to jemalloc size classes,
 * as objectComputeSize counts them) for strings, lists, hashes, sets, sorted sets and streams, so the
 * numbers clients and tests know from Redis stay exact where the encodings are Redis's. Other
 * values report the figure used_memory accounts for the key ({@link MemoryModel#entryBytes}: JVM
 * heap bytes of entry, key and value), or a {@link SizedValue}'s own Redis-style estimate.
 */
final class MemoryEstimate {
    /** sizeof(dictEntry) and sizeof(robj) on 64-bit Redis. */
    static final long DICT_ENTRY = 24;
    static final long ROBJ = 16;

    private MemoryEstimate() {
    }

    /** OBJ_COMPUTE_SIZE_DEF_SAMPLES: MEMORY USAGE without SAMPLES. */
    static final int DEFAULT_SAMPLES = 5;

    /**
     * Redis's MEMORY USAGE: the value's size, plus the key's sds, plus one dict entry; the nested
     * elements' cost averaged over the first {@code samples} of them (0: all).
     */
    static long entryBytes(Entry e, long samples) {
        Object value = e.value();
        if (value instanceof byte[] || value instanceof SizedValue || value instanceof SetValue
                || value instanceof ZSetValue || value instanceof StreamValue || value instanceof ListValue
                || value instanceof HashValue) {
            int sampled = samples == 0 || samples > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) samples;
            long bytes = value instanceof byte[] s ? stringBytes(e, s) : valueBytes(value, sampled);
            return bytes + Sds.alloc(e.key().length, false) + DICT_ENTRY;
        }
        return MemoryModel.entryBytes(e.key(), value);
    }

    /** A string value by the encoding OBJECT ENCODING names: int, embstr, or raw with its sds's allocation. */
    private static long stringBytes(Entry e, byte[] bytes) {
        return switch (KeyCommands.encoding(e)) {
            case "int" -> ROBJ; // the integer lives in the robj's pointer
            case "embstr" -> jemallocSize(ROBJ + 3 + bytes.length + 1); // robj + sdshdr8 + data + NUL
            default -> ROBJ + Sds.allocation(e.rawSds(), bytes.length);
        };
    }

    private static long valueBytes(Object value, int samples) {
        if (value instanceof SizedValue sized) {
            return sized.estimatedBytes(samples);
        }
        if (value instanceof SetValue set) {
            return setBytes(set, samples);
        }
        if (value instanceof ZSetValue zset) {
            return zsetBytes(zset, samples);
        }
        if (value instanceof HashValue hash) {
            return hashBytes(hash, samples);
        }
        if (value instanceof ListValue list) {
            return listBytes(list, samples);
        }
        if (value instanceof StreamValue stream) {
            return streamBytes(stream, samples);
        }
        return MemoryModel.valueBytes(value);
    }

    /** sizeof(dict) plus its bucket array, as objectComputeSize counts it. */
    private static long dictBytes(long buckets) {
        return 56 + buckets * 8;
    }

    /**
     * The buckets of a dict grown one add at a time to {@code size} entries: DICT_HT_INITIAL_SIZE (4)
     * at the first, then the next power of two above the entries once they fill the table.
     */
    private static long dictSlots(long size) {
        return size == 0 ? 0 : Math.max(4, Long.highestOneBit(size - 1) << 1);
    }

    /**
     * objectComputeSize's sampling: the fixed part {@code base}, plus the cost of the {@code sampled}
     * elements measured averaged over all {@code size}, added in double as Redis adds it to its
     * size_t (so the sum, not the average, is truncated).
     */
    private static long averaged(long base, long bytes, long sampled, long size) {
        return sampled == 0 ? base : (long) (base + (double) bytes / sampled * size);
    }

    /**
     * objectComputeSize of a set: the robj and an intset's header and fixed-width integers, or a
     * dict whose per-member cost (dictEntry + member sds) is averaged over the first {@code samples}
     * members.
     */
    static long setBytes(SetValue set, int samples) {
        int n = set.size();
        if (set.isIntset()) {
            return ROBJ + jemallocSize(8 + (long) n * set.intsetEncoding());
        }
        long[] sampled = {0, 0};
        long cursor = 0;
        do {
            cursor = set.scan(cursor, m -> {
                if (sampled[1] < samples) {
                    sampled[0] += Sds.alloc(m.length, false) + DICT_ENTRY;
                    sampled[1]++;
                }
            });
        } while (cursor != 0 && sampled[1] < samples);
        return averaged(ROBJ + dictBytes(set.buckets()), sampled[0], sampled[1], n);
    }

    /**
     * objectComputeSize of a hash: the robj and a listpack's allocation (fields and values as
     * Redis's listpack encodes them, integers compactly), or a dict whose per-field cost (dictEntry,
     * field and value sds) is averaged over the first {@code samples} fields.
     */
    static long hashBytes(HashValue hash, int samples) {
        long[] sampled = {0, 0};
        if (hash.isListpack()) {
            hash.forEach((f, v) -> sampled[0] += RedisListpack.entrySize(f) + RedisListpack.entrySize(v));
            return ROBJ + jemallocSize(LISTPACK_EMPTY + sampled[0]);
        }
        long cursor = 0;
        do {
            cursor = hash.scan(cursor, (f, v) -> {
                if (sampled[1] < samples) {
                    sampled[0] += Sds.alloc(f.length, false) + Sds.alloc(v.length, false) + DICT_ENTRY;
                    sampled[1]++;
                }
            });
        } while (cursor != 0 && sampled[1] < samples);
        return averaged(ROBJ + dictBytes(hash.buckets()), sampled[0], sampled[1], hash.size());
    }

    /** A listpack's header (total bytes, count) and end byte. */
    private static final long LISTPACK_EMPTY = 7;

    /** zmalloc_size of a skiplist's header node: ZSKIPLIST_MAXLEVEL (32) levels of 16 bytes. */
    private static final long ZSKIPLIST_HEADER = jemallocSize(24 + 32 * 16);

    /**
     * objectComputeSize of a sorted set: the robj and a listpack's bytes (member and score entries),
     * or the zset, skiplist and dict with a per-member cost (sds, skiplist node, dictEntry) averaged
     * over the first {@code samples} members.
     */
    static long zsetBytes(ZSetValue zset, int samples) {
        int n = zset.size();
        long[] sampled = {0, 0};
        if (zset.isListpack()) {
            zset.forEach((m, score) -> {
                byte[] s = io.mnemos.protocol.RedisDoubles.format(score).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                sampled[0] += RedisListpack.entrySize(m) + RedisListpack.entrySize(s);
            });
            return ROBJ + jemallocSize(LISTPACK_EMPTY + sampled[0]);
        }
        zset.range(0, Math.min(n, samples) - 1, false, (m, score) -> {
            // zskiplistNode: ele, score, backward (24 bytes) and 16 bytes per level; most nodes have one.
            sampled[0] += Sds.alloc(m.length, false) + jemallocSize(24 + 16) + DICT_ENTRY;
            sampled[1]++;
        });
        // zset and zskiplist structs, the dict, the skiplist's header node, then the members.
        return averaged(ROBJ + 16 + 32 + dictBytes(dictSlots(n)) + ZSKIPLIST_HEADER, sampled[0], sampled[1], n);
    }

    /**
     * objectComputeSize of a stream: robj and stream struct, the radix tree as
     * streamRadixTreeMemoryUsage counts it (16 bytes per key, 4 + 30 words per node), and the node
     * listpacks, the first {@code samples} measured and averaged over all but the last, which is
     * measured too.
     */
    static long streamBytes(StreamValue s, int samples) {
        long size = ROBJ + 80 + s.nodeCount() * 16L + s.raxNodes() * (4 + 8 * 30);
        long[] sampled = s.nodeAllocations(samples);
        long lpSize = 0;
        for (long a : sampled) {
            lpSize += jemallocSize(a);
        }
        if (s.nodeCount() <= sampled.length) {
            size += lpSize;
        } else {
            size += lpSize / sampled.length * (s.nodeCount() - 1) + jemallocSize(s.lastNodeAllocation());
        }
        // Groups: streamCG, its PEL tree and NACKs; each consumer, its name and its PEL tree.
        for (StreamGroup g : s.groups().values()) {
            size += 40 + raxBytes(g.pel.keySet()) + 24L * g.pel.size();
            for (StreamGroup.Consumer consumer : g.consumers.values()) {
                size += 24 + consumer.name.length + raxBytes(consumer.pel.keySet());
            }
        }
        return size;
    }

    /** streamRadixTreeMemoryUsage of a tree of stream IDs. */
    private static long raxBytes(java.util.Collection<io.mnemos.store.StreamId> ids) {
        return ids.size() * 16L + StreamValue.raxNodes(ids) * (4 + 8 * 30);
    }

    /** sizeof(quicklist) and sizeof(quicklistNode) on 64-bit Redis. */
    private static final long QUICKLIST = 40;
    private static final long QUICKLIST_NODE = 40;

    /**
     * objectComputeSize of a list: robj and quicklist, and per node its struct and listpack
     * allocation, the first {@code samples} nodes averaged over all (nodes as ListValue#nodes lays
     * them out: Redis's own while the list never outgrew one node).
     */
    static long listBytes(ListValue list, int samples) {
        ListValue.Nodes nodes = list.nodes();
        long sampled = 0;
        int n = 0;
        do {
            sampled += QUICKLIST_NODE + jemallocSize(nodes.bytes()[n]);
            n++;
        } while (n < nodes.size() && n < samples);
        return averaged(ROBJ + QUICKLIST, sampled, n, nodes.size());
    }


    /** The jemalloc size class a request of {@code n} bytes is served from. */
    static long jemallocSize(long n) {
        return io.mnemos.util.Jemalloc.sizeClass(n);
    }

    /**
     * Redis's MEMORY STATS overhead of a hash table: entries (dictEntry, plus the key robj for the
     * main table) and the bucket array, whose size is the next power of two.
     */
    static long hashtableOverhead(long size, boolean main) {
        return size * (DICT_ENTRY + (main ? ROBJ : 0)) + dictSlots(size) * 8;
    }
}
