package io.mnemos.replication;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The RDB of a full sync as it arrives (readSyncBulkPayload): after a {@code $<length>} header that
 * many bytes, after a diskless {@code $EOF:<40-byte mark>} header the bytes up to the mark. Held in
 * memory; what follows it in the same read is the command stream, left to the caller.
 */
final class RdbTransfer {
    static final int EOF_MARK_SIZE = 40;

    /** The mark ending a diskless transfer, or null for one of a known length. */
    private final byte[] eofMark;
    /** repl_transfer_size: the announced length, 0 with an EOF mark. */
    private final long size;
    /** repl_transfer_read. */
    private long read;
    private byte[] rdb;
    private int length;
    private boolean complete;

    private RdbTransfer(byte[] eofMark, long size) {
        this.eofMark = eofMark;
        this.size = size;
        this.rdb = new byte[(int) Math.min(Math.max(size, 1 << 16), Integer.MAX_VALUE - 16)];
        this.complete = eofMark == null && size == 0;
    }

    /** The transfer a bulk header announces ({@code line} starts with '$'). */
    static RdbTransfer announcedBy(String line) {
        if (line.startsWith("$EOF:") && line.length() >= 5 + EOF_MARK_SIZE) {
            return new RdbTransfer(line.substring(5, 5 + EOF_MARK_SIZE).getBytes(StandardCharsets.US_ASCII), 0);
        }
        return new RdbTransfer(null, Long.parseLong(line.substring(1)));
    }

    boolean eofMarked() {
        return eofMark != null;
    }

    long size() {
        return size;
    }

    long read() {
        return read;
    }

    boolean complete() {
        return complete;
    }

    /** Takes the RDB's bytes from {@code in}; true once the RDB is complete. */
    boolean receive(ByteBuf in) {
        int n = eofMark == null ? (int) Math.min(in.readableBytes(), size - length) : in.readableBytes();
        if (length + n > rdb.length) {
            rdb = Arrays.copyOf(rdb, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(rdb.length * 2L, (long) length + n)));
        }
        in.getBytes(in.readerIndex(), rdb, length, n);
        if (eofMark == null) {
            in.skipBytes(n);
            length += n;
            read += n;
            complete = length == size;
            return complete;
        }
        // The mark may straddle two reads: the search starts in the tail of what came before.
        int mark = indexOfMark(Math.max(0, length - (EOF_MARK_SIZE - 1)), length + n);
        int used = mark < 0 ? n : mark + EOF_MARK_SIZE - length;
        in.skipBytes(used);
        read += used;
        if (mark < 0) {
            length += n;
            return false;
        }
        length = mark;
        complete = true;
        return true;
    }

    /** Where the EOF mark starts in rdb[from, end), or -1. */
    private int indexOfMark(int from, int end) {
        for (int i = from; i + EOF_MARK_SIZE <= end; i++) {
            if (rdb[i] == eofMark[0] && Arrays.equals(rdb, i, i + EOF_MARK_SIZE, eofMark, 0, EOF_MARK_SIZE)) {
                return i;
            }
        }
        return -1;
    }

    /** The RDB received (once complete). */
    InputStream payload() {
        return new ByteArrayInputStream(rdb, 0, length);
    }

    int length() {
        return length;
    }
}
