package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ClientCommandsTest {
    /** Redis 7.0's CLIENT LIST line: every field, in order. */
    private static final Pattern LINE = Pattern.compile("id=(\\d+) addr=(\\S*) laddr=(\\S*) fd=(-?\\d+) name=(\\S*) "
            + "age=\\d+ idle=\\d+ flags=(\\w+) db=(\\d+) sub=0 psub=0 ssub=0 multi=-1 qbuf=\\d+ qbuf-free=\\d+ "
            + "argv-mem=\\d+ multi-mem=0 rbs=\\d+ rbp=\\d+ obl=0 oll=0 omem=0 tot-mem=\\d+ events=r "
            + "cmd=(\\S+) user=default redir=-1 resp=([23])");

    /** A harness whose clients are registered, as connections are. */
    private static CommandHarness harness() {
        CommandHarness h = new CommandHarness();
        h.server().clients().add(h.client());
        return h;
    }

    private static Client connect(CommandHarness h) {
        Client c = h.newClient();
        h.server().clients().add(c);
        return c;
    }

    /** The text of a RESP2 bulk reply. */
    private static String bulkText(String reply) {
        assertTrue(reply.startsWith("$"), reply);
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    private static List<String> lines(String reply) {
        String text = bulkText(reply);
        return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }

    @Nested
    class Identity {
        @Test
        void idIsTheConnectionId() {
            CommandHarness h = harness();
            assertEquals(":" + h.client().id() + "\r\n", h.exec("CLIENT", "ID"));
        }

        @Test
        void setnameAndGetname() {
            CommandHarness h = harness();
            assertEquals("$-1\r\n", h.exec("CLIENT", "GETNAME"));
            assertEquals("+OK\r\n", h.exec("CLIENT", "SETNAME", "worker-1"));
            assertEquals("$8\r\nworker-1\r\n", h.exec("CLIENT", "GETNAME"));
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                    h.exec("CLIENT", "SETNAME", "a b"));
            assertEquals("-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
                    h.exec("CLIENT", "SETNAME", "a\nb"));
            assertEquals("$8\r\nworker-1\r\n", h.exec("CLIENT", "GETNAME"));
            assertEquals("+OK\r\n", h.exec("CLIENT", "SETNAME", ""));
            assertEquals("$-1\r\n", h.exec("CLIENT", "GETNAME"));
        }

        @Test
        void setinfoStoresLibraryNameAndVersionLikeRedis72() {
            CommandHarness h = harness();
            assertEquals("+OK\r\n", h.exec("CLIENT", "SETINFO", "LIB-NAME", "jedis"));
            assertEquals("+OK\r\n", h.exec("CLIENT", "SETINFO", "lib-ver", "5.1.0"));
            assertEquals("jedis", h.client().libName());
            assertEquals("5.1.0", h.client().libVersion());
            assertEquals("-ERR Unrecognized option 'lib-foo'\r\n", h.exec("CLIENT", "SETINFO", "lib-foo", "x"));
            assertEquals("-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
                    h.exec("CLIENT", "SETINFO", "lib-name", "a b"));
            assertEquals("-ERR wrong number of arguments for 'client|setinfo' command\r\n",
                    h.exec("CLIENT", "SETINFO", "lib-name"));
        }
    }

    @Nested
    class Listing {
        @Test
        void listHasRedis70FieldsInOrderForEveryClient() {
            CommandHarness h = harness();
            Client other = connect(h);
            h.exec(other, "SELECT", "2");
            h.exec(other, "CLIENT", "SETNAME", "other");
            List<String> lines = lines(h.exec("CLIENT", "LIST"));
            assertEquals(2, lines.size());
            Matcher me = LINE.matcher(lines.get(0));
            assertTrue(me.matches(), lines.get(0));
            assertEquals(Long.toString(h.client().id()), me.group(1));
            assertEquals("N", me.group(6));
            assertEquals("client|list", me.group(8));
            Matcher them = LINE.matcher(lines.get(1));
            assertTrue(them.matches(), lines.get(1));
            assertEquals("other", them.group(5));
            assertEquals("2", them.group(7));
            assertEquals("client|setname", them.group(8));
        }

        @Test
        void theRunningClientShowsItsRequestBuffers() {
            CommandHarness h = harness();
            String line = bulkText(h.exec("CLIENT", "INFO"));
            assertTrue(line.endsWith("\n"));
            assertTrue(line.contains(" qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=16384 rbp=16384 "
                    + "obl=0 oll=0 omem=0 tot-mem=37658 events=r cmd=client|info "), line);
        }

        /** Two visits of clientsCron: the first restarts the reply buffer's peak, the second shrinks it. */
        private static void shrinkReplyBuffer(Client c) {
            long now = System.currentTimeMillis();
            assertEquals(0, c.resizeReplyBuffer(now));
            assertEquals(-1, c.resizeReplyBuffer(now + 100));
        }

        @Test
        void theCronShrinksANewClientsReplyBufferToItsPeakAndGrowsItWhenItFills() {
            CommandHarness h = harness();
            Client other = connect(h);
            String fresh = bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id())));
            assertTrue(fresh.contains(" rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=37632 "), fresh);
            shrinkReplyBuffer(other);
            String shrunk = bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id())));
            assertTrue(shrunk.contains(" rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22272 "), shrunk);
            // A write that filled the buffer: the next visit doubles it.
            other.replyBuffered(5000);
            assertEquals(1, other.resizeReplyBuffer(System.currentTimeMillis() + 200));
            assertEquals(2048, other.replyBufferSize());
        }

        @Test
        void aClientIdleForMoreThanTwoSecondsHasReleasedItsQueryBuffer() {
            CommandHarness h = harness();
            Client other = connect(h);
            h.exec(other, "PING");
            shrinkReplyBuffer(other);
            String busy = bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id())));
            assertTrue(busy.contains(" qbuf=0 qbuf-free=20474 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 "
                    + "omem=0 tot-mem=22272 events=r cmd=ping "), busy);
            other.touch(System.currentTimeMillis() - 4000);
            String idle = bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id())));
            assertTrue(idle.contains(" qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 "
                    + "omem=0 tot-mem=1800 events=r cmd=ping "), idle);
        }

        @Test
        void cmdIsNullAfterAnUnknownCommandAndSetEvenWhenArityFails() {
            CommandHarness h = harness();
            Client other = connect(h);
            assertTrue(bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id()))).contains(" cmd=NULL "));
            h.exec(other, "GET");
            assertTrue(bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id()))).contains(" cmd=get "));
            h.exec(other, "NOSUCHCOMMAND");
            assertTrue(bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id()))).contains(" cmd=NULL "));
            h.exec(other, "CLIENT");
            assertTrue(bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id()))).contains(" cmd=client "));
        }

        @Test
        void listFiltersByTypeAndId() {
            CommandHarness h = harness();
            Client other = connect(h);
            assertEquals(2, lines(h.exec("CLIENT", "LIST", "TYPE", "normal")).size());
            assertEquals("$0\r\n\r\n", h.exec("CLIENT", "LIST", "TYPE", "replica"));
            assertEquals("$0\r\n\r\n", h.exec("CLIENT", "LIST", "TYPE", "pubsub"));
            assertEquals("-ERR Unknown client type 'foo'\r\n", h.exec("CLIENT", "LIST", "TYPE", "foo"));
            List<String> byId = lines(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id()), "0", "99999",
                    Long.toString(other.id())));
            assertEquals(2, byId.size());
            assertTrue(byId.get(0).startsWith("id=" + other.id() + " "));
            assertEquals("-ERR Invalid client ID\r\n", h.exec("CLIENT", "LIST", "ID", "x"));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "LIST", "ID"));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "LIST", "TYPE", "normal", "x"));
        }

        @Test
        void noEvictShowsAsFlagE() {
            CommandHarness h = harness();
            assertEquals("+OK\r\n", h.exec("CLIENT", "NO-EVICT", "on"));
            assertTrue(bulkText(h.exec("CLIENT", "INFO")).contains(" flags=e "));
            assertEquals("+OK\r\n", h.exec("CLIENT", "NO-EVICT", "OFF"));
            assertTrue(bulkText(h.exec("CLIENT", "INFO")).contains(" flags=N "));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "NO-EVICT", "maybe"));
        }

        @Test
        void infoIsVerbatimInResp3() {
            CommandHarness h = harness();
            h.exec("HELLO", "3");
            String reply = h.exec("CLIENT", "INFO");
            assertTrue(reply.startsWith("="), reply);
            assertTrue(reply.contains("\r\ntxt:id="), reply);
            assertTrue(reply.endsWith(" resp=3\n\r\n"), reply);
        }
    }

    @Nested
    class Kill {
        @Test
        void oldFormKillsByAddressOrSaysNoSuchClient() {
            CommandHarness h = harness();
            assertEquals("-ERR No such client\r\n", h.exec("CLIENT", "KILL", "1.2.3.4:5"));
            assertEquals("-ERR No such client\r\n", h.exec("CLIENT", "KILL", "id"));
        }

        @Test
        void newFormCountsKilledClientsAndSkipsMe() {
            CommandHarness h = harness();
            Client a = connect(h);
            Client b = connect(h);
            assertEquals(":1\r\n", h.exec("CLIENT", "KILL", "ID", Long.toString(a.id())));
            assertFalse(h.server().clients().all().contains(a));
            assertTrue(a.closing());
            assertEquals(":0\r\n", h.exec("CLIENT", "KILL", "ID", Long.toString(a.id())));
            assertEquals(":1\r\n", h.exec("CLIENT", "KILL", "TYPE", "normal"));
            assertFalse(h.server().clients().all().contains(b));
            assertFalse(h.client().closing());
            assertEquals(":1\r\n", h.exec("CLIENT", "KILL", "USER", "default", "SKIPME", "no"));
            assertTrue(h.client().closing());
        }

        @Test
        void rejectsBadFilters() {
            CommandHarness h = harness();
            assertEquals("-ERR client-id should be greater than 0\r\n", h.exec("CLIENT", "KILL", "ID", "0"));
            assertEquals("-ERR client-id should be greater than 0\r\n", h.exec("CLIENT", "KILL", "ID", "x"));
            assertEquals("-ERR No such user 'bob'\r\n", h.exec("CLIENT", "KILL", "USER", "bob"));
            assertEquals("-ERR Unknown client type 'foo'\r\n", h.exec("CLIENT", "KILL", "TYPE", "foo"));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "KILL", "SKIPME", "maybe"));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "KILL", "ID", "1", "ADDR"));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "KILL", "MAXAGE", "10"));
            assertEquals(":0\r\n", h.exec("CLIENT", "KILL", "LADDR", "1.1.1.1:1", "SKIPME", "no"));
            assertEquals("-ERR wrong number of arguments for 'client|kill' command\r\n", h.exec("CLIENT", "KILL"));
        }
    }

    @Nested
    class Pause {
        @Test
        void validatesModeBeforeTimeout() {
            CommandHarness h = harness();
            assertEquals("-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", h.exec("CLIENT", "PAUSE", "x", "foo"));
            assertEquals("-ERR timeout is not an integer or out of range\r\n", h.exec("CLIENT", "PAUSE", "x"));
            assertEquals("-ERR timeout is negative\r\n", h.exec("CLIENT", "PAUSE", "-1"));
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'pause'. Try CLIENT HELP.\r\n",
                    h.exec("CLIENT", "pause", "1", "write", "x"));
            assertEquals("-ERR wrong number of arguments for 'client|pause' command\r\n", h.exec("CLIENT", "PAUSE"));
        }

        @Test
        void writePausePostponesOnlyWritesUntilItExpires() {
            CommandHarness h = harness();
            Client other = connect(h);
            assertEquals("+OK\r\n", h.exec("CLIENT", "PAUSE", "1000", "WRITE"));
            assertEquals("$-1\r\n", h.exec(other, "GET", "k"));
            assertEquals("", h.exec(other, "SET", "k", "v"));
            assertTrue(other.postponed());
            String line = bulkText(h.exec("CLIENT", "LIST", "ID", Long.toString(other.id())));
            assertTrue(line.contains(" flags=b "), line);
            // A client this new still has Redis's first, 16 KB reply buffer.
            assertTrue(line.contains(" argv-mem=5 multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=37661 events=r "
                    + "cmd=set "), line);
            assertEquals("-ERR wrong number of arguments for 'set' command\r\n", h.exec(other, "SET", "k"));
            h.clock().advance(1001);
            assertEquals("$-1\r\n", h.exec("GET", "k"));
            assertFalse(other.postponed());
            assertEquals(0, h.server().dispatcher().postponedCount());
            assertEquals("+OK\r\n", h.exec(other, "SET", "k", "v"));
        }

        @Test
        void writePauseJudgesScriptsByTheirDeclaredFlags() {
            CommandHarness h = harness();
            Client other = connect(h);
            assertEquals("+OK\r\n", h.exec("CLIENT", "PAUSE", "1000", "WRITE"));
            // scriptFlagsToCmdFlags: a no-writes shebang takes away EVAL's may-replicate flag, in EXEC too.
            assertEquals(":1\r\n", h.exec(other, "EVAL", "#!lua flags=no-writes\nreturn 1", "0"));
            assertEquals("+OK\r\n", h.exec(other, "MULTI"));
            assertEquals("+QUEUED\r\n", h.exec(other, "EVAL", "#!lua flags=no-writes\nreturn 2", "0"));
            assertEquals("*1\r\n:2\r\n", h.exec(other, "EXEC"));
            assertEquals("", h.exec(other, "EVAL", "#!lua\nreturn 3", "0"));
            assertTrue(other.postponed());
        }

        @Test
        void allPauseHoldsEveryCommandUntilUnpause() {
            CommandHarness h = harness();
            Client other = connect(h);
            assertEquals("+OK\r\n", h.exec("CLIENT", "PAUSE", "100000"));
            assertEquals("", h.exec(other, "PING"));
            assertEquals("", h.exec(other, "CLIENT", "UNPAUSE"));
            h.server().dispatcher().unpauseClients();
            assertEquals("+PONG\r\n", h.exec(other, "PING"));
        }

        @Test
        void latestModeWinsAndTheEndOnlyGrows() {
            CommandHarness h = harness();
            Client other = connect(h);
            h.exec("CLIENT", "PAUSE", "5000", "WRITE");
            h.exec("CLIENT", "PAUSE", "10", "ALL");
            h.clock().advance(1000);
            assertEquals("", h.exec(other, "GET", "k"));
            h.clock().advance(4001);
            assertTrue(!h.server().dispatcher().paused());
        }
    }

    @Nested
    class Reply {
        @Test
        void offSilencesUntilOn() {
            CommandHarness h = harness();
            assertEquals("", h.exec("CLIENT", "REPLY", "OFF"));
            assertEquals("", h.exec("PING"));
            assertEquals("", h.exec("NOSUCH"));
            assertEquals("", h.exec("CLIENT", "REPLY", "SKIP"));
            assertEquals("+OK\r\n", h.exec("CLIENT", "REPLY", "ON"));
            assertEquals("+PONG\r\n", h.exec("PING"));
        }

        @Test
        void skipDropsOnlyTheNextReply() {
            CommandHarness h = harness();
            assertEquals("", h.exec("CLIENT", "REPLY", "SKIP"));
            assertEquals("", h.exec("PING", "a"));
            assertEquals("$1\r\nb\r\n", h.exec("PING", "b"));
            h.exec("CLIENT", "REPLY", "SKIP");
            assertEquals("", h.exec("CLIENT", "REPLY", "SKIP"));
            assertEquals("", h.exec("PING", "c"));
            assertEquals("$1\r\nd\r\n", h.exec("PING", "d"));
            h.exec("CLIENT", "REPLY", "SKIP");
            assertEquals("+OK\r\n", h.exec("CLIENT", "REPLY", "ON"));
            assertEquals("-ERR syntax error\r\n", h.exec("CLIENT", "REPLY", "maybe"));
        }
    }

    @Nested
    class Help {
        @Test
        void helpAndUnknownSubcommands() {
            CommandHarness h = harness();
            String help = h.exec("CLIENT", "HELP");
            assertTrue(help.startsWith("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"));
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"));
            assertEquals("-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", h.exec("CLIENT", "foo"));
            assertEquals("-ERR unknown subcommand 'no-touch'. Try CLIENT HELP.\r\n", h.exec("CLIENT", "no-touch", "on"));
            assertEquals("-ERR wrong number of arguments for 'client' command\r\n", h.exec("CLIENT"));
            assertEquals("-ERR wrong number of arguments for 'client|id' command\r\n", h.exec("CLIENT", "ID", "x"));
        }

        @Test
        void subcommandsCarryRedisArityAndFlags() {
            CommandSpec client = new CommandHarness().server().commandTable().lookup("client");
            assertEquals(-2, client.arity());
            assertTrue(client.flags().isEmpty());
            CommandSpec list = client.subcommands().get("list");
            assertEquals("client|list", list.fullName());
            assertEquals(-2, list.arity());
            assertTrue(list.has(CommandFlag.ADMIN) && list.has(CommandFlag.NOSCRIPT));
            assertEquals(java.util.Set.of(CommandFlag.LOADING, CommandFlag.STALE),
                    client.subcommands().get("help").flags());
            assertEquals(3, client.subcommands().get("reply").arity());
            assertEquals(-3, client.subcommands().get("kill").arity());
        }
    }

    @Nested
    class OverTcp {
        @Test
        void killClosesTheOtherConnection() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection victim = new RespConnection(s.host(), s.port());
                 RespConnection killer = new RespConnection(s.host(), s.port())) {
                String id = victim.call("CLIENT", "ID");
                assertEquals(":1\r\n", killer.call("CLIENT", "KILL", "ID", id.substring(1, id.length() - 2)));
                assertTrue(victim.closedByServer());
                assertEquals(1, lines(killer.call("CLIENT", "LIST")).size());
            }
        }

        @Test
        void killByOwnAddressClosesAfterReplying() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection conn = new RespConnection(s.host(), s.port())) {
                Matcher m = LINE.matcher(bulkText(conn.call("CLIENT", "INFO")).trim());
                assertTrue(m.matches());
                assertEquals("+OK\r\n", conn.call("CLIENT", "KILL", m.group(2)));
                assertTrue(conn.closedByServer());
            }
        }

        @Test
        void pauseDelaysAnotherConnectionsWriteButNotItsReads() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection admin = new RespConnection(s.host(), s.port());
                 RespConnection writer = new RespConnection(s.host(), s.port())) {
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "500", "WRITE"));
                long start = System.nanoTime();
                assertEquals("$-1\r\n", writer.call("GET", "k"));
                assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(400));
                // A pipeline: the write and the read behind it wait, and keep their order.
                writer.sendRaw(concat(RespConnection.encode(argv("SET", "k", "v")),
                        RespConnection.encode(argv("GET", "k"))));
                assertEquals("+OK\r\n", writer.readReply());
                assertEquals("$1\r\nv\r\n", writer.readReply());
                long waited = System.nanoTime() - start;
                assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(400), "waited " + waited / 1_000_000 + " ms");
            }
        }

        @Test
        void unpauseReleasesHeldClientsAtOnce() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection admin = new RespConnection(s.host(), s.port());
                 RespConnection writer = new RespConnection(s.host(), s.port())) {
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "60000", "WRITE"));
                CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> {
                    try {
                        return writer.call("SET", "k", "v");
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
                Thread.sleep(100);
                assertFalse(reply.isDone());
                assertTrue(bulkText(admin.call("CLIENT", "LIST", "TYPE", "normal")).contains("flags=b"));
                assertEquals("+OK\r\n", admin.call("CLIENT", "UNPAUSE"));
                assertEquals("+OK\r\n", reply.get(5, TimeUnit.SECONDS));
                assertEquals("$1\r\nv\r\n", admin.call("GET", "k"));
            }
        }

        @Test
        void aHeldPipelineKeepsItsOrderUpToQuit() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection admin = new RespConnection(s.host(), s.port());
                 RespConnection writer = new RespConnection(s.host(), s.port())) {
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "150", "WRITE"));
                writer.sendRaw(concat(RespConnection.encode(argv("SET", "n", "1")),
                        RespConnection.encode(argv("GET", "n")), RespConnection.encode(argv("SET", "n", "2")),
                        RespConnection.encode(argv("QUIT")), RespConnection.encode(argv("SET", "n", "3"))));
                assertEquals("+OK\r\n", writer.readReply());
                assertEquals("$1\r\n1\r\n", writer.readReply());
                assertEquals("+OK\r\n", writer.readReply());
                assertEquals("+OK\r\n", writer.readReply());
                assertTrue(writer.closedByServer());
                assertEquals("$1\r\n2\r\n", admin.call("GET", "n"));
            }
        }

        @Test
        void aHeldClientThatDisconnectsIsForgotten() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection admin = new RespConnection(s.host(), s.port())) {
                assertEquals("+OK\r\n", admin.call("CLIENT", "PAUSE", "60000", "WRITE"));
                try (RespConnection writer = new RespConnection(s.host(), s.port())) {
                    writer.sendRaw(RespConnection.encode(argv("SET", "k", "v")));
                    Thread.sleep(100);
                }
                Thread.sleep(100);
                assertEquals(1, lines(admin.call("CLIENT", "LIST")).size());
                CompletableFuture<Integer> held = new CompletableFuture<>();
                s.server().execute(() -> held.complete(s.server().dispatcher().postponedCount()));
                assertEquals(0, held.get(5, TimeUnit.SECONDS));
                assertEquals("+OK\r\n", admin.call("CLIENT", "UNPAUSE"));
                assertEquals("$-1\r\n", admin.call("GET", "k"));
            }
        }

        @Test
        void replyOffAndSkipOverTheWire() throws Exception {
            try (RunningServer s = RunningServer.start();
                 RespConnection conn = new RespConnection(s.host(), s.port())) {
                conn.sendRaw(concat(RespConnection.encode(argv("CLIENT", "REPLY", "OFF")),
                        RespConnection.encode(argv("PING", "hidden")),
                        RespConnection.encode(argv("CLIENT", "REPLY", "ON")),
                        RespConnection.encode(argv("CLIENT", "REPLY", "SKIP")),
                        RespConnection.encode(argv("PING", "skipped")),
                        RespConnection.encode(argv("PING", "shown"))));
                assertEquals("+OK\r\n", conn.readReply());
                assertEquals("$5\r\nshown\r\n", conn.readReply());
            }
        }

        @Test
        void ipv6PeersAreShownInBracketsLikeRedis() throws Exception {
            RunningServer s;
            try {
                s = RunningServer.start("--bind", "::1");
            } catch (RuntimeException e) {
                assumeTrue(false, "no IPv6 loopback: " + e.getMessage());
                return;
            }
            try (s; RespConnection conn = new RespConnection("::1", s.port())) {
                Matcher m = LINE.matcher(bulkText(conn.call("CLIENT", "INFO")).trim());
                assertTrue(m.matches());
                assertTrue(m.group(2).startsWith("[::1]:"), m.group(2));
                assertEquals("[::1]:" + s.port(), m.group(3));
                assertEquals("+OK\r\n", conn.call("CLIENT", "KILL", m.group(2)));
            }
        }

        @Test
        void listLinesMatchRealRedisShape() throws Exception {
            assumeTrue(RealRedis.available(), "redis-server not on PATH");
            try (RealRedis redis = RealRedis.start();
                 RunningServer s = RunningServer.start();
                 RespConnection expected = new RespConnection("127.0.0.1", redis.port());
                 RespConnection actual = new RespConnection(s.host(), s.port())) {
                String want = bulkText(expected.call("CLIENT", "INFO"));
                String got = bulkText(actual.call("CLIENT", "INFO"));
                assertEquals(normalize(want), normalize(got));
            }
        }

        /**
         * Drops the values that differ between any two connections (id, addresses, fd, age, idle)
         * and the reply buffer peak, which Redis's clientsCron resets on its own schedule.
         */
        private static String normalize(String line) {
            return line.replaceAll("(id|addr|laddr|fd|age|idle|rbp)=\\S*", "$1=?");
        }

        private static byte[][] argv(String... args) {
            byte[][] argv = new byte[args.length][];
            for (int i = 0; i < args.length; i++) {
                argv[i] = args[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }
            return argv;
        }

        private static byte[] concat(byte[]... parts) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            for (byte[] p : parts) {
                out.writeBytes(p);
            }
            return out.toByteArray();
        }
    }
}
