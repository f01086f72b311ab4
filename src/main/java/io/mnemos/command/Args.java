package io.mnemos.command;

import io.mnemos.util.Numbers;
import java.nio.charset.StandardCharsets;

/** Argument parsing with Redis's rules and error texts. */
public final class Args {
    private Args() {
    }

    public static String text(byte[] arg) {
        return new String(arg, StandardCharsets.UTF_8);
    }

    /** Case-insensitive comparison of an argument with an ASCII keyword. */
    public static boolean is(byte[] arg, String keyword) {
        int n = keyword.length();
        if (arg.length != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int a = arg[i];
            int k = keyword.charAt(i);
            if (a != k && !(Character.isLetter(k) && (a | 0x20) == (k | 0x20))) {
                return false;
            }
        }
        return true;
    }

    /** Redis's string2ll: optional minus, digits, no leading zeros, no spaces, fits a long. */
    public static boolean isLong(byte[] s) {
        return parseLongOrNull(s) != null;
    }

    public static Long parseLongOrNull(byte[] s) {
        return Numbers.string2ll(s);
    }

    /** A long or {@code ERR value is not an integer or out of range}. */
    public static long parseLong(byte[] s) {
        Long v = parseLongOrNull(s);
        if (v == null) {
            throw CommandError.NOT_INTEGER;
        }
        return v;
    }

    /** A long with a custom error message (e.g. "timeout is not an integer or out of range"). */
    public static long parseLong(byte[] s, String errorMessage) {
        Long v = parseLongOrNull(s);
        if (v == null) {
            throw CommandError.err(errorMessage);
        }
        return v;
    }

