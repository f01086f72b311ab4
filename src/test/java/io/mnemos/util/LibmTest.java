package io.mnemos.util;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The C library's trigonometry, reached through the foreign function API. */
class LibmTest {
    @Test
    void theCLibraryIsReachedWhenNativeAccessIsEnabled() {
        // The build runs tests with --enable-native-access=ALL-UNNAMED, as the jar's manifest allows.
        assertTrue(Libm.isNative());
    }

    @Test
    void resultsAgreeWithJavaToTheLastBitOrSo() {
        Random rnd = new Random(1);
        for (int i = 0; i < 10_000; i++) {
            double x = (rnd.nextDouble() - 0.5) * 7;
            assertEquals(StrictMath.sin(x), Libm.sin(x), Math.ulp(StrictMath.sin(x)) * 1.01);
            assertEquals(StrictMath.cos(x), Libm.cos(x), Math.ulp(StrictMath.cos(x)) * 1.01);
            double y = rnd.nextDouble() * 2 - 1;
            assertEquals(StrictMath.asin(y), Libm.asin(y), Math.ulp(StrictMath.asin(y)) * 1.01);
        }
        assertTrue(Double.isNaN(Libm.asin(1.0000000000000002)));
    }
}
