package io.mnemos.scripting;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A script running past busy-reply-threshold: other clients get -BUSY, SCRIPT KILL stops a
 * read-only script (its caller gets the kill error, then its pipelined commands run), and a
 * script that wrote cannot be killed and is answered when it ends.
 */
class ScriptBusyOverTcpTest {
    private static final String BUSY =
            "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";

    @Test
    void scriptKillStopsALongReadOnlyScript() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection a = new RespConnection(server.host(), server.port());
             RespConnection b = new RespConnection(server.host(), server.port())) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            String body = "while true do end";
            byte[] eval = RespConnection.encode("EVAL", body, "0");
            byte[] ping = RespConnection.encode("PING");
            byte[] both = new byte[eval.length + ping.length];
            System.arraycopy(eval, 0, both, 0, eval.length);
            System.arraycopy(ping, 0, both, eval.length, ping.length);
            a.sendRaw(both);
            Thread.sleep(400);
            assertEquals(BUSY, b.call("PING"));
            assertEquals(BUSY, b.call("GET", "k"));
            assertEquals(BUSY, b.call("FUNCTION", "KILL"));
            assertEquals(BUSY, b.call("SHUTDOWN"));
            assertEquals("+OK\r\n", b.call("SCRIPT", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: "
                    + LuaEngine.sha1hex(body.getBytes(StandardCharsets.UTF_8)) + ", on @user_script:1.\r\n",
                    a.readReply());
            assertEquals("+PONG\r\n", a.readReply());
            assertEquals("+PONG\r\n", b.call("PING"));
            assertEquals("-NOTBUSY No scripts in execution right now.\r\n", b.call("SCRIPT", "KILL"));
        }
    }

    @Test
    void functionKillStopsALongFunction() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection a = new RespConnection(server.host(), server.port());
             RespConnection b = new RespConnection(server.host(), server.port())) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
            assertEquals("$4\r\nloop\r\n", b.call("FUNCTION", "LOAD", "#!lua name=loop\n"
                    + "redis.register_function{function_name='spin', callback=function() while true do end end,"
                    + " flags={'no-writes'}}"));
            a.sendRaw(RespConnection.encode("FCALL", "spin", "0"));
            Thread.sleep(400);
            String busy = "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
            assertEquals(busy, b.call("PING"));
            assertEquals(busy, b.call("SCRIPT", "KILL"));
            org.junit.jupiter.api.Assertions.assertTrue(b.call("FUNCTION", "STATS").contains("$4\r\nspin\r\n"));
            assertEquals("+OK\r\n", b.call("FUNCTION", "KILL"));
            assertEquals("-ERR Script killed by user with SCRIPT KILL... script: spin, on @user_function:2.\r\n",
                    a.readReply());
            assertEquals("+PONG\r\n", b.call("PING"));
        }
    }

    @Test
    void aScriptThatWroteIsUnkillableAndAnsweredWhenDone() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection a = new RespConnection(server.host(), server.port());
             RespConnection b = new RespConnection(server.host(), server.port())) {
            assertEquals("+OK\r\n", b.call("CONFIG", "SET", "lua-time-limit", "100"));
            String body = "redis.call('set', 'w', '1')\n"
                    + "local start = tonumber(redis.call('time')[1]) * 1000000 + tonumber(redis.call('time')[2])\n"
                    + "while true do\n"
                    + "  local t = redis.call('time')\n"
                    + "  if tonumber(t[1]) * 1000000 + tonumber(t[2]) - start > 700000 then break end\n"
                    + "end\n"
                    + "return redis.call('incr', 'w')";
            a.sendRaw(RespConnection.encode("EVAL", body, "0"));
            Thread.sleep(350);
            assertEquals(BUSY, b.call("GET", "w"));
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. "
                    + "You can either wait the script termination or kill the server in a hard way using the "
                    + "SHUTDOWN NOSAVE command.\r\n", b.call("SCRIPT", "KILL"));
            assertEquals(":2\r\n", a.readReply());
            assertEquals("$1\r\n2\r\n", b.call("GET", "w"));
        }
    }

    @Test
    void shortScriptsStayOnTheFastPath() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection a = new RespConnection(server.host(), server.port())) {
            a.call("SCRIPT", "LOAD", "return redis.call('incr', KEYS[1])");
            String sha = LuaEngine.sha1hex("return redis.call('incr', KEYS[1])".getBytes(StandardCharsets.UTF_8));
            int n = 2000;
            long[] micros = new long[n];
            for (int i = 0; i < n; i++) {
                long start = System.nanoTime();
                a.call("EVALSHA", sha, "1", "c");
                micros[i] = (System.nanoTime() - start) / 1000;
            }
            assertEquals("$4\r\n2000\r\n", a.call("GET", "c"));
            java.util.Arrays.sort(micros);
            // Even the script-thread hand-over costs tens of microseconds, nowhere near the threshold.
            org.junit.jupiter.api.Assertions.assertTrue(micros[n / 2] < 2000, "median EVALSHA " + micros[n / 2] + " us");
            assertEquals(!Scripting.resumableScripts, server.server().scripting().scriptThreadStarted(),
                    "scripts that end before busy-reply-threshold ran on the keyspace thread");
        }
    }
}
