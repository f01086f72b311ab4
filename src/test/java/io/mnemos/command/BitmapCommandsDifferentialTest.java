package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Replays a seeded random sequence of bitmap commands (valid and invalid: bad offsets, bad bits,
 * bad ranges and units, bad bitfield types, overflow modes, list and hash keys, missing keys, plain
 * string writes in between) against Mnemos and a real redis-server, requiring byte-identical raw
 * replies and, at the end, identical values.
 */
class BitmapCommandsDifferentialTest {
    private static final int STEPS = 4000;
    private static final String[] KEYS = {"b1", "b2", "b3", "list", "hash", "missing"};
    private static final String[] OFFSETS = {"0", "1", "7", "8", "9", "15", "16", "31", "63", "64", "100", "255",
        "-1", "x", "", "1.5", "4294967296", "#0", "#1", "#3", "#-1", "2000"};
    private static final String[] INDEXES = {"0", "1", "2", "3", "-1", "-2", "-3", "-10", "5", "10", "100", "x",
        "9223372036854775807", "-9223372036854775808"};
    private static final String[] UNITS = {"BIT", "BYTE", "bit", "byte", "BITS"};
    private static final String[] TYPES = {"u1", "i1", "u4", "i5", "u8", "i8", "u16", "i16", "u31", "i32", "u63",
        "i64", "u64", "i65", "u0", "x8", "I8", ""};
    private static final String[] NUMBERS = {"0", "1", "-1", "2", "3", "7", "100", "-100", "127", "128", "-129",
        "255", "256", "65535", "9223372036854775807", "-9223372036854775808", "x", "1.5"};

    @Test
    void randomBitmapCommandSequenceMatchesRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (RespConnection conn : List.of(real, ours)) {
                conn.call("RPUSH", "list", "a", "b");
                conn.call("HSET", "hash", "f", "v");
            }
            Random rnd = new Random(Long.getLong("bitmaps.seed", 20261125L));
            ArrayDeque<String> recent = new ArrayDeque<>();
            for (int step = 0; step < STEPS; step++) {
                String[] cmd = randomCommand(rnd);
                byte[] expected = real.callBytes(cmd);
                byte[] actual = ours.callBytes(cmd);
                String shown = String.join(" ", cmd);
                assertArrayEquals(expected, actual, () -> "step " + shown + "\nexpected " + text(expected)
                        + "\nactual   " + text(actual) + "\nafter:\n" + String.join("\n", recent));
                recent.addLast(shown + " -> " + text(expected));
                if (recent.size() > 30) {
                    recent.removeFirst();
                }
            }
            for (String key : KEYS) {
                for (String[] probe : List.of(new String[] {"TYPE", key}, new String[] {"GET", key})) {
                    assertArrayEquals(real.callBytes(probe), ours.callBytes(probe), String.join(" ", probe));
                }
            }
        }
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.ISO_8859_1).replace("\r\n", " ");
    }

    private static String pick(Random rnd, String[] from) {
        return from[rnd.nextInt(from.length)];
    }

    private static String key(Random rnd) {
        // Mostly the string keys, so that values grow and change.
        return rnd.nextInt(4) == 0 ? pick(rnd, KEYS) : KEYS[rnd.nextInt(3)];
    }

    private static String offset(Random rnd) {
        return rnd.nextInt(3) == 0 ? pick(rnd, OFFSETS) : Integer.toString(rnd.nextInt(200));
    }

    private static String[] randomCommand(Random rnd) {
        List<String> a = new ArrayList<>();
        switch (rnd.nextInt(14)) {
            case 0, 1 -> {
                a.addAll(List.of("SETBIT", key(rnd), offset(rnd)));
                a.add(rnd.nextInt(8) == 0 ? pick(rnd, new String[] {"2", "-1", "x", ""}) : rnd.nextBoolean() ? "1" : "0");
            }
            case 2 -> a.addAll(List.of("GETBIT", key(rnd), offset(rnd)));
            case 3, 4 -> {
                a.addAll(List.of("BITCOUNT", key(rnd)));
                int n = rnd.nextInt(5);
                if (n >= 1) {
                    a.add(pick(rnd, INDEXES));
                }
                if (n >= 2) {
                    a.add(pick(rnd, INDEXES));
                }
                if (n >= 3) {
                    a.add(pick(rnd, UNITS));
                }
                if (n == 4 && rnd.nextInt(4) == 0) {
                    a.add("extra");
                }
            }
            case 5, 6 -> {
                a.addAll(List.of("BITPOS", key(rnd), rnd.nextInt(10) == 0 ? pick(rnd, new String[] {"2", "x", "-1"})
                        : rnd.nextBoolean() ? "1" : "0"));
                int n = rnd.nextInt(5);
                for (int i = 0; i < Math.min(n, 2); i++) {
                    a.add(rnd.nextInt(3) == 0 ? pick(rnd, INDEXES) : Integer.toString(rnd.nextInt(40) - 20));
                }
                if (n >= 3) {
                    a.add(pick(rnd, UNITS));
                }
                if (n == 4 && rnd.nextInt(4) == 0) {
                    a.add("extra");
                }
            }
            case 7 -> {
                a.addAll(List.of("BITOP", pick(rnd, new String[] {"AND", "OR", "XOR", "NOT", "and", "not", "NAND"}),
                        key(rnd)));
                int n = rnd.nextInt(4) + (rnd.nextInt(6) == 0 ? 0 : 1);
                for (int i = 0; i < n; i++) {
                    a.add(key(rnd));
                }
            }
            case 8, 9, 10 -> {
                a.addAll(List.of(rnd.nextInt(5) == 0 ? "BITFIELD_RO" : "BITFIELD", key(rnd)));
                int ops = rnd.nextInt(4);
                for (int i = 0; i < ops; i++) {
                    String type = rnd.nextInt(6) == 0 ? pick(rnd, TYPES) : TYPES[rnd.nextInt(12)]; // 12 valid ones
                    switch (rnd.nextInt(rnd.nextInt(20) == 0 ? 5 : 4)) {
                        case 0 -> a.addAll(List.of("GET", type, offset(rnd)));
                        case 1 -> a.addAll(List.of("SET", type, offset(rnd), pick(rnd, NUMBERS)));
                        case 2 -> a.addAll(List.of("INCRBY", type, offset(rnd), pick(rnd, NUMBERS)));
                        case 3 -> a.addAll(List.of("OVERFLOW", pick(rnd, new String[] {"WRAP", "SAT", "FAIL", "fail",
                            "BAD"})));
                        default -> a.add(pick(rnd, new String[] {"GET", "FOO", "SET"}));
                    }
                }
            }
            case 11 -> a.addAll(List.of("SET", KEYS[rnd.nextInt(3)],
                    pick(rnd, new String[] {"foobar", "", "12345", "\u0001\u00ff", "a", "zzzzzzzzzzzzzzzzzzzz"})));
            case 12 -> a.addAll(List.of("DEL", KEYS[rnd.nextInt(3)]));
            default -> a.addAll(List.of(rnd.nextBoolean() ? "STRLEN" : "GET", key(rnd)));
        }
        return a.toArray(new String[0]);
    }
}
