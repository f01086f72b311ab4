package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.PubSub;
import io.mnemos.server.PubSub.Kind;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.MAY_REPLICATE;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.PUBSUB;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Pub/Sub commands as in Redis 7.0.15's pubsub.c: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE,
 * PUNSUBSCRIBE, PUBLISH, SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH and the PUBSUB introspection
 * container. The registry and delivery live in {@link PubSub}.
 */
public final class PubSubCommands implements CommandFamily {
    private static final String[] PUBSUB_HELP = {
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
    };

    /** What a RESP2 client may run while subscribed (processCommand's CLIENT_PUBSUB check). */
    private static final Set<String> ALLOWED_WHILE_SUBSCRIBED = Set.of(
            "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe",
            "quit", "reset");

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("subscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub").since("2.0.0")
                        .summary("Listen for messages published to the given channels")
                        .complexity("O(N) where N is the number of channels to subscribe to.")
                        .handler(c -> subscribe(c, Kind.CHANNEL)).build(),
                command("unsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub").since("2.0.0")
                        .summary("Stop listening for messages posted to the given channels")
                        .complexity("O(N) where N is the number of clients already subscribed to a channel.")
                        .handler(c -> unsubscribe(c, Kind.CHANNEL)).build(),
                command("psubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub").since("2.0.0")
                        .summary("Listen for messages published to channels matching the given patterns")
                        .complexity("O(N) where N is the number of patterns the client is already subscribed to.")
                        .handler(c -> subscribe(c, Kind.PATTERN)).build(),
                command("punsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub").since("2.0.0")
                        .summary("Stop listening for messages posted to channels matching the given patterns")
                        .complexity("O(N+M) where N is the number of patterns the client is already subscribed and M "
                                + "is the number of total patterns subscribed in the system (by any client).")
                        .handler(c -> unsubscribe(c, Kind.PATTERN)).build(),
                command("publish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE).group("pubsub").since("2.0.0")
                        .summary("Post a message to a channel")
                        .complexity("O(N+M) where N is the number of clients subscribed to the receiving channel and "
                                + "M is the total number of subscribed patterns (by any client).")
                        .handler(c -> {
                            c.reply().integer(c.server().pubsub().publish(c.arg(1), c.arg(2)));
                            c.server().propagation().forceToReplicas(); // their subscribers get it too
                        }).build(),
                command("pubsub", -2).group("pubsub").since("2.8.0").summary("A container for Pub/Sub commands")
                        .complexity("Depends on subcommand.")
                        .subcommand(sub("numsub", -2).since("2.8.0").summary("Get the count of subscribers for channels")
                                .complexity("O(N) for the NUMSUB subcommand, where N is the number of requested channels")
                                .handler(c -> numsub(c, Kind.CHANNEL)))
                        .subcommand(sub("shardchannels", -2).since("7.0.0").summary("List active shard channels")
                                .complexity("O(N) where N is the number of active shard channels, and assuming constant "
                                        + "time pattern matching (relatively short shard channels).")
                                .handler(c -> channels(c, Kind.SHARD)))
                        .subcommand(sub("numpat", 2).since("2.8.0")
                                .summary("Get the count of unique patterns pattern subscriptions").complexity("O(1)")
                                .handler(c -> c.reply().integer(c.server().pubsub().size(Kind.PATTERN))))
                        .subcommand(sub("channels", -2).since("2.8.0").summary("List active channels")
                                .complexity("O(N) where N is the number of active channels, and assuming constant time "
                                        + "pattern matching (relatively short channels and patterns)")
                                .handler(c -> channels(c, Kind.CHANNEL)))
                        .subcommand(sub("shardnumsub", -2).since("7.0.0")
                                .summary("Get the count of subscribers for shard channels")
                                .complexity("O(N) for the SHARDNUMSUB subcommand, where N is the number of requested "
                                        + "shard channels")
                                .handler(c -> numsub(c, Kind.SHARD)))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("6.2.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> CommandIntrospection.help(c, "PUBSUB", PUBSUB_HELP)))
                        .build(),
                command("ssubscribe", -2).flags(PUBSUB, NOSCRIPT, LOADING, STALE).keys(1, -1, 1).group("pubsub")
                        .since("7.0.0").summary("Listen for messages published to the given shard channels")
                        .complexity("O(N) where N is the number of shard channels to subscribe to.")
                        .handler(c -> subscribe(c, Kind.SHARD)).build(),
                command("sunsubscribe", -1).flags(PUBSUB, NOSCRIPT, LOADING, STALE).keys(1, -1, 1).group("pubsub")
                        .since("7.0.0").summary("Stop listening for messages posted to the given shard channels")
                        .complexity("O(N) where N is the number of clients already subscribed to a shard channel.")
                        .handler(c -> unsubscribe(c, Kind.SHARD)).build(),
                command("spublish", 3).flags(PUBSUB, LOADING, STALE, FAST, MAY_REPLICATE).keys(1, 1, 1).group("pubsub")
                        .since("7.0.0").summary("Post a message to a shard channel")
                        .complexity("O(N) where N is the number of clients subscribed to the receiving shard channel.")
                        .handler(c -> {
                            c.reply().integer(c.server().pubsub().spublish(c.arg(1), c.arg(2)));
                            c.server().propagation().forceToReplicas();
                        }).build());
    }

