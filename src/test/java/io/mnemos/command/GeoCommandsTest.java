package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Geo replies, errors and side effects, as verified on redis-server 7.0.15. */
class GeoCommandsTest {
    private final CommandHarness h = new CommandHarness();

    @BeforeEach
    void sicily() {
        h.exec("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania");
    }

    @Test
    void geoaddStoresGeohashScoresAndTakesZaddOptions() {
        assertEquals("$16\r\n3479099956230698\r\n", h.exec("ZSCORE", "Sicily", "Palermo"));
        assertEquals(":0\r\n", h.exec("GEOADD", "Sicily", "13.361389", "38.115556", "Palermo"));
        assertEquals(":1\r\n", h.exec("GEOADD", "Sicily", "CH", "1", "1", "Palermo"));
        assertEquals(":0\r\n", h.exec("GEOADD", "Sicily", "XX", "1", "1", "Nowhere"));
        assertEquals(":0\r\n", h.exec("GEOADD", "Sicily", "NX", "2", "2", "Palermo"));
        assertEquals("$8\r\nlistpack\r\n", h.exec("OBJECT", "ENCODING", "Sicily"));
    }

    @Test
    void geoaddErrorsUseRedisTexts() {
        assertEquals("-ERR syntax error\r\n", h.exec("GEOADD", "k", "NX", "XX", "1", "1", "a"));
        assertEquals("-ERR syntax error\r\n", h.exec("GEOADD", "k", "1", "1", "a", "2"));
        assertEquals("-ERR syntax error\r\n", h.exec("GEOADD", "k", "CH", "CH", "CH"));
        assertEquals("-ERR invalid longitude,latitude pair 181.000000,0.000000\r\n", h.exec("GEOADD", "k", "181", "0", "a"));
        assertEquals("-ERR invalid longitude,latitude pair -0.000000,86.000000\r\n", h.exec("GEOADD", "k", "-1e-9", "86", "a"));
        assertEquals("-ERR invalid longitude,latitude pair inf,0.000000\r\n", h.exec("GEOADD", "k", "inf", "0", "a"));
        assertEquals("-ERR value is not a valid float\r\n", h.exec("GEOADD", "k", "1", "x", "a"));
        // GT is not a GEOADD option: it is taken for the first longitude.
        assertEquals("-ERR value is not a valid float\r\n", h.exec("GEOADD", "k", "GT", "1", "1", "a", "b", "c"));
        h.exec("SET", "s", "x");
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.exec("GEOADD", "s", "1", "1", "a"));
    }

    @Test
    void geoposAndGeohashDecodeScores() {
        assertEquals("*2\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n*-1\r\n",
                h.exec("GEOPOS", "Sicily", "Palermo", "nope"));
        assertEquals("*2\r\n$11\r\nsqc8b49rny0\r\n$-1\r\n", h.exec("GEOHASH", "Sicily", "Palermo", "nope"));
        assertEquals("*1\r\n*-1\r\n", h.exec("GEOPOS", "nokey", "a"));
        h.client().reply().protocol(3);
        assertEquals("*2\r\n*2\r\n,13.36138933897018433\r\n,38.11555639549629859\r\n_\r\n",
                h.exec("GEOPOS", "Sicily", "Palermo", "nope"));
    }

    @Test
    void geodistRepliesFourDecimalsInEveryUnit() {
        assertEquals("$11\r\n166274.1516\r\n", h.exec("GEODIST", "Sicily", "Palermo", "Catania"));
        assertEquals("$8\r\n166.2742\r\n", h.exec("GEODIST", "Sicily", "Palermo", "Catania", "KM"));
        assertEquals("$8\r\n103.3182\r\n", h.exec("GEODIST", "Sicily", "Palermo", "Catania", "mi"));
        assertEquals("$-1\r\n", h.exec("GEODIST", "Sicily", "Palermo", "nope"));
        assertEquals("-ERR unsupported unit provided. please use M, KM, FT, MI\r\n",
                h.exec("GEODIST", "Sicily", "Palermo", "Catania", "yd"));
        assertEquals("-ERR syntax error\r\n", h.exec("GEODIST", "Sicily", "Palermo", "Catania", "km", "x"));
        h.client().reply().protocol(3);
        assertEquals("$11\r\n166274.1516\r\n", h.exec("GEODIST", "Sicily", "Palermo", "Catania"));
        assertEquals("_\r\n", h.exec("GEODIST", "nokey", "a", "b"));
    }

    @Test
    void geosearchRepliesMembersWithTheirOptions() {
        assertEquals("*2\r\n*4\r\n$7\r\nCatania\r\n$7\r\n56.4413\r\n:3479447370796909\r\n"
                        + "*2\r\n$20\r\n15.08726745843887329\r\n$20\r\n37.50266842333162032\r\n"
                        + "*4\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n:3479099956230698\r\n"
                        + "*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC",
                        "WITHCOORD", "WITHDIST", "WITHHASH"));
        assertEquals("*1\r\n$7\r\nPalermo\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "15", "37", "BYBOX", "400", "400", "km", "DESC", "COUNT", "1"));
        assertEquals("*0\r\n", h.exec("GEOSEARCH", "nokey", "FROMMEMBER", "x", "BYRADIUS", "1", "m"));
        assertEquals("*2\r\n$7\r\nPalermo\r\n$7\r\nCatania\r\n",
                h.exec("GEORADIUSBYMEMBER", "Sicily", "Palermo", "200", "km"));
    }

    @Test
    void searchErrorsComeInRedisOrder() {
        assertEquals("-ERR could not decode requested zset member\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMMEMBER", "nope", "BYRADIUS", "x", "km"));
        assertEquals("-ERR need numeric radius\r\n", h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "x", "km"));
        assertEquals("-ERR radius cannot be negative\r\n", h.exec("GEORADIUS", "Sicily", "1", "1", "-1", "km"));
        assertEquals("-ERR need numeric width\r\n", h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "x", "1", "km"));
        assertEquals("-ERR height or width cannot be negative\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYBOX", "1", "-1", "km"));
        assertEquals("-ERR COUNT must be > 0\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "COUNT", "0"));
        assertEquals("-ERR the ANY argument requires COUNT argument\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY"));
        assertEquals("-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for geoSearch\r\n",
                h.exec("geoSearch", "Sicily", "BYRADIUS", "1", "km", "ASC", "WITHDIST"));
        assertEquals("-ERR exactly one of BYRADIUS and BYBOX can be specified for GEOSEARCH\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "ASC", "WITHDIST"));
        assertEquals("-ERR syntax error\r\n",
                h.exec("GEOSEARCH", "Sicily", "FROMLONLAT", "1", "1", "FROMMEMBER", "Palermo", "BYRADIUS", "1", "km"));
        assertEquals("-ERR syntax error\r\n", h.exec("GEORADIUS_RO", "Sicily", "1", "1", "1", "km", "STORE", "d"));
        assertEquals("-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
                h.exec("GEORADIUS", "Sicily", "1", "1", "1", "km", "STORE", "d", "WITHDIST"));
        assertEquals("-ERR GEOSEARCHSTORE is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n",
                h.exec("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "WITHHASH"));
        h.exec("SET", "s", "x");
        // The source is type-checked before any argument is parsed.
        assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                h.exec("GEOSEARCH", "s", "BOGUS", "1", "2", "3", "4", "5"));
    }

    @Test
    void storingReplacesTheDestinationAndAnEmptyResultDeletesIt() {
        h.exec("SET", "d", "x", "EX", "100");
        assertEquals(":2\r\n", h.exec("GEOSEARCHSTORE", "d", "Sicily", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km"));
        assertEquals(":-1\r\n", h.exec("TTL", "d"));
        assertEquals(h.exec("ZRANGE", "Sicily", "0", "-1", "WITHSCORES"), h.exec("ZRANGE", "d", "0", "-1", "WITHSCORES"));
        assertEquals(":1\r\n", h.exec("GEORADIUS", "Sicily", "15", "37", "100", "km", "STOREDIST", "d"));
        assertEquals("*2\r\n$7\r\nCatania\r\n$18\r\n56.441257870158204\r\n", h.exec("ZRANGE", "d", "0", "-1", "WITHSCORES"));
        assertEquals(":0\r\n", h.exec("GEORADIUS", "Sicily", "15", "37", "1", "m", "STORE", "d"));
        assertEquals(":0\r\n", h.exec("EXISTS", "d"));
        h.exec("SET", "d", "x");
        assertEquals(":0\r\n", h.exec("GEORADIUSBYMEMBER", "nokey", "a", "1", "km", "STORE", "d"));
        assertEquals(":0\r\n", h.exec("EXISTS", "d"));
    }

    @Test
    void geoaddPropagatesAsTheZaddItRuns() {
        List<String> propagated = new ArrayList<>();
        h.server().propagation().addListener((db, argv) -> {
            List<String> words = new ArrayList<>();
            for (byte[] a : argv) {
                words.add(new String(a, StandardCharsets.UTF_8));
            }
            propagated.add(String.join(" ", words));
        });
        h.exec("GEOADD", "Sicily", "CH", "13.361389", "38.115556", "Palermo", "1", "1", "New");
        h.exec("GEOADD", "Sicily", "1", "1", "New");
        h.exec("GEOSEARCHSTORE", "d", "Sicily", "FROMMEMBER", "New", "BYRADIUS", "1", "km");
        assertEquals(List.of("zadd Sicily CH 3479099956230698 Palermo 3377822707026402 New",
                "GEOSEARCHSTORE d Sicily FROMMEMBER New BYRADIUS 1 km"), propagated);
    }
}
