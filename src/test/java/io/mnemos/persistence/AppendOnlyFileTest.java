package io.mnemos.persistence;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AOF of an in-process server: written, rewritten, loaded again after a restart. */
class AppendOnlyFileTest {
    @TempDir
    Path dir;

    private RunningServer start(String... extra) {
        return RunningServer.withAof(dir, extra);
    }

    private Path aofDir() {
        return dir.resolve("appendonlydir");
    }

    private Path incr(int seq) {
        return aofDir().resolve("appendonly.aof." + seq + ".incr.aof");
    }

    static void populate(RespConnection c) throws IOException {
        c.call("SET", "str", "hello");
        c.call("SET", "num", "12345");
        c.call("INCRBYFLOAT", "float", "3.25");
        c.call("SET", "bin", "a\r\nb\u0000c");
        c.call("SETBIT", "bits", "100", "1");
        c.call("PFADD", "hll", "a", "b", "c");
        c.call("PFCOUNT", "hll"); // caches the cardinality (and is propagated for that)
        c.call("RPUSH", "list", "a", "b", "c");
        c.call("LPUSH", "list", "z");
        c.call("SADD", "intset", "1", "2", "3");
        c.call("SADD", "set", "x", "y", "z");
        c.call("SPOP", "set");
        c.call("ZADD", "zset", "1.5", "a", "-2", "b", "inf", "c", "0.1", "d");
        c.call("HSET", "hash", "f1", "v1", "f2", "v2");
        c.call("HINCRBYFLOAT", "hash", "f3", "0.5");
        c.call("SET", "volatile", "v", "EX", "1000");
        c.call("EXPIRE", "list", "5000");
        List<String> big = new ArrayList<>(List.of("RPUSH", "biglist"));
        for (int i = 0; i < 300; i++) {
            big.add("item-" + i);
        }
        c.call(big.toArray(String[]::new));
        c.call("SELECT", "7");
        c.call("SET", "in7", "seven");
        c.call("SELECT", "0");
        c.call("SET", "gone", "x");
        c.call("DEL", "gone");
        c.call("MULTI");
        c.call("INCR", "num");
        c.call("RPUSH", "list", "tail");
        c.call("EXEC");
    }

