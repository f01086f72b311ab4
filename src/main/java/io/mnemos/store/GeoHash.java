package io.mnemos.store;

/**
 * Redis 7.0's geohash.c: longitude and latitude interleaved into a 52-bit integer (26 bits each at
 * full precision), the score of a member in a geo set. Cells of coarser precision ({@code step}
 * bits per coordinate) name the areas a search scans, and their eight neighbours are found by bit
 * arithmetic. Everything is computed with the same double operations, in the same order, as the C
 * code so that scores and decoded coordinates are bit-identical to a real server's.
 *
 * <p>Latitudes are limited to the Web Mercator range (±85.05112878): the poles cannot be indexed.
 */
public final class GeoHash {
    /** Bits per coordinate of a stored score (GEO_STEP_MAX). */
    public static final int STEP_MAX = 26;
    public static final double LONG_MIN = -180;
    public static final double LONG_MAX = 180;
    public static final double LAT_MIN = -85.05112878;
    public static final double LAT_MAX = 85.05112878;
    private static final String ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

    /**
     * An area: {@code bits} (2 * {@code step} interleaved bits, latitude in the even positions) at
     * {@code step} bits of precision. Redis marks an area it will not scan by zeroing both
     * (HASHISZERO).
     */
    public record Cell(long bits, int step) {
        public static final Cell ZERO = new Cell(0, 0);

        public boolean isZero() {
            return bits == 0 && step == 0;
        }
    }

    /** A cell's extent in degrees. */
    public record Area(double longMin, double longMax, double latMin, double latMax) {
    }

    private GeoHash() {
    }

    /**
     * geohashEncode: the cell of the given precision holding the point, within the ranges
     * {@code [longMin, longMax]} and {@code [latMin, latMax]}; null outside them (or beyond the
     * Mercator latitudes, whatever the range).
     */
    public static Cell encode(double longMin, double longMax, double latMin, double latMax,
                              double longitude, double latitude, int step) {
        if (step > 32 || step == 0 || (latMin == 0 && latMax == 0) || (longMin == 0 && longMax == 0)) {
            return null;
        }
        if (longitude > 180 || longitude < -180 || latitude > 85.05112878 || latitude < -85.05112878) {
            return null;
        }
        if (latitude < latMin || latitude > latMax || longitude < longMin || longitude > longMax) {
            return null;
        }
        double latOffset = (latitude - latMin) / (latMax - latMin);
        double longOffset = (longitude - longMin) / (longMax - longMin);
        latOffset *= (1 << step);
        longOffset *= (1 << step);
        // The C code converts the offsets to uint32_t, truncating; 180 gives 2^step, one bit too many.
        return new Cell(interleave((long) latOffset & 0xFFFFFFFFL, (long) longOffset & 0xFFFFFFFFL), step);
    }

