package io.mnemos.server;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The server's Pub/Sub registry, Redis's pubsub.c: channel, shard channel and pattern
 * subscriptions in both directions (name → subscribed clients, client → its subscriptions), the
 * subscribe/unsubscribe confirmations and message delivery. Messages for another connection are
 * written into that connection's reply buffer and flushed at once; a subscriber whose output
 * backlog passes {@code client-output-buffer-limit} is disconnected. Keyspace thread only.
 */
public final class PubSub {

    /** The three kinds of subscription, with the words their confirmations and messages carry. */
    public enum Kind {
        CHANNEL("subscribe", "unsubscribe", "message"),
        PATTERN("psubscribe", "punsubscribe", "pmessage"),
        SHARD("ssubscribe", "sunsubscribe", "smessage");

        final byte[] subscribe;
        final byte[] unsubscribe;
        final byte[] message;

        Kind(String subscribe, String unsubscribe, String message) {
            this.subscribe = subscribe.getBytes(StandardCharsets.US_ASCII);
            this.unsubscribe = unsubscribe.getBytes(StandardCharsets.US_ASCII);
            this.message = message.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** A channel or pattern name as a hash key. */
    record Name(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Name n && Arrays.equals(bytes, n.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** What one client is subscribed to (Redis's c->pubsub_channels, c->pubsub_patterns, ...). */
    static final class Subscriptions {
        final Set<Name> channels = new LinkedHashSet<>();
        /** A list in Redis 7.0: PUNSUBSCRIBE without arguments goes in subscription order. */
        final Set<Name> patterns = new LinkedHashSet<>();
        final Set<Name> shardChannels = new LinkedHashSet<>();

        Set<Name> of(Kind kind) {
            return switch (kind) {
                case CHANNEL -> channels;
                case PATTERN -> patterns;
                case SHARD -> shardChannels;
            };
        }

        /** The count in subscribe confirmations: channels + patterns, or shard channels. */
        int count(Kind kind) {
            return kind == Kind.SHARD ? shardChannels.size() : channels.size() + patterns.size();
        }

        int total() {
            return channels.size() + patterns.size() + shardChannels.size();
        }
    }

    private final Server server;
    // Insertion-ordered, so PUBSUB CHANNELS and pattern delivery have a stable order.
    private final Map<Name, Set<Client>> channels = new LinkedHashMap<>();
    private final Map<Name, Set<Client>> patterns = new LinkedHashMap<>();
    private final Map<Name, Set<Client>> shardChannels = new LinkedHashMap<>();
    private final Map<Client, Subscriptions> clients = new IdentityHashMap<>();

    public PubSub(Server server) {
        this.server = server;
    }

    private Map<Name, Set<Client>> registry(Kind kind) {
        return switch (kind) {
            case CHANNEL -> channels;
            case PATTERN -> patterns;
            case SHARD -> shardChannels;
        };
    }

    // ---- subscriptions --------------------------------------------------------------------------

    /** SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE of one name, with its confirmation to the client. */
    public void subscribe(Client c, Kind kind, byte[] name) {
        Subscriptions subs = clients.computeIfAbsent(c, k -> new Subscriptions());
        Name n = new Name(name.clone());
        if (subs.of(kind).add(n)) {
            registry(kind).computeIfAbsent(n, k -> new LinkedHashSet<>()).add(c);
        }
        confirm(c, kind.subscribe, name, subs.count(kind));
    }

    /** UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE of the given names, or of all when none are given. */
    public void unsubscribe(Client c, Kind kind, List<byte[]> names) {
        if (names.isEmpty()) {
            unsubscribeAll(c, kind, true);
            return;
        }
        for (byte[] name : names) {
            remove(c, kind, new Name(name));
            confirm(c, kind.unsubscribe, name, count(c, kind));
        }
    }

    /** Drops every subscription of a client, silently: RESET and disconnection. */
    public void unsubscribeAll(Client c) {
        if (clients.containsKey(c)) {
            for (Kind kind : Kind.values()) {
                unsubscribeAll(c, kind, false);
            }
        }
    }

    private void unsubscribeAll(Client c, Kind kind, boolean notify) {
        Subscriptions subs = clients.get(c);
        int removed = 0;
        if (subs != null) {
            for (Name n : new ArrayList<>(subs.of(kind))) {
                remove(c, kind, n);
                removed++;
                if (notify) {
                    confirm(c, kind.unsubscribe, n.bytes(), count(c, kind));
                }
            }
        }
        if (notify && removed == 0) {
            confirm(c, kind.unsubscribe, null, count(c, kind));
        }
    }

    private void remove(Client c, Kind kind, Name n) {
        Subscriptions subs = clients.get(c);
        if (subs == null || !subs.of(kind).remove(n)) {
            return;
        }
        Map<Name, Set<Client>> registry = registry(kind);
        Set<Client> subscribers = registry.get(n);
        if (subscribers != null) {
            subscribers.remove(c);
            if (subscribers.isEmpty()) {
                registry.remove(n);
            }
        }
        if (subs.total() == 0) {
            clients.remove(c);
        }
    }

    private int count(Client c, Kind kind) {
        Subscriptions subs = clients.get(c);
        return subs == null ? 0 : subs.count(kind);
    }

    /** Redis's addReplyPubsub(Un)Subscribed: a push frame in RESP3, a 3-element array in RESP2. */
    private static void confirm(Client c, byte[] word, byte[] name, int count) {
        // A push: written under CLIENT REPLY OFF or SKIP too, as Redis's addReplyPubsubSubscribed.
        c.push(w -> {
            w.pushHeader(3);
            w.bulk(word);
            if (name == null) {
                w.nullBulk();
            } else {
                w.bulk(name);
            }
            w.integer(count);
        });
    }

    // ---- state for commands, CLIENT LIST and INFO -------------------------------------------------

    /** Redis's CLIENT_PUBSUB flag: the client has at least one subscription of any kind. */
    public boolean subscribed(Client c) {
        return !clients.isEmpty() && clients.containsKey(c);
    }

    /** The names one client is subscribed to (ACL SETUSER checks them against new channel rules). */
    public List<byte[]> subscriptions(Client c, Kind kind) {
        Subscriptions subs = clients.get(c);
        List<byte[]> out = new ArrayList<>();
        if (subs != null) {
            for (Name n : subs.of(kind)) {
                out.add(n.bytes());
            }
        }
        return out;
    }

    /** CLIENT LIST's sub, psub and ssub fields. */
    public int subscriptionCount(Client c, Kind kind) {
        Subscriptions subs = clients.get(c);
        return subs == null ? 0 : subs.of(kind).size();
    }

    /** INFO's pubsub_channels, pubsub_patterns and pubsubshard_channels; PUBSUB NUMPAT. */
    public int size(Kind kind) {
        return registry(kind).size();
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB: subscribers of one channel (pattern subscribers excluded). */
    public int subscriberCount(Kind kind, byte[] name) {
        Set<Client> subs = registry(kind).get(new Name(name));
        return subs == null ? 0 : subs.size();
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS: active channels matching a glob, or all when null. */
    public List<byte[]> names(Kind kind, byte[] pattern) {
        List<byte[]> out = new ArrayList<>();
        for (Name n : registry(kind).keySet()) {
            if (pattern == null || Glob.matches(pattern, n.bytes(), false)) {
                out.add(n.bytes());
            }
        }
        return out;
    }

    // ---- publishing -----------------------------------------------------------------------------

    /** PUBLISH: delivers to channel subscribers and matching pattern subscribers; returns receivers. */
    public int publish(byte[] channel, byte[] message) {
        int receivers = deliverToChannel(Kind.CHANNEL, channel, message);
        if (patterns.isEmpty()) {
            return receivers;
        }
        for (Map.Entry<Name, Set<Client>> e : List.copyOf(patterns.entrySet())) {
            byte[] pattern = e.getKey().bytes();
            if (!Glob.matches(pattern, channel, false)) {
                continue;
            }
            for (Client c : List.copyOf(e.getValue())) {
                send(c, w -> {
                    w.pushHeader(4);
                    w.bulk(Kind.PATTERN.message);
                    w.bulk(pattern);
                    w.bulk(channel);
                    w.bulk(message);
                });
                receivers++;
            }
        }
        return receivers;
    }

    /** SPUBLISH: shard channels ignore patterns. */
    public int spublish(byte[] channel, byte[] message) {
        return deliverToChannel(Kind.SHARD, channel, message);
    }

    /** True when nobody could receive a message (keyspace notifications skip building channels). */
    public boolean idle() {
        return channels.isEmpty() && patterns.isEmpty();
    }

    private int deliverToChannel(Kind kind, byte[] channel, byte[] message) {
        Set<Client> subs = registry(kind).get(new Name(channel));
        if (subs == null) {
            return 0;
        }
        int receivers = 0;
        for (Client c : List.copyOf(subs)) {
            send(c, w -> {
                w.pushHeader(3);
                w.bulk(kind.message);
                w.bulk(channel);
                w.bulk(message);
            });
            receivers++;
        }
        return receivers;
    }

    /** Writes a message to a subscriber, flushes it and enforces the output buffer limit. */
    private void send(Client c, Consumer<ReplyWriter> message) {
        if (c.deliverPush(message)) {
            OutputBufferLimits.closeIfReached(c);
        }
    }
}
