package io.mnemos.store;

/** A non-string value (list, hash, set, ...). Strings are bare byte arrays to save an object per key. */
public interface TypedValue {
    ValueType type();

    /** Redis's OBJECT ENCODING name for the current representation. */
    String encoding();

    /** A deep copy, for COPY. */
    TypedValue copy();

    /**
     * The heap this value occupies, in bytes, by {@link MemoryModel}'s rules, in O(1): used_memory
     * is kept up to date from it after every command that looks the key up. Types must keep the
     * counters this needs as they change; the default only counts an object header.
     */
    default long memoryUsage() {
        return 16;
    }
}
