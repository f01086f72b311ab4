package io.mnemos.command;

import io.mnemos.server.Server;

/** What INFO and OBJECT need to know about maxmemory, read from the typed eviction settings. */
final class ConfigValues {
    private ConfigValues() {
    }

    /** maxmemory in bytes as configured; 0 means no explicit limit. */
    static long maxmemory(Server server) {
        return server.config().eviction.maxmemory;
    }

    /** maxmemory-policy under its Redis name. */
    static String maxmemoryPolicy(Server server) {
        return server.config().eviction.policy.configName();
    }
}
