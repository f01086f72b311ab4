package io.mnemos.persistence;

import io.mnemos.server.Server;
import io.mnemos.store.Keyspace;
import io.mnemos.store.LoadBatch;
import io.mnemos.store.ObjectClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.function.BiConsumer;

/**
 * RDB persistence of one server: SAVE, BGSAVE (fork-less, see {@link SnapshotJob}), save
 * points, loading at startup (while clients get -LOADING), and the INFO persistence figures.
 * Everything but the file sync and the parsing of a file at startup runs on the keyspace thread.
 */
public final class RdbPersistence {
    private static final Logger log = LoggerFactory.getLogger(RdbPersistence.class);
    /** CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed BGSAVE is retried by a save point. */
    private static final int BGSAVE_RETRY_DELAY = 5;
    /** Keys parsed at startup are handed to the keyspace thread in batches of this many. */
    private static final int BATCH = 8192;

    private final Server server;
    private final RdbSettings settings;

    private volatile long lastSaveSeconds = System.currentTimeMillis() / 1000;
    private boolean lastBgsaveOk = true;
    private long lastBgsaveTry;
    private long lastBgsaveTimeSec = -1;
    private long saves;
    private boolean bgsaveScheduled;

    // BGSAVE in progress
    private SnapshotJob bgJob;
    /** The job is rdbSaveToSlavesSockets' (a diskless sync's snapshot), not a save. */
    private boolean bgJobForReplicas;
    private long bgStartMillis;
    private long dirtyAtBgStart;

    // loading
    private volatile boolean loading;
    private volatile long loadStartSeconds;
    private volatile long loadTotalBytes;
    private volatile long loadedBytes;
    private volatile long loadUsedMem;
    private long loadKeysLoaded;
    /** Counted by the loader thread (expired keys are dropped there), read by INFO. */
    private volatile long loadKeysExpired;
    private volatile String loadError;
    private Runnable loadFailureAction = () -> { };

    public RdbPersistence(Server server, RdbSettings settings) {
        this.server = server;
        this.settings = settings;
    }

    public RdbSettings settings() {
        return settings;
    }

    public long lastSaveSeconds() {
        return lastSaveSeconds;
    }

    public boolean loading() {
        return loading;
    }

    /** Why loading at startup failed, or null. */
    public String loadError() {
        return loadError;
    }

    /** What to do after loading at startup failed (the launcher exits with status 1). */
    public void onLoadFailure(Runnable action) {
        this.loadFailureAction = action;
    }

    public boolean bgsaveInProgress() {
        SnapshotJob job = bgJob;
        return job != null && job.inProgress();
    }

    private Path file() {
        return Path.of(server.config().dir).resolve(settings.dbfilename);
    }

    /**
     * readSyncBulkPayload with a disk-based load: the RDB a master sends goes to a temporary file
     * ({@code temp-<unix time ms>.<pid>.rdb} in dir) as it arrives; once complete it is fsynced and
     * renamed over dbfilename ({@link TempFile#syncAndRename}) and loaded from there, so a replica that
     * restarts comes back with its master's data.
     */
    public TempFile incomingDump() throws IOException {
        return new TempFile(Path.of(server.config().dir), settings.dbfilename,
                "temp-" + System.currentTimeMillis() + "." + ProcessHandle.current().pid() + ".rdb");
    }

    /** dir/dbfilename. */
    public Path dumpFile() {
        return file();
    }

    /**
     * The snapshot of a diskless sync: never dbfilename, which a diskless sync leaves alone, and
     * deleted once the replicas waiting for it opened it.
     */
    private String replicasFileName() {
        return "temp-replicas-" + ProcessHandle.current().pid() + ".rdb";
    }

    /**
     * The RDB a full sync's BGSAVE made, for the waiters it is handed to: each opens it (a channel
     * of its own, which stays readable when a later BGSAVE renames a new file over the name or the
     * snapshot of a diskless sync is deleted) during the call only.
     */
    @FunctionalInterface
    public interface SyncDump {
        FileChannel open() throws IOException;
    }

