package io.mnemos.replication;

import io.mnemos.util.Jemalloc;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.LongSupplier;

/**
 * Redis's repl_backlog: the tail of the replication stream, so that a replica that lost its link
 * for a moment continues with the bytes it missed (PSYNC +CONTINUE) instead of a full resync.
 * Offsets are the stream's byte numbers, the first byte being 1.
 *
 * <p>Kept as Redis 7.0 keeps it, in blocks of the shared replication buffer: a write fills the last
 * block and the rest goes into new ones of 16 KB up to a sixteenth of the backlog (what jemalloc
 * hands out for that), and the oldest block goes once the backlog holds repl-backlog-size bytes
 * without it and no replica still refers to it. So INFO's repl_backlog_histlen and the
 * replication buffer memory (mem_replication_backlog, mem_total_replication_buffers,
 * mem_clients_slaves) come out as Redis's.
 */
final class ReplicationBacklog {
    /** sizeof(replBufBlock): refcount, id, repl_offset, size, used. */
    private static final int BLOCK_HEADER = 40;
    /** sizeof(listNode): each block is a node of the replication buffer list. */
    private static final int LIST_NODE = 24;
    /** PROTO_REPLY_CHUNK_BYTES: the smallest block asked for. */
    private static final int MIN_BLOCK = 16 * 1024;
    /** REPL_BACKLOG_TRIM_BLOCKS_PER_CALL. */
    private static final int TRIM_BLOCKS_PER_CALL = 10;
    /** REPL_BACKLOG_INDEX_PER_BLOCKS: one entry of the blocks' rax index per this many blocks. */
    private static final int INDEX_PER_BLOCKS = 64;

    private static final class Block {
        final byte[] data;
        int used;
        final boolean indexed;

        Block(int capacity, boolean indexed) {
            data = new byte[capacity];
            this.indexed = indexed;
        }
    }

    private final ArrayDeque<Block> blocks = new ArrayDeque<>();
    /** repl-backlog-size as it is now: CONFIG SET applies to the next trim. */
    private final LongSupplier limit;
    /** master_repl_offset when the backlog was created: the bytes it can hold start after it. */
    private final long createdAt;
    private long histlen;
    /** server.repl_buffer_mem: the blocks' allocations and list nodes. */
    private long memory;
    private int unindexed;
    private int indexEntries;

    ReplicationBacklog(LongSupplier limit, long masterOffset) {
        this.limit = limit;
        this.createdAt = masterOffset;
    }

    /** INFO's repl_backlog_size. */
    long size() {
        return limit.getAsLong();
    }

    /** All of {@code bytes} as one piece: see {@link #append(byte[], int, int, long, long)}. */
    void append(byte[] bytes, long masterOffset, long pinnedByte) {
        append(bytes, 0, bytes.length, masterOffset, pinnedByte);
    }

    /**
     * feedReplicationBuffer: {@code length} bytes from {@code from} go into the last block, the
     * rest into a new one; then the backlog is trimmed. {@code masterOffset} is the stream's end
     * with these bytes, {@code pinnedByte} the oldest byte a replica still holds a block for.
     */
    void append(byte[] bytes, int from, int length, long masterOffset, long pinnedByte) {
        int copied = 0;
        Block tail = blocks.peekLast();
        if (tail != null && tail.used < tail.data.length) {
            copied = Math.min(length, tail.data.length - tail.used);
            System.arraycopy(bytes, from, tail.data, tail.used, copied);
            tail.used += copied;
        }
        // New blocks of at least 16 KB, and at most a sixteenth of the backlog (or 16 KB), so that
        // no huge block outlives the little of it still needed.
        long largest = Math.max(limit.getAsLong() / 16, MIN_BLOCK);
        while (copied < length) {
            int rest = length - copied;
            long usable = Jemalloc.sizeClass(Math.min(Math.max(rest, MIN_BLOCK), largest) + BLOCK_HEADER);
            boolean indexed = ++unindexed >= INDEX_PER_BLOCKS;
            if (indexed) {
                unindexed = 0;
                indexEntries++;
            }
            Block block = new Block((int) Math.min(usable - BLOCK_HEADER, Integer.MAX_VALUE - 16), indexed);
            block.used = Math.min(rest, block.data.length);
            System.arraycopy(bytes, from + copied, block.data, 0, block.used);
            copied += block.used;
            blocks.addLast(block);
            memory += usable + LIST_NODE;
        }
        histlen += length;
        trim(masterOffset, pinnedByte);
    }

    /**
     * incrementalTrimReplicationBacklog: the oldest blocks go while what is left still holds
     * repl-backlog-size bytes; never the last block, nor one a replica still refers to (the block
     * of the next byte it is to be sent, or of the last it was sent), at most ten a call.
     */
    void trim(long masterOffset, long pinnedByte) {
        long keep = limit.getAsLong();
        for (int trimmed = 0; trimmed < TRIM_BLOCKS_PER_CALL && histlen > keep && blocks.size() > 1; trimmed++) {
            Block first = blocks.peekFirst();
            if (histlen - first.data.length <= keep
                    || firstByteOffset(masterOffset) + first.data.length - 1 >= pinnedByte) {
                return;
            }
            blocks.removeFirst();
            histlen -= first.data.length;
            memory -= first.data.length + BLOCK_HEADER + LIST_NODE;
            if (first.indexed) {
                indexEntries--;
            }
        }
    }

    long histlen() {
        return histlen;
    }

    /** server.repl_buffer_mem, INFO's mem_total_replication_buffers. */
    long bufferMemory() {
        return memory;
    }

    /** What Redis adds for the blocks' rax index: a 4-byte node per level and 8 bytes an entry. */
    long indexMemory() {
        return 4L * (1 + 2L * indexEntries) + 8L * indexEntries;
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
        byte[] out = new byte[(int) (masterOffset - offset + 1)];
        long skip = offset - firstByteOffset(masterOffset);
        int at = 0;
        for (Iterator<Block> it = blocks.iterator(); it.hasNext() && at < out.length; ) {
            Block b = it.next();
            if (skip >= b.used) {
                skip -= b.used;
                continue;
            }
            int n = Math.min(b.used - (int) skip, out.length - at);
            System.arraycopy(b.data, (int) skip, out, at, n);
            at += n;
            skip = 0;
        }
        return out;
    }
}
