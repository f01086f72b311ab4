package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real redis-server started with --replicaof a Mnemos server follows it: the full resync brings
 * the dataset (with writes made while the snapshot is written), the stream brings every later write
 * (databases, expiries, transactions, scripts, random pops, flushes, keys expired by the master),
 * and the datasets' DEBUG DIGESTs end up equal. WAIT counts the replica's acknowledgements; INFO,
 * ROLE and CLIENT LIST show it; a replica whose link broke continues from the backlog, and one that
 * comes back after its replication ID is forgotten (a new replica) syncs in full again.
 */
class ReplicationMasterTest {
    @TempDir
    Path dir;

    private static void writeEveryKind(RespConnection m) throws Exception {
        m.call("SET", "s", "v");
        m.call("INCRBYFLOAT", "f", "1.5");
        m.call("SELECT", "2");
        m.call("RPUSH", "l", "a", "b", "c");
        m.call("EXPIRE", "l", "1000");
        m.call("SELECT", "0");
        m.call("SADD", "set", "1", "2", "3", "4");
        m.call("SPOP", "set");
        m.call("MULTI");
        m.call("HSET", "h", "f", "v");
        m.call("ZADD", "z", "1", "a");
        m.call("EXEC");
        m.call("EVAL", "redis.call('SET', KEYS[1], ARGV[1]); return redis.call('INCR', KEYS[2])", "2", "e", "n", "x");
        m.call("XADD", "stream", "1-1", "k", "v");
        m.call("SET", "short", "lived", "PX", "30");
        m.call("SELECT", "3");
        m.call("SET", "gone", "1");
        m.call("FLUSHDB");
        m.call("SELECT", "0");
    }

    @Test
    void aRealReplicaFollowsTheFullSyncAndTheStream() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start("--dir", dir.toString());
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("DEBUG", "POPULATE", "50000");
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--enable-debug-command", "yes");
                 RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
                // Writes while the replica connects and the snapshot is written.
                for (int i = 0; i < 2000; i++) {
                    m.call("SET", "during:" + i, Integer.toString(i));
                }
                writeEveryKind(m);
                awaitInSync(m, r);
                Thread.sleep(100); // "short" expires on the master, whose active expiry propagates DEL
                m.call("GET", "short");
                awaitInSync(m, r);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                assertEquals(":0\r\n", r.call("EXISTS", "short"));
                assertEquals("-READONLY You can't write against a read only replica.\r\n", r.call("SET", "x", "1"));

                m.call("SET", "acked", "1");
                assertEquals(":1\r\n", m.call("WAIT", "1", "5000"), "WAIT counts the replica's acknowledgement");
                String info = m.call("INFO", "replication");
                assertEquals("1", field(info, "connected_slaves"), info);
                assertEquals("1", field(m.call("INFO", "clients"), "connected_clients"), "the replica is no client");
                assertTrue(info.contains("slave0:ip=127.0.0.1,port=" + replica.port() + ",state=online,offset="), info);
                String role = m.call("ROLE");
                assertTrue(role.startsWith("*3\r\n$6\r\nmaster\r\n:"), role);
                assertTrue(role.contains("$9\r\n127.0.0.1\r\n$" + Integer.toString(replica.port()).length() + "\r\n"
                        + replica.port() + "\r\n"), role);
                assertTrue(m.call("CLIENT", "LIST").contains(" flags=S "), "the replica's connection is flagged S");
                assertTrue(m.call("CLIENT", "LIST", "TYPE", "replica").contains(" flags=S "));
                assertTrue(!m.call("CLIENT", "LIST", "TYPE", "normal").contains(" flags=S "));

