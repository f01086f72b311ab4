package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mnemos.testing.DifferentialRun.pick;

/**
 * Replays a seeded random sequence of string commands (valid and invalid: bad numbers, bad options,
 * wrong arities, option conflicts, expiry overflows) against Mnemos and a real redis-server and
 * requires byte-identical replies. Relative expiry times are long enough never to elapse during the
 * run, so no reply depends on the clock.
 */
class StringCommandsDifferentialTest {
    private static final int STEPS = 2000;
    private static final String[] KEYS = {"k1", "k2", "k3", "n1", "n2", "f1", "{a}x"};
    private static final String[] VALUES = {
        "", "0", "1", "-1", "10", "42", "-0", "007", "+5", " 3", "3 ", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "10.5", "0.1", "-2.25", "1e3", "3.0e3", "1E-2", ".5",
        "5.", "inf", "-inf", "nan", "0x10", "1e400", "1e5000", "abc", "hello world", "ohmytext",
        "mynewtext", "Hello", "\u00e9t\u00e9", "x".repeat(50), "12345678901234567890123"};
    private static final String[] INTS = {
        "0", "1", "-1", "2", "5", "17", "-3", "100", "-100", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "abc", "1.5", "", " 1", "+1", "-0", "01"};
    private static final String[] FLOATS = {
        "0.1", "-0.1", "1", "10.5", "3.0e3", "1e-5", "-5", "1.5e10", "5.0e3", "2e-30", "inf", "-inf", "+inf",
        "nan", "abc", "", " 1", "1 ", "1e", "0x1p3", "1e400", "-1e400", "1e5000", "1e-5000", "0.0000001",
        "123456789.123456789", "1.0000000000000002"};
    private static final String[] EXPIRES = {
        "10000000", "100000", "0", "-1", "abc", "9223372036854775", "9223372036854775807", "9223372036854776",
        "1.5", "99999999999"};
    private static final String[] ABS_EXPIRES = {"1", "100", "1000000000", "4000000000", "4000000000000",
        "0", "-5", "9223372036854775807", "9223372036854775"};

    @Test
    void randomStringCommandSequenceMatchesRealRedisByteForByte() throws Exception {
        try (DifferentialRun run = DifferentialRun.start().historyLimit(40)) {
            Random rnd = new Random(Long.getLong("strings.seed", 20240707L));
            for (int step = 0; step < STEPS; step++) {
                run.send(randomCommand(rnd));
                if (step % 500 == 499) {
                    run.assertSameDataset();
                }
            }
            // The final keyspace is the same too.
            String[] mget = new String[KEYS.length + 1];
            mget[0] = "MGET";
            System.arraycopy(KEYS, 0, mget, 1, KEYS.length);
            run.send(mget);
        }
    }

