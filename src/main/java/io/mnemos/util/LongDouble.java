package io.mnemos.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * An x87 80-bit {@code long double} (64-bit significand, exponents down to subnormal 2^-16445),
 * held exactly as a BigDecimal, with Redis's strtold-based parsing (string2ld), correctly
 * rounded addition and {@code "%.17Lf"}-then-trim formatting (ld2string LD_STR_HUMAN), so that
 * INCRBYFLOAT produces the very digits Redis on x86-64 does.
 */
public final class LongDouble {
    public static final LongDouble ZERO = new LongDouble(BigDecimal.ZERO, false, false);
    private static final int MAX_LONG_DOUBLE_CHARS = 5 * 1024;
    private static final int MIN_EXP = -16445;
    private static final int MAX_EXP = 16320;
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    public final BigDecimal value;
    public final boolean infinite;
    public final boolean negative;

    private LongDouble(BigDecimal value, boolean infinite, boolean negative) {
        this.value = value;
        this.infinite = infinite;
        this.negative = negative;
    }

    /** Redis's string2ld; null when it would fail ("value is not a valid float"). */
    public static LongDouble parse(byte[] s) {
        if (s.length == 0 || s.length >= MAX_LONG_DOUBLE_CHARS) {
            return null;
        }
        if (isSpace(s[0])) {
            return null;
        }
        // string2ld requires strtold to consume every byte, so an embedded NUL fails too.
        int n = s.length;
        int p = 0;
        boolean neg = false;
        if (p < n && (s[p] == '+' || s[p] == '-')) {
            neg = s[p] == '-';
            p++;
        }
        String rest = new String(s, p, n - p, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return new LongDouble(null, true, neg);
        }
        BigDecimal exact;
        if (rest.startsWith("0x")) {
            exact = parseHex(rest.substring(2));
        } else {
            exact = parseDecimal(rest);
        }
        if (exact == null) {
            return null;
        }
        if (exact.signum() == 0) {
            return new LongDouble(BigDecimal.ZERO, false, neg);
        }
        LongDouble r = round(neg ? exact.negate() : exact);
        if (r == null || r.infinite || r.value.signum() == 0) {
            return null; // ERANGE overflow or underflow to zero
        }
        return r;
    }

