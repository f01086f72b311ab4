package io.mnemos.store;

/**
 * The keyspace's clock: while a command runs (and while EXEC or a script runs its commands) time
 * stands still at the moment the outermost one started, as Redis 7.0 caches the time in call()
 * ({@code fixed_time_expire}). A key therefore cannot expire half-way through a command or a
 * transaction, and a request reads the system clock once instead of at every lookup.
 *
 * <p>With the system clock the frozen time is derived from the {@link System#nanoTime()} the
 * dispatcher reads anyway to time the command, plus an offset to the wall clock taken again every
 * {@link #RESYNC_NANOS}: one clock read per command instead of two.
 */
final class CommandClock implements Clock {
    private static final long RESYNC_NANOS = 100_000_000L;

    private final Clock source;
    private long frozenAt;
    private int depth;
    /** Wall-clock milliseconds minus nanoTime in milliseconds, as of {@link #syncedAt}. */
    private long offsetMillis;
    private long syncedAt;
    private boolean synced;

    CommandClock(Clock source) {
        this.source = source;
    }

    @Override
    public long millis() {
        return depth > 0 ? frozenAt : source.millis();
    }

    /** @param nanoTime {@link System#nanoTime()} as the command starts */
    void commandStarted(long nanoTime) {
        if (depth++ == 0) {
            frozenAt = source == Clock.SYSTEM ? systemMillisAt(nanoTime) : source.millis();
        }
    }

    private long systemMillisAt(long nanoTime) {
        if (!synced || nanoTime - syncedAt > RESYNC_NANOS || nanoTime < syncedAt) {
            offsetMillis = System.currentTimeMillis() - Math.floorDiv(nanoTime, 1_000_000L);
            syncedAt = nanoTime;
            synced = true;
        }
        return offsetMillis + Math.floorDiv(nanoTime, 1_000_000L);
    }

    void commandDone() {
        if (depth > 0) {
            depth--;
        }
    }
}
