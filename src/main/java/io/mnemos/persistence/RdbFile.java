package io.mnemos.persistence;

import io.mnemos.server.Server;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;
import io.mnemos.store.MaxmemoryPolicy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writing one RDB file: to a temporary file in the target directory, then fsync and an atomic
 * rename over the destination, as rdbSave does. Either a whole keyspace in one go
 * ({@link #writeAll}) or fed by a {@link PointInTimeSnapshot} ({@link #snapshotSink}).
 */
public final class RdbFile implements AutoCloseable {
    private final Path temp;
    private final Path target;
    private final FileOutputStream stream;
    private final RdbWriter writer;
    private final boolean compress;
    private int currentDb = -1;
    private RdbWriter[] pendingDbs;

    public RdbFile(Path dir, String filename, String tempName, boolean compress, boolean checksum,
                   long usedMemory) throws IOException {
        this.target = dir.resolve(filename);
        this.temp = dir.resolve(tempName);
        this.stream = new FileOutputStream(temp.toFile());
        this.compress = compress;
        this.writer = new RdbWriter(stream, compress, checksum);
        writer.header();
        writer.aux("redis-ver", Server.REDIS_VERSION);
        writer.aux("redis-bits", "64");
        writer.aux("ctime", Long.toString(System.currentTimeMillis() / 1000));
        writer.aux("used-mem", Long.toString(usedMemory));
        writer.aux("aof-base", "0");
    }

    /** Writes every database of {@code keyspace} as it is now (SAVE, SHUTDOWN). */
    public void writeAll(Keyspace keyspace) {
        for (int i = 0; i < keyspace.count(); i++) {
            Database db = keyspace.db(i);
            if (db.size() == 0) {
                continue;
            }
            writer.selectDb(i);
            writer.resizeDb(db.size(), db.volatileCount());
            db.forEach(e -> keyValue(writer, keyspace, db, e));
        }
    }

    /** rdbSaveKeyValuePair: with the idle time under an LRU policy, the LFU counter under an LFU one. */
    private static void keyValue(RdbWriter w, Keyspace keyspace, Database db, Entry e) {
        MaxmemoryPolicy policy = keyspace.settings().policy;
        long idle = policy.kind() == MaxmemoryPolicy.Kind.LRU ? db.idleSeconds(e) : -1;
        int freq = policy.lfu() ? (int) db.frequency(e) : -1;
        w.keyValue(e.key(), e.value(), e.expireAt(), idle, freq);
    }

    /** Where a {@link PointInTimeSnapshot} delivers entries (BGSAVE). */
    public PointInTimeSnapshot.Sink snapshotSink(Keyspace keyspace) {
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

    public long bytesWritten() {
        return writer.bytesWritten();
    }

    /** EOF and checksum, fsync, close and rename over the destination. */
    public void commit() throws IOException {
        finishBuffers();
        syncAndRename();
    }

    /** Part of {@link #commit} that can run off the keyspace thread: everything is buffered or written. */
    public void finishBuffers() {
        writer.finish();
    }

    public void syncAndRename() throws IOException {
        stream.flush();
        stream.getFD().sync();
        stream.close();
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Gives up: closes and deletes the temporary file. */
    @Override
    public void close() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
        try {
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
