package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mnemos.testing.DifferentialRun.pick;

/**
 * Replays a seeded random sequence of list commands (valid and invalid: bad indexes and counts,
 * bad keywords, wrong arities, string keys, missing keys) against Mnemos and a real redis-server
 * and requires byte-identical replies, then the same final lists.
 */
class ListCommandsDifferentialTest {
    private static final int STEPS = 3000;
    private static final String[] KEYS = {"l1", "l2", "l3", "s", "missing"};
    private static final String[] VALUES = {"a", "b", "c", "a", "b", "", "1", "-1", "hello world", "x".repeat(70)};
    private static final String[] INTS = {
        "0", "1", "-1", "2", "3", "-2", "-3", "5", "-5", "10", "-10", "100", "-100", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "abc", "1.5", "", "+1", "01"};
    private static final String[] WHERE = {"LEFT", "right", "Left", "middle"};

    @Test
    void randomListCommandSequenceMatchesRealRedisByteForByte() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            Random rnd = new Random(Long.getLong("lists.seed", 20240801L));
            // One long list from the start, so that ranges, trims and inserts also work far from the ends.
            String[] fill = new String[302];
            fill[0] = "RPUSH";
            fill[1] = "l1";
            for (int i = 2; i < fill.length; i++) {
                fill[i] = pick(rnd, VALUES);
            }
            run.both("SET", "s", "string");
            run.both(fill);
            for (int step = 0; step < STEPS; step++) {
                if (step % 500 == 250) {
                    // Alternate between RESP3 and RESP2 so that both reply shapes are compared.
                    String proto = (step / 500) % 2 == 0 ? "3" : "2";
                    run.both("HELLO", proto);
                    run.note("HELLO " + proto);
                }
                run.send(randomCommand(rnd));
                if (step % 500 == 499) {
                    run.assertSameDataset();
                }
            }
            for (String key : KEYS) {
                run.send("TYPE", key);
                if (!key.equals("s")) {
                    run.send("LRANGE", key, "0", "-1");
                }
            }
            run.send("DBSIZE");
        }
    }

    private static String key(Random rnd) {
        return pick(rnd, KEYS);
    }

    private static String num(Random rnd) {
        int r = rnd.nextInt(8);
        if (r < 2) {
            return pick(rnd, INTS);
        }
        return r == 2 ? Integer.toString(rnd.nextInt(700) - 350) : Integer.toString(rnd.nextInt(16) - 8);
    }

    private static String[] randomCommand(Random rnd) {
        List<String> a = new ArrayList<>();
        int kind = rnd.nextInt(26);
        switch (kind) {
            case 0, 1, 2, 3 -> {
                a.add(pick(rnd, new String[]{"LPUSH", "RPUSH", "lpush", "rpush", "LPUSHX", "RPUSHX"}));
                a.add(key(rnd));
                int n = rnd.nextInt(5);
                for (int i = 0; i < n; i++) {
                    a.add(pick(rnd, VALUES));
                }
            }
            case 4, 5 -> {
                a.add(rnd.nextBoolean() ? "LPOP" : "RPOP");
                a.add(key(rnd));
                int extra = rnd.nextInt(6) == 0 ? 2 : rnd.nextInt(2);
                for (int i = 0; i < extra; i++) {
                    a.add(num(rnd));
                }
            }
            case 6 -> {
                a.add("LLEN");
                a.add(key(rnd));
            }
            case 7, 8 -> {
                a.add("LRANGE");
                a.add(key(rnd));
                a.add(num(rnd));
                a.add(num(rnd));
            }
            case 9 -> {
                a.add("LINDEX");
                a.add(key(rnd));
                a.add(num(rnd));
            }
            case 10 -> {
                a.add("LSET");
                a.add(key(rnd));
                a.add(num(rnd));
                a.add(pick(rnd, VALUES));
            }
            case 11 -> {
                a.add("LINSERT");
                a.add(key(rnd));
                a.add(pick(rnd, new String[]{"BEFORE", "after", "Before", "middle"}));
                a.add(pick(rnd, VALUES));
                a.add(pick(rnd, VALUES));
            }
            case 12 -> {
                a.add("LREM");
                a.add(key(rnd));
                a.add(num(rnd));
                a.add(pick(rnd, VALUES));
            }
            case 13 -> {
                a.add("LTRIM");
                a.add(key(rnd));
                a.add(num(rnd));
                a.add(num(rnd));
            }
            case 14, 15 -> {
                a.add("LPOS");
                a.add(key(rnd));
                a.add(pick(rnd, VALUES));
                int opts = rnd.nextInt(4);
                for (int i = 0; i < opts; i++) {
                    a.add(pick(rnd, new String[]{"RANK", "count", "MAXLEN", "bogus"}));
                    if (rnd.nextInt(8) != 0) {
                        a.add(num(rnd));
                    }
                }
            }
            case 16, 17 -> {
                a.add("LMOVE");
                a.add(key(rnd));
                a.add(key(rnd));
                a.add(pick(rnd, WHERE));
                a.add(pick(rnd, WHERE));
            }
            case 18 -> {
                a.add("RPOPLPUSH");
                a.add(key(rnd));
                a.add(key(rnd));
            }
            case 19, 20 -> {
                a.add("LMPOP");
                int n = rnd.nextInt(4);
                a.add(rnd.nextInt(8) == 0 ? pick(rnd, INTS) : Integer.toString(n));
                for (int i = 0; i < n; i++) {
                    a.add(key(rnd));
                }
                if (rnd.nextInt(10) != 0) {
                    a.add(pick(rnd, WHERE));
                }
                int opts = rnd.nextInt(3);
                for (int i = 0; i < opts; i++) {
                    a.add(pick(rnd, new String[]{"COUNT", "count", "bogus"}));
                    if (rnd.nextInt(6) != 0) {
                        a.add(num(rnd));
                    }
                }
            }
            case 21 -> {
                // Wrong arity for a random command.
                a.add(pick(rnd, new String[]{"LLEN", "LINDEX", "LSET", "LINSERT", "LREM", "LTRIM", "LMOVE",
                    "RPOPLPUSH", "LPUSH", "LRANGE", "LPOS", "LMPOP"}));
                int n = rnd.nextInt(2);
                for (int i = 0; i < n; i++) {
                    a.add(key(rnd));
                }
            }
            case 22 -> {
                a.add("OBJECT");
                a.add("ENCODING");
                a.add(key(rnd));
            }
            case 23 -> {
                a.add("TYPE");
                a.add(key(rnd));
            }
            case 24 -> {
                a.add("EXISTS");
                a.add(key(rnd));
            }
            default -> {
                a.add("LRANGE");
                a.add(key(rnd));
                a.add("0");
                a.add("-1");
            }
        }
        return a.toArray(new String[0]);
    }
}