    /**
     * INCRBYFLOAT's long double arithmetic and "%.17Lf" formatting, over many magnitudes: decimal
     * and hex increments with up to 25 significant digits, exponents from -40 to 40 (and a few
     * beyond double's range), chained on a few keys so that rounding errors accumulate.
     */
    @Test
    void incrbyfloatArithmeticMatchesRealRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            Random rnd = new Random(Long.getLong("strings.seed", 77L));
            for (int step = 0; step < 1500; step++) {
                String key = "f" + rnd.nextInt(4);
                run.send(rnd.nextInt(15) == 0 ? "SET" : "INCRBYFLOAT", key, randomFloat(rnd));
            }
        }
    }

    private static String randomFloat(Random rnd) {
        StringBuilder sb = new StringBuilder();
        if (rnd.nextBoolean()) {
            sb.append('-');
        }
        if (rnd.nextInt(10) == 0) {
            sb.append("0x").append(Long.toHexString(rnd.nextLong() >>> rnd.nextInt(60)));
            if (rnd.nextBoolean()) {
                sb.append('.').append(Integer.toHexString(rnd.nextInt()));
            }
            sb.append('p').append(rnd.nextInt(200) - 100);
            return sb.toString();
        }
        int digits = 1 + rnd.nextInt(25);
        int point = rnd.nextInt(digits + 1);
        for (int i = 0; i < digits; i++) {
            if (i == point) {
                sb.append('.');
            }
            sb.append((char) ('0' + rnd.nextInt(10)));
        }
        int kind = rnd.nextInt(10);
        if (kind < 4) {
            sb.append('e').append(rnd.nextInt(81) - 40);
        } else if (kind == 4) {
            sb.append('E').append(rnd.nextInt(1000) + 300);
        } else if (kind == 5) {
            sb.append("e-").append(rnd.nextInt(5000) + 300);
        }
        return sb.toString();
    }

    private static String key(Random rnd) {
        return pick(rnd, KEYS);
    }

    private static String value(Random rnd) {
        return rnd.nextInt(4) == 0 ? Integer.toString(rnd.nextInt(2000) - 1000) : pick(rnd, VALUES);
    }

    private static String index(Random rnd) {
        return rnd.nextInt(5) == 0 ? pick(rnd, INTS) : Integer.toString(rnd.nextInt(30) - 15);
    }

    private static String[] randomCommand(Random rnd) {
        List<String> a = new ArrayList<>();
        switch (rnd.nextInt(24)) {
            case 0, 1 -> {
                a.add("SET");
                a.add(key(rnd));
                a.add(value(rnd));
                int opts = rnd.nextInt(4);
                for (int i = 0; i < opts; i++) {
                    switch (rnd.nextInt(11)) {
                        case 0 -> a.add("NX");
                        case 1 -> a.add("xx");
                        case 2 -> a.add("GET");
                        case 3 -> a.add("KEEPTTL");
                        case 4 -> {
                            a.add("EX");
                            a.add(pick(rnd, EXPIRES));
                        }
                        case 5 -> {
                            a.add("px");
                            a.add(pick(rnd, EXPIRES));
                        }
                        case 6 -> {
                            a.add("EXAT");
                            a.add(pick(rnd, ABS_EXPIRES));
                        }
                        case 7 -> {
                            a.add("PXAT");
                            a.add(pick(rnd, ABS_EXPIRES));
                        }
                        case 8 -> a.add("PERSIST");
                        case 9 -> a.add("EX"); // missing value
                        default -> a.add("BOGUS");
                    }
                }
            }
            case 2 -> {
                a.add("GET");
                a.add(key(rnd));
                if (rnd.nextInt(10) == 0) {
                    a.add(key(rnd));
                }
            }
            case 3 -> {
                a.add("SETNX");
                a.add(key(rnd));
                a.add(value(rnd));
            }
            case 4 -> {
                a.add(rnd.nextBoolean() ? "SETEX" : "PSETEX");
                a.add(key(rnd));
                a.add(pick(rnd, EXPIRES));
                a.add(value(rnd));
            }
            case 5 -> {
                a.add("GETSET");
                a.add(key(rnd));
                a.add(value(rnd));
            }
            case 6 -> {
                a.add("GETDEL");
                a.add(key(rnd));
            }
            case 7 -> {
                a.add("GETEX");
                a.add(key(rnd));
                int opts = rnd.nextInt(3);
                for (int i = 0; i < opts; i++) {
                    switch (rnd.nextInt(8)) {
                        case 0 -> {
                            a.add("EX");
                            a.add(pick(rnd, EXPIRES));
                        }
                        case 1 -> {
                            a.add("PX");
                            a.add(pick(rnd, EXPIRES));
                        }
                        case 2 -> {
                            a.add("exat");
                            a.add(pick(rnd, ABS_EXPIRES));
                        }
                        case 3 -> {
                            a.add("PXAT");
                            a.add(pick(rnd, ABS_EXPIRES));
                        }
                        case 4 -> a.add("PERSIST");
                        case 5 -> a.add("KEEPTTL");
                        case 6 -> a.add("NX");
                        default -> a.add("PX");
                    }
                }
            }
            case 8 -> {
                a.add("MGET");
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.add(key(rnd));
                }
            }
            case 9 -> {
                a.add(rnd.nextBoolean() ? "MSET" : "MSETNX");
                int n = rnd.nextInt(6);
                for (int i = 0; i < n; i++) {
                    a.add(i % 2 == 0 ? key(rnd) : value(rnd));
                }
            }
            case 10 -> {
                a.add("APPEND");
                a.add(key(rnd));
                a.add(value(rnd));
            }
            case 11 -> {
                a.add("STRLEN");
                a.add(key(rnd));
            }
            case 12, 13 -> {
                a.add(rnd.nextBoolean() ? "INCR" : "DECR");
                a.add(key(rnd));
            }
            case 14, 15 -> {
                a.add(rnd.nextBoolean() ? "INCRBY" : "DECRBY");
                a.add(key(rnd));
                a.add(rnd.nextInt(3) == 0 ? pick(rnd, INTS) : Integer.toString(rnd.nextInt(200) - 100));
            }
            case 16, 17 -> {
                a.add("INCRBYFLOAT");
                a.add(key(rnd));
                a.add(rnd.nextInt(3) == 0 ? pick(rnd, FLOATS)
                        : Double.toString(Math.round((rnd.nextDouble() * 200 - 100) * 1000) / 1000.0));
            }
            case 18 -> {
                a.add(rnd.nextBoolean() ? "GETRANGE" : "SUBSTR");
                a.add(key(rnd));
                a.add(index(rnd));
                a.add(index(rnd));
            }
            case 19 -> {
                a.add("SETRANGE");
                a.add(key(rnd));
                a.add(rnd.nextInt(8) == 0 ? pick(rnd, new String[] {"-1", "abc", "536870912",
                    "9223372036854775807"}) : Integer.toString(rnd.nextInt(20)));
                a.add(rnd.nextInt(6) == 0 ? "" : value(rnd));
            }
            case 20, 21 -> {
                a.add("LCS");
                a.add(key(rnd));
                a.add(key(rnd));
                int opts = rnd.nextInt(4);
                for (int i = 0; i < opts; i++) {
                    switch (rnd.nextInt(6)) {
                        case 0 -> a.add("IDX");
                        case 1 -> a.add("LEN");
                        case 2 -> a.add("WITHMATCHLEN");
                        case 3 -> {
                            a.add("MINMATCHLEN");
                            a.add(pick(rnd, new String[] {"0", "1", "2", "3", "-1", "x"}));
                        }
                        case 4 -> a.add("idx");
                        default -> a.add("MINMATCHLEN");
                    }
                }
            }
            case 22 -> {
                // Wrong arities of fixed-arity commands.
                String[] names = {"GET", "SETNX", "SETEX", "PSETEX", "GETSET", "GETDEL", "APPEND", "STRLEN",
                    "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "GETRANGE", "SETRANGE", "SUBSTR", "LCS",
                    "SET", "GETEX", "MGET", "MSET", "MSETNX"};
                a.add(pick(rnd, names));
                int n = rnd.nextInt(2);
                for (int i = 0; i < n; i++) {
                    a.add(key(rnd));
                }
            }
            default -> {
                a.add("DEL");
                a.add(key(rnd));
            }
        }
        return a.toArray(String[]::new);
    }
}
