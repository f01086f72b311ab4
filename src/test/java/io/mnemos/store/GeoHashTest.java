package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Geohash scores, cells and strings, against values read from redis-server 7.0.15. */
class GeoHashTest {
    @Test
    void scoresAreTheInterleavedCellsRedisStores() {
        // GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania; ZSCORE
        assertEquals(3479099956230698L, GeoHash.score(13.361389, 38.115556));
        assertEquals(3479447370796909L, GeoHash.score(15.087269, 37.502669));
    }

    @Test
    void longitude180OverflowsIntoBit53AsTheCCodeDoes() {
        // The offset 2^26 does not fit 26 bits; Redis stores the carry (GEOADD e 180 0 a; ZSCORE).
        assertEquals(10133099161583616L, GeoHash.score(180, 0));
        assertEquals(1125899906842624L, GeoHash.score(-180, 0));
    }

    @Test
    void decodingGivesTheCellCentreClampedToTheValidRange() {
        double[] palermo = GeoHash.decodeScore(3479099956230698.0);
        assertEquals(13.36138933897018433, palermo[0]);
        assertEquals(38.11555639549629859, palermo[1]);
        assertArrayEquals(new double[] {180, 0.00000126736058093}, GeoHash.decodeScore(10133099161583616.0), 1e-17);
    }

    @Test
    void anyScoreDecodesThroughCsUnsignedConversion() {
        assertEquals(0, GeoHash.toUint64(Double.POSITIVE_INFINITY));
        assertEquals(0, GeoHash.toUint64(1e300));
        assertEquals(Long.MIN_VALUE, GeoHash.toUint64(Double.NEGATIVE_INFINITY));
        assertEquals(-5, GeoHash.toUint64(-5));
        assertEquals(0x8000000000000800L, GeoHash.toUint64(0x1p63 + 2048));
        // inf is cell 0: the south-west corner; -inf sets the top longitude bit and clamps to 180.
        assertArrayEquals(new double[] {-179.99999731779098511, -85.05112751263942528},
                GeoHash.decodeScore(Double.POSITIVE_INFINITY), 1e-12);
        assertArrayEquals(new double[] {180, -85.05112751263942528}, GeoHash.decodeScore(Double.NEGATIVE_INFINITY), 1e-12);
    }

    @Test
    void encodingRejectsPointsOutsideTheRanges() {
        assertNull(GeoHash.encode(180.0001, 0, 26));
        assertNull(GeoHash.encode(0, 85.06, 26));
        assertNull(GeoHash.encode(0, 0, 0));
        assertNull(GeoHash.encode(-180, 180, -90, 90, 0, 86, 26)); // Mercator limit whatever the range
    }

    @Test
    void standardGeohashReencodesWithLatitudesToNinety() {
        assertEquals("sqc8b49rny0", text(GeoHash.standardGeohash(3479099956230698.0)));
        assertEquals("sqdtr74hyu0", text(GeoHash.standardGeohash(3479447370796909.0)));
        assertEquals("80000000000", text(GeoHash.standardGeohash(GeoHash.score(180, 0))));
    }

    @Test
    void neighboursAreOneCellAwayAndWrapAroundTheGrid() {
        GeoHash.Cell centre = GeoHash.encode(0, 0, 2);
        GeoHash.Area c = GeoHash.decode(centre);
        GeoHash.Cell[] around = GeoHash.neighbours(centre);
        GeoHash.Area north = GeoHash.decode(around[0]);
        GeoHash.Area east = GeoHash.decode(around[2]);
        assertEquals(c.latMax(), north.latMin());
        assertEquals(c.longMin(), north.longMin());
        assertEquals(c.longMax(), east.longMin());
        // East of the eastmost column is the westmost one.
        GeoHash.Cell eastmost = GeoHash.encode(179, 0, 2);
        GeoHash.Area wrapped = GeoHash.decode(GeoHash.neighbours(eastmost)[2]);
        assertEquals(-180, wrapped.longMin());
    }

    @Test
    void interleavingRoundTrips() {
        long x = 0x3ffffffL;
        long y = 0x1234567L;
        long bits = GeoHash.interleave(x, y);
        assertEquals(x | (y << 32), GeoHash.deinterleave(bits));
        assertTrue(GeoHash.align52(new GeoHash.Cell(1, 1)) == 1L << 50);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }
}
