package io.mnemos.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jemalloc 5.3's size classes (16-byte quantum), as Redis's zmalloc_size reports them. */
class JemallocTest {
    @Test
    void everyClassIndexNamesItsSizeAndBack() {
        for (int i = 0; i <= 100; i++) {
            assertEquals(i, Jemalloc.classIndex(Jemalloc.classSize(i)), "class " + i);
            if (i > 0) {
                assertTrue(Jemalloc.classSize(i) > Jemalloc.classSize(i - 1), "classes grow with their index");
            }
        }
        assertEquals(1L << 30, Jemalloc.classSize(100));
    }

    @Test
    void aRequestIsServedByTheSmallestClassThatHoldsIt() {
        for (long n = 1; n <= 1L << 30; n = n < 4096 ? n + 1 : n + n / 7) {
            int i = Jemalloc.classIndex(n);
            assertTrue(Jemalloc.classSize(i) >= n, "class of " + n + " holds it");
            assertTrue(i == 0 || Jemalloc.classSize(i - 1) < n, "no smaller class holds " + n);
        }
        assertEquals(320, Jemalloc.sizeClass(257));
        assertEquals(81920, Jemalloc.sizeClass(65546));
    }
}
