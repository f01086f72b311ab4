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

    /**
     * A reply buffer up to this size stays with the connection for its next replies, as Redis keeps
     * its 16 KB per-client buffer (PROTO_REPLY_CHUNK_BYTES); a bigger one is dropped once written.
     */
    private static final int KEPT_BYTES = 16 * 1024;
    private static final int INITIAL_BYTES = 256;

    private final ByteBufAllocator allocator;
    /**
     * Replies are encoded into a plain array; {@link #take()} copies the batch once into a buffer of
     * the transport's allocator (native memory for a socket).
     */
    private final RespBuffer out = new RespBuffer(INITIAL_BYTES, KEPT_BYTES);
    private int protocol = 2;
    /** While false, replies are dropped (CLIENT REPLY OFF / SKIP). */
    private boolean enabled = true;

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
        return out.length();
    }

    /** Hands over what has been written so far, in one buffer of the allocator; null if nothing. */
    public ByteBuf take() {
        return take(null);
    }

    /**
     * Hands over what has been written so far: first to {@code direct} (when not null), then what
     * it did not take in one buffer of the allocator; null if nothing is left.
     */
    public ByteBuf take(DirectOutput direct) {
        int length = out.length();
        int taken = length == 0 || direct == null ? 0 : direct.write(out.array(), length);
        ByteBuf rest = taken == length ? null : allocator.buffer(length - taken).writeBytes(out.array(), taken, length - taken);
        out.clear();
        return rest;
    }

    /** Hands over what has been written so far as bytes (a script reading its command's reply). */
    public byte[] takeBytes() {
        byte[] taken = out.toByteArray();
        out.clear();
        return taken;
    }

    /** Drops anything written and not yet taken. */
    public void discard() {
        out.clear();
    }

    public void ok() {
        if (enabled) {
            out.raw(OK);
        }
    }

    /** PING's reply, pre-encoded like {@link #ok()}: health checks send little else. */
    public void pong() {
        if (enabled) {
            out.raw(PONG);
        }
    }

    public void simple(String text) {
        if (enabled) {
            out.put('+');
            out.raw(text.getBytes(StandardCharsets.UTF_8));
            out.crlf();
        }
    }

    /** An error line; {@code message} starts with its code, e.g. {@code ERR syntax error}. */
    public void error(String message) {
        if (enabled) {
            out.put('-');
            // An error line may not contain newlines; Redis replaces them with spaces too.
            out.raw(message.replace('\r', ' ').replace('\n', ' ').getBytes(StandardCharsets.UTF_8));
            out.crlf();
        }
    }

    public void integer(long value) {
        if (enabled) {
            out.header(':', value);
        }
    }

    public void bulk(byte[] value) {
        if (value == null) {
            nullBulk();
            return;
        }
        if (enabled) {
            out.bulk(value);
        }
    }

    public void bulk(byte[] value, int offset, int length) {
        if (enabled) {
            out.bulk(value, offset, length);
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
            out.raw(protocol == 3 ? NULL_RESP3 : NULL_BULK);
        }
    }

    /** The null array: {@code *-1} in RESP2, {@code _} in RESP3. */
    public void nullArray() {
        if (enabled) {
            out.raw(protocol == 3 ? NULL_RESP3 : NULL_ARRAY);
        }
    }

    public void emptyArray() {
        if (enabled) {
            out.raw(EMPTY_ARRAY);
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
            out.raw(value ? TRUE_RESP3 : FALSE_RESP3);
        } else {
            integer(value ? 1 : 0);
        }
    }

    /** A double in Redis's %.17g form: a RESP3 double, a bulk string in RESP2. */
    public void doubleValue(double value) {
        if (!enabled) {
            return;
        }
        doubleText(RedisDoubles.format(value));
    }

    /**
     * A double already formatted by the caller (Redis's addReplyHumanLongDouble, GEOPOS's
     * coordinates): a RESP3 double, a bulk string in RESP2.
     */
    public void doubleText(String text) {
        if (!enabled) {
            return;
        }
        if (protocol == 3) {
            out.put(',');
            out.raw(text.getBytes(StandardCharsets.US_ASCII));
            out.crlf();
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
            out.header('=', body.length + 4);
            out.raw(format.getBytes(StandardCharsets.US_ASCII));
            out.put(':');
            out.raw(body);
            out.crlf();
        } else {
            bulk(body);
        }
    }

    /** Bytes already in RESP form, written as they are. */
    public void raw(byte[] encoded) {
        if (enabled) {
            out.raw(encoded);
        }
    }

    private void aggregateHeader(char type, long count) {
        if (enabled) {
            out.header(type, count);
        }
    }
}
