package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blocked XREAD / XREADGROUP clients on the manual clock: what wakes them, what leaves them
 * waiting, and that a wait keeps the deadline it started with.
 */
class StreamBlockingTest {
    private static final String NIL_ARRAY = "*-1\r\n";
    private final CommandHarness h = new CommandHarness();

    @Test
    void aWriteThatAddsNothingLeavesTheReaderWaitingUntilItsOwnDeadline() {
        h.exec("XADD", "s", "1-0", "f", "v");
        Client reader = h.connect();
        h.exec(reader, "XREAD", "BLOCK", "100", "STREAMS", "s", "$");
        assertTrue(reader.blocked());
        h.clock().advance(60);
        // XTRIM makes the key ready; the reader runs again, finds nothing past 1-0 and waits on.
        assertEquals(":0\r\n", h.exec("XTRIM", "s", "MAXLEN", "5"));
        h.exec("XDEL", "s", "1-0");
        assertTrue(reader.blocked());
        assertEquals("", h.output(reader));
        h.clock().advance(41);
        h.server().blockedClients().handleTimeouts();
        assertEquals(NIL_ARRAY, h.output(reader));
    }

    @Test
    void aGroupReaderIsServedFromTheGroupsLastDeliveredId() {
        h.exec("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        Client reader = h.connect();
        h.exec(reader, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
        assertTrue(reader.blocked());
        h.exec("XADD", "s", "5-0", "f", "v");
        assertEquals("*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n5-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", h.output(reader));
        assertEquals("*4\r\n:1\r\n$3\r\n5-0\r\n$3\r\n5-0\r\n*1\r\n*2\r\n$1\r\nc\r\n$1\r\n1\r\n",
                h.exec("XPENDING", "s", "g"));
    }
}
