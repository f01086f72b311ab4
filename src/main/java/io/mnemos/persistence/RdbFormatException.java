package io.mnemos.persistence;

/** An RDB file or DUMP payload that is corrupt, truncated or uses something Mnemos cannot load. */
public final class RdbFormatException extends RuntimeException {
    public RdbFormatException(String message) {
        super(message);
    }
}
