package io.mnemos.store;

import io.mnemos.util.Numbers;

import java.util.Arrays;

/**
 * Redis 7.0's listpack (listpack.c) byte for byte, as streams keep their nodes: a 6-byte header
 * (total bytes and element count, little-endian), entries, and a 0xFF terminator. An entry is its
 * encoding (7/13/16/24/32/64 bit integer, or 6/12/32 bit length string), then its back-length so
 * that the list can be walked from the end. A string that is the canonical text of a long is
 * stored as the smallest integer encoding, as lpAppend does.
 *
 * <p>Streams need the real format, not Mnemos's compact {@link Listpack}: a stream node's size
 * decides when a new node starts (stream-node-max-bytes), and nodes go into DUMP payloads and RDB
 * files as they are. The array may be longer than the listpack (room to append); the header's
 * total is the length that counts. Positions are array offsets; -1 means "no entry".
 */
public final class RedisListpack {
    public static final int HEADER = 6;
    private static final int EOF = 0xFF;
    /** lpSetNumElements stops counting here: the count becomes unknown for good. */
    private static final int COUNT_UNKNOWN = 65535;

    private RedisListpack() {
    }

    /** lpNew: an empty listpack with room for {@code capacity} bytes. */
    public static byte[] create(int capacity) {
        byte[] lp = new byte[Math.max(HEADER + 1, capacity)];
        setTotal(lp, HEADER + 1);
        lp[HEADER] = (byte) EOF;
        return lp;
    }

    /** lpBytes: the listpack's size from its header. */
    public static int bytes(byte[] lp) {
        return (lp[0] & 0xFF) | (lp[1] & 0xFF) << 8 | (lp[2] & 0xFF) << 16 | (lp[3] & 0xFF) << 24;
    }

    /** The header's element count (65535 once it is unknown). */
    public static int count(byte[] lp) {
        return (lp[4] & 0xFF) | (lp[5] & 0xFF) << 8;
    }

    private static void setTotal(byte[] lp, int total) {
        lp[0] = (byte) total;
        lp[1] = (byte) (total >>> 8);
        lp[2] = (byte) (total >>> 16);
        lp[3] = (byte) (total >>> 24);
    }

    private static void setCount(byte[] lp, int count) {
        lp[4] = (byte) count;
        lp[5] = (byte) (count >>> 8);
    }

    /** lpShrinkToFit: exactly the listpack's bytes (what RDB and DUMP store). */
    public static byte[] shrinkToFit(byte[] lp) {
        int n = bytes(lp);
        return lp.length == n ? lp : Arrays.copyOf(lp, n);
    }

    // ---------------------------------------------------------------- encoding

    /** The encoded entry (encoding and back-length) of a string, as lpInsert builds it. */
    static byte[] encode(byte[] s) {
        Long v = integerValue(s);
        if (v != null) {
            return encodeInteger(v);
        }
        int len = s.length;
        int head = stringHeaderSize(len);
        int backlen = backlenSize(head + len);
        byte[] e = new byte[head + len + backlen];
        if (head == 1) {
            e[0] = (byte) (0x80 | len);
        } else if (head == 2) {
            e[0] = (byte) (0xE0 | (len >> 8));
            e[1] = (byte) len;
        } else {
            e[0] = (byte) 0xF0;
            e[1] = (byte) len;
            e[2] = (byte) (len >>> 8);
            e[3] = (byte) (len >>> 16);
            e[4] = (byte) (len >>> 24);
        }
        System.arraycopy(s, 0, e, head, len);
        writeBacklen(e, head + len, head + len);
        return e;
    }

    /** lpStringToInt64: the string as the integer lpAppend stores it as, or null. */
    private static Long integerValue(byte[] s) {
        return s.length <= 20 ? Numbers.string2ll(s) : null;
    }

    /** A string entry's encoding byte(s): 6, 12 or 32 bit length. */
    private static int stringHeaderSize(int len) {
        return len < 64 ? 1 : len < 4096 ? 2 : 5;
    }

    /**
     * lpEncodeIntegerGetType's choice as the encoding's size: 7 bit unsigned (1 byte), 13 bit (2),
     * then a tag and 16, 24, 32 or 64 bit signed (3, 4, 5 or 9).
     */
    private static int integerEncodingSize(long v) {
        return v >= 0 && v <= 127 ? 1 : v >= -4096 && v <= 4095 ? 2 : v == (short) v ? 3
                : v >= -8388608 && v <= 8388607 ? 4 : v == (int) v ? 5 : 9;
    }

