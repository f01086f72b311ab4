package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.mnemos.testing.DifferentialRun.pick;

/**
 * Geo commands on Mnemos and a real redis-server, byte for byte: hand-picked edge cases (errors
 * in every position, wrong types, missing keys, the poles' and the antimeridian's cells, huge
 * radii and COUNTs, both protocols), then a seeded random sequence of GEOADDs and searches over
 * clustered points (so that many members tie on distance and COUNT's partial sort decides which
 * are returned), with every store's result and encoding compared too. zset-max-listpack-entries
 * is lowered so that geo sets and stored results exist in both encodings.
 */
class GeoCommandsDifferentialTest {
    private static final int STEPS = 3000;
    private static final String[] KEYS = {"g1", "g2", "g3"};
    private static final String[] UNITS = {"m", "km", "ft", "mi", "KM"};

    private static final String[] HAND_PICKED = {
        "GEOADD k 180 0 a -180 85.05112878 b 0 -85.05112878 c 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
        "GEOPOS k a b c Palermo nope", "GEOHASH k a b c Palermo nope", "GEOPOS nokey a", "GEOHASH nokey a",
        "GEOADD k 181 0 x", "GEOADD k 1 86 x", "GEOADD k -1e-9 86 x", "GEOADD k inf 0 x", "GEOADD k abc 0 x",
        "GEOADD k 0 abc x", "GEOADD k 0 0", "GEOADD k NX XX 0 0 x", "GEOADD k GT 0 0 x", "GEOADD k CH CH CH",
        "GEOADD k CH 1 1 Palermo", "GEOADD k XX CH 1 1 Palermo 2 2 new", "GEOADD k NX CH 3 3 Palermo 2 2 new",
        "GEOADD k 13.361389 38.115556 Palermo", "GEOADD k 0x10 1e1 hex",
        "GEODIST k Palermo Catania km", "GEODIST k Palermo Catania", "GEODIST k Palermo Catania MI",
        "GEODIST k Palermo Catania ft", "GEODIST k Palermo Catania yd", "GEODIST k Palermo Catania km x",
        "GEODIST k Palermo nope", "GEODIST nokey a b", "GEODIST k a b", "GEODIST k b c",
        "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH",
        "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km DESC WITHCOORD WITHDIST WITHHASH",
        "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1", "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 ANY",
        "GEOSEARCH k FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHDIST",
        "GEOSEARCH k FROMMEMBER Palermo BYBOX 400 400 km ASC WITHDIST",
        "GEOSEARCH k FROMMEMBER nope BYBOX 400 400 km ASC WITHDIST",
        "GEOSEARCH nokey FROMMEMBER nope BYBOX 400 400 km ASC WITHDIST",
        "GEOSEARCH k FROMMEMBER Palermo FROMLONLAT 1 2 BYBOX 400 400 km", "GEOSEARCH k BYBOX 400 400 km",
        "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1 km BYBOX 1 1 km", "GEOSEARCH k FROMMEMBER Palermo WITHDIST ASC",
        "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1 km ANY", "GEOSEARCH k FROMMEMBER Palermo BYRADIUS -1 km",
        "GEOSEARCH k FROMMEMBER Palermo BYRADIUS x km", "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1 yd",
        "GEOSEARCH k FROMMEMBER Palermo BYBOX -1 1 km", "GEOSEARCH k FROMMEMBER Palermo BYBOX x 1 km",
        "GEOSEARCH k FROMMEMBER Palermo BYBOX 1 x km", "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1000 km COUNT 0",
        "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1000 km COUNT x", "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1000 km COUNT",
        "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1000 km COUNT 9223372036854775807",
        "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1000 km STORE x", "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 1000 km STOREDIST",
        "geoSearch k BYRADIUS 1000 km ASC", "GEOSEARCH k FROMLONLAT 200 0 BYRADIUS 1 km",
        "GEOSEARCH k FROMLONLAT 0 0 BYRADIUS 1e300 km", "GEOSEARCH k FROMLONLAT 0 0 BYRADIUS inf km",
        "GEOSEARCH k FROMLONLAT 0 0 BYBOX inf inf km", "GEOSEARCH k FROMLONLAT 180 85 BYBOX 2000000 100000 km",
        "GEOSEARCH k FROMLONLAT -180 -85.05112878 BYRADIUS 5000 km WITHCOORD",
        "GEOSEARCH k FROMLONLAT 179.9999 0 BYRADIUS 50 km WITHDIST", "GEOSEARCH k FROMMEMBER a BYBOX 100 100 km WITHDIST",
        "GEORADIUS k 15 37 200 km WITHDIST", "GEORADIUS k 15 37 200 km WITHDIST STORE d", "GEORADIUS k 15 37 200 km STORE d",
        "ZRANGE d 0 -1 WITHSCORES", "GEORADIUS k 15 37 200 km STOREDIST d", "ZRANGE d 0 -1 WITHSCORES",
        "GEORADIUS k 15 37 200 km STORE d STOREDIST e", "ZRANGE e 0 -1 WITHSCORES", "EXISTS d",
        "GEORADIUS_RO k 15 37 200 km STOREDIST d", "GEORADIUS_RO k 15 37 200 km ASC COUNT 1 WITHHASH",
        "GEORADIUSBYMEMBER k Palermo 200 km WITHDIST WITHCOORD", "GEORADIUSBYMEMBER k nope 200 km WITHDIST WITHCOORD",
        "GEORADIUSBYMEMBER nokey nope 200 km WITHDIST WITHCOORD STORE x", "GEORADIUSBYMEMBER nokey nope 200 km STORE d",
        "EXISTS d", "GEORADIUSBYMEMBER_RO k Palermo 200 km DESC", "GEORADIUSBYMEMBER k Palermo x km",
        "GEORADIUS k 15 x 200 km", "GEORADIUS k 15 37 200 parsecs", "GEORADIUS k 15 37 200 km BOGUS",
        "GEOSEARCHSTORE d k FROMMEMBER Palermo BYRADIUS 200 km STOREDIST", "ZRANGE d 0 -1 WITHSCORES",
        "GEOSEARCHSTORE d k FROMMEMBER Palermo BYRADIUS 200 km WITHDIST", "GEOSEARCHSTORE d k FROMMEMBER Palermo BYRADIUS 0 km",
        "EXISTS d", "GEOSEARCHSTORE d nokey FROMMEMBER x BYRADIUS 1 km", "SET d x EX 100",
        "GEOSEARCHSTORE d k FROMLONLAT 15 37 BYRADIUS 200 km", "TTL d", "TYPE d",
        "SET s x", "GEOADD s 1 1 a", "GEOPOS s a", "GEOHASH s a", "GEODIST s a b", "GEODIST s a b km",
        "GEOSEARCH s FROMMEMBER a BYRADIUS 1 km", "GEORADIUS s 1000 0 1 km", "GEORADIUSBYMEMBER s a 1 km",
        "GEOSEARCHSTORE d s FROMMEMBER a BYRADIUS 1 km", "GEOSEARCHSTORE s k FROMMEMBER Palermo BYRADIUS 1 km", "TYPE s",
        "ZADD scores inf a -inf b 1e300 c -5 d 4503599627370496 e 1e19 f 9.3e18 g 0 h",
        "GEOPOS scores a b c d e f g h", "GEOHASH scores a b c d e f g h", "GEODIST scores a d",
        "GEOSEARCH scores FROMMEMBER h BYRADIUS 20000 km WITHHASH ASC",
        "HELLO 3", "GEOPOS k a b c Palermo nope", "GEOHASH k a nope", "GEODIST k a nope", "GEODIST k Palermo Catania",
        "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH",
        "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 20000 km ASC WITHCOORD WITHDIST WITHHASH",
        "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 200 km", "GEOPOS nokey a b", "HELLO 2",
    };

