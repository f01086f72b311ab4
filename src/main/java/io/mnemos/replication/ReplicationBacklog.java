package io.mnemos.replication;

/**
 * Redis's repl_backlog: the last repl-backlog-size bytes of the replication stream, so that a
 * replica that lost its link for a moment continues with the bytes it missed (PSYNC +CONTINUE)
 * instead of a full resync. Offsets are the stream's byte numbers, the first byte being 1.
 */
final class ReplicationBacklog {
    private final byte[] ring;
    private int next;
    private long histlen;
    /** master_repl_offset when the backlog was created: the bytes it can hold start after it. */
    private final long createdAt;

    ReplicationBacklog(long size, long masterOffset) {
        this.ring = new byte[(int) Math.min(Math.max(size, 16), Integer.MAX_VALUE - 16)];
        this.createdAt = masterOffset;
    }

    long size() {
        return ring.length;
    }

    void append(byte[] bytes) {
        int from = Math.max(0, bytes.length - ring.length); // only the tail fits
        int n = bytes.length - from;
        int first = Math.min(n, ring.length - next);
        System.arraycopy(bytes, from, ring, next, first);
        System.arraycopy(bytes, from + first, ring, 0, n - first);
        next = (next + n) % ring.length;
        histlen = Math.min(ring.length, histlen + bytes.length);
    }

    long histlen() {
        return histlen;
    }

    /** repl_backlog->offset: the offset of the oldest byte held (the next one when empty). */
    long firstByteOffset(long masterOffset) {
        return histlen == 0 ? createdAt + 1 : masterOffset - histlen + 1;
    }

    /** Whether a replica asking to continue at {@code offset} can be served from here. */
    boolean covers(long offset, long masterOffset) {
        return offset >= firstByteOffset(masterOffset) && offset <= masterOffset + 1;
    }

    /** The bytes from {@code offset} to the end of the stream ({@link #covers} holds). */
    byte[] since(long offset, long masterOffset) {
        int n = (int) (masterOffset - offset + 1);
        byte[] out = new byte[n];
        int start = Math.floorMod(next - n, ring.length);
        int first = Math.min(n, ring.length - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, n - first);
        return out;
    }
}
