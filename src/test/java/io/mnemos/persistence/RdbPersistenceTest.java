package io.mnemos.persistence;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdbPersistenceTest {
    @TempDir
    Path dir;

    /** Waits until the server has loaded its dataset (commands stop answering -LOADING). */
    static void awaitLoaded(RespConnection c) throws IOException, InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (!c.call("DBSIZE").startsWith("-LOADING")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("still loading");
    }

    static String info(RespConnection c, String field) throws IOException {
        for (String line : c.call("INFO", "persistence").split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    @Test
    void saveThenRestartRestoresEveryTypeAndExpiry() throws Exception {
        String before;
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            KeyspaceText.populateAllTypes(c);
            assertEquals("+OK\r\n", c.call("SAVE"));
            assertEquals("0", info(c, "rdb_changes_since_last_save"));
            assertEquals("1", info(c, "rdb_saves"));
            assertEquals(":" + info(c, "rdb_last_save_time") + "\r\n", c.call("LASTSAVE"));
            before = KeyspaceText.of(c, 16);
        }
        assertTrue(Files.exists(dir.resolve("dump.rdb")));
        assertFalse(Files.list(dir).anyMatch(p -> p.getFileName().toString().startsWith("temp-")));
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            assertEquals(before, KeyspaceText.of(c, 16));
            assertEquals("0", info(c, "loading"));
            assertEquals("25", info(c, "rdb_last_load_keys_loaded"));
        }
    }

    @Test
    void dbfilenameAndCompressionOptions() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString(), "--dbfilename", "other.rdb",
                "--rdbcompression", "no", "--rdbchecksum", "no");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "k", "a".repeat(1000));
            assertEquals("+OK\r\n", c.call("SAVE"));
            byte[] file = Files.readAllBytes(dir.resolve("other.rdb"));
            assertTrue(file.length > 1000, "not compressed");
            assertTrue(Arrays.equals(new byte[8], Arrays.copyOfRange(file, file.length - 8, file.length)));
            assertEquals("*2\r\n$10\r\ndbfilename\r\n$9\r\nother.rdb\r\n", c.call("CONFIG", "GET", "dbfilename"));
            assertEquals("*2\r\n$4\r\nsave\r\n$0\r\n\r\n", c.call("CONFIG", "GET", "save"));
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "save", "3600 1 300 100"));
            assertEquals("*2\r\n$4\r\nsave\r\n$14\r\n3600 1 300 100\r\n", c.call("CONFIG", "GET", "save"));
            assertTrue(c.call("CONFIG", "SET", "save", "1 2 3").startsWith("-ERR"));
        }
    }

    @Test
    void savePointTriggersBackgroundSave() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString(), "--save", "1 2");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            for (int i = 0; i < 500 && !Files.exists(dir.resolve("dump.rdb")); i++) {
                Thread.sleep(10);
            }
            for (int i = 0; i < 300 && !"1".equals(info(c, "rdb_saves")); i++) {
                Thread.sleep(10);
            }
            assertEquals("1", info(c, "rdb_saves"));
            assertEquals("ok", info(c, "rdb_last_bgsave_status"));
        }
    }

    /** Every key of an RDB file, decoded to text. */
    static Map<String, String> readFile(Path file) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (InputStream in = new FileInputStream(file.toFile())) {
            RdbReader.load(in, EncodingLimits.DEFAULT, true, (db, key, value, expireAt) -> {
                String v;
                if (value instanceof byte[] b) {
                    v = new String(b, StandardCharsets.UTF_8);
                } else if (value instanceof io.mnemos.store.ListValue l) {
                    List<String> items = new ArrayList<>();
                    for (int i = 0; i < l.size(); i++) {
                        items.add(new String(l.get(i), StandardCharsets.UTF_8));
                    }
                    v = items.toString();
                } else {
                    v = value.getClass().getSimpleName();
                }
                out.put(db + ":" + new String(key, StandardCharsets.UTF_8), v);
            });
        }
        return out;
    }

    @Test
    void bgsaveWritesTheKeyspaceAsItWasWhenItStartedWhileServingWrites() throws Exception {
        int n = 100_000;
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port());
             RespConnection probe = new RespConnection(s.host(), s.port())) {
            c.call("DEBUG", "POPULATE", Integer.toString(n));
            c.call("RPUSH", "list", "a", "b");
            c.call("SELECT", "1");
            c.call("SET", "db1key", "old");
            c.call("SELECT", "0");
            // BGSAVE and the writes arrive in one read: the writes run before the first slice of
            // the snapshot, so they overwrite, delete, create and change keys it has not written yet.
            StringBuilder raw = new StringBuilder(resp("BGSAVE"));
            raw.append(resp("BGSAVE"));
            raw.append(resp("INFO", "persistence"));
            int writes = 2000;
            for (int i = 0; i < writes; i++) {
                raw.append(resp("SET", "key:" + (n - 1 - i * 7), "overwritten"));
                raw.append(resp("DEL", "key:" + (i * 11)));
                raw.append(resp("SET", "created:" + i, "new"));
                raw.append(resp("APPEND", "key:" + (i * 13 + 1), "-appended"));
                raw.append(resp("RPUSH", "list", "pushed" + i));
            }
            raw.append(resp("SELECT", "1"));
            raw.append(resp("SET", "db1key", "new"));
            raw.append(resp("SELECT", "0"));
            // Written from another thread while this one reads the replies, so neither side waits
            // for the other's socket buffer.
            byte[] request = raw.toString().getBytes(StandardCharsets.UTF_8);
            Thread writer = new Thread(() -> {
                try {
                    c.sendRaw(request);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.start();
            assertEquals("+Background saving started\r\n", c.readReply());
            assertEquals("-ERR Background save already in progress\r\n", c.readReply());
            assertTrue(c.readReply().contains("rdb_bgsave_in_progress:1"));
            for (int i = 0; i < writes * 5 + 3; i++) {
                c.readReply();
            }
            writer.join();
            for (int i = 0; i < 1000 && !"0".equals(info(probe, "rdb_bgsave_in_progress")); i++) {
                Thread.sleep(10);
            }
            assertEquals("ok", info(probe, "rdb_last_bgsave_status"));
            assertEquals("overwritten", stripBulk(probe.call("GET", "key:" + (n - 1))));
        }
        Map<String, String> saved = readFile(dir.resolve("dump.rdb"));
        assertEquals(n + 2, saved.size());
        for (int i = 0; i < n; i++) {
            assertEquals("value:" + i, saved.get("0:key:" + i), "key:" + i);
        }
        assertEquals("[a, b]", saved.get("0:list"));
        assertEquals("old", saved.get("1:db1key"));
        assertFalse(saved.containsKey("0:created:0"));
    }

    private static String stripBulk(String reply) {
        return reply.substring(reply.indexOf("\r\n") + 2, reply.length() - 2);
    }

    private static String resp(String... args) {
        StringBuilder sb = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    @Test
    void corruptOrTruncatedFileStopsTheServerWithAClearError() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            KeyspaceText.populateAllTypes(c);
            c.call("SAVE");
        }
        byte[] good = Files.readAllBytes(dir.resolve("dump.rdb"));
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x40;
        for (byte[] bad : List.of(Arrays.copyOf(good, good.length - 20), flipped)) {
            Files.write(dir.resolve("dump.rdb"), bad);
            RunningServer s = RunningServer.start("--dir", dir.toString());
            try {
                RdbPersistence p = s.server().persistence();
                for (int i = 0; i < 500 && p.loadError() == null; i++) {
                    Thread.sleep(10);
                }
                assertNotNull(p.loadError(), "a load error is reported");
                for (int i = 0; i < 500 && !s.server().stopping(); i++) {
                    Thread.sleep(10);
                }
                assertTrue(s.server().stopping(), "the server does not keep running with partial data");
            } finally {
                s.close();
            }
        }
    }

    @Test
    void debugReloadAndShutdownSave() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            KeyspaceText.populateAllTypes(c);
            String before = KeyspaceText.of(c, 16);
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertEquals(before, KeyspaceText.of(c, 16));
            c.call("SET", "late", "1");
            c.sendRaw(resp("SHUTDOWN", "SAVE").getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 500 && !s.server().stopping(); i++) {
                Thread.sleep(10);
            }
        }
        assertTrue(readFile(dir.resolve("dump.rdb")).containsKey("0:late"));
    }
}
