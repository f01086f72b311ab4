package io.mnemos.store;

/**
 * Redis's reverse-binary SCAN cursor over a power-of-two bucket array (dictScan): the cursor's low
 * bits name a bucket, and the next cursor increments the <em>reversed</em> bits, so that a table that
 * grows or shrinks between calls never makes the scan skip an element present throughout. Shared by
 * every hash table that SCAN-family commands walk ({@link Dict} for keys, {@link BytesMap} for the fields and members of hashes, sets and sorted sets).
 */
final class ScanCursor {
    private ScanCursor() {
    }

    /** The bucket {@code cursor} names in a table of {@code tableLength} (a power of two) buckets. */
    static int bucket(long cursor, int tableLength) {
        return (int) (cursor & (tableLength - 1));
    }

    /** The cursor after visiting {@code cursor}'s bucket; 0 once the whole table has been visited. */
    static long next(long cursor, int tableLength) {
        long mask = tableLength - 1;
        cursor |= ~mask;
        cursor = Long.reverse(cursor);
        cursor++;
        return Long.reverse(cursor);
    }
}