    /** An integer entry: its encoding (see {@link #integerEncodingSize}) and back-length. */
    static byte[] encodeInteger(long v) {
        int size = integerEncodingSize(v);
        if (size == 1) {
            return new byte[]{(byte) v, 1};
        }
        if (size == 2) {
            long u = v < 0 ? (1 << 13) + v : v;
            return new byte[]{(byte) (0xC0 | (u >> 8)), (byte) u, 2};
        }
        int width = size - 1;
        byte[] e = new byte[size + 1];
        e[0] = (byte) (width == 8 ? 0xF4 : 0xF0 + width - 1); // 0xF1..0xF3 for 16, 24, 32 bits
        for (int k = 0; k < width; k++) {
            e[1 + k] = (byte) (v >>> (8 * k));
        }
        e[size] = (byte) size;
        return e;
    }

    /**
     * The bytes a string takes as an entry (encoding, data, back-length), without building it: what
     * a list's quicklist node would grow by (see ListValue).
     */
    public static int entrySize(byte[] s) {
        Long v = integerValue(s);
        int encoded = v != null ? integerEncodingSize(v) : stringHeaderSize(s.length) + s.length;
        return encoded + backlenSize(encoded);
    }

    /** lpEncodeBacklen's size for an entry of {@code len} bytes. */
    static int backlenSize(int len) {
        return len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
    }

    /** lpEncodeBacklen: 7-bit groups, most significant first, the high bit set on all but the first. */
    private static void writeBacklen(byte[] out, int p, int len) {
        int groups = backlenSize(len);
        for (int g = groups - 1; g >= 0; g--) {
            int bits = (len >>> (7 * g)) & 127;
            out[p++] = (byte) (g == groups - 1 ? bits : bits | 128);
        }
    }

    // ---------------------------------------------------------------- writing

    /** lpAppend: the string (an integer entry when it is one); returns the (maybe new) array. */
    public static byte[] append(byte[] lp, byte[] s) {
        return appendEncoded(lp, encode(s));
    }

    /** lpAppendInteger (the stream code's wrapper: the long's text, so an integer entry). */
    public static byte[] appendInteger(byte[] lp, long v) {
        return appendEncoded(lp, encodeInteger(v));
    }

    private static byte[] appendEncoded(byte[] lp, byte[] entry) {
        int total = bytes(lp);
        int newTotal = total + entry.length;
        if (newTotal > lp.length) {
            lp = Arrays.copyOf(lp, Math.max(newTotal, lp.length + (lp.length >> 1)));
        }
        System.arraycopy(entry, 0, lp, total - 1, entry.length);
        lp[newTotal - 1] = (byte) EOF;
        setTotal(lp, newTotal);
        int count = count(lp);
        if (count != COUNT_UNKNOWN) {
            setCount(lp, count + 1);
        }
        return lp;
    }

    /**
     * lpReplaceInteger: the entry at {@code p} becomes {@code v}; the entry stays at {@code p},
     * the ones after it move when the encoding changes size. Returns the (maybe new) array.
     */
    public static byte[] replaceInteger(byte[] lp, int p, long v) {
        byte[] entry = encodeInteger(v);
        int old = entrySize(lp, p);
        int total = bytes(lp);
        if (entry.length == old) {
            System.arraycopy(entry, 0, lp, p, old);
            return lp;
        }
        int newTotal = total - old + entry.length;
        byte[] out = newTotal > lp.length ? Arrays.copyOf(lp, newTotal) : lp;
        System.arraycopy(lp, p + old, out, p + entry.length, total - p - old);
        System.arraycopy(entry, 0, out, p, entry.length);
        setTotal(out, newTotal);
        return out;
    }

    // ---------------------------------------------------------------- walking

    /** The size of the entry's encoding (without its back-length). */
    private static int encodedSize(byte[] lp, int p) {
        int b = lp[p] & 0xFF;
        if ((b & 0x80) == 0) {
            return 1;
        }
        if ((b & 0xC0) == 0x80) {
            return 1 + (b & 0x3F);
        }
        if ((b & 0xE0) == 0xC0) {
            return 2;
        }
        if ((b & 0xF0) == 0xE0) {
            return 2 + (((b & 0x0F) << 8) | (lp[p + 1] & 0xFF));
        }
        return switch (b) {
            case 0xF0 -> 5 + ((lp[p + 1] & 0xFF) | (lp[p + 2] & 0xFF) << 8 | (lp[p + 3] & 0xFF) << 16
                    | (lp[p + 4] & 0xFF) << 24);
            case 0xF1 -> 3;
            case 0xF2 -> 4;
            case 0xF3 -> 5;
            case 0xF4 -> 9;
            default -> throw new IllegalStateException("corrupt listpack entry " + b);
        };
    }

    /** The whole entry at {@code p}: encoding plus back-length. */
    static int entrySize(byte[] lp, int p) {
        int n = encodedSize(lp, p);
        return n + backlenSize(n);
    }

