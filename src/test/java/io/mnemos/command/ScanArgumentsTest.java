package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The SCAN-family arguments shared by SCAN and HSCAN: cursor, COUNT, MATCH, TYPE. */
class ScanArgumentsTest {
    private static final String SYNTAX = "-ERR syntax error\r\n";

    @Test
    void parseCursorWrapsNegativeNumbersLikeStrtoul() {
        assertEquals(-1L, ScanArguments.parseCursor("18446744073709551615".getBytes()));
        assertEquals(-1L, ScanArguments.parseCursor("-1".getBytes()));
        assertEquals(1L, ScanArguments.parseCursor("-18446744073709551615".getBytes()));
        assertEquals(12L, ScanArguments.parseCursor("12".getBytes()));
        assertEquals(0L, ScanArguments.parseCursor("".getBytes()));
        assertThrows(CommandError.class, () -> ScanArguments.parseCursor("-18446744073709551616".getBytes()));
    }

    @Test
    void typeIsAnOptionOfScanOnly() {
        CommandHarness h = new CommandHarness();
        h.exec("HSET", "h", "f", "v");
        assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nh\r\n", h.exec("SCAN", "0", "TYPE", "hash"));
        assertEquals(SYNTAX, h.exec("HSCAN", "h", "0", "TYPE", "hash"));
    }

    @Test
    void hscanOfAMissingKeyIsEmptyWhateverTheOptions() {
        CommandHarness h = new CommandHarness();
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.exec("HSCAN", "nokey", "0", "BOGUS"));
        assertEquals("-ERR invalid cursor\r\n", h.exec("HSCAN", "nokey", "x"));
    }

    @Test
    void theLastCountAndMatchWin() {
        CommandHarness h = new CommandHarness();
        h.exec("HSET", "h", "a", "1", "b", "2");
        assertEquals("*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n",
                h.exec("HSCAN", "h", "0", "MATCH", "a", "COUNT", "1", "MATCH", "b", "COUNT", "5"));
    }

    @Test
    void aCountWhoseTenfoldOverflowsStillWalksTheWholeTableInOneCall() {
        // Redis computes count*10 in a C long and tests maxiterations-- for non-zero: the wrapped,
        // negative budget never runs out, so one call returns everything with cursor 0.
        CommandHarness h = new CommandHarness();
        String huge = "9223372036854775807";
        for (int i = 0; i < 300; i++) {
            h.exec("SET", "k" + i, "v");
            h.exec("HSET", "h", "f" + i, "v");
            h.exec("SADD", "s", "m" + i);
            h.exec("ZADD", "z", Integer.toString(i), "m" + i);
        }
        for (String[] scan : new String[][]{{"SCAN", "0"}, {"HSCAN", "h", "0"}, {"SSCAN", "s", "0"}, {"ZSCAN", "z", "0"}}) {
            for (String count : new String[]{huge, "922337203685477581"}) {
                String[] request = java.util.Arrays.copyOf(scan, scan.length + 2);
                request[scan.length] = "COUNT";
                request[scan.length + 1] = count;
                String reply = h.exec(request);
                int elements = switch (scan[0]) {
                    case "SCAN" -> 303; // k0..k299, h, s, z
                    case "SSCAN" -> 300;
                    default -> 600; // field and value, member and score
                };
                assertTrue(reply.startsWith("*2\r\n$1\r\n0\r\n*" + elements + "\r\n"),
                        String.join(" ", request) + " -> " + reply.substring(0, Math.min(40, reply.length())));
            }
        }
    }
}
