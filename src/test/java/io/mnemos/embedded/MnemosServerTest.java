package io.mnemos.embedded;

import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MnemosServerTest {
    @Test
    void builderStartsAServerOnAnEphemeralLoopbackPortWithTheGivenConfig() throws IOException {
        try (MnemosServer redis = MnemosServer.builder().port(0).config("maxmemory", "64mb").start();
             RespConnection c = new RespConnection(redis.host(), redis.port())) {
            assertTrue(redis.port() > 0);
            assertEquals("127.0.0.1", redis.host());
            assertEquals("redis://127.0.0.1:" + redis.port(), redis.uri());
            assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            assertEquals("*2\r\n$9\r\nmaxmemory\r\n$8\r\n67108864\r\n", c.call("CONFIG", "GET", "maxmemory"));
            assertEquals("*2\r\n$4\r\nport\r\n$" + Integer.toString(redis.port()).length() + "\r\n" + redis.port() + "\r\n",
                    c.call("CONFIG", "GET", "port"));
        }
    }

    @Test
    void savePointsAreOffUnlessConfiguredSoFlushallWritesNoDumpFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws IOException {
        try (MnemosServer redis = MnemosServer.builder().config("dir", dir.toString()).start();
             RespConnection c = new RespConnection(redis.host(), redis.port())) {
            assertEquals("*2\r\n$4\r\nsave\r\n$0\r\n\r\n", c.call("CONFIG", "GET", "save"));
            c.call("SET", "k", "v");
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertFalse(java.nio.file.Files.exists(dir.resolve("dump.rdb")));
        }
        try (MnemosServer redis = MnemosServer.builder().config("dir", dir.toString()).config("save", "3600 1").start();
             RespConnection c = new RespConnection(redis.host(), redis.port())) {
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertTrue(java.nio.file.Files.exists(dir.resolve("dump.rdb")), "given save points, FLUSHALL saves as in Redis");
        }
    }

    @Test
    void twoEmbeddedServersAreIndependent() throws IOException {
        try (MnemosServer a = MnemosServer.start(); MnemosServer b = MnemosServer.start();
             RespConnection ca = new RespConnection(a.host(), a.port());
             RespConnection cb = new RespConnection(b.host(), b.port())) {
            assertNotEquals(a.port(), b.port());
            ca.call("SET", "only-in-a", "1");
            assertEquals(":1\r\n", ca.call("EXISTS", "only-in-a"));
            assertEquals(":0\r\n", cb.call("EXISTS", "only-in-a"));
        }
    }

    @Test
    void closeReleasesThePortAndIsIdempotent() {
        MnemosServer redis = MnemosServer.start();
        int port = redis.port();
        redis.close();
        redis.close();
        assertFalse(redis.isRunning());
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void resetEmptiesTheDataAndTheStatistics() throws IOException {
        try (MnemosServer redis = MnemosServer.start();
             RespConnection c = new RespConnection(redis.host(), redis.port())) {
            c.call("SET", "k", "v");
            c.call("GET", "k");
            redis.reset();
            assertEquals(":0\r\n", c.call("DBSIZE"));
            String info = c.call("INFO", "stats");
            assertTrue(info.contains("keyspace_hits:0\r\n"), info);
        }
    }

    @Test
    void invalidConfigurationIsRejectedWithRedissMessage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MnemosServer.builder().config("maxmemory", "lots").start());
        assertTrue(e.getMessage().contains("maxmemory"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> MnemosServer.builder().port(70000));
    }

    @Test
    void metricsCanBeEnabledThroughTheConfig() {
        try (MnemosServer redis = MnemosServer.builder().config("metrics-port", "0").start()) {
            assertEquals(0, redis.metricsPort());
        }
    }

    @Test
    void withoutADirItWorksInAFreshDirectoryOfItsOwnRemovedOnClose() throws IOException {
        java.nio.file.Path dir;
        try (MnemosServer redis = MnemosServer.builder().start();
             RespConnection c = new RespConnection(redis.host(), redis.port())) {
            String reply = c.call("CONFIG", "GET", "dir");
            dir = java.nio.file.Path.of(reply.split("\r\n")[4]);
            assertNotEquals(java.nio.file.Path.of("").toAbsolutePath(), dir, "not the working directory");
            assertTrue(java.nio.file.Files.isDirectory(dir));
            assertEquals("+OK\r\n", c.call("SAVE"));
            assertTrue(java.nio.file.Files.exists(dir.resolve("dump.rdb")), "SAVE writes there");
        }
        assertFalse(java.nio.file.Files.exists(dir), "removed by close()");
    }
}
