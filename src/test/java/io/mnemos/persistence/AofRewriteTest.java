package io.mnemos.persistence;

import io.mnemos.server.ServerConfig;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * BGREWRITEAOF writes its base from a point-in-time snapshot while clients are served: an RDB file
 * with aof-use-rdb-preamble yes (Redis's default), AOF commands with no. Whatever clients were told
 * is in the AOF after a restart, exactly once.
 */
class AofRewriteTest {
    private static final int DATABASES = 16;
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    private RunningServer start(String... extra) {
        return RunningServer.withAof(dir, extra);
    }

    private String manifest() throws IOException {
        return Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest"));
    }

    @Test
    void anRdbBaseThenRestartRestoresEveryTypeAndExpiry() throws Exception {
        String before;
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            KeyspaceText.populateAllTypes(c);
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            AppendOnlyFileTest.waitForRewrite(c);
            c.call("SET", "after", "rewrite", "PX", "90000000");
            c.call("SELECT", "5");
            c.call("RPUSH", "after-list", "x");
            c.call("SELECT", "0");
            before = KeyspaceText.of(c, DATABASES);
        }
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n", manifest());
        byte[] base = Files.readAllBytes(dir.resolve("appendonlydir/appendonly.aof.2.base.rdb"));
        String text = new String(base, StandardCharsets.ISO_8859_1);
        assertTrue(text.startsWith("REDIS0010"), text);
        assertTrue(text.contains("\u0008aof-base\u00c0\u0001"), "aof-base aux field is 1, as Redis writes it");
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(before, KeyspaceText.of(c, DATABASES));
        }
    }

    @Test
    void theBaseCreatedWhenTheAofStartsFollowsThePreambleOption() throws Exception {
        try (RunningServer s = start("--aof-use-rdb-preamble", "no"); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "k", "v");
        }
        assertEquals("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n", manifest());
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            // An AOF base stays loadable when the option changes; the next rewrite follows it.
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            c.call("BGREWRITEAOF");
            AppendOnlyFileTest.waitForRewrite(c);
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "aof-use-rdb-preamble", "no"));
            assertEquals("*2\r\n$20\r\naof-use-rdb-preamble\r\n$2\r\nno\r\n", c.call("CONFIG", "GET", "aof-use-rdb-preamble"));
            assertTrue(manifest().startsWith("file appendonly.aof.2.base.rdb seq 2 type b\n"), manifest());
            c.call("BGREWRITEAOF");
            AppendOnlyFileTest.waitForRewrite(c);
            assertTrue(manifest().startsWith("file appendonly.aof.3.base.aof seq 3 type b\n"), manifest());
        }
        Path conf = dir.resolve("mnemos.conf");
        Files.writeString(conf, "aof-use-rdb-preamble no\n");
        assertFalse(ServerConfig.fromArgs(new String[]{conf.toString()}).aof.useRdbPreamble);
        assertTrue(ServerConfig.fromArgs(new String[0]).aof.useRdbPreamble, "yes by default, as Redis");
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void theBaseHoldsTheKeyspaceAsItWasWhenTheRewriteStarted(String preamble) throws Exception {
        int n = 50_000;
        try (RunningServer s = start("--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("DEBUG", "POPULATE", Integer.toString(n));
            c.call("SELECT", "3");
            c.call("SET", "later-db", "old");
            c.call("RPUSH", "later-list", "a");
            c.call("SELECT", "0");
            // One read: the writes run before the snapshot's first slice, on keys of database 0 it
            // has not reached and on database 3, which it reaches last.
            c.sendRaw(pipeline(new String[]{"BGREWRITEAOF"}, new String[]{"SET", "key:" + (n - 1), "new"},
                    new String[]{"DEL", "key:" + (n - 2)}, new String[]{"SET", "created", "new"},
                    new String[]{"SELECT", "3"}, new String[]{"SET", "later-db", "new"},
                    new String[]{"RPUSH", "later-list", "b"}, new String[]{"SELECT", "0"}));
            assertEquals("+Background append only file rewriting started\r\n", c.readReply());
            for (int i = 0; i < 7; i++) {
                c.readReply();
            }
            AppendOnlyFileTest.waitForRewrite(c);
        }
        Path base = dir.resolve("appendonlydir/appendonly.aof.2.base." + (preamble.equals("yes") ? "rdb" : "aof"));
        String incr = Files.readString(dir.resolve("appendonlydir/appendonly.aof.2.incr.aof"));
        assertTrue(incr.contains("$8\r\nlater-db\r\n$3\r\nnew\r\n"), "the writes after the start are in the new incr file");
        if (preamble.equals("yes")) {
            Map<String, String> saved = RdbPersistenceTest.readFile(base);
            assertEquals(n + 2, saved.size());
            assertEquals("value:" + (n - 1), saved.get("0:key:" + (n - 1)));
            assertEquals("value:" + (n - 2), saved.get("0:key:" + (n - 2)));
            assertFalse(saved.containsKey("0:created"));
            assertEquals("old", saved.get("3:later-db"));
            assertEquals("[a]", saved.get("3:later-list"));
        } else {
            String text = Files.readString(base);
            assertTrue(text.contains("$9\r\nkey:" + (n - 1) + "\r\n$11\r\nvalue:" + (n - 1) + "\r\n"), "old value");
            assertTrue(text.contains("$9\r\nkey:" + (n - 2) + "\r\n"), "deleted after the start");
            assertFalse(text.contains("created"));
            assertTrue(text.contains("*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*3\r\n$3\r\nSET\r\n$8\r\nlater-db\r\n$3\r\nold\r\n"), "old value, in database 3");
            assertFalse(text.contains("$3\r\nnew\r\n"));
        }
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$3\r\nnew\r\n", c.call("GET", "key:" + (n - 1)));
            assertEquals(":0\r\n", c.call("EXISTS", "key:" + (n - 2)));
            assertEquals("$3\r\nnew\r\n", c.call("GET", "created"));
            c.call("SELECT", "3");
            assertEquals("$3\r\nnew\r\n", c.call("GET", "later-db"));
            assertEquals("*2\r\n$1\r\na\r\n$1\r\nb\r\n", c.call("LRANGE", "later-list", "0", "-1"));
            c.call("SELECT", "0");
            assertEquals(":" + n + "\r\n", c.call("DBSIZE"));
        }
    }

    /** One client's acknowledged writes to keys only it touches. */
    private static final class Writer extends Thread {
        final int id;
        final int port;
        final int populated;
        /** Populated keys this writer changed: key -> value, null when deleted. */
        final Map<String, String> changed = new HashMap<>();
        final AtomicLong acks = new AtomicLong();
        volatile boolean stop;
        volatile Throwable failure;

        Writer(int id, int port, int populated) {
            this.id = id;
            this.port = port;
            this.populated = populated;
        }

        @Override
        public void run() {
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                for (int i = 0; !stop; i++) {
                    expect(":" + (i + 1) + "\r\n", c.call("INCR", "counter:" + id));
                    expect(":" + (i + 1) + "\r\n", c.call("RPUSH", "log:" + id, Integer.toString(i)));
                    // A populated key the snapshot may not have reached yet: its old value goes to the
                    // base, the change to the new incr file.
                    String key = "key:" + ((i * 7919L * WRITERS + id) % populated);
                    if (i % 5 == 4) {
                        c.call("DEL", key);
                        changed.put(key, null);
                    } else {
                        expect("+OK\r\n", c.call("SET", key, "w" + id + "-" + i));
                        changed.put(key, "w" + id + "-" + i);
                    }
                    acks.incrementAndGet();
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        private static void expect(String expected, String reply) {
            if (!expected.equals(reply)) {
                throw new AssertionError("expected " + expected + " got " + reply);
            }
        }
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void bgrewriteaofUnderConcurrentWritesLosesAndDuplicatesNothing(String preamble) throws Exception {
        int populated = 100_000;
        List<Writer> writers = new ArrayList<>();
        long servedDuringRewrites = 0;
        try (RunningServer s = start("--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("DEBUG", "POPULATE", Integer.toString(populated));
            for (int w = 0; w < WRITERS; w++) {
                writers.add(new Writer(w, s.port(), populated));
            }
            writers.forEach(Thread::start);
            for (int round = 0; round < 3; round++) {
                Thread.sleep(150);
                long acksAtStart = totalAcks(writers);
                assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
                AppendOnlyFileTest.waitForRewrite(c);
                servedDuringRewrites += totalAcks(writers) - acksAtStart;
            }
            for (Writer w : writers) {
                w.stop = true;
            }
            for (Writer w : writers) {
                w.join(10_000);
                if (w.failure != null) {
                    throw new AssertionError("writer " + w.id, w.failure);
                }
            }
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("aof_rewrites:3\r\n"), info);
            assertTrue(info.contains("aof_last_bgrewrite_status:ok\r\n"), info);
        }
        assertTrue(servedDuringRewrites > 0, "clients were served while the base was written");
        String ext = preamble.equals("yes") ? "rdb" : "aof";
        assertEquals("file appendonly.aof.4.base." + ext + " seq 4 type b\nfile appendonly.aof.4.incr.aof seq 4 type i\n",
                manifest());

        Map<String, String> expected = new HashMap<>();
        for (int i = 0; i < populated; i++) {
            expected.put("key:" + i, "value:" + i);
        }
        for (Writer w : writers) {
            assertTrue(w.acks.get() > 10, "writer " + w.id + " made progress");
            expected.putAll(w.changed);
        }
        try (RunningServer s = start("--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            long live = expected.values().stream().filter(v -> v != null).count();
            assertEquals(":" + (live + 2L * WRITERS) + "\r\n", c.call("DBSIZE"));
            for (Writer w : writers) {
                long n = w.acks.get();
                assertEquals("$" + Long.toString(n).length() + "\r\n" + n + "\r\n", c.call("GET", "counter:" + w.id));
                List<String> log = KeyspaceText.elements(c.call("LRANGE", "log:" + w.id, "0", "-1"));
                assertEquals(n, log.size(), "every acknowledged RPUSH once");
                for (int i = 0; i < n; i++) {
                    assertEquals(Integer.toString(i), log.get(i));
                }
            }
            List<String> keys = new ArrayList<>(expected.keySet());
            for (int from = 0; from < keys.size(); from += 1000) {
                List<String> batch = keys.subList(from, Math.min(keys.size(), from + 1000));
                List<String> args = new ArrayList<>(List.of("MGET"));
                args.addAll(batch);
                List<String> values = KeyspaceText.elements(c.call(args.toArray(String[]::new)));
                for (int i = 0; i < batch.size(); i++) {
                    assertEquals(expected.get(batch.get(i)), values.get(i), batch.get(i));
                }
            }
        }
    }

    private static long totalAcks(List<Writer> writers) {
        return writers.stream().mapToLong(w -> w.acks.get()).sum();
    }

    /** BGSAVE and BGREWRITEAOF, pipelined so that each arrives while the other runs. */
    private static List<String> interplay(RespConnection c) throws Exception {
        List<String> replies = new ArrayList<>();
        c.call("DEBUG", "POPULATE", "300000");
        c.sendRaw(pipeline(new String[]{"BGSAVE"}, new String[]{"BGREWRITEAOF"}, new String[]{"BGREWRITEAOF"}));
        for (int i = 0; i < 3; i++) {
            replies.add(c.readReply());
        }
        replies.add(awaitInfo(c, "aof_rewrites:1\r\n"));
        awaitInfo(c, "aof_rewrite_in_progress:0\r\n");
        c.sendRaw(pipeline(new String[]{"BGREWRITEAOF"}, new String[]{"BGSAVE"}, new String[]{"BGSAVE", "SCHEDULE"},
                new String[]{"BGREWRITEAOF"}));
        for (int i = 0; i < 4; i++) {
            replies.add(c.readReply());
        }
        replies.add(awaitInfo(c, "rdb_saves:2\r\n"));
        replies.add(awaitInfo(c, "rdb_bgsave_in_progress:0\r\n"));
        return replies;
    }

    private static byte[] pipeline(String[]... commands) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String[] cmd : commands) {
            byte[][] argv = new byte[cmd.length][];
            for (int i = 0; i < cmd.length; i++) {
                argv[i] = cmd[i].getBytes(StandardCharsets.UTF_8);
            }
            out.writeBytes(RespConnection.encode(argv));
        }
        return out.toByteArray();
    }

    /** A scenario run against one server, returning what it observed. */
    @FunctionalInterface
    private interface Scenario {
        List<String> run(RespConnection c) throws Exception;
    }

    /** What {@code scenario} observes on a real Redis with appendonly yes in {@code dir}; skips the test without one. */
    private static List<String> onRedisWithAof(Path dir, Scenario scenario) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            return scenario.run(c);
        }
    }

    static String awaitInfo(RespConnection c, String field) throws Exception {
        for (int i = 0; i < 1000; i++) {
            if (c.call("INFO", "persistence").contains(field)) {
                return field;
            }
            Thread.sleep(10);
        }
        return "never " + field;
    }

    @Test
    void bgsaveAndBgrewriteaofWaitForEachOtherAsInRedis(@TempDir Path redisDir) throws Exception {
        List<String> redis = onRedisWithAof(redisDir, AofRewriteTest::interplay);
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(redis, interplay(c));
        }
        assertEquals(List.of(
                "+Background saving started\r\n",
                "+Background append only file rewriting scheduled\r\n",
                "+Background append only file rewriting scheduled\r\n",
                "aof_rewrites:1\r\n",
                "+Background append only file rewriting started\r\n",
                "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to "
                        + "schedule a BGSAVE whenever possible.\r\n",
                "+Background saving scheduled\r\n",
                "-ERR Background append only file rewriting already in progress\r\n",
                "rdb_saves:2\r\n",
                "rdb_bgsave_in_progress:0\r\n"), redis);
    }

    private static List<String> insideExec(RespConnection c) throws Exception {
        List<String> replies = new ArrayList<>();
        c.call("SET", "k", "v");
        c.call("MULTI");
        c.call("BGREWRITEAOF");
        c.call("BGSAVE");
        replies.add(c.call("EXEC"));
        replies.add(awaitInfo(c, "aof_rewrites:1\r\n"));
        replies.add(awaitInfo(c, "rdb_saves:1\r\n"));
        replies.add(awaitInfo(c, "aof_rewrite_in_progress:0\r\n"));
        replies.add(awaitInfo(c, "rdb_bgsave_in_progress:0\r\n"));
        return replies;
    }

    @Test
    void insideExecBothAreScheduledAsInRedis(@TempDir Path redisDir) throws Exception {
        List<String> redis = onRedisWithAof(redisDir, AofRewriteTest::insideExec);
        assertEquals("*2\r\n+Background append only file rewriting scheduled\r\n+Background saving scheduled\r\n",
                redis.get(0));
        assertFalse(redis.toString().contains("never"), redis.toString());
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(redis, insideExec(c));
        }
    }

    @Test
    void aFailedRewriteIsReportedKeepsTheOldFilesAndTheNextOneSucceeds() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "before", "1");
            // A non-empty directory where the new base goes: the final rename fails.
            Path blocker = Files.createDirectories(dir.resolve("appendonlydir/appendonly.aof.2.base.rdb/blocker"));
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            c.call("SET", "during", "2");
            AppendOnlyFileTest.waitForRewrite(c);
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("aof_last_bgrewrite_status:err\r\n"), info);
            assertTrue(info.contains("aof_rewrites_consecutive_failures:1\r\n"), info);
            assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
                    + "file appendonly.aof.2.incr.aof seq 2 type i\n", manifest(), "the old chain plus the new incr file");
            try (var files = Files.list(dir.resolve("appendonlydir"))) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("temp-")));
            }
            Files.delete(blocker);
            Files.delete(blocker.getParent());
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            AppendOnlyFileTest.waitForRewrite(c);
            info = c.call("INFO", "persistence");
            assertTrue(info.contains("aof_last_bgrewrite_status:ok\r\n"), info);
            assertTrue(info.contains("aof_rewrites_consecutive_failures:0\r\n"), info);
            assertTrue(info.contains("aof_rewrites:2\r\n"), info);
            c.call("SET", "after", "3");
        }
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.3.incr.aof seq 3 type i\n", manifest());
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n", c.call("MGET", "before", "during", "after"));
        }
    }

    @Test
    void turningTheAofOffStopsARewriteAndRemovesItsTemporaryFile() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("DEBUG", "POPULATE", "300000");
            c.sendRaw(pipeline(new String[]{"BGREWRITEAOF"}, new String[]{"CONFIG", "SET", "appendonly", "no"},
                    new String[]{"INFO", "persistence"}));
            assertEquals("+Background append only file rewriting started\r\n", c.readReply());
            assertEquals("+OK\r\n", c.readReply());
            String info = c.readReply();
            assertTrue(info.contains("aof_rewrite_in_progress:0\r\n"), info);
            assertTrue(info.contains("aof_rewrites:1\r\n"), info);
            try (var files = Files.list(dir.resolve("appendonlydir"))) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith("temp-")));
            }
            assertEquals("+Background saving started\r\n", c.call("BGSAVE"), "the access hook is free again");
        }
        assertTrue(manifest().startsWith("file appendonly.aof.1.base.rdb seq 1 type b\n"), "the rewrite never completed");
    }
}
