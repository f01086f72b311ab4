package io.mnemos.util;

/** Redis's number parsing rules (util.c), shared by command parsing and the data types. */
public final class Numbers {
    private Numbers() {
    }

    /** Redis's OBJ_SHARED_INTEGERS: the values INCR and friends store as one shared object each. */
    private static final int SHARED_INTEGERS = 10000;
    private static final byte[][] SHARED = new byte[SHARED_INTEGERS][];

    static {
        for (int i = 0; i < SHARED_INTEGERS; i++) {
            SHARED[i] = toBytes(i);
        }
    }

    /** The decimal text of {@code v} (Redis's ll2string), a fresh array. */
    public static byte[] toBytes(long v) {
        if (v == Long.MIN_VALUE) {
            return "-9223372036854775808".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        long abs = Math.abs(v);
        int digits = 1;
        for (long t = abs; t >= 10; t /= 10) {
            digits++;
        }
        int length = v < 0 ? digits + 1 : digits;
        byte[] out = new byte[length];
        int i = length;
        do {
            out[--i] = (byte) ('0' + abs % 10);
            abs /= 10;
        } while (abs != 0);
        if (v < 0) {
            out[0] = '-';
        }
        return out;
    }

    /**
     * The decimal text of {@code v} for a value stored in the keyspace: 0..9999 come from one
     * shared array each, as Redis shares those integer objects, so counters cost no allocation
     * and stay in cache. Callers must never modify the array (keyspace strings are immutable).
     */
    public static byte[] sharedOrNew(long v) {
        return v >= 0 && v < SHARED_INTEGERS ? SHARED[(int) v] : toBytes(v);
    }

    /**
     * C's {@code atoi} as glibc has it, {@code (int) strtol(s, NULL, 10)}: leading white space, an
     * optional sign and the digits that follow (0 without any), clamped to the long range, then cut
     * to an int ("4294967297" is 1).
     */
    public static int atoi(byte[] s) {
        int i = 0;
        while (i < s.length && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        long v = 0;
        boolean overflow = false;
        for (; i < s.length && s[i] >= '0' && s[i] <= '9'; i++) {
            int d = s[i] - '0';
            // Accumulated negatively, so that LONG_MIN fits.
            if (v < (Long.MIN_VALUE + d) / 10) {
                overflow = true;
            } else {
                v = v * 10 - d;
            }
        }
        long value = overflow ? (negative ? Long.MIN_VALUE : Long.MAX_VALUE)
                : negative ? v : (v == Long.MIN_VALUE ? Long.MAX_VALUE : -v);
        return (int) value;
    }

    /**
     * C's {@code strtoll} where Redis then requires the whole string consumed ({@code eptr[0] ==
     * '\0'}): leading white space, an optional sign, decimal digits, clamped to the long range on
     * overflow. The empty string is 0 (strtoll stops at its terminator); a string without digits,
     * or with anything after them, is {@code null}.
     */
    public static Long strtollWhole(String s) {
        if (s.isEmpty()) {
            return 0L;
        }
        int i = 0;
        int n = s.length();
        while (i < n && (s.charAt(i) == ' ' || (s.charAt(i) >= '\t' && s.charAt(i) <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsStart = i;
        long v = 0;
        boolean overflow = false;
        for (; i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
            int d = s.charAt(i) - '0';
            // Accumulate negatively so that Long.MIN_VALUE parses.
            if (v < (Long.MIN_VALUE + d) / 10) {
                overflow = true;
            } else {
                v = v * 10 - d;
            }
        }
        if (i == digitsStart || i != n) {
            return null;
        }
        if (overflow) {
            return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return negative ? v : (v == Long.MIN_VALUE ? Long.MAX_VALUE : -v);
    }

    /**
     * Redis's {@code string2ll}: an optional minus then canonical decimal digits that fit a long;
     * no leading zeros, no '+', no spaces ("007", "+1", " 1", "-0" are not integers).
     *
     * @return the value, or {@code null} if {@code s} is not such an integer
     */
    public static Long string2ll(byte[] s) {
        int n = s.length;
        if (n == 0 || n > 20) {
            return null;
        }
        if (n == 1 && s[0] == '0') {
            return 0L;
        }
        int i = 0;
        boolean negative = false;
        if (s[0] == '-') {
            negative = true;
            i = 1;
            if (n == 1) {
                return null;
            }
        }
        if (s[i] < '1' || s[i] > '9') {
            return null;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            // Accumulate negatively so that Long.MIN_VALUE parses.
            if (v < (Long.MIN_VALUE + d) / 10) {
                return null;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return null;
            }
            return -v;
        }
        return v;
    }
}
