package io.mnemos.util;

import java.nio.charset.StandardCharsets;

/** Redis's sdscatrepr: a double-quoted, escaped rendering of binary-safe bytes (MONITOR, CONFIG REWRITE, AOF manifest). */
public final class Repr {
    private Repr() {
    }

    /** Appends {@code s} quoted and escaped as sdscatrepr does. */
    public static void append(StringBuilder sb, byte[] s) {
        sb.append('"');
        for (byte b : s) {
            int ch = b & 0xff;
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case '\b' -> sb.append("\\b");
                default -> {
                    if (ch >= 0x20 && ch <= 0x7e) {
                        sb.append((char) ch);
                    } else {
                        sb.append("\\x").append(Character.forDigit(ch >> 4, 16)).append(Character.forDigit(ch & 15, 16));
                    }
                }
            }
        }
        sb.append('"');
    }

    /** {@code s} (as UTF-8) quoted and escaped as sdscatrepr does. */
    public static String of(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        append(sb, s.getBytes(StandardCharsets.UTF_8));
        return sb.toString();
    }
}
