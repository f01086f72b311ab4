package io.mnemos.persistence;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** An AOF directory written by Mnemos loads in redis-server 7.0, and one written by Redis loads in Mnemos. */
class AofRedisInterchangeTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void redisLoadsWhatMnemosWrote(String preamble) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String expected;
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString(), "--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            AppendOnlyFileTest.populate(c);
            c.call("BGREWRITEAOF");
            AppendOnlyFileTest.waitForRewrite(c);
            c.call("SET", "after-rewrite", "x");
            c.call("SADD", "set", "more");
            c.call("SELECT", "3");
            c.call("SET", "three", "3");
            c.call("SELECT", "0");
            expected = AppendOnlyFileTest.snapshot(c);
        }
        String base = "appendonly.aof.2.base." + (preamble.equals("yes") ? "rdb" : "aof");
        assertTrue(Files.readString(manifest()).startsWith("file " + base + " seq 2 type b\n"));
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            awaitLoaded(c);
            assertEquals(expected, AppendOnlyFileTest.snapshot(c));
            assertEquals("$5\r\nthree\r\n", c.call("SELECT", "3").equals("+OK\r\n") ? c.call("RANDOMKEY") : "");
        }
    }

    @Test
    void mnemosLoadsWhatRedisWroteWithAnAofBase() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String expected;
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--dir", dir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            AppendOnlyFileTest.populate(c);
            c.call("BGREWRITEAOF");
            for (int i = 0; i < 200 && !c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0\r\n"); i++) {
                Thread.sleep(20);
            }
            Thread.sleep(200); // the rewrite's done handler runs in serverCron
            c.call("SET", "after-rewrite", "x");
            c.call("SETEX", "ex", "100", "v");
            expected = AppendOnlyFileTest.snapshot(c) + c.call("PEXPIRETIME", "ex");
        }
        String manifest = Files.readString(dir.resolve("appendonlydir/appendonly.aof.manifest"));
        assertTrue(manifest.contains(".base.aof seq 2 type b"), manifest);
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(expected, AppendOnlyFileTest.snapshot(c) + c.call("PEXPIRETIME", "ex"));
        }
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void redisCheckAofAcceptsMnemosFiles(String preamble) throws Exception {
        assumeTrue(onPath("redis-check-aof"), "redis-check-aof not on PATH");
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString(), "--aof-timestamp-enabled", "yes",
                "--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            AppendOnlyFileTest.populate(c);
            c.call("BGREWRITEAOF");
            AppendOnlyFileTest.waitForRewrite(c);
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            c.call("EXEC");
        }
        assertRedisCheckAofPasses();
    }

    private Path manifest() {
        return dir.resolve("appendonlydir/appendonly.aof.manifest");
    }

    private void assertRedisCheckAofPasses() throws Exception {
        Process p = new ProcessBuilder("redis-check-aof", manifest().toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("All AOF files and manifest are valid"), out);
    }

    private static void awaitLoaded(RespConnection c) throws Exception {
        for (int i = 0; i < 250 && c.call("PING").startsWith("-LOADING"); i++) {
            Thread.sleep(20);
        }
    }

    /** Every type and encoding, with expiries, in an RDB base plus writes in the incr file after it. */
    private static String writeEveryTypeAroundARewrite(RespConnection c) throws Exception {
        KeyspaceText.populateAllTypes(c);
        assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
        for (int i = 0; i < 200 && !c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0\r\n"); i++) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // Redis runs the rewrite's done handler in serverCron
        c.call("SET", "after-rewrite", "x", "PX", "80000000");
        c.call("HSET", "smallh", "f4", "after");
        c.call("SELECT", "9");
        c.call("ZADD", "z9", "3", "three");
        c.call("SELECT", "0");
        return KeyspaceText.of(c, 16);
    }

    @Test
    void anRdbPreambleDirectoryOfMnemosLoadsInRedisAndPassesRedisCheckAof() throws Exception {
        assumeTrue(RealRedis.available() && onPath("redis-check-aof"), "redis-server / redis-check-aof not on PATH");
        String expected;
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            expected = writeEveryTypeAroundARewrite(c);
        }
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(manifest()));
        assertRedisCheckAofPasses();
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            awaitLoaded(c);
            assertEquals(expected, KeyspaceText.of(c, 16));
        }
    }

    @Test
    void anRdbPreambleDirectoryOfRedisLoadsInMnemos() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String expected;
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            expected = writeEveryTypeAroundARewrite(c);
        }
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(manifest()));
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(expected, KeyspaceText.of(c, 16));
        }
    }

    @Test
    void anOldStyleAofWithAnRdbPreambleAndACommandTailLoadsInMnemosAsInRedis(@TempDir Path redisDir) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis r = RealRedis.start("--dir", redisDir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            KeyspaceText.populateAllTypes(c);
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        // What Redis 4 to 6 wrote with aof-use-rdb-preamble yes: one file, an RDB then commands.
        java.io.ByteArrayOutputStream old = new java.io.ByteArrayOutputStream();
        old.writeBytes(Files.readAllBytes(redisDir.resolve("dump.rdb")));
        old.writeBytes(RespConnection.encode(new byte[][]{"SET".getBytes(), "tail".getBytes(), "1".getBytes()}));
        old.writeBytes(RespConnection.encode(new byte[][]{"SELECT".getBytes(), "2".getBytes()}));
        old.writeBytes(RespConnection.encode(new byte[][]{"RPUSH".getBytes(), "tail-list".getBytes(), "a".getBytes()}));
        Path redisAof = Files.createDirectories(redisDir.resolve("old"));
        Files.write(redisAof.resolve("appendonly.aof"), old.toByteArray());
        Files.write(dir.resolve("appendonly.aof"), old.toByteArray());
        String expected;
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--dir", redisAof.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            awaitLoaded(c);
            expected = KeyspaceText.of(c, 16);
        }
        assertTrue(expected.contains("2 tail-list list [a]"), expected);
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(expected, KeyspaceText.of(c, 16));
        }
        assertEquals(Files.readString(redisAof.resolve("appendonlydir/appendonly.aof.manifest")), Files.readString(manifest()),
                "migrated into the directory as Redis does");
    }

    @Test
    void streamsAreRewrittenIntoTheCommandsRedisWrites(@TempDir Path redisDir) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String[] flags = {"--appendonly", "yes", "--aof-use-rdb-preamble", "no"};
        byte[] expected;
        try (RealRedis r = RealRedis.start(concat(flags, "--dir", redisDir.toString()));
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            writeStreams(c);
            expected = Files.readAllBytes(rewrittenBase(c, redisDir));
        }
        try (RunningServer s = RunningServer.start(concat(flags, "--dir", dir.toString()));
             RespConnection c = new RespConnection(s.host(), s.port())) {
            writeStreams(c);
            // rewriteStreamObject: XADD per entry (MAXLEN 0 for an empty stream), then XSETID; the keys
            // come in each server's own dictionary order.
            assertEquals(commandsByKey(new String(expected, StandardCharsets.UTF_8)),
                    commandsByKey(Files.readString(rewrittenBase(c, dir), StandardCharsets.UTF_8)));
        }
    }

    /** An AOF's commands (RESP arrays) grouped by their key, in order within each key. */
    private static java.util.Map<String, List<String>> commandsByKey(String aof) {
        java.util.Map<String, List<String>> byKey = new java.util.TreeMap<>();
        String[] lines = aof.split("\r\n");
        for (int i = 0; i < lines.length; ) {
            int n = Integer.parseInt(lines[i].substring(1));
            List<String> argv = new java.util.ArrayList<>();
            for (int j = 0; j < n; j++) {
                argv.add(lines[i + 2 + 2 * j]);
            }
            i += 1 + 2 * n;
            if (!argv.get(0).equals("SELECT")) {
                byKey.computeIfAbsent(argv.get(1), k -> new java.util.ArrayList<>()).add(String.join(" ", argv));
            }
        }
        return byKey;
    }

    private static void writeStreams(RespConnection c) throws Exception {
        for (int i = 1; i <= 20; i++) {
            c.call("XADD", "s", i + "-" + i, "f", "v" + i);
        }
        c.call("XDEL", "s", "20-20", "3-3");
        c.call("XADD", "empty", "1-1", "f", "v");
        c.call("XDEL", "empty", "1-1");
        c.call("XADD", "meta", "5-5", "a", "1", "b", "2");
        c.call("XSETID", "meta", "9-9", "ENTRIESADDED", "7", "MAXDELETEDID", "6-0");
    }

    private static Path rewrittenBase(RespConnection c, Path where) throws Exception {
        assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
        for (int i = 0; i < 200 && !c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0\r\n"); i++) {
            Thread.sleep(20);
        }
        Thread.sleep(200); // Redis runs the rewrite's done handler in serverCron
        try (var files = Files.list(where.resolve("appendonlydir"))) {
            return files.filter(f -> f.getFileName().toString().contains(".base.aof")).findFirst().orElseThrow();
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static boolean onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(d, exe).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
