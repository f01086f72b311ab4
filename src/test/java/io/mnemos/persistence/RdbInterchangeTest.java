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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** RDB files and DUMP payloads move between Mnemos and a real redis-server 7.0 in both directions. */
class RdbInterchangeTest {
    @TempDir
    Path mnemosDir;
    @TempDir
    Path redisDir;

    private static String onPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(d, name);
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    private static void awaitLoaded(RespConnection c) throws Exception {
        RdbPersistenceTest.awaitLoaded(c);
    }

    @Test
    void mnemosDumpLoadsIntoRedisWithIdenticalDataAndPassesRedisCheckRdb() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String expected;
        String digest;
        try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            KeyspaceText.populateAllTypes(c);
            assertEquals("+OK\r\n", c.call("SAVE"));
            expected = KeyspaceText.of(c, 16);
            digest = c.call("DEBUG", "DIGEST");
        }
        Files.copy(mnemosDir.resolve("dump.rdb"), redisDir.resolve("dump.rdb"));
        try (RealRedis redis = RealRedis.start("--dir", redisDir.toString(), "--enable-debug-command", "local");
             RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
            awaitLoaded(c);
            assertEquals(expected, KeyspaceText.of(c, 16));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
        String checker = onPath("redis-check-rdb");
        assumeTrue(checker != null, "redis-check-rdb not on PATH: the file was only checked by loading it");
        Process p = new ProcessBuilder(checker, mnemosDir.resolve("dump.rdb").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("RDB looks OK"), out);
    }

    @Test
    void redisDumpOfEveryEncodingLoadsIntoMnemos() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String expected;
        String digest;
        try (RealRedis redis = RealRedis.start("--dir", redisDir.toString(), "--enable-debug-command", "local");
             RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
            KeyspaceText.populateAllTypes(c);
            // listpack, quicklist (several nodes and a plain node), intset, hashtable, skiplist.
            assertTrue(c.call("OBJECT", "ENCODING", "smallh").contains("listpack"));
            assertTrue(c.call("OBJECT", "ENCODING", "smallz").contains("listpack"));
            assertTrue(c.call("OBJECT", "ENCODING", "intset").contains("intset"));
            assertTrue(c.call("OBJECT", "ENCODING", "bigh").contains("hashtable"));
            assertTrue(c.call("OBJECT", "ENCODING", "bigz").contains("skiplist"));
            assertEquals("+OK\r\n", c.call("SAVE"));
            expected = KeyspaceText.of(c, 16);
            digest = c.call("DEBUG", "DIGEST");
        }
        Files.copy(redisDir.resolve("dump.rdb"), mnemosDir.resolve("dump.rdb"));
        try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            assertEquals(expected, KeyspaceText.of(c, 16));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void streamsRedisSavedComeBackNodeForNodeInMnemos() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String[] keys = {"stream", "emptystream", "setidstream", "ttlstream"};
        java.util.Map<String, byte[]> payloads = new java.util.HashMap<>();
        try (RealRedis redis = RealRedis.start("--dir", redisDir.toString(), "--stream-node-max-entries", "7");
             RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
            KeyspaceText.populateAllTypes(c);
            assertEquals("+OK\r\n", c.call("SAVE"));
            for (String k : keys) {
                payloads.put(k, c.callBytes("DUMP", k));
            }
        }
        Files.copy(redisDir.resolve("dump.rdb"), mnemosDir.resolve("dump.rdb"));
        try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString(), "--stream-node-max-entries", "7");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            for (String k : keys) {
                // The DUMP payload holds the nodes, flags and metadata exactly as loaded.
                org.junit.jupiter.api.Assertions.assertArrayEquals(payloads.get(k), c.callBytes("DUMP", k), k);
            }
            // And the loaded stream goes on as Redis's would: the tail node keeps taking entries.
            assertEquals("$5\r\n301-0\r\n", c.call("XADD", "stream", "301-0", "f", "v"));
        }
    }

    @Test
    void aRedis6StreamPayloadRestoresWithTheMetadata70Derives() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        byte[] payload = redis6StreamPayload();
        try (RealRedis redis = RealRedis.start();
             RespConnection r = new RespConnection("127.0.0.1", redis.port());
             RunningServer s = RunningServer.start();
             RespConnection m = new RespConnection(s.host(), s.port())) {
            for (String[] cmd : new String[][]{{"XINFO", "STREAM", "old"}, {"XINFO", "GROUPS", "old"},
                {"XPENDING", "old", "g"}, {"XRANGE", "old", "-", "+"}}) {
                if (cmd[1].equals("STREAM")) {
                    byte[][] restore = {"RESTORE".getBytes(), "old".getBytes(), "0".getBytes(), payload};
                    assertEquals("+OK\r\n", r.call(restore), "Redis takes the payload");
                    assertEquals("+OK\r\n", m.call(restore));
                }
                // entries added = length, first ID from the nodes, the group's read counter estimated.
                assertEquals(r.call(cmd), m.call(cmd), String.join(" ", cmd));
            }
            assertTrue(m.call("XRANGE", "old", "-", "+").contains("v1"));
            byte[] again = r.callBytes("DUMP", "old");
            org.junit.jupiter.api.Assertions.assertArrayEquals(again, m.callBytes("DUMP", "old"),
                    "saved again as RDB_TYPE_STREAM_LISTPACKS_2");
        }
    }

    /**
     * A DUMP payload as Redis 6.2 wrote it (RDB_TYPE_STREAM_LISTPACKS, RDB version 9): one node of
     * two entries 5-0 and 6-0 sharing the master's field, last ID 6-0, a group at 5-0 whose consumer
     * c has 5-0 pending; no first ID, max deleted ID, entries added or read counter.
     */
    private static byte[] redis6StreamPayload() {
        byte[] lp = io.mnemos.store.RedisListpack.create(64);
        long[] master = {2, 0, 1};
        for (long v : master) {
            lp = io.mnemos.store.RedisListpack.appendInteger(lp, v);
        }
        lp = io.mnemos.store.RedisListpack.append(lp, "f".getBytes());
        lp = io.mnemos.store.RedisListpack.appendInteger(lp, 0);
        for (int i = 0; i < 2; i++) {
            lp = io.mnemos.store.RedisListpack.appendInteger(lp, 2); // SAMEFIELDS
            lp = io.mnemos.store.RedisListpack.appendInteger(lp, i); // ms delta
            lp = io.mnemos.store.RedisListpack.appendInteger(lp, 0); // seq delta
            lp = io.mnemos.store.RedisListpack.append(lp, ("v" + i).getBytes());
            lp = io.mnemos.store.RedisListpack.appendInteger(lp, 4);
        }
        lp = io.mnemos.store.RedisListpack.shrinkToFit(lp);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(Rdb.TYPE_STREAM_LISTPACKS);
        out.write(1); // one node
        out.write(16);
        out.writeBytes(rawId(5, 0));
        out.write(0x40 | (lp.length >> 8));
        out.write(lp.length & 0xff);
        out.writeBytes(lp);
        out.write(2); // length
        out.write(6); // last ID 6-0
        out.write(0);
        out.write(1); // one group
        out.write(1);
        out.write('g');
        out.write(5); // its last ID 5-0
        out.write(0);
        out.write(1); // global PEL: 5-0, delivered at 1000 ms, once
        out.writeBytes(rawId(5, 0));
        out.writeBytes(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        out.write(1);
        out.write(1); // one consumer c, seen at 2000 ms, owning 5-0
        out.write(1);
        out.write('c');
        out.writeBytes(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(2000).array());
        out.write(1);
        out.writeBytes(rawId(5, 0));
        out.write(9); // RDB version 9
        out.write(0);
        byte[] body = out.toByteArray();
        long crc = Crc64.of(body, 0, body.length);
        out.writeBytes(java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(crc).array());
        return out.toByteArray();
    }

    private static byte[] rawId(long ms, long seq) {
        return java.nio.ByteBuffer.allocate(16).putLong(ms).putLong(seq).array();
    }

    @Test
    void dumpPayloadsRestoreAcrossServersBothWays() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer s = RunningServer.start();
             RespConnection r = new RespConnection("127.0.0.1", redis.port());
             RespConnection m = new RespConnection(s.host(), s.port())) {
            KeyspaceText.populateAllTypes(r);
            KeyspaceText.populateAllTypes(m);
            List<String> keys = KeyspaceText.elements(m.call("KEYS", "*"));
            for (String k : keys) {
                byte[] fromRedis = RespConnection.bulkPayload(r.callBytes("DUMP", k));
                byte[] fromMnemos = RespConnection.bulkPayload(m.callBytes("DUMP", k));
                assertEquals("+OK\r\n", m.call(argv("RESTORE", "r:" + k, "0", fromRedis)), k);
                assertEquals("+OK\r\n", r.call(argv("RESTORE", "m:" + k, "0", fromMnemos)), k);
                // The same errors for the same mistakes.
                assertEquals(r.call(argv("RESTORE", "m:" + k, "0", fromMnemos)),
                        m.call(argv("RESTORE", "r:" + k, "0", fromRedis)));
            }
            for (String k : keys) {
                if (k.equals("hll")) {
                    continue; // PFCOUNT caches differ; the registers are compared by PFCOUNT below
                }
                assertEquals(content(r, "m:" + k), content(r, k), k);
                assertEquals(content(m, "r:" + k), content(m, k), k);
            }
            assertEquals(r.call("PFCOUNT", "m:hll"), m.call("PFCOUNT", "r:hll"));
            // Error replies, byte for byte.
            byte[] good = RespConnection.bulkPayload(m.callBytes("DUMP", "str"));
            byte[] corrupt = good.clone();
            corrupt[1] ^= 1;
            for (byte[][] cmd : List.of(
                    argv("RESTORE", "x", "0", corrupt),
                    argv("RESTORE", "str", "0", good),
                    argv("RESTORE", "x", "-5", good),
                    argv("RESTORE", "x", "abc", good),
                    argv("RESTORE", "x", "0", good, "IDLETIME", "-1"),
                    argv("RESTORE", "x", "0", good, "FREQ", "256"),
                    argv("RESTORE", "x", "0", good, "IDLETIME", "1", "FREQ", "1"),
                    argv("RESTORE", "x", "0", good, "BOGUS"),
                    argv("RESTORE", "x", "0", "short".getBytes(StandardCharsets.UTF_8)),
                    argv("RESTORE", "y", "1", good, "ABSTTL"),
                    argv("EXISTS", "y"),
                    argv("RESTORE", "str", "0", good, "REPLACE", "ABSTTL"),
                    argv("DUMP", "nosuchkey"))) {
                assertEquals(r.call(cmd), m.call(cmd), new String(cmd[0]) + " " + new String(cmd[cmd.length - 1]));
            }
        }
    }

    private static String content(RespConnection c, String key) throws Exception {
        String type = KeyspaceText.elements(c.call("TYPE", key)).get(0);
        return switch (type) {
            case "string" -> c.call("GET", key);
            case "list" -> c.call("LRANGE", key, "0", "-1");
            case "set" -> KeyspaceText.elements(c.call("SMEMBERS", key)).stream().sorted().toList().toString();
            case "zset" -> c.call("ZRANGE", key, "0", "-1", "WITHSCORES");
            case "hash" -> KeyspaceText.elements(c.call("HGETALL", key)).toString().length() + ":"
                    + KeyspaceText.elements(c.call("HKEYS", key)).stream().sorted().toList();
            default -> type;
        };
    }

    /**
     * A real Redis started with {@code flags} holds "src" and {@code key}, a RESTORE of the dump of "src" with
     * {@code option value} (IDLETIME, FREQ); its SAVE is copied into Mnemos's directory.
     */
    private void redisSavesRestoredCopy(String key, String option, Object value, String... flags) throws Exception {
        String[] args = new String[flags.length + 2];
        args[0] = "--dir";
        args[1] = redisDir.toString();
        System.arraycopy(flags, 0, args, 2, flags.length);
        try (RealRedis redis = RealRedis.start(args);
             RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
            c.call("SET", "src", "v");
            byte[] payload = RespConnection.bulkPayload(c.callBytes("DUMP", "src"));
            assertEquals("+OK\r\n", c.call(argv("RESTORE", key, 0, payload, option, value)));
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        Files.copy(redisDir.resolve("dump.rdb"), mnemosDir.resolve("dump.rdb"));
    }

    private static byte[][] argv(Object... parts) {
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = parts[i] instanceof byte[] b ? b : parts[i].toString().getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }


    @Test
    void idleTimesRedisSavesUnderAnLruPolicyAreKeptByTheLoad() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        redisSavesRestoredCopy("old", "IDLETIME", 5000, "--maxmemory-policy", "allkeys-lru");
        try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString(), "--maxmemory-policy", "allkeys-lru");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            long idle = Long.parseLong(c.call("OBJECT", "IDLETIME", "old").trim().substring(1));
            assertTrue(idle >= 5000 && idle <= 5002, "idle " + idle);
            long fresh = Long.parseLong(c.call("OBJECT", "IDLETIME", "src").trim().substring(1));
            assertTrue(fresh <= 2, "idle " + fresh);
        }
    }

    @Test
    void frequenciesRedisSavesUnderAnLfuPolicyAreKeptByTheLoad() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        redisSavesRestoredCopy("hot", "FREQ", 77, "--maxmemory-policy", "allkeys-lfu", "--lfu-decay-time", "0");
        try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString(), "--maxmemory-policy", "allkeys-lfu",
                "--lfu-decay-time", "0");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            assertEquals(":77\r\n", c.call("OBJECT", "FREQ", "hot"));
        }
        try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString(), "--maxmemory-policy", "allkeys-lru");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            awaitLoaded(c);
            long idle = Long.parseLong(c.call("OBJECT", "IDLETIME", "hot").trim().substring(1));
            assertTrue(idle <= 2, "FREQ means nothing to an LRU policy: idle " + idle);
        }
    }

    /** SAVE and BGSAVE of Mnemos write the IDLE / FREQ opcodes as Redis does; redis-server reads them back. */
    @Test
    void mnemosWritesIdleTimesUnderLruAndFrequenciesUnderLfuForRedisToRead() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        for (String save : new String[]{"SAVE", "BGSAVE"}) {
            for (String policy : new String[]{"allkeys-lru", "volatile-lfu"}) {
                Files.deleteIfExists(mnemosDir.resolve("dump.rdb")); // start empty, not from the last round's file
                try (RunningServer s = RunningServer.start("--dir", mnemosDir.toString(), "--maxmemory-policy", policy,
                        "--lfu-decay-time", "0");
                     RespConnection c = new RespConnection(s.host(), s.port())) {
                    c.call("SET", "src", "v");
                    byte[] payload = RespConnection.bulkPayload(c.callBytes("DUMP", "src"));
                    assertEquals("+OK\r\n", c.call(argv("RESTORE", "old", 0, payload, "IDLETIME", 5000, "REPLACE")));
                    assertEquals("+OK\r\n", c.call(argv("RESTORE", "hot", 0, payload, "FREQ", 77, "REPLACE")));
                    c.call("SET", "fresh", "never read");
                    c.call(save);
                    for (int i = 0; i < 500 && !"0".equals(RdbPersistenceTest.info(c, "rdb_bgsave_in_progress")); i++) {
                        Thread.sleep(10);
                    }
                    assertEquals("1", RdbPersistenceTest.info(c, "rdb_saves"), save);
                }
                Files.copy(mnemosDir.resolve("dump.rdb"), redisDir.resolve("dump.rdb"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                try (RealRedis redis = RealRedis.start("--dir", redisDir.toString(), "--maxmemory-policy", policy,
                        "--lfu-decay-time", "0");
                     RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
                    awaitLoaded(c);
                    if (policy.endsWith("lru")) {
                        long idle = Long.parseLong(c.call("OBJECT", "IDLETIME", "old").trim().substring(1));
                        assertTrue(idle >= 5000 && idle <= 5003, save + " " + policy + ": idle " + idle);
                    } else {
                        assertEquals(":77\r\n", c.call("OBJECT", "FREQ", "hot"), save + " " + policy);
                        assertEquals(":5\r\n", c.call("OBJECT", "FREQ", "fresh"), "LFU_INIT_VAL, never read");
                    }
                }
            }
        }
    }
}
