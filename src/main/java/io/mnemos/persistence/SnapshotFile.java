package io.mnemos.persistence;

import io.mnemos.store.Keyspace;

import java.io.IOException;

/**
 * A file written from a {@link PointInTimeSnapshot} into a temporary file, then moved over its
 * destination: an RDB file (BGSAVE, or an AOF base with aof-use-rdb-preamble yes) or an AOF base
 * in command format. {@link SnapshotJob} drives it the same way for both.
 */
interface SnapshotFile extends AutoCloseable {
    /** Where the snapshot delivers the keyspace; called once, on the keyspace thread. */
    PointInTimeSnapshot.Sink sink(Keyspace keyspace);

    /** On the keyspace thread once every entry was delivered: the trailer, buffers handed to the file. */
    void finishBuffers();

    /** Off the keyspace thread: fsync, close, atomic rename over the destination. */
    void syncAndRename() throws IOException;

    /** Gives up: closes and deletes the temporary file. */
    @Override
    void close();
}
