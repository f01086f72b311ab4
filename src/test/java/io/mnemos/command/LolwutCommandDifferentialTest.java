package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * LOLWUT against a real redis-server: the plain reply, errors, RESP3's verbatim string, and
 * Schotter (VERSION 5) byte for byte where Redis draws without randomness (the first two rows of
 * squares). Where rand() is involved (deeper Schotter rows, the VERSION 6 skyline) the art differs
 * on every call, on Redis too: there the shape of the reply (lines, their widths, the caption) is
 * compared.
 */
class LolwutCommandDifferentialTest {
    private static final String[][] EXACT = {
            {"LOLWUT"}, {"lolwut", "foo", "bar"}, {"LOLWUT", "VERSION"}, {"LOLWUT", "VERSION", "x"},
            {"LOLWUT", "VERSION", "7"}, {"LOLWUT", "VERSION", "-1"}, {"LOLWUT", "VERSION", "5", "x"},
            {"LOLWUT", "VERSION", "5", "10", "2", "2"}, {"LOLWUT", "VERSION", "5", "66", "8", "2", "ignored"},
            {"LOLWUT", "VERSION", "5", "1", "1", "1"}, {"LOLWUT", "VERSION", "5", "2", "3", "1"},
            {"LOLWUT", "VERSION", "5", "-5", "0", "0"}, {"LOLWUT", "VERSION", "5", "33", "3", "2"},
            {"LOLWUT", "VERSION", "4.9"}, {"LOLWUT", "VERSION", "6", "1", "x"}, {"COMMAND", "INFO", "lolwut"},
            {"COMMAND", "DOCS", "lolwut"},
    };

    /**
     * The number of lines, each line's width in cells (characters; colored cells of VERSION 6) and
     * the caption: what randomness leaves alone. The bulk length (first line) varies with the colors.
     */
    private static String shape(String reply) {
        String[] lines = reply.split("\n");
        StringBuilder sb = new StringBuilder(lines.length + " lines:");
        for (int i = 1; i < lines.length - 2; i++) {
            int cells = lines[i].split("\u001b\\[0m", -1).length - 1;
            sb.append(' ').append(cells > 0 ? cells : lines[i].length());
        }
        return sb.append('\n').append(lines[lines.length - 2]).append('\n').append(lines[lines.length - 1]).toString();
    }

    @Test
    void repliesMatchRedisAndTheArtHasItsShape() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (String[] request : EXACT) {
                assertEquals(real.call(request), ours.call(request), String.join(" ", request));
            }
            for (String[] request : new String[][]{{"LOLWUT", "VERSION", "5"}, {"LOLWUT", "VERSION", "6"},
                    {"LOLWUT", "VERSION", "6", "33", "7"}, {"LOLWUT", "VERSION", "5", "40", "5", "9"}}) {
                assertEquals(shape(real.call(request)), shape(ours.call(request)), String.join(" ", request));
            }
            String a = ours.call("LOLWUT", "VERSION", "6");
            assertNotEquals(a, ours.call("LOLWUT", "VERSION", "6"), "a new skyline each time, as Redis draws");
            real.call("HELLO", "3");
            ours.call("HELLO", "3");
            String verbatim = ours.call("LOLWUT");
            assertEquals(real.call("LOLWUT"), verbatim);
            assertTrue(verbatim.startsWith("=22\r\ntxt:Redis ver. 7.0.15\n"), verbatim);
        }
    }
}
