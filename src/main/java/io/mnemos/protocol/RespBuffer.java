package io.mnemos.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A reusable growable byte array that RESP is encoded into: a connection's replies
 * ({@link ReplyWriter}) and the commands of the append-only file (catAppendOnlyGenericCommand).
 * Encoding is plain array stores, where a Netty buffer write pays bounds and reference-count checks.
 */
public final class RespBuffer {
    private static final byte[] NONE = new byte[0];
    private static final byte[] DIGITS_MIN_LONG = "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /** The largest array the JVM reliably allocates. */
    private static final int MAX_BYTES = Integer.MAX_VALUE - 16;

    private final int initialBytes;
    private final int keptBytes;
    private byte[] buf = NONE;
    private int len;

    /**
     * @param initialBytes the array allocated at the first write
     * @param keptBytes    an array grown beyond this is dropped by {@link #clear()}, so a burst does
     *                     not keep its memory
     */
    public RespBuffer(int initialBytes, int keptBytes) {
        this.initialBytes = initialBytes;
        this.keptBytes = keptBytes;
    }

    public int length() {
        return len;
    }

    public byte[] array() {
        return buf;
    }

    public void clear() {
        len = 0;
        if (buf.length > keptBytes) {
            buf = NONE;
        }
    }

    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    /**
     * More bytes than one Java array holds (about 2 GB): a reply Redis would stream from its reply
     * list (HRANDFIELD key -4611686018427387904, a huge LRANGE) cannot be buffered here.
     */
    public static final class TooLarge extends IllegalStateException {
        TooLarge(long bytes) {
            super("RESP of " + bytes + " bytes is too large to buffer (the largest is " + MAX_BYTES + ")");
        }
    }

    private void ensure(int extra) {
        if (extra > buf.length - len) {
            grow(extra);
        }
    }

    private void grow(int extra) {
        long needed = (long) len + extra;
        if (needed > MAX_BYTES) {
            throw new TooLarge(needed);
        }
        long doubled = Math.max(initialBytes, 2L * buf.length);
        buf = Arrays.copyOf(buf, (int) Math.min(MAX_BYTES, Math.max(needed, doubled)));
    }

    /** The bytes {@link #command} writes for {@code argv}: what the request took on the wire. */
    public static long commandLength(byte[][] argv) {
        long n = 1 + Long.toString(argv.length).length() + 2;
        for (byte[] a : argv) {
            n += 1 + Long.toString(a.length).length() + 2 + a.length + 2;
        }
        return n;
    }

    /** A command: an array of bulk strings. */
    public void command(byte[][] argv) {
        header('*', argv.length);
        for (byte[] a : argv) {
            bulk(a);
        }
    }

    public void arrayHeader(int n) {
        header('*', n);
    }

    public void bulk(byte[] a) {
        bulk(a, 0, a.length);
    }

    public void bulk(byte[] a, int offset, int count) {
        header('$', count);
        raw(a, offset, count);
        crlf();
    }

    /** Bytes written as they are. */
    public void raw(byte[] a) {
        raw(a, 0, a.length);
    }

    public void raw(byte[] a, int offset, int count) {
        ensure(count);
        System.arraycopy(a, offset, buf, len, count);
        len += count;
    }

    public void put(int b) {
        ensure(1);
        buf[len++] = (byte) b;
    }

    public void crlf() {
        ensure(2);
        buf[len] = '\r';
        buf[len + 1] = '\n';
        len += 2;
    }

    /** A type byte, a decimal and CRLF: {@code *3}, {@code $5}, {@code :42}. */
    public void header(char type, long n) {
        ensure(24);
        buf[len++] = (byte) type;
        decimal(n);
        buf[len++] = '\r';
        buf[len++] = '\n';
    }

    /** Room for 20 bytes has been made. */
    private void decimal(long v) {
        if (v >= 0 && v < 10) {
            buf[len++] = (byte) ('0' + v);
            return;
        }
        if (v == Long.MIN_VALUE) {
            System.arraycopy(DIGITS_MIN_LONG, 0, buf, len, DIGITS_MIN_LONG.length);
            len += DIGITS_MIN_LONG.length;
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
