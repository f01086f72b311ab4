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
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PONG = "+PONG\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_BULK = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_RESP3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE_RESP3 = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE_RESP3 = "#f\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_ARRAY = "*0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DIGITS_MIN_LONG = "-9223372036854775808".getBytes(StandardCharsets.US_ASCII);

    private final ByteBufAllocator allocator;
    private ByteBuf out;
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
        return out == null ? 0 : out.readableBytes();
    }

    /** Hands over what has been written so far; null if nothing. */
    public ByteBuf take() {
        ByteBuf taken = out;
        out = null;
        return taken;
    }

    /** Drops anything written and not yet taken. */
    public void discard() {
        if (out != null) {
            out.release();
            out = null;
        }
    }

    /**
     * Replies are built in a heap buffer: a reply is many small writes, and each write to a direct
     * buffer pays the JDK's bounds and liveness checks, where a heap write is an array store. The
     * transport copies the whole batch to native memory once, as it writes it.
     */
    private ByteBuf buf() {
        if (out == null) {
            out = allocator.heapBuffer(256);
        }
        return out;
    }

    public void ok() {
        if (enabled) {
            buf().writeBytes(OK);
        }
    }

    /** PING's reply, pre-encoded like {@link #ok()}: health checks send little else. */
    public void pong() {
        if (enabled) {
            buf().writeBytes(PONG);
        }
    }

    public void simple(String text) {
        if (enabled) {
            ByteBuf b = buf();
            b.writeByte('+');
            b.writeCharSequence(text, StandardCharsets.UTF_8);
            b.writeBytes(CRLF);
        }
    }

    /** An error line; {@code message} starts with its code, e.g. {@code ERR syntax error}. */
    public void error(String message) {
        if (enabled) {
            ByteBuf b = buf();
            b.writeByte('-');
            // An error line may not contain newlines; Redis replaces them with spaces too.
            b.writeCharSequence(message.replace('\r', ' ').replace('\n', ' '), StandardCharsets.UTF_8);
            b.writeBytes(CRLF);
        }
    }

    public void integer(long value) {
        if (enabled) {
            ByteBuf b = buf();
            b.writeByte(':');
            writeDecimal(b, value);
            b.writeBytes(CRLF);
        }
    }

    public void bulk(byte[] value) {
        if (value == null) {
            nullBulk();
            return;
        }
        if (enabled) {
            ByteBuf b = buf();
            b.writeByte('$');
            writeDecimal(b, value.length);
            b.writeBytes(CRLF);
            b.writeBytes(value);
            b.writeBytes(CRLF);
        }
    }

    public void bulk(byte[] value, int offset, int length) {
        if (enabled) {
            ByteBuf b = buf();
            b.writeByte('$');
            writeDecimal(b, length);
            b.writeBytes(CRLF);
            b.writeBytes(value, offset, length);
            b.writeBytes(CRLF);
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
            buf().writeBytes(protocol == 3 ? NULL_RESP3 : NULL_BULK);
        }
    }

    /** The null array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() {
        if (enabled) {
            buf().writeBytes(protocol == 3 ? NULL_RESP3 : NULL_ARRAY);
        }
    }

    public void emptyArray() {
        if (enabled) {
            buf().writeBytes(EMPTY_ARRAY);
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
            buf().writeBytes(value ? TRUE_RESP3 : FALSE_RESP3);
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
            ByteBuf b = buf();
            b.writeByte(',');
            b.writeCharSequence(text, StandardCharsets.US_ASCII);
            b.writeBytes(CRLF);
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
            ByteBuf b = buf();
            b.writeByte('=');
            writeDecimal(b, body.length + 4);
            b.writeBytes(CRLF);
            b.writeCharSequence(format, StandardCharsets.US_ASCII);
            b.writeByte(':');
            b.writeBytes(body);
            b.writeBytes(CRLF);
        } else {
            bulk(body);
        }
    }

    /** Bytes already in RESP form, written as they are. */
    public void raw(byte[] encoded) {
        if (enabled) {
            buf().writeBytes(encoded);
        }
    }

    private void aggregateHeader(char type, long count) {
        if (enabled) {
            ByteBuf b = buf();
            b.writeByte(type);
            writeDecimal(b, count);
            b.writeBytes(CRLF);
        }
    }

    private void writeDecimal(ByteBuf b, long value) {
        if (value >= 0 && value < 10) {
            b.writeByte('0' + (int) value);
            return;
        }
        if (value == Long.MIN_VALUE) {
            b.writeBytes(DIGITS_MIN_LONG);
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
        b.writeBytes(scratch, pos, scratch.length - pos);
    }
}
