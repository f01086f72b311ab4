package io.mnemos.persistence;

/**
 * writeCommandsDeniedByDiskError: while the data cannot reach the disk, Redis refuses the commands
 * that would change it (and PING, so that monitoring notices) instead of acknowledging writes a
 * restart would lose. Two causes: the last BGSAVE failed while save points and
 * stop-writes-on-bgsave-error are set, or a write to the AOF failed and was not yet retried.
 */
public final class DiskErrors {
    /** shared.bgsaveerr. */
    public static final String BGSAVE_ERROR = "MISCONF Redis is configured to save RDB snapshots, but it's "
            + "currently unable to persist to disk. Commands that may modify the data set are disabled, because "
            + "this instance is configured to report errors during writes if RDB snapshotting fails "
            + "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

    private DiskErrors() {
    }

    /** The MISCONF error (without the leading "-") writes get now, or null when writes are fine. */
    public static String writeDenial(RdbPersistence rdb, AppendOnlyFile aof) {
        if (!rdb.lastBgsaveOk() && rdb.settings().stopWritesOnBgsaveError && rdb.savePointsConfigured()) {
            return BGSAVE_ERROR;
        }
        String aofError = aof.enabled() ? aof.lastWriteError() : null;
        return aofError == null ? null : "MISCONF Errors writing to the AOF file: " + aofError;
    }
}