    private String tempName() {
        return "temp-" + ProcessHandle.current().pid() + ".rdb";
    }

    // ------------------------------------------------------------------ SAVE

    /** rdbSave: the whole keyspace now, on the calling (keyspace) thread. */
    public boolean save() {
        if (bgsaveInProgress()) {
            log.warn("Can't save while a background save is in progress");
            return false;
        }
        Keyspace ks = server.keyspace();
        Path dir = Path.of(server.config().dir);
        long start = System.nanoTime();
        try {
            SnapshotJob.writeNow(ks, new RdbFile(dir, settings.dbfilename, tempName(), settings, server.usedMemory(),
                    false, server.scripting().functions().codes(), server.replication().rdbSaveInfo()));
        } catch (IOException | UncheckedIOException e) {
            log.warn("Failed opening or writing the .rdb file {} (in server root dir {}): {}",
                    tempName(), dir, e.getMessage());
            return false;
        }
        log.info("DB saved on disk ({} ms)", (System.nanoTime() - start) / 1_000_000);
        ks.stats().dirty = 0;
        lastSaveSeconds = System.currentTimeMillis() / 1000;
        lastBgsaveOk = true;
        return true;
    }

    /**
     * saveCommand: SAVE counts in rdb_saves whether or not the file could be written; the saves
     * FLUSHALL, DEBUG RELOAD and SHUTDOWN make do not count (they call rdbSave directly).
     */
    public boolean saveOnRequest() {
        saves++;
        return save();
    }

    /**
     * flushAllDataAndResetRDB: with save points set, FLUSHALL stops a BGSAVE in progress and saves
     * the emptied dataset at once, so that a restart does not bring the flushed keys back. A
     * successful save resets the changes since the last save, as any rdbSave.
     */
    public void saveAfterFlushAll() {
        if (!savePointsConfigured()) {
            return;
        }
        abortBgsave();
        save();
    }

    // ------------------------------------------------------------------ BGSAVE

    /**
     * rdbSaveBackground: starts a point-in-time snapshot written in slices. False when it could not
     * start, also while another background job (an AOF rewrite) runs: the caller checks that first.
     */
    public boolean bgsave() {
        return startBgsave(false);
    }

    /**
     * rdbSaveBackground, or with {@code forReplicas} rdbSaveToSlavesSockets: the snapshot of a
     * diskless sync, which is no save (rdb_saves, rdb_changes_since_last_save, rdb_last_save_time
     * and rdb_last_bgsave_status stay as they are; rdb_bgsave_in_progress shows it, and
     * rdb_last_bgsave_time_sec times it, as Redis's child writing to the replicas' sockets) and is
     * written to a file of its own, not dbfilename.
     */
    private boolean startBgsave(boolean forReplicas) {
        if (server.backgroundJobActive()) {
            return false;
        }
        if (!forReplicas) {
            // rdbSaveBackground counts every attempt, before the fork.
            saves++;
            lastBgsaveTry = System.currentTimeMillis() / 1000;
        }
        Keyspace ks = server.keyspace();
        bgStartMillis = System.currentTimeMillis();
        dirtyAtBgStart = ks.stats().dirty;
        bgJobForReplicas = forReplicas;
        RdbFile file;
        try {
            file = new RdbFile(Path.of(server.config().dir), forReplicas ? replicasFileName() : settings.dbfilename,
                    tempName(), settings, server.usedMemory(), false, server.scripting().functions().codes(),
                    server.replication().rdbSaveInfo());
        } catch (IOException e) {
            // In Redis the forked child is the one that cannot open its temporary file: the BGSAVE
            // started (and is answered so), then ended at once in error.
            log.warn("Failed opening the temp RDB file {} (in server root dir {}) for saving: {}",
                    tempName(), server.config().dir, e.getMessage());
            bgsaveDone("the temporary file could not be opened");
            return true;
        }
        bgJob = SnapshotJob.start(server, file, "mnemos-bgsave-sync", this::bgsaveDone);
        log.info("{} started ({} keys)", forReplicas ? "Background RDB transfer" : "Background saving", bgJob.total());
        return true;
    }

