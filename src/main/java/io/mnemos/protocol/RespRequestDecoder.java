package io.mnemos.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;

/**
 * Resumable state machine for client requests: RESP multibulk ({@code *N\r\n$L\r\n...}) and inline
 * commands ({@code SET a b\n}), following Redis 7.0's {@code processMultibulkBuffer} and
 * {@code processInlineBuffer} so that limits and error texts match byte for byte.
 *
 * <p>Every read is consumed whole: a header or inline line still incomplete at its end is kept
 * by the decoder (at most {@link #INLINE_MAX_SIZE} bytes) and parsed with the next read, so the
 * connection needs no cumulation buffer of its own. Bulk payloads are copied once more, straight
 * from the parse copy into the argument, and a bulk split across reads is filled in place rather
 * than re-accumulated.
 * Nothing is reserved on the strength of a declared length alone: the argument vector starts at
 * most 1024 slots long and a big bulk grows as its bytes arrive, so {@code *2147483647} or
 * {@code $536870912} without the data costs nothing.
 *
 * <p>Redis finds header and inline line ends with {@code strchr} on a NUL-terminated buffer, so a
 * NUL byte before the line end hides it: the request waits for more input until the line is too
 * long. This decoder does the same.
 */
public final class RespRequestDecoder {
    /** Redis's PROTO_INLINE_MAX_SIZE: the longest header or inline line accepted. */
    public static final int INLINE_MAX_SIZE = 64 * 1024;
    /** Redis's limits for a client that still has to authenticate. */
    static final int UNAUTHENTICATED_MAX_ARGS = 10;
    static final int UNAUTHENTICATED_MAX_BULK = 16384;
    /** Bulks up to this size are allocated whole as soon as their header is read. */
    static final int EAGER_BULK = 64 * 1024;
    private static final int ARGV_INITIAL_MAX = 1024;
    /** Redis's PROTO_MBULK_BIG_ARG. */
    static final int BIG_ARG = 32 * 1024;

    private static final byte[][] EMPTY = new byte[0][];

    private long maxBulkLength;

    /** Arguments of the multibulk in progress, or null outside one. */
    private byte[][] argv;
    private int argc;
    /** The declared argument count of the multibulk in progress. */
    private int multibulkLength;
    /** Declared length of the bulk being read, or -1 when the next thing to read is a {@code $} header. */
    private int bulkLength = -1;
    /** The bulk being filled; shorter than bulkLength while a big bulk grows. */
    private byte[] bulk;
    private int bulkFilled;
    /** The two bytes after a bulk that Redis skips without checking, still to be skipped. */
    private int trailerToSkip;
    /** The length of the last argument of {@link #BIG_ARG} or more read, until taken. */
    private long lastBigArgument;

    public RespRequestDecoder(long maxBulkLength) {
        this.maxBulkLength = maxBulkLength;
    }

    public void maxBulkLength(long maxBulkLength) {
        this.maxBulkLength = maxBulkLength;
    }

    /**
     * Bytes received and not yet part of a request, counted against the query buffer limit: an
     * incomplete line and the payload of a partially read bulk.
     */
    public long pendingBytes() {
        return (carry == null ? 0 : carry.length) + (bulkLength < 0 ? 0 : bulkFilled);
    }

    /**
     * The memory the request in progress claims, as Redis's query buffer holds it: a bulk of
     * {@link #BIG_ARG} or more counts its whole declared length, which Redis reserves as soon as the
     * header arrives (Mnemos lets it grow as the bytes come). Client eviction weighs this.
     */
    public long queryBufferMemory() {
        return pendingBytes() + (bulkLength >= BIG_ARG ? bulkLength - bulkFilled : 0);
    }

    /**
     * The multibulk in progress as it was received so far (its header, the arguments complete, the
     * current one's header and bytes, an incomplete line), for a query buffer Redis has not parsed.
     */
    public long rawRequestBytes() {
        if (argv == null) {
            return pendingBytes();
        }
        long bytes = 3 + digits(multibulkLength);
        for (int i = 0; i < argc; i++) {
            bytes += 5 + digits(argv[i].length) + argv[i].length;
        }
        if (bulkLength >= 0) {
            bytes += 3 + digits(bulkLength);
        }
        return bytes + pendingBytes() - trailerToSkip;
    }

    /** The length of the last argument of 32 KB or more read since the last call, else 0. */
    public long takeBigArgument() {
        long length = lastBigArgument;
        lastBigArgument = 0;
        return length;
    }

    /** The declared length of a bulk of {@link #BIG_ARG} or more being read, else 0. */
    public long bigBulkLength() {
        return bulkLength >= BIG_ARG ? bulkLength : 0;
    }

