package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A seeded random sequence of sorted set commands (with every option, bad arguments and string
 * keys) replayed on Mnemos and a real redis-server (switching between RESP2 and RESP3 with HELLO); replies must be
 * byte-identical (ZRANDMEMBER compared by shape, ZSCAN of skiplists sorted). The listpack limits
 * are lowered so that conversions happen often; OBJECT ENCODING is compared too.
 */
class SortedSetCommandsDifferentialTest {
    private static final int STEPS = 3000;
    private static final String[] KEYS = {"z1", "z2", "z3", "str", "set", "missing"};
    private static final String[] MEMBERS = {"a", "b", "c", "d", "e", "1", "", "x".repeat(20)};
    private static final String[] SCORES = {"1", "2", "3", "-1", "0", "1.5", "0.1", "-2.5", "inf", "-inf", "+inf",
        "10", "1e3", "abc", "nan", "", " 1", "1e400", "1e-400", "007", "1e17", "-0.0", "4611686018427388928"};
    private static final String[] MINMAX = {"-inf", "+inf", "inf", "0", "1", "2", "(1", "(2", "1.5", "(inf", "x",
        "(", "", " 2", "2 ", "-1", "3", "(-inf"};
    private static final String[] LEX = {"-", "+", "[a", "(a", "[c", "(c", "[", "(", "a", "[1", "(e", "+x", "[z"};
    /** Lex ranges are only defined when all scores are equal: they go to this key, whose scores are all 0. */
    private static final String LEX_KEY = "lex";
    private static final String[] INTS = {"0", "1", "-1", "2", "-2", "5", "100", "-100", "x", "9223372036854775807"};

