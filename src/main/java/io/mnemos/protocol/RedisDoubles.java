package io.mnemos.protocol;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats doubles exactly as glibc's printf: {@code %.17g}, which Redis 7.0 uses in replies, and the
 * %g, %e and %f forms Lua's tostring and string.format need.
 */
public final class RedisDoubles {
    private static final double LISTPACK_INTEGER_BOUND = 0x1p62;

    private RedisDoubles() {
    }

    /** {@code printf("%.17g")}: the form of every double in Redis's replies. */
    public static String format(double value) {
        return general(value, 17, false);
    }

    /** glibc's spelling of a non-finite value, or null for a finite one. */
    private static String nonFinite(double value) {
        if (Double.isNaN(value)) {
            // glibc prints the NaN's sign bit, and x86's default NaN (0/0, inf-inf) has it set.
            return Double.doubleToRawLongBits(value) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return null;
    }

    private static boolean negative(double value) {
        return value < 0 || (value == 0 && 1 / value < 0);
    }

    /**
     * C's {@code printf("%.<precision>g")} (with {@code alternate}, {@code %#g}: trailing zeros
     * and the point kept): the exact binary value rounded half to even to that many significant
     * digits, written as {@code %e} would if its exponent X is below -4 or at least the precision,
     * else as {@code %f}.
     */
    public static String general(double value, int precision, boolean alternate) {
        String special = nonFinite(value);
        if (special != null) {
            return special;
        }
        int p = precision == 0 ? 1 : precision;
        String sign = negative(value) ? "-" : "";
        BigDecimal rounded = value == 0 ? BigDecimal.ZERO
                : new BigDecimal(value).abs().round(new MathContext(p, RoundingMode.HALF_EVEN));
        int exponent = value == 0 ? 0 : rounded.precision() - rounded.scale() - 1;
        String text = exponent < -4 || exponent >= p
                ? exponentForm(rounded, exponent, p - 1)
                : rounded.setScale(p - 1 - exponent, RoundingMode.HALF_EVEN).toPlainString();
        if (!alternate && text.indexOf('.') >= 0) {
            int e = text.indexOf('e');
            String mantissa = e < 0 ? text : text.substring(0, e);
            mantissa = stripTrailingZeros(mantissa);
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
            text = e < 0 ? mantissa : mantissa + text.substring(e);
        }
        return sign + text;
    }

    /** C's {@code printf("%.<decimals>e")}: d.ddd (rounded half to even) and a two-digit exponent at least. */
    public static String exponent(double value, int decimals) {
        String special = nonFinite(value);
        if (special != null) {
            return special;
        }
        String sign = negative(value) ? "-" : "";
        if (value == 0) {
            return sign + exponentForm(BigDecimal.ZERO, 0, decimals);
        }
        BigDecimal rounded = new BigDecimal(value).abs().round(new MathContext(decimals + 1, RoundingMode.HALF_EVEN));
        return sign + exponentForm(rounded, rounded.precision() - rounded.scale() - 1, decimals);
    }

    /** The digits of {@code rounded} (non-negative) as d.ddd with {@code decimals} decimals, then e+XX. */
    private static String exponentForm(BigDecimal rounded, int exponent, int decimals) {
        String digits = rounded.unscaledValue().toString();
        StringBuilder sb = new StringBuilder();
        sb.append(digits.charAt(0));
        if (decimals > 0) {
            sb.append('.');
            for (int i = 1; i <= decimals; i++) {
                sb.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        return sb.append(abs).toString();
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
        String special = nonFinite(value);
        if (special != null) {
            return special;
        }
        String s = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
        return negative(value) && s.charAt(0) != '-' ? "-" + s : s;
    }

    private static String stripTrailingZeros(String s) {
        int end = s.length();
        while (end > 1 && s.charAt(end - 1) == '0') {
            end--;
        }
        return s.substring(0, end);
    }
}