    /**
     * Told the dump (null on error) and null, or null and the error, when the BGSAVE of a full sync
     * ends: the running one, or the one to start when the background job in the way ends.
     */
    private final List<BiConsumer<SyncDump, String>> bgsaveWaiters = new ArrayList<>();
    /** The BGSAVE to start for the waiters is a diskless sync's. */
    private boolean waitersForReplicas;

    /**
     * The BGSAVE of a full sync, for the replicas' sockets (a diskless sync) or to dbfilename (a
     * disk-based one, as Redis with repl-diskless-sync no): joins the one in progress, or starts one
     * now, or as soon as the background job that runs (an AOF rewrite) ends.
     */
    public void bgsaveForSync(boolean forReplicas, BiConsumer<SyncDump, String> onDone) {
        bgsaveWaiters.add(onDone);
        if (bgsaveInProgress()) {
            return;
        }
        waitersForReplicas = forReplicas;
        startBgsave(forReplicas); // false while an AOF rewrite runs: cron starts it once that ends
    }

    /** The waiters get the dump it wrote (or the error); a diskless sync's snapshot goes after. */
    private void notifyBgsaveWaiters(Path dump, String error) {
        List<BiConsumer<SyncDump, String>> waiters = List.copyOf(bgsaveWaiters);
        bgsaveWaiters.clear();
        SyncDump opener = error != null ? null : () -> FileChannel.open(dump, StandardOpenOption.READ);
        waiters.forEach(w -> w.accept(opener, error));
        if (error == null && !dump.equals(file())) {
            try {
                Files.deleteIfExists(dump);
            } catch (IOException e) {
                log.warn("Can't remove the snapshot of a diskless sync {}: {}", dump, e.getMessage());
            }
        }
    }

    /** CONFIG RESETSTAT (resetServerStats): rdb_saves starts again from 0. */
    public void resetStats() {
        saves = 0;
    }

    /** Schedules a BGSAVE for when the current one ends (BGSAVE SCHEDULE). */
    public void scheduleBgsave() {
        bgsaveScheduled = true;
    }

    private void bgsaveDone(String error) {
        bgJob = null;
        lastBgsaveTimeSec = (System.currentTimeMillis() - bgStartMillis) / 1000;
        Path dump = bgJobForReplicas ? Path.of(server.config().dir).resolve(replicasFileName()) : file();
        if (bgJobForReplicas) {
            // backgroundSaveDoneHandlerSocket: nothing was saved.
            if (error != null) {
                log.warn("Background transfer error: {}", error);
            } else {
                log.info("Background RDB transfer terminated with success");
            }
            notifyBgsaveWaiters(dump, error);
            return;
        }
        if (error != null) {
            log.warn("Background saving error: {}", error);
            lastBgsaveOk = false;
            notifyBgsaveWaiters(dump, error);
            return;
        }
        log.info("Background saving terminated with success");
        Keyspace ks = server.keyspace();
        ks.stats().dirty = Math.max(0, ks.stats().dirty - dirtyAtBgStart);
        lastSaveSeconds = bgStartMillis / 1000;
        lastBgsaveOk = true;
        notifyBgsaveWaiters(dump, null);
    }

    /** Stops a BGSAVE in progress and removes its temporary file (SHUTDOWN, SAVE on stop). */
    public void abortBgsave() {
        SnapshotJob job = bgJob;
        if (job != null && job.inProgress() && job.abort()) {
            bgJob = null;
            // killRDBChild: the child's end is not an error (SIGUSR1), but it is timed like any other.
            lastBgsaveTimeSec = (System.currentTimeMillis() - bgStartMillis) / 1000;
            log.warn("There is a background saving in progress: it was stopped.");
            // The full syncs waiting for it fail (updateSlavesWaitingBgsave after killRDBChild).
            notifyBgsaveWaiters(null, "the background save was stopped");
        }
    }

