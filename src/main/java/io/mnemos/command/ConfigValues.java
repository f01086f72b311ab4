package io.mnemos.command;

import io.mnemos.server.ConfigOption;
import io.mnemos.server.Server;

/**
 * Config values that commands read through the CONFIG option table (by their Redis names), for those
 * that have no typed field yet: what INFO and OBJECT need to know about maxmemory.
 */
final class ConfigValues {
    private ConfigValues() {
    }

    /** maxmemory in bytes; 0 (no limit) when the option is missing or not a plain number. */
    static long maxmemory(Server server) {
        ConfigOption option = server.config().option("maxmemory");
        if (option == null) {
            return 0;
        }
        try {
            return Long.parseLong(option.get());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** maxmemory-policy, "noeviction" when the option is missing. */
    static String maxmemoryPolicy(Server server) {
        ConfigOption option = server.config().option("maxmemory-policy");
        return option == null ? "noeviction" : option.get();
    }
}
