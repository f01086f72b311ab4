package io.mnemos.server;

import io.mnemos.command.CommandSpec;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;
import io.mnemos.store.ListValue;
import io.mnemos.store.ValueType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Clients blocked by BLPOP and friends, Redis's {@code db->blocking_keys} and {@code ready_keys}
 * (blocked.c). A client blocks on keys in FIFO order per key; a write to such a key marks it ready
 * and, once the writing command has completed, the waiting clients are served in the order they
 * blocked by running their command again (it now finds the element). Timeouts run on the event
 * loop; a connection that blocks holds its further pipelined requests until it is answered.
 */
public final class BlockedClients {
    /** The wait of one blocked client. */
    public static final class Block {
        final Client client;
        final int db;
        final List<WatchedKeys.Key> keys;
        final ValueType type;
        /** What runs again to serve it (XREAD's '$' resolved)... */
        final byte[][] argv;
        /** ...and the request as the client sent it, which the slow log shows. */
        final byte[][] requestArgv;
        final CommandSpec spec;
        /** Absolute expiry in ms on the keyspace clock, 0 for none. */
        final long timeoutAt;
        /** When the client first blocked: its place among the waiters of each key. */
        final long seq;
        ScheduledFuture<?> timer;

        Block(Client client, int db, List<WatchedKeys.Key> keys, ValueType type, byte[][] argv, byte[][] requestArgv,
              CommandSpec spec, long timeoutAt, long seq) {
            this.client = client;
            this.db = db;
            this.keys = keys;
            this.type = type;
            this.argv = argv;
            this.requestArgv = requestArgv;
            this.spec = spec;
            this.timeoutAt = timeoutAt;
            this.seq = seq;
        }

        public byte[][] argv() {
            return argv;
        }

        public byte[][] requestArgv() {
            return requestArgv;
        }

        public CommandSpec spec() {
            return spec;
        }

        public long timeoutAt() {
            return timeoutAt;
        }
    }

    private record Ready(int db, WatchedKeys.Key key) {
    }

    private final Keyspace keyspace;
    private final Map<Integer, Map<WatchedKeys.Key, LinkedHashSet<Client>>> byDb = new HashMap<>();
    private final LinkedHashMap<Ready, Boolean> ready = new LinkedHashMap<>();
    private final LinkedHashSet<Client> keyless = new LinkedHashSet<>();
    private int count;
    /** Redis's blocked_clients_by_type: waiters per type of value (WAIT and the like have none). */
    private final int[] countByType = new int[ValueType.values().length];
    private int withTimeout;
    private boolean serving;

    /** The client being served and the ready key it is served from (Redis pops from that key). */
    private Client servingClient;
    private byte[] servingKey;
    private long servingTimeoutAt;
    private long servingSeq;
    private byte[][] servingRequestArgv;
    private long nextSeq;

    /**
     * While {@code c}'s command runs again to serve it, the key that became ready: a client blocked
     * on several keys is served from that one, as Redis's serveClientsBlockedOnListKey. Else null.
     */
    public byte[] servingKey(Client c) {
        return c == servingClient ? servingKey : null;
    }

    /**
     * While {@code c}'s command runs again to serve it, the deadline it was blocked with (0 for
     * none): a stream reader that finds nothing after all waits on until that same deadline.
     */
    public long servingTimeoutAt(Client c) {
        return c == servingClient ? servingTimeoutAt : 0;
    }

    public BlockedClients(Keyspace keyspace) {
        this.keyspace = keyspace;
    }

    /** Clients blocked in a blocking command (INFO blocked_clients adds the paused ones). */
    public int count() {
        return count;
    }

    /** INFO clients_in_timeout_table. */
    public int withTimeout() {
        return withTimeout;
    }

    public boolean any() {
        return count > 0;
    }

    /**
     * Redis's blockForKeys: the client running {@code c.argv()} waits for one of {@code keys} of
     * its database to hold a {@code type} value, until {@code timeoutAt} (0 = forever).
     */
    public void block(Client c, List<byte[]> keys, ValueType type, long timeoutAt) {
        block(c, keys, type, timeoutAt, c.argv());
    }

    /** {@link #block}, to run {@code rerun} rather than the request again once a key is ready. */
    public void block(Client c, List<byte[]> keys, ValueType type, long timeoutAt, byte[][] rerun) {
        List<WatchedKeys.Key> unique = new ArrayList<>();
        for (byte[] k : keys) {
            WatchedKeys.Key key = new WatchedKeys.Key(k);
            if (!unique.contains(key)) {
                unique.add(key);
            }
        }
        // A stream reader its ready key did not serve after all blocks again in its old place, as
        // Redis leaves such a client where it was.
        boolean again = c == servingClient;
        long seq = again ? servingSeq : nextSeq++;
        Block b = new Block(c, c.db().id(), unique, type, rerun, again ? servingRequestArgv : c.argv(), c.command(),
                timeoutAt, seq);
        if (unique.isEmpty()) {
            keyless.add(c); // WAIT: no key to wake it, only its timeout or CLIENT UNBLOCK
        }
        Map<WatchedKeys.Key, LinkedHashSet<Client>> waiting = byDb.computeIfAbsent(b.db, i -> new HashMap<>());
        for (WatchedKeys.Key key : unique) {
            LinkedHashSet<Client> waiters = waiting.computeIfAbsent(key, k -> new LinkedHashSet<>());
            if (again) {
                addInOrder(waiters, c, seq);
            } else {
                waiters.add(c); // the latest to block: the last to be served
            }
        }
        c.block(b);
        count++;
        if (type != null) {
            countByType[type.ordinal()]++;
        }
        if (timeoutAt != 0) {
            withTimeout++;
            if (c.channel() != null) {
                scheduleTimeout(b);
            }
        }
    }

