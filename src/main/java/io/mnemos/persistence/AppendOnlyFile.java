package io.mnemos.persistence;

import io.mnemos.protocol.RespBuffer;

import io.mnemos.command.CommandError;
import io.mnemos.server.ConfigException;
import io.mnemos.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The append-only file, Redis 7's multi-part AOF: {@code appenddirname/} holds a base file, the
 * incremental files and the manifest. Propagated commands are encoded as RESP into a reusable
 * buffer on the keyspace thread; the buffer is written before replies go out (the connection
 * holds its replies until {@link #flush()} ran, once per event-loop batch), and fsynced there with
 * appendfsync always, once a second by a background thread with everysec, never explicitly with no.
 *
 * <p>BGREWRITEAOF switches to a new incremental file and takes a {@link PointInTimeSnapshot} at the
 * same instant on the keyspace thread: every write acknowledged before it is in the snapshot, every
 * later one in the new incr file, none in both. The base is then written from the snapshot by a
 * {@link SnapshotJob} (the mechanism BGSAVE uses) while clients are served: an RDB file
 * ({@code .base.rdb}) with aof-use-rdb-preamble yes, AOF commands ({@code .base.aof}) with no.
 * Once it is fsynced and renamed, the manifest is swapped atomically (temp file + rename) and the
 * history files are deleted.
 */
public final class AppendOnlyFile implements CommandPropagation.Listener {
    private static final Logger log = LoggerFactory.getLogger(AppendOnlyFile.class);
    private static final byte[] SELECT = AofRewriter.ascii("SELECT");

    private enum State { OFF, ON, WAIT_REWRITE }

    private final Server server;
    private final AofConfig config;
    private State state = State.OFF;
    private AofManifest manifest = new AofManifest();
    private final RespBuffer buf = new RespBuffer(64 * 1024, AofRewriter.KEPT_BYTES);
    private int selectedDb = -1;
    private long lastTimestamp;

    private final Object channelLock = new Object();
    private volatile FileChannel channel;
    /** Bytes written to the current incr file, and how many of them are known fsynced. */
    private volatile long written;
    private volatile long synced;
    private ScheduledExecutorService fsyncThread;
    private SnapshotJob rewriteJob;

    private long currentSize;
    private long baseSize;
    private long rewriteBaseSize;
    private boolean rewriteScheduled;
    private long rewriteStartMillis;
    private long lastRewriteTimeSec = -1;
    private boolean lastBgrewriteOk = true;
    private boolean lastWriteOk = true;
    /** strerror of the failed write while {@link #lastWriteOk} is false. */
    private String lastWriteError = "";
    private long rewrites;
    private long consecutiveFailures;
    private long delayedFsync;

    public AppendOnlyFile(Server server) {
        this.server = server;
        this.config = server.config().aof;
    }

    private Path dir() {
        return Path.of(server.config().dir).resolve(config.appenddirname);
    }

    private String manifestName() {
        return config.appendfilename + ".manifest";
    }

    public boolean enabled() {
        return state != State.OFF;
    }

    /** The error of the last write while it has not been retried successfully, or null. */
    public String lastWriteError() {
        return lastWriteOk ? null : lastWriteError;
    }

    public boolean rewriteInProgress() {
        SnapshotJob job = rewriteJob;
        return job != null && job.inProgress();
    }

    /** The rewrite writing its base now, or null (INFO's current_save_keys_*). */
    public SnapshotJob rewriteJob() {
        return rewriteInProgress() ? rewriteJob : null;
    }

    // ---- startup and shutdown -------------------------------------------------------------------

    /**
     * Before the server accepts connections: reads the manifest, loads the files when appendonly is
     * yes, opens the last incremental file for appending. Throws {@link AofLoader.LoadException}
     * (the server must not start) on any error.
     */
    public void startup() {
        config.onAppendonly = this::toggle;
        try {
            loadManifest();
        } catch (AofManifest.FormatException e) {
            throw new AofLoader.LoadException("\n*** FATAL AOF MANIFEST FILE ERROR ***\n" + e.getMessage());
        } catch (IOException e) {
            throw new AofLoader.LoadException("Fatal error: can't open the AOF manifest file for reading: " + e.getMessage());
        }
        if (!config.appendonly) {
            return;
        }
        loadFiles();
        server.commandTable().resetStats();
        try {
            openOnStartup();
        } catch (IOException e) {
            throw new AofLoader.LoadException("Can't open the append-only file: " + e.getMessage());
        }
        state = State.ON;
        server.propagation().addListener(this);
        startFsyncThread();
    }

    /** Replays the manifest's files into the keyspace, logging nothing and leaving it clean (dirty 0). */
    private void loadFiles() {
        server.propagation().suppress(true);
        server.keyspace().loading(true);
        try {
            AofLoader loader = new AofLoader(server, config.loadTruncated);
            loader.loadAll(dir(), manifest);
        } finally {
            server.keyspace().loading(false);
            server.propagation().suppress(false);
        }
        server.keyspace().stats().dirty = 0;
    }

    /**
     * DEBUG LOADAOF: writes out what is buffered, empties the keyspace and loads the files again; the
     * log stays open for appending. Throws {@link AofLoader.LoadException} if a file cannot be loaded
     * (Redis exits then; the keyspace holds what was loaded so far).
     */
    public void reload() {
        flush();
        server.emptyData(true);
        loadFiles();
    }

    private void loadManifest() throws IOException, AofManifest.FormatException {
        Path m = dir().resolve(manifestName());
        if (Files.isRegularFile(m)) {
            manifest = AofManifest.parse(Files.readString(m, StandardCharsets.UTF_8));
            return;
        }
        Path old = Path.of(server.config().dir).resolve(config.appendfilename);
        if (config.appendonly && Files.isRegularFile(old)) {
            // aofUpgradePrepare: an old single-file AOF becomes the base of a new directory.
            createIfMissing(dir());
            AofManifest upgraded = new AofManifest();
            upgraded.upgradeBase(config.appendfilename);
            persistManifest(upgraded);
            Files.move(old, dir().resolve(config.appendfilename), StandardCopyOption.ATOMIC_MOVE);
            manifest = upgraded;
            log.info("Successfully migrated an old-style AOF into the AOF directory");
        }
    }

    /** aofOpenIfNeededOnServerStart: a base for an empty start, then the last incr file. */
    private void openOnStartup() throws IOException {
        createIfMissing(dir());
        if (manifest.isEmpty()) {
            boolean rdb = config.useRdbPreamble;
            String base = manifest.newBase(config.appendfilename, rdb);
            SnapshotJob.writeNow(server.keyspace(), baseFile(base, "temp-rewriteaof-" + pid() + ".aof", rdb));
            log.info("Creating AOF base file {} on server start", base);
        }
        boolean created = manifest.incrs().isEmpty();
        String incr = manifest.lastIncr(config.appendfilename);
        openChannel(incr);
        if (created) {
            log.info("Creating AOF incr file {} on server start", incr);
        }
        persistManifest(manifest);
        deleteHistory();
        updateSizes();
        rewriteBaseSize = currentSize;
    }

    /** SHUTDOWN / stop: whatever is buffered is written and fsynced. */
    public void shutdown() {
        if (state != State.OFF) {
            flush();
            closeChannel(true);
            log.info("Calling fsync() on the AOF file.");
        }
        if (fsyncThread != null) {
            fsyncThread.shutdownNow();
        }
    }

    // ---- CONFIG SET appendonly --------------------------------------------------------------------

    private void toggle(boolean on) throws ConfigException {
        if (on) {
            try {
                startAppendOnly();
            } catch (IOException | RuntimeException e) {
                log.warn("Unable to turn on AOF: {}", e.getMessage());
                closeChannel(false);
                server.propagation().removeListener(this);
                state = State.OFF;
                buf.clear();
                throw new ConfigException("Unable to turn on AOF. Check server logs.");
            }
        } else {
            stopAppendOnly();
        }
    }

    /** startAppendOnly: the AOF waits for a rewrite to produce its base. */
    private void startAppendOnly() throws IOException {
        createIfMissing(dir());
        state = State.WAIT_REWRITE;
        server.propagation().addListener(this);
        startFsyncThread();
        if (rewriteInProgress()) {
            // Its base would miss the writes not logged while the AOF was off: start again.
            log.warn("AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.");
            abortRewrite();
        }
        if (server.backgroundJobActive()) {
            rewriteScheduled = true;
            log.info("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.");
            return;
        }
        startRewrite();
        log.info("AOF was enabled");
    }

    /** stopAppendOnly: flush, fsync and close; the files stay. */
    private void stopAppendOnly() {
        abortRewrite();
        flush();
        closeChannel(true);
        server.propagation().removeListener(this);
        state = State.OFF;
        rewriteScheduled = false;
        buf.clear();
        log.info("AOF was disabled");
    }

    // ---- feeding and writing ------------------------------------------------------------------------

    /** feedAppendOnlyFile: SELECT when the database changes, then the command as RESP. */
    @Override
    public void propagate(int db, byte[][] argv) {
        if (state == State.OFF) {
            return;
        }
        if (config.timestampEnabled) {
            long now = System.currentTimeMillis() / 1000;
            if (now > lastTimestamp) {
                lastTimestamp = now;
                buf.raw(("#TS:" + now + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        // Written once per event-loop iteration, in beforeSleep, before that iteration's replies.
        server.scheduleBeforeSleep();
        if (db != selectedDb) {
            buf.command(new byte[][]{SELECT, AofRewriter.ascii(Integer.toString(db))});
            selectedDb = db;
        }
        buf.command(argv);
    }

    /**
     * flushAppendOnlyFile: writes the buffer, and with appendfsync always fsyncs it, before any reply
     * acknowledging those writes leaves. On the keyspace thread.
     */
    public void flush() {
        FileChannel ch = channel;
        if (buf.length() == 0 || ch == null) {
            return;
        }
        long before = written;
        try {
            ByteBuffer bb = buf.asByteBuffer();
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
        } catch (IOException e) {
            writeFailed(ch, before, e);
            return;
        }
        int n = buf.length();
        buf.clear();
        written = before + n;
        currentSize += n;
        if (!lastWriteOk) {
            log.warn("AOF write error looks solved, Redis can write again.");
            lastWriteOk = true;
        }
        if (config.appendfsync == AofConfig.Fsync.ALWAYS) {
            try {
                ch.force(false);
                synced = written;
            } catch (IOException e) {
                log.error("Can't persist the AOF fsync error when the AOF fsync policy is 'always': {}. Exiting...", e.getMessage());
                Runtime.getRuntime().halt(1);
            }
        }
    }

    private void writeFailed(FileChannel ch, long before, IOException e) {
        if (config.appendfsync == AofConfig.Fsync.ALWAYS) {
            log.error("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting... ({})", e.getMessage());
            Runtime.getRuntime().halt(1);
        }
        if (lastWriteOk) {
            log.warn("Error writing to the AOF file: {}", e.getMessage());
        }
        lastWriteOk = false;
        // Java's message for the errno is strerror's text ("No space left on device").
        lastWriteError = e.getMessage() == null ? e.toString() : e.getMessage();
        try {
            ch.truncate(before); // drop a partial command; the buffer is written again later
        } catch (IOException ignored) {
            // the next successful write starts after whatever is there
        }
    }

    private void startFsyncThread() {
        if (fsyncThread != null) {
            return;
        }
        fsyncThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mnemos-aof-fsync");
            t.setDaemon(true);
            return t;
        });
        fsyncThread.scheduleWithFixedDelay(this::backgroundFsync, 1, 1, TimeUnit.SECONDS);
    }

    /** appendfsync everysec: the bio fsync job, at most once a second. */
    private void backgroundFsync() {
        if (config.appendfsync != AofConfig.Fsync.EVERYSEC) {
            return;
        }
        synchronized (channelLock) {
            FileChannel ch = channel;
            long w = written;
            if (ch == null || w == synced) {
                return;
            }
            try {
                ch.force(false);
                synced = w;
            } catch (IOException e) {
                log.warn("Fsync of the AOF file failed: {}", e.getMessage());
            }
        }
    }

    private void openChannel(String incrName) throws IOException {
        FileChannel ch = FileChannel.open(dir().resolve(incrName),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        synchronized (channelLock) {
            FileChannel old = channel;
            if (old != null) {
                old.force(false);
                old.close();
            }
            channel = ch;
            written = 0;
            synced = 0;
        }
        selectedDb = -1;
    }

    private void closeChannel(boolean sync) {
        synchronized (channelLock) {
            FileChannel ch = channel;
            channel = null;
            if (ch != null) {
                try {
                    if (sync) {
                        ch.force(false);
                    }
                    ch.close();
                } catch (IOException e) {
                    log.warn("Error closing the AOF file: {}", e.getMessage());
                }
            }
        }
    }

    // ---- rewrite ----------------------------------------------------------------------------------------

    /** CONFIG RESETSTAT (resetServerStats): aof_rewrites, the consecutive failures and aof_delayed_fsync. */
    public void resetStats() {
        rewrites = 0;
        consecutiveFailures = 0;
        delayedFsync = 0;
    }

    /**
     * BGREWRITEAOF's reply text, or a CommandError. {@code inExec}: called from EXEC, where (as
     * while a BGSAVE runs) the rewrite is only scheduled.
     */
    public String bgrewriteaof(boolean inExec) {
        if (rewriteInProgress()) {
            throw CommandError.err("Background append only file rewriting already in progress");
        }
        if (server.backgroundJobActive() || inExec) {
            rewriteScheduled = true;
            consecutiveFailures = 0;
            return "Background append only file rewriting scheduled";
        }
        try {
            startRewrite();
        } catch (IOException | RuntimeException e) {
            log.warn("Can't rewrite append only file in background: {}", e.getMessage());
            throw CommandError.err("Can't execute an AOF background rewriting. Please check the server logs for more information.");
        }
        return "Background append only file rewriting started";
    }

    /**
     * rewriteAppendOnlyFileBackground: everything so far is written out, new writes go to a new incr
     * file from this instant, and the base is written from a snapshot of this same instant.
     */
    private void startRewrite() throws IOException {
        flush();
        if (channel == null) {
            buf.clear(); // AOF being enabled: the new base already holds these writes
        }
        long keepFrom = Long.MAX_VALUE;
        try {
            createIfMissing(dir());
            rewriteStartMillis = System.currentTimeMillis();
            if (state != State.OFF) {
                AofManifest m = manifest.copy();
                String incr = m.newIncr(config.appendfilename);
                openChannel(incr);
                if (state == State.ON) {
                    // The old base and incr files plus the new incr are a valid chain at any moment.
                    persistManifest(m);
                }
                manifest = m;
                keepFrom = m.currentIncrSeq();
                updateSizes();
                log.info("Creating AOF incr file {} on background rewrite", incr);
            }
        } catch (IOException | RuntimeException e) {
            // rewriteAppendOnlyFileBackground: no directory or no new incr file is a failed rewrite.
            lastBgrewriteOk = false;
            throw e;
        }
        rewrites++; // counted when started, as Redis does
        // Only rewriteDone changes the base, one rewrite at a time: this is the name it will record.
        boolean rdb = config.useRdbPreamble;
        String baseName = manifest.copy().newBase(config.appendfilename, rdb);
        String temp = "temp-rewriteaof-bg-" + pid() + ".aof";
        SnapshotFile file = baseFile(baseName, temp, rdb);
        rewriteScheduled = false;
        long keep = keepFrom;
        rewriteJob = SnapshotJob.start(server, file, "mnemos-aof-rewrite",
                error -> rewriteDone(temp, baseName, rdb, keep, error));
        log.info("Background append only file rewriting started");
    }

    /**
     * dirCreateIfMissing: the AOF directory is made inside {@code dir} if it is not there, but
     * {@code dir} itself is never recreated (a deleted data directory fails the AOF, as in Redis).
     */
    private static void createIfMissing(Path directory) throws IOException {
        try {
            Files.createDirectory(directory);
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // mkdir's EEXIST is success; a file of that name fails when the AOF opens its files
        }
    }

    private SnapshotFile baseFile(String name, String temp, boolean rdb) throws IOException {
        List<byte[]> functions = server.scripting().functions().codes();
        return rdb ? new RdbFile(dir(), name, temp, server.config().rdb, server.usedMemory(), true, functions)
                : new AofRewriter(dir(), name, temp, functions);
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    /** killAppendOnlyChild: stops a rewrite still taking its snapshot and deletes its temporary file. */
    public void abortRewrite() {
        SnapshotJob job = rewriteJob;
        if (job != null && job.inProgress() && job.abort()) {
            rewriteJob = null;
            log.info("Killing running AOF rewrite child");
        }
    }

    /**
     * backgroundRewriteDoneHandler: the new base (already fsynced and renamed by the job) replaces
     * the old one and the rewritten incr files. {@code error}: null on success.
     */
    private void rewriteDone(String temp, String baseName, boolean rdb, long keepFrom, String error) {
        rewriteJob = null;
        lastRewriteTimeSec = (System.currentTimeMillis() - rewriteStartMillis) / 1000;
        if (error == null) {
            try {
                AofManifest m = manifest.copy();
                m.newBase(config.appendfilename, rdb);
                log.info("Successfully renamed the temporary AOF base file {} into {}", temp, baseName);
                m.markIncrsAsHistoryExceptFrom(keepFrom);
                persistManifest(m);
                manifest = m;
                if (state == State.WAIT_REWRITE) {
                    state = State.ON;
                }
                deleteHistory();
                updateSizes();
                rewriteBaseSize = currentSize;
                consecutiveFailures = 0;
                lastBgrewriteOk = true;
                log.info("Background AOF rewrite terminated with success");
                log.info("Background AOF rewrite finished successfully");
            } catch (IOException e) {
                error = e.getMessage();
            }
        }
        if (error != null) {
            lastBgrewriteOk = false;
            consecutiveFailures++;
            log.warn("Background AOF rewrite terminated with error: {}", error);
            if (state == State.WAIT_REWRITE) {
                rewriteScheduled = true; // try again from the cron
            }
        }
        if (rewriteScheduled && state != State.OFF) {
            server.executeLater(this::scheduledRewrite);
        }
    }

    private void scheduledRewrite() {
        if (!server.backgroundJobActive() && rewriteScheduled) {
            try {
                startRewrite();
            } catch (IOException | RuntimeException e) {
                log.warn("Scheduled AOF rewrite failed to start: {}", e.getMessage());
            }
        }
    }

    /** serverCron's part: write what waits, run a scheduled rewrite, auto rewrite on growth. */
    public void cron() {
        flush();
        if (server.backgroundJobActive()) {
            return;
        }
        if (rewriteScheduled) {
            scheduledRewrite();
            return;
        }
        if (state == State.ON && config.autoRewritePercentage > 0 && currentSize > config.autoRewriteMinSize) {
            long base = rewriteBaseSize > 0 ? rewriteBaseSize : 1;
            long growth = currentSize * 100 / base - 100;
            if (growth >= config.autoRewritePercentage) {
                log.info("Starting automatic rewriting of AOF on {}% growth", growth);
                scheduledRewriteNow();
            }
        }
    }

    private void scheduledRewriteNow() {
        try {
            startRewrite();
        } catch (IOException | RuntimeException e) {
            log.warn("Automatic AOF rewrite failed to start: {}", e.getMessage());
        }
    }

    // ---- files ------------------------------------------------------------------------------------------

    /** persistAofManifest: temp file, fsync, rename over the manifest, fsync the directory. */
    private void persistManifest(AofManifest m) throws IOException {
        Path temp = dir().resolve("temp-" + manifestName());
        writeFileSynced(temp, m.format().getBytes(StandardCharsets.UTF_8));
        Files.move(temp, dir().resolve(manifestName()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDir(dir());
    }

    private static void writeFileSynced(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bb = ByteBuffer.wrap(content);
            while (bb.hasRemaining()) {
                ch.write(bb);
            }
            ch.force(true);
        }
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some platforms cannot fsync a directory
        }
    }

    /** aofDelHistoryFiles: deletes the history files and drops them from the manifest. */
    private void deleteHistory() throws IOException {
        if (manifest.history().isEmpty()) {
            return;
        }
        for (AofManifest.FileInfo f : manifest.history()) {
            log.info("Removing the history file {} in the background", f.name());
            Files.deleteIfExists(dir().resolve(f.name()));
        }
        AofManifest m = manifest.copy();
        m.clearHistory();
        persistManifest(m);
        manifest = m;
    }

    private void updateSizes() {
        long total = 0;
        baseSize = 0;
        if (manifest.base() != null) {
            baseSize = fileSize(manifest.base().name());
            total += baseSize;
        }
        for (AofManifest.FileInfo f : manifest.incrs()) {
            total += fileSize(f.name());
        }
        currentSize = total;
    }

    private long fileSize(String name) {
        try {
            return Files.size(dir().resolve(name));
        } catch (IOException e) {
            return 0;
        }
    }

    // ---- INFO persistence ---------------------------------------------------------------------------------

    /** The aof_* fields that INFO persistence always shows, in Redis's order. */
    public void infoFields(BiConsumer<String, Object> field) {
        field.accept("aof_enabled", state != State.OFF ? 1 : 0);
        field.accept("aof_rewrite_in_progress", rewriteInProgress() ? 1 : 0);
        field.accept("aof_rewrite_scheduled", rewriteScheduled ? 1 : 0);
        field.accept("aof_last_rewrite_time_sec", lastRewriteTimeSec);
        field.accept("aof_current_rewrite_time_sec",
                rewriteInProgress() ? (System.currentTimeMillis() - rewriteStartMillis) / 1000 : -1);
        field.accept("aof_last_bgrewrite_status", lastBgrewriteOk ? "ok" : "err");
        field.accept("aof_rewrites", rewrites);
        field.accept("aof_rewrites_consecutive_failures", consecutiveFailures);
        field.accept("aof_last_write_status", lastWriteOk ? "ok" : "err");
    }

    /** The fields Redis adds when the AOF is enabled (after module_fork_last_cow_size). */
    public void infoSizes(BiConsumer<String, Object> field) {
        if (state == State.OFF) {
            return;
        }
        field.accept("aof_current_size", currentSize);
        field.accept("aof_base_size", rewriteBaseSize);
        field.accept("aof_pending_rewrite", rewriteScheduled ? 1 : 0);
        field.accept("aof_buffer_length", buf.length());
        field.accept("aof_pending_bio_fsync", 0);
        field.accept("aof_delayed_fsync", delayedFsync);
    }

    /** The manifest as it is now (tests). */
    public AofManifest manifest() {
        return manifest;
    }

    /** The AOF directory (tests). */
    public Path directory() {
        return dir();
    }
}
