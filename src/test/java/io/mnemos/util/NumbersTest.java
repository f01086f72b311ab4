package io.mnemos.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NumbersTest {
    private static Long parse(String s) {
        return Numbers.string2ll(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void string2llAcceptsCanonicalDecimalsAcrossTheWholeLongRange() {
        assertEquals(0L, parse("0"));
        assertEquals(42L, parse("42"));
        assertEquals(-7L, parse("-7"));
        assertEquals(Long.MAX_VALUE, parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, parse("-9223372036854775808"));
    }

    @Test
    void atoiReadsLeadingDigitsAsGlibcDoes() {
        String[] in = {"12", " \t-3x", "+7", "1.9", "abc", "", "-", "4294967297", "9223372036854775808", "-99999999999999999999"};
        int[] out = {12, -3, 7, 1, 0, 0, 0, 1, -1, 0};
        for (int i = 0; i < in.length; i++) {
            assertEquals(out[i], Numbers.atoi(in[i].getBytes(StandardCharsets.US_ASCII)), in[i]);
        }
    }

    @Test
    void string2llRejectsWhatRedisRejects() {
        for (String s : new String[] {"", "-", "-0", "007", "+1", " 1", "1 ", "1a", "1.0",
                "9223372036854775808", "-9223372036854775809", "123456789012345678901"}) {
            assertNull(parse(s), s);
        }
    }

    @Test
    void toBytesWritesTheDecimalTextOfEveryLong() {
        for (long v : new long[] {0, 1, 9, 10, -1, -10, 9999, 10000, 123456789, Long.MAX_VALUE, Long.MIN_VALUE,
                Long.MIN_VALUE + 1}) {
            assertEquals(Long.toString(v), new String(Numbers.toBytes(v), StandardCharsets.US_ASCII));
            assertEquals(Long.toString(v), new String(Numbers.sharedOrNew(v), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void integersBelowTenThousandAreSharedLikeRedisSharedIntegers() {
        assertSame(Numbers.sharedOrNew(42), Numbers.sharedOrNew(42));
        assertSame(Numbers.sharedOrNew(9999), Numbers.sharedOrNew(9999));
        assertNotSame(Numbers.sharedOrNew(10000), Numbers.sharedOrNew(10000));
        assertNotSame(Numbers.sharedOrNew(-1), Numbers.sharedOrNew(-1));
    }

    @Test
    void strtollWholeIsCStrtollWithNothingLeftOver() {
        assertEquals(5L, Numbers.strtollWhole("5"));
        assertEquals(5L, Numbers.strtollWhole("+5"));
        assertEquals(-5L, Numbers.strtollWhole("-5"));
        assertEquals(7L, Numbers.strtollWhole("007"));
        assertEquals(5L, Numbers.strtollWhole(" \t5"), "leading white space is skipped");
        assertEquals(0L, Numbers.strtollWhole(""), "strtoll stops at the terminator: 0, nothing left over");
        assertEquals(Long.MAX_VALUE, Numbers.strtollWhole("99999999999999999999"), "clamped like ERANGE");
        assertEquals(Long.MIN_VALUE, Numbers.strtollWhole("-99999999999999999999"));
        assertEquals(Long.MIN_VALUE, Numbers.strtollWhole("-9223372036854775808"));
        assertNull(Numbers.strtollWhole("5 "));
        assertNull(Numbers.strtollWhole("5x"));
        assertNull(Numbers.strtollWhole("+"));
        assertNull(Numbers.strtollWhole(" "));
        assertNull(Numbers.strtollWhole("1.5"));
    }
}
