package io.mnemos.command;

import io.mnemos.store.Entry;
import io.mnemos.store.HyperLogLog;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.ReplyScript;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static io.mnemos.command.ListCommandsTest.OK;
import static io.mnemos.command.ListCommandsTest.WRONGTYPE;
import static io.mnemos.command.ListCommandsTest.arity;
import static io.mnemos.command.ListCommandsTest.bulk;
import static io.mnemos.command.ListCommandsTest.err;
import static io.mnemos.command.ListCommandsTest.num;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HyperLogLog commands, reply for reply and byte for byte. Every script runs on Mnemos and, when
 * redis-server is installed, on a real Redis 7.0 too (the expected replies were taken from Redis
 * 7.0.15); the exact string values of PF keys are checked against bytes taken from Redis.
 */
class HyperLogLogCommandsTest {
    static final String NOT_HLL = "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n";
    static final String INVALIDOBJ = "-INVALIDOBJ Corrupted HLL object detected\r\n";
    private static RealRedis redis;

    static void verify(ReplyScript script) throws Exception {
        script.runOn(new CommandHarness());
        RealRedis real = real();
        if (real != null) {
            script.runOn("127.0.0.1", real.port());
        }
    }

    private static RealRedis real() throws Exception {
        if (!RealRedis.available()) {
            return null;
        }
        synchronized (HyperLogLogCommandsTest.class) {
            if (redis == null) {
                redis = RealRedis.start();
            }
            return redis;
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Test
    void pfaddAndPfcount() throws Exception {
        verify(new ReplyScript()
                .expect(num(1), "PFADD", "h", "a", "b", "c")
                .expect(num(0), "PFADD", "h", "a")
                .expect(num(0), "PFADD", "h", "c", "b", "a")
                .expect(num(0), "PFADD", "h")
                .expect(num(1), "PFADD", "h", "d")
                .expect(num(4), "PFCOUNT", "h")
                .expect(num(4), "PFCOUNT", "h")
                .expect(num(1), "PFADD", "h", "x", "a", "y")
                .expect(num(6), "PFCOUNT", "h")
                // PFADD without elements creates an empty HyperLogLog: a sparse string of 18 bytes
                .expect(num(1), "PFADD", "empty")
                .expect("+string\r\n", "TYPE", "empty")
                .expect(num(18), "STRLEN", "empty")
                .expect(bulk("HYLL"), "GETRANGE", "empty", "0", "3")
                .expect(num(0), "PFCOUNT", "empty")
                .expect(num(0), "PFADD", "empty")
                .expect(num(0), "PFCOUNT", "nokey")
                .expect(num(0), "EXISTS", "nokey")
                // several keys: the cardinality of their union
                .expect(num(1), "PFADD", "h2", "c", "d", "e", "f", "g")
                .expect(num(9), "PFCOUNT", "h", "h2")
                .expect(num(6), "PFCOUNT", "h", "h")
                .expect(num(6), "PFCOUNT", "h", "empty", "nokey")
                .expect(num(0), "PFCOUNT", "nokey", "nokey2")
                .expect(num(1), "PFADD", "bin", "", "\u0000", "a\u0000b", "\u00e9t\u00e9")
                .expect(num(4), "PFCOUNT", "bin")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "h")
                .expect(bulk("Z:7292 v:1,1 Z:1143 v:1,1 Z:4274 v:2,1 Z:2220 v:3,1 Z:847 v:1,1 Z:593 v:2,1 z:9"), "PFDEBUG", "DECODE", "h")
                .expect(bulk("Z:16384"), "PFDEBUG", "DECODE", "empty")
                .expect(num(35), "STRLEN", "h")
                .expect(arity("pfadd"), "PFADD")
                .expect(arity("pfcount"), "PFCOUNT"));
    }

    @Test
    void pfmergeTakesTheMaximumOfEveryRegister() throws Exception {
        verify(new ReplyScript()
                .expect(num(1), "PFADD", "a", "1", "2", "3")
                .expect(num(1), "PFADD", "b", "3", "4", "5")
                .expect(OK, "PFMERGE", "m", "a", "b")
                .expect(num(5), "PFCOUNT", "m")
                .expect(bulk("Z:495 v:2,1 Z:2084 v:1,1 Z:4946 v:1,1 Z:3445 v:1,1 Z:4397 v:4,1 Z:1012"), "PFDEBUG", "DECODE", "m")
                .expect(OK, "PFMERGE", "m")
                .expect(num(5), "PFCOUNT", "m")
                .expect(OK, "PFMERGE", "new")
                .expect(num(1), "EXISTS", "new")
                .expect(num(0), "PFCOUNT", "new")
                .expect(OK, "PFMERGE", "m2", "nokey", "nokey2")
                .expect(num(0), "PFCOUNT", "m2")
                .expect(OK, "PFMERGE", "a", "b")
                .expect(num(5), "PFCOUNT", "a")
                // a dense source makes the destination dense
                .expect(num(1), "PFDEBUG", "TODENSE", "b")
                .expect(num(0), "PFDEBUG", "TODENSE", "b")
                .expect("+dense\r\n", "PFDEBUG", "ENCODING", "b")
                .expect(num(12304), "STRLEN", "b")
                .expect(num(3), "PFCOUNT", "b")
                .expect(OK, "PFMERGE", "m3", "a", "b")
                .expect("+dense\r\n", "PFDEBUG", "ENCODING", "m3")
                .expect(num(5), "PFCOUNT", "m3")
                .expect(OK, "PFMERGE", "m4", "a")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "m4")
                .expect(num(1), "PFADD", "b", "6")
                .expect(num(4), "PFCOUNT", "b")
                .expect(num(6), "PFCOUNT", "a", "b", "m4")
                // the destination is edited in place: its TTL stays
                .expect(num(1), "EXPIRE", "m", "100")
                .expect(OK, "PFMERGE", "m", "a")
                .expect(num(100), "TTL", "m")
                .expect(num(1), "PFADD", "m", "zz")
                .expect(num(100), "TTL", "m")
                .expect(arity("pfmerge"), "PFMERGE"));
    }

