package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.util.Glob;

import java.util.List;

/**
 * The arguments shared by the SCAN family (SCAN, HSCAN, SSCAN and ZSCAN), parsed as Redis's
 * parseScanCursorOrReply and scanGenericCommand do: the cursor, then COUNT n (at least 1), MATCH pattern
 * and, for SCAN only, TYPE name, in any order, each option taking the last value given.
 */
final class ScanArguments {
    /** COUNT: how many elements to aim for (10 unless given). */
    final long count;
    /** MATCH: the glob-style pattern, or null for none (a bare "*" counts as none, as in Redis). */
    final byte[] pattern;
    /** TYPE: the type name to keep (SCAN only), or null. */
    final byte[] typeName;

    private ScanArguments(long count, byte[] pattern, byte[] typeName) {
        this.count = count;
        this.pattern = pattern;
        this.typeName = typeName;
    }

    /**
     * Parses the options from argument {@code first} to the end; TYPE is an option only where
     * {@code typeAllowed} (SCAN), a syntax error elsewhere.
     */
    static ScanArguments parseOptions(Client c, int first, boolean typeAllowed) {
        long count = 10;
        byte[] pattern = null;
        byte[] typeName = null;
        for (int i = first; i < c.argc(); ) {
            int remaining = c.argc() - i;
            byte[] opt = c.arg(i);
            if (Args.is(opt, "COUNT") && remaining >= 2) {
                count = Args.parseLong(c.arg(i + 1));
                if (count < 1) {
                    throw CommandError.SYNTAX;
                }
                i += 2;
            } else if (Args.is(opt, "MATCH") && remaining >= 2) {
                byte[] p = c.arg(i + 1);
                pattern = p.length == 1 && p[0] == '*' ? null : p;
                i += 2;
            } else if (typeAllowed && Args.is(opt, "TYPE") && remaining >= 2) {
                typeName = c.arg(i + 1);
                i += 2;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return new ScanArguments(count, pattern, typeName);
    }

    /** True if {@code element} passes MATCH (always, without a pattern). */
    boolean matches(byte[] element) {
        return pattern == null || Glob.matches(pattern, element, false);
    }

    /**
     * Redis's parseScanCursorOrReply, i.e. C's strtoul in base 10: optional sign (a minus negates
     * modulo 2^64), decimal digits, nothing after; an empty string is cursor 0; leading space and
     * overflow are errors.
     */
    static long parseCursor(byte[] s) {
        CommandError invalid = CommandError.err("invalid cursor");
        int n = s.length;
        if (n == 0) {
            return 0;
        }
        if (isSpace(s[0])) {
            throw invalid;
        }
        int i = 0;
        boolean negative = false;
        if (s[0] == '+' || s[0] == '-') {
            negative = s[0] == '-';
            i++;
        }
        if (i == n) {
            throw invalid;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                throw invalid;
            }
            // Unsigned overflow check: v * 10 + d must stay below 2^64.
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L, 10)) > 0) {
                throw invalid;
            }
            long next = v * 10 + d;
            if (Long.compareUnsigned(next, v * 10) < 0) {
                throw invalid;
            }
            v = next;
        }
        return negative ? -v : v;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0b || b == '\f';
    }

    /** The reply of every SCAN-family command: the next cursor (unsigned) and the elements. */
    /**
     * scanGenericCommand's loop over a hash table: one bucket per step until the cursor is back at 0,
     * COUNT elements were found, or ten times COUNT buckets were visited. count * 10 wraps like C's
     * long for a huge COUNT, and, as Redis's {@code maxiterations--} test, a wrapped negative budget
     * is still a budget: such a SCAN walks the whole table in one call.
     */
    long scanBuckets(long cursor, java.util.function.LongUnaryOperator step, java.util.function.IntSupplier found) {
        long maxIterations = count * 10;
        do {
            cursor = step.applyAsLong(cursor);
        } while (cursor != 0 && maxIterations-- != 0 && found.getAsInt() < count);
        return cursor;
    }

    static void reply(ReplyWriter reply, long cursor, List<byte[]> elements) {
        reply.arrayHeader(2);
        reply.bulk(Long.toUnsignedString(cursor));
        reply.arrayHeader(elements.size());
        for (byte[] e : elements) {
            reply.bulk(e);
        }
    }
}