    /**
     * Redis's strtold-based float parsing: accepts what C's strtod does (including inf, -inf,
     * exponents, leading/trailing none), rejects NaN and spaces.
     */
    /**
     * getIntFromObjectOrReply: not a long, or a long outside int range, with Redis's two texts; a
     * non-null {@code message} replaces both.
     */
    public static int parseInt(byte[] arg, String message) {
        Long v = parseLongOrNull(arg);
        if (v == null) {
            throw message == null ? CommandError.NOT_INTEGER : CommandError.err(message);
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw CommandError.err(message != null ? message
                    : "value is out of range, value must between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return (int) (long) v;
    }

    public static Double parseDoubleOrNull(byte[] s) {
        int n = s.length;
        if (n == 0 || isSpace(s[0]) || isSpace(s[n - 1])) {
            return null;
        }
        // The common case (scores, SORT of numbers): a decimal integer of at most 15 digits is
        // below 2^53, so exactly the double strtod would return, without the text work below.
        int digit = s[0] == '-' || s[0] == '+' ? 1 : 0;
        if (digit < n && n - digit <= 15) {
            long v = 0;
            while (digit < n && s[digit] >= '0' && s[digit] <= '9') {
                v = v * 10 + (s[digit++] - '0');
            }
            if (digit == n) {
                return s[0] == '-' ? -(double) v : (double) v; // "-0" is -0.0, as strtod reads it
            }
        }
        String t = text(s);
        String lower = t.toLowerCase();
        switch (lower) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
            }
        }
        Double hex = parseHexDouble(t);
        if (hex != null) {
            return hex;
        }
        // Java accepts suffixes like "d"/"f"; keep to strtod's decimal grammar.
        for (int i = 0; i < n; i++) {
            byte b = s[i];
            if (!((b >= '0' && b <= '9') || b == '.' || b == 'e' || b == 'E' || b == '-' || b == '+')) {
                return null;
            }
        }
        try {
            double d = Double.parseDouble(t);
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern HEX_FLOAT =
            java.util.regex.Pattern.compile("[+-]?0[xX](?=\\.?[0-9a-fA-F])[0-9a-fA-F]*(\\.[0-9a-fA-F]*)?([pP][+-]?[0-9]+)?");

    /**
     * strtod's hexadecimal form ({@code 0x10}, {@code -0x1.8p3}), correctly rounded; Java reads it
     * too once it has its binary exponent, which strtod lets one leave out. Null if not hex.
     */
    private static Double parseHexDouble(String t) {
        if (!HEX_FLOAT.matcher(t).matches()) {
            return null;
        }
        return Double.parseDouble(t.indexOf('p') < 0 && t.indexOf('P') < 0 ? t + "p0" : t);
    }

    /**
     * Whether strtod, having read {@code s} (which {@link #parseDoubleOrNull} read as {@code d}),
     * set ERANGE with an infinite or zero result: an overflow from finite digits, or an underflow
     * to zero from digits that are not all zero. string2d refuses exactly these.
     */
    static boolean overflowsOrUnderflowsToZero(byte[] s, double d) {
        if (!Double.isInfinite(d) && d != 0) {
            return false;
        }
        String t = text(s).toLowerCase();
        if (Double.isInfinite(d)) {
            return !t.contains("inf");
        }
        // Hex (0x...p-2000) has its exponent after 'p' and letters among its digits.
        boolean hex = t.contains("x");
        int e = t.indexOf(hex ? 'p' : 'e');
        String mantissa = (e < 0 ? t : t.substring(0, e)).replace("0x", "");
        for (int i = 0; i < mantissa.length(); i++) {
            char ch = mantissa.charAt(i);
            if ((ch >= '1' && ch <= '9') || (hex && ch >= 'a' && ch <= 'f')) {
                return true;
            }
        }
        return false;
    }

    /**
     * SORT's score parsing: glibc's strtod on the value as a C string, which must be consumed to its
     * end, without NaN and without ERANGE ({@code eptr[0] != '\0' || errno == ERANGE || isnan}).
     * Unlike string2d: leading white space is skipped, the string ends at its first NUL byte (so ""
     * and "\0x" are 0), and a subnormal result that is not exact (1e-310) is an ERANGE underflow.
     */
    public static Double parseCStringDouble(byte[] s) {
        byte[] number = cStringNumber(s, 0);
        if (number == null) {
            return 0.0;
        }
        Double d = parseDoubleOrNull(number);
        if (d == null || overflowsOrUnderflowsToZero(number, d)) {
            return null;
        }
        if (d != 0 && Math.abs(d) < Double.MIN_NORMAL && !exactly(text(number), d)) {
            return null; // glibc reports an inexact subnormal result as an underflow
        }
        return d;
    }

    /**
     * strtod on {@code s[from..]} read as a C string, as zslParseRange uses it (overflow is
     * infinity, no ERANGE check): null unless a number fills it, 0 for an empty string.
     */
    public static Double strtodCString(byte[] s, int from) {
        byte[] number = cStringNumber(s, from);
        return number == null ? Double.valueOf(0) : parseDoubleOrNull(number);
    }

    /**
     * What strtod reads of {@code s[from..]} as a C string: up to the first NUL byte, leading white
     * space skipped; null when that string is empty (nothing to convert: the result is 0).
     */
    private static byte[] cStringNumber(byte[] s, int from) {
        int end = from;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        if (end == from) {
            return null;
        }
        int start = from;
        while (start < end && isSpace(s[start])) {
            start++;
        }
        return start == 0 && end == s.length ? s : java.util.Arrays.copyOfRange(s, start, end);
    }

    /** Whether the decimal or hexadecimal text {@code t} denotes exactly the double {@code d}. */
    private static boolean exactly(String t, double d) {
        java.math.BigDecimal exact;
        java.util.regex.Matcher m = HEX_PARTS.matcher(t);
        if (m.matches()) {
            String fraction = m.group(3) == null ? "" : m.group(3);
            java.math.BigInteger mantissa = new java.math.BigInteger("0" + m.group(2) + fraction, 16);
            long exponent = (m.group(4) == null ? 0 : Long.parseLong(m.group(4))) - 4L * fraction.length();
            if (exponent < -100_000 || exponent > 100_000) {
                return false;
            }
            exact = exponent >= 0 ? new java.math.BigDecimal(mantissa.shiftLeft((int) exponent))
                    : new java.math.BigDecimal(mantissa.multiply(java.math.BigInteger.valueOf(5).pow((int) -exponent)),
                            (int) -exponent);
            if (m.group(1).equals("-")) {
                exact = exact.negate();
            }
        } else {
            try {
                exact = new java.math.BigDecimal(t);
            } catch (NumberFormatException | ArithmeticException e) {
                return false;
            }
        }
        return exact.compareTo(new java.math.BigDecimal(d)) == 0;
    }

    private static final java.util.regex.Pattern HEX_PARTS =
            java.util.regex.Pattern.compile("([+-]?)0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?");

    public static double parseDouble(byte[] s) {
        Double d = parseDoubleOrNull(s);
        if (d == null) {
            throw CommandError.NOT_FLOAT;
        }
        return d;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }
}
