package io.mnemos.command;

import io.mnemos.store.Entry;
import io.mnemos.store.MemoryModel;
import io.mnemos.store.SizedValue;

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
        if (value instanceof byte[] || value instanceof SizedValue) {
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
        return MemoryModel.valueBytes(value);
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
