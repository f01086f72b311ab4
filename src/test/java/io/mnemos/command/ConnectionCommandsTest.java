package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.ServerConfig;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ConnectionCommandsTest {
    private static final String NOAUTH_HELLO = "-NOAUTH HELLO must be called with the client already authenticated, "
            + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the "
            + "RESP protocol version at the same time\r\n";
    private static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";

    private static CommandHarness withPassword(String password) {
        ServerConfig config = new ServerConfig();
        config.requirepass = password;
        return new CommandHarness(config);
    }

    private static String helloReply(int proto, long id) {
        String head = proto == 3 ? "%7\r\n" : "*14\r\n";
        return head + "$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:" + proto + "\r\n"
                + "$2\r\nid\r\n:" + id + "\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                + "$7\r\nmodules\r\n*0\r\n";
    }

    @Nested
    class Ping {
        @Test
        void answersPongOrEchoesItsArgument() {
            CommandHarness h = new CommandHarness();
            assertEquals("+PONG\r\n", h.exec("PING"));
            assertEquals("$5\r\nhello\r\n", h.exec("PING", "hello"));
            assertEquals("-ERR wrong number of arguments for 'ping' command\r\n", h.exec("PING", "a", "b"));
        }

        @Test
        void echoAndSelectWork() {
            CommandHarness h = new CommandHarness();
            assertEquals("$3\r\nabc\r\n", h.exec("ECHO", "abc"));
            assertEquals("+OK\r\n", h.exec("SELECT", "3"));
            assertEquals(3, h.client().db().id());
            assertEquals("-ERR DB index is out of range\r\n", h.exec("SELECT", "16"));
            assertEquals("-ERR value is not an integer or out of range\r\n", h.exec("SELECT", "x"));
        }

        @Test
        void hasRedisFlags() {
            CommandSpec ping = new CommandHarness().server().commandTable().lookup("ping");
            assertEquals(java.util.Set.of(CommandFlag.FAST), ping.flags());
        }
    }

    @Nested
    class Auth {
        @Test
        void withoutPasswordConfiguredTheOneArgumentFormIsAnError() {
            CommandHarness h = new CommandHarness();
            assertEquals("-ERR AUTH <password> called without any password configured for the default user. "
                    + "Are you sure your configuration is correct?\r\n", h.exec("AUTH", "x"));
            assertEquals("+OK\r\n", h.exec("AUTH", "default", "anything"));
            assertEquals(WRONGPASS, h.exec("AUTH", "someone", "x"));
            assertEquals("-ERR syntax error\r\n", h.exec("AUTH", "a", "b", "c"));
        }

        @Test
        void requirepassGatesCommandsUntilAuthenticated() {
            CommandHarness h = withPassword("secret");
            assertEquals("-NOAUTH Authentication required.\r\n", h.exec("PING"));
            assertEquals(WRONGPASS, h.exec("AUTH", "wrong"));
            assertEquals(WRONGPASS, h.exec("AUTH", "default", "wrong"));
            assertEquals(WRONGPASS, h.exec("AUTH", "someone", "secret"));
            assertEquals("-NOAUTH Authentication required.\r\n", h.exec("PING"));
            assertEquals("+OK\r\n", h.exec("AUTH", "secret"));
            assertEquals("+PONG\r\n", h.exec("PING"));
        }

        @Test
        void credentialsAreRedactedInTheSlowLog() {
            CommandHarness h = new CommandHarness();
            h.server().config().slowlogLogSlowerThan = 0;
            h.exec("AUTH", "default", "pw");
            h.exec("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "n");
            h.exec("AUTH", "x", "y", "z");
            java.util.List<String> logged = new java.util.ArrayList<>();
            for (var r : h.server().slowlog().records()) {
                java.util.List<String> words = new java.util.ArrayList<>();
                for (byte[] a : r.argv()) {
                    words.add(new String(a, java.nio.charset.StandardCharsets.UTF_8));
                }
                logged.add(String.join(" ", words));
            }
            assertEquals(java.util.List.of("AUTH x y z", "HELLO 2 AUTH (redacted) (redacted) SETNAME n",
                    "AUTH (redacted) (redacted)"), logged);
        }

        @Test
        void aFailedAuthKeepsAnEarlierSuccess() {
            CommandHarness h = withPassword("secret");
            assertEquals("+OK\r\n", h.exec("AUTH", "default", "secret"));
            assertEquals(WRONGPASS, h.exec("AUTH", "nope"));
            assertEquals("+PONG\r\n", h.exec("PING"));
        }
    }

    @Nested
    class Hello {
        @Test
        void withoutArgumentsDescribesTheServerInTheCurrentProtocol() {
            CommandHarness h = new CommandHarness();
            assertEquals(helloReply(2, h.client().id()), h.exec("HELLO"));
        }

        @Test
        void switchesToResp3AndBack() {
            CommandHarness h = new CommandHarness();
            assertEquals(helloReply(3, h.client().id()), h.exec("HELLO", "3"));
            assertEquals(3, h.client().protocol());
            assertEquals("_\r\n", h.exec("CLIENT", "GETNAME"));
            assertEquals(helloReply(2, h.client().id()), h.exec("HELLO", "2"));
            assertEquals("$-1\r\n", h.exec("CLIENT", "GETNAME"));
        }

        @Test
        void rejectsBadVersionsAndOptions() {
            CommandHarness h = new CommandHarness();
            assertEquals("-NOPROTO unsupported protocol version\r\n", h.exec("HELLO", "4"));
            assertEquals("-NOPROTO unsupported protocol version\r\n", h.exec("HELLO", "1"));
            assertEquals("-ERR Protocol version is not an integer or out of range\r\n", h.exec("HELLO", "x"));
            assertEquals("-ERR Syntax error in HELLO option 'FOO'\r\n", h.exec("HELLO", "3", "FOO"));
            assertEquals("-ERR Syntax error in HELLO option 'AUTH'\r\n", h.exec("HELLO", "3", "AUTH", "a"));
            assertEquals("-ERR Syntax error in HELLO option 'SETNAME'\r\n", h.exec("HELLO", "3", "SETNAME"));
            assertEquals(2, h.client().protocol());
        }

        @Test
        void setsTheNameOnlyWhenValidAndBeforeSwitching() {
            CommandHarness h = new CommandHarness();
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                    h.exec("HELLO", "3", "SETNAME", "a b"));
            assertEquals(2, h.client().protocol());
            h.exec("HELLO", "3", "SETNAME", "conn1");
            assertEquals("$5\r\nconn1\r\n", h.exec("CLIENT", "GETNAME"));
        }

        @Test
        void withRequirepassNeedsAuthenticationOrItsAuthOption() {
            CommandHarness h = withPassword("secret");
            assertEquals(NOAUTH_HELLO, h.exec("HELLO"));
            assertEquals(NOAUTH_HELLO, h.exec("HELLO", "3"));
            // The name is checked while parsing, before authentication.
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                    h.exec("HELLO", "3", "SETNAME", "a\u0001b"));
            assertEquals(WRONGPASS, h.exec("HELLO", "3", "AUTH", "default", "wrong"));
            assertEquals(2, h.client().protocol());
            assertEquals(helloReply(3, h.client().id()), h.exec("HELLO", "3", "AUTH", "default", "secret"));
            assertEquals("+PONG\r\n", h.exec("PING"));
        }

        @Test
        void authOptionAcceptsAnyPasswordForTheNopassDefaultUser() {
            CommandHarness h = new CommandHarness();
            assertEquals(helloReply(2, h.client().id()), h.exec("HELLO", "2", "AUTH", "default", "whatever"));
            assertEquals(WRONGPASS, h.exec("HELLO", "2", "AUTH", "foo", "x"));
        }
    }

    @Nested
    class Reset {
        @Test
        void restoresTheConnectionDefaults() {
            CommandHarness h = new CommandHarness();
            Client c = h.client();
            h.exec("SELECT", "5");
            h.exec("CLIENT", "SETNAME", "n");
            h.exec("CLIENT", "NO-EVICT", "on");
            h.exec("HELLO", "3");
            assertEquals("+RESET\r\n", h.exec("RESET"));
            assertEquals(0, c.db().id());
            assertEquals(2, c.protocol());
            assertEquals("", c.name());
            assertTrue(c.noEvict(), "Redis 7.0's RESET keeps CLIENT NO-EVICT (flags=e in CLIENT INFO after it)");
        }

        @Test
        void signsOutWhenAPasswordIsRequired() {
            CommandHarness h = withPassword("secret");
            assertEquals("+RESET\r\n", h.exec("RESET"));
            h.exec("AUTH", "secret");
            assertEquals("+PONG\r\n", h.exec("PING"));
            assertEquals("+RESET\r\n", h.exec("RESET"));
            assertEquals("-NOAUTH Authentication required.\r\n", h.exec("PING"));
        }

        @Test
        void turnsRepliesBackOnButHonoursASkip() {
            CommandHarness h = new CommandHarness();
            assertEquals("", h.exec("CLIENT", "REPLY", "OFF"));
            assertEquals("+RESET\r\n", h.exec("RESET"));
            assertEquals("", h.exec("CLIENT", "REPLY", "SKIP"));
            assertEquals("", h.exec("RESET"));
            assertEquals("+PONG\r\n", h.exec("PING"));
        }
    }

    @Nested
    class OverTcp {
        @Test
        void hello3RepliesWithExactResp3Bytes() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection conn = new RespConnection(s.host(), s.port())) {
                String id = conn.call("CLIENT", "ID");
                long clientId = Long.parseLong(id.substring(1, id.length() - 2));
                assertEquals(helloReply(3, clientId), conn.call("HELLO", "3"));
                assertEquals("_\r\n", conn.call("CLIENT", "GETNAME"));
                assertEquals("+RESET\r\n", conn.call("RESET"));
                assertEquals("$-1\r\n", conn.call("CLIENT", "GETNAME"));
            }
        }

        @Test
        void requirepassRejectsCommandsUntilAuth() throws Exception {
            try (RunningServer s = RunningServer.start("--requirepass", "secret");
                 RespConnection conn = new RespConnection(s.host(), s.port())) {
                assertEquals("-NOAUTH Authentication required.\r\n", conn.call("SET", "k", "v"));
                assertEquals("-NOAUTH Authentication required.\r\n", conn.call("CLIENT", "ID"));
                assertEquals(NOAUTH_HELLO, conn.call("HELLO", "3"));
                assertEquals(WRONGPASS, conn.call("AUTH", "nope"));
                assertEquals("+OK\r\n", conn.call("AUTH", "secret"));
                assertEquals("+OK\r\n", conn.call("SET", "k", "v"));
                assertEquals("+RESET\r\n", conn.call("RESET"));
                assertEquals("-NOAUTH Authentication required.\r\n", conn.call("GET", "k"));
                assertTrue(conn.call("HELLO", "3", "AUTH", "default", "secret").startsWith("%7\r\n"));
                assertEquals("$1\r\nv\r\n", conn.call("GET", "k"));
            }
        }

        @Test
        void matchesRealRedisByteForByte() throws Exception {
            assumeTrue(RealRedis.available(), "redis-server not on PATH");
            String[][] script = {
                {"HELLO", "4"}, {"HELLO", "x"}, {"HELLO", "3", "FOO"}, {"HELLO", "2", "SETNAME", "a b"},
                {"AUTH", "x"}, {"AUTH", "default", "x"}, {"AUTH", "foo", "x"}, {"AUTH", "a", "b", "c"},
                {"PING"}, {"PING", "x"}, {"PING", "a", "b"}, {"ECHO", "e"}, {"SELECT", "99"},
                {"CLIENT", "SETNAME", "x y"}, {"CLIENT", "SETNAME", "ok"}, {"CLIENT", "GETNAME"},
                {"CLIENT", "REPLY", "SKIP"}, {"PING", "skipped"}, {"PING", "shown"},
                {"CLIENT", "REPLY", "OFF"}, {"PING", "off"}, {"CLIENT", "REPLY", "ON"},
                {"CLIENT", "PAUSE", "x", "foo"}, {"CLIENT", "PAUSE", "-1"}, {"CLIENT", "PAUSE", "1", "write", "x"},
                {"CLIENT", "KILL", "1.2.3.4:5"}, {"CLIENT", "KILL", "ID", "0"}, {"CLIENT", "KILL", "ID", "999999"},
                {"CLIENT", "KILL", "USER", "nobody"}, {"CLIENT", "KILL", "TYPE", "foo", "ID", "1"},
                {"CLIENT", "KILL", "SKIPME", "maybe"}, {"CLIENT", "KILL", "MAXAGE", "1"},
                {"CLIENT", "LIST", "TYPE", "foo"}, {"CLIENT", "LIST", "ID", "x"}, {"CLIENT", "LIST", "ID", "99999"},
                {"CLIENT", "LIST", "TYPE", "master"}, {"CLIENT", "LIST", "foo"}, {"CLIENT", "NO-EVICT", "maybe"},
                {"CLIENT", "NO-EVICT", "on"}, {"CLIENT", "NO-EVICT", "off"}, {"CLIENT", "UNBLOCK", "1", "foo"},
                {"CLIENT", "UNBLOCK", "x"}, {"CLIENT", "UNBLOCK", "99999"}, {"CLIENT", "CACHING", "yes"},
                {"CLIENT", "TRACKINGINFO"}, {"CLIENT", "GETREDIR"}, {"CLIENT", "HELP"}, {"CLIENT", "FOO"},
                {"CLIENT"}, {"CLIENT", "ID", "x"}, {"CLIENT", "UNPAUSE"}, {"HELLO", "3"}, {"CLIENT", "TRACKINGINFO"},
                {"CLIENT", "LIST", "ID", "99999"}, {"CLIENT", "GETNAME"}, {"RESET"}, {"CLIENT", "GETNAME"},
            };
            try (RealRedis redis = RealRedis.start();
                 RunningServer s = RunningServer.start();
                 RespConnection expected = new RespConnection("127.0.0.1", redis.port());
                 RespConnection actual = new RespConnection(s.host(), s.port())) {
                for (String[] cmd : script) {
                    boolean silent = (cmd.length == 3 && cmd[1].equals("REPLY") && !cmd[2].equals("ON"))
                            || (cmd.length == 2 && (cmd[1].equals("skipped") || cmd[1].equals("off")));
                    if (silent) {
                        expected.sendRaw(RespConnection.encode(bytes(cmd)));
                        actual.sendRaw(RespConnection.encode(bytes(cmd)));
                        continue;
                    }
                    String want = expected.call(cmd);
                    String got = actual.call(cmd);
                    if (cmd[0].equals("HELLO") && want.startsWith("%") || want.startsWith("*14")) {
                        want = want.replaceAll("\\$2\r\nid\r\n:\\d+", "id");
                        got = got.replaceAll("\\$2\r\nid\r\n:\\d+", "id");
                    }
                    assertEquals(want, got, String.join(" ", cmd));
                }
            }
        }

        private static byte[][] bytes(String[] cmd) {
            byte[][] argv = new byte[cmd.length][];
            for (int i = 0; i < cmd.length; i++) {
                argv[i] = cmd[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return argv;
        }
    }

    @Nested
    class ClientLibraries {
        @Test
        void jedisConnectsAuthenticatesAndRegistersItsLibrary() {
            try (RunningServer s = RunningServer.start("--requirepass", "secret");
                 redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(
                         new redis.clients.jedis.HostAndPort(s.host(), s.port()),
                         redis.clients.jedis.DefaultJedisClientConfig.builder().password("secret").build())) {
                assertEquals("PONG", jedis.ping());
                jedis.clientSetname("jedis-test");
                assertEquals("jedis-test", jedis.clientGetname());
                assertTrue(jedis.clientList().contains(" name=jedis-test "));
                assertTrue(s.server().clients().all().stream().anyMatch(c -> c.libName().equals("jedis")));
            }
        }

        @Test
        void lettuceHandshakesWithHello3AndAuth() {
            try (RunningServer s = RunningServer.start("--requirepass", "secret")) {
                io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(
                        io.lettuce.core.RedisURI.builder().withHost(s.host()).withPort(s.port())
                                .withPassword("secret".toCharArray()).withClientName("lettuce-test").build());
                try (var connection = client.connect()) {
                    var sync = connection.sync();
                    assertEquals("PONG", sync.ping());
                    assertEquals("lettuce-test", sync.clientGetname());
                    String info = sync.clientInfo();
                    assertTrue(info.contains(" resp=3"), info);
                    assertTrue(s.server().clients().all().stream().anyMatch(c -> c.libName().startsWith("Lettuce")));
                } finally {
                    client.shutdown(java.time.Duration.ZERO, java.time.Duration.ofSeconds(2));
                }
            }
        }
    }
}
