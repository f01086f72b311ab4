package io.mnemos.persistence;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.mnemos.persistence.RdbPersistenceTest.awaitLoaded;
import static io.mnemos.persistence.RdbPersistenceTest.info;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Loading a dump at startup: what is kept, what is dropped, and what the RESIZEDB hint may do. */
class RdbLoadTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void keysAlreadyExpiredAreDroppedAndCountedAndTheOthersKeepTheirTtl() throws Exception {
        long now = System.currentTimeMillis();
        try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
            RdbWriter w = new RdbWriter(out, true, true);
            w.header();
            w.selectDb(0);
            w.resizeDb(3, 2);
            w.keyValue(b("gone"), b("1"), now - 60_000);
            w.keyValue(b("later"), b("2"), now + 3_600_000);
            w.keyValue(b("forever"), b("3"), -1);
            w.selectDb(3);
            w.keyValue(b("other"), b("4"), -1);
            w.finish();
        }
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            assertEquals(":2\r\n", c.call("DBSIZE"));
            assertEquals("$-1\r\n", c.call("GET", "gone"));
            assertEquals(":" + (now + 3_600_000) + "\r\n", c.call("PEXPIRETIME", "later"));
            assertEquals(":-1\r\n", c.call("PEXPIRETIME", "forever"));
            c.call("SELECT", "3");
            assertEquals("$1\r\n4\r\n", c.call("GET", "other"));
            assertEquals("3", info(c, "rdb_last_load_keys_loaded"));
            assertEquals("1", info(c, "rdb_last_load_keys_expired"));
        }
    }

    @Test
    void anAbsurdResizeHintIsBoundedByTheFileSizeInsteadOfAllocated() throws Exception {
        try (OutputStream out = Files.newOutputStream(dir.resolve("dump.rdb"))) {
            RdbWriter w = new RdbWriter(out, true, true);
            w.header();
            w.selectDb(0);
            w.resizeDb(Long.MAX_VALUE, Long.MAX_VALUE);
            w.keyValue(b("k"), b("v"), -1);
            w.finish();
        }
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"));
            assertEquals("1", info(c, "rdb_last_load_keys_loaded"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals("$1\r\nv\r\n", c.call("GET", "k"), "DEBUG RELOAD takes the same path");
        }
    }
}
