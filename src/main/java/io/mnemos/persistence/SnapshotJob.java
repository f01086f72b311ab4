package io.mnemos.persistence;

import io.mnemos.server.Server;
import io.mnemos.store.Database;
import io.mnemos.store.Keyspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Consumer;

/**
 * Mnemos's fork-less background child, shared by BGSAVE and BGREWRITEAOF: a
 * {@link PointInTimeSnapshot} of the keyspace delivered into a {@link SnapshotFile} in slices of
 * {@value #SLICE_NANOS} ns on the keyspace thread (clients are served between slices, and the
 * snapshot still describes the keyspace as it was at {@link #start}), then the fsync and rename on
 * a thread of its own. The owner learns the outcome on the keyspace thread.
 *
 * <p>There is one access hook per keyspace, so at most one job runs at a time; callers check
 * {@link Server#backgroundJobActive()} first, as Redis checks hasActiveChildProcess().
 */
public final class SnapshotJob {
    /** Time a slice may hold the keyspace thread. */
    static final long SLICE_NANOS = 2_000_000;

    private final Server server;
    private final SnapshotFile file;
    private final String syncThreadName;
    private final Consumer<String> onDone;
    private PointInTimeSnapshot snapshot;
    private boolean syncing;
    private long visited;
    private final long total;

    private SnapshotJob(Server server, SnapshotFile file, String syncThreadName, Consumer<String> onDone) {
        this.server = server;
        this.file = file;
        this.syncThreadName = syncThreadName;
        this.onDone = onDone;
        Keyspace ks = server.keyspace();
        this.snapshot = PointInTimeSnapshot.start(ks, file.sink(ks));
        this.total = snapshot.total();
    }

    /**
     * Records the keyspace as it is now and starts writing it. {@code onDone} receives null on
     * success or the error text, on the keyspace thread; it is not called after {@link #abort}.
     * Without a started server (unit tests) everything runs before this returns.
     */
    public static SnapshotJob start(Server server, SnapshotFile file, String syncThreadName, Consumer<String> onDone) {
        SnapshotJob job = new SnapshotJob(server, file, syncThreadName, onDone);
        if (server.started()) {
            server.executeAfterIo(job::slice);
        } else {
            while (job.snapshot != null) {
                job.slice();
            }
        }
        return job;
    }

    /**
     * Writes the whole keyspace now, on the calling (keyspace) thread (SAVE, the AOF base created at
     * start-up). Nothing changes meanwhile, so no snapshot (and no access hook, which a running job
     * may own) is needed; always closes {@code file}.
     */
    public static void writeNow(Keyspace keyspace, SnapshotFile file) throws IOException {
        try (file) {
            PointInTimeSnapshot.Sink sink = file.sink(keyspace);
            for (int i = 0; i < keyspace.count(); i++) {
                Database db = keyspace.db(i);
                if (db.size() == 0) {
                    continue;
                }
                int index = i;
                sink.beginDb(index, db.size(), db.volatileCount());
                db.forEach(e -> sink.entry(index, e));
            }
            file.finishBuffers();
            file.syncAndRename();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Until the file is renamed or the job failed or was aborted. */
    public boolean inProgress() {
        return snapshot != null || syncing;
    }

    /** Keys recorded at the start (INFO current_save_keys_total). */
    public long total() {
        return total;
    }

    /** Keys written so far (INFO current_save_keys_processed). */
    public long visited() {
        PointInTimeSnapshot s = snapshot;
        return s == null ? visited : s.visited();
    }

    private void slice() {
        PointInTimeSnapshot s = snapshot;
        if (s == null) {
            return;
        }
        try {
            if (!s.step(SLICE_NANOS)) {
                server.executeAfterIo(this::slice);
                return;
            }
            visited = s.visited();
            snapshot = null;
            file.finishBuffers();
        } catch (UncheckedIOException e) {
            abort();
            onDone.accept(e.getMessage());
            return;
        }
        syncing = true;
        Runnable sync = () -> {
            String error = null;
            try {
                file.syncAndRename();
            } catch (IOException | UncheckedIOException e) {
                error = e.getMessage();
            } finally {
                file.close();
            }
            String err = error;
            Runnable done = () -> {
                syncing = false;
                onDone.accept(err);
            };
            if (server.started()) {
                server.executeLater(done);
            } else {
                done.run();
            }
        };
        if (server.started()) {
            Thread t = new Thread(sync, syncThreadName);
            t.setDaemon(true);
            t.start();
        } else {
            sync.run();
        }
    }

    /**
     * Stops a job still taking its snapshot: removes the hook and deletes the temporary file.
     * Returns false when the file is already being synced (the job then ends normally).
     */
    public boolean abort() {
        PointInTimeSnapshot s = snapshot;
        if (s == null) {
            return !syncing;
        }
        visited = s.visited();
        s.abort();
        snapshot = null;
        file.close();
        return true;
    }
}
