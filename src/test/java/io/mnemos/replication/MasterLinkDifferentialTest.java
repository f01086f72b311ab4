package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.mnemos.replication.ReplicationSync.await;
import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static io.mnemos.replication.ReplicationSync.linkStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Mnemos replica and a real redis-server replica of the same redis-server master show the same
 * INFO replication (every field, in order, with the same values but for the seconds since the last
 * I/O and where each one's backlog starts) and the same ROLE, while the link is up and once the
 * master is gone.
 */
class MasterLinkDifferentialTest {
    /** Values that depend on timing: when each replica last heard from the master, when it synced. */
    private static final Set<String> TIMING = Set.of("master_last_io_seconds_ago", "repl_backlog_first_byte_offset",
            "repl_backlog_histlen", "master_link_down_since_seconds");

    private static List<String> replicationFields(String info, boolean withValues) {
        List<String> out = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#") && !line.startsWith("$")) {
                String name = line.substring(0, colon);
                out.add(withValues && !TIMING.contains(name) ? line : name);
            }
        }
        return out;
    }

    /**
     * A redis-server replica ("expected") and a Mnemos replica ("actual") of one redis-server master,
     * started with the same extra arguments, with a connection to each and to the master.
     */
    static final class TwoReplicas implements AutoCloseable {
        final RespConnection master;
        final RealRedis reference;
        final RunningServer mnemos;
        final RespConnection expected;
        final RespConnection actual;

        TwoReplicas(RealRedis redis, String... replicaArgs) throws Exception {
            String[] args = new String[replicaArgs.length + 3];
            args[0] = "--replicaof";
            args[1] = "127.0.0.1";
            args[2] = Integer.toString(redis.port());
            System.arraycopy(replicaArgs, 0, args, 3, replicaArgs.length);
            master = new RespConnection("127.0.0.1", redis.port());
            reference = RealRedis.start(args);
            mnemos = RunningServer.start(args);
            expected = new RespConnection("127.0.0.1", reference.port());
            actual = new RespConnection(mnemos.host(), mnemos.port());
        }

        @Override
        public void close() throws Exception {
            actual.close();
            expected.close();
            mnemos.close();
            reference.close();
            master.close();
        }
    }

    private static String role(RespConnection c) throws Exception {
        // The link state right after a loss: connect, or connecting while the cron's attempt is under way.
        return c.call("ROLE").replace("$10\r\nconnecting\r\n", "$7\r\nconnect\r\n");
    }

    @Test
    void infoReplicationAndRoleOfAReplicaAreRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        RealRedis redis = MasterLinkTest.redisMaster();
        try (TwoReplicas two = new TwoReplicas(redis)) {
            RespConnection m = two.master;
            RespConnection expected = two.expected;
            RespConnection actual = two.actual;
            m.call("SET", "k", "v");
            m.call("SELECT", "3");
            m.call("RPUSH", "l", "a");
            awaitInSync(m, expected);
            awaitInSync(m, actual);
            List<String> up = replicationFields(expected.call("INFO", "replication"), true);
            assertTrue(up.contains("master_link_status:up") && up.contains("role:slave"), up.toString());
            assertEquals(up, replicationFields(actual.call("INFO", "replication"), true));
            assertEquals(expected.call("ROLE"), actual.call("ROLE"));
            assertEquals(expected.call("CONFIG", "GET", "replicaof"), actual.call("CONFIG", "GET", "replicaof"));
            assertEquals(expected.call("SET", "x", "1"), actual.call("SET", "x", "1"));

            redis.close(); // the master goes away
            await("both links down", () -> "down".equals(linkStatus(expected)) && "down".equals(linkStatus(actual)));
            List<String> down = replicationFields(expected.call("INFO", "replication"), true);
            assertTrue(down.contains("master_link_status:down"), down.toString());
            assertEquals(down, replicationFields(actual.call("INFO", "replication"), true));
            assertEquals(role(expected), role(actual));

            assertEquals(expected.call("REPLICAOF", "NO", "ONE"), actual.call("REPLICAOF", "NO", "ONE"));
            List<String> promoted = replicationFields(expected.call("INFO", "replication"), false);
            assertEquals(promoted, replicationFields(actual.call("INFO", "replication"), false));
            String e = expected.call("INFO", "replication");
            String a = actual.call("INFO", "replication");
            for (String name : List.of("role", "master_replid2", "master_repl_offset", "second_repl_offset")) {
                assertEquals(field(e, name), field(a, name), name);
            }
        } finally {
            redis.close();
        }
    }

    @Test
    void becomingAReplicaOfAnUnreachableMasterAsRedisDoes() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        int nobody;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            nobody = socket.getLocalPort();
        }
        try (RealRedis reference = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection expected = new RespConnection("127.0.0.1", reference.port());
             RespConnection actual = new RespConnection(mnemos.host(), mnemos.port());
             RespConnection expectedBlocked = new RespConnection("127.0.0.1", reference.port());
             RespConnection actualBlocked = new RespConnection(mnemos.host(), mnemos.port())) {
            // A client blocked on a master is told the instance changed and disconnected.
            expectedBlocked.sendRaw(RespConnection.encode("BLPOP", "list", "0"));
            actualBlocked.sendRaw(RespConnection.encode("BLPOP", "list", "0"));
            await("both clients blocked", () -> "1".equals(field(expected.call("INFO", "clients"), "blocked_clients"))
                    && "1".equals(field(actual.call("INFO", "clients"), "blocked_clients")));
            String port = Integer.toString(nobody);
            assertEquals(expected.call("REPLICAOF", "127.0.0.1", port), actual.call("REPLICAOF", "127.0.0.1", port));
            String unblocked = expectedBlocked.readReply();
            assertTrue(unblocked.startsWith("-UNBLOCKED force unblock"), unblocked);
            assertEquals(unblocked, actualBlocked.readReply());
            assertTrue(expectedBlocked.closedByServer());
            assertTrue(actualBlocked.closedByServer());

            List<String> down = replicationFields(expected.call("INFO", "replication"), false);
            assertEquals(down, replicationFields(actual.call("INFO", "replication"), false));
            String e = expected.call("INFO", "replication");
            String a = actual.call("INFO", "replication");
            for (String name : List.of("master_link_status", "master_last_io_seconds_ago", "master_sync_in_progress",
                    "master_link_down_since_seconds", "slave_read_only", "connected_slaves")) {
                assertEquals(field(e, name), field(a, name), name);
            }
            assertEquals(role(expected), role(actual));
            assertEquals(expected.call("REPLICAOF", "127.0.0.1", port), actual.call("REPLICAOF", "127.0.0.1", port));
            assertEquals(expected.call("REPLICAOF", "NO", "ONE"), actual.call("REPLICAOF", "NO", "ONE"));
            assertEquals(expected.call("REPLICAOF", "NO", "ONE"), actual.call("REPLICAOF", "NO", "ONE"));
        }
    }

    /**
     * A writable replica (replica-read-only no) expires the keys its own clients gave a TTL, in
     * every database, as Redis's expireSlaveKeys does, and leaves those its master gave one to the
     * master's DEL: after the TTLs pass, both replicas hold the same keys and count the same expiries.
     */
    private static boolean ownKeysExpired(RespConnection replica) throws java.io.IOException {
        return replica.call("DBSIZE").equals(":4\r\n") && !replica.call("INFO", "keyspace").contains("db1:");
    }

    @Test
    void aWritableReplicaExpiresTheKeysItsClientsGaveATtlAndNotItsMasters() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        RealRedis redis = MasterLinkTest.redisMaster();
        try (TwoReplicas two = new TwoReplicas(redis, "--replica-read-only", "no")) {
            RespConnection m = two.master;
            RespConnection expected = two.expected;
            RespConnection actual = two.actual;
            m.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"); // the master never sends the DEL of its key
            m.call("SET", "from-master", "v", "PX", "200");
            m.call("SET", "plain", "v");
            awaitInSync(m, expected);
            awaitInSync(m, actual);
            for (RespConnection replica : List.of(expected, actual)) {
                replica.call("SET", "own", "v", "PX", "200");
                replica.call("SET", "own-later", "v", "EX", "1000");
                replica.call("SET", "own-persisted", "v", "PX", "200");
                replica.call("PERSIST", "own-persisted");
                replica.call("SELECT", "1");
                replica.call("SET", "own", "v", "PX", "200");
                replica.call("SET", "own-other", "v");
                replica.call("PEXPIRE", "own-other", "200");
                replica.call("SELECT", "0");
            }
            // The names of the keys the replicas' clients gave a TTL, whatever the database.
            assertEquals("4", field(expected.call("INFO", "stats"), "slave_expires_tracked_keys"));
            assertEquals("4", field(actual.call("INFO", "stats"), "slave_expires_tracked_keys"));
            // Database 1's keys were set last: they may expire a cron tick after database 0's.
            await("the replica's own keys expired on redis-server", () -> ownKeysExpired(expected));
            await("... and on Mnemos", () -> ownKeysExpired(actual));
            assertEquals(expected.call("INFO", "keyspace"), actual.call("INFO", "keyspace"));
            assertEquals(field(expected.call("INFO", "stats"), "expired_keys"),
                    field(actual.call("INFO", "stats"), "expired_keys"));
            assertEquals("3", field(actual.call("INFO", "stats"), "expired_keys"));
            // expireSlaveKeys visits random tracked names and stops once it met a live TTL four
            // times, so when it drops the persisted key's name is up to chance: both end at one name.
            for (RespConnection replica : List.of(expected, actual)) {
                await("only own-later tracked", () -> "1".equals(
                        field(replica.call("INFO", "stats"), "slave_expires_tracked_keys")));
            }
            for (String key : List.of("from-master", "plain", "own", "own-later", "own-persisted")) {
                assertEquals(expected.call("EXISTS", key), actual.call("EXISTS", key), key);
            }
            // The master's key is past its time, so it reads as absent, but it stays until the master says so.
            assertEquals(":0\r\n", actual.call("EXISTS", "from-master"));
            m.call("DEBUG", "SET-ACTIVE-EXPIRE", "1");
            awaitInSync(m, expected);
            awaitInSync(m, actual);
            await("the master's DEL reached both", () -> expected.call("DBSIZE").equals(":3\r\n")
                    && actual.call("DBSIZE").equals(":3\r\n"));
        } finally {
            redis.close();
        }
    }
}
