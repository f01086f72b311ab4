package io.mnemos.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Encodes replies for one connection into a buffer that is flushed once per read batch. The same
 * calls produce RESP2 or RESP3 depending on the protocol the client negotiated with HELLO, so
 * command code never branches on the protocol: maps become flat arrays, sets plain arrays, doubles
 * bulk strings, booleans integers and the null type {@code $-1} or {@code *-1} in RESP2.
 */
public final class ReplyWriter {
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_RESP3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE_RESP3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE_RESP3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGITS_MIN_LONG = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    /**
     * A reply buffer up to this size stays with the connection for its next replies, as Redis keeps
     * its 16 KB per-client buffer (PROTO_REPLY_CHUNK_BYTES); a bigger one is dropped once written.
     */
    private static final int KEPT_BYTES = 16 * 1024;
    private static final int INITIAL_BYTES = 256;
    private static final byte[] NONE = new byte[0];

    private final ByteBufAllocator allocator;
    /**
     * Replies are built in a plain array: a reply is many small writes, each an array store here,
     * where a buffer write pays bounds, reference-count and (direct) liveness checks. {@link #take()}
     * copies the batch once into a buffer of the transport's allocator (native memory for a socket).
     */
    private byte[] out = NONE;
    private int length;
    private int protocol = 2;
    /** While false, replies are dropped (CLIENT REPLY OFF / SKIP). */
    private boolean enabled = true;
    private final byte[] scratch = new byte[20];

    public ReplyWriter(ByteBufAllocator allocator) {
        this.allocator = allocator;
    }

    public int protocol() {
        return protocol;
    }

    public void protocol(int protocol) {
        this.protocol = protocol;
    }

    public boolean resp3() {
        return protocol == 3;
    }

    public void enabled(boolean enabled) {
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /** Bytes written since the last {@link #take()}. */
    public int pendingBytes() {
        return length;
    }

    /** Hands over what has been written so far, in one buffer of the allocator; null if nothing. */
    public ByteBuf take() {
        if (length == 0) {
            return null;
        }
        ByteBuf taken = allocator.buffer(length).writeBytes(out, 0, length);
        reset();
        return taken;
    }

    /** Hands over what has been written so far as bytes (a script reading its command's reply). */
    public byte[] takeBytes() {
        byte[] taken = java.util.Arrays.copyOf(out, length);
        reset();
        return taken;
    }

    /** Drops anything written and not yet taken. */
    public void discard() {
        reset();
    }

    private void reset() {
        length = 0;
        if (out.length > KEPT_BYTES) {
            out = NONE;
        }
    }

    /** Makes room for {@code n} more bytes. */
    private void room(int n) {
        if (n > out.length - length) {
            grow(n);
        }
    }

    private void grow(int n) {
        long needed = (long) length + n;
        if (needed > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("reply of " + needed + " bytes is too large to buffer");
        }
        long doubled = Math.max(INITIAL_BYTES, 2L * out.length);
        out = java.util.Arrays.copyOf(out, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(needed, doubled)));
    }

    private void put(int b) {
        room(1);
        out[length++] = (byte) b;
    }

    private void put(byte[] bytes) {
        put(bytes, 0, bytes.length);
    }

    private void put(byte[] bytes, int offset, int count) {
        room(count);
        System.arraycopy(bytes, offset, out, length, count);
        length += count;
    }

    private void crlf() {
        room(2);
        out[length] = '\r';
        out[length + 1] = '\n';
        length += 2;
    }

    public void ok() {
        if (enabled) {
            put(OK);
        }
    }

    /** PING's reply, pre-encoded like {@link #ok()}: health checks send little else. */
    public void pong() {
        if (enabled) {
            put(PONG);
        }
    }

    public void simple(String text) {
        if (enabled) {
            put('+');
            put(text.getBytes(StandardCharsets.UTF_8));
            crlf();
        }
    }

