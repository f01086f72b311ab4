package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MONITOR as Redis 7.0.15: which commands a monitor sees (after they ran, with the database they
 * left the client in), which it does not (ADMIN commands, rejected commands, queued commands until
 * EXEC, a blocked command when it is served), redaction, and what a monitor may still do itself.
 */
class MonitorCommandsTest {
    private static final Pattern LINE = Pattern.compile("\\+\\d+\\.\\d{6} \\[(\\d+) ([^\\]]*)\\] (.*)\r\n");

    private final CommandHarness h = new CommandHarness();
    private final Client monitor = h.connect();

    /** The monitor's output with the timestamps and (empty, no socket) addresses taken out. */
    private String seen() {
        String out = h.output(monitor);
        StringBuilder sb = new StringBuilder();
        Matcher m = LINE.matcher(out);
        int at = 0;
        while (m.find()) {
            assertEquals(at, m.start(), "unexpected bytes in " + out);
            sb.append('[').append(m.group(1)).append("] ").append(m.group(3)).append('\n');
            at = m.end();
        }
        assertEquals(out.length(), at, "unexpected bytes in " + out);
        return sb.toString();
    }

    @Test
    void monitorSeesEveryCommandAfterItRan() {
        assertEquals("+OK\r\n", h.exec(monitor, "MONITOR"));
        h.exec("SET", "k", "v w");
        h.exec("SELECT", "2");
        h.exec("GET", "k");
        assertEquals("[0] \"SET\" \"k\" \"v w\"\n[2] \"SELECT\" \"2\"\n[2] \"GET\" \"k\"\n", seen());
        assertTrue(h.exec("CLIENT", "LIST").contains("flags=O db=0"));
    }

    @Test
    void adminAndRejectedCommandsAreNotShown() {
        h.exec(monitor, "MONITOR");
        h.exec("CONFIG", "GET", "port");
        h.exec("CLIENT", "LIST");
        h.exec("SLOWLOG", "GET");
        h.exec("NOSUCH", "x");
        h.exec("GET");
        h.exec("CLIENT", "SETNAME", "n");
        h.exec("INCR", "k", "x");
        assertEquals("[0] \"CLIENT\" \"SETNAME\" \"n\"\n", seen());
        h.exec("SET", "s", "x");
        h.exec("INCR", "s");
        assertEquals("[0] \"SET\" \"s\" \"x\"\n[0] \"INCR\" \"s\"\n", seen());
    }

    @Test
    void credentialsAreRedacted() {
        h.exec(monitor, "MONITOR");
        h.exec("AUTH", "secret");
        h.exec("AUTH", "user", "secret");
        h.exec("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "x");
        assertEquals("[0] \"AUTH\" \"(redacted)\"\n[0] \"AUTH\" \"(redacted)\" \"(redacted)\"\n"
                + "[0] \"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"x\"\n", seen());
    }

    @Test
    void transactionsShowTheirCommandsAtExec() {
        h.exec(monitor, "MONITOR");
        h.exec("MULTI");
        h.exec("INCR", "n");
        assertEquals("[0] \"MULTI\"\n", seen());
        h.exec("EXEC");
        assertEquals("[0] \"INCR\" \"n\"\n[0] \"EXEC\"\n", seen());
        h.exec("MULTI");
        h.exec("INCR", "n");
        h.exec("GET");
        h.exec("EXEC");
        assertEquals("[0] \"MULTI\"\n[0] \"EXEC\"\n", seen());
    }

    @Test
    void blockedCommandsAreShownOnceWhenTheyBlock() {
        h.exec(monitor, "MONITOR");
        Client waiter = h.connect();
        h.exec(waiter, "BLPOP", "q", "0");
        assertEquals("[0] \"BLPOP\" \"q\" \"0\"\n", seen());
        h.exec("RPUSH", "q", "x");
        assertEquals("[0] \"RPUSH\" \"q\" \"x\"\n", seen());
        assertEquals("*2\r\n$1\r\nq\r\n$1\r\nx\r\n", h.output(waiter));
    }

    @Test
    void aMonitorMayPingButNotTouchTheKeyspace() {
        h.exec(monitor, "MONITOR");
        assertEquals("", h.exec(monitor, "MONITOR"));
        assertEquals("-ERR Replica can't interact with the keyspace\r\n", h.exec(monitor, "GET", "k"));
        assertEquals("-ERR Replica can't interact with the keyspace\r\n", h.exec(monitor, "SET", "k", "v"));
        String pong = h.exec(monitor, "PING");
        assertTrue(pong.startsWith("+PONG\r\n+"), pong);
        assertTrue(pong.endsWith("\"PING\"\r\n"), pong);
        String reset = h.exec(monitor, "RESET");
        assertEquals("+RESET\r\n", reset);
        assertEquals("$-1\r\n", h.exec(monitor, "GET", "k"));
        h.exec("PING");
        assertEquals("", h.output(monitor));
        assertFalse(h.exec("CLIENT", "LIST").contains("flags=O"));
    }

    @Test
    void monitorInsideExecIsRefused() {
        h.exec(monitor, "MULTI");
        h.exec(monitor, "MONITOR");
        assertEquals("*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n", h.exec(monitor, "EXEC"));
        h.exec("PING");
        assertEquals("", h.output(monitor));
    }

    @Test
    void disconnectedMonitorsAreForgotten() {
        h.exec(monitor, "MONITOR");
        h.server().clients().remove(monitor);
        h.server().dispatcher().forget(monitor);
        h.exec("PING");
        assertEquals("", h.output(monitor));
        assertEquals(0, h.server().monitors().count());
    }
}