                // A broken link: the replica reconnects and continues from the backlog (+CONTINUE).
                assertEquals(":1\r\n", m.call("CLIENT", "KILL", "TYPE", "replica"));
                m.call("SET", "while-away", "1");
                m.call("LPUSH", "l2", "x");
                awaitInSync(m, r);
                String stats = m.call("INFO", "stats");
                assertEquals("1", field(stats, "sync_full"), stats);
                assertEquals("1", field(stats, "sync_partial_ok"), stats);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                String backlog = m.call("INFO", "replication");
                assertEquals("1", field(backlog, "repl_backlog_active"), backlog);
                assertEquals(field(backlog, "master_repl_offset"), field(backlog, "repl_backlog_histlen"), backlog);
            }
            // The replica is gone: its connection is dropped, WAIT for one times out with 0.
            long deadline = System.currentTimeMillis() + 5000;
            while (!"0".equals(field(m.call("INFO", "replication"), "connected_slaves"))) {
                assertTrue(System.currentTimeMillis() < deadline);
                Thread.sleep(20);
            }
            assertEquals(":0\r\n", m.call("WAIT", "1", "100"));
            // A new replica (or the old one back) syncs from scratch.
            m.call("SET", "later", "1");
            try (RealRedis again = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--enable-debug-command", "yes");
                 RespConnection r = new RespConnection("127.0.0.1", again.port())) {
                awaitInSync(m, r);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            }
        }
    }

    /**
     * The RDB goes out from the dump file, outside the replica's output buffer, as Redis's
     * sendBulkToSlave sends it: a dataset whose RDB is bigger than client-output-buffer-limit
     * replica syncs at the first try (held in the output buffer, it had the replica dropped and
     * syncing again for ever), and the stream queued behind the file follows it.
     */
    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void anRdbBiggerThanTheReplicaOutputLimitIsSentWhole(String diskless) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start("--dir", dir.toString(), "--repl-diskless-sync", diskless,
                "--repl-diskless-sync-delay", "0", "--rdbcompression", "no",
                "--client-output-buffer-limit", "replica 1mb 1mb 0");
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("DEBUG", "POPULATE", "20000", "key", "200");
            try (RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()),
                    "--enable-debug-command", "yes");
                 RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
                for (int i = 0; i < 2000; i++) {
                    m.call("SET", "during:" + i, Integer.toString(i));
                }
                awaitInSync(m, r);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
                String stats = m.call("INFO", "stats");
                assertEquals("1", field(stats, "sync_full"), stats);
                assertTrue(m.call("INFO", "replication").contains(",state=online,"));
            }
        }
    }

    /**
     * A replica that does not read while its RDB is sent: the file waits in the socket's queue
     * without counting against client-output-buffer-limit (INFO shows the transfer's state), the
     * stream written meanwhile queues behind it, and both arrive whole.
     */
    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void aReplicaThatReadsLateGetsItsWholeRdbAndThenTheStream(String diskless) throws Exception {
        try (RunningServer master = RunningServer.start("--dir", dir.toString(), "--repl-diskless-sync", diskless,
                "--repl-diskless-sync-delay", "0", "--rdbcompression", "no", "--repl-ping-replica-period", "3600",
                "--client-output-buffer-limit", "replica 1mb 1mb 0");
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("DEBUG", "POPULATE", "50000", "key", "200");
            try (RawReplica replica = new RawReplica(master.host(), master.port(), "capa", "eof")) {
                String transferring = diskless.equals("yes") ? "wait_bgsave" : "send_bulk";
                ReplicationSync.await("the transfer", () ->
                        m.call("INFO", "replication").contains(",state=" + transferring + ","));
                m.call("SET", "after", "1");
                String header = replica.line();
                assertEquals(diskless.equals("yes"), header.startsWith("$EOF:"), header);
                byte[] rdb = replica.rdb(header);
                assertTrue(rdb.length > 10_000_000, "RDB of " + rdb.length + " bytes");
                assertEquals("REDIS0010", new String(rdb, 0, 9, java.nio.charset.StandardCharsets.US_ASCII));
                if (diskless.equals("yes")) {
                    replica.send("REPLCONF", "ACK", "0");
                }
                byte[] select = RespConnection.encode("SELECT", "0");
                byte[] set = RespConnection.encode("SET", "after", "1");
                assertEquals(new String(select) + new String(set), new String(replica.read(select.length + set.length)));
                ReplicationSync.await("the replica online", () -> m.call("INFO", "replication").contains(",state=online,"));
            }
        }
    }

    /**
     * redis.set_repl: the writes a script makes after REPL_NONE go nowhere, after REPL_AOF to the
     * AOF only, after REPL_REPLICA to the replicas only (Redis's "selective replication" test).
     */
    @Test
    void redisSetReplChoosesWhereAScriptsWritesGo() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start("--dir", dir.toString(), "--appendonly", "yes");
             RespConnection m = new RespConnection(master.host(), master.port());
             RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
             RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            m.call("EVAL", """
                    redis.call('set', 'a', '1')
                    redis.set_repl(redis.REPL_NONE)
                    redis.call('set', 'b', '2')
                    redis.set_repl(redis.REPL_AOF)
                    redis.call('set', 'c', '3')
                    redis.set_repl(redis.REPL_REPLICA)
                    redis.call('set', 'd', '4')
                    redis.set_repl(redis.REPL_ALL)
                    redis.call('set', 'e', '5')
                    """, "0");
            m.call("SET", "after", "1");
            awaitInSync(m, r);
            String[] keys = {"MGET", "a", "b", "c", "d", "e", "after"};
            assertEquals("*6\r\n$1\r\n1\r\n$-1\r\n$-1\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n1\r\n", r.call(keys));
            assertEquals("+OK\r\n", m.call("DEBUG", "LOADAOF"));
            assertEquals("*6\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n$-1\r\n$1\r\n5\r\n$1\r\n1\r\n", m.call(keys));
        }
    }

    @Test
    void messagesPublishedOnTheMasterReachTheReplicasSubscribers() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RunningServer master = RunningServer.start("--dir", dir.toString());
             RespConnection m = new RespConnection(master.host(), master.port());
             RealRedis replica = RealRedis.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
             RespConnection r = new RespConnection("127.0.0.1", replica.port());
             RespConnection sub = new RespConnection("127.0.0.1", replica.port())) {
            awaitInSync(m, r);
            sub.call("SUBSCRIBE", "news");
            assertEquals("*3\r\n$10\r\nssubscribe\r\n$5\r\nshard\r\n:1\r\n", sub.call("SSUBSCRIBE", "shard"));
            // Nobody listens on the master itself; PUBLISH and SPUBLISH still go down the stream.
            assertEquals(":0\r\n", m.call("PUBLISH", "news", "hello"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n", sub.readReply());
            assertEquals(":0\r\n", m.call("SPUBLISH", "shard", "hi"));
            assertEquals("*3\r\n$8\r\nsmessage\r\n$5\r\nshard\r\n$2\r\nhi\r\n", sub.readReply());
        }
    }

    @Test
    void aReplicaWithCapaEofGetsADisklessTransferAndTheStreamAfterItsFirstAck() throws Exception {
        try (RunningServer master = RunningServer.start("--repl-ping-replica-period", "3600");
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("SET", "findme", "v");
            try (RawReplica replica = new RawReplica(master.host(), master.port(), "capa", "eof")) {
                String header = replica.line();
                assertTrue(header.matches("\\$EOF:[0-9a-f]{40}"), header);
                String rdb = new String(replica.rdb(header), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(rdb.startsWith("REDIS0010") && rdb.contains("findme"), rdb);
                m.call("SET", "after", "1");
                assertTrue(replica.quietFor(300), "the stream waits for the replica's first REPLCONF ACK");
                replica.send("REPLCONF", "ACK", "0");
                byte[] stream = RespConnection.encode("SELECT", "0");
                byte[] set = RespConnection.encode("SET", "after", "1");
                assertEquals(new String(stream) + new String(set), new String(replica.read(stream.length + set.length)));
                assertTrue(m.call("INFO", "replication").contains("state=online"));
            }
        }
    }

    @Test
    void anEmptyRdbFilterGivesAnEmptyRdbAndDiskBasedSyncsSendTheLength() throws Exception {
        try (RunningServer master = RunningServer.start("--repl-diskless-sync", "no");
             RespConnection m = new RespConnection(master.host(), master.port())) {
            m.call("SET", "findme", "v");
            try (RawReplica replica = new RawReplica(master.host(), master.port(), "capa", "eof")) {
                String header = replica.line();
                assertTrue(header.matches("\\$\\d+"), header);
                String rdb = new String(replica.rdb(header), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(rdb.contains("findme"), rdb);
            }
            // A filter makes Redis's transfer diskless whatever repl-diskless-sync says; "" keeps nothing.
            try (RawReplica replica = new RawReplica(master.host(), master.port(), "capa", "eof", "rdb-filter-only", "")) {
                String header = replica.line();
                assertTrue(header.startsWith("$EOF:"), header);
                String rdb = new String(replica.rdb(header), java.nio.charset.StandardCharsets.ISO_8859_1);
                assertTrue(rdb.startsWith("REDIS0010") && !rdb.contains("findme"), rdb);
            }
        }
    }
}
