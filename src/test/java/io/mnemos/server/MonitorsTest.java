package io.mnemos.server;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The MONITOR line format: replicationFeedMonitors with sdscatrepr quoting. */
class MonitorsTest {
    private static String line(Instant at, int db, String origin, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return new String(Monitors.line(at, db, origin, argv), StandardCharsets.ISO_8859_1);
    }

    @Test
    void timestampHasSixDigitsOfMicroseconds() {
        assertEquals("+1700000000.000042 [0 127.0.0.1:54321] \"set\" \"k\" \"v\"\r\n",
                line(Instant.ofEpochSecond(1_700_000_000L, 42_999), 0, "127.0.0.1:54321", "set", "k", "v"));
        assertEquals("+1700000000.123456 [3 lua] \"PING\"\r\n",
                line(Instant.ofEpochSecond(1_700_000_000L, 123_456_000), 3, "lua", "PING"));
    }

    @Test
    void argumentsAreQuotedAsSdscatrepr() {
        assertEquals("+1.000000 [0 a] \"a b\" \"q\\\"\\\\\\n\\r\\t\\a\\b\" \"\\x00\\x01\\x7f\\xc3\\xa9\" \"\"\r\n",
                line(Instant.ofEpochSecond(1), 0, "a", "a b", "q\"\\\n\r\t\u0007\b", "\u0000\u0001\u007f\u00c3\u00a9", ""));
    }
}