    private static BigDecimal parseDecimal(String t) {
        int i = 0;
        int n = t.length();
        StringBuilder digits = new StringBuilder();
        int fracDigits = 0;
        boolean any = false;
        while (i < n && Character.isDigit(t.charAt(i)) && t.charAt(i) < 128) {
            digits.append(t.charAt(i++));
            any = true;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                digits.append(t.charAt(i++));
                fracDigits++;
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        Long exponent = exponentToEnd(t, i, 'e');
        if (exponent == null) {
            return null;
        }
        long exp = exponent;
        BigInteger unscaled = new BigInteger(digits.toString());
        if (unscaled.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long scale = fracDigits - exp;
        // Decimal exponent of the leading digit; far outside long double's range it is inf or 0.
        long leading = unscaled.toString().length() - 1 - scale;
        if (leading > 5000) {
            return new BigDecimal("1e5000");
        }
        if (leading < -5000) {
            return new BigDecimal("1e-5000");
        }
        return new BigDecimal(unscaled, (int) scale);
    }

    /**
     * The exponent that ends a number's text from index i: 0 if the text ends there, else
     * {@code marker} ('e', or 'p' for hex), an optional sign and digits (clamped far beyond any
     * long double), and nothing after them; null otherwise (strtold would stop before the marker).
     */
    private static Long exponentToEnd(String t, int i, char marker) {
        int n = t.length();
        if (i == n) {
            return 0L;
        }
        if (t.charAt(i) != marker) {
            return null;
        }
        int k = i + 1;
        boolean negative = false;
        if (k < n && (t.charAt(k) == '+' || t.charAt(k) == '-')) {
            negative = t.charAt(k) == '-';
            k++;
        }
        if (k >= n) {
            return null;
        }
        long e = 0;
        for (; k < n; k++) {
            char ch = t.charAt(k);
            if (ch < '0' || ch > '9') {
                return null;
            }
            e = Math.min(e * 10 + (ch - '0'), 1_000_000_000L);
        }
        return negative ? -e : e;
    }

    private static BigDecimal parseHex(String t) {
        int i = 0;
        int n = t.length();
        BigInteger mant = BigInteger.ZERO;
        long binExp = 0;
        boolean any = false;
        while (i < n && Character.digit(t.charAt(i), 16) >= 0) {
            mant = mant.shiftLeft(4).add(BigInteger.valueOf(Character.digit(t.charAt(i++), 16)));
            any = true;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && Character.digit(t.charAt(i), 16) >= 0) {
                mant = mant.shiftLeft(4).add(BigInteger.valueOf(Character.digit(t.charAt(i++), 16)));
                binExp -= 4;
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        Long exponent = exponentToEnd(t, i, 'p');
        if (exponent == null) {
            return null;
        }
        binExp += exponent;
        if (mant.signum() == 0) {
            return BigDecimal.ZERO;
        }
        long top = mant.bitLength() + binExp;
        if (top > 17000) {
            return new BigDecimal("1e5000");
        }
        if (top < -17000) {
            return new BigDecimal("1e-5000");
        }
        return pow2(mant, binExp);
    }

    /** m * 2^e exactly. */
    private static BigDecimal pow2(BigInteger m, long e) {
        if (e >= 0) {
            return new BigDecimal(m.shiftLeft((int) e));
        }
        return new BigDecimal(m.multiply(BigInteger.valueOf(5).pow((int) -e)), (int) -e);
    }

    /** Rounds an exact value to the nearest long double (ties to even); infinite on overflow. */
    public static LongDouble round(BigDecimal x) {
        int sign = x.signum();
        if (sign == 0) {
            return new LongDouble(BigDecimal.ZERO, false, false);
        }
        BigDecimal abs = x.abs();
        BigInteger num;
        BigInteger den;
        if (abs.scale() <= 0) {
            num = abs.unscaledValue().multiply(BigInteger.TEN.pow(-abs.scale()));
            den = BigInteger.ONE;
        } else {
            num = abs.unscaledValue();
            den = BigInteger.TEN.pow(abs.scale());
        }
        long e = (long) num.bitLength() - den.bitLength() - 64;
        BigInteger q;
        BigInteger r;
        BigInteger d;
        while (true) {
            if (e < MIN_EXP) {
                e = MIN_EXP;
            }
            BigInteger n2 = e >= 0 ? num : num.shiftLeft((int) -e);
            d = e >= 0 ? den.shiftLeft((int) e) : den;
            BigInteger[] qr = n2.divideAndRemainder(d);
            q = qr[0];
            r = qr[1];
            if (q.compareTo(TWO_64) >= 0) {
                e++;
            } else if (q.compareTo(TWO_63) < 0 && e > MIN_EXP) {
                e--;
            } else {
                break;
            }
        }
        int cmp = r.shiftLeft(1).compareTo(d);
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
            if (q.equals(TWO_64)) {
                q = TWO_63;
                e++;
            }
        }
        if (e > MAX_EXP) {
            return new LongDouble(null, true, sign < 0);
        }
        BigDecimal v = pow2(q, e);
        return new LongDouble(sign < 0 ? v.negate() : v, false, sign < 0);
    }

    /** The rounded sum, or null for NaN or infinity. */
    public LongDouble add(LongDouble o) {
        if (infinite || o.infinite) {
            return null;
        }
        LongDouble r = round(value.add(o.value));
        return r.infinite ? null : r;
    }

    /** ld2string(..., LD_STR_HUMAN): "%.17Lf" with trailing zeros (and dot) removed, "-0" as "0". */
    /**
     * {@code (long long) ceill(this * factor)} on x86-64: the product rounded to a long double, then
     * rounded up; Long.MIN_VALUE (the x87 "integer indefinite") when it does not fit.
     */
    public long multiplyCeiling(long factor) {
        if (infinite) {
            return Long.MIN_VALUE;
        }
        LongDouble product = round(value.multiply(BigDecimal.valueOf(factor)));
        if (product.infinite) {
            return Long.MIN_VALUE;
        }
        BigDecimal whole = product.value.setScale(0, RoundingMode.CEILING);
        if (whole.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 || whole.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0) {
            return Long.MIN_VALUE;
        }
        return whole.longValueExact();
    }

    public String humanString() {
        String s = value.setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        if (s.equals("-0")) {
            s = "0";
        }
        return s;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }
}
