package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class DebugCommandsTest {
    private final CommandHarness h = new CommandHarness();

    // ---- DEBUG ----

    @Test
    void protocolAnswersOneSampleOfEachResp3TypeAsRedisDoes() {
        h.exec("HELLO", "3");
        assertEquals(",3.141\r\n", h.exec("DEBUG", "PROTOCOL", "double"));
        assertEquals("(1234567999999999999999999999999999999\r\n", h.exec("DEBUG", "PROTOCOL", "bignum"));
        assertEquals("%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n", h.exec("DEBUG", "PROTOCOL", "map"));
        assertEquals("|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n"
                + "$39\r\nSome real reply following the attribute\r\n", h.exec("DEBUG", "PROTOCOL", "attrib"));
        assertEquals(">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n$40\r\nSome real reply following the push reply\r\n",
                h.exec("DEBUG", "PROTOCOL", "push"));
        assertEquals("=29\r\ntxt:This is a verbatim\nstring\r\n", h.exec("DEBUG", "PROTOCOL", "verbatim"));
        assertEquals("-ERR Wrong protocol type name. Please use one of the following: "
                + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n",
                h.exec("DEBUG", "PROTOCOL", "nope"));
        h.exec("HELLO", "2");
        assertEquals("$37\r\n1234567999999999999999999999999999999\r\n", h.exec("DEBUG", "PROTOCOL", "bignum"));
        assertEquals("*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n", h.exec("DEBUG", "PROTOCOL", "map"));
        assertEquals("$39\r\nSome real reply following the attribute\r\n", h.exec("DEBUG", "PROTOCOL", "attrib"));
        assertEquals("-ERR RESP2 is not supported by this command\r\n", h.exec("DEBUG", "PROTOCOL", "push"));
    }

    @Test
    void populateCreatesKeyNValueN() {
        assertEquals("+OK\r\n", h.exec("DEBUG", "POPULATE", "3"));
        assertEquals(3, h.client().db().size());
        assertEquals("$7\r\nvalue:0\r\n", h.exec("GET", "key:0"));
        assertEquals("$7\r\nvalue:2\r\n", h.exec("GET", "key:2"));
    }

    @Test
    void populateUsesThePrefixAndPadsOrCutsToSize() {
        assertEquals("+OK\r\n", h.exec("DEBUG", "POPULATE", "2", "p", "10"));
        assertEquals("$10\r\nvalue:1\0\0\0\r\n", h.exec("GET", "p:1"));
        assertEquals("+OK\r\n", h.exec("debug", "populate", "2", "q", "3"));
        assertEquals("$3\r\nval\r\n", h.exec("GET", "q:0"));
    }

    @Test
    void populateSkipsExistingKeys() {
        h.exec("SET", "key:1", "mine");
        assertEquals("+OK\r\n", h.exec("DEBUG", "POPULATE", "3"));
        assertEquals("$4\r\nmine\r\n", h.exec("GET", "key:1"));
        assertEquals(3, h.client().db().size());
    }

    @Test
    void populateOfZeroKeysIsOk() {
        assertEquals("+OK\r\n", h.exec("DEBUG", "POPULATE", "0"));
        assertEquals(0, h.client().db().size());
    }

    @Test
    void populateRejectsBadCountsAndSizes() {
        String positive = "-ERR value is out of range, must be positive\r\n";
        assertEquals(positive, h.exec("DEBUG", "POPULATE", "-1"));
        assertEquals(positive, h.exec("DEBUG", "POPULATE", "x"));
        assertEquals(positive, h.exec("DEBUG", "POPULATE", "1", "a", "b"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'populate'. Try DEBUG HELP.\r\n",
                h.exec("DEBUG", "populate", "1", "a", "1", "2"));
    }

    @Test
    void objectDescribesAStringValue() {
        h.exec("SET", "s", "bar");
        String reply = h.exec("DEBUG", "OBJECT", "s");
        assertTrue(reply.matches("\\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 "
                + "lru:\\d+ lru_seconds_idle:0\r\n"), reply);
    }

    @Test
    void objectShowsIntegerAndRawEncodings() {
        h.exec("SET", "n", "12345");
        h.exec("SET", "small", "7");
        h.exec("SET", "long", "x".repeat(45));
        assertTrue(h.exec("DEBUG", "OBJECT", "n").contains(" refcount:1 encoding:int serializedlength:3 "));
        assertTrue(h.exec("DEBUG", "OBJECT", "small").contains(" refcount:2147483647 encoding:int serializedlength:2 "));
        assertTrue(h.exec("DEBUG", "OBJECT", "long").contains(" encoding:raw serializedlength:12 "), "LZF-compressed");
    }

    @Test
    void serializedLengthMatchesRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        java.util.Random random = new java.util.Random(42);
        List<String> values = new java.util.ArrayList<>(List.of("", "a", "-1", "127", "128", "-32769", "2147483648",
                "12345678901", "007", "x".repeat(20), "x".repeat(21), "abcabcabcabcabcabcabcabc",
                "01234567890123456789012345678901234567890123456789", "hello world ".repeat(40),
                "ab".repeat(5000), "value:1234567890:value:1234567890:value"));
        for (int i = 0; i < 30; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 21 + random.nextInt(600);
            for (int j = 0; j < n; j++) {
                sb.append((char) ('a' + random.nextInt(i % 2 == 0 ? 3 : 26)));
            }
            values.add(sb.toString());
        }
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
             RespConnection conn = new RespConnection("127.0.0.1", redis.port())) {
            for (String v : values) {
                conn.call("SET", "k", v);
                h.exec("SET", "k", v);
                String theirs = conn.call("DEBUG", "OBJECT", "k").replaceAll("Value at:0x[0-9a-f]+ ", "")
                        .replaceAll(" lru:.*", "");
                String ours = h.exec("DEBUG", "OBJECT", "k").replaceAll("Value at:0x[0-9a-f]+ ", "")
                        .replaceAll(" lru:.*", "");
                assertEquals(theirs, ours, v);
            }
            // Collections past their listpack/intset limits: Redis writes them plainly too.
            for (int i = 0; i < 600; i++) {
                for (String[] cmd : new String[][] {{"SADD", "set", "member:" + i}, {"HSET", "hash", "f" + i, "v" + i},
                        {"ZADD", "zset", Double.toString(i / 7.0), "m" + i}}) {
                    conn.call(cmd);
                    h.exec(cmd);
                }
            }
            for (String key : List.of("set", "hash", "zset")) {
                String theirs = conn.call("DEBUG", "OBJECT", key).replaceAll("Value at:0x[0-9a-f]+ ", "")
                        .replaceAll(" lru:.*", "");
                String ours = h.exec("DEBUG", "OBJECT", key).replaceAll("Value at:0x[0-9a-f]+ ", "")
                        .replaceAll(" lru:.*", "");
                assertEquals(theirs, ours, key);
            }
        }
    }

    @Test
    void objectReportsIdleSeconds() {
        h.exec("SET", "s", "bar");
        h.clock().advance(5_000);
        assertTrue(h.exec("DEBUG", "OBJECT", "s").endsWith(" lru_seconds_idle:5\r\n"));
    }

    @Test
    void objectOfAMissingKeyIsAnError() {
        assertEquals("-ERR no such key\r\n", h.exec("DEBUG", "OBJECT", "nokey"));
    }

    @Test
    void sleepAcceptsFractionsAndAnythingStrtodReads() {
        assertEquals("+OK\r\n", h.exec("DEBUG", "SLEEP", "0"));
        long start = System.nanoTime();
        assertEquals("+OK\r\n", h.exec("DEBUG", "SLEEP", "0.05"));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(45));
        assertEquals("+OK\r\n", h.exec("DEBUG", "SLEEP", "abc"));
    }

    @Test
    void strtodReadsTheLeadingNumber() {
        assertEquals(0.5, DebugCommands.strtod("0.5s"));
        assertEquals(2.0, DebugCommands.strtod(" 2"));
        assertEquals(0.0, DebugCommands.strtod("x1"));
        assertEquals(1e-3, DebugCommands.strtod("1e-3"));
    }

    @Test
    void logWritesAndAnswersOk() {
        assertEquals("+OK\r\n", h.exec("DEBUG", "LOG", "hello world"));
    }

    @Test
    void setActiveExpireSwitchesTheExpireCycle() {
        assertEquals("+OK\r\n", h.exec("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
        assertFalse(h.server().activeExpire().enabled());
        assertEquals("+OK\r\n", h.exec("DEBUG", "set-active-expire", "1"));
        assertTrue(h.server().activeExpire().enabled());
        h.exec("DEBUG", "SET-ACTIVE-EXPIRE", "junk");
        assertFalse(h.server().activeExpire().enabled(), "atoi(\"junk\") is 0");
    }

    @Test
    void unknownSubcommandsAndWrongArgumentCounts() {
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.\r\n",
                h.exec("DEBUG", "nosuch"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.\r\n",
                h.exec("debug", "sleep"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'Log'. Try DEBUG HELP.\r\n",
                h.exec("debug", "Log"));
        assertEquals("-ERR wrong number of arguments for 'debug' command\r\n", h.exec("DEBUG"));
    }

    @Test
    void helpIsRedisText() {
        List<Object> help = CommandIntrospectionTest.Resp.parse(h.exec("DEBUG", "HELP"));
        assertEquals("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.get(0));
        assertEquals("SLEEP <seconds>", help.get(help.indexOf("    Stop the server for <seconds>. Decimals allowed.") - 1));
        assertEquals("HELP", help.get(help.size() - 2));
    }

    // ---- FUNCTION ----

    @Test
    void functionListIsEmpty() {
        assertEquals("*0\r\n", h.exec("FUNCTION", "LIST"));
        assertEquals("*0\r\n", h.exec("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "x*"));
        assertEquals("*0\r\n", h.exec("function", "list", "libraryname", "withcode", "withcode"));
    }

    @Test
    void functionListArgumentErrors() {
        assertEquals("-ERR library name argument was not given\r\n", h.exec("FUNCTION", "LIST", "LIBRARYNAME"));
        assertEquals("-ERR Unknown argument foo\r\n", h.exec("FUNCTION", "LIST", "foo"));
        assertEquals("-ERR Unknown argument withcode\r\n", h.exec("FUNCTION", "LIST", "withcode", "withcode"));
        assertEquals("-ERR Unknown argument libraryname\r\n",
                h.exec("FUNCTION", "LIST", "libraryname", "a", "libraryname", "b"));
    }

    @Test
    void functionFlushIsOkAndCountsAsAChange() {
        long dirty = h.server().keyspace().stats().dirty;
        assertEquals("+OK\r\n", h.exec("FUNCTION", "FLUSH"));
        assertEquals("+OK\r\n", h.exec("FUNCTION", "FLUSH", "async"));
        assertEquals("+OK\r\n", h.exec("FUNCTION", "FLUSH", "SYNC"));
        assertEquals(dirty + 3, h.server().keyspace().stats().dirty);
    }

    @Test
    void functionFlushErrors() {
        assertEquals("-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n", h.exec("FUNCTION", "FLUSH", "foo"));
        assertEquals("-ERR unknown subcommand or wrong number of arguments for 'flush'. Try FUNCTION HELP.\r\n",
                h.exec("FUNCTION", "flush", "a", "b"));
    }

    @Test
    void functionIsAContainer() {
        assertEquals("-ERR wrong number of arguments for 'function' command\r\n", h.exec("FUNCTION"));
        assertEquals("-ERR Missing library metadata\r\n", h.exec("FUNCTION", "load", "x"));
        assertEquals("-ERR unknown subcommand 'nosuch'. Try FUNCTION HELP.\r\n", h.exec("FUNCTION", "nosuch", "x"));
        List<Object> help = CommandIntrospectionTest.Resp.parse(h.exec("FUNCTION", "HELP"));
        assertEquals("FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", help.get(0));
        assertEquals(40, help.size());
    }

    // ---- SHUTDOWN ----

    @Test
    void shutdownOptionErrors() {
        assertEquals("-ERR syntax error\r\n", h.exec("SHUTDOWN", "foo"));
        assertEquals("-ERR syntax error\r\n", h.exec("SHUTDOWN", "SAVE", "NOSAVE"));
        assertEquals("-ERR syntax error\r\n", h.exec("SHUTDOWN", "ABORT", "NOW"));
        assertEquals("-ERR No shutdown in progress.\r\n", h.exec("SHUTDOWN", "ABORT"));
        assertFalse(h.server().stopping());
    }

    @Test
    void shutdownStopsTheServer() throws Exception {
        try (RunningServer server = RunningServer.start()) {
            int port = server.port();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("+PONG\r\n", c.call("PING"));
                c.sendRaw(RespConnection.encode(new byte[][]{
                        "SHUTDOWN".getBytes(StandardCharsets.US_ASCII), "NOSAVE".getBytes(StandardCharsets.US_ASCII),
                        "NOW".getBytes(StandardCharsets.US_ASCII)}));
                assertTrue(c.closedByServer(), "SHUTDOWN closes the connection without a reply");
            }
            server.server().awaitTermination();
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        }
    }

    // ---- compared with real Redis ----

    @Test
    void errorTextsMatchRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String[][] requests = {
                {"DEBUG", "nosuch"}, {"DEBUG", "sleep"}, {"DEBUG", "object", "nokey"}, {"DEBUG", "populate", "-1"},
                {"DEBUG", "populate", "x"}, {"DEBUG", "populate", "1", "a", "1", "2"}, {"DEBUG", "HELP"},
                {"DEBUG", "sleep", "0"}, {"DEBUG", "log", "x"}, {"DEBUG", "set-active-expire", "1"},
                {"SHUTDOWN", "abort"}, {"SHUTDOWN", "foo"}, {"SHUTDOWN", "save", "nosave"}, {"SHUTDOWN", "force", "abort"},
                {"FUNCTION", "HELP"}, {"FUNCTION", "LIST"}, {"FUNCTION", "LIST", "x"}, {"FUNCTION", "FLUSH", "x"},
                {"FUNCTION", "FLUSH", "a", "b"}, {"FUNCTION", "FLUSH", "async"}, {"FUNCTION"}, {"DEBUG"},
                {"DEBUG", "populate", "2", "p", "9"}, {"GET", "p:1"},
        };
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
             RespConnection conn = new RespConnection("127.0.0.1", redis.port())) {
            for (String[] request : requests) {
                assertEquals(conn.call(request), h.exec(request), String.join(" ", request));
            }
        }
    }

    @Test
    void redisCliParsesCommandDocs() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String cli = onPath("redis-cli");
        assumeTrue(cli != null, "redis-cli not on PATH");
        try (RunningServer server = RunningServer.start();
             RealRedis redis = RealRedis.start()) {
            String ours = run(cli, "-p", Integer.toString(server.port()), "COMMAND", "DOCS", "get");
            String theirs = run(cli, "-p", Integer.toString(redis.port()), "COMMAND", "DOCS", "get");
            assertTrue(ours.startsWith("get\nsummary\nGet the value of a key\nsince\n1.0.0\ngroup\nstring\n"), ours);
            assertEquals(theirs, ours);
        }
    }

    private static String onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void reloadWithMergeAndNoflushKeepsPresentKeysAndLetsTheFileWinAsRedis(@org.junit.jupiter.api.io.TempDir
                                                                             java.nio.file.Path dir) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String[][] script = {
                {"SET", "a", "1"}, {"SET", "b", "1"}, {"DEBUG", "RELOAD"}, {"SET", "a", "2"}, {"SET", "c", "3"},
                {"FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 end)"},
                {"DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"}, {"MGET", "a", "b", "c"}, {"DBSIZE"},
                {"FCALL", "f", "0"}, {"DEBUG", "RELOAD", "MERGE"}, {"DBSIZE"}, {"debug", "reload", "foo"},
                {"DEBUG", "RELOAD", "merge", "nosave", "noflush", "extra"},
        };
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
             RunningServer mnemos = RunningServer.start("--enable-debug-command", "yes", "--dir", dir.toString());
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (String[] step : script) {
                assertEquals(real.call(step), ours.call(step), String.join(" ", step));
            }
            assertEquals("*3\r\n$1\r\n1\r\n$1\r\n1\r\n$1\r\n3\r\n", ours.call("MGET", "a", "b", "c"));
            // NOFLUSH without MERGE meets a key already there: Redis 7.0 exits; Mnemos refuses the load.
            assertEquals("-ERR Error trying to load the RDB dump, check server logs.\r\n",
                    ours.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH"));
            assertEquals("+PONG\r\n", ours.call("PING"));
        }
    }
}
