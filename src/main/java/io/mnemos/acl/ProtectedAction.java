package io.mnemos.acl;

import java.util.Locale;

/**
 * The setting of enable-debug-command, enable-module-command and enable-protected-configs (Redis
 * 7.0's protected_action_enum): whether DEBUG, MODULE and CONFIG SET of protected options may run.
 * All three default to no, because each can read or damage the server's host (DEBUG SEGFAULT,
 * loading a module, pointing dir at another directory); local allows them from the loopback only.
 */
public enum ProtectedAction {
    NO, YES, LOCAL;

    private static final String[] NAMES = {"no", "yes", "local"};

    public static String[] names() {
        return NAMES.clone();
    }

    public static ProtectedAction of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    public String configName() {
        return NAMES[ordinal()];
    }

    /**
     * allowProtectedAction: yes, or local for a client connected from 127.0.0.1 or ::1 (islocalClient;
     * {@code peerIp} null is a connection without an IP peer, which Redis counts as local too).
     */
    public boolean allows(String peerIp) {
        return this == YES || (this == LOCAL && ProtectedMode.isLoopback(peerIp));
    }
}
