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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Client side caching against a real redis-server: three connections per server, a tracking client
 * {@code t}, a writer {@code w} and a redirect target {@code r}, run the same steps; every reply and
 * every push (invalidations, null "all keys" messages, redirect-broken notices, Pub/Sub messages on
 * __redis__:invalidate) each connection receives must be byte-identical. After each step every
 * connection is synchronised with a command of its own (CLIENT GETNAME, or PING for the subscriber
 * {@code r}, neither of which changes tracking state), and what arrived before its answer is recorded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrackingDifferentialTest {
    private RealRedis redis;
    private RunningServer mnemos;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        redis = RealRedis.start("--enable-debug-command", "yes");
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

    /** The three connections of one server, with the redirect target's id for "{R}" in commands. */
    private static final class Session implements AutoCloseable {
        final Map<String, RespConnection> conns = new LinkedHashMap<>();
        final List<String> transcript = new ArrayList<>();
        final String redirectId;

        Session(int port) throws IOException {
            for (String name : List.of("t", "w", "r")) {
                RespConnection c = new RespConnection("127.0.0.1", port);
                conns.put(name, c);
            }
            conns.get("w").call("FLUSHALL");
            conns.get("w").call("CONFIG", "SET", "tracking-table-max-keys", "0");
            String id = conns.get("r").call("CLIENT", "ID");
            redirectId = id.substring(1, id.length() - 2);
        }

        /** "t GET a": runs the command on t, then synchronises every connection. */
        void step(String line) throws IOException {
            String conn = line.startsWith("@") ? "w" : line.substring(0, 1);
            String[] words = line.substring(2).replace("{R}", redirectId).split(" ");
            for (int i = 0; i < words.length; i++) {
                // '' is an empty argument, ~ a space inside one (script bodies).
                words[i] = words[i].equals("''") ? "" : words[i].replace('~', ' ');
            }
            String reply;
            if (words[0].equals("@info")) {
                reply = trackingInfoFields(conns.get(conn).call("INFO", "everything"));
            } else {
                reply = conns.get(conn).call(words);
                reply = line.contains("GETREDIR") ? reply.replace(":" + redirectId + "\r\n", ":{R}\r\n")
                        : normalize(reply);
                if (words[0].equalsIgnoreCase("hello") && !reply.startsWith("-")) {
                    reply = "(HELLO map with the connection's id)";
                }
            }
            transcript.add(line + " -> " + reply);
            if (line.contains("KILL ID {R}")) {
                // Killed at once on both servers (QUIT would close it only once its reply is written).
                conns.remove("r").close();
            }
            for (Map.Entry<String, RespConnection> e : conns.entrySet()) {
                List<String> pushes = sync(e.getKey(), e.getValue());
                if (!pushes.isEmpty()) {
                    transcript.add("  " + e.getKey() + " got " + pushes);
                }
            }
        }

        /** Frames before the answer to a synchronising command: pushes and Pub/Sub messages. */
        private List<String> sync(String name, RespConnection c) throws IOException {
            List<String> pushes = new ArrayList<>();
            if (name.equals("r")) {
                c.sendRaw(RespConnection.encode("PING", "sync"));
            } else {
                c.sendRaw(RespConnection.encode("CLIENT", "GETNAME"));
            }
            while (true) {
                String frame = c.readReply();
                if (frame.startsWith(">") || frame.startsWith("*3\r\n$7\r\nmessage\r\n")) {
                    pushes.add(normalize(frame));
                } else {
                    return pushes;
                }
            }
        }

        /** The redirect client's id differs between the servers: shown as {R} where it is reported. */
        private String normalize(String frame) {
            if (frame.contains("redirect") || frame.contains("tracking-redir-broken")) {
                return frame.replace(":" + redirectId + "\r\n", ":{R}\r\n");
            }
            return frame;
        }

        private static String trackingInfoFields(String info) {
            StringBuilder out = new StringBuilder();
            for (String l : info.split("\r\n")) {
                if (l.startsWith("tracking_")) {
                    out.append(l).append(' ');
                }
            }
            return out.toString();
        }

        @Override
        public void close() throws IOException {
            for (RespConnection c : conns.values()) {
                c.close();
            }
        }
    }

    private void assertSameTranscripts(List<String> steps) throws IOException {
        List<String> expected;
        List<String> actual;
        try (Session real = new Session(redis.port()); Session ours = new Session(mnemos.port())) {
            for (String s : steps) {
                real.step(s);
                ours.step(s);
            }
            expected = real.transcript;
            actual = ours.transcript;
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    @Test
    void defaultModeInvalidatesWhatTheTrackerReadOnEveryKindOfModification() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "t CLIENT TRACKING on", "t CLIENT TRACKINGINFO", "t CLIENT GETREDIR",
                "t GET a", "t MGET b c", "t HGET h f", "t LRANGE l 0 -1", "t EXISTS ab", "t STRLEN s", "@ @info",
                "w SET a 1", "w MSET b 1 c 2", "w HSET h f v", "w RPUSH l x", "w SET ab 1", "w APPEND s x",
                "t GET a", "w DEL a", "w DEL a", "t GET b", "w EXPIRE b 100", "t GET b", "w PERSIST b",
                "t GET c", "w RENAME c c2", "t GET c2", "t GET x", "w COPY c2 x", "w COPY c2 x DB 1",
                "w MOVE c2 1", "t GET y", "w SELECT 1", "w SET y 1", "w SELECT 0",
                "t GET a", "t GET b", "w FLUSHDB", "t GET a", "w FLUSHALL", "t GET q", "w SWAPDB 0 1",
                "w SET q 1", "t GET q", "t SET q 2", "t GET q", "t INCR q", "@ @info",
                "t GET m1", "t GET m2", "w MULTI", "w SET m1 1", "w SET m2 2", "w EXEC",
                "t MULTI", "t GET m3", "t SET m3 x", "t EXEC",
                "t GET e1", "w EVAL redis.call('set',KEYS[1],'x') 1 e1",
                "t EVAL return~redis.call('get','e2') 1 e3", "t EVAL_RO return~1 1 e4",
                "t EVAL_RO return~redis.call('get','e5') 1 e6", "w MSET e2 1 e3 1 e4 1 e5 1 e6 1",
                "t GET w1", "w SET w1 1 GET", "t GET w1", "w GETDEL w1", "t GET s", "w SETRANGE s 0 y",
                "t CLIENT TRACKING off", "@ @info", "w SET a 5", "w SET q 5", "@ @info", "t CLIENT TRACKINGINFO"));
    }

    @Test
    void noloopSkipsTheTrackersOwnWritesButNotOthers() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "t CLIENT TRACKING on NOLOOP", "t CLIENT TRACKINGINFO", "t GET a", "t SET a 1",
                "t GET a", "w SET a 2", "t GET a", "t EVAL redis.call('set',KEYS[1],'x') 1 a", "w SET a 3",
                "t GET a", "t FLUSHALL", "t GET a", "w FLUSHALL", "@ @info"));
    }

    @Test
    void redirectSendsPubSubMessagesToAResp2SubscriberAndReportsABrokenRedirect() throws IOException {
        assertSameTranscripts(List.of(
                "r SUBSCRIBE __redis__:invalidate", "t CLIENT TRACKING on REDIRECT {R}", "t CLIENT GETREDIR",
                "t CLIENT TRACKINGINFO", "t GET a", "t MGET b c", "w SET a 1", "w DEL b c", "t GET a",
                "w FLUSHALL", "t GET a", "t SET a 2", "t HELLO 3", "t GET a", "w SET a 1", "t GET b",
                "r UNSUBSCRIBE", "w SET b 1", "t GET b", "r RESET", "w SET b 2", "t GET a",
                "w CLIENT KILL ID {R}", "w SET a 9", "t CLIENT TRACKINGINFO", "t GET a", "w SET a 10",
                "t CLIENT TRACKINGINFO",
                "t CLIENT TRACKING on", "t CLIENT TRACKINGINFO"));
    }

    @Test
    void redirectToAResp3ClientSendsPushes() throws IOException {
        assertSameTranscripts(List.of(
                "r HELLO 3", "t CLIENT TRACKING on REDIRECT {R} NOLOOP", "t GET a", "t SET a 1", "t GET a",
                "w SET a 2", "t GET b", "w FLUSHDB", "t CLIENT TRACKING on BCAST", "t CLIENT TRACKING off",
                "t CLIENT TRACKING on BCAST REDIRECT {R} PREFIX a", "w SET ab 1", "w SET b 1", "t SET ax 1",
                "t CLIENT TRACKINGINFO", "@ @info"));
    }

    @Test
    void bcastCollectsKeysUnderEachPrefixAndSendsThemOncePerIteration() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "t CLIENT TRACKING on BCAST PREFIX user: PREFIX obj", "t CLIENT TRACKINGINFO",
                "@ @info", "w SET user:1 a", "w MSET user:2 b user:1 c obj:9 d other e", "w DEL user:1 nokey",
                "t GET user:2", "t SET objx 1", "w FLUSHALL", "t CLIENT TRACKING on BCAST PREFIX user:",
                "t CLIENT TRACKING on BCAST PREFIX us", "t CLIENT TRACKING on BCAST PREFIX zz PREFIX zy",
                "t CLIENT TRACKINGINFO", "w SET zz1 1", "t CLIENT TRACKING on", "t CLIENT TRACKING off",
                "t CLIENT TRACKING on BCAST NOLOOP", "t SET k1 1", "w SET k2 1", "t MSET k3 1 k4 2",
                "w MULTI", "w SET k5 1", "w SET k3 2", "w EXEC", "t EVAL redis.call('set','k6','x') 0",
                "t CLIENT TRACKINGINFO", "@ @info"));
    }

    @Test
    void reenablingAddsPrefixesAndReplacesTheRedirect() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "r HELLO 3", "t CLIENT TRACKING on BCAST PREFIX a",
                "t CLIENT TRACKING on BCAST PREFIX b", "r CLIENT TRACKING on BCAST PREFIX a NOLOOP", "@ @info",
                "w MSET a1 1 b1 1 c1 1", "r SET a2 1", "t CLIENT TRACKING on BCAST REDIRECT {R}",
                "t CLIENT TRACKINGINFO", "w SET b2 1", "r CLIENT TRACKING off",
                "@ @info", "w SET a3 1", "t CLIENT TRACKING off", "@ @info", "t CLIENT TRACKING on REDIRECT {R}",
                "t CLIENT TRACKING on", "t CLIENT GETREDIR", "t GET k", "w SET k 1",
                "t CLIENT TRACKING on REDIRECT {R}",
                "t GET k", "r HELLO 2", "w SET k 2", "t GET k", "r HELLO 3", "t GET k", "w SET k 3"));
    }

    @Test
    void aClientMayRedirectToItself() throws IOException {
        assertSameTranscripts(List.of(
                "r HELLO 3", "r CLIENT TRACKING on REDIRECT {R}", "r GET a", "w SET a 1", "r GET a", "r SET a 2",
                "r HELLO 2", "r GET b", "r SUBSCRIBE __redis__:invalidate", "w SET b 1", "w FLUSHDB"));
    }

    @Test
    void optinAndOptoutFollowClientCachingForTheNextCommandOrTransaction() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "t CLIENT CACHING yes", "t CLIENT TRACKING on OPTIN", "t CLIENT CACHING no",
                "t CLIENT CACHING maybe", "t GET a", "t CLIENT CACHING yes", "t CLIENT TRACKINGINFO", "t GET b",
                "t GET c", "w MSET a 1 b 1 c 1", "t CLIENT CACHING yes", "t MULTI", "t GET d", "t GET e",
                "t EXEC", "t GET f", "w MSET d 1 e 1 f 1", "t CLIENT TRACKING on OPTOUT", "t CLIENT TRACKING off",
                "t CLIENT TRACKING on OPTOUT", "t GET a", "t CLIENT CACHING no", "t GET b", "t GET c",
                "t CLIENT TRACKINGINFO", "w MSET a 2 b 2 c 2", "t CLIENT TRACKING on OPTIN OPTOUT",
                "t CLIENT TRACKING on OPTIN", "t RESET", "t CLIENT TRACKINGINFO", "w SET a 3", "@ @info"));
    }

    /** A script's keys are touched by its commands that wrote them, not for having been declared. */
    @Test
    void aScriptSignalsOnlyTheKeysItsCommandsWrote() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "r HELLO 3", "r CLIENT TRACKING on BCAST", "w SET z str", "t CLIENT TRACKING on",
                "t GET z", "t WATCH z",
                "w EVAL redis.call('lpush',KEYS[1],'i');redis.call('zadd',KEYS[2],1,'i') 2 l z",
                "w EVAL redis.call('set',KEYS[1],'1');return~redis.call('get',KEYS[2]) 2 a z",
                "t MULTI", "t GET z", "t EXEC", "w SET z 2"));
    }

    /** A list move invalidates its destination, then its source; SMOVE and RENAME the other way. */
    @Test
    void aMoveInvalidatesItsKeysInRedisOrder() throws IOException {
        assertSameTranscripts(List.of(
                "t HELLO 3", "t CLIENT TRACKING on", "t RPUSH a 1 2 3", "t EXISTS a b", "t LMOVE a b LEFT LEFT",
                "t MGET a b", "t RPOPLPUSH a b", "t MGET a b", "w SET c 1", "w RPUSH d x", "t MGET a b c d",
                "w BLMOVE d c LEFT LEFT 0", "t MGET a b c d", "w BLMOVE b a LEFT LEFT 0", "t SADD s1 m",
                "t EXISTS s1 s2", "t SMOVE s1 s2 m", "t MGET s1 s2", "t RENAME s2 s3"));
    }

    /**
     * A client that tracks keys and hears their keyspace events gets each invalidation where Redis
     * signals the key: before the event for most writes, after it for the pops, LTRIM and ZREM,
     * both keys first for RENAME, the source after its events for the moves.
     */
    @Test
    void invalidationsAndKeyspaceEventsInterleaveAsInRedis() throws IOException {
        List<String> steps = new ArrayList<>(List.of("t HELLO 3", "t CLIENT TRACKING on",
                "w CONFIG SET notify-keyspace-events KEA", "t PSUBSCRIBE __key*"));
        String track = "t EXISTS l l3 k k2 s s2 z h x";
        for (String write : List.of("RPUSH l a b c", "LPOP l", "LTRIM l 0 0", "SET k v", "RENAME k k2", "SADD s a b",
                "SMOVE s s2 a", "SPOP s", "RPUSH l a b", "LMOVE l l3 LEFT RIGHT", "ZADD z 1 a 2 b 3 c", "ZREM z a",
                "ZPOPMIN z 5", "HSET h f 1", "DEL h s2", "XADD x 1-1 f v", "XTRIM x MAXLEN 0", "COPY l3 l",
                "MOVE l 1", "SDIFFSTORE l3 nokey")) {
            steps.add(track);
            steps.add("w " + write);
        }
        steps.add("w CONFIG SET notify-keyspace-events ''");
        assertSameTranscripts(steps);
    }

    /**
     * An invalidation pending for the end of a transaction is sent even if the transaction turned
     * tracking off, to where it was redirected before (a broken redirect is reported and flagged).
     */
    @Test
    void aPendingInvalidationOutlivesTrackingOffInTheSameTransaction() throws IOException {
        assertSameTranscripts(List.of("t HELLO 3", "t MULTI", "t CLIENT TRACKING on", "t LLEN l", "t LPUSH l c",
                "t CLIENT TRACKING off", "t EXEC", "t LPUSH l d"));
        assertSameTranscripts(List.of("r SUBSCRIBE __redis__:invalidate", "t MULTI",
                "t CLIENT TRACKING on REDIRECT {R}", "t LLEN l", "t LPUSH l c", "t CLIENT TRACKING off", "t EXEC",
                "t LPUSH l d", "t CLIENT TRACKING on", "t LLEN l", "t MULTI", "t LPUSH l e", "t CLIENT TRACKING off",
                "t EXEC"));
        assertSameTranscripts(List.of("t HELLO 3", "t MULTI", "t CLIENT TRACKING on REDIRECT {R}", "t GET k",
                "t SET k 1", "w CLIENT KILL ID {R}", "t CLIENT TRACKING off", "t EXEC", "t CLIENT TRACKINGINFO",
                "t CLIENT TRACKING on", "t CLIENT TRACKINGINFO"));
    }

    @Test
    void optionErrorsMatchRedis() throws IOException {
        assertSameTranscripts(List.of(
                "t CLIENT TRACKING", "t CLIENT TRACKING maybe", "t CLIENT TRACKING maybe BCAST",
                "t CLIENT TRACKING on REDIRECT", "t CLIENT TRACKING on REDIRECT x", "t CLIENT TRACKING on REDIRECT 0",
                "t CLIENT TRACKING on REDIRECT 99999", "t CLIENT TRACKING on REDIRECT {R} REDIRECT {R}",
                "t CLIENT TRACKING on PREFIX a", "t CLIENT TRACKING on BCAST OPTIN",
                "t CLIENT TRACKING on BCAST OPTOUT", "t CLIENT TRACKING on OPTIN OPTOUT",
                "t CLIENT TRACKING on PREFIX", "t CLIENT TRACKING on FOO", "t CLIENT TRACKING off PREFIX x BCAST",
                "t CLIENT TRACKING on BCAST PREFIX ab PREFIX a", "t CLIENT TRACKING on BCAST PREFIX a PREFIX a",
                "t CLIENT TRACKING on BCAST PREFIX b PREFIX a PREFIX ab", "t CLIENT TRACKINGINFO",
                "t CLIENT TRACKING on BCAST PREFIX a", "t CLIENT TRACKING on BCAST PREFIX c", "t CLIENT TRACKING on",
                "t CLIENT TRACKINGINFO", "t CLIENT TRACKING off", "t CLIENT TRACKING on BCAST PREFIX ''",
                "t CLIENT TRACKING on BCAST PREFIX x", "t CLIENT CACHING yes", "t CLIENT CACHING no",
                "t CLIENT CACHING yes no", "t CLIENT GETREDIR extra", "t CLIENT TRACKINGINFO extra",
                "t CLIENT TRACKING off", "t CLIENT CACHING yes", "t CLIENT GETREDIR", "@ @info"));
    }

    @Test
    void expiredKeysAreInvalidatedWhenDeleted() throws IOException {
        // Lazy expiry only, so that the deletion happens at a known step on both servers.
        List<String> steps = new ArrayList<>(List.of("w DEBUG SET-ACTIVE-EXPIRE 0", "t HELLO 3",
                "t CLIENT TRACKING on", "w SET a 1 PX 200", "w SET b 1 PX 200", "t GET c", "w SET c 1 PX 200",
                "t MGET a b"));
        List<String> after = List.of("w EXISTS a", "t GET b", "t GET b", "w SET b 2", "w DEBUG SET-ACTIVE-EXPIRE 1");
        List<String> expected;
        List<String> actual;
        try (Session real = new Session(redis.port()); Session ours = new Session(mnemos.port())) {
            for (String step : steps) {
                real.step(step);
                ours.step(step);
            }
            sleep(300);
            for (String step : after) {
                real.step(step);
                ours.step(step);
            }
            expected = real.transcript;
            actual = ours.transcript;
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
    }

    /** Over tracking-table-max-keys, random keys are forgotten and their trackers told: how many matches Redis. */
    @Test
    void trackingTableMaxKeysEvictsKeysWithInvalidations() throws IOException {
        List<String> expected = maxKeysOutcome(redis.port());
        List<String> actual = maxKeysOutcome(mnemos.port());
        assertEquals(expected, actual);
    }

    private static List<String> maxKeysOutcome(int port) throws IOException {
        List<String> out = new ArrayList<>();
        try (Session s = new Session(port)) {
            RespConnection t = s.conns.get("t");
            RespConnection w = s.conns.get("w");
            t.call("HELLO", "3");
            t.call("CLIENT", "TRACKING", "on");
            for (int i = 0; i < 10; i++) {
                t.call("GET", "key:" + i);
            }
            out.add(w.call("CONFIG", "SET", "tracking-table-max-keys", "4"));
            out.add(w.call("CONFIG", "GET", "tracking-table-max-keys"));
            out.add(Session.trackingInfoFields(w.call("INFO", "stats")));
            // The next command of any client trims the table (processCommand); the pushes come first.
            out.add("pushes before reply: " + s.sync("t", t).size());
            out.add(Session.trackingInfoFields(w.call("INFO", "stats")));
            out.add(w.call("CONFIG", "SET", "tracking-table-max-keys", "-1"));
            out.add(w.call("CONFIG", "SET", "tracking-table-max-keys", "0"));
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void clientListShowsTrackingFlagsAndRedirect() throws IOException {
        // Only the flags and redir fields: addresses, ages and buffers are another test's business.
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            int port = pass == 0 ? redis.port() : mnemos.port();
            List<String> out = pass == 0 ? expected : actual;
            try (Session s = new Session(port)) {
                RespConnection t = s.conns.get("t");
                for (String[] cmd : List.of(new String[] {"CLIENT", "TRACKING", "on", "REDIRECT", s.redirectId},
                        new String[] {"CLIENT", "TRACKING", "off"},
                        new String[] {"CLIENT", "TRACKING", "on", "BCAST"})) {
                    t.call(cmd);
                    out.add(flagsAndRedir(t.call("CLIENT", "INFO"), s.redirectId));
                }
                t.call("CLIENT", "TRACKING", "off");
                t.call("CLIENT", "TRACKING", "on", "REDIRECT", s.redirectId);
                t.call("GET", "a");
                s.conns.get("w").call("CLIENT", "KILL", "ID", s.redirectId);
                s.conns.get("w").call("SET", "a", "1");
                out.add(flagsAndRedir(t.call("CLIENT", "INFO"), s.redirectId));
            }
        }
        assertEquals(expected, actual);
    }

    private static String flagsAndRedir(String info, String redirectId) {
        StringBuilder out = new StringBuilder();
        for (String field : info.trim().split(" ")) {
            if (field.startsWith("flags=") || field.startsWith("redir=")) {
                out.append(field.replace("redir=" + redirectId, "redir={R}")).append(' ');
            }
        }
        return out.toString();
    }

    private static final String[] KEYS = {"a", "b", "ab", "bx", "h", "l"};

    /** Random readers and writers over a few keys, for each way of tracking. */
    @ParameterizedTest
    @ValueSource(strings = {"on", "on NOLOOP", "on REDIRECT {R}", "on BCAST", "on BCAST PREFIX a PREFIX bx NOLOOP",
        "on OPTIN", "on OPTOUT", "on BCAST REDIRECT {R} PREFIX b"})
    void randomSequencesMatchRedis(String mode) throws IOException {
        Random rnd = new Random(mode.hashCode());
        List<String> steps = new ArrayList<>();
        boolean redirect = mode.contains("REDIRECT");
        if (redirect) {
            steps.add(rnd.nextBoolean() ? "r SUBSCRIBE __redis__:invalidate" : "r HELLO 3");
        }
        if (!redirect || rnd.nextBoolean()) {
            steps.add("t HELLO 3");
        }
        steps.add("t CLIENT TRACKING " + mode);
        String[] reads = {"GET %s", "MGET %s %s", "EXISTS %s", "STRLEN %s", "HGET %s f", "LRANGE %s 0 -1",
            "TYPE %s", "GETRANGE %s 0 1", "SUBSTR %s 0 1", "HGETALL %s", "LLEN %s"};
        String[] writes = {"SET %s v", "DEL %s", "INCR %s", "APPEND %s x", "HSET %s f v", "RPUSH %s x",
            "RENAME %s %s", "EXPIRE %s 100", "PERSIST %s", "COPY %s %s", "MSET %s 1 %s 2", "UNLINK %s %s",
            "LPOP %s", "HDEL %s f", "GETSET %s z", "SETNX %s n"};
        String[] rare = {"FLUSHDB", "FLUSHALL", "SWAPDB 0 1", "SELECT 1", "SELECT 0"};
        for (int i = 0; i < 120; i++) {
            int roll = rnd.nextInt(100);
            String line;
            if (roll < 45) {
                line = "t " + fill(reads[rnd.nextInt(reads.length)], rnd);
            } else if (roll < 55) {
                line = "t " + fill(writes[rnd.nextInt(writes.length)], rnd);
            } else if (roll < 60) {
                line = "t CLIENT CACHING " + (rnd.nextBoolean() ? "yes" : "no");
            } else if (roll < 62) {
                line = "w " + rare[rnd.nextInt(rare.length)];
            } else if (roll < 64) {
                line = "t " + (rnd.nextBoolean() ? "MULTI" : "EXEC");
            } else if (roll < 66) {
                line = rnd.nextBoolean() ? "t CLIENT TRACKINGINFO" : "@ @info";
            } else {
                line = "w " + fill(writes[rnd.nextInt(writes.length)], rnd);
            }
            steps.add(line.startsWith("@") ? "w @info" : line);
        }
        steps.add("t CLIENT TRACKINGINFO");
        steps.add("w @info");
        assertSameTranscripts(steps);
    }

    private static String fill(String template, Random rnd) {
        String out = template;
        while (out.contains("%s")) {
            out = out.replaceFirst("%s", KEYS[rnd.nextInt(KEYS.length)]);
        }
        return out;
    }

    /**
     * A read that blocks (XREAD BLOCK) remembers its keys as it blocks, as Redis's call() does: the
     * write that serves it first invalidates the key, then the entries come; serving it remembers
     * nothing again, so a later write sends no second invalidation.
     */
    @Test
    void aBlockingReadIsTrackedWhenItBlocksAndNotWhenServed() throws Exception {
        List<String> seen = io.mnemos.testing.PortScenario.onMnemosAndRedis(port -> {
            try (RespConnection tracker = new RespConnection("127.0.0.1", port);
                 RespConnection writer = new RespConnection("127.0.0.1", port)) {
                tracker.call("HELLO", "3");
                tracker.call("CLIENT", "TRACKING", "ON");
                tracker.sendRaw(RespConnection.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "0"));
                while (!writer.infoLine("clients", "blocked_clients").equals("blocked_clients:1")) {
                    Thread.sleep(2);
                }
                writer.call("XADD", "s", "1-0", "f", "v");
                String invalidated = tracker.readReply();
                String served = tracker.readReply();
                writer.call("XADD", "s", "2-0", "f", "v");
                // GET k: its reply comes next unless the second XADD sent another invalidation first.
                tracker.sendRaw(RespConnection.encode("GET", "k"));
                String get = tracker.readReply();
                writer.call("SET", "k", "v");
                return List.of(invalidated, served, get, tracker.readReply());
            }
        });
        assertEquals(List.of(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ns\r\n",
                "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "_\r\n",
                ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"), seen);
    }
}
