package io.mnemos.replication;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backlog keeps the stream's tail by offset, in Redis 7.0's replication buffer blocks: 16 KB
 * asked for, 20480 bytes handed out by jemalloc, of which 20440 hold data.
 */
class ReplicationBacklogTest {
    private static final int BLOCK_DATA = 20480 - 40;
    private static final int BLOCK_MEMORY = 20480 + 24;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The stream's end: each append moves it on. */
    private long end;

    private void append(ReplicationBacklog backlog, byte[] bytes) {
        end += bytes.length;
        backlog.append(bytes, end, Long.MAX_VALUE);
    }

    private static byte[] filled(int n, char c) {
        byte[] bytes = new byte[n];
        Arrays.fill(bytes, (byte) c);
        return bytes;
    }

    @Test
    void servesTheBytesItHoldsByOffset() {
        end = 100;
        ReplicationBacklog backlog = new ReplicationBacklog(() -> 1 << 20, 100); // created at master offset 100
        assertTrue(backlog.covers(101, 100), "a replica at the very end continues with nothing");
        assertEquals(0, backlog.since(101, 100).length);
        append(backlog, b("0123456789")); // bytes 101..110
        assertEquals("56789", new String(backlog.since(106, 110), StandardCharsets.US_ASCII));
        append(backlog, b("abcdefghij")); // 111..120
        assertEquals(20, backlog.histlen());
        assertEquals(101, backlog.firstByteOffset(120));
        assertFalse(backlog.covers(100, 120), "before the backlog began: a full resync");
        assertFalse(backlog.covers(122, 120), "an offset beyond the stream");
        assertEquals("hij", new String(backlog.since(118, 120), StandardCharsets.US_ASCII));
        assertEquals(BLOCK_MEMORY, backlog.bufferMemory(), "one block so far");
    }

    @Test
    void theOldestBlockGoesOnceTheRestHoldsTheBacklogSize() {
        ReplicationBacklog backlog = new ReplicationBacklog(() -> 16384, 0);
        append(backlog, filled(BLOCK_DATA - 5, 'a'));
        append(backlog, filled(10, 'b')); // 5 fill the first block, 5 start the second
        assertEquals(2 * BLOCK_MEMORY, backlog.bufferMemory());
        assertEquals(BLOCK_DATA + 5, backlog.histlen(), "without the first block only 5 bytes would be left");
        append(backlog, filled(16384 - 5, 'c'));
        assertEquals(BLOCK_DATA + 16384, backlog.histlen(), "16384 without the first: still not more than the size");
        append(backlog, b("d"));
        // 16385 bytes are held without the first block: it goes, the backlog is one block.
        assertEquals(16385, backlog.histlen());
        assertEquals(BLOCK_MEMORY, backlog.bufferMemory());
        assertEquals(BLOCK_DATA + 1, backlog.firstByteOffset(BLOCK_DATA + 16385), "the second block's first byte");
        byte[] held = backlog.since(backlog.firstByteOffset(BLOCK_DATA + 16385), BLOCK_DATA + 16385);
        assertEquals('b', held[0]);
        assertEquals('d', held[held.length - 1]);
    }

    @Test
    void aWriteBiggerThanABlockGetsABlockOfItsOwnAndReadsSpanBlocks() {
        ReplicationBacklog backlog = new ReplicationBacklog(() -> 1 << 20, 0);
        append(backlog, filled(100, 'a'));
        byte[] big = filled(50_000, 'b');
        big[big.length - 1] = 'z';
        append(backlog, big);
        // The first block takes what fits; the remaining 29540 bytes ask for their own size:
        // 29580 with the header, served from jemalloc's 32768-byte class.
        assertEquals(BLOCK_MEMORY + 32768 + 24, backlog.bufferMemory());
        byte[] all = backlog.since(1, 50_100);
        assertEquals(50_100, all.length);
        assertEquals('a', all[99]);
        assertArrayEquals(big, Arrays.copyOfRange(all, 100, 50_100));
    }

    @Test
    void aBlockAReplicaStillRefersToIsKept() {
        ReplicationBacklog backlog = new ReplicationBacklog(() -> 16384, 0);
        append(backlog, filled(BLOCK_DATA, 'a'));
        end += 16385;
        // A replica was last sent byte 100, in the first block: it stays though the rest would do.
        backlog.append(filled(16385, 'b'), end, 100);
        assertEquals(BLOCK_DATA + 16385, backlog.histlen());
        // Its writes moved it on to the second block: now the first goes.
        backlog.trim(end, end);
        assertEquals(16385, backlog.histlen());
    }

    @Test
    void noBlockIsBiggerThanASixteenthOfTheBacklogOr16Kb() {
        // What redis-server 7.0 showed for SELECT and a SET of 50000 bytes with the smallest backlog:
        // three 16 KB blocks, the first trimmed, 29616 bytes held in two.
        ReplicationBacklog backlog = new ReplicationBacklog(() -> 16384, 0);
        append(backlog, filled(50_056, 'x'));
        assertEquals(29_616, backlog.histlen());
        assertEquals(2 * BLOCK_MEMORY, backlog.bufferMemory());
    }
}
