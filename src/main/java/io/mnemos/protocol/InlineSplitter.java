package io.mnemos.protocol;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments with Redis's {@code sdssplitargs} rules: blanks
 * separate arguments, double quotes allow {@code \n \r \t \b \a \xHH} escapes, single quotes allow
 * only {@code \'}, and a closing quote must be followed by a blank or the end of the line.
 */
public final class InlineSplitter {
    private InlineSplitter() {
    }

    /** @return the arguments, or null when the quotes are unbalanced */
    public static byte[][] split(byte[] line) {
        return split(line, 0, line.length);
    }

    /**
     * Splits {@code line[from, to)} (the decoder's read copy, so that the common unquoted request
     * costs only its arguments).
     *
     * @return the arguments, or null when the quotes are unbalanced
     */
    public static byte[][] split(byte[] line, int from, int to) {
        int n = to;
        boolean quoted = false;
        // sdssplitargs works on a C string: a NUL ends the line.
        for (int i = from; i < to; i++) {
            byte c = line[i];
            if (c == 0) {
                n = i;
                break;
            }
            quoted |= c == '"' || c == '\'';
        }
        return quoted ? splitQuoted(line, from, n) : splitOnBlanks(line, from, n);
    }

    /**
     * The common case (telnet, healthchecks): no quotes, so an argument starts after isspace()
     * blanks and runs to the next space, tab, CR or LF (sdssplitargs ends a word only at those).
     */
    private static byte[][] splitOnBlanks(byte[] line, int from, int n) {
        int count = 0;
        for (int p = skipBlanks(line, from, n); p < n; p = skipBlanks(line, wordEnd(line, p, n), n)) {
            count++;
        }
        byte[][] args = new byte[count][];
        int k = 0;
        for (int p = skipBlanks(line, from, n); p < n; ) {
            int end = wordEnd(line, p, n);
            args[k++] = java.util.Arrays.copyOfRange(line, p, end);
            p = skipBlanks(line, end, n);
        }
        return args;
    }

    private static int skipBlanks(byte[] line, int p, int n) {
        while (p < n && isSpace(line[p])) {
            p++;
        }
        return p;
    }

    private static int wordEnd(byte[] line, int p, int n) {
        while (p < n && !endsWord(line[p])) {
            p++;
        }
        return p;
    }

    private static byte[][] splitQuoted(byte[] line, int from, int n) {
        List<byte[]> args = new ArrayList<>();
        int p = from;
        while (true) {
            while (p < n && isSpace(line[p])) {
                p++;
            }
            if (p >= n) {
                return args.toArray(new byte[0][]);
            }
            ByteArrayOutputStream current = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (p >= n) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 3 < n && line[p + 1] == 'x' && isHex(line[p + 2]) && isHex(line[p + 3])) {
                        current.write(hex(line[p + 2]) * 16 + hex(line[p + 3]));
                        p += 3;
                    } else if (c == '\\' && p + 1 < n) {
                        p++;
                        current.write(switch (line[p]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> line[p];
                        });
                    } else if (c == '"') {
                        if (p + 1 < n && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        current.write(c);
                    }
                } else if (inSingle) {
                    if (p >= n) {
                        return null;
                    }
                    byte c = line[p];
                    if (c == '\\' && p + 1 < n && line[p + 1] == '\'') {
                        p++;
                        current.write('\'');
                    } else if (c == '\'') {
                        if (p + 1 < n && !isSpace(line[p + 1])) {
                            return null;
                        }
                        done = true;
                    } else {
                        current.write(c);
                    }
                } else {
                    if (p >= n) {
                        done = true;
                        continue;
                    }
                    byte c = line[p];
                    switch (c) {
                        case ' ', '\n', '\r', '\t', 0 -> done = true;
                        case '"' -> inDouble = true;
                        case '\'' -> inSingle = true;
                        default -> current.write(c);
                    }
                }
                if (p < n) {
                    p++;
                }
            }
            args.add(current.toByteArray());
        }
    }

    private static boolean endsWord(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0x0b || c == '\f';
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return (c | 0x20) - 'a' + 10;
    }
}
