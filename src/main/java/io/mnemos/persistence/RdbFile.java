package io.mnemos.persistence;

import io.mnemos.server.Server;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;
import io.mnemos.store.MaxmemoryPolicy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writing one RDB file: to a temporary file in the target directory, then fsync and an atomic
 * rename over the destination, as rdbSave does. Fed through {@link #sink} by
 * {@link SnapshotJob} (BGSAVE, BGREWRITEAOF with aof-use-rdb-preamble yes) or
 * {@link SnapshotJob#writeNow} (SAVE, an AOF base created at start-up).
 */
public final class RdbFile extends SnapshotFile {
    private final RdbWriter writer;
    private final boolean compress;
    private int currentDb = -1;
    private RdbWriter[] pendingDbs;

    /**
     * @param aofBase   the file is an AOF base (the "aof-base" aux field is 1, as rdbSaveRio writes
     *                  it with RDBFLAGS_AOF_PREAMBLE)
     * @param functions the function libraries' codes, written before the keys as rdbSaveRio does
     */
    public RdbFile(Path dir, String filename, String tempName, RdbSettings settings, long usedMemory,
                   boolean aofBase, List<byte[]> functions) throws IOException {
        this(dir, filename, tempName, settings, usedMemory, aofBase, functions, null);
    }

    /**
     * @param replication rdbSaveInfo's aux fields, repl-stream-db, repl-id and repl-offset, in that
     *                    order (see ReplicationMaster.rdbSaveInfo), or null outside replication
     */
    public RdbFile(Path dir, String filename, String tempName, RdbSettings settings, long usedMemory,
                   boolean aofBase, List<byte[]> functions, String[] replication) throws IOException {
        super(dir, filename, tempName);
        this.compress = settings.compression;
        this.writer = new RdbWriter(file.stream(), compress, settings.checksum);
        begin(writer, usedMemory, aofBase, functions, replication);
    }

    /** rdbSaveRio up to the keys: header, aux fields, function libraries. */
    private static void begin(RdbWriter w, long usedMemory, boolean aofBase, List<byte[]> functions,
                              String[] replication) {
        w.header();
        w.aux("redis-ver", Server.REDIS_VERSION);
        w.aux("redis-bits", "64");
        w.aux("ctime", Long.toString(System.currentTimeMillis() / 1000));
        w.aux("used-mem", Long.toString(usedMemory));
        if (replication != null) {
            w.aux("repl-stream-db", replication[0]);
            w.aux("repl-id", replication[1]);
            w.aux("repl-offset", replication[2]);
        }
        w.aux("aof-base", aofBase ? "1" : "0");
        w.functions(functions);
    }

    /**
     * A whole RDB without keys, in memory: what a dump-only replica that sent REPLCONF
     * rdb-filter-only gets (SLAVE_REQ_RDB_EXCLUDE_DATA), with {@code functions} (none when they are
     * excluded too).
     */
    public static byte[] withoutKeys(RdbSettings settings, long usedMemory, List<byte[]> functions) {
        RdbWriter w = new RdbWriter(null, settings.compression, settings.checksum);
        begin(w, usedMemory, false, functions, null);
        w.finish();
        return w.toByteArray();
    }

    @Override
    public PointInTimeSnapshot.Sink sink(Keyspace keyspace) {
        pendingDbs = new RdbWriter[keyspace.count()];
        return new PointInTimeSnapshot.Sink() {
            @Override
            public void beginDb(int db, long size, long expires) {
                currentDb = db;
                writer.selectDb(db);
                writer.resizeDb(size, expires);
                if (pendingDbs[db] != null) {
                    writer.writeRaw(pendingDbs[db].toByteArray());
                    pendingDbs[db] = null;
                }
            }

            @Override
            public void entry(int db, Entry e) {
                if (db == currentDb) {
                    keyValue(writer, keyspace, keyspace.db(db), e);
                } else {
                    // A later database, touched by a command before the snapshot reached it.
                    if (pendingDbs[db] == null) {
                        pendingDbs[db] = RdbWriter.inMemory(compress);
                    }
                    keyValue(pendingDbs[db], keyspace, keyspace.db(db), e);
                }
            }
        };
    }

    /** rdbSaveKeyValuePair: with the idle time under an LRU policy, the LFU counter under an LFU one. */
    private static void keyValue(RdbWriter w, Keyspace keyspace, Database db, Entry e) {
        MaxmemoryPolicy policy = keyspace.settings().policy;
        long idle = policy.kind() == MaxmemoryPolicy.Kind.LRU ? db.idleSeconds(e) : -1;
        int freq = policy.lfu() ? (int) db.frequency(e) : -1;
        w.keyValue(e.key(), e.value(), e.expireAt(), idle, freq);
    }

    public long bytesWritten() {
        return writer.bytesWritten();
    }

    /** EOF and checksum. */
    @Override
    public void finishBuffers() {
        writer.finish();
    }
}
