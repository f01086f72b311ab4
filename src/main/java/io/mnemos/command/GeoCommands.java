package io.mnemos.command;

import io.mnemos.protocol.RedisDoubles;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.ServerConfig;
import io.mnemos.store.GeoHash;
import io.mnemos.store.GeoShape;
import io.mnemos.store.SkipList;
import io.mnemos.store.ZSetValue;
import io.mnemos.util.LibcSorts;
import io.mnemos.util.LongDouble;
import io.mnemos.util.Numbers;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Geospatial commands (Redis 7.0's geo.c). A geo set is a sorted set whose scores are 52-bit
 * geohashes ({@link GeoHash}): GEOADD is a ZADD of encoded points (and is propagated as that
 * ZADD), the searches scan the score ranges of the nine cells around the centre
 * ({@link GeoShape}) and keep the members inside the shape, sorted by distance as Redis sorts
 * them (glibc's merge sort, or Redis's partial quicksort when COUNT cuts the result).
 * Coordinates are replied in ld2string's human form (a RESP3 double), distances as "%.4f" bulk
 * strings in both protocols.
 */
public final class GeoCommands implements CommandFamily {
    private static final int SORT_NONE = 0;
    private static final int SORT_ASC = 1;
    private static final int SORT_DESC = 2;
    /** georadiusGeneric's flags: what the command is and which options it takes. */
    private static final int RADIUS_COORDS = 1;
    private static final int RADIUS_MEMBER = 2;
    private static final int RADIUS_NOSTORE = 4;
    private static final int GEOSEARCH = 8;
    private static final int GEOSEARCHSTORE = 16;
    private static final String RADIUS_COMPLEXITY = "O(N+log(M)) where N is the number of elements inside the bounding"
            + " box of the circular area delimited by center and radius and M is the number of items inside the index.";
    private static final String SEARCH_COMPLEXITY = "O(N+log(M)) where N is the number of elements in the grid-aligned"
            + " bounding box area around the shape provided as the filter and M is the number of items inside the shape";

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("geoadd", -5).flags(WRITE, DENYOOM).keys(1, 1, 1).group("geo").since("3.2.0")
                        .summary("Add one or more geospatial items in the geospatial index represented using a sorted set")
                        .complexity("O(log(N)) for each item added, where N is the number of elements in the sorted set.")
                        .handler(GeoCommands::geoadd).build(),
                command("geodist", -4).flags(READONLY).keys(1, 1, 1).group("geo").since("3.2.0")
                        .summary("Returns the distance between two members of a geospatial index")
                        .complexity("O(log(N))")
                        .handler(GeoCommands::geodist).build(),
                command("geohash", -2).flags(READONLY).keys(1, 1, 1).group("geo").since("3.2.0")
                        .summary("Returns members of a geospatial index as standard geohash strings")
                        .complexity("O(log(N)) for each member requested, where N is the number of elements in the sorted set.")
                        .handler(GeoCommands::geohash).build(),
                command("geopos", -2).flags(READONLY).keys(1, 1, 1).group("geo").since("3.2.0")
                        .summary("Returns longitude and latitude of members of a geospatial index")
                        .complexity("O(N) where N is the number of members requested.")
                        .handler(GeoCommands::geopos).build(),
                command("georadius", -6).flags(WRITE, DENYOOM, MOVABLEKEYS).keys(1, 1, 1).group("geo").since("3.2.0")
                        .summary("Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a point")
                        .complexity(RADIUS_COMPLEXITY)
                        .handler(c -> search(c, 1, RADIUS_COORDS)).build(),
                command("georadius_ro", -6).flags(READONLY).keys(1, 1, 1).group("geo").since("3.2.10")
                        .summary("A read-only variant for GEORADIUS")
                        .complexity(RADIUS_COMPLEXITY)
                        .handler(c -> search(c, 1, RADIUS_COORDS | RADIUS_NOSTORE)).build(),
                command("georadiusbymember", -5).flags(WRITE, DENYOOM, MOVABLEKEYS).keys(1, 1, 1).group("geo")
                        .since("3.2.0")
                        .summary("Query a sorted set representing a geospatial index to fetch members matching a given maximum distance from a member")
                        .complexity(RADIUS_COMPLEXITY)
                        .handler(c -> search(c, 1, RADIUS_MEMBER)).build(),
                command("georadiusbymember_ro", -5).flags(READONLY).keys(1, 1, 1).group("geo").since("3.2.10")
                        .summary("A read-only variant for GEORADIUSBYMEMBER")
                        .complexity(RADIUS_COMPLEXITY)
                        .handler(c -> search(c, 1, RADIUS_MEMBER | RADIUS_NOSTORE)).build(),
                command("geosearch", -7).flags(READONLY).keys(1, 1, 1).group("geo").since("6.2.0")
                        .summary("Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle.")
                        .complexity(SEARCH_COMPLEXITY)
                        .handler(c -> search(c, 1, GEOSEARCH)).build(),
                command("geosearchstore", -8).flags(WRITE, DENYOOM).keys(1, 2, 1).group("geo").since("6.2.0")
                        .summary("Query a sorted set representing a geospatial index to fetch members inside an area of a box or a circle, and store the result in another key.")
                        .complexity(SEARCH_COMPLEXITY)
                        .handler(c -> search(c, 2, GEOSEARCH | GEOSEARCHSTORE)).build());
    }

    // ---- argument helpers ----

    /** getDoubleFromObjectOrReply: Redis's string2d, with the given error (or the default one). */
    private static double parseDouble(byte[] arg, String error) {
        Double d = SortedSetCommands.parseScore(arg);
        if (d == null) {
            throw error == null ? CommandError.NOT_FLOAT : CommandError.err(error);
        }
        return d;
    }

    /** extractLongLatOrReply: a longitude and a latitude, both in the indexable range. */
    private static double[] longLat(byte[][] argv, int at) {
        double lon = parseDouble(argv[at], null);
        double lat = parseDouble(argv[at + 1], null);
        if (lon < GeoHash.LONG_MIN || lon > GeoHash.LONG_MAX || lat < GeoHash.LAT_MIN || lat > GeoHash.LAT_MAX) {
            throw CommandError.err("invalid longitude,latitude pair " + RedisDoubles.fixed(lon, 6) + ","
                    + RedisDoubles.fixed(lat, 6));
        }
        return new double[] {lon, lat};
    }

    /** extractUnitOrReply: meters per unit; the unit is matched case-insensitively. */
    private static double unit(byte[] arg) {
        if (Args.is(arg, "m")) {
            return 1;
        } else if (Args.is(arg, "km")) {
            return 1000;
        } else if (Args.is(arg, "ft")) {
            return 0.3048;
        } else if (Args.is(arg, "mi")) {
            return 1609.34;
        }
        throw CommandError.err("unsupported unit provided. please use M, KM, FT, MI");
    }

    /** extractDistanceOrReply's radius: a non-negative number (its unit is read separately). */
    private static double radius(byte[] arg) {
        double r = parseDouble(arg, "need numeric radius");
        if (r < 0) {
            throw CommandError.err("radius cannot be negative");
        }
        return r;
    }

    /** longLatFromMember: the member's decoded position, or the error Redis replies when it is absent. */
    private static double[] memberPosition(ZSetValue z, byte[] member) {
        Double score = z.score(member);
        if (score == null) {
            throw CommandError.err("could not decode requested zset member");
        }
        return GeoHash.decodeScore(score);
    }

    /** addReplyDoubleDistance: "%.4f" as a bulk string, in RESP3 too. */
    private static void replyDistance(ReplyWriter w, double d) {
        w.bulk(RedisDoubles.fixed(d, 4));
    }

    /** addReplyHumanLongDouble: the coordinate widened to a long double and printed by ld2string. */
    private static void replyCoordinate(ReplyWriter w, double d) {
        w.doubleText(LongDouble.round(new BigDecimal(d)).humanString());
    }

    // ---- GEOADD, GEOPOS, GEOHASH, GEODIST ----

    /**
     * GEOADD key [NX|XX] [CH] lon lat member...: the points are encoded and the command becomes a
     * ZADD (options kept, scores as integers), which runs, notifies and propagates in its place.
     */
    private static void geoadd(Client c) {
        boolean nx = false;
        boolean xx = false;
        int longidx = 2;
        while (longidx < c.argc()) {
            byte[] opt = c.arg(longidx);
            if (Args.is(opt, "nx")) {
                nx = true;
            } else if (Args.is(opt, "xx")) {
                xx = true;
            } else if (!Args.is(opt, "ch")) { // CH is handled by ZADD
                break;
            }
            longidx++;
        }
        if ((c.argc() - longidx) % 3 != 0 || (xx && nx)) {
            throw CommandError.SYNTAX;
        }
        int elements = (c.argc() - longidx) / 3;
        byte[][] zadd = new byte[longidx + elements * 2][];
        zadd[0] = "zadd".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(c.argv(), 1, zadd, 1, longidx - 1);
        for (int i = 0; i < elements; i++) {
            double[] xy = longLat(c.argv(), longidx + i * 3);
            zadd[longidx + i * 2] = Numbers.toBytes(GeoHash.score(xy[0], xy[1]));
            zadd[longidx + 1 + i * 2] = c.arg(longidx + i * 3 + 2);
        }
        c.server().propagation().propagateInstead(zadd);
        SortedSetCommands.zadd(c, zadd);
    }

    private static void geopos(Client c) {
        ReplyWriter w = c.reply();
        replyPerMember(c, score -> {
            double[] xy = GeoHash.decodeScore(score);
            w.arrayHeader(2);
            replyCoordinate(w, xy[0]);
            replyCoordinate(w, xy[1]);
        }, w::nullArray);
    }

    private static void geohash(Client c) {
        ReplyWriter w = c.reply();
        replyPerMember(c, score -> w.bulk(GeoHash.standardGeohash(score)), w::nullBulk);
    }

    /** An array with one element per member argument: {@code present} given its score, or {@code missing}. */
    private static void replyPerMember(Client c, java.util.function.DoubleConsumer present, Runnable missing) {
        ZSetValue z = SortedSetCommands.readZset(c, c.arg(1));
        c.reply().arrayHeader(c.argc() - 2);
        for (int j = 2; j < c.argc(); j++) {
            Double score = z == null ? null : z.score(c.arg(j));
            if (score == null) {
                missing.run();
            } else {
                present.accept(score);
            }
        }
    }

    private static void geodist(Client c) {
        double toMeter = 1;
        if (c.argc() == 5) {
            toMeter = unit(c.arg(4));
        } else if (c.argc() > 5) {
            throw CommandError.SYNTAX;
        }
        ZSetValue z = SortedSetCommands.readZset(c, c.arg(1));
        Double score1 = z == null ? null : z.score(c.arg(2));
        Double score2 = score1 == null ? null : z.score(c.arg(3));
        if (score2 == null) {
            c.reply().nullBulk();
            return;
        }
        double[] a = GeoHash.decodeScore(score1);
        double[] b = GeoHash.decodeScore(score2);
        replyDistance(c.reply(), GeoShape.distance(a[0], a[1], b[0], b[1]) / toMeter);
    }

    // ---- GEORADIUS*, GEOSEARCH, GEOSEARCHSTORE ----

    /** A member found by a search (Redis's geoPoint); {@code dist} is in meters until the reply. */
    private static final class Point {
        final byte[] member;
        final double longitude;
        final double latitude;
        final double score;
        double dist;

        Point(byte[] member, double longitude, double latitude, double dist, double score) {
            this.member = member;
            this.longitude = longitude;
            this.latitude = latitude;
            this.dist = dist;
            this.score = score;
        }
    }

    /** sort_gp_asc, returning exactly what the C comparator returns (NaN compares as smaller). */
    private static final Comparator<Point> ASC = (a, b) -> a.dist > b.dist ? 1 : a.dist == b.dist ? 0 : -1;
    private static final Comparator<Point> DESC = (a, b) -> -ASC.compare(a, b);

    /**
     * georadiusGeneric: every search command. The source is looked up (and type-checked) first,
     * then the arguments are parsed in order, each error as soon as it is met; a missing source
     * still has its arguments checked before the empty reply (or the destination's deletion).
     */
    private static void search(Client c, int srcKeyIndex, int flags) {
        byte[][] argv = c.argv();
        ZSetValue z = SortedSetCommands.readZset(c, argv[srcKeyIndex]);
        byte[] storekey = null;
        boolean storedist = false;
        int baseArgs;
        double lon = 0;
        double lat = 0;
        double radius = 0;
        double width = 0;
        double height = 0;
        double conversion = 0;
        boolean box = false;
        if ((flags & RADIUS_COORDS) != 0) {
            baseArgs = 6;
            double[] xy = longLat(argv, 2);
            lon = xy[0];
            lat = xy[1];
            radius = radius(argv[4]);
            conversion = unit(argv[5]);
        } else if ((flags & RADIUS_MEMBER) != 0 && z == null) {
            baseArgs = 5; // no source: parse the options anyway, the reply depends on STORE
        } else if ((flags & RADIUS_MEMBER) != 0) {
            baseArgs = 5;
            double[] xy = memberPosition(z, argv[2]);
            lon = xy[0];
            lat = xy[1];
            radius = radius(argv[3]);
            conversion = unit(argv[4]);
        } else {
            baseArgs = 2;
            if ((flags & GEOSEARCHSTORE) != 0) {
                baseArgs = 3;
                storekey = argv[1];
            }
        }
        boolean withdist = false;
        boolean withhash = false;
        boolean withcoords = false;
        boolean frommember = false;
        boolean fromloc = false;
        boolean byradius = false;
        boolean bybox = false;
        boolean any = false;
        int sort = SORT_NONE;
        long count = 0;
        boolean geosearch = (flags & GEOSEARCH) != 0;
        boolean storeAllowed = (flags & RADIUS_NOSTORE) == 0 && !geosearch;
        int remaining = argv.length - baseArgs;
        for (int i = 0; i < remaining; i++) {
            byte[] arg = argv[baseArgs + i];
            if (Args.is(arg, "withdist")) {
                withdist = true;
            } else if (Args.is(arg, "withhash")) {
                withhash = true;
            } else if (Args.is(arg, "withcoord")) {
                withcoords = true;
            } else if (Args.is(arg, "any")) {
                any = true;
            } else if (Args.is(arg, "asc")) {
                sort = SORT_ASC;
            } else if (Args.is(arg, "desc")) {
                sort = SORT_DESC;
            } else if (Args.is(arg, "count") && i + 1 < remaining) {
                Long n = Args.parseLongOrNull(argv[baseArgs + i + 1]);
                if (n == null) {
                    throw CommandError.NOT_INTEGER;
                }
                if (n <= 0) {
                    throw CommandError.err("COUNT must be > 0");
                }
                count = n;
                i++;
            } else if (Args.is(arg, "store") && i + 1 < remaining && storeAllowed) {
                storekey = argv[baseArgs + i + 1];
                storedist = false;
                i++;
            } else if (Args.is(arg, "storedist") && i + 1 < remaining && storeAllowed) {
                storekey = argv[baseArgs + i + 1];
                storedist = true;
                i++;
            } else if (Args.is(arg, "storedist") && geosearch && (flags & GEOSEARCHSTORE) != 0) {
                storedist = true;
            } else if (Args.is(arg, "frommember") && i + 1 < remaining && geosearch && !fromloc) {
                if (z != null) { // without a source, the error comes once all arguments are checked
                    double[] xy = memberPosition(z, argv[baseArgs + i + 1]);
                    lon = xy[0];
                    lat = xy[1];
                }
                frommember = true;
                i++;
            } else if (Args.is(arg, "fromlonlat") && i + 2 < remaining && geosearch && !frommember) {
                double[] xy = longLat(argv, baseArgs + i + 1);
                lon = xy[0];
                lat = xy[1];
                fromloc = true;
                i += 2;
            } else if (Args.is(arg, "byradius") && i + 2 < remaining && geosearch && !bybox) {
                radius = radius(argv[baseArgs + i + 1]);
                conversion = unit(argv[baseArgs + i + 2]);
                box = false;
                byradius = true;
                i += 2;
            } else if (Args.is(arg, "bybox") && i + 3 < remaining && geosearch && !byradius) {
                double w = parseDouble(argv[baseArgs + i + 1], "need numeric width");
                double h = parseDouble(argv[baseArgs + i + 2], "need numeric height");
                if (h < 0 || w < 0) {
                    throw CommandError.err("height or width cannot be negative");
                }
                width = w;
                height = h;
                conversion = unit(argv[baseArgs + i + 3]);
                box = true;
                bybox = true;
                i += 3;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (storekey != null && (withdist || withhash || withcoords)) {
            throw CommandError.err(((flags & GEOSEARCHSTORE) != 0 ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                    + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
        }
        String name = new String(argv[0], StandardCharsets.UTF_8);
        if (geosearch && !(frommember || fromloc)) {
            throw CommandError.err("exactly one of FROMMEMBER or FROMLONLAT can be specified for " + name);
        }
        if (geosearch && !(byradius || bybox)) {
            throw CommandError.err("exactly one of BYRADIUS and BYBOX can be specified for " + name);
        }
        if (any && count == 0) {
            throw CommandError.err("the ANY argument requires COUNT argument");
        }
        if (z == null) {
            if (storekey != null) {
                deleteDestination(c, storekey);
                c.reply().integer(0);
            } else {
                c.reply().emptyArray();
            }
            return;
        }
        // COUNT without an order would return arbitrary members: the nearest ones, unless ANY.
        if (count != 0 && sort == SORT_NONE && !any) {
            sort = SORT_ASC;
        }
        GeoShape shape = box ? GeoShape.box(lon, lat, width, height, conversion)
                : GeoShape.circle(lon, lat, radius, conversion);
        List<Point> found = membersOfAllNeighbors(z, shape, any ? count : 0);
        if (found.isEmpty() && storekey == null) {
            c.reply().emptyArray();
            return;
        }
        Point[] points = found.toArray(new Point[0]);
        int resultLength = points.length;
        int returned = count == 0 || resultLength < count ? resultLength : (int) count;
        if (sort != SORT_NONE) {
            Comparator<Point> order = sort == SORT_ASC ? ASC : DESC;
            if (returned == resultLength) {
                LibcSorts.qsort(points, resultLength, order);
            } else {
                LibcSorts.pqsort(points, resultLength, order, 0, returned - 1);
            }
        }
        for (int i = 0; i < returned; i++) {
            points[i].dist /= conversion;
        }
        if (storekey == null) {
            reply(c.reply(), points, returned, withdist, withhash, withcoords);
        } else {
            store(c, storekey, points, returned, storedist, geosearch);
        }
    }

    /**
     * membersOfAllNeighbors: the members in the score ranges of the shape's cells that are inside
     * it, cell after cell (a cell equal to the one scanned just before is skipped, as huge radii
     * produce duplicates), stopping at {@code limit} members when it is not 0 (ANY).
     */
    private static List<Point> membersOfAllNeighbors(ZSetValue z, GeoShape shape, long limit) {
        GeoHash.Cell[] cells = shape.searchCells();
        List<Point> found = new ArrayList<>();
        int lastProcessed = 0;
        for (int i = 0; i < cells.length; i++) {
            GeoHash.Cell cell = cells[i];
            if (cell.isZero()) {
                continue;
            }
            if (lastProcessed != 0 && cell.equals(cells[lastProcessed])) {
                continue;
            }
            if (!found.isEmpty() && limit != 0 && found.size() >= limit) {
                break;
            }
            pointsInCell(z, cell, shape, found, limit);
            lastProcessed = i;
        }
        return found;
    }

    /**
     * geoGetPointsInRange for one cell: the members with min &lt;= score &lt; max, where min and
     * max are the cell and the next one aligned to 52 bits, in score order.
     */
    private static void pointsInCell(ZSetValue z, GeoHash.Cell cell, GeoShape shape, List<Point> found, long limit) {
        double min = GeoHash.align52(cell);
        double max = GeoHash.align52(new GeoHash.Cell(cell.bits() + 1, cell.step()));
        long first = z.countPrefix((SkipList.Prefix) (s, m) -> s < min);
        long end = z.countPrefix((SkipList.Prefix) (s, m) -> s < max);
        double[] distance = new double[1];
        boolean[] full = new boolean[1];
        z.range(first, end - 1, false, (member, score) -> {
            if (full[0]) {
                return;
            }
            double[] xy = GeoHash.decodeScore(score);
            if (shape.contains(xy[0], xy[1], distance)) {
                found.add(new Point(member, xy[0], xy[1], distance[0], score));
            }
            full[0] = !found.isEmpty() && limit != 0 && found.size() >= limit;
        });
    }

    private static void reply(ReplyWriter w, Point[] points, int returned, boolean withdist, boolean withhash,
                              boolean withcoords) {
        int options = (withdist ? 1 : 0) + (withcoords ? 1 : 0) + (withhash ? 1 : 0);
        w.arrayHeader(returned);
        for (int i = 0; i < returned; i++) {
            Point p = points[i];
            if (options > 0) {
                w.arrayHeader(options + 1);
            }
            w.bulk(p.member);
            if (withdist) {
                replyDistance(w, p.dist);
            }
            if (withhash) {
                w.integer((long) p.score);
            }
            if (withcoords) {
                w.arrayHeader(2);
                replyCoordinate(w, p.longitude);
                replyCoordinate(w, p.latitude);
            }
        }
    }

    /**
     * STORE, STOREDIST and GEOSEARCHSTORE: the result becomes a sorted set at {@code dst} (scores
     * are the geohashes, or the distances in the query's unit), replacing whatever was there and
     * its TTL; an empty result deletes {@code dst}.
     */
    private static void store(Client c, byte[] dst, Point[] points, int returned, boolean storedist,
                              boolean geosearch) {
        if (returned == 0) {
            deleteDestination(c, dst);
            c.reply().integer(0);
            return;
        }
        ServerConfig cfg = c.server().config();
        ZSetValue result = ZSetValue.skiplist();
        long maxelelen = 0;
        for (int i = 0; i < returned; i++) {
            Point p = points[i];
            result.put(p.member, storedist ? p.dist : p.score, cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
            maxelelen = Math.max(maxelelen, p.member.length);
        }
        result.convertToListpackIfNeeded(maxelelen, cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
        c.db().put(dst, result, false);
        Events.zset(c, geosearch ? "geosearchstore" : "georadiusstore", dst);
        c.server().keyspace().stats().dirty += returned;
        c.reply().integer(returned);
    }

    /** An empty result (or a missing source) deletes the destination, with its "del" event. */
    private static void deleteDestination(Client c, byte[] dst) {
        if (c.db().delete(dst)) {
            Events.generic(c, "del", dst);
            c.server().keyspace().stats().dirty++;
        }
    }
}
