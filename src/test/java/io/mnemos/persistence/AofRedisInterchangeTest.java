package io.mnemos.persistence;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** An AOF directory written by Mnemos loads in redis-server 7.0, and one written by Redis loads in Mnemos. */
class AofRedisInterchangeTest {
    @TempDir
    Path dir;

    @Test
    void redisLoadsWhatMnemosWrote() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String expected;
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
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
        try (RealRedis r = RealRedis.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection("127.0.0.1", r.port())) {
            for (int i = 0; i < 250 && c.call("PING").startsWith("-LOADING"); i++) {
                Thread.sleep(20);
            }
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

    @Test
    void redisCheckAofAcceptsMnemosFiles() throws Exception {
        assumeTrue(onPath("redis-check-aof"), "redis-check-aof not on PATH");
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString(), "--aof-timestamp-enabled", "yes");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            AppendOnlyFileTest.populate(c);
            c.call("BGREWRITEAOF");
            AppendOnlyFileTest.waitForRewrite(c);
            c.call("MULTI");
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            c.call("EXEC");
        }
        Process p = new ProcessBuilder("redis-check-aof", dir.resolve("appendonlydir/appendonly.aof.manifest").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(out.contains("All AOF files and manifest are valid"), out);
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
