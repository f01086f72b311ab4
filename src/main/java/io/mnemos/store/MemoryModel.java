package io.mnemos.store;

/**
 * What Mnemos's data costs on the JVM heap, estimated in O(1) per key so that {@code used_memory}
 * can be kept up to date incrementally. The model is a 64-bit HotSpot with compressed oops and
 * compressed class pointers (the default below 32 GB of heap): 12-byte object headers, 4-byte
 * references, 8-byte alignment.
 *
 * <p>A key costs its {@link Entry} object, the key's byte array and the value's estimate
 * ({@link #valueBytes}). The dictionary's bucket array and the expiry index are added per database
 * from their current capacities ({@link Database#memoryOverhead()}), so the total follows resizes.
 */
public final class MemoryModel {
    /** An Entry: header 12 + key, value, next 3x4 + expireAt 8 + volatileSlot, accessTime 2x4 = 40. */
    public static final long ENTRY = 40;
    /** One reference slot of an array (dictionary bucket, expiry index). */
    public static final long REF = 4;
    /** An array's header: 12-byte object header plus the 4-byte length. */
    public static final long ARRAY_HEADER = 16;

    private MemoryModel() {
    }

    public static long align(long n) {
        return (n + 7) & ~7L;
    }

    /** A byte[] of {@code length} bytes. */
    public static long byteArray(long length) {
        return align(ARRAY_HEADER + length);
    }

    /** An Object[] (or byte[][]) of {@code length} references. */
    public static long refArray(long length) {
        return align(ARRAY_HEADER + REF * length);
    }

    /**
     * {@code count} byte arrays holding {@code bytes} bytes together, without walking them: the
     * header of each plus, on average, 3.5 bytes of alignment padding.
     */
    public static long byteArrays(long count, long bytes) {
        return count * ARRAY_HEADER + bytes + (count * 7 + 1) / 2;
    }

    /** The heap a value occupies: a string's byte array, or the typed value's own O(1) estimate. */
    public static long valueBytes(Object value) {
        if (value instanceof byte[] b) {
            return byteArray(b.length);
        }
        if (value instanceof TypedValue t) {
            return t.memoryUsage();
        }
        if (value instanceof GrowingString g) {
            // As the exact array it becomes when read: the spare room is not accounted.
            return byteArray(g.length());
        }
        return 0;
    }

    /** One key of the keyspace: Entry, key bytes and value (bucket and expiry slots are per database). */
    public static long entryBytes(byte[] key, Object value) {
        return ENTRY + byteArray(key.length) + valueBytes(value);
    }
}
