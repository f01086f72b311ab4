package io.mnemos.server;

import io.mnemos.protocol.ReplyWriter;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Server-assisted client side caching, Redis 7.0's tracking.c. The tracking table maps each key a
 * tracking client read to the ids of those clients; a modification of the key sends each of them
 * an invalidation (to itself as a RESP3 push, or to its REDIRECT client) and forgets the key.
 * Keys are not per database: a key of any database invalidates its name. BCAST clients register
 * prefixes instead; keys modified under a prefix are collected and sent in {@link #broadcast()}
 * (Redis's beforeSleep). Ids of clients gone or no longer tracking are dropped lazily, as Redis does.
 * Keyspace thread only.
 */
public final class Tracking {
    static final byte[] INVALIDATE = "invalidate".getBytes(StandardCharsets.US_ASCII);
    static final byte[] REDIR_BROKEN = "tracking-redir-broken".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CHANNEL = "__redis__:invalidate".getBytes(StandardCharsets.US_ASCII);
    static final byte[] MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
    /** shared.null[resp]: the "all keys" value sent after a flush. */
    private static final byte[] NULL_RESP2 = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL_RESP3 = "_\r\n".getBytes(StandardCharsets.US_ASCII);

    /** The tracking state of one client (Redis's CLIENT_TRACKING_* flags); null while tracking is off. */
    public static final class ClientState {
        long redirect;
        boolean bcast;
        boolean optin;
        boolean optout;
        boolean noloop;
        /** CLIENT CACHING yes (OPTIN) or no (OPTOUT) given for the next command or transaction. */
        boolean caching;
        boolean brokenRedirect;
        /** The BCAST prefixes, in rax (byte) order; null when not in BCAST mode. */
        TreeSet<byte[]> prefixes;

        public long redirect() {
            return redirect;
        }

        public boolean bcast() {
            return bcast;
        }

        public boolean optin() {
            return optin;
        }

        public boolean optout() {
            return optout;
        }

        public boolean noloop() {
            return noloop;
        }

        public boolean caching() {
            return caching;
        }

        public void caching(boolean caching) {
            this.caching = caching;
        }

        public boolean brokenRedirect() {
            return brokenRedirect;
        }

        /** The BCAST prefixes in byte order (empty when not in BCAST mode). */
        public List<byte[]> prefixes() {
            return prefixes == null ? List.of() : List.copyOf(prefixes);
        }
    }

    /** One key of the tracking table: the ids of clients that may cache it, in rax order. */
    private static final class Slot {
        final byte[] key;
        long[] ids = new long[1];
        int count;
        /** Position in {@link #slots}, for the random pick of trackingLimitUsedSlots. */
        int index;

        Slot(byte[] key) {
            this.key = key;
        }

        /** Inserts the id unless present; ids sort as rax sorts their little-endian bytes. */
        boolean add(long id) {
            int at = 0;
            while (at < count) {
                int cmp = Long.compareUnsigned(Long.reverseBytes(ids[at]), Long.reverseBytes(id));
                if (cmp == 0) {
                    return false;
                }
                if (cmp > 0) {
                    break;
                }
                at++;
            }
            if (count == ids.length) {
                ids = Arrays.copyOf(ids, count * 2);
            }
            System.arraycopy(ids, at, ids, at + 1, count - at);
            ids[at] = id;
            count++;
            return true;
        }
    }

    /**
     * A prefix of the PrefixTable: the keys modified under it in this iteration, each with the client
     * that modified it last (for NOLOOP), and the clients registered for it.
     */
    private static final class Bcast {
        TreeMap<byte[], Client> keys = new TreeMap<>(Arrays::compareUnsigned);
        final LinkedHashSet<Client> clients = new LinkedHashSet<>();
    }

    private final ClientRegistry clients;
    private final PubSub pubsub;
    private final Map<WatchedKeys.Key, Slot> table = new HashMap<>();
    private final ArrayList<Slot> slots = new ArrayList<>();
    private final TreeMap<byte[], Bcast> prefixTable = new TreeMap<>(Arrays::compareUnsigned);
    /** Invalidations for the client executing the command, sent after its reply (null: a flush). */
    private final ArrayList<byte[]> pending = new ArrayList<>();
    private long totalItems;
    private int trackingClients;
    private int limitTimeouts;
    private final ServerConfig config;
    /** Redis's server.current_client: the client whose command is being processed, or null. */
    private Client current;
    /** Runs Redis's beforeSleep soon, so that collected BCAST keys are sent. */
    private final Runnable wakeUp;

    public Tracking(ClientRegistry clients, PubSub pubsub, ServerConfig config, Runnable wakeUp) {
        this.clients = clients;
        this.pubsub = pubsub;
        this.config = config;
        this.wakeUp = wakeUp;
    }

    /**
     * True when a modified key may concern anyone: a key is tracked or a prefix registered. The
     * single check the data path makes when nobody tracks.
     */
    public boolean any() {
        return !table.isEmpty() || !prefixTable.isEmpty();
    }

    /** server.tracking_clients. */
    public int clientCount() {
        return trackingClients;
    }

    public long totalKeys() {
        return table.size();
    }

    public long totalItems() {
        return totalItems;
    }

    public long totalPrefixes() {
        return prefixTable.size();
    }

    /** Sets server.current_client (null once its command is processed). */
    public void current(Client c) {
        this.current = c;
    }

    public Client current() {
        return current;
    }

    // ---- enabling and disabling -----------------------------------------------------------------

    /**
     * checkPrefixCollisionsOrReply: the error for the first prefix that overlaps an existing prefix
     * of the client or a later one given, or null. {@code abort} tells whether Redis stops there:
     * it returns the index of the offending prefix for an overlap between given prefixes, which is
     * "success" for any but the first, so then it enables tracking anyway after the error.
     */
    public record Collision(String error, boolean abort) {
    }

    public Collision checkPrefixCollisions(Client c, List<byte[]> prefixes) {
        ClientState st = c.tracking();
        for (int i = 0; i < prefixes.size(); i++) {
            byte[] p = prefixes.get(i);
            if (st != null && st.prefixes != null) {
                for (byte[] existing : st.prefixes) {
                    if (overlap(existing, p)) {
                        return new Collision("Prefix '" + cString(p) + "' overlaps with an existing prefix '"
                                + cString(existing) + "'. Prefixes for a single client must not overlap.", true);
                    }
                }
            }
            for (int j = i + 1; j < prefixes.size(); j++) {
                if (overlap(p, prefixes.get(j))) {
                    return new Collision("Prefix '" + cString(p) + "' overlaps with another provided prefix '"
                            + cString(prefixes.get(j)) + "'. Prefixes for a single client must not overlap.", i == 0);
                }
            }
        }
        return null;
    }

    /** stringCheckPrefix: one is a prefix of the other. */
    private static boolean overlap(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        return Arrays.equals(a, 0, n, b, 0, n);
    }

    /** printf's %s: up to the first NUL byte. */
    private static String cString(byte[] s) {
        int n = 0;
        while (n < s.length && s[n] != 0) {
            n++;
        }
        return new String(s, 0, n, StandardCharsets.UTF_8);
    }

    /** enableTracking: options already validated by CLIENT TRACKING. */
    public void enable(Client c, long redirect, boolean bcast, boolean optin, boolean optout, boolean noloop,
                       List<byte[]> prefixes) {
        ClientState st = c.tracking();
        if (st == null) {
            st = new ClientState();
            c.tracking(st);
            trackingClients++;
        }
        st.brokenRedirect = false;
        st.redirect = redirect;
        st.bcast = bcast;
        if (bcast) {
            if (prefixes.isEmpty()) {
                enablePrefix(c, st, new byte[0]);
            }
            for (byte[] p : prefixes) {
                enablePrefix(c, st, p);
            }
        }
        st.optin = optin;
        st.optout = optout;
        st.noloop = noloop;
    }

    private void enablePrefix(Client c, ClientState st, byte[] prefix) {
        Bcast bs = prefixTable.computeIfAbsent(prefix, p -> new Bcast());
        if (bs.clients.add(c)) {
            if (st.prefixes == null) {
                st.prefixes = new TreeSet<>(Arrays::compareUnsigned);
            }
            st.prefixes.add(prefix);
        }
    }

    /** disableTracking (CLIENT TRACKING off, RESET, a closed connection); its ids in the table go lazily. */
    public void disable(Client c) {
        ClientState st = c.tracking();
        if (st == null) {
            return;
        }
        if (st.bcast && st.prefixes != null) {
            for (byte[] p : st.prefixes) {
                Bcast bs = prefixTable.get(p);
                bs.clients.remove(c);
                if (bs.clients.isEmpty()) {
                    prefixTable.remove(p);
                }
            }
        }
        c.tracking(null);
        trackingClients--;
    }

    // ---- remembering keys -----------------------------------------------------------------------

    /**
     * trackingRememberKeys: after a read-only command of a tracking client (not BCAST), the keys it
     * read at {@code positions} of {@code argv} are remembered for it.
     */
    public void rememberKeys(Client tracking, byte[][] argv, List<Integer> positions) {
        ClientState st = tracking.tracking();
        if ((st.optin && !st.caching) || (st.optout && st.caching)) {
            return;
        }
        for (int pos : positions) {
            byte[] key = argv[pos];
            WatchedKeys.Key k = new WatchedKeys.Key(key);
            Slot slot = table.get(k);
            if (slot == null) {
                slot = new Slot(key);
                slot.index = slots.size();
                slots.add(slot);
                table.put(k, slot);
            }
            if (slot.add(tracking.id())) {
                totalItems++;
            }
        }
    }

    // ---- invalidation ---------------------------------------------------------------------------

    /**
     * trackingInvalidateKey: {@code key} was modified by {@code modifier} (null for an expiry or an
     * eviction). Each client that may cache it is told, and the key leaves the table. With
     * {@code bcast} the key is also collected for the BCAST prefixes it falls under.
     */
    public void invalidateKey(Client modifier, byte[] key, boolean bcast) {
        if (bcast && !prefixTable.isEmpty()) {
            rememberKeyToBroadcast(modifier, key);
        }
        if (table.isEmpty()) {
            return;
        }
        Slot slot = table.remove(new WatchedKeys.Key(key));
        if (slot == null) {
            return;
        }
        removeFromSlots(slot);
        totalItems -= slot.count;
        for (int i = 0; i < slot.count; i++) {
            Client target = clients.get(slot.ids[i]);
            if (target == null || target.tracking() == null || target.tracking().bcast) {
                continue;
            }
            if (target.tracking().noloop && target == current) {
                continue;
            }
            if (target == current) {
                // After the command's reply: sent by handlePending.
                pending.add(slot.key);
            } else {
                send(target, slot.key, null);
            }
        }
    }

    private void removeFromSlots(Slot slot) {
        Slot last = slots.remove(slots.size() - 1);
        if (last != slot) {
            last.index = slot.index;
            slots.set(slot.index, last);
        }
    }

    private void rememberKeyToBroadcast(Client modifier, byte[] key) {
        for (Map.Entry<byte[], Bcast> e : prefixTable.entrySet()) {
            byte[] prefix = e.getKey();
            if (prefix.length > key.length || !Arrays.equals(prefix, 0, prefix.length, key, 0, prefix.length)) {
                continue;
            }
            e.getValue().keys.put(key, modifier);
        }
        wakeUp.run();
    }

    /**
     * trackingInvalidateKeysOnFlush: every tracking client is sent a null ("all keys"), the current
     * one after its reply, and the table is emptied.
     */
    public void invalidateOnFlush() {
        if (trackingClients > 0) {
            for (Client c : List.copyOf(clients.all())) {
                if (c.tracking() == null) {
                    continue;
                }
                if (c == current) {
                    pending.add(null);
                } else {
                    send(c, null, nullFor(c));
                }
            }
        }
        table.clear();
        slots.clear();
        totalItems = 0;
    }

    private static byte[] nullFor(Client c) {
        return c.protocol() > 2 ? NULL_RESP3 : NULL_RESP2;
    }

    /** trackingHandlePendingKeyInvalidations: after the top-level command of the current client. */
    public void handlePending() {
        if (pending.isEmpty()) {
            return;
        }
        Client c = current;
        // Sent even if the client turned tracking off since (CLIENT TRACKING OFF later in the same
        // transaction), as trackingHandlePendingKeyInvalidations does.
        if (c != null) {
            for (byte[] key : pending) {
                if (key != null) {
                    send(c, key, null);
                } else {
                    send(c, null, nullFor(c));
                }
            }
        }
        pending.clear();
    }

    /**
     * trackingLimitUsedSlots: over tracking-table-max-keys, random keys are invalidated (as if
     * modified, without BCAST) until the table fits, with an effort that grows each time it does not.
     */
    public void limitUsedSlots() {
        long maxKeys = config.trackingTableMaxKeys;
        if (maxKeys == 0) {
            return;
        }
        if (table.size() <= maxKeys) {
            limitTimeouts = 0;
            return;
        }
        int effort = 100 * (limitTimeouts + 1);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (effort > 0 && !slots.isEmpty()) {
            effort--;
            Slot slot = slots.get(random.nextInt(slots.size()));
            invalidateKey(null, slot.key, false);
            if (table.size() <= maxKeys) {
                limitTimeouts = 0;
                return;
            }
        }
        limitTimeouts++;
    }

    /**
     * trackingBroadcastInvalidationMessages (beforeSleep): each prefix's collected keys go to its
     * clients as one array, without the keys a NOLOOP client modified itself.
     */
    public void broadcast() {
        if (trackingClients == 0 || prefixTable.isEmpty()) {
            return;
        }
        for (Bcast bs : prefixTable.values()) {
            if (bs.keys.isEmpty()) {
                continue;
            }
            byte[] proto = broadcastReply(null, bs.keys);
            for (Client c : List.copyOf(bs.clients)) {
                if (c.tracking() != null && c.tracking().noloop) {
                    byte[] adhoc = broadcastReply(c, bs.keys);
                    if (adhoc != null) {
                        send(c, null, adhoc);
                    }
                } else {
                    send(c, null, proto);
                }
            }
            bs.keys = new TreeMap<>(Arrays::compareUnsigned);
        }
    }

    /** trackingBuildBroadcastReply: the keys as a RESP array, without those {@code c} modified; null if none left. */
    private static byte[] broadcastReply(Client c, TreeMap<byte[], Client> keys) {
        int count = 0;
        for (Client modifier : keys.values()) {
            if (c == null || modifier != c) {
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(16 + count * 15);
        out.writeBytes(("*" + count + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (Map.Entry<byte[], Client> e : keys.entrySet()) {
            if (c != null && e.getValue() == c) {
                continue;
            }
            out.writeBytes(("$" + e.getKey().length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(e.getKey());
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return out.toByteArray();
    }

    // ---- sending --------------------------------------------------------------------------------

    /**
     * sendTrackingMessage: one invalidation for tracking client {@code c}, either {@code key} (an
     * array of one key) or {@code proto} (an encoded value), to {@code c} itself or its redirect
     * client: as a RESP3 push, or as a Pub/Sub message to a RESP2 redirect client that is subscribed.
     */
    private void send(Client c, byte[] key, byte[] proto) {
        ClientState st = c.tracking();
        // A client that has turned tracking off since gets a pending invalidation where it redirected them.
        long redirect = st != null ? st.redirect : c.formerTrackingRedirect();
        Client to = c;
        boolean redirected = false;
        if (redirect != 0) {
            Client redir = clients.get(redirect);
            if (redir == null) {
                if (st != null) {
                    st.brokenRedirect = true;
                }
                if (c.protocol() > 2) {
                    deliver(c, w -> {
                        w.pushHeader(2);
                        w.bulk(REDIR_BROKEN);
                        w.integer(redirect);
                    });
                }
                return;
            }
            to = redir;
            redirected = true;
        }
        Consumer<ReplyWriter> value = w -> {
            if (proto != null) {
                w.raw(proto);
            } else {
                w.arrayHeader(1);
                w.bulk(key);
            }
        };
        if (to.protocol() > 2) {
            deliver(to, w -> {
                w.pushHeader(2);
                w.bulk(INVALIDATE);
                value.accept(w);
            });
        } else if (redirected && pubsub.subscribed(to)) {
            deliver(to, w -> {
                w.pushHeader(3);
                w.bulk(MESSAGE);
                w.bulk(CHANNEL);
                value.accept(w);
            });
        }
    }

    private static void deliver(Client to, Consumer<ReplyWriter> message) {
        if (to.deliverPush(message)) {
            OutputBufferLimits.closeIfReached(to);
        }
    }
}
