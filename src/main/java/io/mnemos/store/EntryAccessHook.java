package io.mnemos.store;

/**
 * Called with every live entry a lookup finds, before the caller may change it in place. A
 * point-in-time snapshot in progress uses it to save an entry's old value first.
 */
@FunctionalInterface
public interface EntryAccessHook {
    void beforeAccess(Entry e);
}
