package io.mnemos.util;

import java.nio.charset.StandardCharsets;

/**
 * Redis's glob matcher ({@code stringmatchlen} in util.c): {@code * ? [abc] [^a-z] \x}, optionally
 * case-insensitive, used by KEYS, SCAN MATCH and CONFIG GET.
 *
 * <p>Follows the C code closely, quirks included: bytes compare as signed {@code char}s in
 * ranges, an unterminated {@code [} class runs to the end of the pattern, a trailing backslash
 * matches itself, and once a {@code *} has failed to match the rest of the pattern at every
 * position, earlier stars give up too (the "skip longer matches" guard against exponential
 * patterns).
 */
public final class Glob {
    /** Deeper recursion than this (one level per {@code *}) is refused rather than risk the stack. */
    private static final int MAX_NESTING = 1000;

    private Glob() {
    }

    public static boolean matches(byte[] pattern, byte[] string, boolean nocase) {
        boolean[] skipLongerMatches = new boolean[1];
        return match(pattern, 0, string, 0, nocase, skipLongerMatches, 0);
    }

    public static boolean matches(String pattern, String string) {
        return matches(pattern.getBytes(StandardCharsets.UTF_8), string.getBytes(StandardCharsets.UTF_8), true);
    }

    /** The byte at {@code i}, or 0 past the end like the NUL terminator of an sds string. */
    private static int at(byte[] b, int i) {
        return i < b.length ? b[i] : 0;
    }

    private static boolean match(byte[] p, int pi, byte[] s, int si, boolean nocase, boolean[] skipLonger,
                                 int nesting) {
        if (nesting > MAX_NESTING) {
            return false;
        }
        int plen = p.length - pi;
        int slen = s.length - si;
        while (plen > 0 && slen > 0) {
            switch (p[pi]) {
                case '*' -> {
                    while (plen > 0 && at(p, pi + 1) == '*') {
                        pi++;
                        plen--;
                    }
                    if (plen == 1) {
                        return true;
                    }
                    while (slen > 0) {
                        if (match(p, pi + 1, s, si, nocase, skipLonger, nesting + 1)) {
                            return true;
                        }
                        if (skipLonger[0]) {
                            return false;
                        }
                        si++;
                        slen--;
                    }
                    skipLonger[0] = true;
                    return false;
                }
                case '?' -> {
                    si++;
                    slen--;
                }
                case '[' -> {
                    pi++;
                    plen--;
                    boolean not = at(p, pi) == '^';
                    if (not) {
                        pi++;
                        plen--;
                    }
                    boolean matched = false;
                    while (true) {
                        if (at(p, pi) == '\\' && plen >= 2) {
                            pi++;
                            plen--;
                            if (p[pi] == s[si]) {
                                matched = true;
                            }
                        } else if (at(p, pi) == ']') {
                            break;
                        } else if (plen == 0) {
                            pi--;
                            plen++;
                            break;
                        } else if (plen >= 3 && p[pi + 1] == '-') {
                            // C chars are signed: bytes >= 0x80 sort below NUL in ranges.
                            int start = p[pi];
                            int end = p[pi + 2];
                            int c = s[si];
                            if (start > end) {
                                int t = start;
                                start = end;
                                end = t;
                            }
                            if (nocase) {
                                start = lower(start);
                                end = lower(end);
                                c = lower(c);
                            }
                            pi += 2;
                            plen -= 2;
                            if (c >= start && c <= end) {
                                matched = true;
                            }
                        } else if (equal(p[pi], s[si], nocase)) {
                            matched = true;
                        }
                        pi++;
                        plen--;
                    }
                    if (not) {
                        matched = !matched;
                    }
                    if (!matched) {
                        return false;
                    }
                    si++;
                    slen--;
                }
                case '\\' -> {
                    if (plen >= 2) {
                        pi++;
                        plen--;
                    }
                    if (!equal(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                    slen--;
                }
                default -> {
                    if (!equal(p[pi], s[si], nocase)) {
                        return false;
                    }
                    si++;
                    slen--;
                }
            }
            pi++;
            plen--;
            if (slen == 0) {
                while (at(p, pi) == '*') {
                    pi++;
                    plen--;
                }
                break;
            }
        }
        return plen == 0 && slen == 0;
    }

    /** C's tolower in the "C" locale, on a signed char value. */
    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean equal(byte a, byte b, boolean nocase) {
        return a == b || nocase && lower(a) == lower(b);
    }
}
