package io.mnemos.acl;

import java.util.ArrayList;
import java.util.List;

/** An ACL user (acl.c's user): flags, password hashes and selectors, the first being the root one. */
public final class User {
    private final String name;
    boolean enabled;
    boolean nopass;
    boolean sanitizePayload;
    boolean skipSanitizePayload;
    final List<String> passwords = new ArrayList<>();
    final List<AclSelector> selectors = new ArrayList<>();
    /** Cached: one selector allowing every command, key and channel (the dispatcher's fast path). */
    private boolean unrestricted;

    User(String name, boolean allChannelsDefault) {
        this.name = name;
        selectors.add(new AclSelector(true, allChannelsDefault));
        refresh();
    }

    public String name() {
        return name;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean nopass() {
        return nopass;
    }

    public List<String> passwords() {
        return passwords;
    }

    public List<AclSelector> selectors() {
        return selectors;
    }

    public AclSelector root() {
        return selectors.get(0);
    }

    /** True when nothing needs checking for this user: all commands, keys and channels. */
    public boolean unrestricted() {
        return unrestricted;
    }

    void refresh() {
        AclSelector r = root();
        unrestricted = r.allCommands && r.allKeys && r.allChannels;
    }

    /** ACLCopyUser: same rules, this name. */
    void copyFrom(User src) {
        enabled = src.enabled;
        nopass = src.nopass;
        sanitizePayload = src.sanitizePayload;
        skipSanitizePayload = src.skipSanitizePayload;
        passwords.clear();
        passwords.addAll(src.passwords);
        selectors.clear();
        for (AclSelector s : src.selectors) {
            selectors.add(s.copy());
        }
        refresh();
    }

}
