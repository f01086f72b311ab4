package io.mnemos.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Buffered reading of RDB bytes with the running CRC64 of everything consumed. */
final class RdbInput {
    private final InputStream in;
    private final byte[] buf;
    private int pos;
    private int limit;
    /** Bytes of buf before this index are already in {@link #crc}. */
    private int crcPos;
    private long crc;
    private long consumedBefore;

    RdbInput(InputStream in) {
        this.in = in;
        this.buf = new byte[1 << 16];
    }

    RdbInput(byte[] data, int length) {
        this.in = null;
        this.buf = data;
        this.limit = length;
    }

    long position() {
        return consumedBefore + pos;
    }

    private void fill(int need) {
        if (in == null) {
            throw new RdbFormatException("Unexpected EOF reading RDB file");
        }
        crc = Crc64.update(crc, buf, crcPos, pos - crcPos);
        int remaining = limit - pos;
        System.arraycopy(buf, pos, buf, 0, remaining);
        consumedBefore += pos;
        pos = 0;
        crcPos = 0;
        limit = remaining;
        try {
            while (limit < need) {
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    throw new RdbFormatException("Unexpected EOF reading RDB file");
                }
                limit += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int readByte() {
        if (pos >= limit) {
            fill(1);
        }
        return buf[pos++] & 0xff;
    }

    void readFully(byte[] dst, int off, int len) {
        while (len > 0) {
            if (pos >= limit) {
                fill(1);
            }
            int n = Math.min(len, limit - pos);
            System.arraycopy(buf, pos, dst, off, n);
            pos += n;
            off += n;
            len -= n;
        }
    }

    byte[] read(int len) {
        if (len < 0) {
            throw new RdbFormatException("Invalid length");
        }
        byte[] b = new byte[len];
        readFully(b, 0, len);
        return b;
    }

    long readLongLE() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) readByte() << (8 * i);
        }
        return v;
    }

    int readIntLE() {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= readByte() << (8 * i);
        }
        return v;
    }

    /** CRC64 of every byte consumed so far. */
    long crc() {
        crc = Crc64.update(crc, buf, crcPos, pos - crcPos);
        crcPos = pos;
        return crc;
    }
}
