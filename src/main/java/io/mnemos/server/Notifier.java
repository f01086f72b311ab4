package io.mnemos.server;

import io.mnemos.store.Database;
import io.mnemos.store.KeyspaceListener;

import java.nio.charset.StandardCharsets;

/**
 * Keyspace notifications, Redis's notify.c: {@code notify(type, event, key, db)} publishes
 * {@code __keyspace@<db>__:<key>} → event and {@code __keyevent@<db>__:<event>} → key when the
 * event's class is enabled by {@code notify-keyspace-events}. It also hears the keyspace's own
 * removals (lazy and active expiry), creations ("new") and read misses ("keymiss").
 */
public final class Notifier implements KeyspaceListener {
    public static final int KEYSPACE = 1;       // K
    public static final int KEYEVENT = 1 << 1;  // E
    public static final int GENERIC = 1 << 2;   // g
    public static final int STRING = 1 << 3;    // $
    public static final int LIST = 1 << 4;      // l
    public static final int SET = 1 << 5;       // s
    public static final int HASH = 1 << 6;      // h
    public static final int ZSET = 1 << 7;      // z
    public static final int EXPIRED = 1 << 8;   // x
    public static final int EVICTED = 1 << 9;   // e
    public static final int STREAM = 1 << 10;   // t
    public static final int KEY_MISS = 1 << 11; // m
    public static final int LOADED = 1 << 12;   // module only
    public static final int MODULE = 1 << 13;   // d
    public static final int NEW = 1 << 14;      // n
    /** A: every class except key misses and new keys, which must be asked for by name. */
    public static final int ALL = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;

    private static final byte[] KEYSPACE_PREFIX = "__keyspace@".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEYEVENT_PREFIX = "__keyevent@".getBytes(StandardCharsets.US_ASCII);

    private final ServerConfig config;
    private final PubSub pubsub;

    public Notifier(ServerConfig config, PubSub pubsub) {
        this.config = config;
        this.pubsub = pubsub;
    }

    /** Whether events of this class would be published at all (cheap pre-check for callers). */
    public boolean enabled(int type) {
        return (config.notifyKeyspaceEvents & type) != 0;
    }

    /** Redis's notifyKeyspaceEvent(type, event, key, dbid). */
    public void notify(int type, String event, byte[] key, int dbId) {
        int flags = config.notifyKeyspaceEvents;
        if ((flags & type) == 0 || pubsub.idle()) {
            return;
        }
        byte[] eventBytes = event.getBytes(StandardCharsets.US_ASCII);
        byte[] db = Integer.toString(dbId).getBytes(StandardCharsets.US_ASCII);
        if ((flags & KEYSPACE) != 0) {
            pubsub.publish(channel(KEYSPACE_PREFIX, db, key), eventBytes);
        }
        if ((flags & KEYEVENT) != 0) {
            pubsub.publish(channel(KEYEVENT_PREFIX, db, eventBytes), key);
        }
    }

    private static byte[] channel(byte[] prefix, byte[] db, byte[] suffix) {
        byte[] out = new byte[prefix.length + db.length + 3 + suffix.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(db, 0, out, prefix.length, db.length);
        int p = prefix.length + db.length;
        out[p] = '_';
        out[p + 1] = '_';
        out[p + 2] = ':';
        System.arraycopy(suffix, 0, out, p + 3, suffix.length);
        return out;
    }

    @Override
    public void expired(Database db, byte[] key) {
        notify(EXPIRED, "expired", key, db.id());
    }

    @Override
    public void evicted(Database db, byte[] key) {
        notify(EVICTED, "evicted", key, db.id());
    }

    @Override
    public void added(Database db, byte[] key) {
        notify(NEW, "new", key, db.id());
    }

    @Override
    public void missed(Database db, byte[] key) {
        notify(KEY_MISS, "keymiss", key, db.id());
    }

    /** Redis's keyspaceEventsStringToFlags; -1 for a character that is not a class. */
    public static int parseFlags(String classes) {
        int flags = 0;
        for (int i = 0; i < classes.length(); i++) {
            flags |= switch (classes.charAt(i)) {
                case 'A' -> ALL;
                case 'g' -> GENERIC;
                case '$' -> STRING;
                case 'l' -> LIST;
                case 's' -> SET;
                case 'h' -> HASH;
                case 'z' -> ZSET;
                case 'x' -> EXPIRED;
                case 'e' -> EVICTED;
                case 'K' -> KEYSPACE;
                case 'E' -> KEYEVENT;
                case 't' -> STREAM;
                case 'm' -> KEY_MISS;
                case 'd' -> MODULE;
                case 'n' -> NEW;
                default -> {
                    yield -1;
                }
            };
            if (flags == -1) {
                return -1;
            }
        }
        return flags;
    }

    /** Redis's keyspaceEventsFlagsToString, the form CONFIG GET shows ("AKE" for "KEA"). */
    public static String renderFlags(int flags) {
        StringBuilder sb = new StringBuilder();
        if ((flags & ALL) == ALL) {
            sb.append('A');
        } else {
            if ((flags & GENERIC) != 0) sb.append('g');
            if ((flags & STRING) != 0) sb.append('$');
            if ((flags & LIST) != 0) sb.append('l');
            if ((flags & SET) != 0) sb.append('s');
            if ((flags & HASH) != 0) sb.append('h');
            if ((flags & ZSET) != 0) sb.append('z');
            if ((flags & EXPIRED) != 0) sb.append('x');
            if ((flags & EVICTED) != 0) sb.append('e');
            if ((flags & STREAM) != 0) sb.append('t');
            if ((flags & MODULE) != 0) sb.append('d');
            if ((flags & NEW) != 0) sb.append('n');
        }
        if ((flags & KEYSPACE) != 0) sb.append('K');
        if ((flags & KEYEVENT) != 0) sb.append('E');
        if ((flags & KEY_MISS) != 0) sb.append('m');
        return sb.toString();
    }
}
