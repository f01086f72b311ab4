package io.mnemos.testing;

import io.mnemos.store.Clock;

/** A clock tests move by hand, so that expiry is tested without sleeping. */
public final class ManualClock implements Clock {
    private long millis;

    public ManualClock(long startMillis) {
        this.millis = startMillis;
    }

    @Override
    public long millis() {
        return millis;
    }

    public void advance(long deltaMillis) {
        millis += deltaMillis;
    }

    public void set(long millis) {
        this.millis = millis;
    }
}
