package io.mnemos.testing;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real redis-server and a Mnemos server started with the same flags, and one connection to each: the
 * body of every differential test. {@link #send} sends one command to both and checks the replies (byte
 * for byte unless a {@link ReplyCheck} says otherwise); the failure message names the step and the last
 * commands with Redis's replies.
 *
 * <pre>
 * try (DifferentialRun run = DifferentialRun.start("--hash-max-listpack-entries", "8")) {
 *     run.both("SET", "s", "string");
 *     for (int step = 0; step &lt; 3000; step++) {
 *         run.send(randomCommand(rnd));
 *     }
 * }</pre>
 *
 * <p>{@link #start} skips the test (an assumption) where redis-server is not on the PATH.
 */
public final class DifferentialRun implements AutoCloseable {
    /** Compares the two replies of one command; {@code context} is the failure message to use. */
    @FunctionalInterface
    public interface ReplyCheck {
        void check(String[] cmd, String expected, String actual, String context) throws IOException;

        /** Byte-for-byte equality. */
        ReplyCheck EXACT = (cmd, expected, actual, context) -> assertEquals(expected, actual, context);

        /** Equality after both replies are rewritten by {@code normalizer(cmd, reply)}. */
        static ReplyCheck normalized(BiFunction<String[], String, String> normalizer) {
            return (cmd, expected, actual, context) ->
                    assertEquals(normalizer.apply(cmd, expected), normalizer.apply(cmd, actual), context);
        }
    }

    private final RealRedis redis;
    private final RunningServer mnemos;
    private final RespConnection real;
    private final RespConnection ours;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private int historyLimit = 30;
    private int step;
    private ReplyCheck check = ReplyCheck.EXACT;

    private DifferentialRun(RealRedis redis, RunningServer mnemos) throws IOException {
        this.redis = redis;
        this.mnemos = mnemos;
        this.real = new RespConnection("127.0.0.1", redis.port());
        this.ours = new RespConnection(mnemos.host(), mnemos.port());
    }

    /**
     * Starts both servers with the same {@code flags} (and DEBUG allowed from loopback, for
     * {@link #assertSameDataset}); skips the test if redis-server is missing.
     */
    public static DifferentialRun start(String... flags) throws IOException, InterruptedException {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String[] redisFlags = new String[flags.length + 2];
        redisFlags[0] = "--enable-debug-command";
        redisFlags[1] = "local";
        System.arraycopy(flags, 0, redisFlags, 2, flags.length);
        RealRedis redis = RealRedis.start(redisFlags);
        RunningServer mnemos = null;
        try {
            mnemos = RunningServer.start(flags);
            return new DifferentialRun(redis, mnemos);
        } catch (IOException | RuntimeException e) {
            if (mnemos != null) {
                mnemos.close();
            }
            redis.close();
            throw e;
        }
    }

    /** Each script through EVAL (no keys) on fresh servers: the replies must be byte-identical. */
    public static void sameEvalReplies(String... scripts) throws IOException, InterruptedException {
        try (DifferentialRun run = start()) {
            for (String script : scripts) {
                run.send("EVAL", script, "0");
            }
        }
    }

    /** How the replies of {@link #send} are compared (default {@link ReplyCheck#EXACT}). */
    public DifferentialRun check(ReplyCheck check) {
        this.check = Objects.requireNonNull(check);
        return this;
    }

    /** How many past commands failure messages show (default 30). */
    public DifferentialRun historyLimit(int limit) {
        this.historyLimit = limit;
        return this;
    }

    /** Sends {@code cmd} to both servers, checks the replies and returns Mnemos's. */
    public String send(String... cmd) throws IOException {
        String expected = real.call(cmd);
        String actual = ours.call(cmd);
        check.check(cmd, expected, actual, context(cmd));
        note(String.join(" ", cmd) + " -> " + expected.replace("\r\n", " "));
        return actual;
    }

    /**
     * Asserts that both servers hold the same data: every key, value and whether it expires in every
     * database (DEBUG DIGEST, which ignores encodings and iteration order).
     */
    public void assertSameDataset() throws IOException {
        assertEquals(real.call("DEBUG", "DIGEST"), ours.call("DEBUG", "DIGEST"), "dataset digest, " + context());
    }

    /** The expired_keys line of an INFO reply. */
    public static String infoExpiredKeys(String info) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("expired_keys:\\d+").matcher(info);
        return m.find() ? m.group() : "no expired_keys in " + info;
    }

    /** Sends {@code cmd} to both servers without comparing (setup), e.g. filling a key. */
    public void both(String... cmd) throws IOException {
        real.call(cmd);
        ours.call(cmd);
    }

    /** Sends {@code cmd} to both and asserts that the replies are equal once passed through {@code view}. */
    public void assertSame(Function<String, ?> view, String... cmd) throws IOException {
        assertEquals(view.apply(real.call(cmd)), view.apply(ours.call(cmd)), context(cmd));
    }

    /** Adds a line to the history shown on failure (for comparisons made outside {@link #send}). */
    public void note(String line) {
        step++;
        recent.addLast(line);
        while (recent.size() > historyLimit) {
            recent.removeFirst();
        }
    }

    /** Forgets the history and restarts the step count. */
    public void clearHistory() {
        recent.clear();
        step = 0;
    }

    /** The failure message for {@code cmd} at the current step: the step, the command and the history. */
    public String context(String... cmd) {
        return "step " + step + ": " + String.join(" ", cmd) + "\nafter:\n" + String.join("\n", recent);
    }

    public RespConnection real() {
        return real;
    }

    public RespConnection ours() {
        return ours;
    }

    /** A further connection to the real redis-server (for a second client). */
    public RespConnection connectReal() throws IOException {
        return new RespConnection("127.0.0.1", redis.port());
    }

    /** A further connection to Mnemos (for a second client). */
    public RespConnection connectOurs() throws IOException {
        return new RespConnection(mnemos.host(), mnemos.port());
    }

    /** A uniformly chosen element of {@code from}: the building block of random commands. */
    public static String pick(Random rnd, String[] from) {
        return from[rnd.nextInt(from.length)];
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (AutoCloseable c : List.<AutoCloseable>of(real, ours)) {
            try {
                c.close();
            } catch (Exception ignored) {
                // Closing a socket that is already gone: nothing to do.
            }
        }
        mnemos.close();
        redis.close();
    }
}