    /** geohashEncodeWGS84: the cell in the standard (Mercator-limited) ranges. */
    public static Cell encode(double longitude, double latitude, int step) {
        return encode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, longitude, latitude, step);
    }

    /** The score GEOADD stores for a valid point: its full precision cell aligned to 52 bits. */
    public static long score(double longitude, double latitude) {
        return align52(encode(longitude, latitude, STEP_MAX));
    }

    /** geohashAlign52Bits: a cell's bits shifted so that cells of any precision compare as scores. */
    public static long align52(Cell cell) {
        return cell.bits() << (52 - cell.step() * 2);
    }

    /** geohashDecode: the cell's extent in the given ranges, or null for a zero cell. */
    public static Area decode(double longMin, double longMax, double latMin, double latMax, Cell cell) {
        if (cell.isZero()) {
            return null;
        }
        int step = cell.step();
        long separated = deinterleave(cell.bits());
        double latScale = latMax - latMin;
        double longScale = longMax - longMin;
        long ilato = separated & 0xFFFFFFFFL;
        long ilono = separated >>> 32;
        double cells = (double) (1L << step);
        // (ilato + 1) is uint32_t arithmetic in C: it wraps at 2^32.
        return new Area(
                longMin + (ilono * 1.0 / cells) * longScale,
                longMin + (((ilono + 1) & 0xFFFFFFFFL) * 1.0 / cells) * longScale,
                latMin + (ilato * 1.0 / cells) * latScale,
                latMin + (((ilato + 1) & 0xFFFFFFFFL) * 1.0 / cells) * latScale);
    }

    /** geohashDecodeWGS84. */
    public static Area decode(Cell cell) {
        return decode(LONG_MIN, LONG_MAX, LAT_MIN, LAT_MAX, cell);
    }

    /**
     * decodeGeohash: the point a score stands for, {longitude, latitude}, the centre of its cell
     * clamped to the valid ranges. Any score decodes (a geo set is an ordinary sorted set): it is
     * converted to an unsigned 64-bit integer as C's {@code (uint64_t)} cast does on x86-64.
     */
    public static double[] decodeScore(double score) {
        Area area = decode(new Cell(toUint64(score), STEP_MAX));
        double lon = (area.longMin() + area.longMax()) / 2;
        if (lon > LONG_MAX) {
            lon = LONG_MAX;
        }
        if (lon < LONG_MIN) {
            lon = LONG_MIN;
        }
        double lat = (area.latMin() + area.latMax()) / 2;
        if (lat > LAT_MAX) {
            lat = LAT_MAX;
        }
        if (lat < LAT_MIN) {
            lat = LAT_MIN;
        }
        return new double[] {lon, lat};
    }

    /**
     * GEOHASH's 11-character standard geohash of a stored score: the decoded point re-encoded in
     * the standard latitude range [-90, 90] (Redis's own cells stop at ±85.05), 52 bits in ten
     * base-32 characters and a final '0'.
     */
    public static byte[] standardGeohash(double score) {
        double[] xy = decodeScore(score);
        Cell cell = encode(-180, 180, -90, 90, xy[0], xy[1], STEP_MAX);
        long bits = cell == null ? 0 : cell.bits();
        byte[] out = new byte[11];
        for (int i = 0; i < 11; i++) {
            int idx = i == 10 ? 0 : (int) ((bits >>> (52 - ((i + 1) * 5))) & 0x1f);
            out[i] = (byte) ALPHABET.charAt(idx);
        }
        return out;
    }

    /**
     * geohashNeighbors: the eight cells around {@code cell} at the same precision, in the order
     * north, south, east, west, north-east, north-west, south-east, south-west (the order Redis
     * scans them in). Moving wraps around at the edges of the grid.
     */
    public static Cell[] neighbours(Cell cell) {
        return new Cell[] {
            move(cell, 0, 1), move(cell, 0, -1), move(cell, 1, 0), move(cell, -1, 0),
            move(cell, 1, 1), move(cell, -1, 1), move(cell, 1, -1), move(cell, -1, -1),
        };
    }

    private static Cell move(Cell cell, int dx, int dy) {
        long bits = moveX(cell.bits(), cell.step(), dx);
        return new Cell(moveY(bits, cell.step(), dy), cell.step());
    }

    /** The odd bits of a cell: its longitude; the even ones hold its latitude. */
    private static final long LONGITUDE_BITS = 0xaaaaaaaaaaaaaaaaL;
    private static final long LATITUDE_BITS = 0x5555555555555555L;

    /** geohash_move_x: one cell east (d > 0) or west. */
    private static long moveX(long bits, int step, int d) {
        return move(bits, step, d, LONGITUDE_BITS);
    }

    /** geohash_move_y: one cell north (d > 0) or south. */
    private static long moveY(long bits, int step, int d) {
        return move(bits, step, d, LATITUDE_BITS);
    }

    /**
     * Adds or subtracts one on the bits of one axis only: the other axis's bits in between are set
     * (to carry across them) or cleared, then masked away, as geohash_move_x/_y do.
     */
    private static long move(long bits, int step, int d, long axis) {
        if (d == 0) {
            return bits;
        }
        long moved = bits & axis;
        long kept = bits & ~axis;
        long zz = ~axis >>> (64 - step * 2);
        if (d > 0) {
            moved = moved + (zz + 1);
        } else {
            moved = moved | zz;
            moved = moved - (zz + 1);
        }
        moved &= axis >>> (64 - step * 2);
        return moved | kept;
    }

    /** interleave64: x's bits in the even positions, y's in the odd ones (x and y below 2^32). */
    static long interleave(long x, long y) {
        x = (x | (x << 16)) & 0x0000FFFF0000FFFFL;
        y = (y | (y << 16)) & 0x0000FFFF0000FFFFL;
        x = (x | (x << 8)) & 0x00FF00FF00FF00FFL;
        y = (y | (y << 8)) & 0x00FF00FF00FF00FFL;
        x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y << 4)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x << 2)) & 0x3333333333333333L;
        y = (y | (y << 2)) & 0x3333333333333333L;
        x = (x | (x << 1)) & 0x5555555555555555L;
        y = (y | (y << 1)) & 0x5555555555555555L;
        return x | (y << 1);
    }

    /** deinterleave64: the even bits in the low half of the result, the odd bits in the high half. */
    static long deinterleave(long interleaved) {
        long x = interleaved;
        long y = interleaved >>> 1;
        x = x & 0x5555555555555555L;
        y = y & 0x5555555555555555L;
        x = (x | (x >>> 1)) & 0x3333333333333333L;
        y = (y | (y >>> 1)) & 0x3333333333333333L;
        x = (x | (x >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        y = (y | (y >>> 2)) & 0x0F0F0F0F0F0F0F0FL;
        x = (x | (x >>> 4)) & 0x00FF00FF00FF00FFL;
        y = (y | (y >>> 4)) & 0x00FF00FF00FF00FFL;
        x = (x | (x >>> 8)) & 0x0000FFFF0000FFFFL;
        y = (y | (y >>> 8)) & 0x0000FFFF0000FFFFL;
        x = (x | (x >>> 16)) & 0x00000000FFFFFFFFL;
        y = (y | (y >>> 16)) & 0x00000000FFFFFFFFL;
        return x | (y << 32);
    }

    /**
     * C's {@code (uint64_t) d} as gcc compiles it for x86-64: below 2^63 (and for NaN) the signed
     * truncating conversion, whose out-of-range result is 0x8000000000000000; from 2^63 on the
     * same conversion of {@code d - 2^63} with the top bit flipped (so +inf and 1e300 give 0).
     */
    static long toUint64(double d) {
        if (!(d >= 0x1p63)) {
            return truncate(d);
        }
        return truncate(d - 0x1p63) ^ Long.MIN_VALUE;
    }

    /** cvttsd2si: truncation, 0x8000000000000000 for NaN and anything out of the long range. */
    private static long truncate(double d) {
        if (d != d || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }
}
