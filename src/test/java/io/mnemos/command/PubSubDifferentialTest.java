package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Pub/Sub and keyspace notifications against a real redis-server: the same scripted commands run
 * on both, and the raw replies and the raw message stream a pattern subscriber receives must be
 * byte-identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PubSubDifferentialTest {
    /** Every implemented family, with the edge cases that fire (or do not fire) events. */
    private static final String[] SCRIPT = {
        "SET a 1", "SET a 2 EX 100", "SETNX a 3", "SETNX b 3", "SETEX c 100 x", "PSETEX d 100000 x", "GETSET a 5",
        "GETDEL b", "GETDEL nokey", "GETEX a EX 50", "GETEX a PERSIST", "GETEX a PERSIST", "GETEX c PXAT 1",
        "MSET m1 1 m2 2", "MSETNX m1 1 m3 3", "MSETNX m4 1 m5 3", "APPEND ap x", "APPEND ap y", "SETRANGE sr 3 abc",
        "SETRANGE nosr 0 ''", "INCR i", "DECR i", "INCRBY i 5", "DECRBY i 2", "INCRBYFLOAT f 1.5", "GET nokey",
        "MGET nokey a", "STRLEN nokey", "SET x 1 GET", "SET x 2 XX GET", "SET x 3 NX", "SET x 3 KEEPTTL",
        "DEL a x nokey", "UNLINK m1", "EXISTS nokey m2", "TYPE nokey", "TTL nokey", "EXPIRE m2 100",
        "EXPIRE m2 100 NX", "PEXPIRE m2 1000000 XX", "EXPIREAT m2 1", "PERSIST m3", "EXPIRE m3 100", "PERSIST m3",
        "RENAME m3 r3", "RENAME r3 r3", "RENAMENX r3 m4", "SET r4 x", "RENAME r3 r4", "COPY r4 c4", "COPY r4 c4",
        "COPY r4 c4 REPLACE", "COPY r4 c5 DB 1", "MOVE r4 2", "MOVE nokey 2", "TOUCH r4 c4", "OBJECT ENCODING nokey",
        "LPUSH l a b c", "RPUSH l d", "LPUSHX nol a", "RPUSHX l e", "LPOP l", "RPOP l", "LPOP l 0", "LPOP l 1",
        "RPOP l 10", "LPUSH l a b c d e a", "LSET l 0 z", "LINSERT l BEFORE z y", "LINSERT l BEFORE nothere y",
        "LREM l 1 a", "LREM l 0 nothere", "LTRIM l 0 -1", "LTRIM l 1 2", "LMOVE l l2 LEFT RIGHT", "RPOPLPUSH l l2",
        "LMOVE l2 l2 LEFT LEFT", "LRANGE nokey 0 -1", "LMPOP 2 nol l2 LEFT COUNT 10", "RPUSH t a", "LTRIM t 5 10",
        "HSET h a 1 b 2", "HMSET h c 3", "HSETNX h a 1", "HSETNX h d 1", "HDEL h nothere", "HDEL h a b",
        "HINCRBY h c 5", "HINCRBYFLOAT h c 1.5", "HGET nokey a", "HDEL h c d", "HINCRBY h2 x 1",
        "HINCRBYFLOAT h3 x 1", "RPUSH so2 2 1", "SET w_1 5", "SORT so2 BY w_* GET # GET w_* GET h_*->f",
        "SORT nokey BY w_*", "SORT so2 BY nosort STORE so3", "SELECT 3", "SET in3 v", "DEL in3", "SELECT 0", "FLUSHDB",
    };

    /** Sets, sorted sets, bitmaps, HyperLogLogs and blocking commands served at once. */
    private static final String[] COLLECTIONS_SCRIPT = {
        "SADD s a b c", "SADD s a", "SREM s nothere", "SREM s a", "SMOVE s s2 b", "SMOVE s s2 nothere",
        // (SPOP picks at random: only pops whose result is certain, a whole set or its only member.)
        "SMOVE s s2 c", "SADD s3 1 2 3 4 5", "SPOP s3 0", "SPOP s3 10", "SADD s3 9", "SPOP s3", "SPOP nokey",
        "SADD a1 x y", "SADD a2 y z", "SINTERSTORE d1 a1 a2", "SUNIONSTORE d2 a1 a2", "SDIFFSTORE d3 a1 a2",
        "SINTERSTORE d1 a1 nokey", "SINTERSTORE d9 a1 nokey", "SMOVE a1 a1 x", "SADD a1 w", "SMOVE a1 a2 w",
        "SREM a2 y z w",
        "ZADD z 1 a 2 b 3 c", "ZADD z 1 a", "ZADD z XX 5 a", "ZADD z NX 5 a", "ZADD z INCR 1 a", "ZINCRBY z 2 b",
        "ZREM z nothere", "ZREM z a", "ZREMRANGEBYRANK z 0 0", "ZREMRANGEBYSCORE z 100 200",
        "ZADD z 1 x 2 y 3 w", "ZREMRANGEBYSCORE z 1 2", "ZADD zl 0 a 0 b 0 c", "ZREMRANGEBYLEX zl [a [a",
        "ZREMRANGEBYLEX zl [x [z", "ZPOPMIN zl", "ZPOPMAX zl 5", "ZPOPMIN nokey", "ZADD p1 1 a 2 b 3 c",
        "ZADD p2 2 b 3 c", "ZUNIONSTORE u 2 p1 p2", "ZINTERSTORE i 2 p1 p2", "ZDIFFSTORE df 2 p1 p2",
        "ZINTERSTORE i 2 p1 nokey", "ZINTERSTORE i9 2 p1 nokey", "ZRANGESTORE rs p1 0 -1", "ZRANGESTORE rs p1 5 10",
        "GEOADD g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "GEOADD g 13.361389 38.115556 Palermo",
        "GEOADD g XX 1 1 nothere", "GEOSEARCHSTORE gs g FROMLONLAT 15 37 BYRADIUS 200 km",
        "GEORADIUS g 15 37 200 km STOREDIST gr", "GEORADIUSBYMEMBER g Palermo 1 m STORE gr",
        "GEORADIUS g 15 37 1 m STORE gr", "GEOSEARCHSTORE gs nokey FROMLONLAT 15 37 BYRADIUS 1 km",
        "ZMPOP 1 p2 MIN COUNT 5", "BZPOPMIN p1 0", "BZPOPMAX p1 0", "BZMPOP 0 1 p1 MAX COUNT 3", "ZREM z w c",
        "SETBIT bm 7 1", "SETBIT bm 7 1", "SETBIT bm 100 0", "BITOP AND bd bm bm", "BITOP OR bd2 bm nokey",
        "BITOP AND bd nokey", "BITOP AND bd8 nokey", "BITFIELD bf SET u8 0 255", "BITFIELD bf GET u8 0",
        "BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1", "BITFIELD bf INCRBY u8 8 1", "BITFIELD_RO bf GET u8 0",
        "PFADD h1 a", "PFADD h1 a", "PFADD h2 b", "PFMERGE h3 h1 h2", "PFMERGE h1", "PFCOUNT h1 h2", "PFADD h4",
        "RPUSH bl a", "BLPOP bl 0", "RPUSH bl a b", "BLMOVE bl bl2 LEFT RIGHT 0", "BRPOPLPUSH bl bl2 0",
        "BLMPOP 0 1 bl2 LEFT COUNT 5", "BRPOP nokey 0.01",
        // SORT ... STORE: "sortstore" on a result, "del" when an empty one removes the destination.
        "RPUSH so 3 1 2", "SORT so STORE sod", "SORT so LIMIT 0 0 STORE sod", "SORT so LIMIT 0 0 STORE sod",
        "SORT_RO so", "SORT so", "SORT nokey STORE so",
    };

    /** Streams: xadd (and xtrim when its trim removed something), xdel, xtrim, xsetid; none for no-ops. */
    private static final String[] STREAMS_SCRIPT = {
        "XADD s 1-1 a 1", "XADD s 1-1 a 1", "XADD s MAXLEN 1 2-1 a 1", "XADD s MAXLEN 5 3-1 a 1",
        "XADD s MAXLEN x 4-1 a 1", "XADD nos NOMKSTREAM 1-1 a 1", "XDEL s 9-9", "XDEL s 3-1 9-9",
        "XTRIM s MAXLEN 5", "XTRIM s MAXLEN 0", "XTRIM s MAXLEN 0", "XSETID s 10-0", "XSETID s 1-0 MAXDELETEDID 2-0",
        "XADD s 11-0 a 1", "XTRIM s MINID 12", "XLEN s", "XRANGE s - +", "DEL s", "XTRIM s MAXLEN 0",
        // groups: xgroup-* events; reads, acks and claims fire none but xgroup-createconsumer
        "XGROUP CREATE g grp $ MKSTREAM", "XGROUP CREATE g grp $", "XADD g 1-0 f v", "XGROUP CREATECONSUMER g grp c",
        "XGROUP CREATECONSUMER g grp c", "XREADGROUP GROUP grp alice STREAMS g >", "XREADGROUP GROUP grp bob STREAMS g >",
        "XACK g grp 1-0", "XCLAIM g grp carol 0 1-0 FORCE JUSTID", "XAUTOCLAIM g grp dave 0 0 JUSTID",
        "XGROUP SETID g grp 0", "XGROUP DELCONSUMER g grp alice", "XGROUP DELCONSUMER g grp nobody",
        "XGROUP DESTROY g grp", "XGROUP DESTROY g grp",
    };

    private RealRedis redis;
    private RunningServer mnemos;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        redis = RealRedis.start();
        mnemos = RunningServer.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (mnemos != null) {
            mnemos.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String[] words(String line) {
        String[] w = line.split(" ");
        for (int i = 0; i < w.length; i++) {
            if (w[i].equals("''")) {
                w[i] = "";
            }
        }
        return w;
    }

    /** Replies to the script, then every message the subscriber got, up to an end marker. */
    private static List<String> run(int port, String flags, String subscription, String[] script) throws IOException {
        List<String> out = new ArrayList<>();
        try (RespConnection c = new RespConnection("127.0.0.1", port);
             RespConnection sub = new RespConnection("127.0.0.1", port)) {
            c.call("FLUSHALL");
            c.call("CONFIG", "SET", "notify-keyspace-events", flags);
            out.add(sub.call("PSUBSCRIBE", subscription));
            for (String line : script) {
                out.add(line + " -> " + c.call(words(line)));
            }
            c.call("CONFIG", "SET", "notify-keyspace-events", "");
            c.call("PUBLISH", "end-marker", "end");
            sub.call("PSUBSCRIBE", "end-marker");
            while (true) {
                String m = sub.readReply();
                if (m.contains("end-marker")) {
                    break;
                }
                out.add(m);
            }
            c.call("FLUSHALL");
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"KEA", "Ks", "Ez", "E$g", "Kl"})
    void collectionNotificationStreamsMatchRedis(String flags) throws IOException {
        assertSameStreams(flags, COLLECTIONS_SCRIPT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KEA", "AKEnm", "gxE$m", "Kl", "Eh"})
    void keyspaceNotificationStreamsMatchRedis(String flags) throws IOException {
        assertSameStreams(flags, SCRIPT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KEA", "Kt", "Et", "E$g"})
    void streamNotificationStreamsMatchRedis(String flags) throws IOException {
        assertSameStreams(flags, STREAMS_SCRIPT);
    }

    /**
     * A RESP3 client subscribed to the events of its own commands: each push lands in its output
     * where Redis 7.0 writes it, before the reply, after it, or inside the array of a sorted-set pop.
     */
    @Test
    void aResp3ClientHearsItsOwnCommandsEventsWhereRedisWritesThem() throws IOException {
        for (String[] script : List.of(SCRIPT, COLLECTIONS_SCRIPT, STREAMS_SCRIPT)) {
            assertEquals(String.join("\n", ownEvents(redis.port(), script)),
                    String.join("\n", ownEvents(mnemos.port(), script)));
        }
    }

    /** Each command of the script with every frame its client got up to a synchronising ECHO. */
    private static List<String> ownEvents(int port, String[] script) throws IOException {
        List<String> out = new ArrayList<>();
        try (RespConnection c = new RespConnection("127.0.0.1", port)) {
            c.call("FLUSHALL");
            c.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
            c.call("HELLO", "3");
            out.add(c.call("PSUBSCRIBE", "__key*"));
            for (String line : script) {
                c.sendRaw(RespConnection.encode(words(line)));
                c.sendRaw(RespConnection.encode("ECHO", "sync"));
                StringBuilder frames = new StringBuilder();
                for (String f = c.readReply(); !f.equals("$4\r\nsync\r\n"); f = c.readReply()) {
                    frames.append(f);
                }
                out.add(line + " -> " + frames);
            }
            c.call("CONFIG", "SET", "notify-keyspace-events", "");
            c.call("FLUSHALL");
        }
        return out;
    }

    /** The script's replies and the events a __key* subscriber hears, under these flags, on both. */
    private void assertSameStreams(String flags, String[] script) throws IOException {
        List<String> expected = run(redis.port(), flags, "__key*", script);
        List<String> actual = run(mnemos.port(), flags, "__key*", script);
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    @Test
    void subscribersOfExactKeyspaceChannelsGetPlainMessages() throws IOException {
        String[] script = {"SET k v", "EXPIRE k 100", "PERSIST k", "DEL k", "SET other v"};
        List<String> expected = run(redis.port(), "KA", "__keyspace@0__:k", script);
        List<String> actual = run(mnemos.port(), "KA", "__keyspace@0__:k", script);
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    /** Runs steps "client: command" over two connections of each server and compares everything each saw. */
    private static List<String> conversation(int port, String[] steps) throws IOException {
        List<String> out = new ArrayList<>();
        try (RespConnection a = new RespConnection("127.0.0.1", port);
             RespConnection b = new RespConnection("127.0.0.1", port)) {
            for (String step : steps) {
                RespConnection c = step.startsWith("a:") ? a : b;
                String line = step.substring(2).trim();
                if (line.equals("READ")) {
                    out.add(step + " -> " + c.readReply());
                    continue;
                }
                boolean send = line.startsWith("SEND ");
                String[] w = words(send ? line.substring(5) : line);
                c.sendRaw(RespConnection.encode(java.util.Arrays.stream(w)
                        .map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toArray(byte[][]::new)));
                int replies = send ? 0 : 1; // SEND: no reply is read (CLIENT REPLY OFF)
                String cmd = w[0].toUpperCase();
                if (!send && cmd.endsWith("SUBSCRIBE") && w.length > 2) {
                    replies = w.length - 1;
                }
                for (int i = 0; i < replies; i++) {
                    // Client ids (HELLO) differ between the servers.
                    out.add(step + " -> " + c.readReply().replaceAll("\\$2\r\nid\r\n:\\d+", "\\$2\r\nid\r\n:N"));
                }
            }
        }
        return out;
    }

    @Test
    void subscribeRestrictionsAndPushFramesMatchRedis() throws IOException {
        String[] steps = {
            "a: SUBSCRIBE ch1 ch2", "a: PSUBSCRIBE ch*", "a: PING", "a: PING hello", "a: GET k", "a: CONFIG GET port",
            "a: SSUBSCRIBE s1", "b: PUBSUB NUMSUB ch1 ch2 ch3", "b: PUBSUB NUMPAT", "b: PUBSUB CHANNELS ch1",
            "b: PUBSUB SHARDCHANNELS", "b: PUBSUB SHARDNUMSUB s1 s2", "b: PUBLISH ch1 hello", "a: READ", "a: READ",
            "b: PUBLISH chx only-pattern", "a: READ", "b: SPUBLISH s1 shard", "a: READ", "a: UNSUBSCRIBE ch1",
            "a: PUNSUBSCRIBE", "a: SUNSUBSCRIBE", "a: UNSUBSCRIBE", "a: UNSUBSCRIBE", "a: GET k",
            "b: HELLO 3", "b: SUBSCRIBE r3", "b: GET k", "b: PING", "a: PUBLISH r3 three", "b: READ",
            "b: PUBLISH r3 self", "b: READ", "b: PUNSUBSCRIBE", "b: UNSUBSCRIBE r3", "b: SUBSCRIBE x", "b: RESET",
            "b: PUBSUB NUMSUB x", "a: PUBSUB HELP", "a: PUBSUB CHANNELS a b", "a: PUBSUB NUMPAT x", "a: PUBSUB foo",
            "a: SUBSCRIBE", "a: PUBLISH x",
        };
        assertEquals(String.join("\n", conversation(redis.port(), steps)),
                String.join("\n", conversation(mnemos.port(), steps)));
    }

    @Test
    void pushesReachClientsWithRepliesOffOrSkipped() throws IOException {
        // Subscription confirmations and messages are pushes (Redis's CLIENT_PUSHING): CLIENT REPLY
        // OFF and SKIP silence replies, not them.
        String[] steps = {
            // (RESP2 subscribed mode refuses CLIENT REPLY ON, silently under OFF: unsubscribe first.)
            "a: SEND CLIENT REPLY OFF", "a: SEND SUBSCRIBE off1", "a: SEND GET k", "a: READ", "b: PUBLISH off1 m",
            "a: READ", "a: SEND UNSUBSCRIBE off1", "a: READ", "a: SEND CLIENT REPLY ON", "a: READ",
            "a: SEND CLIENT REPLY SKIP", "a: SUBSCRIBE sk1 sk2", "a: PING", "a: UNSUBSCRIBE sk1 sk2",
            "b: HELLO 3", "b: SEND CLIENT REPLY OFF", "b: SEND SUBSCRIBE r3", "b: READ", "b: SEND GET k",
            "a: PUBLISH r3 three", "b: READ", "b: SEND CLIENT REPLY ON", "b: READ", "b: UNSUBSCRIBE r3",
        };
        assertEquals(String.join("\n", conversation(redis.port(), steps)),
                String.join("\n", conversation(mnemos.port(), steps)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"subscribe", "unsubscribe", "psubscribe", "punsubscribe", "publish", "pubsub",
            "ssubscribe", "sunsubscribe", "spublish"})
    void commandInfoAndDocsMatchRedis(String command) throws IOException {
        try (RespConnection ref = new RespConnection("127.0.0.1", redis.port());
             RespConnection mine = new RespConnection("127.0.0.1", mnemos.port())) {
            if (!command.equals("pubsub")) {
                // Redis lists a container's subcommands in hash order; compare those separately.
                assertEquals(ref.call("COMMAND", "INFO", command), mine.call("COMMAND", "INFO", command));
                assertEquals(ref.call("COMMAND", "DOCS", command), mine.call("COMMAND", "DOCS", command));
            } else {
                for (String sub : new String[]{"channels", "numsub", "numpat", "shardchannels", "shardnumsub", "help"}) {
                    assertEquals(ref.call("COMMAND", "INFO", "pubsub|" + sub), mine.call("COMMAND", "INFO", "pubsub|" + sub));
                }
            }
        }
    }
}
