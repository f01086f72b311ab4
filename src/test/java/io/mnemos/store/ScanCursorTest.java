package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The reverse-binary cursor shared by Dict and HashValue scans. */
class ScanCursorTest {
    @Test
    void visitsEveryBucketOnceInReverseBinaryOrder() {
        List<Integer> buckets = new ArrayList<>();
        long cursor = 0;
        do {
            buckets.add(ScanCursor.bucket(cursor, 8));
            cursor = ScanCursor.next(cursor, 8);
        } while (cursor != 0);
        assertEquals(List.of(0, 4, 2, 6, 1, 5, 3, 7), buckets);
    }

    @Test
    void aCursorFromASmallerTableContinuesInALargerOne() {
        // After buckets 0 and 2 of a 4-bucket table (cursor 1), a 16-bucket table resumes at bucket 1
        // (its buckets 0, 8, 4, 12, 2, 10, 6, 14 hold exactly the old buckets 0 and 2).
        assertEquals(2, ScanCursor.next(0, 4));
        assertEquals(1, ScanCursor.next(2, 4));
        assertEquals(1, ScanCursor.bucket(1, 16));
        assertEquals(0, ScanCursor.next(15, 16));
        assertEquals(0, ScanCursor.next(0, 1));
    }
}