    /** lpFirst: the first entry, -1 when empty. */
    public static int first(byte[] lp) {
        return (lp[HEADER] & 0xFF) == EOF ? -1 : HEADER;
    }

    /** lpNext: the entry after {@code p}, -1 at the end. */
    public static int next(byte[] lp, int p) {
        int q = p + entrySize(lp, p);
        return (lp[q] & 0xFF) == EOF ? -1 : q;
    }

    /** lpPrev: the entry before {@code p}, -1 when {@code p} is the first. */
    public static int prev(byte[] lp, int p) {
        if (p == HEADER) {
            return -1;
        }
        int q = p - 1;
        long len = 0;
        int shift = 0;
        while (true) {
            int b = lp[q] & 0xFF;
            len |= (long) (b & 127) << shift;
            if ((b & 128) == 0) {
                break;
            }
            shift += 7;
            q--;
        }
        return (int) (p - 1 - len - backlenSize((int) len) + 1);
    }

    /** lpLast: the last entry, -1 when empty. */
    public static int last(byte[] lp) {
        int end = bytes(lp) - 1;
        return end == HEADER ? -1 : prev(lp, end);
    }

    /** Whether the entry holds an integer encoding. */
    private static boolean isInteger(byte[] lp, int p) {
        int b = lp[p] & 0xFF;
        return (b & 0x80) == 0 || (b & 0xE0) == 0xC0 || (b >= 0xF1 && b <= 0xF4);
    }

    private static long integerAt(byte[] lp, int p) {
        int b = lp[p] & 0xFF;
        if ((b & 0x80) == 0) {
            return b;
        }
        if ((b & 0xE0) == 0xC0) {
            int u = ((b & 0x1F) << 8) | (lp[p + 1] & 0xFF);
            return u >= 1 << 12 ? u - (1 << 13) : u;
        }
        int width = switch (b) {
            case 0xF1 -> 2;
            case 0xF2 -> 3;
            case 0xF3 -> 4;
            default -> 8;
        };
        long v = 0;
        for (int k = 0; k < width; k++) {
            v |= (long) (lp[p + 1 + k] & 0xFF) << (8 * k);
        }
        int shift = 64 - 8 * width;
        return (v << shift) >> shift;
    }

    private static int stringStart(byte[] lp, int p) {
        int b = lp[p] & 0xFF;
        return (b & 0xC0) == 0x80 ? p + 1 : (b & 0xF0) == 0xE0 ? p + 2 : p + 5;
    }

    private static int stringLength(byte[] lp, int p) {
        return encodedSize(lp, p) - (stringStart(lp, p) - p);
    }

    /** lpGetInteger of the stream code: an integer entry's value, or a string entry parsed. */
    public static long getInteger(byte[] lp, int p) {
        if (isInteger(lp, p)) {
            return integerAt(lp, p);
        }
        int start = stringStart(lp, p);
        Long v = Numbers.string2ll(Arrays.copyOfRange(lp, start, start + stringLength(lp, p)));
        if (v == null) {
            throw new IllegalStateException("listpack entry is not an integer");
        }
        return v;
    }

    /** lpGet: the entry as a string (an integer as its decimal text). */
    public static byte[] get(byte[] lp, int p) {
        if (isInteger(lp, p)) {
            return Numbers.toBytes(integerAt(lp, p));
        }
        int start = stringStart(lp, p);
        return Arrays.copyOfRange(lp, start, start + stringLength(lp, p));
    }

    /** Whether the entry holds exactly the string {@code s}. */
    public static boolean equalsString(byte[] lp, int p, byte[] s) {
        if (isInteger(lp, p)) {
            return Arrays.equals(Numbers.toBytes(integerAt(lp, p)), s);
        }
        int start = stringStart(lp, p);
        return Arrays.equals(lp, start, start + stringLength(lp, p), s, 0, s.length);
    }

    /**
     * lpValidateIntegrity (deep): the header's size matches, every entry is well formed and its
     * back-length right, the terminator ends the array and the count (when known) matches.
     */
    public static boolean valid(byte[] lp) {
        if (lp.length < HEADER + 1 || bytes(lp) != lp.length || (lp[lp.length - 1] & 0xFF) != EOF) {
            return false;
        }
        int n = 0;
        int p = HEADER;
        try {
            while ((lp[p] & 0xFF) != EOF) {
                int enc = encodedSize(lp, p);
                int size = enc + backlenSize(enc);
                if (p + size >= lp.length) {
                    return false;
                }
                int q = p + size;
                if (prev(lp, q) != p) {
                    return false;
                }
                p = q;
                n++;
            }
        } catch (RuntimeException e) {
            return false;
        }
        return p == lp.length - 1 && (count(lp) == COUNT_UNKNOWN || count(lp) == n);
    }
}
