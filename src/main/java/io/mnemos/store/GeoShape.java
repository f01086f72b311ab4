package io.mnemos.store;

import io.mnemos.util.Libm;

/**
 * The area of a geo search (Redis 7.0's GeoShape and geohash_helper.c): a circle or an
 * axis-aligned box around a centre, its size in a unit ({@code conversion} meters each). It
 * computes the nine geohash cells a search scans (the centre's cell and its neighbours, at a
 * precision chosen from the size) and tells whether a point is inside, with the haversine
 * distance Redis uses. The arithmetic follows the C code operation for operation.
 */
public final class GeoShape {
    /** Earth's quadratic mean radius for WGS-84, the radius of Redis's haversine distances. */
    public static final double EARTH_RADIUS_IN_METERS = 6372797.560856;
    private static final double MERCATOR_MAX = 20037726.37;
    private static final double D_R = Math.PI / 180.0;

    private final double longitude;
    private final double latitude;
    private final boolean box;
    private final double radius;
    private final double width;
    private final double height;
    private final double conversion;

    private GeoShape(double longitude, double latitude, boolean box, double radius, double width, double height,
                     double conversion) {
        this.longitude = longitude;
        this.latitude = latitude;
        this.box = box;
        this.radius = radius;
        this.width = width;
        this.height = height;
        this.conversion = conversion;
    }

    /** A circle of {@code radius} units around the point. */
    public static GeoShape circle(double longitude, double latitude, double radius, double conversion) {
        return new GeoShape(longitude, latitude, false, radius, 0, 0, conversion);
    }

    /** A box {@code width} by {@code height} units centred on the point. */
    public static GeoShape box(double longitude, double latitude, double width, double height, double conversion) {
        return new GeoShape(longitude, latitude, true, 0, width, height, conversion);
    }

    /** Meters per unit of the shape's size: distances found are divided by it for replies. */
    public double conversion() {
        return conversion;
    }

    /**
     * geohashGetDistance: the haversine great-circle distance in meters; on a meridian (equal
     * longitudes) the plain arc between the latitudes, a shortcut Redis 7.0.15 takes too and
     * whose result can differ from the haversine's in the last bit.
     */
    public static double distance(double lon1d, double lat1d, double lon2d, double lat2d) {
        double lon1r = lon1d * D_R;
        double lon2r = lon2d * D_R;
        double v = Libm.sin((lon2r - lon1r) / 2);
        if (v == 0.0) {
            return latitudeDistance(lat1d, lat2d);
        }
        double lat1r = lat1d * D_R;
        double lat2r = lat2d * D_R;
        double u = Libm.sin((lat2r - lat1r) / 2);
        double a = u * u + Libm.cos(lat1r) * Libm.cos(lat2r) * v * v;
        return 2.0 * EARTH_RADIUS_IN_METERS * Libm.asin(Math.sqrt(a));
    }

    /** geohashGetLatDistance: the arc between two latitudes, in meters. */
    static double latitudeDistance(double lat1d, double lat2d) {
        return EARTH_RADIUS_IN_METERS * Math.abs(lat2d * D_R - lat1d * D_R);
    }

    /**
     * geoAppendIfWithinShape's test: whether the point is inside; if so its distance from the
     * centre, in meters, is stored in {@code distance[0]}.
     */
    public boolean contains(double lon, double lat, double[] distance) {
        if (!box) {
            double d = distance(longitude, latitude, lon, lat);
            if (d > radius * conversion) {
                return false;
            }
            distance[0] = d;
            return true;
        }
        // geohashGetDistanceIfInRectangle: north-south along the meridian first (cheaper), then
        // east-west along the point's parallel.
        if (latitudeDistance(lat, latitude) > height * conversion / 2) {
            return false;
        }
        if (distance(lon, lat, longitude, lat) > width * conversion / 2) {
            return false;
        }
        distance[0] = distance(longitude, latitude, lon, lat);
        return true;
    }

