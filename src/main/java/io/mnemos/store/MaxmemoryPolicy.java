package io.mnemos.store;

import java.util.Locale;

/** The eight maxmemory-policy values, in the order Redis lists them in its config error text. */
public enum MaxmemoryPolicy {
    VOLATILE_LRU(Kind.LRU, false),
    VOLATILE_LFU(Kind.LFU, false),
    VOLATILE_RANDOM(Kind.RANDOM, false),
    VOLATILE_TTL(Kind.TTL, false),
    ALLKEYS_LRU(Kind.LRU, true),
    ALLKEYS_LFU(Kind.LFU, true),
    ALLKEYS_RANDOM(Kind.RANDOM, true),
    NOEVICTION(Kind.NONE, true);

    /** How candidates are chosen. */
    public enum Kind { LRU, LFU, RANDOM, TTL, NONE }

    private final Kind kind;
    private final boolean allKeys;
    private final String configName;

    MaxmemoryPolicy(Kind kind, boolean allKeys) {
        this.kind = kind;
        this.allKeys = allKeys;
        this.configName = name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public Kind kind() {
        return kind;
    }

    /** MAXMEMORY_FLAG_ALLKEYS: candidates are all keys, not only those with a TTL. */
    public boolean allKeys() {
        return allKeys;
    }

    /** MAXMEMORY_FLAG_LFU: objects carry an LFU counter instead of an LRU clock. */
    public boolean lfu() {
        return kind == Kind.LFU;
    }

    /** MAXMEMORY_FLAG_NO_SHARED_INTEGERS: LRU and LFU policies need one object per key. */
    public boolean noSharedIntegers() {
        return kind == Kind.LRU || kind == Kind.LFU;
    }

    public String configName() {
        return configName;
    }

    public static String[] configNames() {
        MaxmemoryPolicy[] all = values();
        String[] names = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            names[i] = all[i].configName;
        }
        return names;
    }

    public static MaxmemoryPolicy byConfigName(String name) {
        for (MaxmemoryPolicy p : values()) {
            if (p.configName.equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }
}
