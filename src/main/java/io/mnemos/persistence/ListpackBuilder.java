package io.mnemos.persistence;

import io.mnemos.util.Numbers;

import java.util.Arrays;

/**
 * Builds a Redis 7.0 listpack blob (the RDB_TYPE_*_LISTPACK payload) by appending strings the way
 * lpAppend does: a string that is the canonical text of a long becomes the smallest integer entry,
 * any other string a 6, 12 or 32 bit length string entry; every entry ends with its back-length.
 * Writing packed values as Redis does keeps their encoding across DEBUG RELOAD and RESTORE (loading
 * checks only a listpack's entry count) and makes their DUMP payloads Redis's, byte for byte.
 */
final class ListpackBuilder {
    private static final int HEADER = 6;
    private byte[] buf = new byte[64];
    private int pos = HEADER;
    private int count;

    void append(byte[] s) {
        int start = pos;
        Long v = s.length <= 20 ? Numbers.string2ll(s) : null;
        if (v != null) {
            appendInteger(v);
        } else {
            int len = s.length;
            if (len < 64) {
                ensure(1 + len);
                buf[pos++] = (byte) (0x80 | len);
            } else if (len < 4096) {
                ensure(2 + len);
                buf[pos++] = (byte) (0xE0 | (len >> 8));
                buf[pos++] = (byte) len;
            } else {
                ensure(5 + len);
                buf[pos++] = (byte) 0xF0;
                writeLE(len, 4);
            }
            System.arraycopy(s, 0, buf, pos, len);
            pos += len;
        }
        appendBacklen(pos - start);
        count++;
    }

    /** lpEncodeIntegerGetType: 7 bit unsigned, 13 bit, then 16, 24, 32 or 64 bit signed. */
    private void appendInteger(long v) {
        ensure(9);
        if (v >= 0 && v <= 127) {
            buf[pos++] = (byte) v;
        } else if (v >= -4096 && v <= 4095) {
            long u = v < 0 ? (1 << 13) + v : v;
            buf[pos++] = (byte) (0xC0 | (u >> 8));
            buf[pos++] = (byte) u;
        } else if (v >= -32768 && v <= 32767) {
            buf[pos++] = (byte) 0xF1;
            writeLE(v, 2);
        } else if (v >= -8388608 && v <= 8388607) {
            buf[pos++] = (byte) 0xF2;
            writeLE(v, 3);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            buf[pos++] = (byte) 0xF3;
            writeLE(v, 4);
        } else {
            buf[pos++] = (byte) 0xF4;
            writeLE(v, 8);
        }
    }

    /** lpEncodeBacklen: the entry's length in 7 bit groups, most significant first, high bits set after the first. */
    private void appendBacklen(int len) {
        int groups = io.mnemos.store.RedisListpack.backlenSize(len);
        ensure(groups);
        for (int g = groups - 1; g >= 0; g--) {
            int bits = (len >>> (7 * g)) & 127;
            buf[pos++] = (byte) (g == groups - 1 ? bits : bits | 128);
        }
    }

    /** The blob: total bytes and element count (65535 when larger) in the header, 0xFF at the end. */
    byte[] build() {
        ensure(1);
        buf[pos++] = (byte) 0xFF;
        int total = pos;
        pos = 0;
        writeLE(total, 4);
        writeLE(Math.min(count, 65535), 2);
        return Arrays.copyOf(buf, total);
    }

    private void writeLE(long v, int n) {
        for (int k = 0; k < n; k++) {
            buf[pos++] = (byte) (v >>> (8 * k));
        }
    }

    private void ensure(int n) {
        if (pos + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }
}
