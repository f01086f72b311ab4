package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static io.mnemos.testing.DifferentialRun.pick;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Seeded random sequences of generic key commands, run against Mnemos and a real redis-server;
 * every reply must be byte-identical. Only what depends on the clock is compared by class: TTLs and
 * expire times (positive or not), idle times, and the order of KEYS/SCAN results and the pick of
 * RANDOMKEY, which depend on hash-table internals.
 *
 * <p>To keep the sequences deterministic across two servers, relative expire times are large and
 * never compared with GT/LT (two relative times set milliseconds apart would compare differently);
 * GT/LT only use absolute times far from now.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyCommandsDifferentialTest {
    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4", "key:x", "{tag}y", ""};
    private static final String[] VALUES = {"1", "123", "-5", "10000", "hello", "x".repeat(44), "y".repeat(60), "0123"};
    private static final String[] RELATIVE_SECONDS = {"1000", "20000", "300000"};
    private static final String[] ABSOLUTE_SECONDS = {"3000000000", "3500000000", "4000000000"};
    /** Relative times that are already over: the key is deleted at once. */
    private static final String[] PAST_RELATIVE = {"-1", "0", "-100"};
    /** Absolute times in the past (1 is 1970). */
    private static final String[] PAST_ABSOLUTE = {"-1", "0", "1", "1000"};
    private static final String[] PATTERNS = {"*", "k*", "k[0-2]", "k?", "*:*", "\\{tag\\}*", "[^k]*", "nomatch", "K*"};

    private DifferentialRun run;

    @BeforeAll
    void start() throws Exception {
        run = DifferentialRun.start().historyLimit(Integer.MAX_VALUE)
                .check(DifferentialRun.ReplyCheck.normalized(KeyCommandsDifferentialTest::normalize));
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @BeforeEach
    void reset() throws IOException {
        run.clearHistory();
        send("SELECT", "0");
        send("FLUSHALL");
    }

    /** Sends to both servers and returns Mnemos's reply after checking it against Redis's. */
    private String send(String... args) throws IOException {
        return run.send(args);
    }

    /** Replaces time-dependent and order-dependent parts of a reply by their class. */
    private static String normalize(String[] args, String reply) {
        String cmd = args[0].toUpperCase();
        boolean timeDependent = switch (cmd) {
            case "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME" -> true;
            case "OBJECT" -> args.length > 1 && args[1].equalsIgnoreCase("IDLETIME");
            default -> false;
        };
        if (timeDependent && reply.startsWith(":") && !reply.startsWith(":-")) {
            long value = Long.parseLong(reply.substring(1, reply.length() - 2));
            if (cmd.equals("OBJECT")) {
                // Both servers count idle seconds on a coarse clock: a sequence can cross a second.
                return value <= 2 ? ":<recent>" : reply;
            }
            return value > 0 ? ":<positive>" : reply;
        }
        if (cmd.equals("KEYS") && reply.startsWith("*")) {
            return sortedElements(reply);
        }
        if (cmd.equals("RANDOMKEY") && reply.startsWith("$") && !reply.startsWith("$-1")) {
            return "<some key>";
        }
        return reply;
    }

    private static String sortedElements(String reply) {
        String[] lines = reply.split("\r\n", -1);
        TreeSet<String> items = new TreeSet<>();
        for (int i = 2; i < lines.length; i += 2) {
            items.add(lines[i]);
        }
        return lines[0] + " " + items;
    }

    /** A whole SCAN iteration on one connection, returning the sorted distinct keys. */
    private static TreeSet<String> scanAll(RespConnection conn, String... options) throws IOException {
        TreeSet<String> keys = new TreeSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            String[] args = new String[2 + options.length];
            args[0] = "SCAN";
            args[1] = cursor;
            System.arraycopy(options, 0, args, 2, options.length);
            String[] lines = conn.call(args).split("\r\n", -1);
            cursor = lines[2];
            for (int i = 5; i < lines.length; i += 2) {
                keys.add(lines[i]);
            }
        } while (!cursor.equals("0") && ++calls < 10_000);
        return keys;
    }

    private void compareScan(String... options) throws IOException {
        String shown = "<full SCAN " + String.join(" ", options) + ">";
        assertEquals(scanAll(run.real(), options), scanAll(run.ours(), options), run.context(shown));
        run.note(shown);
    }

    private static String cases(Random r, String word) {
        return r.nextBoolean() ? word.toLowerCase() : word;
    }

    private void randomStep(Random r) throws IOException {
        String k = pick(r, KEYS);
        String k2 = pick(r, KEYS);
        switch (r.nextInt(32)) {
            case 0, 1, 2, 3 -> send("SET", k, pick(r, VALUES));
            case 4 -> send("GET", k);
            case 5 -> send(r.nextBoolean() ? "DEL" : "UNLINK", k, k2);
            case 6 -> send("EXISTS", k, k2, k);
            case 7 -> send("TYPE", k);
            case 8 -> {
                // Relative times: never with GT/LT.
                String cmd = r.nextBoolean() ? "EXPIRE" : "PEXPIRE";
                String t = pick(r, RELATIVE_SECONDS) + (cmd.equals("PEXPIRE") ? "000" : "");
                switch (r.nextInt(3)) {
                    case 0 -> send(cmd, k, t);
                    case 1 -> send(cmd, k, t, cases(r, "NX"));
                    default -> send(cmd, k, t, cases(r, "XX"));
                }
            }
            case 9 -> {
                String cmd = r.nextBoolean() ? "EXPIREAT" : "PEXPIREAT";
                String t = pick(r, ABSOLUTE_SECONDS) + (cmd.equals("PEXPIREAT") ? "000" : "");
                List<String> opts = new ArrayList<>();
                for (String o : new String[]{"NX", "XX", "GT", "LT"}) {
                    if (r.nextInt(4) == 0) {
                        opts.add(cases(r, o));
                    }
                }
                List<String> args = new ArrayList<>(List.of(cmd, k, t));
                args.addAll(opts);
                send(args.toArray(String[]::new));
            }
            case 10 -> {
                if (r.nextBoolean()) {
                    send(r.nextBoolean() ? "EXPIRE" : "PEXPIRE", k, pick(r, PAST_RELATIVE));
                } else {
                    send(r.nextBoolean() ? "EXPIREAT" : "PEXPIREAT", k, pick(r, PAST_ABSOLUTE));
                }
            }
            case 11 -> send(pick(r, new String[]{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"}), k);
            case 12 -> send("PERSIST", k);
            case 13 -> send("KEYS", pick(r, PATTERNS));
            case 14 -> compareScan("MATCH", pick(r, PATTERNS), "COUNT", Integer.toString(1 + r.nextInt(5)));
            case 15 -> send("RANDOMKEY");
            case 16 -> send(r.nextBoolean() ? "RENAME" : "RENAMENX", k, k2);
            case 17 -> {
                List<String> args = new ArrayList<>(List.of("COPY", k, k2));
                if (r.nextBoolean()) {
                    args.addAll(List.of("DB", Integer.toString(r.nextInt(3))));
                }
                if (r.nextBoolean()) {
                    args.add(cases(r, "REPLACE"));
                }
                send(args.toArray(String[]::new));
            }
            case 18 -> send("MOVE", k, Integer.toString(r.nextInt(3)));
            case 19 -> send("TOUCH", k, k2);
            case 20 -> send("OBJECT", pick(r, new String[]{"ENCODING", "IDLETIME", "FREQ", "encoding"}), k);
            case 21 -> send("DBSIZE");
            case 22 -> send("SELECT", Integer.toString(r.nextInt(3)));
            case 23 -> send("SWAPDB", Integer.toString(r.nextInt(3)), Integer.toString(r.nextInt(3)));
            case 24 -> {
                if (r.nextInt(8) == 0) {
                    send(r.nextBoolean() ? "FLUSHDB" : "FLUSHALL", pick(r, new String[]{"SYNC", "ASYNC", "sync"}));
                } else {
                    send("DBSIZE");
                }
            }
            case 25 -> compareScan("TYPE", pick(r, new String[]{"string", "STRING", "list", "none"}));
            case 26 -> send("OBJECT", "REFCOUNT", k);
            default -> badCommand(r, k, k2);
        }
    }

    /** Wrong arity, bad numbers, unknown options: the error texts must match exactly. */
    private void badCommand(Random r, String k, String k2) throws IOException {
        String[][] bad = {
                {"DEL"}, {"UNLINK"}, {"EXISTS"}, {"TYPE"}, {"TYPE", k, k2}, {"EXPIRE", k},
                {"EXPIRE", k, "ten"}, {"PEXPIRE", k, "1.5"}, {"EXPIRE", k, "10", "BAD"},
                {"EXPIRE", k, "10", "NX", "XX"}, {"PEXPIREAT", k, "10", "GT", "LT"}, {"EXPIREAT", k, "10", "nx", "lt"},
                {"EXPIRE", k, "9223372036854775807"}, {"PEXPIRE", k, "9223372036854775000"},
                {"TTL"}, {"PTTL", k, k2}, {"EXPIRETIME"}, {"PERSIST"}, {"KEYS"}, {"KEYS", "a", "b"},
                {"SCAN"}, {"SCAN", "abc"}, {"SCAN", " 1"}, {"SCAN", "-"}, {"SCAN", "18446744073709551616"},
                {"SCAN", "0", "COUNT", "0"}, {"SCAN", "0", "COUNT", "-1"}, {"SCAN", "0", "COUNT", "x"},
                {"SCAN", "0", "MATCH"}, {"SCAN", "0", "TYPE"}, {"SCAN", "0", "BOGUS", "1"},
                {"RANDOMKEY", k}, {"RENAME", k}, {"RENAMENX", k, k2, k}, {"COPY", k},
                {"COPY", k, k2, "DB"}, {"COPY", k, k2, "DB", "x"}, {"COPY", k, k2, "DB", "99"},
                {"COPY", k, k2, "DB", "-3"}, {"COPY", k, k2, "DB", "4294967296"}, {"COPY", k, k2, "REPLACE", "X"},
                {"COPY", k, k}, {"MOVE", k}, {"MOVE", k, "x"}, {"MOVE", k, "16"}, {"MOVE", k, "99999999999"},
                {"TOUCH"}, {"OBJECT"}, {"OBJECT", "ENCODING"}, {"OBJECT", "NOPE", k}, {"OBJECT", "HELP"},
                {"OBJECT", "help", "x"}, {"OBJECT", "REFCOUNT", k, k2}, {"DBSIZE", "x"}, {"FLUSHDB", "LATER"},
                {"FLUSHALL", "SYNC", "ASYNC"}, {"SWAPDB", "0"}, {"SWAPDB", "x", "1"}, {"SWAPDB", "0", "y"},
                {"SWAPDB", "0", "16"}, {"SWAPDB", "-1", "0"}, {"SWAPDB", "99999999999", "0"},
        };
        send(bad[r.nextInt(bad.length)]);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 2024, 7_000_015})
    void randomSequencesReplyIdentically(long seed) throws IOException {
        Random r = new Random(seed);
        for (int i = 0; i < 400; i++) {
            randomStep(r);
        }
        for (int db = 0; db < 3; db++) {
            send("SELECT", Integer.toString(db));
            send("KEYS", "*");
            compareScan();
        }
    }

    /**
     * While clients are paused the dataset stays as it is: a key past its time reads as absent but
     * is not deleted (DBSIZE still counts it, expired_keys does not move) until the pause ends.
     */
    @Test
    void keysPastTheirTimeStayWhileClientsArePaused() throws Exception {
        run.both("FLUSHALL");
        run.both("SET", "short", "v", "PX", "30");
        run.both("SET", "kept", "v");
        run.both("CONFIG", "RESETSTAT");
        send("CLIENT", "PAUSE", "5000", "WRITE");
        Thread.sleep(100);
        send("GET", "short");
        send("EXISTS", "short");
        send("TTL", "short");
        send("DBSIZE");
        send("KEYS", "*");
        send("SCAN", "0");
        run.assertSame(DifferentialRun::infoExpiredKeys, "INFO", "stats");
        send("CLIENT", "UNPAUSE");
        send("GET", "short");
        send("DBSIZE");
        run.assertSame(DifferentialRun::infoExpiredKeys, "INFO", "stats");
    }

    @Test
    void everyErrorPathOnce() throws IOException {
        send("SET", "k0", "1");
        Random r = new Random(0);
        for (int i = 0; i < 300; i++) {
            badCommand(r, r.nextBoolean() ? "k0" : "missing", "k1");
        }
    }

    @Test
    void manyKeysScanAndKeysAgree() throws IOException {
        for (int i = 0; i < 300; i++) {
            send("SET", "key:" + i, Integer.toString(i));
        }
        send("DEL", "key:1", "key:2", "key:3");
        send("EXPIRE", "key:10", "-1");
        send("DBSIZE");
        send("KEYS", "key:1*");
        compareScan();
        compareScan("COUNT", "3", "MATCH", "key:2?");
        compareScan("COUNT", "1000");
    }

    @Test
    void objectHelpAndEncodings() throws IOException {
        send("OBJECT", "HELP");
        for (String v : VALUES) {
            send("SET", "k", v);
            send("OBJECT", "ENCODING", "k");
            send("OBJECT", "REFCOUNT", "k");
        }
        send("SET", "big", "9223372036854775807");
        send("OBJECT", "ENCODING", "big");
        send("SET", "big", "9223372036854775808");
        send("OBJECT", "ENCODING", "big");
        send("SET", "big", "-0");
        send("OBJECT", "ENCODING", "big");
        send("OBJECT", "FREQ", "k");
        send("OBJECT", "IDLETIME", "missing");
    }

    @Test
    void cursorEdgeCases() throws IOException {
        send("SET", "a", "1");
        for (String c : Arrays.asList("", "+0", "-0", "00", "+", "0x1", "1e3", "18446744073709551615",
                "-18446744073709551615", "-18446744073709551616", "\t0", "0 ", "+18446744073709551615")) {
            run.note("SCAN '" + c + "'");
            String expected = run.real().call("SCAN", c);
            String actual = run.ours().call("SCAN", c);
            if (expected.startsWith("-")) {
                assertEquals(expected, actual, "cursor '" + c + "'");
            } else {
                // Accepted by both: the next cursor and the bucket visited depend on the table.
                assertEquals("*2\r\n$", actual.substring(0, 5), "cursor '" + c + "' accepted");
            }
        }
    }
}
