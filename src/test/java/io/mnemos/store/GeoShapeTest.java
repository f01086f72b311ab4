package io.mnemos.store;

import io.mnemos.protocol.RedisDoubles;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Search areas and distances, against redis-server 7.0.15's GEODIST and GEOSEARCH. */
class GeoShapeTest {
    private static final double[] PALERMO = GeoHash.decodeScore(3479099956230698.0);
    private static final double[] CATANIA = GeoHash.decodeScore(3479447370796909.0);

    @Test
    void distanceIsRedisHaversine() {
        // GEODIST Sicily Palermo Catania
        assertEquals("166274.1516",
                RedisDoubles.fixed(GeoShape.distance(PALERMO[0], PALERMO[1], CATANIA[0], CATANIA[1]), 4));
        assertEquals(0.0, GeoShape.distance(10, 20, 10, 20));
    }

    @Test
    void onAMeridianTheDistanceIsTheArcBetweenLatitudes() {
        // Redis 7.0.15 takes this shortcut: its STOREDIST scores show the arc's last bits.
        assertEquals(GeoShape.latitudeDistance(-10.5, 60.25), GeoShape.distance(33, -10.5, 33, 60.25));
        assertEquals(GeoShape.EARTH_RADIUS_IN_METERS * Math.PI / 2, GeoShape.latitudeDistance(0, 90), 1e-6);
    }

    @Test
    void circlesAndBoxesContainWhatGeosearchFinds() {
        double[] d = new double[1];
        // GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km: Catania at 56.4413, Palermo at 190.4424
        GeoShape circle = GeoShape.circle(15, 37, 200, 1000);
        assertTrue(circle.contains(CATANIA[0], CATANIA[1], d));
        assertEquals("56.4413", RedisDoubles.fixed(d[0] / circle.conversion(), 4));
        assertTrue(circle.contains(PALERMO[0], PALERMO[1], d));
        assertFalse(GeoShape.circle(15, 37, 190, 1000).contains(PALERMO[0], PALERMO[1], d));
        GeoShape box = GeoShape.box(15, 37, 400, 400, 1000);
        assertTrue(box.contains(PALERMO[0], PALERMO[1], d));
        assertEquals("190.4424", RedisDoubles.fixed(d[0] / 1000, 4));
        assertFalse(GeoShape.box(15, 37, 400, 200, 1000).contains(PALERMO[0], PALERMO[1], d));
    }

    @Test
    void stepsShrinkWithTheRadiusAndTowardsThePoles() {
        assertEquals(26, GeoShape.estimateStepsByRadius(0, 0));
        assertEquals(1, GeoShape.estimateStepsByRadius(1e300, 0));
        int equator = GeoShape.estimateStepsByRadius(1000, 0);
        assertEquals(equator - 1, GeoShape.estimateStepsByRadius(1000, 70));
        assertEquals(equator - 2, GeoShape.estimateStepsByRadius(1000, -81));
    }

    @Test
    void searchCellsAreTheCentreAndTheNeighboursThatCanIntersect() {
        GeoHash.Cell[] cells = GeoShape.circle(15, 37, 1, 1).searchCells();
        assertEquals(9, cells.length);
        assertFalse(cells[0].isZero());
        int scanned = 0;
        for (GeoHash.Cell c : cells) {
            scanned += c.isZero() ? 0 : 1;
        }
        assertTrue(scanned < 9, "a 1 m circle does not reach every neighbour");
        // A radius beyond the earth's size leaves step 1: nothing is excluded.
        for (GeoHash.Cell c : GeoShape.circle(0, 0, 1e300, 1000).searchCells()) {
            assertEquals(1, c.step());
        }
    }
}
