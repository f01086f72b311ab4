package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.mnemos.testing.DifferentialRun.pick;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM and XSETID against a real redis-server: hand-picked
 * cases for every option and every error (in RESP2 and RESP3), then a seeded random sequence with
 * explicit IDs (a generated '*' ID depends on each server's clock) whose replies must be
 * byte-identical, with DEBUG DIGEST compared along the way. Small stream-node-max-entries and
 * stream-node-max-bytes make streams span many nodes, so node splits, whole-node trims and
 * tombstones inside nodes are all exercised.
 */
class StreamCommandsDifferentialTest {
    /** One command per line, arguments separated by single spaces ('' is the empty string). */
    private static final String[] HAND_PICKED = {
        // XADD: IDs
        "XADD s 1-1 a 1", "XADD s 1-1 a 1", "XADD s 1-0 a 1", "XADD s 1-* a 2 b 3", "XADD s 1-* a 2 b 3",
        "XADD s 0-* a 1", "XADD s 1 a 1", "XADD s 2 a 1", "XADD s 00003-0002 a 1", "XADD s +4-1 a 1",
        "XADD s 5-+1 a 1", "XADD s -01 a 1", "XADD s 18446744073709551616 a 1", "XADD s 5-18446744073709551616 a 1",
        "XADD s 9223372036854775808-9223372036854775808 f v", "XADD s 0-0 a 1", "XADD s 0 a 1", "XADD s 0-* a 1",
        "XADD s abc a 1", "XADD s - a 1", "XADD s + a 1", "XADD s 1-2-3 a 1", "XADD s 1- a 1", "XADD s -1 a 1",
        "XADD s 10-1 a", "XADD s 10-1 a 1 b", "XADD s 10-1", "XADD s",
        "XADD e 18446744073709551615-18446744073709551615 f v", "XADD e 5-5 f v", "XADD e 18446744073709551615-* f v",
        "XADD e2 18446744073709551615-18446744073709551614 f v", "XADD e2 18446744073709551615-* f v",
        "XADD e2 18446744073709551615-* f v",
        // XADD: options
        "XADD t MAXLEN 1 MINID 1 10-1 a 1", "XADD t MINID 1 MAXLEN 1 10-1 a 1", "XADD t MAXLEN -1 10-1 a 1",
        "XADD t MAXLEN x 10-1 a 1", "XADD t MAXLEN ~ x 10-1 a 1", "XADD t MINID x 10-1 a 1",
        "XADD t LIMIT 5 10-1 a 1", "XADD t MAXLEN 5 LIMIT 5 10-1 a 1", "XADD t MAXLEN ~ 5 LIMIT -1 10-1 a 1",
        "XADD t MAXLEN ~ 5 LIMIT x 10-1 a 1", "XADD t MAXLEN = 5 LIMIT 5 10-1 a 1", "XADD t NOMKSTREAM 10-1 a 1",
        "EXISTS t", "XADD t nomkstream maxlen = 0 10-1 a 1", "XADD t MAXLEN 0 10-1 a 1", "EXISTS t", "XLEN t",
        "XRANGE t - +", "XADD t MAXLEN = 2 11-1 a 1", "XADD t maxlen ~ 1 12-1 a 1", "XADD t MAXLEN 2 13-1 a 1",
        "XRANGE t - +", "XADD t MINID 13 14-1 a 1", "XADD t MINID = 14-1 15-1 a 1", "XADD t MINID ~ 15 16-1 a 1",
        "XADD t MINID - 17-1 a 1", "XADD t MINID + 17-1 a 1", "XADD t MAXLEN", "XADD t MAXLEN ~", "XADD t MAXLEN 1",
        "XADD t MAXLEN ~ 1", "XADD t 18-1 MAXLEN 1 a 1", "XRANGE t - +", "XADD t NOMKSTREAM NOMKSTREAM 19-1 a b",
        "XADD t LIMIT 0 MAXLEN ~ 1 20-1 a b", "XADD t MAXLEN ~ 0 LIMIT 0 21-1 a b", "XLEN t",
        // XRANGE / XREVRANGE
        "XADD r 1-1 a 1", "XADD r 1-2 a 2 b 2", "XADD r 2-0 a 3", "XADD r 2-5 x 4", "XADD r 3-0 a 5",
        "XRANGE r - +", "XREVRANGE r + -", "XRANGE r 1 2", "XRANGE r 1-2 2-0", "XRANGE r (1-1 +", "XRANGE r - (3-0",
        "XRANGE r (1-1 (3-0", "XREVRANGE r (3-0 (1-1", "XREVRANGE r 2 1", "XRANGE r - + COUNT 2",
        "XRANGE r - + COUNT 0", "XRANGE r - + COUNT -1", "XRANGE r - + count 1 COUNT 3", "XREVRANGE r + - COUNT 2",
        "XRANGE r 3 1", "XRANGE r (- +", "XRANGE r - (+", "XRANGE r ( +", "XRANGE r (18446744073709551615-18446744073709551615 +",
        "XRANGE r - (0-0", "XRANGE r - (0", "XRANGE r (0 +", "XRANGE r - + COUNT", "XRANGE r - + COUNT x",
        "XRANGE r - + FOO 1", "XRANGE r x +", "XRANGE r - x", "XRANGE nokey - +", "XRANGE nokey - + COUNT 0",
        "XREVRANGE nokey + -", "XRANGE nokey x +", "XRANGE r", "XLEN r", "XLEN nokey",
        // XDEL
        "XDEL r 1-2 9-9", "XDEL r 1-2", "XDEL r x", "XDEL r 2-0 x", "XDEL r - +", "XDEL nokey x", "XDEL nokey 1",
        "XRANGE r - +", "XDEL r 1-1 2-5 3-0", "XLEN r", "EXISTS r", "XRANGE r - +", "XADD r 3-0 a 1",
        "XADD r 3-1 a 1",
        // XTRIM
        "XADD x 1-1 a 1", "XADD x 2-1 a 1", "XADD x 3-1 a 1", "XADD x 4-1 b 1", "XTRIM x", "XTRIM x MAXLEN",
        "XTRIM x FOO 1", "XTRIM x MINID -", "XTRIM x MINID = 1 LIMIT 1", "XTRIM x LIMIT 1", "XTRIM x MAXLEN 1 MINID 1",
        "XTRIM x MAXLEN -5", "XTRIM x MAXLEN 3 FOO", "XTRIM x MAXLEN 3", "XRANGE x - +", "XTRIM x MINID 3",
        "XRANGE x - +", "XTRIM x MINID ~ 9", "XTRIM x MAXLEN ~ 0", "XTRIM x MAXLEN ~ 0 LIMIT 1", "XTRIM x MAXLEN 0",
        "EXISTS x", "XLEN x", "XTRIM nokey MAXLEN 0", "XTRIM nokey MAXLEN x", "XTRIM x MAXLEN ~ 0 LIMIT 0",
        // XSETID
        "XADD i 5-5 a 1", "XADD i 6-0 a 1", "XDEL i 6-0", "XSETID i 1-0", "XSETID i 5-4", "XSETID i 5-5",
        "XSETID i 3-0", "XSETID i 99999999999999999999999-0", "XSETID i 100-0 ENTRIESADDED -1",
        "XSETID i 100-0 ENTRIESADDED 0", "XSETID i 100-0 ENTRIESADDED x", "XSETID i 100 MAXDELETEDID 200",
        "XSETID i 100 MAXDELETEDID x", "XSETID i 100 MAXDELETEDID 50 ENTRIESADDED 100", "XSETID i 60 FOO 1",
        "XSETID i 60 ENTRIESADDED", "XSETID nokey 1-1", "XSETID nokey x", "XSETID i -", "XSETID i +",
        "XADD i 60-0 a 1", "XADD i 100-0 a 1", "XADD i 100-1 a 1", "XDEL i 5-5 100-1", "XSETID i 0-1",
        "XSETID i 18446744073709551615-18446744073709551615", "XADD i 1-1 a 1", "XLEN i",
        // types
        "SET str x", "XADD str 1-1 a 1", "XADD str MAXLEN x 1-1 a 1", "XADD str NOMKSTREAM 1-1 a 1", "XLEN str",
        "XRANGE str - +", "XRANGE str x +", "XREVRANGE str + -", "XDEL str x", "XDEL str 1", "XTRIM str MAXLEN 1",
        "XTRIM str FOO 1", "XSETID str 1", "XSETID str x", "TYPE r", "TYPE i", "OBJECT ENCODING i", "RPUSH l a",
        "XADD l 1 a 1", "XLEN l",
        // fields and values of every listpack encoding
        "XADD v 1 f 0 g -1 h 127 i 128 j 4095 k -4096 l 32767 m -32768 n 8388607 o 2147483647 p 9223372036854775807",
        "XADD v 2 f 9223372036854775808 g -9223372036854775809 h 007 i -0 j +1 k '' l 1.5",
        "XADD v 3 123 456 -1 x", "XADD v 4 123 456 -1 x", "XRANGE v - +", "XREVRANGE v + -",
        // XREAD without blocking
        "XADD ra 1-1 f v", "XADD ra 2-1 f v g w", "XADD rb 5-0 x y", "XREAD STREAMS ra 0", "XREAD STREAMS ra rb 0 0",
        "XREAD STREAMS ra rb 1-1 0", "XREAD COUNT 1 STREAMS ra rb 0 0", "XREAD COUNT -5 STREAMS ra rb 0 0",
        "XREAD COUNT 0 STREAMS ra rb 0 0", "XREAD STREAMS ra rb $ $", "XREAD STREAMS ra rb 9 9",
        "XREAD STREAMS nokey 0", "XREAD STREAMS ra rb 0", "XREAD STREAMS", "XREAD COUNT 1 STREAMS ra x",
        "XREAD BLOCK -1 STREAMS ra 0", "XREAD BLOCK x STREAMS ra 0", "XREAD BLOCK 1.5 STREAMS ra 0",
        "XREAD GROUP a b STREAMS ra 0", "XREAD GROUP a STREAMS ra 0", "XREAD NOACK STREAMS ra 0",
        "XREAD STREAMS ra >", "XREAD STREAMS ra +", "XREAD STREAMS ra -", "XREAD FOO STREAMS ra 0", "XREAD COUNT",
        "XREAD COUNT 1 BLOCK 1 STREAMS ra 9", "XREAD BLOCK 0 COUNT 1 STREAMS ra 0",
        "XREAD STREAMS ra 18446744073709551615-18446744073709551615", "XREAD STREAMS str 0",
        "XREAD STREAMS ra str 0 x", "XREAD STREAMS ra str x 0", "XREAD STREAMS str ra x 0", "XDEL ra 2-1",
        "XREAD STREAMS ra 1-1", "XREAD STREAMS ra 1-5", "XREAD STREAMS ra 0-5", "XREAD STREAMS ra 0 COUNT 1",
        "XREAD COUNT 1 COUNT 2 STREAMS ra 0", "XREAD STREAMS ra ra 0 1-0", "XREAD BLOCK 10 STREAMS ra rb $ $",
        "MULTI", "XREAD BLOCK 0 STREAMS ra $", "EXEC",
        // WATCH: touched by every write that changed the stream, not by XSETID or writes that did nothing
        "WATCH w", "XADD w 1-1 a 1", "MULTI", "PING", "EXEC", "WATCH w", "XSETID w 5-0", "MULTI", "PING", "EXEC",
        "WATCH w", "XDEL w 9-9", "XTRIM w MAXLEN 5", "XADD w 1-1 a 1", "MULTI", "PING", "EXEC", "WATCH w",
        "XDEL w 1-1", "MULTI", "PING", "EXEC", "WATCH w", "XADD w NOMKSTREAM 6-0 a 1", "MULTI", "PING", "EXEC",
        "WATCH w", "XTRIM w MAXLEN 0", "MULTI", "PING", "EXEC", "WATCH w", "XADD w MAXLEN 0 7-0 a 1", "MULTI",
        "PING", "EXEC", "XLEN w", "EXISTS w",
    };

    @Test
    void handPickedCasesMatchRealRedisInBothProtocols() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--stream-node-max-entries", "3")) {
            for (String proto : new String[]{"2", "3"}) {
                run.both("FLUSHALL");
                run.both("HELLO", proto);
                run.note("HELLO " + proto);
                for (String line : HAND_PICKED) {
                    run.send(words(line));
                }
                run.send("XADD", "big", "1", "f", "x".repeat(70), "g", "y".repeat(5000));
                run.send("XADD", "big", "2", "f", "x".repeat(70), "g", "y".repeat(5000));
                run.send("XRANGE", "big", "-", "+");
                run.send("XADD", "nul", "3\0junk", "f", "v");
                run.send("XADD", "nul", "4-*\0junk", "f", "v");
                run.send("XADD", "nul", " 5-1", "f", "v");
                run.send("XADD", "nul", "\t6-\n2", "f", "v");
                run.send("XADD", "nul", "7-1", "f\0g", "v\0w");
                run.send("XRANGE", "nul", "-", "+");
                run.assertSameDataset();
            }
        }
    }

    @Test
    void memoryUsageOfStreamsIsRedisEstimate() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("XADD", "m", "1-1", "f", "v");
            run.send("MEMORY", "USAGE", "m");
            for (int i = 2; i <= 350; i++) {
                run.both("XADD", "m", i + "-1", "f", "v", "g", Integer.toString(i * 1000));
            }
            run.send("MEMORY", "USAGE", "m");
            run.send("MEMORY", "USAGE", "m", "SAMPLES", "0");
            // Groups add their PEL trees, pending entries and consumers.
            run.send("XGROUP", "CREATE", "m", "g", "0");
            run.send("MEMORY", "USAGE", "m");
            run.both("XREADGROUP", "GROUP", "g", "alice", "COUNT", "37", "STREAMS", "m", ">");
            run.both("XREADGROUP", "GROUP", "g", "bob", "COUNT", "5", "STREAMS", "m", ">");
            run.both("XGROUP", "CREATECONSUMER", "m", "g", "carol");
            run.send("MEMORY", "USAGE", "m");
        }
    }

    @Test
    void generatedIdsUseTheClockAndAreRewrittenIntoTheLastId() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            // '*' IDs come from each server's clock: compared structurally, never byte for byte.
            String first = run.ours().call("XADD", "g", "*", "f", "v");
            String[] parts = first.split("\r\n")[1].split("-");
            long ms = Long.parseLong(parts[0]);
            assertTrue(Math.abs(ms - System.currentTimeMillis()) < 60_000, first);
            assertEquals("0", parts[1]);
            // Past the clock: the sequence is incremented instead.
            String future = (ms + 100_000) + "-5";
            run.ours().call("XADD", "g", future, "f", "v");
            assertEquals("$" + ((ms + 100_000) + "-6").length() + "\r\n" + (ms + 100_000) + "-6\r\n",
                    run.ours().call("XADD", "g", "*", "f", "v"));
            assertEquals(":3\r\n", run.ours().call("XLEN", "g"));
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String[] words(String line) {
        String[] w = line.split(" ");
        for (int i = 0; i < w.length; i++) {
            if (w[i].equals("''")) {
                w[i] = "";
            }
        }
        return w;
    }

    // ---------------------------------------------------------------- random sequence

    private static final int STEPS = 4000;
    private static final String[] KEYS = {"s1", "s2", "s3", "str", "missing"};
    private static final long[] BASES = {10, 1_700_000_000_000L, Long.MAX_VALUE - 20};
    private static final String[] FIELDS = {"f", "g", "h", "1", "-5", "long-" + "x".repeat(70)};
    private static final String[] VALUES = {"v", "1", "-1", "0", "300", "70000", "9223372036854775807", "007",
        "", "w".repeat(100), "1.5"};

    @Test
    void randomStreamCommandSequenceMatchesRealRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--stream-node-max-entries", "6",
                "--stream-node-max-bytes", "400")) {
            run.both("SET", "str", "string");
            Random rnd = new Random(Long.getLong("streams.seed", 20261206L));
            Map<String, Long> lastMs = new HashMap<>();
            for (int k = 0; k < 3; k++) {
                lastMs.put(KEYS[k], BASES[k]);
            }
            int added = 0;
            int deleted = 0;
            for (int step = 0; step < STEPS; step++) {
                if (step == 1500) {
                    // Nodes limits change at runtime: later appends follow the new ones.
                    run.both("CONFIG", "SET", "stream-node-max-entries", "0");
                    run.both("CONFIG", "SET", "stream-node-max-bytes", "1000");
                    run.note("CONFIG SET stream-node-max-entries 0, stream-node-max-bytes 1000");
                } else if (step == 3000) {
                    run.both("HELLO", "3");
                    run.note("HELLO 3");
                }
                String[] cmd = randomCommand(rnd, lastMs);
                String reply = run.send(cmd);
                if (cmd[0].equals("XADD") && reply.startsWith("$") && !reply.startsWith("$-1")) {
                    added++;
                } else if (!cmd[0].equals("XADD") && !cmd[0].startsWith("XR") && reply.matches(":[1-9][0-9]*\r\n")) {
                    deleted++;
                }
                if (step % 250 == 249) {
                    run.assertSameDataset();
                    for (String key : KEYS) {
                        run.send("DEBUG", "DIGEST-VALUE", key);
                        // The payload holds the nodes as they are: same node splits, flags and metadata.
                        byte[] payload = run.real().callBytes("DUMP", key);
                        assertArrayEquals(payload, run.ours().callBytes("DUMP", key), run.context("DUMP " + key));
                        if (payload[0] == '$' && payload[1] != '-') {
                            byte[] bytes = io.mnemos.testing.RespConnection.bulkPayload(payload);
                            byte[][] restore = {b("RESTORE"), b("copy-" + key), b("0"), bytes, b("REPLACE")};
                            assertEquals(run.real().call(restore), run.ours().call(restore), run.context("RESTORE"));
                            run.send("DEBUG", "DIGEST-VALUE", "copy-" + key);
                            assertArrayEquals(run.real().callBytes("DUMP", "copy-" + key),
                                    run.ours().callBytes("DUMP", "copy-" + key), run.context("DUMP copy-" + key));
                        }
                    }
                }
                if (step == 2000) {
                    // Saved and loaded again: the streams come back node for node.
                    run.send("DEBUG", "RELOAD");
                    run.note("DEBUG RELOAD");
                }
            }
            for (String key : KEYS) {
                run.send("XRANGE", key, "-", "+");
                run.send("TYPE", key);
            }
            run.assertSameDataset();
            // The sequence must have done real work, not mostly produced errors.
            assertTrue(added > STEPS / 5, "entries added: " + added);
            assertTrue(deleted > STEPS / 50, "deletions and trims that removed something: " + deleted);
        }
    }

    private static String[] randomCommand(Random rnd, Map<String, Long> lastMs) {
        String key = pick(rnd, KEYS);
        long base = lastMs.getOrDefault(key, 5L);
        int op = rnd.nextInt(100);
        List<String> cmd = new ArrayList<>();
        if (op < 50) {
            cmd.add("XADD");
            cmd.add(key);
            if (rnd.nextInt(6) == 0) {
                cmd.add("NOMKSTREAM");
            }
            if (rnd.nextInt(5) == 0) {
                trimOptions(rnd, cmd, base);
            }
            long ms = base + rnd.nextInt(4) - (rnd.nextInt(10) == 0 ? 2 : 0);
            String id = rnd.nextInt(4) == 0 ? Long.toUnsignedString(ms) + "-*"
                    : rnd.nextInt(5) == 0 ? Long.toUnsignedString(ms)
                    : Long.toUnsignedString(ms) + "-" + rnd.nextInt(3);
            cmd.add(id);
            int pairs = 1 + rnd.nextInt(3);
            boolean same = rnd.nextBoolean();
            for (int i = 0; i < pairs; i++) {
                cmd.add(same ? FIELDS[i] : pick(rnd, FIELDS));
                cmd.add(pick(rnd, VALUES));
            }
            if (rnd.nextInt(40) == 0) {
                cmd.remove(cmd.size() - 1); // an odd number of arguments
            }
            if (Long.compareUnsigned(ms, base) > 0 && key.startsWith("s")) {
                lastMs.put(key, ms);
            }
        } else if (op < 60) {
            cmd.add("XDEL");
            cmd.add(key);
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                cmd.add(randomId(rnd, base, 20));
            }
        } else if (op < 68) {
            cmd.add("XTRIM");
            cmd.add(key);
            trimOptions(rnd, cmd, base);
        } else if (op < 88) {
            boolean rev = rnd.nextBoolean();
            cmd.add(rev ? "XREVRANGE" : "XRANGE");
            cmd.add(key);
            String a = bound(rnd, base, "-");
            String b = bound(rnd, base, "+");
            if (rev) {
                cmd.add(b.equals("-") ? "+" : b);
                cmd.add(a.equals("+") ? "-" : a);
            } else {
                cmd.add(a);
                cmd.add(b);
            }
            if (rnd.nextInt(3) == 0) {
                cmd.add("COUNT");
                cmd.add(Integer.toString(rnd.nextInt(6) - 1));
            }
        } else if (op < 93) {
            cmd.add("XLEN");
            cmd.add(key);
        } else if (op < 97) {
            cmd.add("XSETID");
            cmd.add(key);
            cmd.add(randomId(rnd, base, 3));
            if (rnd.nextInt(3) == 0) {
                cmd.add("ENTRIESADDED");
                cmd.add(Integer.toString(rnd.nextInt(400)));
            }
            if (rnd.nextInt(4) == 0) {
                cmd.add("MAXDELETEDID");
                cmd.add(randomId(rnd, base, 5));
            }
        } else if (op < 98) {
            cmd.add("DEL");
            cmd.add(key);
            if (!key.equals("str")) {
                lastMs.put(key, lastMs.getOrDefault(key, 0L) + 1);
            }
        } else {
            cmd.add("TYPE");
            cmd.add(key);
        }
        return cmd.toArray(new String[0]);
    }

    private static void trimOptions(Random rnd, List<String> cmd, long base) {
        boolean maxlen = rnd.nextInt(3) != 0;
        cmd.add(maxlen ? "MAXLEN" : "MINID");
        int approx = rnd.nextInt(3);
        if (approx == 1) {
            cmd.add("~");
        } else if (approx == 2) {
            cmd.add("=");
        }
        cmd.add(maxlen ? Integer.toString(rnd.nextInt(40) - (rnd.nextInt(30) == 0 ? 3 : 0))
                : randomId(rnd, base, 25));
        if (approx == 1 && rnd.nextInt(3) == 0) {
            cmd.add("LIMIT");
            cmd.add(Integer.toString(rnd.nextInt(30)));
        }
    }

    /** An ID near {@code base}, at most {@code back} milliseconds before it. */
    private static String randomId(Random rnd, long base, int back) {
        long ms = base - rnd.nextInt(back + 1) + rnd.nextInt(2);
        return rnd.nextInt(4) == 0 ? Long.toUnsignedString(ms) : Long.toUnsignedString(ms) + "-" + rnd.nextInt(3);
    }

    private static String bound(Random rnd, long base, String edge) {
        int kind = rnd.nextInt(6);
        if (kind == 0) {
            return edge;
        }
        String id = randomId(rnd, base, 20);
        return kind == 1 ? "(" + id : id;
    }
}
