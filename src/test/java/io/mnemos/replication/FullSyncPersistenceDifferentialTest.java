package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static io.mnemos.replication.ReplicationSync.await;
import static io.mnemos.replication.ReplicationSync.field;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a full sync leaves behind, against real Redis: a disk-based one is a BGSAVE (dbfilename
 * written, the changes since the last save reset, rdb_saves counted); a diskless one writes to the
 * replicas' sockets and saves nothing, so dbfilename is not created and INFO persistence's save
 * figures stay as they were. The same for a replica's SYNC and for a dump-only one
 * ({@code redis-cli --rdb}'s REPLCONF rdb-only).
 */
class FullSyncPersistenceDifferentialTest {
    private static final List<String> SAVE_FIELDS = List.of("rdb_changes_since_last_save", "rdb_saves",
            "rdb_last_bgsave_status", "rdb_bgsave_in_progress");

    @TempDir
    Path redisDir;
    @TempDir
    Path mnemosDir;

    @ParameterizedTest(name = "repl-diskless-sync {0}")
    @ValueSource(strings = {"yes", "no"})
    void onlyADiskBasedFullSyncSaves(String diskless) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start("--dir", redisDir.toString(), "--repl-diskless-sync", diskless,
                "--repl-diskless-sync-delay", "0");
             RunningServer mnemos = RunningServer.start("--dir", mnemosDir.toString(), "--repl-diskless-sync", diskless,
                     "--repl-diskless-sync-delay", "0");
             RespConnection r = new RespConnection("127.0.0.1", redis.port());
             RespConnection m = new RespConnection(mnemos.host(), mnemos.port())) {
            for (RespConnection c : List.of(r, m)) {
                c.call("SET", "a", "1");
                c.call("SET", "b", "2");
            }
            syncFrom("127.0.0.1", redis.port(), diskless, r);
            syncFrom(mnemos.host(), mnemos.port(), diskless, m);
            String redisInfo = r.call("INFO", "persistence");
            String mnemosInfo = m.call("INFO", "persistence");
            for (String name : SAVE_FIELDS) {
                assertEquals(field(redisInfo, name), field(mnemosInfo, name), name + "\n" + mnemosInfo);
            }
            assertEquals(diskless.equals("yes") ? "2" : "0", field(mnemosInfo, "rdb_changes_since_last_save"));
            assertEquals(files(redisDir), files(mnemosDir), "what the syncs left in dir");
        }
    }

    /** A replica's SYNC, then a dump-only one's; each reads its whole RDB. */
    private static void syncFrom(String host, int port, String diskless, RespConnection master) throws Exception {
        try (RawReplica replica = new RawReplica(host, port, "capa", "eof")) {
            readRdb(replica, diskless);
        }
        try (RawReplica dumpOnly = new RawReplica(host, port, "capa", "eof", "rdb-only", "1")) {
            readRdb(dumpOnly, diskless);
        }
        // Redis reaps its child in serverCron, a little after the replicas got their bytes.
        await("the background save to end", () ->
                "0".equals(field(master.call("INFO", "persistence"), "rdb_bgsave_in_progress")));
    }

    private static void readRdb(RawReplica replica, String diskless) throws Exception {
        String header = replica.header();
        assertEquals(diskless.equals("yes"), header.startsWith("$EOF:"), header);
        byte[] rdb = replica.rdb(header);
        assertTrue(new String(rdb, 0, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("REDIS"), header);
    }

    private static List<String> files(Path dir) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