    /** An error line; {@code message} starts with its code, e.g. {@code ERR syntax error}. */
    public void error(String message) {
        if (enabled) {
            put('-');
            // An error line may not contain newlines; Redis replaces them with spaces too.
            put(message.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
            crlf();
        }
    }

    public void integer(long value) {
        if (enabled) {
            put(':');
            decimal(value);
            crlf();
        }
    }

    public void bulk(byte[] value) {
        if (value == null) {
            nullBulk();
            return;
        }
        if (enabled) {
            put('$');
            decimal(value.length);
            crlf();
            put(value);
            crlf();
        }
    }

    public void bulk(byte[] value, int offset, int length) {
        if (enabled) {
            put('$');
            decimal(length);
            crlf();
            put(value, offset, length);
            crlf();
        }
    }

    public void bulk(String value) {
        bulk(value.getBytes(StandardCharsets.UTF_8));
    }

    /** An integer sent as a bulk string, as Redis does for INCRBYFLOAT-style replies. */
    public void bulk(long value) {
        bulk(io.mnemos.util.Numbers.toBytes(value));
    }

    /** The null bulk string: {@code $-1} in RESP2, {@code _} in RESP3. */
    public void nullBulk() {
        if (enabled) {
            put(protocol == 3 ? NULL_RESP3 : NULL_BULK);
        }
    }

    /** The null array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() {
        if (enabled) {
            put(protocol == 3 ? NULL_RESP3 : NULL_ARRAY);
        }
    }

    public void emptyArray() {
        if (enabled) {
            put(EMPTY_ARRAY);
        }
    }

    public void arrayHeader(long count) {
        aggregateHeader('*', count);
    }

    /** A map of {@code pairs} key/value pairs; a flat array of twice as many items in RESP2. */
    public void mapHeader(long pairs) {
        if (protocol == 3) {
            aggregateHeader('%', pairs);
        } else {
            aggregateHeader('*', pairs * 2);
        }
    }

    public void setHeader(long count) {
        aggregateHeader(protocol == 3 ? '~' : '*', count);
    }

    /** An out-of-band push frame (RESP3); a plain array in RESP2, as Redis sends pub/sub messages. */
    public void pushHeader(long count) {
        aggregateHeader(protocol == 3 ? '>' : '*', count);
    }

    /** An attribute-free RESP3 boolean; {@code :1}/{@code :0} in RESP2. */
    public void bool(boolean value) {
        if (!enabled) {
            return;
        }
        if (protocol == 3) {
            put(value ? TRUE_RESP3 : FALSE_RESP3);
        } else {
            integer(value ? 1 : 0);
        }
    }

    /** A double in Redis's %.17g form: a RESP3 double, a bulk string in RESP2. */
    public void doubleValue(double value) {
        if (!enabled) {
            return;
        }
        String text = RedisDoubles.format(value);
        if (protocol == 3) {
            put(',');
            put(text.getBytes(StandardCharsets.US_ASCII));
            crlf();
        } else {
            bulk(text.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A RESP3 verbatim string ({@code =len\r\ntxt:...}); a bulk string in RESP2. */
    public void verbatim(String format, String text) {
        if (!enabled) {
            return;
        }
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        if (protocol == 3) {
            put('=');
            decimal(body.length + 4);
            crlf();
            put(format.getBytes(StandardCharsets.US_ASCII));
            put(':');
            put(body);
            crlf();
        } else {
            bulk(body);
        }
    }

    /** Bytes already in RESP form, written as they are. */
    public void raw(byte[] encoded) {
        if (enabled) {
            put(encoded);
        }
    }

    private void aggregateHeader(char type, long count) {
        if (enabled) {
            put(type);
            decimal(count);
            crlf();
        }
    }

    private void decimal(long value) {
        if (value >= 0 && value < 10) {
            put('0' + (int) value);
            return;
        }
        if (value == Long.MIN_VALUE) {
            put(DIGITS_MIN_LONG);
            return;
        }
        boolean negative = value < 0;
        long v = negative ? -value : value;
        int pos = scratch.length;
        while (v > 0) {
            scratch[--pos] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        if (negative) {
            scratch[--pos] = '-';
        }
        put(scratch, pos, scratch.length - pos);
    }
}
