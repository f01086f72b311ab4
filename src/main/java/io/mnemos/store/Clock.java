package io.mnemos.store;

/** Wall-clock milliseconds; replaceable in tests so that expiry can be driven without sleeping. */
@FunctionalInterface
public interface Clock {
    Clock SYSTEM = System::currentTimeMillis;

    long millis();
}
