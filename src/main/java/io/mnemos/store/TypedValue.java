package io.mnemos.store;

/** A non-string value (list, hash, set, ...). Strings are bare byte arrays to save an object per key. */
public interface TypedValue {
    ValueType type();

    /** Redis's OBJECT ENCODING name for the current representation. */
    String encoding();

    /** A deep copy, for COPY. */
    TypedValue copy();
}