    // ------------------------------------------------------------------ cron

    /** serverCron's part: save points and scheduled BGSAVEs. */
    public void cron() {
        if (loading || server.backgroundJobActive()) {
            return;
        }
        long now = System.currentTimeMillis() / 1000;
        long dirty = server.keyspace().stats().dirty;
        boolean retryOk = now - lastBgsaveTry > BGSAVE_RETRY_DELAY || lastBgsaveOk;
        long[] points = settings.savePoints;
        for (int i = 0; i + 1 < points.length; i += 2) {
            long seconds = points[i];
            long changes = points[i + 1];
            if (dirty >= changes && now - lastSaveSeconds > seconds && retryOk) {
                log.info("{} changes in {} seconds. Saving...", changes, seconds);
                bgsave();
                return;
            }
        }
        if (bgsaveScheduled && retryOk && bgsave()) {
            bgsaveScheduled = false; // full syncs waiting join it
        } else if (!bgsaveWaiters.isEmpty()) {
            startBgsave(waitersForReplicas);
        }
    }

    /** rdb_last_bgsave_status is ok: the last BGSAVE (or SAVE) succeeded, or none ran yet. */
    public boolean lastBgsaveOk() {
        return lastBgsaveOk;
    }

    /** True when save points are configured (SHUTDOWN then saves unless NOSAVE). */
    public boolean savePointsConfigured() {
        return settings.savePoints.length > 0;
    }