    @Test
    void handPickedGeoCommandsMatchRealRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.check(DifferentialRun.ReplyCheck.normalized((cmd, reply) ->
                    cmd[0].equalsIgnoreCase("HELLO") ? reply.replaceAll("\\$2\r\nid\r\n:\\d+", "\\$2\r\nid\r\n:N") : reply));
            for (String line : HAND_PICKED) {
                run.send(line.split(" "));
            }
        }
    }

    @Test
    void randomGeoCommandSequenceMatchesRealRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--zset-max-listpack-entries", "16")) {
            run.both("SET", "str", "x");
            Random rnd = new Random(Long.getLong("geo.seed", 20261206L));
            for (int step = 0; step < STEPS; step++) {
                if (step % 500 == 250) {
                    String proto = (step / 500) % 2 == 0 ? "3" : "2";
                    run.both("HELLO", proto);
                    run.note("HELLO " + proto);
                }
                String[] cmd = randomCommand(rnd, step);
                run.send(cmd);
                if (cmd[0].equals("GEOSEARCHSTORE") || cmd[0].startsWith("GEORADIUS")) {
                    run.send("ZRANGE", "dst", "0", "-1", "WITHSCORES");
                    run.send("OBJECT", "ENCODING", "dst");
                }
            }
            for (String key : KEYS) {
                run.send("ZRANGE", key, "0", "-1", "WITHSCORES");
                run.send("OBJECT", "ENCODING", key);
            }
        }
    }

    private static String member(Random rnd) {
        return "m" + rnd.nextInt(81);
    }

    private static String longitude(Random rnd) {
        double c = rnd.nextDouble();
        if (c < 0.1) {
            return pick(rnd, new String[] {"180", "-180", "179.9999", "-179.9999", "0"});
        }
        return c < 0.5 ? String.format(Locale.ROOT, "%.6f", -180 + 360 * rnd.nextDouble())
                : String.format(Locale.ROOT, "%.4f", 10 + 2 * rnd.nextDouble());
    }

    private static String latitude(Random rnd) {
        double c = rnd.nextDouble();
        if (c < 0.1) {
            return pick(rnd, new String[] {"85.05112878", "-85.05112878", "85", "-85", "0", "80.5", "-66.5"});
        }
        return c < 0.5 ? String.format(Locale.ROOT, "%.6f", -85.05 + 170.1 * rnd.nextDouble())
                : String.format(Locale.ROOT, "%.4f", 44 + 2 * rnd.nextDouble());
    }

    private static String[] randomCommand(Random rnd, int step) {
        String k = rnd.nextInt(40) == 0 ? pick(rnd, new String[] {"str", "nokey"}) : pick(rnd, KEYS);
        List<String> a = new ArrayList<>();
        double x = rnd.nextDouble();
        if (x < 0.3) {
            a.addAll(List.of("GEOADD", k));
            if (rnd.nextInt(10) == 0) {
                a.add(pick(rnd, new String[] {"NX", "XX", "CH"}));
            }
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                if (rnd.nextDouble() < 0.2 && step > 0) {
                    a.addAll(List.of("11.5", "45.5", member(rnd))); // a cluster: equal distances
                } else {
                    a.addAll(List.of(longitude(rnd), latitude(rnd), member(rnd)));
                }
            }
        } else if (x < 0.35) {
            a.addAll(List.of("GEODIST", k, member(rnd), member(rnd), pick(rnd, UNITS)));
        } else if (x < 0.4) {
            a.addAll(List.of("GEOPOS", k, member(rnd), member(rnd), member(rnd)));
        } else if (x < 0.45) {
            a.addAll(List.of("GEOHASH", k, member(rnd), member(rnd), member(rnd)));
        } else {
            search(rnd, k, a);
        }
        return a.toArray(String[]::new);
    }

    private static void search(Random rnd, String k, List<String> a) {
        String cmd = pick(rnd, new String[] {"GEOSEARCH", "GEOSEARCHSTORE", "GEORADIUS", "GEORADIUSBYMEMBER",
            "GEORADIUS_RO", "GEORADIUSBYMEMBER_RO"});
        String unit = pick(rnd, UNITS);
        double radius = Double.parseDouble(pick(rnd, new String[] {"0", "1", "10", "100", "1000", "5000", "10000",
            "20000", "1e5", "0.5"}));
        if (unit.equals("m") || unit.equals("ft")) {
            radius *= 1000;
        }
        String r = Double.toString(radius);
        a.add(cmd);
        if (cmd.equals("GEOSEARCHSTORE")) {
            a.add("dst");
        }
        a.add(k);
        if (cmd.startsWith("GEOSEARCH")) {
            if (rnd.nextBoolean()) {
                a.addAll(List.of("FROMMEMBER", member(rnd)));
            } else {
                a.addAll(List.of("FROMLONLAT", longitude(rnd), latitude(rnd)));
            }
            if (rnd.nextBoolean()) {
                a.addAll(List.of("BYRADIUS", r, unit));
            } else {
                a.addAll(List.of("BYBOX", r, pick(rnd, new String[] {"0", "1", "10", "100", "1000", "5000", "20000"}), unit));
            }
        } else if (cmd.contains("BYMEMBER")) {
            a.addAll(List.of(member(rnd), r, unit));
        } else {
            a.addAll(List.of(longitude(rnd), latitude(rnd), r, unit));
        }
        if (rnd.nextBoolean()) {
            a.add(pick(rnd, new String[] {"ASC", "DESC"}));
        }
        if (rnd.nextBoolean()) {
            a.addAll(List.of("COUNT", pick(rnd, new String[] {"1", "2", "3", "5", "10", "50"})));
            if (rnd.nextDouble() < 0.3) {
                a.add("ANY");
            }
        }
        boolean store = cmd.equals("GEOSEARCHSTORE")
                || (cmd.equals("GEORADIUS") || cmd.equals("GEORADIUSBYMEMBER")) && rnd.nextDouble() < 0.3;
        if (store) {
            if (!cmd.equals("GEOSEARCHSTORE")) {
                a.addAll(List.of(pick(rnd, new String[] {"STORE", "STOREDIST"}), "dst"));
            } else if (rnd.nextBoolean()) {
                a.add("STOREDIST");
            }
        } else {
            for (String option : new String[] {"WITHDIST", "WITHCOORD", "WITHHASH"}) {
                if (rnd.nextBoolean()) {
                    a.add(option);
                }
            }
        }
    }
}
