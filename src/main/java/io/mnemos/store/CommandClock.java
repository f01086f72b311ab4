package io.mnemos.store;

/**
 * The keyspace's clock: while a command runs (and while EXEC or a script runs its commands) time
 * stands still at the moment the outermost one started, as Redis 7.0 caches the time in call()
 * ({@code fixed_time_expire}). A key therefore cannot expire half-way through a command or a
 * transaction, and a request reads the system clock once instead of at every lookup.
 *
 * <p>With the system clock the frozen time is derived from the {@link System#nanoTime()} the
 * dispatcher reads anyway to time the command: the wall clock read every {@link #RESYNC_NANOS},
 * plus the whole milliseconds elapsed since then, so one clock read per command instead of two.
 * The derived time is never ahead of the wall clock (at most a millisecond behind): a replica
 * applying a time this server stamped (XCLAIM ... TIME) caps it at its own clock.
 */
final class CommandClock implements Clock {
    static final long RESYNC_NANOS = 100_000_000L;

    private final Clock source;
    private long frozenAt;
    private int depth;
    /** The wall clock read just before {@link #syncedAt} was. */
    private long wallAtSync;
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
            frozenAt = source == Clock.SYSTEM && !exact ? systemMillisAt(nanoTime) : source.millis();
        }
    }

    /**
     * Whether commands read the wall clock itself: a replica applying its master's stream must not
     * run a millisecond behind it, or it would cap a time the master stamped (XCLAIM ... TIME) that
     * a Redis replica keeps.
     */
    void exact(boolean exact) {
        this.exact = exact;
    }

    private boolean exact;

    private long systemMillisAt(long nanoTime) {
        if (!synced || nanoTime - syncedAt > RESYNC_NANOS || nanoTime < syncedAt) {
            // Wall clock first, then nanoTime: the nanoseconds counted from syncedAt never exceed
            // the time elapsed since the wall clock was read. (The old offset, wall millis minus
            // nanoTime millis, mixed two truncations and could run a millisecond ahead.)
            wallAtSync = System.currentTimeMillis();
            syncedAt = System.nanoTime();
            synced = true;
        }
        // A command whose nanoTime was read before the resync: a millisecond earlier, never later.
        return wallAtSync + Math.floorDiv(nanoTime - syncedAt, 1_000_000L);
    }

    void commandDone() {
        if (depth > 0) {
            depth--;
        }
    }
}
