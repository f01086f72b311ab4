package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MIGRATE moves keys to another server over a real connection. The same sequence runs once with a
 * real redis-server as the source and once with Mnemos, each against fresh real redis-server
 * targets (one open, one with requirepass): every reply, the source's keyspace and each target's
 * DEBUG DIGEST must be the same. Redis migrating into Mnemos, and the DEL propagated to the AOF,
 * are checked too.
 */
class MigrateCommandDifferentialTest {
    private static List<String> run(RespConnection source, int target, int secured, int closedPort) throws Exception {
        String t = Integer.toString(target);
        String s = Integer.toString(secured);
        List<String> seen = new ArrayList<>();
        source.call("FLUSHALL");
        source.call("SET", "s", "v");
        source.call("PEXPIRE", "s", "100000");
        source.call("RPUSH", "l", "a", "b", "c");
        source.call("HSET", "h", "f", "v", "g", "w");
        source.call("ZADD", "z", "1", "a", "2.5", "b");
        source.call("SADD", "st", "1", "2", "3");
        source.call("SET", "big", "x".repeat(5000));
        source.call("SET", "n", "12345");
        String[][] steps = {
                {"MIGRATE", "127.0.0.1", t, "s", "0", "5000"},
                {"MIGRATE", "127.0.0.1", t, "s", "0", "5000"},
                {"MIGRATE", "127.0.0.1", t, "", "0", "5000", "KEYS", "l", "h", "missing", "z"},
                {"SET", "l", "again"},
                {"MIGRATE", "127.0.0.1", t, "l", "0", "5000"},
                {"EXISTS", "l"},
                {"MIGRATE", "127.0.0.1", t, "l", "0", "5000", "REPLACE"},
                {"MIGRATE", "127.0.0.1", t, "st", "1", "5000", "COPY"},
                {"EXISTS", "st"},
                {"MIGRATE", "127.0.0.1", t, "big", "1", "0", "COPY", "REPLACE"},
                {"MIGRATE", "127.0.0.1", t, "n", "x", "5000"},
                {"MIGRATE", "127.0.0.1", t, "n", "0", "x"},
                {"MIGRATE", "127.0.0.1", t, "n", "0", "5000", "FOO"},
                {"MIGRATE", "127.0.0.1", t, "n", "0", "5000", "KEYS", "n"},
                {"MIGRATE", "127.0.0.1", t, "", "0", "5000", "KEYS"},
                {"MIGRATE", "127.0.0.1", t, "n", "0", "5000", "AUTH"},
                {"MIGRATE", "127.0.0.1", t, "n", "0", "5000", "AUTH2", "u"},
                {"MIGRATE", "127.0.0.1", t, "n", "0"},
                {"MIGRATE", "127.0.0.1", Integer.toString(closedPort), "n", "0", "500"},
                {"MIGRATE", "127.0.0.1", s, "n", "0", "5000"},
                {"MIGRATE", "127.0.0.1", s, "n", "0", "5000", "AUTH", "wrong"},
                {"MIGRATE", "127.0.0.1", s, "n", "0", "5000", "AUTH", "pw", "COPY"},
                {"MIGRATE", "127.0.0.1", s, "n", "3", "5000", "AUTH2", "default", "pw"},
                {"EXISTS", "n"},
                {"DBSIZE"},
        };
        for (String[] step : steps) {
            seen.add(String.join(" ", step).replace(t, "T").replace(s, "S") + " -> " + source.call(step));
        }
        String stats = source.call("INFO", "stats");
        seen.add(stats.lines().filter(l -> l.startsWith("migrate_cached_sockets:")).findFirst().orElse("none"));
        try (RespConnection c = new RespConnection("127.0.0.1", target)) {
            seen.add("target digest " + c.call("DEBUG", "DIGEST"));
            long ttl = Long.parseLong(c.call("PTTL", "s").substring(1).trim());
            seen.add("migrated TTL kept: " + (ttl > 90_000 && ttl <= 100_000));
        }
        try (RespConnection c = new RespConnection("127.0.0.1", secured)) {
            c.call("AUTH", "pw");
            seen.add("secured digest " + c.call("DEBUG", "DIGEST"));
        }
        return seen;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket ss = new ServerSocket(0)) {
            return ss.getLocalPort();
        }
    }

    @Test
    void mnemosMigratesAsRedisDoesToRealTargets() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        int closed = closedPort();
        List<String> expected;
        try (RealRedis source = RealRedis.start("--enable-debug-command", "yes");
             RealRedis target = RealRedis.start("--enable-debug-command", "yes");
             RealRedis secured = RealRedis.start("--enable-debug-command", "yes", "--requirepass", "pw");
             RespConnection c = new RespConnection("127.0.0.1", source.port())) {
            expected = run(c, target.port(), secured.port(), closed);
        }
        List<String> actual;
        try (RunningServer source = RunningServer.start();
             RealRedis target = RealRedis.start("--enable-debug-command", "yes");
             RealRedis secured = RealRedis.start("--enable-debug-command", "yes", "--requirepass", "pw");
             RespConnection c = new RespConnection(source.host(), source.port())) {
            actual = run(c, target.port(), secured.port(), closed);
            assertTrue(source.server().migrateSockets().size() > 0, "connections are cached");
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        assertTrue(expected.contains("migrated TTL kept: true"), expected.toString());
    }

    @Test
    void redisMigratesIntoMnemos() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis source = RealRedis.start("--enable-debug-command", "yes");
             RunningServer target = RunningServer.start("--enable-debug-command", "yes");
             RespConnection src = new RespConnection("127.0.0.1", source.port());
             RespConnection dst = new RespConnection(target.host(), target.port())) {
            src.call("RPUSH", "l", "a", "b");
            src.call("ZADD", "z", "1", "a");
            String digest = src.call("DEBUG", "DIGEST-VALUE", "l", "z");
            assertEquals("+OK\r\n", src.call("MIGRATE", target.host(), Integer.toString(target.port()), "", "2",
                    "5000", "KEYS", "l", "z"));
            assertEquals(":0\r\n", src.call("DBSIZE"));
            dst.call("SELECT", "2");
            assertEquals(digest, dst.call("DEBUG", "DIGEST-VALUE", "l", "z"));
            assertEquals(":2\r\n", dst.call("DBSIZE"));
        }
    }

    @Test
    void migratedKeysArePropagatedAsDel(@TempDir Path dir) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis target = RealRedis.start();
             RunningServer source = RunningServer.withAof(dir);
             RespConnection c = new RespConnection(source.host(), source.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            String port = Integer.toString(target.port());
            assertEquals("+OK\r\n", c.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "a", "b"));
            assertEquals("+OK\r\n", c.call("SET", "c", "3"));
            assertEquals("+OK\r\n", c.call("MIGRATE", "127.0.0.1", port, "c", "0", "5000", "COPY"));
        }
        try (var files = Files.list(dir.resolve("appendonlydir"))) {
            Path incr = files.filter(p -> p.toString().endsWith(".incr.aof")).findFirst().orElseThrow();
            String aof = Files.readString(incr, StandardCharsets.ISO_8859_1);
            assertTrue(aof.contains("*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nb\r\n"), aof);
            assertTrue(!aof.contains("MIGRATE") && !aof.contains("migrate"), "COPY changes nothing here: " + aof);
        }
    }

    @Test
    void commandTableEntryAndKeysMatchRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            String[][] requests = {
                    {"COMMAND", "INFO", "migrate"}, {"COMMAND", "DOCS", "migrate"},
                    {"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "10"},
                    {"COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "10", "COPY", "KEYS", "a", "b"},
            };
            for (String[] request : requests) {
                assertEquals(real.call(request), ours.call(request), String.join(" ", request));
            }
        }
    }
}
