package io.mnemos.store;

/**
 * The keyspace's clock: while a command runs (and while EXEC or a script runs its commands) time
 * stands still at the moment the outermost one started, as Redis 7.0 caches the time in call()
 * ({@code fixed_time_expire}). A key therefore cannot expire half-way through a command or a
 * transaction, and a request reads the system clock once instead of at every lookup.
 */
final class CommandClock implements Clock {
    private final Clock source;
    private long frozenAt;
    private int depth;

    CommandClock(Clock source) {
        this.source = source;
    }

    @Override
    public long millis() {
        return depth > 0 ? frozenAt : source.millis();
    }

    void commandStarted() {
        if (depth++ == 0) {
            frozenAt = source.millis();
        }
    }

    void commandDone() {
        if (depth > 0) {
            depth--;
        }
    }
}
