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
}
