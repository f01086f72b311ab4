package io.mnemos.scripting;

import io.mnemos.protocol.RedisDoubles;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Lua 5.1's numbers as Redis's scripts see them on x86-64: text to number (luaO_str2d: glibc's
 * strtod, so "0x1p4", " inf " and "nan(0x5)" are numbers), number to text ("%.14g"), and the C
 * casts of a double to an integer type. The libraries (struct, string.format, bit, cmsgpack) take
 * their numeric arguments through {@link #toNumber}.
 */
public final class LuaNumbers {
    private LuaNumbers() {
    }

    /**
     * lua_tostring of a number: "%.14g", as Lua 5.1 (and cjson, by default) write numbers.
     */
    public static String number14(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e14 && Double.doubleToRawLongBits(d) != Long.MIN_VALUE) {
            return Long.toString((long) d);
        }
        return RedisDoubles.general(d, 14, false);
    }

    /** (long) d as gcc compiles it for x86-64 (cvttsd2si): NaN and anything out of range give 0x8000000000000000. */
    static long toLongX86(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** (unsigned long) d on x86-64: below 2^63 (or NaN) as (long) d, else (long) (d - 2^63) with bit 63 flipped. */
    static long toUnsignedLongX86(double d) {
        if (!(d >= 0x1p63)) {
            return toLongX86(d);
        }
        return toLongX86(d - 0x1p63) ^ Long.MIN_VALUE;
    }

    static boolean isdigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isalnum(int c) {
        return isdigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** lua_tonumber when lua_isnumber: a number, or a string luaO_str2d accepts; else null. */
    static Double toNumber(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() == LuaValue.TSTRING) {
            LuaString s = v.checkstring();
            return str2d(s.m_bytes, s.m_offset, s.m_length);
        }
        return null;
    }

    private static boolean isspace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int lower = c | 0x20;
        if (lower >= 'a' && lower <= 'f') {
            return lower - 'a' + 10;
        }
        return -1;
    }

    private static boolean matchesIgnoreCase(byte[] b, int p, int end, String word) {
        if (end - p < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((b[p + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * luaO_str2d: glibc's strtod on the string up to its first '\0', with only white space after
     * the number. (Lua's fallback to strtoul for "0x..." can never succeed where strtod, which reads
     * hexadecimal itself, stopped at the 'x'.)
     */
    public static Double str2d(byte[] b, int off, int len) {
        double[] value = new double[1];
        int q = strtod(b, off, len, value);
        if (q < 0) {
            return null;
        }
        int end = stringEnd(b, off, len);
        while (q < end && isspace(b[q])) {
            q++;
        }
        return q == end ? value[0] : null;
    }

    /**
     * glibc's strtod over [off, off+len), which ends at its first '\0': leading white space, a sign,
     * then a decimal or hexadecimal number, an infinity or a NaN. Returns the index after what it
     * read, the number in {@code value[0]}; -1 when nothing converts.
     */
    public static int strtod(byte[] b, int off, int len, double[] value) {
        Start start = Start.of(b, off, len);
        int end = start.end();
        int p = start.at();
        boolean negative = start.negative();
        double v;
        int q;
        if (matchesIgnoreCase(b, p, end, "inf")) {
            q = p + 3;
            if (matchesIgnoreCase(b, q, end, "inity")) {
                q += 5;
            }
            v = Double.POSITIVE_INFINITY;
        } else if (matchesIgnoreCase(b, p, end, "nan")) {
            q = p + 3;
            long bits = 0x7ff8000000000000L;
            if (q < end && b[q] == '(') {
                int c = q + 1;
                while (c < end && (isalnum(b[c]) || b[c] == '_')) {
                    c++;
                }
                if (c < end && b[c] == ')') {
                    Long mant = strtoull0(b, q + 1, c);
                    if (mant != null) {
                        bits |= mant & 0x7ffffffffffffL;
                    }
                    q = c + 1;
                }
            }
            v = Double.longBitsToDouble(bits);
        } else if (p + 1 < end && b[p] == '0' && (b[p + 1] | 0x20) == 'x'
                && (p + 2 < end && (hexValue(b[p + 2]) >= 0
                        || (b[p + 2] == '.' && p + 3 < end && hexValue(b[p + 3]) >= 0)))) {
            StringBuilder mantissa = new StringBuilder("0x");
            q = p + 2;
            while (q < end && hexValue(b[q]) >= 0) {
                mantissa.append((char) b[q++]);
            }
            if (q < end && b[q] == '.') {
                mantissa.append('.');
                q++;
                while (q < end && hexValue(b[q]) >= 0) {
                    mantissa.append((char) b[q++]);
                }
            }
            long[] exponent = {0};
            q = exponent(b, q, end, 'p', exponent);
            v = Double.parseDouble(mantissa.append('p').append(exponent[0]).toString());
        } else {
            StringBuilder text = new StringBuilder();
            q = p;
            int digits = 0;
            while (q < end && isdigit(b[q])) {
                text.append((char) b[q++]);
                digits++;
            }
            if (q < end && b[q] == '.') {
                text.append('.');
                q++;
                while (q < end && isdigit(b[q])) {
                    text.append((char) b[q++]);
                    digits++;
                }
            }
            if (digits == 0) {
                return -1; // no conversion
            }
            long[] exponent = {0};
            q = exponent(b, q, end, 'e', exponent);
            text.append('e').append(exponent[0]);
            v = Double.parseDouble(text.toString());
        }
        value[0] = negative ? -v : v;
        return q;
    }

    /** Where a C string in [off, off+len) ends: at its first '\0'. */
    private static int stringEnd(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) {
            end++;
        }
        return end;
    }

    /** strtoull(s, &end, 0) over all of [from, to): the value, or null when it stops short. */
    private static Long strtoull0(byte[] b, int from, int to) {
        int p = from;
        int base = 10;
        if (p < to && b[p] == '0') {
            if (p + 1 < to && (b[p + 1] | 0x20) == 'x' && p + 2 < to && hexValue(b[p + 2]) >= 0) {
                base = 16;
                p += 2;
            } else {
                base = 8;
            }
        }
        if (p == to) {
            return 0L; // "nan()": nothing to convert, and nothing left over
        }
        long value = 0;
        boolean overflow = false;
        for (; p < to; p++) {
            int d = hexValue(b[p]);
            if (d < 0 || d >= base) {
                return null;
            }
            long next = value * base + d;
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, base)) > 0) {
                overflow = true;
            }
            value = next;
        }
        return overflow ? -1L : value;
    }

    /**
     * The exponent part of a number ({@code marker}, e or p, in either case, an optional sign and
     * digits) at {@code q}, if there is one: its value goes to {@code value[0]} (0 without one), the
     * index after it is returned ({@code q} without one).
     */
    private static int exponent(byte[] b, int q, int end, char marker, long[] value) {
        if (q >= end || (b[q] | 0x20) != marker) {
            return q;
        }
        int e = q + 1;
        boolean negative = false;
        if (e < end && (b[e] == '+' || b[e] == '-')) {
            negative = b[e] == '-';
            e++;
        }
        if (e >= end || !isdigit(b[e])) {
            return q;
        }
        long exponent = 0;
        while (e < end && isdigit(b[e])) {
            exponent = Math.min(exponent * 10 + (b[e] - '0'), 1_000_000_000L);
            e++;
        }
        value[0] = negative ? -exponent : exponent;
        return e;
    }

    /**
     * strtoul(s, &end, base) with nothing but white space after the digits (luaB_tonumber's check):
     * leading white space, a sign (a minus negates in unsigned arithmetic), "0x" for base 16, and
     * ULONG_MAX on overflow; null without a digit or with anything else after them.
     */
    static Long strtoul(byte[] s, int base) {
        Start begin = Start.of(s, 0, s.length);
        int end = begin.end();
        int p = begin.at();
        boolean negative = begin.negative();
        if (base == 16 && p + 1 < end && s[p] == '0' && (s[p + 1] | 0x20) == 'x'
                && p + 2 < end && digitIn(s[p + 2], base)) {
            p += 2;
        }
        int start = p;
        long value = 0;
        boolean overflow = false;
        for (; p < end && digitIn(s[p], base); p++) {
            int d = Character.digit(s[p], base);
            if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, base)) > 0) {
                overflow = true;
            }
            value = value * base + d;
        }
        if (p == start) {
            return null;
        }
        while (p < end && isspace(s[p])) {
            p++;
        }
        if (p != end) {
            return null; // trailing characters (C stops reading at a NUL)
        }
        return overflow ? -1L : negative ? -value : value;
    }

    private static boolean digitIn(byte c, int base) {
        return Character.digit(c, base) >= 0 && c < 128;
    }

    /** (lua_Number) of an unsigned long. */
    static double unsignedToDouble(long n) {
        return n >= 0 ? (double) n : (double) ((n >>> 1) | (n & 1)) * 2.0;
    }

    /**
     * Where C's strtod and strtoul start reading [off, off+len): the string ends at its first NUL,
     * white space is skipped, then a sign.
     */
    private record Start(int end, int at, boolean negative) {
        static Start of(byte[] b, int off, int len) {
            int end = stringEnd(b, off, len);
            int p = off;
            while (p < end && isspace(b[p])) {
                p++;
            }
            boolean negative = p < end && b[p] == '-';
            if (p < end && (b[p] == '+' || b[p] == '-')) {
                p++;
            }
            return new Start(end, p, negative);
        }
    }
}
