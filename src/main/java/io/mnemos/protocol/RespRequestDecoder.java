package io.mnemos.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Resumable state machine for client requests: RESP multibulk ({@code *N\r\n$L\r\n...}) and inline
 * commands ({@code SET a b\n}), following Redis's {@code processMultibulkBuffer} and
 * {@code processInlineBuffer} so that limits and error texts match.
 *
 * <p>Header lines are only consumed once complete, so the caller keeps the unread tail of the
 * buffer between reads. Bulk payloads are copied exactly once, straight from the network buffer
 * into the argument array, and a bulk split across reads is filled in place rather than
 * re-accumulated.
 */
public final class RespRequestDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: the longest header or inline line accepted. */
    public static final int INLINE_MAX_SIZE = 64 * 1024;

    private long maxBulkLength;

    private byte[][] argv;
    private int argIndex;
    /** Bulk currently being filled, or null when the next thing to read is a {@code $} header. */
    private byte[] bulk;
    private int bulkFilled;
    /** The two bytes after a bulk that Redis skips without checking, still to be skipped. */
    private int trailerToSkip;

    public RespRequestDecoder(long maxBulkLength) {
        this.maxBulkLength = maxBulkLength;
    }

    public void maxBulkLength(long maxBulkLength) {
        this.maxBulkLength = maxBulkLength;
    }

    /** Bytes held by a partially read request, counted against the query buffer limit. */
    public long pendingBytes() {
        return bulk == null ? 0 : bulk.length;
    }

    /**
     * Decodes every complete request in {@code in}, handing each to {@code sink}. Leaves an
     * incomplete header line unread.
     */
    public void decode(ByteBuf in, RequestSink sink) throws ProtocolException {
        while (in.isReadable()) {
            if (argv == null) {
                if (in.getByte(in.readerIndex()) == '*') {
                    if (!readMultibulkHeader(in)) {
                        return;
                    }
                    continue;
                }
                byte[][] inline = readInline(in);
                if (inline == null) {
                    return;
                }
                if (inline.length > 0 && !sink.onRequest(inline)) {
                    return;
                }
                continue;
            }
            if (!readBulk(in)) {
                return;
            }
            if (argIndex == argv.length) {
                byte[][] request = argv;
                argv = null;
                if (!sink.onRequest(request)) {
                    return;
                }
            }
        }
    }

    private boolean readMultibulkHeader(ByteBuf in) throws ProtocolException {
        int cr = findCrLf(in, "too big mbulk count string");
        if (cr < 0) {
            return false;
        }
        long count = parseLength(in, in.readerIndex() + 1, cr);
        if (count == Long.MIN_VALUE || count > Integer.MAX_VALUE) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        in.readerIndex(cr + 2);
        if (count > 0) {
            // Redis caps the preallocation the same way: a huge count alone must not reserve memory.
            argv = new byte[(int) count][];
            argIndex = 0;
        }
        return true;
    }

    private boolean readBulk(ByteBuf in) throws ProtocolException {
        if (bulk == null && trailerToSkip == 0) {
            int cr = findCrLf(in, "too big bulk count string");
            if (cr < 0) {
                return false;
            }
            byte first = in.getByte(in.readerIndex());
            if (first != '$') {
                throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
            }
            long length = parseLength(in, in.readerIndex() + 1, cr);
            if (length == Long.MIN_VALUE || length < 0 || length > maxBulkLength) {
                throw new ProtocolException("Protocol error: invalid bulk length");
            }
            in.readerIndex(cr + 2);
            bulk = new byte[(int) length];
            bulkFilled = 0;
        }
        if (bulk != null) {
            int n = Math.min(bulk.length - bulkFilled, in.readableBytes());
            in.readBytes(bulk, bulkFilled, n);
            bulkFilled += n;
            if (bulkFilled < bulk.length) {
                return false;
            }
            argv[argIndex++] = bulk;
            bulk = null;
            trailerToSkip = 2;
        }
        int skip = Math.min(trailerToSkip, in.readableBytes());
        in.skipBytes(skip);
        trailerToSkip -= skip;
        return trailerToSkip == 0;
    }

    /**
     * Index of the {@code \r} ending the header at the reader index, once the byte after it has
     * arrived too; -1 if the line is incomplete.
     */
    private static int findCrLf(ByteBuf in, String tooBigError) throws ProtocolException {
        int start = in.readerIndex();
        int cr = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_CR);
        if (cr < 0) {
            if (in.readableBytes() > INLINE_MAX_SIZE) {
                throw new ProtocolException("Protocol error: " + tooBigError);
            }
            return -1;
        }
        if (cr + 1 >= in.writerIndex()) {
            return -1;
        }
        return cr;
    }

    /** Redis's string2ll over [from, to): digits with an optional minus, no plus, no leading zeros. */
    private static long parseLength(ByteBuf in, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int i = from;
        boolean negative = false;
        if (in.getByte(i) == '-') {
            negative = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        byte first = in.getByte(i);
        if (first == '0') {
            return (i + 1 == to && !negative) ? 0 : Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                return Long.MIN_VALUE;
            }
            if (value > (Long.MAX_VALUE - (b - '0')) / 10) {
                return Long.MIN_VALUE;
            }
            value = value * 10 + (b - '0');
        }
        return negative ? -value : value;
    }

    /** One inline line, split as redis-cli's sdssplitargs does; null if the line is incomplete. */
    private static byte[][] readInline(ByteBuf in) throws ProtocolException {
        int start = in.readerIndex();
        int lf = in.forEachByte(start, in.readableBytes(), ByteProcessor.FIND_LF);
        if (lf < 0) {
            if (in.readableBytes() > INLINE_MAX_SIZE) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return null;
        }
        int end = lf;
        if (end > start && in.getByte(end - 1) == '\r') {
            end--;
        }
        byte[] line = new byte[end - start];
        in.getBytes(start, line);
        in.readerIndex(lf + 1);
        byte[][] args = InlineSplitter.split(line);
        if (args == null) {
            throw new ProtocolException("Protocol error: unbalanced quotes in request");
        }
        return args;
    }
}