    @Test
    void randomSortedSetCommandSequenceMatchesRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start("--zset-max-listpack-entries", "4", "--zset-max-listpack-value", "10",
                     "--enable-debug-command", "local");
             RunningServer mnemos = RunningServer.start("--zset-max-listpack-entries", "4", "--zset-max-listpack-value", "10");
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (RespConnection conn : List.of(real, ours)) {
                conn.call("SET", "str", "value");
                conn.call("SADD", "set", "a", "b", "1");
            }
            Random rnd = new Random(Long.getLong("zsets.seed", 8409L));
            ArrayDeque<String> recent = new ArrayDeque<>();
            for (int step = 0; step < STEPS; step++) {
                if (step % 500 == 250) {
                    String proto = (step / 500) % 2 == 0 ? "3" : "2";
                    real.call("HELLO", proto);
                    ours.call("HELLO", proto);
                }
                String[] cmd = randomCommand(rnd);
                String expected = real.call(cmd);
                String actual = ours.call(cmd);
                if (cmd[0].equals("ZRANDMEMBER") && !expected.startsWith("-")) {
                    expected = SetsDifferentialSupport.shape(expected);
                    actual = SetsDifferentialSupport.shape(actual);
                } else if (cmd[0].equals("ZSCAN")) {
                    expected = SetsDifferentialSupport.sortedItems(expected, 4, 2);
                    actual = SetsDifferentialSupport.sortedItems(actual, 4, 2);
                }
                String shown = String.join(" ", cmd);
                assertEquals(expected, actual, "step " + step + ": " + shown + "\nafter:\n" + String.join("\n", recent));
                for (String key : KEYS) {
                    assertEquals(real.call("OBJECT", "ENCODING", key), ours.call("OBJECT", "ENCODING", key),
                            "encoding of " + key + " after step " + step + ": " + shown);
                }
                recent.addLast(shown + " -> " + expected.replace("\r\n", " "));
                if (recent.size() > 30) {
                    recent.removeFirst();
                }
                if (step % 500 == 499) {
                    assertEquals(real.call("DEBUG", "DIGEST"), ours.call("DEBUG", "DIGEST"), "dataset after step " + step);
                }
            }
        }
    }

    /**
     * AGGREGATE MIN/MAX compare like C: a NaN product (a 0 score times an infinite weight) loses
     * every comparison and leaves the score so far, and between 0 and -0 the first one stays.
     */
    @Test
    void minAndMaxAggregatesKeepTheScoreSoFarOnNanAndSignedZero() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("ZADD", "z", "0", "b", "1", "c", "-1", "d");
            run.send("ZADD", "neg", "-1", "b", "-1", "c");
            for (String aggregate : new String[] {"MAX", "MIN", "SUM"}) {
                run.send("ZINTERSTORE", "out", "3", "z", "z", "z", "WEIGHTS", "1.5", "inf", "2", "AGGREGATE", aggregate);
                run.send("ZRANGE", "out", "0", "-1", "WITHSCORES");
                run.send("ZINTER", "2", "z", "z", "WEIGHTS", "-inf", "1", "AGGREGATE", aggregate, "WITHSCORES");
                run.send("ZINTER", "2", "z", "neg", "WEIGHTS", "1", "0", "AGGREGATE", aggregate, "WITHSCORES");
                run.send("ZINTER", "2", "neg", "z", "WEIGHTS", "0", "1", "AGGREGATE", aggregate, "WITHSCORES");
                run.send("ZUNION", "2", "z", "neg", "WEIGHTS", "inf", "0", "AGGREGATE", aggregate, "WITHSCORES");
                run.send("ZUNIONSTORE", "out", "2", "neg", "z", "WEIGHTS", "0", "inf", "AGGREGATE", aggregate);
                run.send("ZRANGE", "out", "0", "-1", "WITHSCORES");
            }
            run.assertSameDataset();
        }
    }

    /**
     * ZRANGESTORE by score or lex starts its destination as a listpack, where an integral score is an
     * integer: a -0 score becomes 0 even once the set outgrows the listpack. By rank the count is
     * known, a big destination is a skiplist from the start and keeps -0.
     */
    @Test
    void zrangestoreByScoreOrLexStoresANegativeZeroAsZero() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--zset-max-listpack-entries", "8")) {
            run.send("ZADD", "src", "0", "a", "0", "b", "0", "c", "0", "d", "2", "e", "10", "f", "-1", "g", "3", "h",
                    "5", "i", "20", "j");
            run.send("ZINTERSTORE", "negated", "1", "src", "WEIGHTS", "-1");
            run.send("ZRANGE", "negated", "0", "-1", "WITHSCORES");
            for (String[] range : new String[][] {{"-20", "12", "BYSCORE"}, {"0", "-1"}, {"[0", "[zz", "BYLEX"},
                    {"12", "-20", "BYSCORE", "REV"}, {"-20", "12", "BYSCORE", "LIMIT", "0", "4"}}) {
                List<String> cmd = new ArrayList<>(List.of("ZRANGESTORE", "dst", "negated"));
                cmd.addAll(List.of(range));
                run.send(cmd.toArray(String[]::new));
                run.send("ZRANGE", "dst", "0", "-1", "WITHSCORES");
                run.send("OBJECT", "ENCODING", "dst");
            }
            run.assertSameDataset();
        }
    }

    private static String pick(Random rnd, String[] a) {
        return a[rnd.nextInt(a.length)];
    }

    private static void maybe(Random rnd, List<String> args, String... words) {
        if (rnd.nextInt(3) == 0) {
            args.addAll(List.of(words));
        }
    }

    private static String[] setOp(Random rnd, String name, boolean store, boolean weights, boolean withscores,
                                  boolean limit) {
        List<String> args = new ArrayList<>(List.of(name));
        if (store) {
            args.add(pick(rnd, KEYS));
        }
        int n = 1 + rnd.nextInt(3);
        args.add(rnd.nextInt(15) == 0 ? pick(rnd, new String[] {"0", "-1", "x", "9"}) : Integer.toString(n));
        for (int i = 0; i < n; i++) {
            args.add(pick(rnd, KEYS));
        }
        if (weights && rnd.nextInt(3) == 0) {
            args.add("WEIGHTS");
            for (int i = 0; i < n; i++) {
                args.add(pick(rnd, new String[] {"1", "2", "-1", "0.5", "inf", "x"}));
            }
        }
        if (weights && rnd.nextInt(3) == 0) {
            args.add("AGGREGATE");
            args.add(pick(rnd, new String[] {"SUM", "min", "Max", "avg"}));
        }
        if (withscores) {
            maybe(rnd, args, "WITHSCORES");
        }
        if (limit) {
            maybe(rnd, args, "LIMIT", pick(rnd, INTS));
        }
        if (rnd.nextInt(20) == 0) {
            args.add("BOGUS");
        }
        return args.toArray(String[]::new);
    }

    private static String[] randomCommand(Random rnd) {
        String k = pick(rnd, KEYS);
        List<String> args = new ArrayList<>();
        switch (rnd.nextInt(30)) {
            case 0, 1, 2, 3, 4 -> {
                args.addAll(List.of("ZADD", k));
                for (String opt : new String[] {"NX", "XX", "GT", "LT", "CH", "INCR"}) {
                    if (rnd.nextInt(6) == 0) {
                        args.add(opt);
                    }
                }
                int n = rnd.nextInt(8) == 0 ? 2 + rnd.nextInt(5) : 1 + rnd.nextInt(3);
                for (int i = 0; i < n; i++) {
                    args.add(pick(rnd, SCORES));
                    args.add(pick(rnd, MEMBERS));
                }
                if (rnd.nextInt(15) == 0) {
                    args.remove(args.size() - 1);
                }
            }
            case 5 -> args.addAll(List.of("ZINCRBY", k, pick(rnd, SCORES), pick(rnd, MEMBERS)));
            case 6 -> {
                args.addAll(List.of("ZREM", k, pick(rnd, MEMBERS)));
                maybe(rnd, args, pick(rnd, MEMBERS));
            }
            case 7 -> args.addAll(List.of("ZCARD", k));
            case 8 -> args.addAll(List.of("ZSCORE", k, pick(rnd, MEMBERS)));
            case 9 -> args.addAll(List.of("ZMSCORE", k, pick(rnd, MEMBERS), pick(rnd, MEMBERS)));
            case 10 -> args.addAll(List.of(rnd.nextBoolean() ? "ZRANK" : "ZREVRANK", k, pick(rnd, MEMBERS)));
            case 11 -> args.addAll(List.of("ZCOUNT", k, pick(rnd, MINMAX), pick(rnd, MINMAX)));
            case 12 -> args.addAll(rnd.nextBoolean() ? List.of("ZLEXCOUNT", LEX_KEY, pick(rnd, LEX), pick(rnd, LEX))
                    : List.of("ZADD", LEX_KEY, "0", pick(rnd, MEMBERS)));
            case 13, 14 -> {
                boolean store = rnd.nextInt(4) == 0;
                args.add(store ? "ZRANGESTORE" : "ZRANGE");
                if (store) {
                    args.add(pick(rnd, KEYS));
                }
                int type = rnd.nextInt(3);
                args.add(type == 2 ? LEX_KEY : k);
                String[] pool = type == 0 ? INTS : type == 1 ? MINMAX : LEX;
                args.add(pick(rnd, pool));
                args.add(pick(rnd, pool));
                if (type == 1 || rnd.nextInt(10) == 0) {
                    args.add("BYSCORE");
                }
                if (type == 2 || rnd.nextInt(10) == 0) {
                    args.add("BYLEX");
                }
                maybe(rnd, args, "REV");
                maybe(rnd, args, "LIMIT", pick(rnd, INTS), pick(rnd, INTS));
                maybe(rnd, args, "WITHSCORES");
            }
            case 15 -> {
                args.addAll(List.of(rnd.nextBoolean() ? "ZRANGEBYSCORE" : "ZREVRANGEBYSCORE", k,
                        pick(rnd, MINMAX), pick(rnd, MINMAX)));
                maybe(rnd, args, "WITHSCORES");
                maybe(rnd, args, "LIMIT", pick(rnd, INTS), pick(rnd, INTS));
                maybe(rnd, args, "REV");
            }
            case 16 -> {
                args.addAll(List.of(rnd.nextBoolean() ? "ZRANGEBYLEX" : "ZREVRANGEBYLEX", LEX_KEY, pick(rnd, LEX),
                        pick(rnd, LEX)));
                maybe(rnd, args, "LIMIT", pick(rnd, INTS), pick(rnd, INTS));
                maybe(rnd, args, "WITHSCORES");
            }
            case 17 -> {
                args.addAll(List.of("ZREVRANGE", k, pick(rnd, INTS), pick(rnd, INTS)));
                maybe(rnd, args, "WITHSCORES");
            }
            case 18 -> {
                int type = rnd.nextInt(3);
                String name = type == 0 ? "ZREMRANGEBYRANK" : type == 1 ? "ZREMRANGEBYSCORE" : "ZREMRANGEBYLEX";
                String[] pool = type == 0 ? INTS : type == 1 ? MINMAX : LEX;
                args.addAll(List.of(name, type == 2 ? LEX_KEY : k, pick(rnd, pool), pick(rnd, pool)));
            }
            case 19 -> {
                args.addAll(List.of(rnd.nextBoolean() ? "ZPOPMIN" : "ZPOPMAX", k));
                maybe(rnd, args, pick(rnd, new String[] {"0", "1", "2", "10", "-1", "x"}));
                if (rnd.nextInt(15) == 0) {
                    args.add("1");
                }
            }
            case 20 -> {
                args.add("ZMPOP");
                int n = 1 + rnd.nextInt(2);
                args.add(rnd.nextInt(10) == 0 ? pick(rnd, new String[] {"0", "5", "x"}) : Integer.toString(n));
                for (int i = 0; i < n; i++) {
                    args.add(pick(rnd, KEYS));
                }
                args.add(pick(rnd, new String[] {"MIN", "max", "MID"}));
                maybe(rnd, args, "COUNT", pick(rnd, new String[] {"1", "2", "10", "0", "-1"}));
            }
            case 21 -> {
                args.addAll(List.of("ZRANDMEMBER", k));
                if (rnd.nextBoolean()) {
                    args.add(pick(rnd, new String[] {"0", "1", "3", "10", "-3", "-1", "x",
                        "-9223372036854775808", "9223372036854775807"}));
                    maybe(rnd, args, pick(rnd, new String[] {"WITHSCORES", "withscores", "foo"}));
                }
                if (args.contains("9223372036854775807") && !args.contains("WITHSCORES")
                        && !args.contains("withscores")) {
                    args.set(2, "10");
                }
            }
            case 22 -> {
                return setOp(rnd, pick(rnd, new String[] {"ZUNION", "ZINTER"}), false, true, true, false);
            }
            case 23 -> {
                return setOp(rnd, "ZDIFF", false, false, true, false);
            }
            case 24 -> {
                return setOp(rnd, pick(rnd, new String[] {"ZUNIONSTORE", "ZINTERSTORE"}), true, true, false, false);
            }
            case 25 -> {
                return setOp(rnd, "ZDIFFSTORE", true, false, false, false);
            }
            case 26 -> {
                return setOp(rnd, "ZINTERCARD", false, false, false, true);
            }
            case 27 -> {
                args.addAll(List.of("ZSCAN", k, rnd.nextInt(5) == 0 ? "x" : "0"));
                maybe(rnd, args, "MATCH", pick(rnd, new String[] {"*", "a*", "?", "[a-c]"}));
                args.addAll(List.of("COUNT", rnd.nextInt(8) == 0 ? "0" : "1000"));
            }
            default -> args.addAll(List.of("TYPE", k));
        }
        return args.toArray(String[]::new);
    }
}
