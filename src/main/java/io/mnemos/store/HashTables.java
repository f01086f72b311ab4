package io.mnemos.store;

/**
 * The sizing policy shared by the chained power-of-two tables ({@link Dict} for keys, {@link BytesMap}
 * for the fields and members of hashes, sets and sorted sets): as Redis's dict, at least
 * {@link #MIN_CAPACITY} buckets, grow to twice the buckets when the entries reach the bucket count,
 * shrink when fewer than 10% of the buckets would be used.
 */
final class HashTables {
    /** Redis's DICT_HT_INITIAL_SIZE. */
    static final int MIN_CAPACITY = 4;

    private HashTables() {
    }

    /** The smallest power-of-two capacity, at least {@link #MIN_CAPACITY}, that holds {@code size} entries. */
    static int capacityFor(int size) {
        int capacity = MIN_CAPACITY;
        while (capacity < size) {
            capacity <<= 1;
        }
        return capacity;
    }

    /**
     * Redis's HASHTABLE_MIN_FILL: the capacity to shrink to once fewer than 10% of the buckets are
     * used, or 0 to keep the current one.
     */
    static int shrinkTo(int capacity, int size) {
        if (capacity > MIN_CAPACITY && size * 10L < capacity) {
            return capacityFor(size);
        }
        return 0;
    }
}