    /** The complete arguments of the multibulk in progress, or null outside one. */
    public byte[][] parsedArguments() {
        return argv == null ? null : java.util.Arrays.copyOf(argv, argc);
    }

    private static int digits(long n) {
        return Long.toString(n).length();
    }

    /** True between the header of a multibulk and its last argument. */
    public boolean inRequest() {
        return argv != null;
    }

    /**
     * Decodes every complete request in {@code in}, handing each to {@code sink}, and consumes all
     * of its readable bytes: what follows the last complete request (or what is left when the sink
     * stops the decoding) waits in the decoder for the next read.
     *
     * <p>The kept bytes and the readable ones are first copied in one piece into a heap array of
     * the event loop's thread: parsing an array is plain indexing, where every byte read from a
     * direct buffer pays Netty's and the JDK's bounds and liveness checks.
     */
    public void decode(ByteBuf in, RequestSink sink) throws ProtocolException {
        int kept = carry == null ? 0 : carry.length;
        int n = kept + in.readableBytes();
        if (n == 0) {
            return;
        }
        Scratch scratch = SCRATCH.get();
        // A request handler that decoded another connection's input on this thread would find the
        // array in use: it then gets its own.
        byte[] b = scratch.inUse ? new byte[n] : scratch.array(n);
        boolean owner = !scratch.inUse;
        scratch.inUse = true;
        if (kept > 0) {
            System.arraycopy(carry, 0, b, 0, kept);
            carry = null;
        }
        in.readBytes(b, kept, n - kept);
        buf = b;
        pos = 0;
        limit = n;
        try {
            decode(sink);
        } finally {
            if (pos < limit) {
                carry = java.util.Arrays.copyOfRange(b, pos, limit);
            }
            buf = null;
            if (owner) {
                scratch.inUse = false;
            }
        }
    }

    /** Received bytes not yet parsed: an incomplete line, or what followed a stop; null if none. */
    private byte[] carry;

    /** The copy being parsed, the next byte to read and the end of the copy. */
    private byte[] buf;
    private int pos;
    private int limit;

