package io.mnemos.protocol;

/**
 * A request that cannot be parsed. The message is the text Redis sends after {@code -ERR }; the
 * connection is closed once it has been written.
 */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message, null, false, false);
    }
}