    /**
     * prepareForShutdown's save: stops a BGSAVE and saves when asked to, or when save points exist
     * and NOSAVE was not given. Returns false when the save failed and {@code force} does not
     * exit anyway.
     */
    public boolean saveForShutdown(boolean save, boolean nosave, boolean force) {
        abortBgsave();
        if ((save || savePointsConfigured()) && !nosave) {
            log.info("Saving the final RDB snapshot before exiting.");
            if (!save()) {
                if (force) {
                    log.warn("Error trying to save the DB. Exit anyway.");
                    return true;
                }
                log.warn("Error trying to save the DB, can't exit.");
                return false;
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ loading

    /**
     * Loads the RDB file if there is one: parsing runs on its own thread and hands batches of keys
     * to the keyspace thread, which meanwhile answers -LOADING to commands.
     */
    public void loadOnStartup() {
        Path path = file();
        if (!Files.exists(path)) {
            return;
        }
        loading = true;
        loadStartSeconds = System.currentTimeMillis() / 1000;
        loadKeysLoaded = 0;
        loadKeysExpired = 0;
        try {
            loadTotalBytes = Files.size(path);
        } catch (IOException e) {
            loadTotalBytes = 0;
        }
        long startNanos = System.nanoTime();
        Semaphore inFlight = new Semaphore(4);
        Thread t = new Thread(() -> {
            // rdbSaveInfo's repl-stream-db, repl-id and repl-offset, for a replica to continue its history.
            String[] replication = new String[3];
            try (InputStream in = new CountingStream(Files.newInputStream(path))) {
                EncodingLimits limits = EncodingLimits.of(server.config());
                RdbReader.load(in, limits, settings.checksum, new Loader(loadTotalBytes) {
                    @Override
                    public void aux(byte[] key, byte[] value) {
                        switch (new String(key, StandardCharsets.US_ASCII)) {
                            case "used-mem" -> {
                                try {
                                    loadUsedMem = Long.parseLong(new String(value));
                                } catch (NumberFormatException ignored) {
                                    // informational only
                                }
                            }
                            case "repl-stream-db" -> replication[0] = new String(value, StandardCharsets.US_ASCII);
                            case "repl-id" -> replication[1] = new String(value, StandardCharsets.US_ASCII);
                            case "repl-offset" -> replication[2] = new String(value, StandardCharsets.US_ASCII);
                            default -> {
                            }
                        }
                    }

                    @Override
                    void reserve(int db, long size, long expires) {
                        loadQueue.add(() -> server.keyspace().db(db).reserve(size, expires));
                    }

                    @Override
                    public void function(byte[] code) {
                        loadQueue.add(() -> {
                            try {
                                createFunction(code);
                            } catch (RdbFormatException e) {
                                loadFailed(path, e.getMessage());
                            }
                        });
                    }

                    @Override
                    LoadBatch insert(LoadBatch batch) {
                        hand(batch, inFlight);
                        LoadBatch spare = spareBatches.poll();
                        return spare != null ? spare : new LoadBatch(BATCH);
                    }
                });
                loadQueue.add(() -> {
                    if (loadError == null) {
                        loading = false;
                        log.info("DB loaded from disk: {} seconds ({} keys loaded, {} expired)",
                                String.format(Locale.ROOT, "%.3f", (System.nanoTime() - startNanos) / 1e9),
                                loadKeysLoaded, loadKeysExpired);
                        server.masterLink().restoreSavedHistory(replication);
                    }
                });
            } catch (RdbFormatException | IOException | UncheckedIOException e) {
                loadFailed(path, e.getMessage());
            } catch (OutOfMemoryError e) {
                loadFailed(path, "out of memory");
            }
        }, "mnemos-rdb-load");
        t.setDaemon(true);
        t.start();
        if (server.started()) {
            server.execute(this::drainLoaded);
        }
    }

    /** Batches parsed by the loader thread, taken by {@link #drainLoaded} on the keyspace thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> loadQueue =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** Batches the keyspace thread is done with, for the loader thread to fill again. */
    private final java.util.concurrent.ConcurrentLinkedQueue<LoadBatch> spareBatches =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private void hand(LoadBatch batch, Semaphore inFlight) {
        inFlight.acquireUninterruptibly();
        loadQueue.add(() -> {
            try {
                if (loadError == null) {
                    insert(batch);
                    batch.clear();
                    spareBatches.add(batch);
                }
            } catch (RdbFormatException e) {
                loadFailed(file(), e.getMessage());
            } finally {
                inFlight.release();
            }
        });
    }

    /**
     * Batches for a bounded time per event-loop turn, so that clients are answered (-LOADING) in between; started on
     * the keyspace thread and rescheduled there until the loader's last task ran.
     */
    private void drainLoaded() {
        // Batches for up to ~20 ms, then back to the network (clients get -LOADING meanwhile).
        long deadline = System.nanoTime() + 20_000_000;
        Runnable task;
        while (System.nanoTime() < deadline && (task = loadQueue.poll()) != null) {
            task.run();
        }
        if (loading && loadError == null) {
            server.executeAfterIo(this::drainLoaded, loadQueue.isEmpty() ? 200 : 0);
        }
    }

    /**
     * Parses into batches made ready off the keyspace thread ({@link LoadBatch}); the subclass
     * decides where they are inserted. Keys already expired are dropped here, as a master's rdbLoad
     * does (a replica keeps them), and counted.
     */
    private abstract class Loader implements RdbReader.Target {
        private final Keyspace ks = server.keyspace();
        private final long now = System.currentTimeMillis();
        /** The clock and the policy are the keyspace's: one lru field serves every database. */
        private final int accessTime = ks.db(0).newAccessTime();
        /** Which of IDLE and FREQ applies, as rdbLoad's objectSetLRUOrLFU decides. */
        private final boolean lfu = ks.settings().policy.lfu();
        private LoadBatch batch = new LoadBatch(BATCH);

        /** The RESIZEDB hint of database {@code db}, which exists. */
        abstract void reserve(int db, long size, long expires);

        /** Inserts a batch of keys, in file order; returns an empty batch to fill next. */
        abstract LoadBatch insert(LoadBatch batch);

        /** Each key takes at least 3 bytes of the file (type, key length, value length). */
        private final long maxKeys;

        Loader(long fileBytes) {
            maxKeys = fileBytes / 3;
        }

        @Override
        public final void resizeDb(int db, long size, long expires) {
            if (db < ks.count()) {
                flush(); // in file order: the keys before the hint go in first
                reserve(db, Math.min(size, maxKeys), Math.min(expires, maxKeys));
            }
        }

        @Override
        public final void entry(int db, byte[] key, Object value, long expireAt) {
            entry(db, key, value, expireAt, -1, -1);
        }

        @Override
        public final void entry(int db, byte[] key, Object value, long expireAt, long idleSeconds, int freq) {
            if (db >= ks.count()) {
                throw new RdbFormatException("FATAL: Data file was created with a Redis server configured to "
                        + "handle more than " + ks.count() + " databases. Exiting");
            }
            // A replica keeps them (iAmMaster): its master's DEL will remove them.
            if (expireAt >= 0 && expireAt < now && !server.isReplica()) {
                loadKeysExpired++;
                return;
            }
            int access = idleSeconds < 0 && freq < 0 ? accessTime
                    : ObjectClock.restoredAccess(accessTime, freq, idleSeconds, lfu, now);
            batch.add(db, key, value, expireAt, access);
            if (batch.full()) {
                flush();
            }
        }

        @Override
        public final void end() {
            flush();
        }

        private void flush() {
            if (batch.size() > 0) {
                batch = insert(batch);
            }
        }
    }

    /**
     * Inserts a batch on the keyspace thread; a key already present is fatal, as in rdbLoad, unless
     * duplicates are allowed (DEBUG RELOAD MERGE, RDBFLAGS_ALLOW_DUP): then the file's key replaces it.
     */
    private void insert(LoadBatch batch) {
        int from = 0;
        int duplicate;
        while ((duplicate = server.keyspace().addLoaded(batch, from)) >= 0) {
            if (!allowDuplicates) {
                loadKeysLoaded += duplicate;
                throw new RdbFormatException("RDB has duplicated key '" + new String(batch.key(duplicate))
                        + "' in DB " + batch.db(duplicate));
            }
            server.keyspace().db(batch.db(duplicate)).delete(batch.key(duplicate));
            from = duplicate;
        }
        loadKeysLoaded += batch.size();
    }

    /** While DEBUG RELOAD MERGE loads: keys and libraries of the file replace those present. */
    private boolean allowDuplicates;

    private void loadFailed(Path path, String message) {
        if (loadError != null) {
            return;
        }
        loadError = message;
        log.error("Fatal error loading the DB ({}): {}. Exiting.", path, message);
        Thread t = new Thread(() -> {
            server.stop();
            loadFailureAction.run();
        }, "mnemos-load-failed");
        t.start();
    }

    /**
     * Loads a file synchronously on the calling (keyspace) thread (DEBUG RELOAD): after emptying the
     * keyspace when {@code flush}; {@code merge} lets the file's keys and libraries replace those
     * present (RDBFLAGS_ALLOW_DUP), else one already present fails the load.
     */
    public void loadNow(boolean flush, boolean merge) throws IOException {
        if (flush) {
            server.emptyData(true);
        }
        allowDuplicates = merge;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file()), 1 << 16)) {
            loadInto(in, Files.size(file()));
        } finally {
            allowDuplicates = false;
        }
    }

