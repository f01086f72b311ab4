package io.mnemos.store;

import io.mnemos.util.Numbers;

import java.util.Arrays;

/**
 * The entry codec of Mnemos's packed encodings (small hashes and sorted sets): entries laid end to
 * end in one {@code byte[]}, the way Redis's listpack packs them, so that a small collection costs
 * one array instead of an object per element.
 *
 * <p>An entry starts with a tag byte {@code t}:
 * <ul>
 *   <li>{@code 0x00..0xBF}: a string of {@code t} bytes follows;</li>
 *   <li>{@code 0xC0..0xDF}: a string whose length is {@code (t & 0x1F) << 8 | next byte} follows;</li>
 *   <li>{@code 0xE0}: a string whose length is the next 4 bytes (big-endian) follows;</li>
 *   <li>{@code 0xF1..0xF8}: an integer in {@code t - 0xF0} bytes, big-endian two's complement. A string
 *       is stored this way only when it is the canonical decimal text of a long (as Redis's
 *       string2ll accepts: no sign on zero, no leading zeros, no '+'), so it decodes to the same bytes;</li>
 *   <li>{@code 0xF9}: a double in 8 bytes (raw IEEE-754 bits), used for sorted-set scores only.</li>
 * </ul>
 * The encoding of a string is canonical (one string, one encoding), so two entries hold the same
 * string exactly when their encoded bytes are equal: lookups encode the searched string once and
 * compare byte ranges.
 */
public final class Listpack {
    static final int TAG_STR13 = 0xC0;
    static final int TAG_STR32 = 0xE0;
    static final int TAG_INT = 0xF0;
    static final int TAG_DOUBLE = 0xF9;
    static final byte[] EMPTY = new byte[0];

    private Listpack() {
    }

    /** The length in bytes of the entry starting at {@code p}. */
    static int entrySize(byte[] lp, int p) {
        int t = lp[p] & 0xFF;
        if (t < TAG_STR13) {
            return 1 + t;
        }
        if (t < TAG_STR32) {
            return 2 + (((t & 0x1F) << 8) | (lp[p + 1] & 0xFF));
        }
        if (t == TAG_STR32) {
            return 5 + readInt(lp, p + 1);
        }
        if (t == TAG_DOUBLE) {
            return 9;
        }
        return 1 + (t - TAG_INT);
    }

    /** The canonical long value of a decimal string, or {@code null}-equivalent false via {@link #isCanonicalLong}. */
    static boolean isCanonicalLong(byte[] s) {
        int n = s.length;
        if (n == 0 || n > 20) {
            return false;
        }
        int i = 0;
        boolean negative = s[0] == '-';
        if (negative) {
            i = 1;
            if (n == 1) {
                return false;
            }
        }
        if (s[i] == '0') {
            return n == 1; // "0" only: no leading zeros, no "-0"
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            // accumulate negatively so that Long.MIN_VALUE fits
            if (v < (Long.MIN_VALUE + d) / 10) {
                return false;
            }
            v = v * 10 - d;
        }
        return negative || v != Long.MIN_VALUE;
    }

    private static long parseCanonical(byte[] s) {
        boolean negative = s[0] == '-';
        long v = 0;
        for (int i = negative ? 1 : 0; i < s.length; i++) {
            v = v * 10 - (s[i] - '0');
        }
        return negative ? v : -v;
    }

    /** Bytes needed for a two's complement long (1..8). */
    private static int intWidth(long v) {
        int w = 1;
        while (w < 8 && (v < -(1L << (8 * w - 1)) || v >= (1L << (8 * w - 1)))) {
            w++;
        }
        return w;
    }

    /** The encoded size of a string. */
    static int encodedSize(byte[] s) {
        if (isCanonicalLong(s)) {
            return 1 + intWidth(parseCanonical(s));
        }
        return headerSize(s.length) + s.length;
    }

    private static int headerSize(int length) {
        return length < TAG_STR13 ? 1 : length < 8192 ? 2 : 5;
    }

    /** A string's canonical encoding as a fresh array. */
    static byte[] encode(byte[] s) {
        byte[] out = new byte[encodedSize(s)];
        write(out, 0, s);
        return out;
    }

    /** Writes a string's encoding at {@code p}; returns the position after it. */
    static int write(byte[] out, int p, byte[] s) {
        if (isCanonicalLong(s)) {
            return writeLong(out, p, parseCanonical(s));
        }
        int n = s.length;
        if (n < TAG_STR13) {
            out[p++] = (byte) n;
        } else if (n < 8192) {
            out[p++] = (byte) (TAG_STR13 | (n >>> 8));
            out[p++] = (byte) n;
        } else {
            out[p++] = (byte) TAG_STR32;
            writeInt(out, p, n);
            p += 4;
        }
        System.arraycopy(s, 0, out, p, n);
        return p + n;
    }

    static int writeLong(byte[] out, int p, long v) {
        int w = intWidth(v);
        out[p++] = (byte) (TAG_INT + w);
        for (int i = w - 1; i >= 0; i--) {
            out[p++] = (byte) (v >>> (8 * i));
        }
        return p;
    }