    /** geohashEstimateStepsByRadius: the cell precision for a search of this radius. */
    static int estimateStepsByRadius(double rangeMeters, double lat) {
        if (rangeMeters == 0) {
            return 26;
        }
        int step = 1;
        while (rangeMeters < MERCATOR_MAX) {
            rangeMeters *= 2;
            step++;
        }
        step -= 2; // make sure the range is included in most of the base cases
        // Wider cells towards the poles, where meridians converge.
        if (lat > 66 || lat < -66) {
            step--;
            if (lat > 80 || lat < -80) {
                step--;
            }
        }
        if (step < 1) {
            step = 1;
        }
        if (step > 26) {
            step = 26;
        }
        return step;
    }

    /**
     * geohashBoundingBox: {min longitude, min latitude, max longitude, max latitude} of the shape,
     * its longitudes measured on the parallel farther from the equator.
     */
    double[] boundingBox() {
        double h = conversion * (box ? height / 2 : radius);
        double w = conversion * (box ? width / 2 : radius);
        double latDelta = h / EARTH_RADIUS_IN_METERS / D_R;
        double longDeltaTop = w / EARTH_RADIUS_IN_METERS / Libm.cos((latitude + latDelta) * D_R) / D_R;
        double longDeltaBottom = w / EARTH_RADIUS_IN_METERS / Libm.cos((latitude - latDelta) * D_R) / D_R;
        boolean southern = latitude < 0;
        return new double[] {
            southern ? longitude - longDeltaBottom : longitude - longDeltaTop,
            latitude - latDelta,
            southern ? longitude + longDeltaBottom : longitude + longDeltaTop,
            latitude + latDelta,
        };
    }

    /**
     * geohashCalculateAreasByShapeWGS84: the cells to scan, in Redis's order (centre, north,
     * south, east, west, north-east, north-west, south-east, south-west); cells that cannot
     * intersect the shape are {@link GeoHash.Cell#ZERO}.
     */
    public GeoHash.Cell[] searchCells() {
        double[] bounds = boundingBox();
        double minLon = bounds[0];
        double minLat = bounds[1];
        double maxLon = bounds[2];
        double maxLat = bounds[3];
        double radiusMeters = box ? Math.sqrt((width / 2) * (width / 2) + (height / 2) * (height / 2)) : radius;
        radiusMeters *= conversion;
        int steps = estimateStepsByRadius(radiusMeters, latitude);
        GeoHash.Cell hash = GeoHash.encode(longitude, latitude, steps);
        GeoHash.Cell[] neighbours = GeoHash.neighbours(hash);
        GeoHash.Area area = GeoHash.decode(hash);
        // When the search area is near an edge of the centre cell, the estimated step may leave
        // part of it outside the nine cells: then use cells twice as large.
        GeoHash.Area north = GeoHash.decode(neighbours[0]);
        GeoHash.Area south = GeoHash.decode(neighbours[1]);
        GeoHash.Area east = GeoHash.decode(neighbours[2]);
        GeoHash.Area west = GeoHash.decode(neighbours[3]);
        boolean decreaseStep = north.latMax() < maxLat || south.latMin() > minLat
                || east.longMax() < maxLon || west.longMin() > minLon;
        if (steps > 1 && decreaseStep) {
            steps--;
            hash = GeoHash.encode(longitude, latitude, steps);
            neighbours = GeoHash.neighbours(hash);
            area = GeoHash.decode(hash);
        }
        // Exclude the cells that are useless.
        if (steps >= 2) {
            if (area.latMin() < minLat) {
                zero(neighbours, 1, 6, 7); // south, south-east, south-west
            }
            if (area.latMax() > maxLat) {
                zero(neighbours, 0, 4, 5); // north, north-east, north-west
            }
            if (area.longMin() < minLon) {
                zero(neighbours, 3, 7, 5); // west, south-west, north-west
            }
            if (area.longMax() > maxLon) {
                zero(neighbours, 2, 6, 4); // east, south-east, north-east
            }
        }
        GeoHash.Cell[] cells = new GeoHash.Cell[9];
        cells[0] = hash;
        System.arraycopy(neighbours, 0, cells, 1, 8);
        return cells;
    }

    private static void zero(GeoHash.Cell[] neighbours, int a, int b, int c) {
        neighbours[a] = GeoHash.Cell.ZERO;
        neighbours[b] = GeoHash.Cell.ZERO;
        neighbours[c] = GeoHash.Cell.ZERO;
    }
}
