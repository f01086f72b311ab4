package io.mnemos.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * adjustOpenFilesLimit: a client is a file descriptor, so maxclients plus Redis's 32 reserved
 * descriptors must fit the process's open-files limit. The JVM already raises its soft limit to the
 * hard one at startup (MaxFDLimit), as far as Redis's setrlimit calls would get.
 */
final class OpenFilesLimit {
    /** CONFIG_MIN_RESERVED_FDS: listening sockets, log and persistence files. */
    static final long RESERVED = 32;

    private OpenFilesLimit() {
    }

    /** The highest maxclients the limit allows, or Long.MAX_VALUE when unknown or unlimited. */
    static long maxClients() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft) - RESERVED;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or /proc unreadable: nothing to check against.
        }
        return Long.MAX_VALUE;
    }
}
