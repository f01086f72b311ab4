package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The MONITOR stream of Mnemos and of a real redis-server for the same commands over raw sockets,
 * compared line for line once the timestamp and the client port are taken out. The monitor's own
 * replies (it may still PING) are compared too.
 */
class MonitorDifferentialTest {
    private static final Pattern TIME = Pattern.compile("^\\+\\d+\\.\\d{6} ", Pattern.MULTILINE);
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:\\d+");

    /** Commands sent, as raw inline or RESP requests, by the client being watched. */
    private static final String[] COMMANDS = {
        "SELECT 1", "SET k v", "NOSUCH bar", "GET", "CONFIG GET port", "AUTH x y", "AUTH onlypw",
        "HELLO 3 AUTH default pw", "HELLO 2 SETNAME nm", "HELLO 2", "MULTI", "INCR n", "GET", "EXEC", "MULTI",
        "INCR n", "EXEC", "SET \"a b\" \"c\\x01\\\"d\\\\e\\n\\t\\r\\a\\b\\x7f\\xff\"", "INCR i", "SET n 12",
        "BLPOP q 0.01", "CLIENT LIST", "CLIENT SETNAME x", "PING", "ECHO \u00e9", "SLOWLOG GET", "INFO server",
        "SELECT 0", "SUBSCRIBE ch", "PING", "UNSUBSCRIBE", "SET k 1 GET", "WATCH k", "UNWATCH", "MULTI",
        "DISCARD", "OBJECT ENCODING k", "COMMAND COUNT", "BZPOPMIN z 0.01",
        "EVAL \"redis.call('set','a','1'); return redis.call('get','a')\" 0", "EVAL \"return 1\" x",
        "EVALSHA 0000000000000000000000000000000000000000 0", "RESET", "QUIT",
    };

    private static String normalize(String s) {
        return PORT.matcher(TIME.matcher(s).replaceAll("+T ")).replaceAll("ADDR");
    }

    private static List<String> play(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RespConnection monitor = new RespConnection("127.0.0.1", port);
             RespConnection client = new RespConnection("127.0.0.1", port);
             RespConnection other = new RespConnection("127.0.0.1", port)) {
            client.call("FLUSHALL");
            assertEquals("+OK\r\n", monitor.call("MONITOR"));
            for (String cmd : COMMANDS) {
                client.sendRaw((cmd + "\r\n").getBytes(StandardCharsets.UTF_8));
                client.readReply();
            }
            // A blocked client served by another: shown when it blocks, not when served.
            try (RespConnection waiter = new RespConnection("127.0.0.1", port)) {
                waiter.sendRaw("BLPOP q2 0\r\n".getBytes(StandardCharsets.UTF_8));
                long deadline = System.currentTimeMillis() + 5000;
                while (!other.call("CLIENT", "LIST").contains("flags=b")) { // ADMIN: not monitored
                    assertTrue(System.currentTimeMillis() < deadline);
                    Thread.sleep(5);
                }
                other.call("RPUSH", "q2", "x");
                seen.add("waiter " + waiter.readReply());
            }
            other.call("ECHO", "end");
            drain(monitor, seen, "end");
            // What the monitor itself may do: PING is answered, then shown; keyspace commands are refused.
            seen.add("monitor " + monitor.call("PING"));
            seen.add(normalize(monitor.readReply()));
            seen.add("monitor " + monitor.call("GET", "k"));
            seen.add("monitor " + monitor.call("MONITOR", "x"));
            monitor.sendRaw("MONITOR\r\n".getBytes(StandardCharsets.UTF_8)); // no reply at all
            other.call("ECHO", "end2");
            drain(monitor, seen, "end2");
            seen.add("monitor " + monitor.call("RESET"));
            seen.add("monitor " + monitor.call("GET", "k"));
        }
        return seen;
    }

    private static void drain(RespConnection monitor, List<String> seen, String marker) throws IOException {
        while (true) {
            String line = monitor.readReply();
            seen.add(normalize(line));
            if (line.contains("\"ECHO\" \"" + marker + "\"")) {
                return;
            }
        }
    }

    @Test
    void monitorStreamIsRealRedisStream() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start(); RunningServer mnemos = RunningServer.start()) {
            String expected = String.join("", play(redis.port()));
            String actual = String.join("", play(mnemos.port()));
            assertEquals(expected, actual);
            assertTrue(expected.contains("\"AUTH\" \"(redacted)\" \"(redacted)\""), expected);
        }
    }
}