    /** Every value in a comparable form; TTLs rounded to whole seconds. */
    static String snapshot(RespConnection c) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String k : new String[]{"str", "num", "float", "bin", "bits", "hll"}) {
            sb.append(k).append('=').append(c.call("GET", k));
        }
        sb.append(c.call("PFCOUNT", "hll"));
        sb.append(c.call("LRANGE", "list", "0", "-1"));
        sb.append(c.call("LRANGE", "biglist", "0", "-1"));
        sb.append(sorted(c.call("SMEMBERS", "intset"), 1));
        sb.append(sorted(c.call("SMEMBERS", "set"), 1));
        sb.append(c.call("ZRANGE", "zset", "0", "-1", "WITHSCORES"));
        sb.append(sorted(c.call("HGETALL", "hash"), 2)).append(c.call("HGET", "hash", "f3"));
        sb.append(c.call("HGET", "hash", "f1"));
        sb.append(c.call("PEXPIRETIME", "volatile")).append(c.call("PEXPIRETIME", "list"))
                .append(c.call("PEXPIRETIME", "str"));
        sb.append(c.call("EXISTS", "gone"));
        sb.append(c.call("DBSIZE"));
        c.call("SELECT", "7");
        sb.append(c.call("GET", "in7")).append(c.call("DBSIZE"));
        c.call("SELECT", "0");
        return sb.toString();
    }

    /** The elements of an array reply of simple bulks, in groups of {@code group}, sorted (sets and hashes have no order). */
    static String sorted(String reply, int group) {
        String[] lines = reply.split("\r\n");
        List<String> items = new ArrayList<>();
        for (int i = 1; i + 1 < lines.length; i += 2 * group) {
            StringBuilder item = new StringBuilder();
            for (int j = 0; j < group; j++) {
                item.append(lines[i + 1 + 2 * j]).append(' ');
            }
            items.add(item.toString());
        }
        java.util.Collections.sort(items);
        return lines[0] + items;
    }

    @Test
    void everyTypeSurvivesARestartFromTheIncrementalFile() throws Exception {
        String before;
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            populate(c);
            before = snapshot(c);
        }
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(before, snapshot(c));
            assertEquals(":0\r\n", c.call("HEXISTS", "nohash", "x"));
        }
    }

    @Test
    void debugLoadaofReplacesTheDatasetWithWhatTheLogHolds() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            populate(c);
            String logged = c.call("DEBUG", "DIGEST");
            String dbsize = c.call("DBSIZE");
            // DEBUG POPULATE is not propagated (as in Redis): its keys are not in the log.
            assertEquals("+OK\r\n", c.call("DEBUG", "POPULATE", "100", "unlogged"));
            assertEquals("+OK\r\n", c.call("DEBUG", "LOADAOF"));
            assertEquals(dbsize, c.call("DBSIZE"));
            assertEquals(logged, c.call("DEBUG", "DIGEST"));
            // The log stays open: a write after the reload is logged and survives a restart.
            assertEquals("+OK\r\n", c.call("SET", "after", "reload"));
        }
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$6\r\nreload\r\n", c.call("GET", "after"));
        }
        try (RunningServer s = RunningServer.start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("-ERR DEBUG LOADAOF needs the append only file: appendonly is no\r\n", c.call("DEBUG", "LOADAOF"));
        }
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void bgrewriteaofCompactsIntoANewBaseAndDeletesTheHistory(String preamble) throws Exception {
        String ext = preamble.equals("yes") ? "rdb" : "aof";
        String before;
        try (RunningServer s = start("--aof-use-rdb-preamble", preamble); RespConnection c = new RespConnection(s.host(), s.port())) {
            populate(c);
            for (int i = 0; i < 100; i++) {
                c.call("INCR", "num");
            }
            before = snapshot(c);
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            c.call("SET", "during", "rewrite");
            waitForRewrite(c);
            before = snapshot(c);
            String info = c.call("INFO", "persistence");
            assertTrue(info.contains("aof_enabled:1\r\n"), info);
            assertTrue(info.contains("aof_rewrites:1\r\n"), info);
            assertTrue(info.contains("aof_last_bgrewrite_status:ok\r\n"), info);
            assertTrue(info.contains("aof_current_size:"), info);
            assertTrue(info.contains("aof_base_size:"), info);
        }
        assertEquals("file appendonly.aof.2.base." + ext + " seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        assertFalse(Files.exists(aofDir().resolve("appendonly.aof.1.base." + ext)));
        assertFalse(Files.exists(incr(1)));
        try (var files = Files.list(aofDir())) {
            assertEquals(3, files.count(), "manifest, base, incr: no temporary file left");
        }
        String base = Files.readString(aofDir().resolve("appendonly.aof.2.base." + ext), StandardCharsets.ISO_8859_1);
        assertEquals(preamble.equals("yes"), base.startsWith("REDIS0010"), base);
        assertFalse(base.contains("INCR"), "the base holds the values, not the history");
        try (RunningServer s = start("--aof-use-rdb-preamble", preamble); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(before, snapshot(c));
            assertEquals("$7\r\nrewrite\r\n", c.call("GET", "during"));
        }
    }

    @Test
    void aBlockedPopServedLaterIsLoggedAsThePopItDid() throws Exception {
        try (RunningServer s = start();
             RespConnection a = new RespConnection(s.host(), s.port());
             RespConnection b = new RespConnection(s.host(), s.port())) {
            a.sendRaw(RespConnection.encode(new byte[][]{"BLPOP".getBytes(), "q1".getBytes(), "q2".getBytes(), "0".getBytes()}));
            Thread.sleep(100);
            assertEquals(":3\r\n", b.call("RPUSH", "q2", "x", "y", "z"));
            assertEquals("*2\r\n$2\r\nq2\r\n$1\r\nx\r\n", a.readReply());
        }
        String log = Files.readString(incr(1));
        assertTrue(log.endsWith("*2\r\n$4\r\nLPOP\r\n$2\r\nq2\r\n"), log);
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("*2\r\n$1\r\ny\r\n$1\r\nz\r\n", c.call("LRANGE", "q2", "0", "-1"));
        }
    }

    @Test
    void keysDoNotExpireWhileTheLogIsReplayed() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "k", "v", "PX", "300");
            c.call("PERSIST", "k");
            c.call("SET", "gone", "v", "PX", "300");
            c.call("RPUSH", "l", "a");
            c.call("PEXPIRE", "l", "300");
            c.call("RPUSH", "l", "b");
        }
        Thread.sleep(400); // every expiry in the log is in the past now
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"), "PERSIST replayed on the key that had not expired yet");
            assertEquals("$-1\r\n", c.call("GET", "gone"));
            assertEquals(":0\r\n", c.call("EXISTS", "l"), "expired once loaded, with both elements pushed before");
        }
    }

    @Test
    void theAofIsRewrittenAutomaticallyOnceItGrewPastTheMinimumSize() throws Exception {
        try (RunningServer s = start("--auto-aof-rewrite-min-size", "4kb", "--auto-aof-rewrite-percentage", "100");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            for (int i = 0; i < 200; i++) {
                c.call("SET", "k", "value-" + i); // 200 commands, one key: the rewrite compacts them
            }
            String info = "";
            for (int i = 0; i < 150 && !info.contains("aof_rewrites:1\r\n"); i++) {
                Thread.sleep(20);
                info = c.call("INFO", "persistence");
            }
            assertTrue(info.contains("aof_rewrites:1\r\n"), info);
            waitForRewrite(c);
            assertEquals("$9\r\nvalue-199\r\n", c.call("GET", "k"));
        }
        assertEquals("file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
        assertTrue(Files.size(aofDir().resolve("appendonly.aof.2.base.rdb")) < 200, "one key, not 200 commands");
    }

    static void waitForRewrite(RespConnection c) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0\r\n")) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("rewrite did not finish");
    }

    @Test
    void configSetAppendonlyYesAtRuntimeWritesTheDatasetAsBase() throws Exception {
        String before;
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            populate(c);
            assertTrue(c.call("INFO", "persistence").contains("aof_enabled:0\r\n"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "yes"));
            assertEquals("*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n", c.call("CONFIG", "GET", "appendonly"));
            c.call("SET", "after", "on");
            waitForRewrite(c);
            assertTrue(c.call("INFO", "persistence").contains("aof_enabled:1\r\n"));
            before = snapshot(c);
        }
        assertEquals("file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")), "as redis-server 7.0 names them");
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(before, snapshot(c));
            assertEquals("$2\r\non\r\n", c.call("GET", "after"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendonly", "no"));
            c.call("SET", "notlogged", "x");
        }
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$-1\r\n", c.call("GET", "notlogged"));
        }
    }

    @Test
    void withAppendfsyncAlwaysTheWriteIsInTheFileBeforeTheReply() throws Exception {
        try (RunningServer s = start("--appendfsync", "always"); RespConnection c = new RespConnection(s.host(), s.port())) {
            for (int i = 0; i < 20; i++) {
                assertEquals("+OK\r\n", c.call("SET", "k", "value" + i));
                String log = Files.readString(incr(1), StandardCharsets.ISO_8859_1);
                assertTrue(log.endsWith("$1\r\nk\r\n$" + ("value" + i).length() + "\r\nvalue" + i + "\r\n"), log);
            }
        }
    }

    @Test
    void aTruncatedLastCommandIsCutOffWhenAofLoadTruncatedIsYes() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
        }
        long good = Files.size(incr(1));
        byte[] partial = "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1".getBytes(StandardCharsets.US_ASCII);
        Files.write(incr(1), partial, StandardOpenOption.APPEND);
        AofLoader.LoadException e = assertThrows(AofLoader.LoadException.class, () -> start("--aof-load-truncated", "no"));
        assertTrue(e.getMessage().startsWith("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof."),
                e.getMessage());
        assertEquals(good + partial.length, Files.size(incr(1)), "refusing leaves the file alone");
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$1\r\n2\r\n", c.call("GET", "b"));
            assertEquals("$-1\r\n", c.call("GET", "c"));
            c.call("SET", "d", "4");
        }
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$1\r\n4\r\n", c.call("GET", "d"));
        }
    }

    @Test
    void anUnfinishedTransactionAtTheEndIsReverted() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "a", "1");
        }
        long good = Files.size(incr(1));
        Files.write(incr(1), "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n2\r\n".getBytes(StandardCharsets.US_ASCII),
                StandardOpenOption.APPEND);
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
        }
        assertEquals(good, Files.size(incr(1)));
    }

    @Test
    void corruptionInTheMiddleRefusesToStart() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
        }
        byte[] content = Files.readAllBytes(incr(1));
        int at = new String(content, StandardCharsets.ISO_8859_1).indexOf("*3\r\n$3\r\nSET\r\n$1\r\nb");
        content[at] = '!';
        Files.write(incr(1), content);
        AofLoader.LoadException e = assertThrows(AofLoader.LoadException.class, this::start);
        assertEquals("Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your "
                + "AOF file, then use ./redis-check-aof --fix <filename.manifest>", e.getMessage());
    }

    @Test
    void aTruncatedRdbBaseRefusesToStartWhateverAofLoadTruncatedSays() throws Exception {
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "a", "1");
            c.call("BGREWRITEAOF");
            waitForRewrite(c);
        }
        Path base = aofDir().resolve("appendonly.aof.2.base.rdb");
        byte[] content = Files.readAllBytes(base);
        Files.write(base, java.util.Arrays.copyOf(content, content.length - 12));
        AofLoader.LoadException e = assertThrows(AofLoader.LoadException.class, this::start);
        assertEquals("Error reading the RDB base file appendonly.aof.2.base.rdb, AOF loading aborted", e.getMessage());
    }

    @Test
    void anUnknownCommandRefusesToStart() throws Exception {
        try (RunningServer s = start()) {
            s.port();
        }
        Files.write(incr(1), "*1\r\n$7\r\nNOTACMD\r\n".getBytes(StandardCharsets.US_ASCII), StandardOpenOption.APPEND);
        AofLoader.LoadException e = assertThrows(AofLoader.LoadException.class, this::start);
        assertEquals("Unknown command 'NOTACMD' reading the append only file appendonly.aof.1.incr.aof", e.getMessage());
    }

    @Test
    void anOldStyleSingleFileIsMigratedIntoTheDirectory() throws Exception {
        Files.writeString(dir.resolve("appendonly.aof"), "*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$5\r\nstyle\r\n");
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$5\r\nstyle\r\n", c.call("GET", "old"));
        }
        assertEquals("file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
                Files.readString(aofDir().resolve("appendonly.aof.manifest")));
    }

    @Test
    void timestampAnnotationsAreWrittenAndSkippedOnLoad() throws Exception {
        try (RunningServer s = start("--aof-timestamp-enabled", "yes"); RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "a", "1");
        }
        assertTrue(Files.readString(incr(1)).startsWith("#TS:"));
        try (RunningServer s = start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("$1\r\n1\r\n", c.call("GET", "a"));
        }
    }

    @Test
    void optionsHaveRedisNamesAndDefaults() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("*2\r\n$11\r\nappendfsync\r\n$8\r\neverysec\r\n", c.call("CONFIG", "GET", "appendfsync"));
            assertEquals("*2\r\n$14\r\nappendfilename\r\n$14\r\nappendonly.aof\r\n", c.call("CONFIG", "GET", "appendfilename"));
            assertEquals("*2\r\n$13\r\nappenddirname\r\n$13\r\nappendonlydir\r\n", c.call("CONFIG", "GET", "appenddirname"));
            assertEquals("*2\r\n$18\r\naof-load-truncated\r\n$3\r\nyes\r\n", c.call("CONFIG", "GET", "aof-load-truncated"));
            assertEquals("*2\r\n$20\r\naof-use-rdb-preamble\r\n$3\r\nyes\r\n", c.call("CONFIG", "GET", "aof-use-rdb-preamble"));
            assertEquals("*2\r\n$21\r\naof-timestamp-enabled\r\n$2\r\nno\r\n", c.call("CONFIG", "GET", "aof-timestamp-enabled"));
            assertEquals("*2\r\n$27\r\nauto-aof-rewrite-percentage\r\n$3\r\n100\r\n", c.call("CONFIG", "GET", "auto-aof-rewrite-percentage"));
            assertEquals("*2\r\n$25\r\nauto-aof-rewrite-min-size\r\n$8\r\n67108864\r\n", c.call("CONFIG", "GET", "auto-aof-rewrite-min-size"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "appendfsync", "always"));
            assertTrue(c.call("CONFIG", "SET", "appendfsync", "sometimes").startsWith("-ERR"));
        }
    }
}