    /** The string held by the entry at {@code p}, as a fresh array. */
    static byte[] decode(byte[] lp, int p) {
        int t = lp[p] & 0xFF;
        if (t < TAG_STR13) {
            return Arrays.copyOfRange(lp, p + 1, p + 1 + t);
        }
        if (t < TAG_STR32) {
            return Arrays.copyOfRange(lp, p + 2, p + 2 + (((t & 0x1F) << 8) | (lp[p + 1] & 0xFF)));
        }
        if (t == TAG_STR32) {
            return Arrays.copyOfRange(lp, p + 5, p + 5 + readInt(lp, p + 1));
        }
        return Numbers.toBytes(readLong(lp, p));
    }


    /** The decoded length of the string entry at {@code p} (without allocating). */
    static int stringLength(byte[] lp, int p) {
        int t = lp[p] & 0xFF;
        if (t < TAG_STR13) {
            return t;
        }
        if (t < TAG_STR32) {
            return ((t & 0x1F) << 8) | (lp[p + 1] & 0xFF);
        }
        if (t == TAG_STR32) {
            return readInt(lp, p + 1);
        }
        return Long.toString(readLong(lp, p)).length();
    }

    /** Whether the entry at {@code p} is an integer entry. */
    static boolean isInt(byte[] lp, int p) {
        int t = lp[p] & 0xFF;
        return t > TAG_INT && t < TAG_DOUBLE;
    }

    /** The value of the integer entry at {@code p}. */
    static long readLong(byte[] lp, int p) {
        int w = (lp[p] & 0xFF) - TAG_INT;
        long v = lp[p + 1]; // sign-extended first byte
        for (int i = 2; i <= w; i++) {
            v = (v << 8) | (lp[p + i] & 0xFF);
        }
        return v;
    }

    /**
     * Compares the string of the entry at {@code p} with {@code s} as Redis's memcmp-based order
     * does (unsigned bytes, a prefix first).
     */
    static int compareString(byte[] lp, int p, byte[] s) {
        int t = lp[p] & 0xFF;
        if (t < TAG_STR13) {
            return Arrays.compareUnsigned(lp, p + 1, p + 1 + t, s, 0, s.length);
        }
        if (t < TAG_STR32 || t == TAG_STR32) {
            int len = stringLength(lp, p);
            int start = p + headerSize(len);
            return Arrays.compareUnsigned(lp, start, start + len, s, 0, s.length);
        }
        return Arrays.compareUnsigned(decode(lp, p), s);
    }

    // ---------------------------------------------------------------- scores

    /** A score's encoded size: an integer entry for whole numbers up to 2^53, otherwise 9 bytes. */
    static int scoreSize(double score) {
        if (isIntegralScore(score)) {
            return 1 + intWidth((long) score);
        }
        return 9;
    }

    /**
     * Whether a score is stored as an integer entry. As in Redis, whose listpack stores the score's
     * text and turns "-0" into the integer 0, a -0 score reads back as 0 while the set is packed.
     */
    private static boolean isIntegralScore(double score) {
        return score == Math.rint(score) && Math.abs(score) <= (double) (1L << 53);
    }

    static int writeScore(byte[] out, int p, double score) {
        if (isIntegralScore(score)) {
            return writeLong(out, p, (long) score);
        }
        out[p++] = (byte) TAG_DOUBLE;
        long bits = Double.doubleToRawLongBits(score);
        for (int i = 7; i >= 0; i--) {
            out[p++] = (byte) (bits >>> (8 * i));
        }
        return p;
    }

    static double readScore(byte[] lp, int p) {
        if ((lp[p] & 0xFF) == TAG_DOUBLE) {
            long bits = 0;
            for (int i = 1; i <= 8; i++) {
                bits = (bits << 8) | (lp[p + i] & 0xFF);
            }
            return Double.longBitsToDouble(bits);
        }
        return readLong(lp, p);
    }

    // ---------------------------------------------------------------- buffer helpers

    private static int readInt(byte[] b, int p) {
        return ((b[p] & 0xFF) << 24) | ((b[p + 1] & 0xFF) << 16) | ((b[p + 2] & 0xFF) << 8) | (b[p + 3] & 0xFF);
    }

    private static void writeInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
    }

    /** A capacity of at least {@code needed} bytes with some headroom (about 1/8, 8-byte granular). */
    static int grownCapacity(int needed) {
        long cap = needed + (needed >> 3) + 8L;
        cap = (cap + 7) & ~7L;
        return (int) Math.min(Integer.MAX_VALUE - 8, cap);
    }

    /**
     * Replaces {@code oldLen} bytes at {@code p} of the first {@code used} bytes of {@code lp} by
     * {@code repl}, growing (or trimming a mostly empty) array as needed; returns the array.
     */
    static byte[] splice(byte[] lp, int used, int p, int oldLen, byte[] repl, int replOff, int replLen) {
        int newUsed = used - oldLen + replLen;
        byte[] out = lp;
        if (newUsed > lp.length) {
            out = Arrays.copyOf(lp, grownCapacity(newUsed));
        } else if (lp.length > 64 && newUsed < lp.length / 2) {
            out = new byte[grownCapacity(newUsed)];
            System.arraycopy(lp, 0, out, 0, p);
        }
        System.arraycopy(lp, p + oldLen, out, p + replLen, used - p - oldLen);
        System.arraycopy(repl, replOff, out, p, replLen);
        return out;
    }
}
