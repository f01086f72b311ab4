package io.mnemos.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** %.17g as glibc prints it; every expected text was produced by C's printf("%.17g", strtod(input)). */
class RedisDoublesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "0.1|0.10000000000000001",
            "0.3|0.29999999999999999",
            "1e300|1.0000000000000001e+300",
            "1.5|1.5",
            "-2.5|-2.5",
            "0.5|0.5",
            "10.5|10.5",
            "100|100",
            "2.0|2",
            "0|0",
            "-0.0|-0",
            "1e-5|1.0000000000000001e-05",
            "2.5e-5|2.5000000000000001e-05",
            "1e-4|0.0001",
            "0.000099999999999999991|9.9999999999999991e-05",
            "-1e-7|-9.9999999999999995e-08",
            "123456789012345678|1.2345678901234568e+17",
            "-123456789012345678|-1.2345678901234568e+17",
            "12345678901234567|12345678901234568",
            "9007199254740993|9007199254740992",
            "1e16|10000000000000000",
            "1e17|1e+17",
            "99999999999999999|1e+17",
            "1e21|1e+21",
            "1e100|1e+100",
            "3.14159|3.1415899999999999",
            "123.456|123.456",
            "1234567.891|1234567.8910000001",
            "3.0000000000000004|3.0000000000000004",
            "1e-300|1e-300",
            "1e-310|9.9999999999999694e-311",
            "5e-324|4.9406564584124654e-324",
            "2.2250738585072014e-308|2.2250738585072014e-308",
            "1.7976931348623157e308|1.7976931348623157e+308",
    })
    void formatsLikePrintfPercent17g(double value, String expected) {
        assertEquals(expected, RedisDoubles.format(value));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1e17|100000000000000000",
            "-1e17|-100000000000000000",
            "-0.0|0",
            "4611686018427387904|4611686018427387904",
            "-4611686018427387904|-4611686018427387904",
            "4611686018427388928|4.6116860184273889e+18",
            "-4611686018427388928|-4.6116860184273889e+18",
            "0.1|0.10000000000000001",
            "1e19|1e+19",
    })
    void listpackScoresAreIntegersWithinDouble2llRange(double value, String expected) {
        assertEquals(expected, RedisDoubles.formatListpackScore(value));
    }

    @Test
    void infinitiesAndNan() {
        assertEquals("inf", RedisDoubles.format(Double.POSITIVE_INFINITY));
        assertEquals("-inf", RedisDoubles.format(Double.NEGATIVE_INFINITY));
        assertEquals("nan", RedisDoubles.format(Double.NaN));
    }

    @Test
    void seventeenSignificantDigitsAlwaysReadBackAsTheSameDouble() {
        SplittableRandom rnd = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            String s = RedisDoubles.format(d);
            assertEquals(d, Double.parseDouble(s), s);
            assertTrue(s.matches("-?[0-9](\\.[0-9]*[1-9])?e[-+][0-9]{2,3}|-?[0-9]+(\\.[0-9]*[1-9])?"), s);
        }
    }

    @Test
    void fixedIsPrintfPercentFOfTheExactBinaryValue() {
        assertEquals("0.007812", RedisDoubles.fixed(0.0078125, 6)); // an exact tie rounds to even
        assertEquals("166274.1516", RedisDoubles.fixed(166274.15156960033, 4));
        assertEquals("-0.000000", RedisDoubles.fixed(-1e-9, 6));
        assertEquals("-0.0000", RedisDoubles.fixed(-0.0, 4));
        assertEquals("100000000000000000000.000000", RedisDoubles.fixed(1e20, 6));
        assertEquals("inf", RedisDoubles.fixed(Double.POSITIVE_INFINITY, 6));
        assertEquals("-nan", RedisDoubles.fixed(Double.longBitsToDouble(0xfff8000000000000L), 4));
    }
}