    /**
     * Loads an RDB stream of at most {@code fileBytes} synchronously into the keyspace as it is, on
     * the keyspace thread (DEBUG RELOAD, the RDB base of an AOF). Already expired keys are skipped
     * and counted, a duplicated key is an error. Returns the bytes the RDB took.
     *
     * @throws RdbFormatException for anything wrong with the data
     */
    public long loadInto(InputStream in, long fileBytes) {
        return loadInto(in, fileBytes, (key, value) -> { });
    }

    /** {@link #loadInto(InputStream, long)}, handing the file's aux fields to {@code aux} (a replica's repl-stream-db). */
    public long loadInto(InputStream in, long fileBytes, BiConsumer<byte[], byte[]> aux) {
        Keyspace ks = server.keyspace();
        loadKeysLoaded = 0;
        loadKeysExpired = 0;
        return RdbReader.load(in, EncodingLimits.of(server.config()), settings.checksum, new Loader(fileBytes) {
            @Override
            public void aux(byte[] key, byte[] value) {
                aux.accept(key, value);
            }

            @Override
            void reserve(int db, long size, long expires) {
                ks.db(db).reserve(size, expires);
            }

            @Override
            LoadBatch insert(LoadBatch batch) {
                RdbPersistence.this.insert(batch);
                batch.clear();
                return batch;
            }

            @Override
            public void function(byte[] code) {
                createFunction(code);
            }
        });
    }

