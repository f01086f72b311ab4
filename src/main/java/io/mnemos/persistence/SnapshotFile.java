package io.mnemos.persistence;

import io.mnemos.store.Keyspace;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file written from a {@link PointInTimeSnapshot} into a temporary file, then moved over its
 * destination: an RDB file (BGSAVE, or an AOF base with aof-use-rdb-preamble yes) or an AOF base
 * in command format. {@link SnapshotJob} drives it the same way for both; the two formats differ
 * only in how the keyspace is encoded, so the temporary file's life (fsync, rename, give up) is here.
 */
abstract class SnapshotFile implements AutoCloseable {
    final TempFile file;

    /** A file named {@code filename} in {@code dir}, written to {@code tempName} first. */
    SnapshotFile(Path dir, String filename, String tempName) throws IOException {
        this.file = new TempFile(dir, filename, tempName);
    }

    /** Where the snapshot delivers the keyspace; called once, on the keyspace thread. */
    public abstract PointInTimeSnapshot.Sink sink(Keyspace keyspace);

    /** On the keyspace thread once every entry was delivered: the trailer, buffers handed to the file. */
    public abstract void finishBuffers();

    /** Off the keyspace thread: fsync, close, atomic rename over the destination. */
    public final void syncAndRename() throws IOException {
        file.syncAndRename();
    }

    /** Gives up: closes and deletes the temporary file (a no-op once renamed). */
    @Override
    public final void close() {
        file.close();
    }
}
