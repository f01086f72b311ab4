package io.mnemos.util;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sds allocation model against the figures redis-server 7.0.15's DEBUG SDSLEN shows for the
 * same strings (val_sds_len, val_sds_avail, val_zmalloc).
 */
class SdsTest {
    @Test
    void aStringMadeToMeasureHasTheFreeSpaceOfItsSizeClass() {
        // SET of 100 bytes: sdshdr8, 104 bytes asked, 112 served, 8 free: one more byte fits in place.
        assertEquals(112, Sds.allocation(Sds.MADE_TO_MEASURE, 100));
        int code = Sds.makeRoomFor(Sds.MADE_TO_MEASURE, 100, 8);
        assertEquals(112, Sds.allocation(code, 108));
        // A ninth byte does not: twice 109, sdshdr8, 222 asked, 224 served.
        assertEquals(224, Sds.allocation(Sds.makeRoomFor(Sds.MADE_TO_MEASURE, 100, 9), 109));
    }

    @Test
    void anEmptyStringIsAnSdshdr8WithRoomForFourBytes() {
        int code = Sds.makeRoomFor(Sds.MADE_TO_MEASURE, 0, 3);
        assertEquals(8, Sds.allocation(code, 3));
        code = Sds.makeRoomFor(code, 3, 1);
        assertEquals(8, Sds.allocation(code, 4));
        assertEquals(32, Sds.allocation(Sds.makeRoomFor(code, 4, 5), 9)); // twice 9, sdshdr8
    }

    @Test
    void trimStringObjectIfNeededDropsMoreThanATenthFree() {
        assertEquals(Sds.TRIMMED, Sds.afterTryObjectEncoding(50)); // 10 free > 5
        assertEquals(Sds.MADE_TO_MEASURE, Sds.afterTryObjectEncoding(100)); // 8 free <= 10
        assertEquals(64, Sds.allocation(Sds.TRIMMED, 50));
        assertEquals(112, Sds.allocation(Sds.makeRoomFor(Sds.TRIMMED, 50, 1), 51)); // twice 51, sdshdr8
    }

    @Test
    void anSdshdr8ServedFrom320BytesKeepsAtMost255() {
        // 100 bytes + 27: twice 127 is 254, an sdshdr8 of 258 bytes in the 320 class, alloc capped at 255.
        int code = Sds.makeRoomFor(Sds.MADE_TO_MEASURE, 100, 27);
        assertEquals(320, Sds.allocation(code, 127));
        code = Sds.makeRoomFor(code, 127, 128); // 255 fits
        assertEquals(320, Sds.allocation(code, 255));
        assertEquals(640, Sds.allocation(Sds.makeRoomFor(code, 255, 1), 256)); // twice 256, sdshdr16
    }

    @Test
    void anSdshdr16ServedFrom80KKeepsAtMost65535() {
        int code = Sds.makeRoomFor(Sds.MADE_TO_MEASURE, 30000, 2766); // twice 32766: 65532 in 81920
        assertEquals(81920, Sds.allocation(code, 32766));
        code = Sds.makeRoomFor(code, 32766, 32769); // 65535 fits
        assertEquals(81920, Sds.allocation(code, 65535));
        assertEquals(163840, Sds.allocation(Sds.makeRoomFor(code, 65535, 1), 65536)); // sdshdr32
    }

    @Test
    void aboveAMegabyteTheStringGrowsByAMegabyte() {
        int code = Sds.makeRoomFor(Sds.MADE_TO_MEASURE, 300_000, 900_000); // 1200000 + 1 MB
        assertEquals(2_621_440, Sds.allocation(code, 1_200_000));
        assertEquals(code, Sds.makeRoomFor(code, 1_200_000, 1));
    }
}
