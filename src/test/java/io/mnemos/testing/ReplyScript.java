package io.mnemos.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sequence of commands with the exact raw replies expected, replayable both on a
 * {@link CommandHarness} and on a real redis-server connection, so that every expectation a unit
 * test states is also checked against the reference implementation.
 */
public final class ReplyScript {
    private static final String RESP3 = "\u0000resp3";
    /** One reference redis-server for all scripts of the test run, started on first use. */
    private static RealRedis reference;
    private final List<String[]> steps = new ArrayList<>();

    /** One command and its expected raw reply. */
    public ReplyScript expect(String expected, String... args) {
        String[] step = new String[args.length + 1];
        step[0] = expected;
        System.arraycopy(args, 0, step, 1, args.length);
        steps.add(step);
        return this;
    }

    /** Switches the connection to RESP3 (HELLO 3 on a real server). */
    public ReplyScript resp3() {
        steps.add(new String[]{RESP3});
        return this;
    }

    /** Runs the script on a fresh Mnemos, then on the reference Redis if one is installed. */
    public void verify() throws IOException, InterruptedException {
        runOn(new CommandHarness());
        if (RealRedis.available()) {
            runOn("127.0.0.1", reference().port());
        }
    }

    private static synchronized RealRedis reference() throws IOException, InterruptedException {
        if (reference == null) {
            RealRedis started = RealRedis.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            reference = started;
        }
        return reference;
    }

    public void runOn(CommandHarness h) {
        int n = 0;
        for (String[] step : steps) {
            n++;
            if (step[0].equals(RESP3)) {
                h.client().protocol(3);
                continue;
            }
            String[] args = java.util.Arrays.copyOfRange(step, 1, step.length);
            assertEquals(step[0], h.exec(args), "Mnemos, step " + n + ": " + String.join(" ", args));
        }
    }

    /** Runs on a fresh connection to a real server, after FLUSHALL. */
    public void runOn(String host, int port) throws IOException {
        try (RespConnection conn = new RespConnection(host, port)) {
            conn.call("FLUSHALL");
            int n = 0;
            for (String[] step : steps) {
                n++;
                if (step[0].equals(RESP3)) {
                    conn.call("HELLO", "3");
                    continue;
                }
                String[] args = java.util.Arrays.copyOfRange(step, 1, step.length);
                assertEquals(step[0], conn.call(args), "real Redis, step " + n + ": " + String.join(" ", args));
            }
        }
    }
}
