package io.mnemos.command;

import io.mnemos.store.Entry;
import io.mnemos.store.MemoryModel;
import io.mnemos.store.SetValue;
import io.mnemos.store.SizedValue;
import io.mnemos.store.StreamGroup;
import io.mnemos.store.StreamValue;
import io.mnemos.store.ZSetValue;

/**
 * MEMORY USAGE. Strings are answered in Redis's units: what Redis 7.0 with jemalloc would allocate
 * for the same key and value (dictEntry, key sds, robj and string sds rounded up to jemalloc size
 * classes), so the numbers clients and tests know from Redis stay exact. Every other type reports
 * the same figure used_memory accounts for the key ({@link MemoryModel#entryBytes}: JVM heap
 * bytes of entry, key and value), so MEMORY USAGE and INFO agree for them. A type implementing
 * {@link SizedValue} still answers with its own Redis-style estimate.
 */
final class MemoryEstimate {
    /** sizeof(dictEntry) and sizeof(robj) on 64-bit Redis. */
    static final long DICT_ENTRY = 24;
    static final long ROBJ = 16;
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    static final int EMBSTR_LIMIT = 44;

    private MemoryEstimate() {
    }

    /** Redis's MEMORY USAGE: the value's size, plus the key's sds, plus one dict entry. */
    static long entryBytes(Entry e) {
        Object value = e.value();
        if (value instanceof byte[] || value instanceof SizedValue || value instanceof SetValue
                || value instanceof ZSetValue || value instanceof StreamValue) {
            return valueBytes(value) + sdsAlloc(e.key().length, false) + DICT_ENTRY;
        }
        return MemoryModel.entryBytes(e.key(), value);
    }

    static long valueBytes(Object value) {
        if (value instanceof byte[] bytes) {
            if (bytes.length <= 20 && Args.isLong(bytes)) {
                return ROBJ; // OBJ_ENCODING_INT: the integer lives in the robj's pointer.
            }
            if (bytes.length <= EMBSTR_LIMIT) {
                return jemallocSize(ROBJ + 3 + bytes.length + 1); // robj + sdshdr8 + data + NUL
            }
            return ROBJ + sdsAlloc(bytes.length, true);
        }
        if (value instanceof SizedValue sized) {
            return sized.estimatedBytes(5);
        }
        if (value instanceof SetValue set) {
            return ROBJ + setBytes(set, 5);
        }
        if (value instanceof ZSetValue zset) {
            return ROBJ + zsetBytes(zset, 5);
        }
        if (value instanceof StreamValue stream) {
            return streamBytes(stream, 5);
        }
        return MemoryModel.valueBytes(value);
    }

    /** sizeof(dict) plus its bucket array (the next power of two), as objectComputeSize counts it. */
    private static long dictBytes(long size) {
        long buckets = size == 0 ? 0 : Long.highestOneBit(Math.max(4, size - 1)) << 1;
        return 56 + buckets * 8;
    }

    /**
     * objectComputeSize of a set: an intset's header and fixed-width integers, or a dict whose
     * per-member cost (dictEntry + member sds) is averaged over the first {@code samples} members.
     */
    static long setBytes(SetValue set, int samples) {
        int n = set.size();
        if (set.isIntset()) {
            long[] width = {2};
            set.forEach(m -> {
                long v = Long.parseLong(new String(m, java.nio.charset.StandardCharsets.US_ASCII));
                if (v != (short) v) {
                    width[0] = Math.max(width[0], v == (int) v ? 4 : 8);
                }
            });
            return jemallocSize(8 + n * width[0]);
        }
        long[] sampled = {0, 0};
        long cursor = 0;
        do {
            cursor = set.scan(cursor, m -> {
                if (sampled[1] < samples) {
                    sampled[0] += sdsAlloc(m.length, false) + DICT_ENTRY;
                    sampled[1]++;
                }
            });
        } while (cursor != 0 && sampled[1] < samples);
        long perMember = sampled[1] == 0 ? DICT_ENTRY : sampled[0] / sampled[1];
        return dictBytes(n) + perMember * n;
    }

    /**
     * objectComputeSize of a sorted set: a listpack's bytes (member and score entries), or the
     * zset, skiplist and dict with a per-member cost (sds, skiplist node, dictEntry) averaged over the
     * first {@code samples} members.
     */
    static long zsetBytes(ZSetValue zset, int samples) {
        int n = zset.size();
        long[] sampled = {0, 0};
        if (zset.isListpack()) {
            zset.forEach((m, score) -> {
                String s = io.mnemos.protocol.RedisDoubles.format(score);
                sampled[0] += lpEntry(m.length) + lpEntry(s.length());
            });
            return jemallocSize(7 + sampled[0]);
        }
        zset.range(0, Math.min(n, samples) - 1, false, (m, score) -> {
            // zskiplistNode: ele, score, backward (24 bytes) and 16 bytes per level; most nodes have one.
            sampled[0] += sdsAlloc(m.length, false) + jemallocSize(24 + 16) + DICT_ENTRY;
            sampled[1]++;
        });
        long perMember = sampled[1] == 0 ? 0 : sampled[0] / sampled[1];
        return 16 + 32 + dictBytes(n) + perMember * n;
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

    /** A listpack entry: encoding byte(s), data and the back-length. */
    private static long lpEntry(int length) {
        return length + (length < 64 ? 1 : length < 4096 ? 2 : 5) + (length < 127 ? 1 : 2);
    }

    /** An sds string's allocation: header by length class, data and the terminating NUL. */
    static long sdsAlloc(int length, boolean noType5) {
        int header;
        if (length < 32 && !noType5) {
            header = 1;
        } else if (length < 256) {
            header = 3;
        } else if (length < 65536) {
            header = 5;
        } else {
            header = 9;
        }
        return jemallocSize((long) header + length + 1);
    }

    /** The jemalloc size class a request of {@code n} bytes is served from. */
    static long jemallocSize(long n) {
        if (n <= 8) {
            return 8;
        }
        if (n <= 128) {
            return (n + 15) & ~15L;
        }
        // Four classes per doubling above 128: spacing is a quarter of the enclosing power of two.
        long pow = Long.highestOneBit(n - 1);
        long spacing = pow / 4;
        return (n + spacing - 1) / spacing * spacing;
    }

    /**
     * Redis's MEMORY STATS overhead of a hash table: entries (dictEntry, plus the key robj for the
     * main table) and the bucket array, whose size is the next power of two.
     */
    static long hashtableOverhead(long size, boolean main) {
        if (size == 0) {
            return 0;
        }
        long buckets = Long.highestOneBit(Math.max(4, size - 1)) << 1;
        return size * (DICT_ENTRY + (main ? ROBJ : 0)) + buckets * 8;
    }
}
