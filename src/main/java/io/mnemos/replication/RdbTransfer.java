package io.mnemos.replication;

import io.mnemos.persistence.TempFile;
import io.netty.buffer.ByteBuf;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The RDB of a full sync as it arrives (readSyncBulkPayload): after a {@code $<length>} header that
 * many bytes, after a diskless {@code $EOF:<40-byte mark>} header the bytes up to the mark. A
 * disk-based load writes it to a temporary file as it comes, as a Redis replica does, so its size is
 * bounded by the disk only; the diskless loads hold it in memory (in chunks). What follows it in
 * the same read is the command stream, left to the caller.
 */
final class RdbTransfer implements AutoCloseable {
    static final int EOF_MARK_SIZE = 40;
    private static final int FILE_BUFFER = 64 * 1024;

    /** The mark ending a diskless transfer, or null for one of a known length. */
    private final byte[] eofMark;
    /** repl_transfer_size: the announced length, 0 with an EOF mark. */
    private final long size;
    /** repl_transfer_read: bytes taken from the link, the EOF mark included. */
    private long read;
    /** Bytes of the RDB passed on to {@link #out}. */
    private long length;
    private boolean complete;
    /** The temporary file of a disk-based load, or null. */
    private final TempFile file;
    /** The RDB held in memory when there is no file. */
    private final Received memory;
    private final OutputStream out;
    /** With an EOF mark: the last bytes received, which may begin the mark, not yet passed on. */
    private final byte[] tail = new byte[EOF_MARK_SIZE - 1];
    private int tailLength;
    /** Scratch of the mark search: the tail followed by a read. */
    private byte[] window = new byte[0];

    private RdbTransfer(byte[] eofMark, long size, TempFile file) {
        this.eofMark = eofMark;
        this.size = size;
        this.file = file;
        if (file != null) {
            this.memory = null;
            this.out = new BufferedOutputStream(file.stream(), FILE_BUFFER);
        } else {
            this.memory = new Received(size);
            this.out = memory;
        }
        this.complete = eofMark == null && size == 0;
    }

    /** The transfer a bulk header announces ({@code line} starts with '$'), held in memory. */
    static RdbTransfer announcedBy(String line) {
        return announcedBy(line, null);
    }

    /** The transfer a bulk header announces, written to {@code file} (null: held in memory). */
    static RdbTransfer announcedBy(String line, TempFile file) {
        if (line.startsWith("$EOF:") && line.length() >= 5 + EOF_MARK_SIZE) {
            return new RdbTransfer(line.substring(5, 5 + EOF_MARK_SIZE).getBytes(StandardCharsets.US_ASCII), 0, file);
        }
        return new RdbTransfer(null, Long.parseLong(line.substring(1)), file);
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

    /** Takes the RDB's bytes from {@code in}; true once the RDB is complete (and flushed). */
    boolean receive(ByteBuf in) throws IOException {
        if (eofMark == null) {
            int n = (int) Math.min(in.readableBytes(), size - read);
            in.readBytes(out, n);
            read += n;
            length += n;
            complete = read == size;
        } else {
            complete = receiveUpToMark(in);
        }
        if (complete) {
            out.flush();
        }
        return complete;
    }

    /**
     * The mark may straddle reads: the search runs over the kept tail and this read, and up to 39
     * bytes at the end (a possible start of the mark) are kept back for the next one.
     */
    private boolean receiveUpToMark(ByteBuf in) throws IOException {
        int n = in.readableBytes();
        int total = tailLength + n;
        if (window.length < total) {
            window = new byte[Math.max(total, 16 * 1024)];
        }
        System.arraycopy(tail, 0, window, 0, tailLength);
        in.getBytes(in.readerIndex(), window, tailLength, n);
        int mark = indexOfMark(total);
        if (mark >= 0) {
            out.write(window, 0, mark);
            length += mark;
            int used = mark + EOF_MARK_SIZE - tailLength;
            in.skipBytes(used);
            read += used;
            tailLength = 0;
            return true;
        }
        int keep = Math.min(total, EOF_MARK_SIZE - 1);
        out.write(window, 0, total - keep);
        length += total - keep;
        System.arraycopy(window, total - keep, tail, 0, keep);
        tailLength = keep;
        in.skipBytes(n);
        read += n;
        return false;
    }

    /** Where the EOF mark starts in window[0, end), or -1. */
    private int indexOfMark(int end) {
        for (int i = 0; i + EOF_MARK_SIZE <= end; i++) {
            if (window[i] == eofMark[0] && Arrays.equals(window, i, i + EOF_MARK_SIZE, eofMark, 0, EOF_MARK_SIZE)) {
                return i;
            }
        }
        return -1;
    }

    /** The RDB received in memory (once complete). */
    InputStream payload() {
        return memory.input();
    }

    /** Bytes of the RDB (the EOF mark not counted). */
    long length() {
        return length;
    }

    /** Written to a temporary file (a disk-based load), not held in memory. */
    boolean onDisk() {
        return file != null;
    }

    /** A disk-based load's file, complete: fsynced and renamed over the dump file. */
    void install() throws IOException {
        file.syncAndRename();
    }

    /** Drops what was received: a temporary file that was not installed is deleted. */
    @Override
    public void close() {
        if (file != null) {
            file.close();
        }
    }

    /** The growable array the diskless loads receive into, read back without a copy. */
    /**
     * The RDB of a diskless load, in chunks of up to {@value #CHUNK} bytes: no 2 GB ceiling as one
     * array has, and no copy of everything received each time a single array would double.
     */
    private static final class Received extends OutputStream {
        private static final int CHUNK = 1 << 20;
        private final List<byte[]> chunks = new ArrayList<>();
        private byte[] current;
        private int used;

        Received(long expected) {
            current = new byte[(int) Math.min(Math.max(expected, 1 << 16), CHUNK)];
        }

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            while (len > 0) {
                if (used == current.length) {
                    chunks.add(current);
                    current = new byte[CHUNK];
                    used = 0;
                }
                int n = Math.min(len, current.length - used);
                System.arraycopy(b, off, current, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        InputStream input() {
            List<InputStream> parts = new ArrayList<>(chunks.size() + 1);
            for (byte[] chunk : chunks) {
                parts.add(new ByteArrayInputStream(chunk));
            }
            parts.add(new ByteArrayInputStream(current, 0, used));
            return new SequenceInputStream(Collections.enumeration(parts));
        }
    }
}
