package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.ServerConfig;
import io.mnemos.testing.CommandHarness;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PubSubCommandsTest {
    /** What was written to a client outside its own commands (messages from other clients). */
    static String pending(Client c) {
        ByteBuf b = c.reply().take();
        if (b == null) {
            return "";
        }
        try {
            return b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
    }

    static String confirm(String kind, String name, int count) {
        return "*3\r\n$" + kind.length() + "\r\n" + kind + "\r\n"
                + (name == null ? "$-1\r\n" : "$" + name.length() + "\r\n" + name + "\r\n") + ":" + count + "\r\n";
    }

    static String message(String channel, String payload) {
        return "*3\r\n$7\r\nmessage\r\n$" + channel.length() + "\r\n" + channel + "\r\n$" + payload.length() + "\r\n"
                + payload + "\r\n";
    }

    static String pmessage(String pattern, String channel, String payload) {
        return "*4\r\n$8\r\npmessage\r\n$" + pattern.length() + "\r\n" + pattern + "\r\n$" + channel.length() + "\r\n"
                + channel + "\r\n$" + payload.length() + "\r\n" + payload + "\r\n";
    }

    @Nested
    class Subscribing {
        @Test
        void subscribeConfirmsEachChannelWithTheRunningCount() {
            CommandHarness h = new CommandHarness();
            assertEquals(confirm("subscribe", "a", 1) + confirm("subscribe", "b", 2) + confirm("subscribe", "a", 2),
                    h.exec("SUBSCRIBE", "a", "b", "a"));
            assertEquals(confirm("psubscribe", "p*", 3), h.exec("PSUBSCRIBE", "p*"));
            // Shard channels are counted apart from channels and patterns.
            assertEquals(confirm("ssubscribe", "s", 1), h.exec("SSUBSCRIBE", "s"));
        }

        @Test
        void unsubscribeCountsDownAndAnswersEvenWhenNothingIsSubscribed() {
            CommandHarness h = new CommandHarness();
            assertEquals(confirm("unsubscribe", null, 0), h.exec("UNSUBSCRIBE"));
            assertEquals(confirm("punsubscribe", null, 0), h.exec("PUNSUBSCRIBE"));
            assertEquals(confirm("sunsubscribe", null, 0), h.exec("SUNSUBSCRIBE"));
            h.exec("SUBSCRIBE", "a", "b");
            h.exec("PSUBSCRIBE", "x*", "y*");
            assertEquals(confirm("unsubscribe", "nope", 4), h.exec("UNSUBSCRIBE", "nope"));
            assertEquals(confirm("unsubscribe", "a", 3), h.exec("UNSUBSCRIBE", "a"));
            assertEquals(confirm("punsubscribe", "x*", 2) + confirm("punsubscribe", "y*", 1), h.exec("PUNSUBSCRIBE"));
            assertEquals(confirm("unsubscribe", "b", 0), h.exec("UNSUBSCRIBE"));
            assertEquals("+PONG\r\n", h.exec("PING"));
        }

        @Test
        void pingInSubscribedResp2ModeRepliesLikeAMessage() {
            CommandHarness h = new CommandHarness();
            h.exec("SUBSCRIBE", "a");
            assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", h.exec("PING"));
            assertEquals("*2\r\n$4\r\npong\r\n$2\r\nhi\r\n", h.exec("PING", "hi"));
        }

        @Test
        void resp2SubscribedModeRejectsOtherCommandsWithTheirFullName() {
            CommandHarness h = new CommandHarness();
            h.exec("PSUBSCRIBE", "x");
            assertEquals("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET "
                    + "are allowed in this context\r\n", h.exec("GET", "k"));
            assertEquals("-ERR Can't execute 'client|list': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / "
                    + "RESET are allowed in this context\r\n", h.exec("CLIENT", "LIST"));
            assertTrue(h.exec("PUBLISH", "x", "y").startsWith("-ERR Can't execute 'publish'"));
            assertEquals(confirm("ssubscribe", "s", 1), h.exec("SSUBSCRIBE", "s"));
            assertEquals("+RESET\r\n", h.exec("RESET"));
            assertEquals("$-1\r\n", h.exec("GET", "k"));
        }

        @Test
        void resp3AllowsEveryCommandAndUsesPushFrames() {
            CommandHarness h = new CommandHarness();
            h.exec("HELLO", "3");
            assertEquals(">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n", h.exec("SUBSCRIBE", "a"));
            assertEquals("_\r\n", h.exec("GET", "k"));
            assertEquals("+PONG\r\n", h.exec("PING"));
            // Publishing to itself: the push arrives before the reply, as in Redis.
            assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n:1\r\n", h.exec("PUBLISH", "a", "hi"));
            assertEquals(">3\r\n$12\r\npunsubscribe\r\n_\r\n:1\r\n", h.exec("PUNSUBSCRIBE"));
        }

        @Test
        void resetDropsEverySubscriptionSilently() {
            CommandHarness h = new CommandHarness();
            Client other = h.newClient();
            h.exec("SUBSCRIBE", "a");
            h.exec("PSUBSCRIBE", "*");
            h.exec("SSUBSCRIBE", "s");
            assertEquals("+RESET\r\n", h.exec("RESET"));
            assertEquals(":0\r\n", h.exec(other, "PUBLISH", "a", "m"));
            assertEquals(":0\r\n", h.exec(other, "PUBSUB", "NUMPAT"));
            assertEquals("*0\r\n", h.exec(other, "PUBSUB", "SHARDCHANNELS"));
        }
    }

    @Nested
    class Publishing {
        @Test
        void publishDeliversToChannelAndPatternSubscribersAndCountsReceivers() {
            CommandHarness h = new CommandHarness();
            Client sub = h.newClient();
            Client psub = h.newClient();
            h.exec(sub, "SUBSCRIBE", "news.it");
            h.exec(psub, "PSUBSCRIBE", "news.*", "n?ws.it", "other");
            assertEquals(":3\r\n", h.exec("PUBLISH", "news.it", "hello"));
            assertEquals(message("news.it", "hello"), pending(sub));
            assertEquals(pmessage("news.*", "news.it", "hello") + pmessage("n?ws.it", "news.it", "hello"), pending(psub));
            assertEquals(":0\r\n", h.exec("PUBLISH", "nobody", "x"));
            assertEquals("", pending(sub));
        }

        @Test
        void spublishReachesOnlyShardSubscribers() {
            CommandHarness h = new CommandHarness();
            Client shard = h.newClient();
            Client pattern = h.newClient();
            h.exec(shard, "SSUBSCRIBE", "orders");
            h.exec(pattern, "PSUBSCRIBE", "*");
            assertEquals(":1\r\n", h.exec("SPUBLISH", "orders", "1"));
            assertEquals("*3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$1\r\n1\r\n", pending(shard));
            assertEquals("", pending(pattern));
            assertEquals(":1\r\n", h.exec("PUBLISH", "orders", "2"));
            assertEquals("", pending(shard));
            assertEquals(message("orders", "2").replace("*3\r\n$7\r\nmessage", "*4\r\n$8\r\npmessage\r\n$1\r\n*"),
                    pending(pattern));
        }

        @Test
        void resp3SubscribersGetPushFramesWhileResp2OnesGetArrays() {
            CommandHarness h = new CommandHarness();
            Client three = h.newClient();
            h.exec(three, "HELLO", "3");
            h.exec(three, "SUBSCRIBE", "c");
            h.exec(three, "PSUBSCRIBE", "c*");
            h.exec("PUBLISH", "c", "m");
            assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n"
                    + ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$1\r\nm\r\n", pending(three));
        }

        @Test
        void clientsWithRepliesOffStillReceiveMessagesWhichArePushes() {
            CommandHarness h = new CommandHarness();
            Client sub = h.newClient();
            h.exec(sub, "HELLO", "3");
            h.exec(sub, "SUBSCRIBE", "c");
            h.exec(sub, "CLIENT", "REPLY", "OFF");
            assertEquals("", h.exec(sub, "GET", "k"), "replies are off");
            assertEquals(":1\r\n", h.exec("PUBLISH", "c", "m"));
            assertEquals(">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n", pending(sub));
        }
    }

    @Nested
    class Introspection {
        @Test
        void pubsubChannelsNumsubAndNumpat() {
            CommandHarness h = new CommandHarness();
            Client a = h.newClient();
            Client b = h.newClient();
            h.exec(a, "SUBSCRIBE", "news", "sport");
            h.exec(b, "SUBSCRIBE", "news");
            h.exec(a, "PSUBSCRIBE", "n*");
            h.exec(b, "PSUBSCRIBE", "n*", "s*");
            h.exec(b, "SSUBSCRIBE", "shard");
            assertEquals("*2\r\n$4\r\nnews\r\n$5\r\nsport\r\n", h.exec("PUBSUB", "CHANNELS"));
            assertEquals("*1\r\n$5\r\nsport\r\n", h.exec("PUBSUB", "CHANNELS", "s*"));
            assertEquals("*4\r\n$4\r\nnews\r\n:2\r\n$4\r\nnone\r\n:0\r\n", h.exec("PUBSUB", "NUMSUB", "news", "none"));
            assertEquals("*0\r\n", h.exec("PUBSUB", "NUMSUB"));
            assertEquals(":2\r\n", h.exec("PUBSUB", "NUMPAT"));
            assertEquals("*1\r\n$5\r\nshard\r\n", h.exec("PUBSUB", "SHARDCHANNELS"));
            assertEquals("*2\r\n$5\r\nshard\r\n:1\r\n", h.exec("PUBSUB", "SHARDNUMSUB", "shard"));
            h.exec("HELLO", "3");
            assertEquals("*2\r\n$5\r\nshard\r\n:1\r\n", h.exec("PUBSUB", "SHARDNUMSUB", "shard"));
        }

        @Test
        void pubsubErrorsAndHelp() {
            CommandHarness h = new CommandHarness();
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'ChanNels'. Try PUBSUB HELP.\r\n",
                    h.exec("PUBSUB", "ChanNels", "a", "b"));
            assertEquals("-ERR wrong number of arguments for 'pubsub|numpat' command\r\n", h.exec("PUBSUB", "NUMPAT", "x"));
            assertEquals("-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n", h.exec("PUBSUB", "foo"));
            assertEquals("-ERR wrong number of arguments for 'subscribe' command\r\n", h.exec("SUBSCRIBE"));
            assertEquals("-ERR wrong number of arguments for 'publish' command\r\n", h.exec("PUBLISH", "a"));
            String help = h.exec("PUBSUB", "HELP");
            assertTrue(help.startsWith("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+CHANNELS [<pattern>]\r\n"), help);
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"), help);
        }

        @Test
        void clientListShowsSubscriptionCountsAndThePubsubFlag() {
            CommandHarness h = new CommandHarness();
            Client sub = h.newClient();
            h.exec(sub, "SUBSCRIBE", "a", "b");
            h.exec(sub, "PSUBSCRIBE", "p*");
            h.exec(sub, "SSUBSCRIBE", "s");
            h.server().clients().add(sub);
            String line = ClientCommands.describe(sub);
            assertTrue(line.contains(" flags=P db=0 sub=2 psub=1 ssub=1 multi=-1 "), line);
            assertTrue(h.exec("CLIENT", "LIST", "TYPE", "pubsub").contains("id=" + sub.id() + " "));
            assertFalse(h.exec("CLIENT", "LIST", "TYPE", "normal").contains("id=" + sub.id() + " "));
        }

        @Test
        void infoCountsChannelsPatternsAndShardChannels() {
            CommandHarness h = new CommandHarness();
            Client sub = h.newClient();
            h.exec(sub, "SUBSCRIBE", "a", "b");
            h.exec(sub, "PSUBSCRIBE", "p*");
            String info = h.exec("INFO", "stats");
            assertTrue(info.contains("pubsub_channels:2\r\npubsub_patterns:1\r\npubsubshard_channels:0\r\n"), info);
        }

        @Test
        void commandInfoFlagsAndKeysMatchRedis() {
            CommandHarness h = new CommandHarness();
            CommandSpec subscribe = h.server().commandTable().lookup("subscribe");
            assertEquals(java.util.Set.of(CommandFlag.PUBSUB, CommandFlag.NOSCRIPT, CommandFlag.LOADING, CommandFlag.STALE),
                    subscribe.flags());
            assertEquals(-2, subscribe.arity());
            // The shard commands' channels are key specs flagged not_key: COMMAND GETKEYS skips them.
            assertEquals("-ERR The command has no key arguments\r\n", h.exec("COMMAND", "GETKEYS", "SSUBSCRIBE", "s1", "s2"));
        }
    }

    @Nested
    class Config {
        @Test
        void notifyKeyspaceEventsIsRenderedCanonically() {
            CommandHarness h = new CommandHarness();
            String[][] cases = {{"KEA", "AKE"}, {"AKEn", "AKE"}, {"Exn", "xnE"}, {"gn", "gn"}, {"KEAm", "AKEm"},
                    {"", ""}, {"g$lshzxetd", "A"}};
            for (String[] c : cases) {
                assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "notify-keyspace-events", c[0]));
                String v = c[1];
                assertEquals("*2\r\n$22\r\nnotify-keyspace-events\r\n$" + v.length() + "\r\n" + v + "\r\n",
                        h.exec("CONFIG", "GET", "notify-keyspace-events"), c[0]);
            }
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid "
                    + "event class character. Use 'Ag$lshzxeKEtmdn'.\r\n", h.exec("CONFIG", "SET", "notify-keyspace-events", "xyz"));
        }

        @Test
        void clientOutputBufferLimitParsesRedisFormat() {
            CommandHarness h = new CommandHarness();
            String name = "client-output-buffer-limit";
            String def = "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60";
            assertEquals("*2\r\n$26\r\n" + name + "\r\n$" + def.length() + "\r\n" + def + "\r\n", h.exec("CONFIG", "GET", name));
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", name, "pubsub 1mb 2k 5 replica 1 2 3"));
            String v = "normal 0 0 0 slave 1 2 3 pubsub 1048576 2000 5";
            assertEquals("*2\r\n$26\r\n" + name + "\r\n$" + v.length() + "\r\n" + v + "\r\n", h.exec("CONFIG", "GET", name));
            String prefix = "-ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ";
            assertEquals(prefix + "Wrong number of arguments in buffer limit configuration.\r\n",
                    h.exec("CONFIG", "SET", name, "pubsub 1mb 2k"));
            assertEquals(prefix + "Invalid client class specified in buffer limit configuration.\r\n",
                    h.exec("CONFIG", "SET", name, "master 1 2 3"));
            assertEquals(prefix + "Error in hard, soft or soft_seconds setting in buffer limit configuration.\r\n",
                    h.exec("CONFIG", "SET", name, "pubsub 1 2 -3"));
        }

        @Test
        void aSubscriberOverTheHardLimitIsClosed() {
            ServerConfig config = new ServerConfig();
            CommandHarness h = new CommandHarness(config);
            Client sub = h.newClient();
            h.exec(sub, "SUBSCRIBE", "c");
            h.exec("CONFIG", "SET", "client-output-buffer-limit", "pubsub 200 0 0");
            assertEquals(":1\r\n", h.exec("PUBLISH", "c", "x".repeat(100)));
            assertFalse(sub.closing());
            // Nobody reads the harness client's buffer: the second message passes 200 bytes.
            assertEquals(":1\r\n", h.exec("PUBLISH", "c", "x".repeat(100)));
            assertTrue(sub.closing());
            assertEquals("", pending(sub));
            // A closing client still counts as a receiver but gets nothing more.
            assertEquals(":1\r\n", h.exec("PUBLISH", "c", "y"));
            assertEquals("", pending(sub));
        }

        @Test
        void theSoftLimitClosesOnlyAfterItsSeconds() throws InterruptedException {
            CommandHarness h = new CommandHarness();
            Client sub = h.newClient();
            h.exec(sub, "SUBSCRIBE", "c");
            h.exec("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 10 3600");
            h.exec("PUBLISH", "c", "x".repeat(100));
            h.exec("PUBLISH", "c", "x".repeat(100));
            assertFalse(sub.closing());
            h.exec("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 10 0");
            // Over the soft limit since the first message; with 0 seconds allowed it must go
            // as soon as a later second has begun, so accept either outcome now and force one.
            long start = System.currentTimeMillis() / 1000;
            while (!sub.closing() && System.currentTimeMillis() / 1000 <= start + 1) {
                h.exec("PUBLISH", "c", "x");
                Thread.sleep(50);
            }
            assertTrue(sub.closing());
        }
    }
}