    private static CommandSpec.Builder sub(String name, int arity) {
        return command(name, arity).flags(PUBSUB, LOADING, STALE);
    }

    /**
     * Whether a RESP2 client in subscribed mode may run the command; otherwise the dispatcher
     * rejects it with {@link #subscribedModeError}.
     */
    public static boolean allowedWhileSubscribed(CommandSpec spec) {
        return spec.parent() == null && ALLOWED_WHILE_SUBSCRIBED.contains(spec.name());
    }

    public static String subscribedModeError(CommandSpec spec) {
        return "ERR Can't execute '" + spec.fullName() + "': only (P|S)SUBSCRIBE / "
                + "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context";
    }

    private static void subscribe(Client c, Kind kind) {
        // Inside EXEC the client is CLIENT_DENY_BLOCKING; Redis 7.0 still lets SUBSCRIBE and
        // PSUBSCRIBE through there for old clients, but not the new SSUBSCRIBE.
        if (kind == Kind.SHARD && c.inMulti()) {
            throw CommandError.err("SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
        }
        PubSub pubsub = c.server().pubsub();
        for (int j = 1; j < c.argc(); j++) {
            pubsub.subscribe(c, kind, c.arg(j));
        }
    }

    private static void unsubscribe(Client c, Kind kind) {
        List<byte[]> names = new ArrayList<>(c.argc() - 1);
        for (int j = 1; j < c.argc(); j++) {
            names.add(c.arg(j));
        }
        c.server().pubsub().unsubscribe(c, kind, names);
    }

    /** PUBSUB CHANNELS / SHARDCHANNELS [pattern]. */
    private static void channels(Client c, Kind kind) {
        if (c.argc() > 3) {
            throw CommandError.subcommandSyntax(c);
        }
        List<byte[]> names = c.server().pubsub().names(kind, c.argc() == 3 ? c.arg(2) : null);
        ReplyWriter w = c.reply();
        w.arrayHeader(names.size());
        for (byte[] n : names) {
            w.bulk(n);
        }
    }

    /** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: a flat array of channel, count pairs. */
    private static void numsub(Client c, Kind kind) {
        ReplyWriter w = c.reply();
        w.arrayHeader((c.argc() - 2) * 2L);
        for (int j = 2; j < c.argc(); j++) {
            w.bulk(c.arg(j));
            w.integer(c.server().pubsub().subscriberCount(kind, c.arg(j)));
        }
    }
}
