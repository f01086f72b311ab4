package io.mnemos.util;

/**
 * The size classes of the jemalloc Redis runs on (Debian's redis-server: jemalloc 5.3 with its
 * 16-byte quantum), which Redis's zmalloc_size reports, so that figures Redis derives from
 * allocation sizes (MEMORY USAGE, INFO's replication buffers) come out the same.
 */
public final class Jemalloc {
    private Jemalloc() {
    }

    /** The size class a request of {@code n} bytes is served from. */
    public static long sizeClass(long n) {
        return classSize(classIndex(n));
    }

    /** The index of the size class serving {@code n} bytes: 8, then 16..128 by 16, then four per doubling. */
    public static int classIndex(long n) {
        if (n <= 8) {
            return 0;
        }
        if (n <= 128) {
            return (int) ((n + 15) / 16);
        }
        // Four classes per doubling above 128: spacing is a quarter of the enclosing power of two.
        long pow = Long.highestOneBit(n - 1);
        long spacing = pow / 4;
        return 8 + (Long.numberOfTrailingZeros(pow) - 7) * 4 + (int) ((n + spacing - 1) / spacing) - 4;
    }

    /** The size of the class of index {@code index}. */
    public static long classSize(int index) {
        if (index == 0) {
            return 8;
        }
        if (index <= 8) {
            return 16L * index;
        }
        int j = index - 9;
        long pow = 1L << (7 + j / 4);
        return pow + (j % 4 + 1) * (pow / 4);
    }
}
