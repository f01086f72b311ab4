package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Notifier;

/**
 * One-line keyspace notifications for command handlers, fired next to the write as Redis's
 * {@code notifyKeyspaceEvent(type, event, key, c->db->id)} calls are: e.g.
 * {@code Events.string(c, "set", key)} after a SET, {@code Events.generic(c, "del", key)} when a
 * command removes an emptied collection.
 */
public final class Events {
    private Events() {
    }

    public static void notify(Client c, int type, String event, byte[] key) {
        notifyIn(c, type, event, key, c.db().id());
    }

    /**
     * An event of database {@code db}. Most Redis commands call signalModifiedKey before
     * notifyKeyspaceEvent: a client that tracks the key and hears its events gets the invalidation
     * first (the dispatcher's signal after the command then finds the key no longer tracked).
     */
    static void notifyIn(Client c, int type, String event, byte[] key, int db) {
        if (c.server().tracking().any()) {
            for (byte[] signalled : CommandDispatcher.signalledBeforeEvent(c.command(), c.argv(), event, key)) {
                c.server().tracking().invalidateKey(c, signalled, true);
            }
        }
        c.server().notifier().notify(type, event, key, db);
    }

    /** Class g: del, expire, persist, rename_from/to, copy_to, move_from/to, ... */
    public static void generic(Client c, String event, byte[] key) {
        notify(c, Notifier.GENERIC, event, key);
    }

    /** Class $. */
    public static void string(Client c, String event, byte[] key) {
        notify(c, Notifier.STRING, event, key);
    }

    /** Class l. */
    public static void list(Client c, String event, byte[] key) {
        notify(c, Notifier.LIST, event, key);
    }

    /** Class h. */
    public static void hash(Client c, String event, byte[] key) {
        notify(c, Notifier.HASH, event, key);
    }

    /** Class s. */
    public static void set(Client c, String event, byte[] key) {
        notify(c, Notifier.SET, event, key);
    }

    /** Class z. */
    public static void zset(Client c, String event, byte[] key) {
        notify(c, Notifier.ZSET, event, key);
    }

    /** Class t. */
    public static void stream(Client c, String event, byte[] key) {
        notify(c, Notifier.STREAM, event, key);
    }
}
