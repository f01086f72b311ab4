package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PFCOUNT over a million distinct elements stays within three standard errors (3 x 0.81%) of the
 * truth at every power of ten, and, when redis-server is installed, is exactly the count real Redis
 * gives for the same elements, with the same value bytes.
 */
class HyperLogLogAccuracyTest {
    private static final int TOTAL = 1_000_000;
    private static final int BATCH = 1000;
    private static final double STANDARD_ERROR = 0.0081;

    private static long count(String reply) {
        assertTrue(reply.startsWith(":"), reply);
        return Long.parseLong(reply.substring(1, reply.length() - 2));
    }

    @Test
    void millionDistinctElementsWithinThreeStandardErrorsAndIdenticalToRedis() throws Exception {
        CommandHarness h = new CommandHarness();
        RealRedis redis = RealRedis.available() ? RealRedis.start() : null;
        try (RespConnection real = redis == null ? null : new RespConnection("127.0.0.1", redis.port())) {
            int added = 0;
            long checkpoint = 10;
            String[] cmd = new String[2 + BATCH];
            cmd[0] = "PFADD";
            cmd[1] = "hll";
            while (added < TOTAL) {
                int n = (int) Math.min(BATCH, checkpoint - added);
                String[] args = n == BATCH ? cmd : new String[2 + n];
                args[0] = "PFADD";
                args[1] = "hll";
                for (int i = 0; i < n; i++) {
                    args[2 + i] = "element:" + (added + i);
                }
                added += n;
                h.exec(args);
                if (real != null) {
                    real.call(args);
                }
                if (added == checkpoint) {
                    long ours = count(h.exec("PFCOUNT", "hll"));
                    double error = Math.abs(ours - (double) checkpoint) / checkpoint;
                    // Below 100 elements the absolute error is what is meaningful.
                    assertTrue(checkpoint < 100 ? Math.abs(ours - checkpoint) <= 1 : error <= 3 * STANDARD_ERROR,
                            "PFCOUNT " + ours + " for " + checkpoint + " elements");
                    if (real != null) {
                        assertEquals(count(real.call("PFCOUNT", "hll")), ours, "Redis's count at " + checkpoint);
                    }
                    checkpoint *= 10;
                }
            }
            if (real != null) {
                byte[] ours = (byte[]) h.server().keyspace().db(0).lookupQuiet("hll".getBytes(StandardCharsets.UTF_8))
                        .value();
                byte[] theirs = real.callBytes("GET", "hll");
                byte[] head = ("$" + ours.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
                assertArrayEquals(head, java.util.Arrays.copyOf(theirs, head.length));
                assertArrayEquals(ours, java.util.Arrays.copyOfRange(theirs, head.length, head.length + ours.length));
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }
}