    /** Puts a waiter that blocked again back in its first-blocked place among the others. */
    private static void addInOrder(LinkedHashSet<Client> waiters, Client c, long seq) {
        List<Client> ordered = new ArrayList<>(waiters);
        int at = 0;
        while (at < ordered.size() && ordered.get(at).block().seq < seq) {
            at++;
        }
        ordered.add(at, c);
        waiters.clear();
        waiters.addAll(ordered);
    }

    private void scheduleTimeout(Block b) {
        long delay = Math.max(1, b.timeoutAt - keyspace.clock().millis() + 1);
        b.timer = b.client.channel().eventLoop().schedule(() -> {
            if (b.client.block() != b) {
                return;
            }
            if (b.timeoutAt < keyspace.clock().millis()) {
                timedOut(b.client);
            } else {
                scheduleTimeout(b);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /**
     * Redis's signalKeyAsReady: a {@code type} value was stored under the key (or, for a stream,
     * removed from it), worth serving after the current command if someone waits on it. As in
     * Redis, nothing is signalled for a type no client blocks for (a string, a hash, a set, or a
     * list while only sorted-set pops wait): such a key keeps its place out of the ready order.
     */
    public void signalKeyAsReady(Database db, byte[] key, ValueType type) {
        if (count == 0 || countByType[type.ordinal()] == 0) {
            return;
        }
        Map<WatchedKeys.Key, LinkedHashSet<Client>> waiting = byDb.get(db.id());
        WatchedKeys.Key k = new WatchedKeys.Key(key);
        if (waiting != null && waiting.containsKey(k)) {
            ready.putIfAbsent(new Ready(db.id(), k), Boolean.TRUE);
        }
    }

    /**
     * FLUSHDB, FLUSHALL, about to empty {@code db}: each awaited key it holds is signalled with the
     * type it held, as Redis's scanDatabaseForDeletedKeys (a deleted stream's group readers are
     * answered; an awaited key that did not exist is not signalled).
     */
    public void signalFlushing(Database db) {
        signalDeleted(db, null);
    }

    /**
     * SWAPDB, about to exchange the contents of {@code a} and {@code b}, as Redis's
     * dbSwapDatabases: awaited keys that vanish or change type are signalled in each database
     * (scanDatabaseForDeletedKeys), then awaited keys that will hold a value
     * (scanDatabaseForReadyKeys).
     */
    public void signalSwapping(Database a, Database b) {
        signalDeleted(a, b);
        signalDeleted(b, a);
        signalPresent(a, b);
        signalPresent(b, a);
    }

    private void signalDeleted(Database emptied, Database replacedWith) {
        for (WatchedKeys.Key k : awaited(emptied)) {
            Entry before = emptied.peek(k.bytes());
            Entry after = replacedWith == null ? null : replacedWith.peek(k.bytes());
            if (before != null && (after == null || before.type() != after.type())) {
                signalKeyAsReady(emptied, k.bytes(), before.type());
            }
        }
    }

    /** The awaited keys of {@code db} that {@code source}'s contents, about to be its own, hold. */
    private void signalPresent(Database db, Database source) {
        for (WatchedKeys.Key k : awaited(db)) {
            Entry e = source.peek(k.bytes());
            if (e != null) {
                signalKeyAsReady(db, k.bytes(), e.type());
            }
        }
    }

    private List<WatchedKeys.Key> awaited(Database db) {
        Map<WatchedKeys.Key, LinkedHashSet<Client>> waiting = count == 0 ? null : byDb.get(db.id());
        return waiting == null ? List.of() : List.copyOf(waiting.keySet());
    }

    public boolean hasReady() {
        return !ready.isEmpty();
    }

    /**
     * Redis's handleClientsBlockedOnKeys: for each ready key, the clients waiting for a value of its
     * type are served first-blocked first until it is gone; waiters for other types are passed over.
     * {@code serve} runs the client's command again (it unblocks the client first); keys it makes
     * ready are handled too.
     */
    public void handleReady(BiConsumer<Client, Block> serve) {
        if (serving) {
            return;
        }
        serving = true;
        try {
            while (!ready.isEmpty()) {
                List<Ready> batch = new ArrayList<>(ready.keySet());
                ready.clear();
                for (Ready r : batch) {
                    Map<WatchedKeys.Key, LinkedHashSet<Client>> waiting = byDb.get(r.db());
                    LinkedHashSet<Client> clients = waiting == null ? null : waiting.get(r.key());
                    if (clients == null) {
                        continue;
                    }
                    Database db = keyspace.db(r.db());
                    Entry before = db.lookupWrite(r.key().bytes());
                    boolean streamGone = before == null || before.type() != ValueType.STREAM;
                    for (Client receiver : List.copyOf(clients)) {
                        Block b = receiver.block();
                        if (b == null || b.db != r.db()) {
                            continue;
                        }
                        Entry e = db.lookupWrite(r.key().bytes());
                        if (e == null) {
                            break;
                        }
                        if (e.type() != b.type) {
                            continue; // a waiter for another type (BZPOPMIN on what is now a list) waits on
                        }
                        if (e.value() instanceof ListValue l && l.isEmpty()) {
                            break;
                        }
                        unregister(b);
                        receiver.block(null);
                        servingClient = receiver;
                        servingKey = r.key().bytes();
                        servingTimeoutAt = b.timeoutAt;
                        servingSeq = b.seq;
                        servingRequestArgv = b.requestArgv;
                        try {
                            serve.accept(receiver, b);
                        } finally {
                            servingClient = null;
                            servingKey = null;
                            servingRequestArgv = null;
                        }
                        if (!receiver.blocked()) {
                            receiver.unblocked();
                        }
                    }
                    if (streamGone) {
                        unblockGroupReadersOfDeletedStream(r, clients);
                    }
                }
            }
        } finally {
            serving = false;
        }
    }

    /**
     * unblockDeletedStreamReadgroupClients: the stream an XREADGROUP waits on was deleted, or
     * replaced by a value of another type, so the group it reads is gone too; its readers are
     * answered with Redis's error (XREAD readers wait on for a new stream).
     */
    private void unblockGroupReadersOfDeletedStream(Ready r, LinkedHashSet<Client> clients) {
        for (Client receiver : List.copyOf(clients)) {
            Block b = receiver.block();
            if (b != null && b.db == r.db() && b.type == ValueType.STREAM && b.spec.fullName().equals("xreadgroup")) {
                unblock(receiver, deletedStreamReply);
            }
        }
    }

    private BiConsumer<Client, Block> deletedStreamReply =
            (c, b) -> c.reply().error("UNBLOCKED the stream key no longer exists");

    /** How a group reader of a deleted stream is answered (the dispatcher installs one that counts it). */
    public void onDeletedStream(BiConsumer<Client, Block> reply) {
        this.deletedStreamReply = reply;
    }

    /**
     * Ends a wait without serving it (timeout, CLIENT UNBLOCK): {@code reply} answers it, then
     * the connection goes on with its held requests. False if the client was not blocked.
     */
    public boolean unblock(Client c, BiConsumer<Client, Block> reply) {
        Block b = c.block();
        if (b == null) {
            return false;
        }
        unregister(b);
        c.block(null);
        reply.accept(c, b);
        c.unblocked();
        return true;
    }

    private BiConsumer<Client, Block> timeoutReply = (c, b) -> c.reply().nullArray();

    /** How a timed-out client is answered (the dispatcher installs one that honours reply modes). */
    public void onTimeout(BiConsumer<Client, Block> reply) {
        this.timeoutReply = reply;
    }

    void timedOut(Client c) {
        unblock(c, timeoutReply);
    }

    /** Times out every wait whose time has passed (the event loop timers do this on their own). */
    public void handleTimeouts() {
        long now = keyspace.clock().millis();
        List<Client> expired = new ArrayList<>();
        for (Client c : keyless) {
            Block b = c.block();
            if (b != null && b.timeoutAt != 0 && b.timeoutAt < now) {
                expired.add(c);
            }
        }
        for (Map<WatchedKeys.Key, LinkedHashSet<Client>> waiting : byDb.values()) {
            for (LinkedHashSet<Client> clients : waiting.values()) {
                for (Client c : clients) {
                    Block b = c.block();
                    if (b != null && b.timeoutAt != 0 && b.timeoutAt < now && !expired.contains(c)) {
                        expired.add(c);
                    }
                }
            }
        }
        expired.sort((a, b) -> Long.compare(a.block().timeoutAt, b.block().timeoutAt));
        for (Client c : expired) {
            timedOut(c);
        }
    }

    /** A blocked client disconnected: forget its wait without answering. */
    public void remove(Client c) {
        Block b = c.block();
        if (b != null) {
            unregister(b);
            c.block(null);
        }
    }

    private void unregister(Block b) {
        keyless.remove(b.client);
        Map<WatchedKeys.Key, LinkedHashSet<Client>> waiting = byDb.get(b.db);
        for (WatchedKeys.Key key : b.keys) {
            LinkedHashSet<Client> clients = waiting.get(key);
            if (clients != null) {
                clients.remove(b.client);
                if (clients.isEmpty()) {
                    waiting.remove(key);
                }
            }
        }
        if (b.timer != null) {
            b.timer.cancel(false);
        }
        count--;
        if (b.type != null) {
            countByType[b.type.ordinal()]--;
        }
        if (b.timeoutAt != 0) {
            withTimeout--;
        }
    }
}
