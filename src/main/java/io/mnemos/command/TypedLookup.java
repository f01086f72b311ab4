package io.mnemos.command;

import io.mnemos.store.Entry;

/** Redis's checkType for the collection families: a found key must hold the expected value class. */
final class TypedLookup {
    private TypedLookup() {
    }

    /** The entry's value as {@code type}; null for a missing key, WRONGTYPE for any other type. */
    static <T> T valueAs(Entry e, Class<T> type) {
        if (e == null) {
            return null;
        }
        Object value = e.value();
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        throw CommandError.WRONG_TYPE;
    }
}
