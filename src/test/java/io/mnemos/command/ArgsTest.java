package io.mnemos.command;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Number parsing as Redis's strtod-based string2d reads it. */
class ArgsTest {
    private static Double parse(String s) {
        return Args.parseDoubleOrNull(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void plainIntegersReadAsTheExactDouble() {
        assertEquals(0.0, parse("0"));
        assertEquals(Double.valueOf(-0.0), parse("-0")); // strtod keeps the sign of zero
        assertEquals(42.0, parse("+42"));
        assertEquals(-123456789012345.0, parse("-123456789012345"));
        assertEquals(999999999999999.0, parse("999999999999999"));
        assertEquals(7.0, parse("007"));
    }

    @Test
    void longerIntegersAndOtherFormsTakeTheFullParse() {
        assertEquals(9007199254740993.0, parse("9007199254740993")); // rounds as strtod does
        assertEquals(1.0e20, parse("100000000000000000000"));
        assertEquals(1.5, parse("1.5"));
        assertEquals(-2.5e-3, parse("-2.5e-3"));
        assertEquals(16.0, parse("0x10"));
        assertEquals(Double.POSITIVE_INFINITY, parse("+inf"));
    }

    @Test
    void notNumbersAreRefused() {
        assertNull(parse(""));
        assertNull(parse("-"));
        assertNull(parse("+"));
        assertNull(parse(" 1"));
        assertNull(parse("1 "));
        assertNull(parse("12a"));
        assertNull(parse("1d"));
        assertNull(parse("nan"));
    }
}
