package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;

import static io.mnemos.replication.ReplicationSync.await;
import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static io.mnemos.replication.ReplicationSync.linkStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mnemos as a replica (REPLICAOF) of a real redis-server master, and of a Mnemos master: the full
 * sync (diskless with an EOF mark, and disk-based with a length) brings the dataset, the stream
 * every later write of every kind, and the DEBUG DIGESTs end up equal. A replica refuses writes,
 * shows its link in INFO replication, ROLE and CLIENT LIST, continues a broken link with a partial
 * resync, authenticates with masterauth, and REPLICAOF NO ONE makes it a master that keeps the data.
 */
class MasterLinkTest {
    private static final String READONLY = "-READONLY You can't write against a read only replica.\r\n";

    static RealRedis redisMaster(String... extra) throws Exception {
        String[] args = new String[extra.length + 4];
        args[0] = "--enable-debug-command";
        args[1] = "yes";
        args[2] = "--repl-diskless-sync-delay";
        args[3] = "0";
        System.arraycopy(extra, 0, args, 4, extra.length);
        return RealRedis.start(args);
    }

    /** A Mnemos server started with {@code --replicaof} the redis-server (after {@code flags}). */
    static RunningServer replicaOf(RealRedis redis, String... flags) {
        String[] args = java.util.Arrays.copyOf(flags, flags.length + 3);
        args[flags.length] = "--replicaof";
        args[flags.length + 1] = "127.0.0.1";
        args[flags.length + 2] = Integer.toString(redis.port());
        return RunningServer.start(args);
    }

    /** Strings, lists, hashes, sets, sorted sets, streams, expiries, MULTI, EVAL, other databases, flushes. */
    /**
     * The replica (in sync or syncing) applies every kind of write, acknowledges them (WAIT), and
     * after its master link is killed continues with a partial resync: the digests stay equal.
     */
    static void followsEveryWriteAndContinuesAfterALinkLoss(RespConnection m, RespConnection r) throws Exception {
        awaitInSync(m, r);
        writeEveryKind(m);
        awaitInSync(m, r);
        assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
        assertEquals(":1\r\n", m.call("WAIT", "1", "5000"));
        assertEquals(":1\r\n", r.call("CLIENT", "KILL", "TYPE", "master"));
        m.call("SET", "while-away", "1");
        awaitInSync(m, r);
        assertEquals("1", field(m.call("INFO", "stats"), "sync_partial_ok"));
        assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
    }

    static void writeEveryKind(RespConnection m) throws Exception {
        m.call("SET", "s", "v");
        m.call("APPEND", "s", "w");
        m.call("INCRBYFLOAT", "f", "1.5");
        m.call("SELECT", "2");
        m.call("RPUSH", "l", "a", "b", "c");
        m.call("LPOP", "l");
        m.call("EXPIRE", "l", "1000");
        m.call("SELECT", "0");
        m.call("SADD", "set", "1", "2", "3", "4", "x");
        m.call("SPOP", "set");
        m.call("HSET", "h", "f", "v", "g", "w");
        m.call("HINCRBYFLOAT", "h", "n", "2.5");
        m.call("ZADD", "z", "1", "a", "2", "b", "3", "c");
        m.call("ZINCRBY", "z", "5", "a");
        m.call("MULTI");
        m.call("HSET", "h2", "f", "v");
        m.call("ZADD", "z2", "1", "a");
        m.call("LPUSH", "l3", "x");
        m.call("EXEC");
        m.call("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", "2", "e", "n", "x");
        m.call("XADD", "stream", "1-1", "k", "v");
        m.call("XADD", "stream", "*", "k2", "v2");
        m.call("XGROUP", "CREATE", "stream", "g", "0");
        m.call("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "stream", ">");
        m.call("SET", "ttl", "v", "EX", "1000");
        m.call("PEXPIRE", "s", "500000");
        m.call("SETEX", "ex", "100", "v");
        m.call("PERSIST", "ex");
        m.call("SELECT", "3");
        m.call("SET", "gone", "1");
        m.call("FLUSHDB");
        m.call("SET", "kept", "1");
        m.call("SELECT", "0");
        m.call("SELECT", "5");
        m.call("SET", "five", "5");
        m.call("FLUSHALL");
        m.call("SELECT", "1");
        m.call("SET", "after-flushall", "1");
        m.call("SELECT", "0");
    }

    @Test
    void followsARealRedisMasterThroughTheFullSyncTheStreamAndAPartialResync() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port());
             RunningServer replica = RunningServer.start();
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            m.call("DEBUG", "POPULATE", "20000");
            r.call("SET", "replaced", "by the master's data");
            String port = Integer.toString(redis.port());
            assertEquals("+OK\r\n", r.call("REPLICAOF", "127.0.0.1", port));
            assertEquals("+OK Already connected to specified master\r\n", r.call("SLAVEOF", "127.0.0.1", port));
            for (int i = 0; i < 2000; i++) {
                m.call("SET", "during:" + i, Integer.toString(i)); // while the replica syncs
            }
            awaitInSync(m, r);
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            assertEquals(":0\r\n", r.call("EXISTS", "replaced"), "a full sync flushes the old data");

