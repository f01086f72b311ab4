package io.mnemos.scripting;

import io.mnemos.protocol.RedisDoubles;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Lua 5.1's {@code string.format} (lstrlib.c str_format) over glibc's sprintf, as Redis's scripts
 * have it: flags {@code -+ #0}, width and precision of up to two digits each, {@code %d %i} of the
 * number cast to long, {@code %o %u %x %X} cast to unsigned long, {@code %c}, {@code %e %E %f %g %G}
 * of the exact double (rounded half to even), {@code %s} (a string of 100 bytes or more without a
 * precision goes in whole), and Lua 5.1's {@code %q}. LuaJ's own ignored widths and precisions of
 * numbers and strings and wrote doubles as Java does.
 */
final class LuaStringFormat extends VarArgFunction {
    private static final String FLAGS = "-+ #0";

    @Override
    public Varargs invoke(Varargs args) {
        byte[] format = LuaConversions.checkString(args, 1, "format");
        ByteArrayOutputStream out = new ByteArrayOutputStream(format.length + 16);
        int top = args.narg();
        int arg = 1;
        int i = 0;
        while (i < format.length) {
            if (format[i] != '%') {
                out.write(format[i++]);
                continue;
            }
            i++;
            if (i < format.length && format[i] == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (++arg > top) {
                throw new LuaError("bad argument #" + arg + " to 'format' (no value)");
            }
            Spec spec = new Spec();
            i = spec.scan(format, i);
            switch (spec.conversion) {
                case 'c' -> spec.pad(out, new byte[]{(byte) LuaConversions.checkInteger(args, arg, "format")}, 0, false);
                case 'd', 'i' -> spec.integer(out, LuaConversions.checkInteger(args, arg, "format"), true);
                case 'o', 'u', 'x', 'X' -> spec.integer(out, LuaNumbers.toUnsignedLongX86(LuaConversions.checkNumber(args, arg, "format")), false);
                case 'e', 'E', 'f', 'g', 'G' -> spec.floating(out, LuaConversions.checkNumber(args, arg, "format"));
                case 'q' -> quoted(out, LuaConversions.checkString(args, arg, "format"));
                case 's' -> {
                    byte[] s = LuaConversions.checkString(args, arg, "format");
                    if (spec.precision < 0 && s.length >= 100) {
                        out.writeBytes(s); // too long for sprintf's buffer: kept as it is, NULs and all
                    } else {
                        spec.string(out, s);
                    }
                }
                default -> throw new LuaError("invalid option '%" + (char) spec.conversion + "' to 'format'");
            }
        }
        return LuaString.valueOf(out.toByteArray());
    }

    /** addquoted of Lua 5.1: '"', '\\' and newline escaped, "\r" as \r, NUL as \000. */
    private static void quoted(ByteArrayOutputStream out, byte[] s) {
        out.write('"');
        for (byte b : s) {
            switch (b) {
                case '"', '\\', '\n' -> {
                    out.write('\\');
                    out.write(b);
                }
                case '\r' -> out.writeBytes(new byte[]{'\\', 'r'});
                case 0 -> out.writeBytes(new byte[]{'\\', '0', '0', '0'});
                default -> out.write(b);
            }
        }
        out.write('"');
    }

    /** One conversion's flags, width and precision (scanformat), and glibc's way of applying them. */
    private static final class Spec {
        boolean left;
        boolean plus;
        boolean space;
        boolean alternate;
        boolean zero;
        int width;
        /** -1 without a '.'; a '.' without digits is 0. */
        int precision = -1;
        int conversion;

        /** scanformat from just after the '%': returns the index after the conversion letter. */
        int scan(byte[] f, int i) {
            int start = i;
            while (i < f.length && f[i] != 0 && FLAGS.indexOf(f[i]) >= 0) {
                switch (f[i++]) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case ' ' -> space = true;
                    case '#' -> alternate = true;
                    default -> zero = true;
                }
            }
            if (i - start >= FLAGS.length() + 1) {
                throw new LuaError("invalid format (repeated flags)");
            }
            for (int d = 0; d < 2 && digit(f, i); d++) {
                width = width * 10 + (f[i++] - '0');
            }
            if (i < f.length && f[i] == '.') {
                i++;
                precision = 0;
                for (int d = 0; d < 2 && digit(f, i); d++) {
                    precision = precision * 10 + (f[i++] - '0');
                }
            }
            if (digit(f, i)) {
                throw new LuaError("invalid format (width or precision too long)");
            }
            conversion = i < f.length ? f[i] & 0xff : 0;
            return i + 1;
        }

        private static boolean digit(byte[] f, int i) {
            return i < f.length && f[i] >= '0' && f[i] <= '9';
        }

        /**
         * The item padded to the width with spaces (or zeros after the sign and prefix,
         * {@code zeroAt} bytes in, when {@code zeros}); Lua adds it with strlen, so it ends at a NUL.
         */
        void pad(ByteArrayOutputStream out, byte[] item, int zeroAt, boolean zeros) {
            int fill = Math.max(0, width - item.length);
            byte[] padded = new byte[item.length + fill];
            if (left) {
                System.arraycopy(item, 0, padded, 0, item.length);
                Arrays.fill(padded, item.length, padded.length, (byte) ' ');
            } else if (zeros) {
                System.arraycopy(item, 0, padded, 0, zeroAt);
                Arrays.fill(padded, zeroAt, zeroAt + fill, (byte) '0');
                System.arraycopy(item, zeroAt, padded, zeroAt + fill, item.length - zeroAt);
            } else {
                Arrays.fill(padded, 0, fill, (byte) ' ');
                System.arraycopy(item, 0, padded, fill, item.length);
            }
            int end = 0;
            while (end < padded.length && padded[end] != 0) {
                end++;
            }
            out.write(padded, 0, end);
        }

        /** %s: the string up to its first NUL, at most {@code precision} bytes of it. */
        void string(ByteArrayOutputStream out, byte[] s) {
            int length = 0;
            while (length < s.length && s[length] != 0 && (precision < 0 || length < precision)) {
                length++;
            }
            pad(out, Arrays.copyOf(s, length), 0, false);
        }

        /** %d %i (signed) and %o %u %x %X (the bits as unsigned). */
        void integer(ByteArrayOutputStream out, long n, boolean signed) {
            int radix = switch (conversion) {
                case 'o' -> 8;
                case 'x', 'X' -> 16;
                default -> 10;
            };
            boolean negative = signed && n < 0;
            String digits = n == 0 && precision == 0 ? ""
                    : !signed ? Long.toUnsignedString(n, radix)
                    : n == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(n));
            if (conversion == 'X') {
                digits = digits.toUpperCase(Locale.ROOT);
            }
            StringBuilder body = new StringBuilder();
            for (int k = digits.length(); k < precision; k++) {
                body.append('0');
            }
            body.append(digits);
            if (alternate && conversion == 'o' && (body.length() == 0 || body.charAt(0) != '0')) {
                body.insert(0, '0');
            }
            String prefix = negative ? "-" : signed && plus ? "+" : signed && space ? " " : "";
            if (alternate && n != 0 && (conversion == 'x' || conversion == 'X')) {
                prefix += conversion == 'x' ? "0x" : "0X";
            }
            byte[] item = (prefix + body).getBytes(StandardCharsets.US_ASCII);
            pad(out, item, prefix.length(), zero && precision < 0);
        }

        /** %e %E %f %g %G of the exact value; inf and nan are never zero-padded. */
        void floating(ByteArrayOutputStream out, double v) {
            int p = precision < 0 ? 6 : precision;
            String text = switch (conversion) {
                case 'e', 'E' -> RedisDoubles.exponent(v, p);
                case 'f' -> RedisDoubles.fixed(v, p);
                default -> RedisDoubles.general(v, p, alternate);
            };
            boolean finite = !Double.isNaN(v) && !Double.isInfinite(v);
            if (alternate && finite && text.indexOf('.') < 0) {
                int e = text.indexOf('e');
                text = e < 0 ? text + "." : text.substring(0, e) + "." + text.substring(e);
            }
            if (conversion == 'E' || conversion == 'G') {
                text = text.toUpperCase(Locale.ROOT);
            }
            String sign = "";
            if (text.startsWith("-")) {
                sign = "-";
                text = text.substring(1);
            } else if (plus) {
                sign = "+";
            } else if (space) {
                sign = " ";
            }
            byte[] item = (sign + text).getBytes(StandardCharsets.US_ASCII);
            pad(out, item, sign.length(), zero && finite);
        }
    }
}