    private static final FastThreadLocal<Scratch> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected Scratch initialValue() {
            return new Scratch();
        }
    };

    /** An event-loop thread's parse array, reused by every connection the thread serves. */
    private static final class Scratch {
        /** Arrays up to this size are kept for the next read; a bigger one is used once. */
        private static final int KEPT = 1 << 20;
        private byte[] array = new byte[16 * 1024];
        boolean inUse;

        byte[] array(int n) {
            if (array.length >= n) {
                return array;
            }
            byte[] bigger = new byte[Math.max(n, Math.min(KEPT, array.length * 2))];
            if (bigger.length <= KEPT) {
                array = bigger;
            }
            return bigger;
        }
    }

    private void decode(RequestSink sink) throws ProtocolException {
        while (pos < limit) {
            if (argv == null) {
                if (buf[pos] == '*') {
                    if (!readMultibulkHeader(sink)) {
                        return;
                    }
                    continue;
                }
                byte[][] inline = readInline();
                if (inline == null) {
                    return;
                }
                if (inline.length > 0 && !sink.onRequest(inline)) {
                    return;
                }
                continue;
            }
            if (!readBulk(sink)) {
                return;
            }
            if (argc == multibulkLength) {
                byte[][] request = argv;
                argv = null;
                if (!sink.onRequest(request)) {
                    return;
                }
            }
        }
    }

    private boolean readMultibulkHeader(RequestSink sink) throws ProtocolException {
        int cr = findHeaderEnd("too big mbulk count string");
        if (cr < 0) {
            return false;
        }
        long count = parseLength(buf, pos + 1, cr);
        if (count == Long.MIN_VALUE || count > Integer.MAX_VALUE) {
            throw new ProtocolException("Protocol error: invalid multibulk length");
        }
        if (count > UNAUTHENTICATED_MAX_ARGS && sink.authRequired()) {
            throw new ProtocolException("Protocol error: unauthenticated multibulk length");
        }
        pos = cr + 2;
        if (count > 0) {
            // Like Redis, reserve at most 1024 slots up front: the count alone must not cost memory.
            argv = new byte[(int) Math.min(count, ARGV_INITIAL_MAX)][];
            argc = 0;
            multibulkLength = (int) count;
        }
        return true;
    }

    private boolean readBulk(RequestSink sink) throws ProtocolException {
        if (bulkLength < 0 && trailerToSkip == 0) {
            int cr = findHeaderEnd("too big bulk count string");
            if (cr < 0) {
                return false;
            }
            byte first = buf[pos];
            if (first != '$') {
                throw new ProtocolException("Protocol error: expected '$', got '" + (char) (first & 0xff) + "'");
            }
            long length = parseLength(buf, pos + 1, cr);
            if (length == Long.MIN_VALUE || length < 0 || length > maxBulkLength || length > Integer.MAX_VALUE - 8) {
                throw new ProtocolException("Protocol error: invalid bulk length");
            }
            if (length > UNAUTHENTICATED_MAX_BULK && sink.authRequired()) {
                throw new ProtocolException("Protocol error: unauthenticated bulk length");
            }
            pos = cr + 2;
            bulkLength = (int) length;
            bulkFilled = 0;
            int readable = limit - pos;
            bulk = bulkLength <= EAGER_BULK || readable >= bulkLength
                    ? new byte[bulkLength]
                    : new byte[Math.max(EAGER_BULK, readable)];
        }
        if (bulkLength >= 0) {
            int n = Math.min(bulkLength - bulkFilled, limit - pos);
            if (bulkFilled + n > bulk.length) {
                grow(bulkFilled + n);
            }
            System.arraycopy(buf, pos, bulk, bulkFilled, n);
            pos += n;
            bulkFilled += n;
            if (bulkFilled < bulkLength) {
                return false;
            }
            if (argc == argv.length) {
                byte[][] bigger = new byte[(int) Math.min((long) argv.length * 2, multibulkLength)][];
                System.arraycopy(argv, 0, bigger, 0, argc);
                argv = bigger;
            }
            argv[argc++] = bulk;
            if (bulkLength >= BIG_ARG) {
                lastBigArgument = bulkLength;
            }
            bulk = null;
            bulkLength = -1;
            trailerToSkip = 2;
        }
        int skip = Math.min(trailerToSkip, limit - pos);
        pos += skip;
        trailerToSkip -= skip;
        return trailerToSkip == 0;
    }

    /** Grows a big bulk to hold at least {@code needed} bytes, doubling, but never past its declared length. */
    private void grow(int needed) {
        long capacity = Math.max((long) bulk.length * 2, needed);
        byte[] bigger = new byte[(int) Math.min(capacity, bulkLength)];
        System.arraycopy(bulk, 0, bigger, 0, bulkFilled);
        bulk = bigger;
    }

    /** Index of the first {@code target} or NUL byte from {@code pos}, or -1. */
    private int find(byte target) {
        byte[] b = buf;
        for (int i = pos; i < limit; i++) {
            byte c = b[i];
            if (c == target || c == 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Index of the {@code \r} ending the header at {@link #pos}, once the byte after it has arrived
     * too; -1 if the line is incomplete (or a NUL hides its end, as for Redis's strchr).
     */
    private int findHeaderEnd(String tooBigError) throws ProtocolException {
        int cr = find((byte) '\r');
        if (cr < 0 || buf[cr] == 0) {
            if (limit - pos > INLINE_MAX_SIZE) {
                throw new ProtocolException("Protocol error: " + tooBigError);
            }
            return -1;
        }
        if (cr + 1 >= limit) {
            return -1;
        }
        return cr;
    }

    /**
     * Redis's string2ll over [from, to): digits with an optional minus, no plus, no leading zeros.
     * Returns Long.MIN_VALUE when invalid; the valid LLONG_MIN comes back as Long.MIN_VALUE + 1,
     * which every caller treats alike (ignored multibulk, invalid bulk).
     */
    private static long parseLength(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        int i = from;
        boolean negative = false;
        if (b[i] == '-') {
            negative = true;
            i++;
            if (i == to) {
                return Long.MIN_VALUE;
            }
        }
        if (b[i] == '0') {
            return (i + 1 == to && !negative) ? 0 : Long.MIN_VALUE;
        }
        long value = 0;
        for (; i < to; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return Long.MIN_VALUE;
            }
            int digit = c - '0';
            if (value > (Long.MAX_VALUE - digit) / 10) {
                boolean llongMin = negative && i == to - 1 && value == Long.MAX_VALUE / 10 && digit == 8;
                return llongMin ? Long.MIN_VALUE + 1 : Long.MIN_VALUE;
            }
            value = value * 10 + digit;
        }
        return negative ? -value : value;
    }

    /** One inline line, split as Redis's sdssplitargs does; null if the line is incomplete. */
    private byte[][] readInline() throws ProtocolException {
        int start = pos;
        int lf = find((byte) '\n');
        if (lf < 0 || buf[lf] == 0) {
            if (limit - pos > INLINE_MAX_SIZE) {
                throw new ProtocolException("Protocol error: too big inline request");
            }
            return null;
        }
        int end = lf;
        if (end > start && buf[end - 1] == '\r') {
            end--;
        }
        pos = lf + 1;
        if (end == start) {
            return EMPTY;
        }
        byte[][] args = InlineSplitter.split(buf, start, end);
        if (args == null) {
            throw new ProtocolException("Protocol error: unbalanced quotes in request");
        }
        return args;
    }
}