            writeEveryKind(m);
            awaitInSync(m, r);
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));

            assertEquals(READONLY, r.call("SET", "x", "1"));
            assertEquals("-READONLY You can't write against a read only replica. script: "
                    + "8d2da2533bbf4d10590876b5c755f716f5ffa077, on @user_script:1.\r\n",
                    r.call("EVAL", "return redis.call('SET', 'x', '1')", "0"));
            assertEquals("+OK\r\n", r.call("MULTI"));
            assertEquals(READONLY, r.call("INCR", "x"));
            assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", r.call("EXEC"));
            assertTrue(r.call("WAIT", "0", "0").startsWith("-ERR WAIT cannot be used with replica instances."));

            String info = r.call("INFO", "replication");
            assertEquals("slave", field(info, "role"), info);
            assertEquals("127.0.0.1", field(info, "master_host"));
            assertEquals(port, field(info, "master_port"));
            assertEquals("0", field(info, "master_sync_in_progress"));
            assertEquals(field(m.call("INFO", "replication"), "master_replid"), field(info, "master_replid"));
            assertEquals("1", field(info, "repl_backlog_active"));
            long offset = Long.parseLong(field(info, "slave_repl_offset"));
            assertEquals("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + port + "\r\n$9\r\nconnected\r\n:" + offset + "\r\n",
                    r.call("ROLE"));
            assertEquals("*2\r\n$9\r\nreplicaof\r\n$" + (10 + port.length()) + "\r\n127.0.0.1 " + port + "\r\n",
                    r.call("CONFIG", "GET", "replicaof"));
            assertTrue(r.call("HELLO").contains("$4\r\nrole\r\n$7\r\nreplica\r\n"), "HELLO's role");
            String masterClient = r.call("CLIENT", "LIST", "TYPE", "master");
            assertTrue(masterClient.contains(" flags=M ") && masterClient.contains(" user=(superuser) "), masterClient);
            await("the master to see the replica's ACK",
                    () -> m.call("INFO", "replication").contains("state=online,offset=" + offset));
            String mi = m.call("INFO", "replication");
            assertTrue(mi.contains("slave0:ip=127.0.0.1,port=" + replica.port() + ",state=online"), mi);

            // The link killed on our side: the master continues the stream from its backlog.
            long partial = Long.parseLong(field(m.call("INFO", "stats"), "sync_partial_ok"));
            assertEquals(":1\r\n", r.call("CLIENT", "KILL", "TYPE", "master"));
            m.call("SET", "while-away", "1");
            m.call("SELECT", "4");
            m.call("RPUSH", "away-list", "1");
            awaitInSync(m, r);
            assertEquals(Long.toString(partial + 1), field(m.call("INFO", "stats"), "sync_partial_ok"));
            // ... and on the master's side.
            assertEquals(":1\r\n", m.call("CLIENT", "KILL", "TYPE", "replica"));
            m.call("HSET", "away-hash", "f", "v");
            awaitInSync(m, r);
            assertEquals(Long.toString(partial + 2), field(m.call("INFO", "stats"), "sync_partial_ok"));
            assertEquals("1", field(m.call("INFO", "stats"), "sync_full"));
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));

            // Promoted: the data stays, writes are taken, a new history starts after the old one.
            String digest = r.call("DEBUG", "DIGEST");
            String oldReplid = field(r.call("INFO", "replication"), "master_replid");
            assertEquals("+OK\r\n", r.call("REPLICAOF", "NO", "ONE"));
            assertEquals(digest, r.call("DEBUG", "DIGEST"));
            assertEquals("+OK\r\n", r.call("SET", "x", "1"));
            String promoted = r.call("INFO", "replication");
            assertEquals("master", field(promoted, "role"));
            assertEquals(oldReplid, field(promoted, "master_replid2"));
            assertNotEquals(oldReplid, field(promoted, "master_replid"));
            assertEquals("*2\r\n$9\r\nreplicaof\r\n$0\r\n\r\n", r.call("CONFIG", "GET", "replicaof"));
        }
    }

    @Test
    void aDiskBasedSyncFromAMasterWithAPasswordAndExpiredKeysLeftToTheMaster() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster("--requirepass", "secret", "--repl-diskless-sync", "no");
             RespConnection m = new RespConnection("127.0.0.1", redis.port());
             RunningServer replica = RunningServer.start("--masterauth", "secret");
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            m.call("AUTH", "secret");
            m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"); // only a read on the master expires keys now
            m.call("DEBUG", "POPULATE", "1000");
            m.call("SET", "soon", "v", "PX", "50");
            assertEquals("+OK\r\n", r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port())));
            awaitInSync(m, r);
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            // Logically expired on the replica, but kept until the master's DEL: no divergence.
            await("the key's time to pass", () -> r.call("GET", "soon").equals("$-1\r\n"));
            // Logically expired, but kept: neither the read nor the replica's expire cycle deletes it.
            long watchUntil = System.currentTimeMillis() + 500;
            while (System.currentTimeMillis() < watchUntil) {
                assertEquals(":1001\r\n", r.call("DBSIZE"));
                assertEquals("$-1\r\n", r.call("GET", "soon"));
            }
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            m.call("GET", "soon"); // the master expires it and propagates DEL
            awaitInSync(m, r);
            assertEquals(":1000\r\n", r.call("DBSIZE"));
            assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void aMnemosReplicaOfAMnemosMasterStartedWithReplicaof() throws Exception {
        try (RunningServer master = RunningServer.start();
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("DEBUG", "POPULATE", "5000");
            // A host name, as in a compose file, and an empty masterauth (no AUTH sent).
            try (RunningServer replica = RunningServer.start("--masterauth", "",
                    "--replicaof", "localhost", Integer.toString(master.port()));
                 RespConnection r = new RespConnection(replica.host(), replica.port())) {
                followsEveryWriteAndContinuesAfterALinkLoss(m, r);
            }
        }
    }

    @Test
    void aRedisReplicaOfTheMnemosReplicaFollowsTheChainInTheStreamsDatabase() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port());
             RunningServer replica = replicaOf(redis);
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            awaitInSync(m, r);
            m.call("SELECT", "2"); // the master's stream selects db 2 once, after our full sync
            m.call("RPUSH", "l", "a");
            awaitInSync(m, r);
            try (RealRedis sub = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(replica.port()),
                    "--enable-debug-command", "yes");
                 RespConnection s = new RespConnection("127.0.0.1", sub.port())) {
                awaitInSync(r, s);
                // No SELECT in the stream now: the sub-replica knows db 2 from the RDB's repl-stream-db.
                m.call("RPUSH", "l", "b");
                m.call("SET", "in-two", "1");
                awaitInSync(m, r);
                // The chain keeps the master's offsets: the sub-replica is in sync once it reached the
                // master's (the middle replica's own offset may still lag the commands it applied).
                awaitInSync(m, s);
                assertEquals(m.call("DEBUG", "DIGEST"), s.call("DEBUG", "DIGEST"));
                // The middle link breaks and continues: so does the chain.
                assertEquals(":1\r\n", r.call("CLIENT", "KILL", "TYPE", "master"));
                m.call("SET", "after", "1");
                awaitInSync(m, r);
                awaitInSync(m, s);
                assertEquals(m.call("DEBUG", "DIGEST"), s.call("DEBUG", "DIGEST"));
                assertEquals("1", field(r.call("INFO", "stats"), "sync_full"));
            }
        }
    }

    @Test
    void aSilentMasterTimesOutAndTheLinkContinuesOnceItIsBack() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster("--repl-ping-replica-period", "1");
             RespConnection m = new RespConnection("127.0.0.1", redis.port());
             RespConnection sleeper = new RespConnection("127.0.0.1", redis.port());
             RunningServer replica = replicaOf(redis, "--repl-timeout", "2");
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            m.call("SET", "k", "v");
            awaitInSync(m, r);
            long partial = Long.parseLong(field(m.call("INFO", "stats"), "sync_partial_ok"));
            sleeper.sendRaw(RespConnection.encode("DEBUG", "SLEEP", "4")); // no data nor PING for 4 s
            await("repl-timeout to close the link", () -> "down".equals(linkStatus(r)));
            assertEquals("$1\r\nv\r\n", r.call("GET", "k"), "stale data is served meanwhile");
            assertEquals("+OK\r\n", sleeper.readReply());
            m.call("SET", "k", "after");
            awaitInSync(m, r);
            assertEquals(Long.toString(partial + 1), field(m.call("INFO", "stats"), "sync_partial_ok"));
            assertEquals("$5\r\nafter\r\n", r.call("GET", "k"));
        }
    }

    @Test
    void aReplicasAppendOnlyFileIsRewrittenAfterTheFullSync(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port())) {
            m.call("DEBUG", "POPULATE", "3000");
            try (RunningServer replica = RunningServer.withAof(dir);
                 RespConnection r = new RespConnection(replica.host(), replica.port())) {
                r.call("SET", "before", "the sync");
                r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
                awaitInSync(m, r);
                m.call("RPUSH", "after", "the", "sync");
                awaitInSync(m, r);
                await("the AOF rewrite after the sync", () -> {
                    String info = r.call("INFO", "persistence");
                    return "0".equals(field(info, "aof_rewrite_in_progress"))
                            && "0".equals(field(info, "aof_rewrite_scheduled"))
                            && "ok".equals(field(info, "aof_last_bgrewrite_status"))
                            && !"-1".equals(field(info, "aof_last_rewrite_time_sec"));
                });
            }
            // Restarted from its AOF alone, the replica has exactly the master's data.
            try (RunningServer restarted = RunningServer.withAof(dir);
                 RespConnection r = new RespConnection(restarted.host(), restarted.port())) {
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            }
        }
    }

    @Test
    void theMastersRdbBecomesTheReplicasDumpFileAsOnARedisReplica(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        java.nio.file.Path ours = java.nio.file.Files.createDirectories(dir.resolve("mnemos"));
        java.nio.file.Path theirs = java.nio.file.Files.createDirectories(dir.resolve("redis"));
        java.nio.file.Path swapdb = java.nio.file.Files.createDirectories(dir.resolve("swapdb"));
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            String digest = m.call("DEBUG", "DIGEST");
            try (RunningServer replica = replicaOf(redis, "--dir", ours.toString(), "--save", "");
                 RespConnection r = new RespConnection(replica.host(), replica.port());
                 RealRedis redisReplica = RealRedis.start("--dir", theirs.toString(),
                         "--replicaof", "127.0.0.1", Integer.toString(redis.port()));
                 RespConnection rr = new RespConnection("127.0.0.1", redisReplica.port());
                 RunningServer inMemory = replicaOf(redis, "--dir", swapdb.toString(), "--save", "",
                         "--repl-diskless-load", "swapdb");
                 RespConnection s = new RespConnection(inMemory.host(), inMemory.port())) {
                awaitInSync(m, r);
                awaitInSync(m, rr);
                awaitInSync(m, s);
                // Without save points either: the sync itself writes the file (repl-diskless-load disabled).
                assertEquals(java.nio.file.Files.exists(theirs.resolve("dump.rdb")),
                        java.nio.file.Files.exists(ours.resolve("dump.rdb")));
                assertTrue(java.nio.file.Files.exists(ours.resolve("dump.rdb")));
                assertFalse(java.nio.file.Files.exists(swapdb.resolve("dump.rdb")), "swapdb loads from the socket");
                try (var leftovers = java.nio.file.Files.list(ours)) {
                    assertEquals(List.of("dump.rdb"), leftovers.map(p -> p.getFileName().toString()).toList());
                }
            }
            // A replica restarted as a plain server comes back with its master's data.
            try (RunningServer restarted = RunningServer.start("--dir", ours.toString(), "--save", "");
                 RespConnection r = new RespConnection(restarted.host(), restarted.port())) {
                await("the dump to load", () -> "0".equals(field(r.call("INFO", "persistence"), "loading")));
                assertEquals(digest, r.call("DEBUG", "DIGEST"));
            }
        }
    }

    /**
     * repl-diskless-load on-empty-db loads from the socket only into an empty dataset (useDisklessLoad):
     * a replica that holds keys when the sync begins takes the disk-based path and writes the dump
     * file, as a redis-server replica does.
     */
    @Test
    void onEmptyDbLoadsFromTheSocketOnlyWhenTheReplicaHoldsNoKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        java.util.Map<String, java.nio.file.Path> dirs = new java.util.LinkedHashMap<>();
        for (String name : List.of("mnemos-empty", "mnemos-keys", "redis-empty", "redis-keys")) {
            dirs.put(name, java.nio.file.Files.createDirectories(dir.resolve(name)));
        }
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port())) {
            m.call("DEBUG", "POPULATE", "100");
            String[] flags = {"--save", "", "--repl-diskless-load", "on-empty-db"};
            String[] redisFlags = {"--save", "", "--repl-diskless-load", "on-empty-db", "--enable-debug-command", "yes"};
            try (RunningServer emptyOurs = RunningServer.start(withDir(flags, dirs.get("mnemos-empty")));
                 RunningServer keysOurs = RunningServer.start(withDir(flags, dirs.get("mnemos-keys")));
                 RealRedis emptyTheirs = RealRedis.start(withDir(redisFlags, dirs.get("redis-empty")));
                 RealRedis keysTheirs = RealRedis.start(withDir(redisFlags, dirs.get("redis-keys")));
                 RespConnection a = new RespConnection(emptyOurs.host(), emptyOurs.port());
                 RespConnection b = new RespConnection(keysOurs.host(), keysOurs.port());
                 RespConnection c = new RespConnection("127.0.0.1", emptyTheirs.port());
                 RespConnection d = new RespConnection("127.0.0.1", keysTheirs.port())) {
                b.call("SET", "replaced", "by the sync");
                d.call("SET", "replaced", "by the sync");
                for (RespConnection r : List.of(a, b, c, d)) {
                    r.call("REPLICAOF", "127.0.0.1", Integer.toString(redis.port()));
                }
                for (RespConnection r : List.of(a, b, c, d)) {
                    awaitInSync(m, r);
                    assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                }
                for (String name : List.of("empty", "keys")) {
                    boolean redisWroteTheDump = java.nio.file.Files.exists(dirs.get("redis-" + name).resolve("dump.rdb"));
                    assertEquals(name.equals("keys"), redisWroteTheDump, "redis-server, " + name);
                    assertEquals(redisWroteTheDump,
                            java.nio.file.Files.exists(dirs.get("mnemos-" + name).resolve("dump.rdb")), "Mnemos, " + name);
                }
            }
        }
    }

    private static String[] withDir(String[] flags, java.nio.file.Path dir) {
        String[] all = java.util.Arrays.copyOf(flags, flags.length + 2);
        all[flags.length] = "--dir";
        all[flags.length + 1] = dir.toString();
        return all;
    }

    @Test
    void aPausedReplicaAppliesWhatItReadOnceThePauseEnds() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port());
             RunningServer replica = replicaOf(redis);
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            awaitInSync(m, r);
            assertEquals("+OK\r\n", r.call("CLIENT", "PAUSE", "100000", "WRITE"));
            m.call("SET", "k", "v");
            String masterOffset = field(m.call("INFO", "replication"), "master_repl_offset");
            await("the replica to read the write", () -> masterOffset.equals(
                    field(r.call("INFO", "replication"), "slave_read_repl_offset")));
            assertNotEquals(masterOffset, field(r.call("INFO", "replication"), "slave_repl_offset"));
            assertEquals("$-1\r\n", r.call("GET", "k"), "the master client waits for the pause to end");
            assertEquals("+OK\r\n", r.call("CLIENT", "UNPAUSE"));
            awaitInSync(m, r);
            assertEquals("$1\r\nv\r\n", r.call("GET", "k"));
        }
    }

    @Test
    void aReplicaRestartedFromItsDumpContinuesWithAPartialResync(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            try (RunningServer replica = replicaOf(redis, "--dir", dir.toString());
                 RespConnection r = new RespConnection(replica.host(), replica.port())) {
                awaitInSync(m, r);
                m.call("SELECT", "6");
                m.call("SET", "in-six", "1");
                awaitInSync(m, r);
                assertEquals("+OK\r\n", r.call("SAVE")); // with repl-id, repl-offset and repl-stream-db
            }
            m.call("SET", "while-down", "1"); // db 6 still selected: no SELECT in the stream
            try (RunningServer again = replicaOf(redis, "--dir", dir.toString());
                 RespConnection r = new RespConnection(again.host(), again.port())) {
                awaitInSync(m, r);
                String stats = m.call("INFO", "stats");
                assertEquals("1", field(stats, "sync_full"), stats);
                assertEquals("1", field(stats, "sync_partial_ok"), stats);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            }
        }
    }

    @Test
    void aRedisMastersFailoverHandsTheRoleToTheMnemosReplica() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = redisMaster();
             RespConnection m = new RespConnection("127.0.0.1", redis.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            try (RunningServer replica = replicaOf(redis);
                 RespConnection r = new RespConnection(replica.host(), replica.port())) {
                writeEveryKind(m);
                awaitInSync(m, r);
                // The master pauses writes, waits for our offset, then asks us with PSYNC ... FAILOVER.
                assertEquals("+OK\r\n", m.call("FAILOVER"));
                await("the roles to be swapped", () -> "master".equals(field(r.call("INFO", "replication"), "role"))
                        && "up".equals(linkStatus(m)));
                assertEquals("+OK\r\n", r.call("SET", "after-failover", "1"));
                awaitInSync(r, m);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                String stats = r.call("INFO", "stats");
                assertEquals("0", field(stats, "sync_full"), stats);
                assertEquals("1", field(stats, "sync_partial_ok"), stats);
                assertEquals("-ERR PSYNC FAILOVER replid must match my replid.\r\n",
                        r.call("PSYNC", "0000000000000000000000000000000000000000", "1", "FAILOVER"));
            }
        }
    }

    @Test
    void whileTheLinkIsDownStaleDataIsServedOrRefused() throws Exception {
        int nobody;
        try (ServerSocket s = new ServerSocket(0)) {
            nobody = s.getLocalPort();
        }
        try (RunningServer replica = RunningServer.start();
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            r.call("SET", "k", "v");
            assertEquals("+OK\r\n", r.call("REPLICAOF", "127.0.0.1", Integer.toString(nobody)));
            String info = r.call("INFO", "replication");
            assertEquals("down", field(info, "master_link_status"), info);
            assertEquals("-1", field(info, "master_link_down_since_seconds"), info);
            assertEquals("$1\r\nv\r\n", r.call("GET", "k"), "replica-serve-stale-data yes: the data is served");
            assertEquals("+OK\r\n", r.call("CONFIG", "SET", "replica-serve-stale-data", "no"));
            assertEquals("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
                    r.call("GET", "k"));
            assertTrue(r.call("INFO", "replication").contains("role:slave"), "INFO is a stale command");
            String role = r.call("ROLE");
            assertTrue(role.matches("(?s)\\*5\r\n\\$5\r\nslave\r\n.*\\$(7\r\nconnect|10\r\nconnecting)\r\n:-1\r\n"), role);
            assertEquals("+OK\r\n", r.call("REPLICAOF", "NO", "ONE"));
            assertEquals("$1\r\nv\r\n", r.call("GET", "k"));
        }
    }
}