    @Test
    void stringsThatAreNotHyperLogLogsAndCorruptedOnes() throws Exception {
        verify(new ReplyScript()
                .expect(num(1), "PFADD", "h", "a", "b")
                .expect(OK, "SET", "s", "foo")
                .expect(NOT_HLL, "PFADD", "s", "a")
                .expect(NOT_HLL, "PFADD", "s")
                .expect(NOT_HLL, "PFCOUNT", "s")
                .expect(NOT_HLL, "PFCOUNT", "h", "s")
                .expect(NOT_HLL, "PFCOUNT", "nokey", "s")
                .expect(NOT_HLL, "PFMERGE", "d", "s")
                .expect(num(0), "EXISTS", "d")
                .expect(NOT_HLL, "PFMERGE", "s", "h")
                .expect(bulk("foo"), "GET", "s")
                .expect(OK, "SET", "n", "12345")
                .expect(NOT_HLL, "PFCOUNT", "n")
                .expect(OK, "SET", "short", "HYL")
                .expect(NOT_HLL, "PFCOUNT", "short")
                .expect(OK, "SET", "enc2", "HYLL\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u007f\u00ff")
                .expect(NOT_HLL, "PFCOUNT", "enc2")
                .expect(OK, "SET", "dense16", "HYLL\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000")
                .expect(NOT_HLL, "PFCOUNT", "dense16")
                .expect(NOT_HLL, "PFADD", "dense16", "a")
                .expect(OK, "SET", "magic", "HYLX\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u007f\u007f")
                .expect(NOT_HLL, "PFCOUNT", "magic")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "PFADD", "l", "a")
                .expect(WRONGTYPE, "PFCOUNT", "l")
                .expect(WRONGTYPE, "PFCOUNT", "h", "l")
                .expect(WRONGTYPE, "PFMERGE", "l", "h")
                .expect(WRONGTYPE, "PFMERGE", "d", "h", "l")
                .expect(num(1), "HSET", "hh", "f", "v")
                .expect(WRONGTYPE, "PFCOUNT", "hh")
                .expect(WRONGTYPE, "PFADD", "hh")
                // a sparse representation that does not cover exactly 16384 registers is corrupted
                .expect(OK, "SET", "bad", "HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u007f")
                .expect(num(0), "PFCOUNT", "bad")
                .expect(INVALIDOBJ, "PFCOUNT", "bad", "h")
                .expect(INVALIDOBJ, "PFCOUNT", "h", "bad")
                .expect(INVALIDOBJ, "PFMERGE", "d", "bad")
                .expect(INVALIDOBJ, "PFMERGE", "d", "h", "bad")
                .expect(num(0), "EXISTS", "d")
                .expect(num(1), "PFADD", "bad", "a", "b", "c")
                .expect(num(26), "STRLEN", "bad")
                .expect(INVALIDOBJ, "PFDEBUG", "TODENSE", "bad")
                .expect(bulk("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:257"), "PFDEBUG", "DECODE", "bad")
                .expect(OK, "SET", "bad2", "HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000")
                .expect(num(0), "PFCOUNT", "bad2")
                .expect(INVALIDOBJ, "PFADD", "bad2", "a")
                .expect(num(0), "PFADD", "bad2")
                .expect(bulk(""), "PFDEBUG", "DECODE", "bad2")
                .expect(OK, "SET", "bad3", "HYLL\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u007f\u007f\u007f\u007f")
                .expect(num(1), "PFADD", "bad3", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j")
                .expect(INVALIDOBJ, "PFCOUNT", "bad3")
                .expect(bulk("Z:1646 v:1,1 Z:2537 v:1,1 Z:3107 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:574 v:1,1 Z:2948 v:1,1 Z:750 v:2,1 Z:2445 v:1,1 Z:622 v:1,1 Z:475 Z:16256"), "PFDEBUG", "DECODE", "bad3")
                // a valid cached cardinality is answered without looking at the registers
                .expect(OK, "SET", "cached", "HYLL\u0001\u0000\u0000\u0000\u0005\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u007f\u007f")
                .expect(num(5), "PFCOUNT", "cached")
                .expect(INVALIDOBJ, "PFCOUNT", "cached", "h"));
    }

