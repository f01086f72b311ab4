package io.mnemos.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Formats doubles exactly as C's {@code printf("%.17g")}, which Redis 7.0 uses in replies. */
public final class RedisDoubles {
    private static final MathContext SEVENTEEN_DIGITS = new MathContext(17, RoundingMode.HALF_EVEN);
    private static final double LISTPACK_INTEGER_BOUND = 0x1p62;

    private RedisDoubles() {
    }

    public static String format(double value) {
        if (Double.isNaN(value)) {
            // glibc prints the NaN's sign bit, and x86's default NaN (0/0, inf-inf) has it set.
            return Double.doubleToRawLongBits(value) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0" : "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(SEVENTEEN_DIGITS);
        // %g picks the style from the decimal exponent X of the rounded value: fixed if -4 <= X < P.
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 17) {
            String digits = rounded.unscaledValue().abs().toString();
            digits = stripTrailingZeros(digits);
            StringBuilder sb = new StringBuilder();
            if (rounded.signum() < 0) {
                sb.append('-');
            }
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
            return sb.toString();
        }
        String plain = rounded.toPlainString();
        if (plain.indexOf('.') >= 0) {
            plain = stripTrailingZeros(plain);
            if (plain.endsWith(".")) {
                plain = plain.substring(0, plain.length() - 1);
            }
        }
        return plain;
    }

    /**
     * The text a listpack holds for a sorted-set score, which ZSCAN of a small sorted set returns:
     * Redis 7.0's d2string prints an integral value within +-2^62 (double2ll's range) as an integer,
     * so 1e17 reads 100000000000000000 and -0.0 reads 0; anything else is {@code %.17g}.
     */
    public static String formatListpackScore(double value) {
        if (value >= -LISTPACK_INTEGER_BOUND && value <= LISTPACK_INTEGER_BOUND && value == (long) value) {
            return Long.toString((long) value);
        }
        return format(value);
    }

    /**
     * C's {@code printf("%.<decimals>f")}: the exact binary value rounded half to even, "-" kept for
     * negative values that round to zero, glibc's "inf" and "nan" spellings.
     */
    public static String fixed(double value, int decimals) {
        if (Double.isNaN(value)) {
            return Double.doubleToRawLongBits(value) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String s = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        boolean negative = value < 0 || (value == 0 && 1 / value < 0);
        return negative && s.charAt(0) != '-' ? "-" + s : s;
    }

    private static String stripTrailingZeros(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }
}
