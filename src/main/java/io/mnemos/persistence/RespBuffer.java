package io.mnemos.persistence;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** A reusable growable byte buffer that encodes commands as RESP arrays of bulk strings (catAppendOnlyGenericCommand). */
final class RespBuffer {
    private byte[] buf;
    private int len;

    RespBuffer(int initial) {
        buf = new byte[initial];
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    void clear() {
        len = 0;
        if (buf.length > 4 * 1024 * 1024) {
            buf = new byte[64 * 1024]; // don't keep a huge buffer after a burst
        }
    }

    ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
        }
    }

    void command(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            bulk(a);
        }
    }

    void arrayHeader(int n) {
        header('*', n);
    }

    void bulk(byte[] a) {
        header('$', a.length);
        ensure(a.length + 2);
        System.arraycopy(a, 0, buf, len, a.length);
        len += a.length;
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    void raw(byte[] a) {
        ensure(a.length);
        System.arraycopy(a, 0, buf, len, a.length);
        len += a.length;
    }

    private void header(char type, long n) {
        ensure(24);
        buf[len++] = (byte) type;
        writeLong(n);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    private void writeLong(long v) {
        if (v == 0) {
            buf[len++] = '0';
            return;
        }
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        while (v > 0) {
            buf[len++] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }
}
