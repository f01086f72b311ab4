package io.mnemos.server;

/** A config value or directive that cannot be accepted; the message says why, Redis-style. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message, null, false, false);
    }
}