    @Test
    void pfdebugEncodingDecodeTodense() throws Exception {
        verify(new ReplyScript()
                .expect(num(1), "PFADD", "h", "a", "b", "c")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "h")
                .expect("+sparse\r\n", "PFDEBUG", "encoding", "h")
                .expect(bulk("Z:8436 v:1,1 Z:4274 v:2,1 Z:3068 v:1,1 Z:603"), "PFDEBUG", "DECODE", "h")
                .expect(num(1), "PFDEBUG", "TODENSE", "h")
                .expect("+dense\r\n", "PFDEBUG", "ENCODING", "h")
                .expect(err("HLL encoding is not sparse"), "PFDEBUG", "DECODE", "h")
                .expect(num(0), "PFDEBUG", "TODENSE", "h")
                .expect(num(3), "PFCOUNT", "h")
                .expect(err("Unknown PFDEBUG subcommand 'FOO'"), "PFDEBUG", "FOO", "h")
                .expect(err("The specified key does not exist"), "PFDEBUG", "ENCODING", "nokey")
                .expect(err("The specified key does not exist"), "PFDEBUG", "FOO", "nokey")
                .expect(OK, "SET", "s", "foo")
                .expect(NOT_HLL, "PFDEBUG", "ENCODING", "s")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "PFDEBUG", "ENCODING", "l")
                .expect(arity("pfdebug"), "PFDEBUG", "ENCODING")
                .expect(arity("pfdebug"), "PFDEBUG", "ENCODING", "h", "x"));
    }

    @Test
    void sparseRepresentationIsPromotedAtHllSparseMaxBytes() throws Exception {
        verify(new ReplyScript()
                .expect("*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n3000\r\n", "CONFIG", "GET", "hll-sparse-max-bytes")
                .expect(OK, "CONFIG", "SET", "hll-sparse-max-bytes", "40")
                .expect("*2\r\n$20\r\nhll-sparse-max-bytes\r\n$2\r\n40\r\n", "CONFIG", "GET", "hll-sparse-max-bytes")
                .expect(num(1), "PFADD", "p", "a", "b", "c")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "p")
                .expect(num(27), "STRLEN", "p")
                .expect(num(1), "PFADD", "p", "d", "e", "f", "g", "h", "i", "j", "k", "l")
                .expect("+dense\r\n", "PFDEBUG", "ENCODING", "p")
                .expect(num(12304), "STRLEN", "p")
                .expect(num(12), "PFCOUNT", "p")
                .expect(num(1), "PFADD", "p", "m")
                .expect(num(13), "PFCOUNT", "p")
                .expect(OK, "CONFIG", "SET", "hll-sparse-max-bytes", "0")
                .expect(num(1), "PFADD", "q")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "q")
                .expect(num(1), "PFADD", "q", "a")
                .expect("+dense\r\n", "PFDEBUG", "ENCODING", "q")
                .expect(OK, "PFMERGE", "r", "nokey")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "r")
                .expect(OK, "PFMERGE", "r2", "q")
                .expect("+dense\r\n", "PFDEBUG", "ENCODING", "r2")
                .expect(OK, "CONFIG", "SET", "hll-sparse-max-bytes", "1k")
                .expect("*2\r\n$20\r\nhll-sparse-max-bytes\r\n$4\r\n1000\r\n", "CONFIG", "GET", "hll-sparse-max-bytes")
                .expect(err("CONFIG SET failed (possibly related to argument 'hll-sparse-max-bytes') - argument must be a memory value"), "CONFIG", "SET", "hll-sparse-max-bytes", "-1")
                .expect(err("CONFIG SET failed (possibly related to argument 'hll-sparse-max-bytes') - argument must be a memory value"), "CONFIG", "SET", "hll-sparse-max-bytes", "abc")
                .expect(OK, "CONFIG", "SET", "hll-sparse-max-bytes", "3000"));
    }

    // ---------------------------------------------------------------- exact values

    private static byte[] value(CommandHarness h, String key) {
        Entry e = h.server().keyspace().db(0).lookupQuiet(key.getBytes(StandardCharsets.UTF_8));
        return e == null ? null : (byte[]) e.value();
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    /** A bulk reply of these bytes. */
    private static byte[] bulkBytes(byte[] v) {
        byte[] head = ("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + v.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(v, 0, out, head.length, v.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    @Test
    void valuesAreRedisBytesWithTheCachedCardinalityInTheHeader() throws Exception {
        // Taken from Redis 7.0.15 (GET after each command).
        byte[] abc = hex("48594c4c01000000000000000000008060f38050b1844bfb80425a");
        byte[] abcCounted = hex("48594c4c01000000030000000000000060f38050b1844bfb80425a");
        byte[] empty = hex("48594c4c01000000000000000000008" + "07fff");
        byte[] emptyCounted = hex("48594c4c0100000000000000000000007fff");
        String[][] steps = {{"PFADD", "h", "a", "b", "c"}, {"PFCOUNT", "h"}, {"PFADD", "e"}, {"PFCOUNT", "e"}};
        byte[][][] expected = {{abc, null}, {abcCounted, null}, {abcCounted, empty}, {abcCounted, emptyCounted}};

        CommandHarness h = new CommandHarness();
        for (int i = 0; i < steps.length; i++) {
            h.exec(steps[i]);
            assertArrayEquals(expected[i][0], value(h, "h"), "Mnemos h after step " + i);
            assertArrayEquals(expected[i][1], value(h, "e"), "Mnemos e after step " + i);
        }
        RealRedis real = real();
        if (real != null) {
            try (RespConnection conn = new RespConnection("127.0.0.1", real.port())) {
                conn.call("FLUSHALL");
                for (int i = 0; i < steps.length; i++) {
                    conn.call(steps[i]);
                    assertArrayEquals(bulkBytes(expected[i][0]), conn.callBytes("GET", "h"), "Redis h, step " + i);
                }
            }
        }
    }

    @Test
    void pfcountUnsharesAnEmbstrValueEvenWhenItsCardinalityIsCached() {
        // Redis 7.0.15: SET of these 18 bytes makes an embstr; PFCOUNT's dbUnshareStringValue makes it raw.
        byte[] emptyCounted = hex("48594c4c0100000000000000000000007fff");
        CommandHarness h = new CommandHarness();
        h.exec(h.client(), new byte[][] {"SET".getBytes(), "h".getBytes(), emptyCounted});
        assertEquals("$6\r\nembstr\r\n", h.exec("OBJECT", "ENCODING", "h"));
        assertEquals(num(0), h.exec("PFCOUNT", "h"));
        assertEquals("$3\r\nraw\r\n", h.exec("OBJECT", "ENCODING", "h"));
    }

    @Test
    void pfdebugGetregConvertsToDenseAndListsEveryRegister() {
        CommandHarness h = new CommandHarness();
        h.exec("PFADD", "h", "a", "b", "c");
        String reply = h.exec("PFDEBUG", "GETREG", "h");
        assertTrue(reply.startsWith("*16384\r\n"), reply.substring(0, 20));
        String[] lines = reply.split("\r\n");
        int ones = 0;
        int twos = 0;
        for (int i = 1; i < lines.length; i++) {
            ones += lines[i].equals(":1") ? 1 : 0;
            twos += lines[i].equals(":2") ? 1 : 0;
        }
        assertEquals(16385, lines.length);
        assertEquals(2, ones); // as Redis: PFDEBUG DECODE showed v:1,1 v:2,1 v:1,1
        assertEquals(1, twos);
        assertEquals("+dense\r\n", h.exec("PFDEBUG", "ENCODING", "h"));
        assertEquals(":3\r\n", h.exec("PFCOUNT", "h"));
        assertEquals(":" + HyperLogLog.DENSE_SIZE + "\r\n", h.exec("STRLEN", "h"));
    }

    @Test
    void pfselftestPasses() {
        // Redis's own PFSELFTEST tests Redis; this one tests Mnemos's registers and estimator.
        new ReplyScript().expect(OK, "PFSELFTEST").expect(arity("pfselftest"), "PFSELFTEST", "x")
                .runOn(new CommandHarness());
    }

    @Test
    void changesCountedAsRedisCountsThem() {
        CommandHarness h = new CommandHarness();
        long d0 = h.server().keyspace().stats().dirty;
        h.exec("PFADD", "h", "a", "b");
        assertEquals(d0 + 3, h.server().keyspace().stats().dirty, "creation plus two registers");
        h.exec("PFADD", "h", "a");
        assertEquals(d0 + 3, h.server().keyspace().stats().dirty, "no register changed");
        h.exec("PFCOUNT", "h");
        assertEquals(d0 + 4, h.server().keyspace().stats().dirty, "cache refreshed");
        h.exec("PFCOUNT", "h");
        assertEquals(d0 + 4, h.server().keyspace().stats().dirty, "cache valid");
        h.exec("PFCOUNT", "h", "x");
        assertEquals(d0 + 4, h.server().keyspace().stats().dirty, "several keys: nothing cached");
        h.exec("PFMERGE", "m", "h");
        assertEquals(d0 + 5, h.server().keyspace().stats().dirty, "merge");
    }

    @Test
    void resp3RepliesAreTheSame() throws Exception {
        verify(new ReplyScript().resp3()
                .expect(num(1), "PFADD", "h", "a")
                .expect(num(1), "PFCOUNT", "h")
                .expect(OK, "PFMERGE", "m", "h")
                .expect("+sparse\r\n", "PFDEBUG", "ENCODING", "m")
                .expect(bulk("Z:12711 v:2,1 Z:3672"), "PFDEBUG", "DECODE", "m")
                .expect(OK, "SET", "x", "y")
                .expect(NOT_HLL, "PFCOUNT", "x")
                .expect(NOT_HLL, "PFADD", "x", "a")
                .expect(num(1), "RPUSH", "l", "y")
                .expect(WRONGTYPE, "PFCOUNT", "l")
                .expect(err("The specified key does not exist"), "PFDEBUG", "DECODE", "nokey")
                .expect(NOT_HLL, "PFDEBUG", "GETREG", "x"));
    }
}
