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
 * Replays a seeded random sequence of HyperLogLog commands against Mnemos and a real redis-server:
 * PFADD batches that grow sparse values past a lowered hll-sparse-max-bytes into dense ones,
 * PFCOUNT of one or several keys, PFMERGE into new and existing keys, plain strings, list and hash
 * keys, missing keys, and values damaged with SETRANGE/APPEND. Raw replies must be identical, and
 * after every write the GET of the written key (the HLL bytes themselves) and its PFCOUNT too.
 */
class HyperLogLogCommandsDifferentialTest {
    private static final int STEPS = 1000;
    private static final String[] KEYS = {"h1", "h2", "h3", "h4", "str", "list", "hash", "missing"};

    @Test
    void randomHyperLogLogCommandSequenceMatchesRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start("--hll-sparse-max-bytes", "400");
             RunningServer mnemos = RunningServer.start("--hll-sparse-max-bytes", "400");
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (RespConnection conn : List.of(real, ours)) {
                conn.call("SET", "str", "not an hll");
                conn.call("RPUSH", "list", "a");
                conn.call("HSET", "hash", "f", "v");
            }
            Random rnd = new Random(Long.getLong("hll.seed", 20261125L));
            ArrayDeque<String> recent = new ArrayDeque<>();
            for (int step = 0; step < STEPS; step++) {
                String[] cmd = randomCommand(rnd, step);
                List<String[]> checks = new ArrayList<>();
                checks.add(cmd);
                String name = cmd[0];
                if (name.equals("PFADD") || name.equals("PFMERGE") || name.equals("SETRANGE")) {
                    checks.add(new String[] {"GET", cmd[1]});
                    checks.add(new String[] {"PFCOUNT", cmd[1]});
                    checks.add(new String[] {"GET", cmd[1]});
                }
                for (String[] c : checks) {
                    byte[] expected = real.callBytes(c);
                    byte[] actual = ours.callBytes(c);
                    String shown = shorten(String.join(" ", c));
                    assertArrayEquals(expected, actual, () -> "step " + shown + "\nexpected " + text(expected)
                            + "\nactual   " + text(actual) + "\nafter:\n" + String.join("\n", recent));
                    recent.addLast(shown + " -> " + shorten(text(expected)));
                    if (recent.size() > 20) {
                        recent.removeFirst();
                    }
                }
            }
            for (String key : KEYS) {
                for (String[] probe : List.of(new String[] {"TYPE", key}, new String[] {"GET", key},
                        new String[] {"PFCOUNT", key})) {
                    assertArrayEquals(real.callBytes(probe), ours.callBytes(probe), String.join(" ", probe));
                }
            }
        }
    }

    private static String shorten(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.ISO_8859_1).replace("\r\n", " ");
    }

    private static String key(Random rnd) {
        return rnd.nextInt(6) == 0 ? KEYS[rnd.nextInt(KEYS.length)] : KEYS[rnd.nextInt(4)];
    }

    private static String[] randomCommand(Random rnd, int step) {
        List<String> a = new ArrayList<>();
        int kind = rnd.nextInt(20);
        if (kind < 9) {
            a.addAll(List.of("PFADD", key(rnd)));
            // Batches get bigger as the run goes on, so keys reach the dense encoding.
            int n = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(step < 500 ? 10 : 60);
            for (int i = 0; i < n; i++) {
                a.add(rnd.nextInt(50) == 0 ? "" : "e" + rnd.nextInt(step < 1000 ? 3000 : 60000));
            }
        } else if (kind < 13) {
            a.add("PFCOUNT");
            int n = 1 + (rnd.nextInt(3) == 0 ? rnd.nextInt(3) : 0);
            for (int i = 0; i < n; i++) {
                a.add(key(rnd));
            }
        } else if (kind < 16) {
            a.add("PFMERGE");
            a.add(rnd.nextInt(3) == 0 ? "m" + rnd.nextInt(3) : key(rnd));
            int n = rnd.nextInt(4);
            for (int i = 0; i < n; i++) {
                a.add(key(rnd));
            }
        } else if (kind == 16) {
            // Damage a value: SETRANGE inside the header or the registers, or APPEND a byte.
            String k = KEYS[rnd.nextInt(4)];
            if (rnd.nextBoolean()) {
                a.addAll(List.of("SETRANGE", k, Integer.toString(rnd.nextInt(40)),
                        new String(new char[] {(char) rnd.nextInt(128)})));
            } else {
                a.addAll(List.of("APPEND", k, "\u0001"));
            }
        } else if (kind == 17) {
            a.addAll(List.of("DEL", KEYS[rnd.nextInt(4)], "m" + rnd.nextInt(3)));
        } else if (kind == 18) {
            a.addAll(List.of("PFDEBUG", rnd.nextBoolean() ? "ENCODING" : "DECODE", key(rnd)));
        } else {
            a.addAll(List.of("STRLEN", key(rnd)));
        }
        return a.toArray(new String[0]);
    }
}