    /** A library of the file, created on the keyspace thread; one that fails is fatal, as in rdbLoad. */
    private void createFunction(byte[] code) {
        String error = server.scripting().functions().loadFromRdb(code, allowDuplicates);
        if (error != null) {
            throw new RdbFormatException("Failed loading library, " + error);
        }
    }

    public long lastLoadKeysLoaded() {
        return loadKeysLoaded;
    }

    public long lastLoadKeysExpired() {
        return loadKeysExpired;
    }

    /** Counts bytes read for INFO loading_loaded_bytes. */
    private final class CountingStream extends java.io.FilterInputStream {
        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                loadedBytes += n;
            }
            return n;
        }
    }

    // ------------------------------------------------------------------ INFO

    /** INFO persistence from "loading" to "rdb_last_load_keys_loaded", in Redis 7.0's order. */
    public void info(BiConsumer<String, Object> out) {
        out.accept("loading", loading ? 1 : 0);
        out.accept("async_loading", 0);
        if (loading) {
            long elapsed = System.currentTimeMillis() / 1000 - loadStartSeconds;
            double perc = loadTotalBytes == 0 ? 0 : 100.0 * loadedBytes / loadTotalBytes;
            long eta = elapsed == 0 || loadedBytes == 0 ? 1
                    : (loadTotalBytes - loadedBytes) / Math.max(1, loadedBytes / elapsed);
            out.accept("loading_start_time", loadStartSeconds);
            out.accept("loading_total_bytes", loadTotalBytes);
            out.accept("loading_rdb_used_mem", loadUsedMem);
            out.accept("loading_loaded_bytes", loadedBytes);
            out.accept("loading_loaded_perc", String.format(Locale.ROOT, "%.2f", perc));
            out.accept("loading_eta_seconds", eta);
        }
        // Like Redis's child info, these describe whichever background job runs (BGSAVE or BGREWRITEAOF).
        SnapshotJob s = bgsaveInProgress() ? bgJob : server.aof().rewriteJob();
        out.accept("current_cow_peak", 0);
        out.accept("current_cow_size", 0);
        out.accept("current_cow_size_age", 0);
        out.accept("current_fork_perc", String.format(Locale.ROOT, "%.2f",
                s == null || s.total() == 0 ? 0.0 : 100.0 * s.visited() / s.total()));
        out.accept("current_save_keys_processed", s == null ? 0 : s.visited());
        out.accept("current_save_keys_total", s == null ? 0 : s.total());
        out.accept("rdb_changes_since_last_save", server.keyspace().stats().dirty);
        out.accept("rdb_bgsave_in_progress", bgsaveInProgress() ? 1 : 0);
        out.accept("rdb_last_save_time", lastSaveSeconds);
        out.accept("rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err");
        out.accept("rdb_last_bgsave_time_sec", lastBgsaveTimeSec);
        out.accept("rdb_current_bgsave_time_sec",
                bgsaveInProgress() ? (System.currentTimeMillis() - bgStartMillis) / 1000 : -1);
        out.accept("rdb_saves", saves);
        out.accept("rdb_last_cow_size", 0);
        out.accept("rdb_last_load_keys_expired", loadKeysExpired);
        out.accept("rdb_last_load_keys_loaded", loadKeysLoaded);
    }
}
