package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.StreamGroup;
import io.mnemos.store.StreamId;
import io.mnemos.store.StreamValue;
import io.mnemos.store.ValueType;
import io.mnemos.util.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Stream consumer groups (Redis 7.0's t_stream.c): XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM and
 * XINFO, plus the delivery half of XREADGROUP (which {@link StreamCommands} parses). Data lives in
 * {@link StreamGroup}. As in Redis, XREADGROUP, XCLAIM and XAUTOCLAIM never propagate themselves:
 * each delivery or claim propagates as an idempotent {@code XCLAIM ... FORCE JUSTID LASTID}, a
 * NOACK read as {@code XGROUP SETID ... ENTRIESREAD}, a consumer created by a NOACK read as
 * {@code XGROUP CREATECONSUMER}.
 */
public final class StreamGroupCommands implements CommandFamily {
    private static final String[] XGROUP_HELP = {
        "CREATE <key> <groupname> <id|$> [option]",
        "    Create a new consumer group. Options are:",
        "    * MKSTREAM",
        "      Create the empty stream if it does not exist.",
        "    * ENTRIESREAD entries_read",
        "      Set the group's entries_read counter (internal use).",
        "CREATECONSUMER <key> <groupname> <consumer>",
        "    Create a new consumer in the specified group.",
        "DELCONSUMER <key> <groupname> <consumer>",
        "    Remove the specified consumer.",
        "DESTROY <key> <groupname>",
        "    Remove the specified group.",
        "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
        "    Set the current group ID and entries_read counter.",
    };
    private static final String[] XINFO_HELP = {
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
    };

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("xgroup", -2).group("stream").since("5.0.0")
                        .summary("A container for consumer groups commands").complexity("Depends on subcommand.")
                        .subcommand(command("create", -5).flags(WRITE, DENYOOM).keys(2, 2, 1).since("5.0.0")
                                .summary("Create a consumer group.").complexity("O(1)")
                                .handler(c -> xgroup(c, "create")))
                        .subcommand(command("createconsumer", 5).flags(WRITE, DENYOOM).keys(2, 2, 1).since("6.2.0")
                                .summary("Create a consumer in a consumer group.").complexity("O(1)")
                                .handler(c -> xgroup(c, "createconsumer")))
                        .subcommand(command("delconsumer", 5).flags(WRITE).keys(2, 2, 1).since("5.0.0")
                                .summary("Delete a consumer from a consumer group.").complexity("O(1)")
                                .handler(c -> xgroup(c, "delconsumer")))
                        .subcommand(command("destroy", 4).flags(WRITE).keys(2, 2, 1).since("5.0.0")
                                .summary("Destroy a consumer group.")
                                .complexity("O(N) where N is the number of entries in the group's pending entries "
                                        + "list (PEL).")
                                .handler(c -> xgroup(c, "destroy")))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> CommandIntrospection.help(c, "XGROUP", XGROUP_HELP)))
                        .subcommand(command("setid", -5).flags(WRITE).keys(2, 2, 1).since("5.0.0")
                                .summary("Set a consumer group to an arbitrary last delivered ID value.")
                                .complexity("O(1)")
                                .handler(c -> xgroup(c, "setid")))
                        .build(),
                command("xack", -4).flags(WRITE, FAST).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Marks a pending message as correctly processed, effectively removing it from the "
                                + "pending entries list of the consumer group. Return value of the command is the "
                                + "number of messages successfully acknowledged, that is, the IDs we were actually "
                                + "able to resolve in the PEL.")
                        .complexity("O(1) for each message ID processed.")
                        .handler(StreamGroupCommands::xack).build(),
                command("xpending", -3).flags(READONLY).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Return information and entries from a stream consumer group pending entries list, "
                                + "that are messages fetched but never acknowledged.")
                        .complexity("O(N) with N being the number of elements returned, so asking for a small fixed "
                                + "number of entries per call is O(1). O(M), where M is the total number of entries "
                                + "scanned when used with the IDLE filter. When the command returns just the "
                                + "summary and the list of consumers is small, it runs in O(1) time; otherwise, an "
                                + "additional O(N) time for iterating every consumer.")
                        .handler(StreamGroupCommands::xpending).build(),
                command("xclaim", -6).flags(WRITE, FAST).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Changes (or acquires) ownership of a message in a consumer group, as if the "
                                + "message was delivered to the specified consumer.")
                        .complexity("O(log N) with N being the number of messages in the PEL of the consumer group.")
                        .handler(StreamGroupCommands::xclaim).build(),
                command("xautoclaim", -6).flags(WRITE, FAST).keys(1, 1, 1).group("stream").since("6.2.0")
                        .summary("Changes (or acquires) ownership of messages in a consumer group, as if the "
                                + "messages were delivered to the specified consumer.")
                        .complexity("O(1) if COUNT is small.")
                        .handler(StreamGroupCommands::xautoclaim).build(),
                command("xinfo", -2).group("stream").since("5.0.0")
                        .summary("A container for stream introspection commands").complexity("Depends on subcommand.")
                        .subcommand(command("consumers", 4).flags(READONLY).keys(2, 2, 1).since("5.0.0")
                                .summary("List the consumers in a consumer group").complexity("O(1)")
                                .handler(c -> xinfo(c, "consumers")))
                        .subcommand(command("groups", 3).flags(READONLY).keys(2, 2, 1).since("5.0.0")
                                .summary("List the consumer groups of a stream").complexity("O(1)")
                                .handler(c -> xinfo(c, "groups")))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> CommandIntrospection.help(c, "XINFO", XINFO_HELP)))
                        .subcommand(command("stream", -3).flags(READONLY).keys(2, 2, 1).since("5.0.0")
                                .summary("Get information about a stream").complexity("O(1)")
                                .handler(c -> xinfo(c, "stream")))
                        .build());
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    private static CommandError noGroup(byte[] key, byte[] group) {
        return new CommandError("NOGROUP No such key '" + Args.text(key) + "' or consumer group '" + Args.text(group)
                + "'");
    }

    /** addReplySubcommandSyntaxError: the subcommand as typed, the command upper-cased. */
    private static CommandError subcommandSyntax(Client c) {
        return CommandError.err("unknown subcommand or wrong number of arguments for '" + Args.text(c.arg(1))
                + "'. Try " + Args.text(c.arg(0)).toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }

    // ---------------------------------------------------------------- shared with XREADGROUP

    /**
     * streamLookupConsumer, else streamCreateConsumer (which fires xgroup-createconsumer and counts
     * a change); a consumer created by a NOACK read propagates as XGROUP CREATECONSUMER.
     */
    static StreamGroup.Consumer lookupOrCreateConsumer(Client c, byte[] key, StreamGroup g, byte[] name,
                                                       boolean noack, List<byte[][]> propagated) {
        StreamGroup.Consumer consumer = g.consumer(name);
        if (consumer == null) {
            consumer = createConsumer(c, key, g, name);
            if (noack) {
                propagated.add(new byte[][]{b("XGROUP"), b("CREATECONSUMER"), key, groupNameOf(c), name});
            }
        }
        return consumer;
    }

    private static StreamGroup.Consumer createConsumer(Client c, byte[] key, StreamGroup g, byte[] name) {
        StreamGroup.Consumer consumer = createConsumerQuietly(c, g, name);
        consumerCreated(c, key);
        return consumer;
    }

    /** streamCreateConsumer without its event, which the caller raises where Redis's reply has it. */
    private static StreamGroup.Consumer createConsumerQuietly(Client c, StreamGroup g, byte[] name) {
        StreamGroup.Consumer consumer = g.createConsumer(name, c.db().now());
        dirty(c, 1);
        return consumer;
    }

    private static void consumerCreated(Client c, byte[] key) {
        Events.stream(c, "xgroup-createconsumer", key);
    }

    /**
     * streamLookupConsumer (which refreshes the seen time), else streamCreateConsumer: who claims.
     * A consumer created here is announced by the caller once its reply's headers are written (see
     * {@link #consumerCreated}): XCLAIM and XAUTOCLAIM write theirs first, as deferred lengths.
     */
    private static StreamGroup.Consumer claimant(Client c, StreamGroup g, byte[] name, long now) {
        StreamGroup.Consumer consumer = g.consumer(name);
        if (consumer == null) {
            return createConsumerQuietly(c, g, name);
        }
        consumer.seenTime = now;
        return consumer;
    }

    /** XREADGROUP's group name argument (GROUP g consumer, wherever it appears). */
    private static byte[] groupNameOf(Client c) {
        for (int i = 1; i + 2 < c.argc(); i++) {
            if (Args.is(c.arg(i), "group")) {
                return c.arg(i + 1);
            }
            if (Args.is(c.arg(i), "streams")) {
                break;
            }
        }
        throw new IllegalStateException("XREADGROUP without GROUP");
    }

    /** streamPropagateXCLAIM: the idempotent XCLAIM that reproduces a pending entry's state. */
    private static byte[][] xclaimFor(byte[] key, byte[] group, byte[] id, StreamGroup g, StreamGroup.Nack n) {
        return new byte[][]{b("XCLAIM"), key, group, n.consumer.name, b("0"), id, b("TIME"),
            Numbers.toBytes(n.deliveryTime), b("RETRYCOUNT"), Numbers.toBytes(n.deliveryCount), b("FORCE"),
            b("JUSTID"), b("LASTID"), g.lastId.toBytes()};
    }

    /** streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n. */
    private static byte[][] setIdFor(byte[] key, byte[] group, StreamGroup g) {
        return new byte[][]{b("XGROUP"), b("SETID"), key, group, g.lastId.toBytes(), b("ENTRIESREAD"),
            Numbers.toBytes(g.entriesRead)};
    }

    /**
     * streamReplyWithRange with a group (XREADGROUP with '>'): the entries from {@code start}, each
     * moving the group's last delivered ID (and its read counter), and, unless NOACK, becoming a
     * pending entry of the consumer (taken from another consumer if the group had it pending).
     */
    static void deliver(Client c, byte[] key, StreamValue s, StreamGroup g, StreamGroup.Consumer consumer,
                        StreamId start, long count, boolean noack, byte[] groupName, List<byte[][]> propagated) {
        long now = c.db().now();
        List<StreamId> ids = new ArrayList<>();
        List<byte[][]> bodies = new ArrayList<>();
        StreamCommands.collect(s.cursor(start, null, false), count, ids, bodies);
        boolean propagateLastId = false;
        ReplyWriter reply = c.reply();
        reply.arrayHeader(ids.size());
        for (int k = 0; k < ids.size(); k++) {
            StreamId id = ids.get(k);
            if (id.compareTo(g.lastId) > 0) {
                if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ && !s.rangeHasTombstones(id, null)) {
                    g.entriesRead++;
                } else if (s.entriesAdded() != 0) {
                    g.entriesRead = s.estimateDistanceFromFirstEverEntry(id);
                }
                g.lastId = id;
                if (noack) {
                    propagateLastId = true;
                }
            }
            reply.arrayHeader(2);
            reply.bulk(id.toBytes());
            reply.arrayHeader(bodies.get(k).length);
            for (byte[] v : bodies.get(k)) {
                reply.bulk(v);
            }
            if (!noack) {
                StreamGroup.Nack n = g.pel.get(id);
                if (n == null) {
                    n = new StreamGroup.Nack(consumer, now);
                    g.pel.put(id, n);
                    consumer.pel.put(id, n);
                } else {
                    n.consumer.pel.remove(id);
                    n.consumer = consumer;
                    n.deliveryTime = now;
                    n.deliveryCount = 1;
                    consumer.pel.put(id, n);
                }
                propagated.add(xclaimFor(key, groupName, id.toBytes(), g, n));
                dirty(c, 1);
            }
        }
        if (propagateLastId) {
            propagated.add(setIdFor(key, groupName, g));
            dirty(c, 1);
        }
    }

    /**
     * streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from {@code start}, each
     * counted as delivered again; one whose entry was deleted comes as [id, nil].
     */
    static void replyFromConsumerPel(Client c, StreamValue s, StreamId start, long count,
                                     StreamGroup.Consumer consumer) {
        long now = c.db().now();
        ReplyWriter reply = c.reply();
        List<Map.Entry<StreamId, StreamGroup.Nack>> pending = new ArrayList<>();
        for (Map.Entry<StreamId, StreamGroup.Nack> e : consumer.pel.tailMap(start, true).entrySet()) {
            if (count != 0 && pending.size() >= count) {
                break;
            }
            pending.add(e);
        }
        reply.arrayHeader(pending.size());
        for (Map.Entry<StreamId, StreamGroup.Nack> e : pending) {
            if (replyEntry(reply, s, e.getKey())) {
                e.getValue().deliveryTime = now;
                e.getValue().deliveryCount++;
            } else {
                reply.arrayHeader(2);
                reply.bulk(e.getKey().toBytes());
                reply.nullArray();
            }
        }
    }

    /** One entry as [id, [field, value, ...]] (streamReplyWithRange RAWENTRIES); false if it is gone. */
    static boolean replyEntry(ReplyWriter reply, StreamValue s, StreamId id) {
        StreamValue.Cursor cur = s.cursor(id, id, false);
        if (cur.next() == null) {
            return false;
        }
        replyEntry(reply, cur, id);
        return true;
    }

    /** The entry {@code cur} stands on (its {@link StreamValue.Cursor#next} returned {@code id}). */
    private static void replyEntry(ReplyWriter reply, StreamValue.Cursor cur, StreamId id) {
        reply.arrayHeader(2);
        reply.bulk(id.toBytes());
        reply.arrayHeader(cur.fieldCount() * 2);
        for (long i = cur.fieldCount(); i > 0; i--) {
            cur.nextField();
            reply.bulk(cur.field());
            reply.bulk(cur.value());
        }
    }

    // ---------------------------------------------------------------- XGROUP

    /** xgroupCommand: CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER. */
    private static void xgroup(Client c, String sub) {
        boolean mkstream = false;
        long entriesRead = StreamGroup.INVALID_ENTRIES_READ;
        int i = 5;
        boolean create = sub.equals("create");
        boolean setid = sub.equals("setid");
        while (i < c.argc()) {
            if (create && Args.is(c.arg(i), "mkstream")) {
                mkstream = true;
                i++;
            } else if ((create || setid) && Args.is(c.arg(i), "entriesread") && i + 1 < c.argc()) {
                entriesRead = Args.parseLong(c.arg(i + 1));
                if (entriesRead < 0 && entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
                    throw CommandError.err("value for ENTRIESREAD must be positive or -1");
                }
                i += 2;
            } else {
                throw subcommandSyntax(c);
            }
        }
        byte[] key = c.arg(2);
        byte[] name = c.arg(3);
        Database db = c.db();
        StreamValue s = TypedLookup.valueAs(db.lookupWrite(key), StreamValue.class);
        StreamGroup g = null;
        if (!mkstream) {
            if (s == null) {
                throw CommandError.err("The XGROUP subcommand requires the key to exist. Note that for CREATE you "
                        + "may want to use the MKSTREAM option to create an empty stream automatically.");
            }
            g = s.group(name);
            if (g == null && (setid || sub.equals("createconsumer") || sub.equals("delconsumer"))) {
                throw new CommandError("NOGROUP No such consumer group '" + Args.text(name) + "' for key name '"
                        + Args.text(key) + "'");
            }
        }
        switch (sub) {
            case "create" -> {
                if (c.argc() > 8) {
                    throw subcommandSyntax(c);
                }
                StreamId id;
                if (Args.text(c.arg(4)).equals("$")) {
                    id = s == null ? StreamId.MIN : s.lastId();
                } else {
                    id = StreamCommands.parseId(c.arg(4), 0, true, null);
                }
                if (s == null) {
                    s = new StreamValue();
                    db.add(key, s);
                    StreamCommands.signalModifiedKey(c, key);
                }
                if (s.createGroup(name, id, entriesRead) == null) {
                    throw new CommandError("BUSYGROUP Consumer Group name already exists");
                }
                c.reply().ok();
                dirty(c, 1);
                Events.stream(c, "xgroup-create", key);
            }
            case "setid" -> {
                if (c.argc() != 5 && c.argc() != 7) {
                    throw subcommandSyntax(c);
                }
                StreamId id;
                if (Args.text(c.arg(4)).equals("$")) {
                    id = s.lastId();
                } else {
                    id = StreamCommands.parseId(c.arg(4), 0, false, null);
                }
                g.lastId = id;
                g.entriesRead = entriesRead;
                c.reply().ok();
                dirty(c, 1);
                Events.stream(c, "xgroup-setid", key);
            }
            case "destroy" -> {
                if (g != null) {
                    s.destroyGroup(name);
                    c.reply().integer(1);
                    dirty(c, 1);
                    Events.stream(c, "xgroup-destroy", key);
                    // XREADGROUP clients blocked on the group get their -NOGROUP.
                    c.server().blockedClients().signalKeyAsReady(db, key, ValueType.STREAM);
                } else {
                    c.reply().integer(0);
                }
            }
            case "createconsumer" -> {
                boolean created = g.consumer(c.arg(4)) == null;
                if (created) {
                    createConsumer(c, key, g, c.arg(4));
                }
                c.reply().integer(created ? 1 : 0);
            }
            case "delconsumer" -> {
                StreamGroup.Consumer consumer = g.consumer(c.arg(4));
                long pending = 0;
                if (consumer != null) {
                    pending = consumer.pel.size();
                    g.deleteConsumer(consumer);
                    dirty(c, 1);
                    Events.stream(c, "xgroup-delconsumer", key);
                }
                c.reply().integer(pending);
            }
            default -> throw subcommandSyntax(c);
        }
    }

    // ---------------------------------------------------------------- XACK / XPENDING

    private static void xack(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        StreamValue s = TypedLookup.valueAs(e, StreamValue.class);
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            c.reply().integer(0);
            return;
        }
        StreamId[] ids = new StreamId[c.argc() - 3];
        for (int j = 3; j < c.argc(); j++) {
            ids[j - 3] = StreamCommands.parseId(c.arg(j), 0, true, null);
        }
        long acknowledged = 0;
        for (StreamId id : ids) {
            if (g.removePending(id)) {
                acknowledged++;
                dirty(c, 1);
            }
        }
        c.reply().integer(acknowledged);
    }

    /** XPENDING key group [[IDLE min-idle] start end count [consumer]]. */
    private static void xpending(Client c) {
        boolean justinfo = c.argc() == 3;
        if (c.argc() != 3 && (c.argc() < 6 || c.argc() > 9)) {
            throw CommandError.SYNTAX;
        }
        StreamId start = null;
        StreamId end = null;
        long count = 0;
        long minidle = 0;
        byte[] consumerName = null;
        if (c.argc() >= 6) {
            int startidx = 3;
            if (Args.is(c.arg(3), "idle")) {
                minidle = Args.parseLong(c.arg(4));
                if (c.argc() < 8) {
                    throw CommandError.SYNTAX;
                }
                startidx += 2;
            }
            count = Math.max(0, Args.parseLong(c.arg(startidx + 2)));
            boolean[] ex = new boolean[1];
            start = StreamCommands.parseIntervalId(c.arg(startidx), 0, ex);
            if (ex[0]) {
                start = start.next();
                if (start == null) {
                    throw CommandError.err("invalid start ID for the interval");
                }
            }
            end = StreamCommands.parseIntervalId(c.arg(startidx + 1), -1L, ex);
            if (ex[0]) {
                end = end.previous();
                if (end == null) {
                    throw CommandError.err("invalid end ID for the interval");
                }
            }
            if (startidx + 3 < c.argc()) {
                consumerName = c.arg(startidx + 3);
            }
        }
        StreamValue s = TypedLookup.valueAs(c.db().lookupRead(c.arg(1)), StreamValue.class);
        StreamGroup g = s == null ? null : s.group(c.arg(2));
        if (g == null) {
            throw noGroup(c.arg(1), c.arg(2));
        }
        ReplyWriter reply = c.reply();
        if (justinfo) {
            reply.arrayHeader(4);
            reply.integer(g.pel.size());
            if (g.pel.isEmpty()) {
                reply.nullBulk();
                reply.nullBulk();
                reply.nullArray();
                return;
            }
            reply.bulk(g.pel.firstKey().toBytes());
            reply.bulk(g.pel.lastKey().toBytes());
            List<StreamGroup.Consumer> with = new ArrayList<>();
            for (StreamGroup.Consumer consumer : g.consumers.values()) {
                if (!consumer.pel.isEmpty()) {
                    with.add(consumer);
                }
            }
            reply.arrayHeader(with.size());
            for (StreamGroup.Consumer consumer : with) {
                reply.arrayHeader(2);
                reply.bulk(consumer.name);
                reply.bulk(Numbers.toBytes(consumer.pel.size()));
            }
            return;
        }
        java.util.TreeMap<StreamId, StreamGroup.Nack> pel = g.pel;
        if (consumerName != null) {
            StreamGroup.Consumer consumer = g.consumer(consumerName);
            if (consumer == null) {
                reply.arrayHeader(0);
                return;
            }
            pel = consumer.pel;
        }
        long now = c.db().now();
        List<Map.Entry<StreamId, StreamGroup.Nack>> out = new ArrayList<>();
        if (start.compareTo(end) <= 0) {
            for (Map.Entry<StreamId, StreamGroup.Nack> e : pel.subMap(start, true, end, true).entrySet()) {
                if (count == 0) {
                    break;
                }
                if (minidle != 0 && now - e.getValue().deliveryTime < minidle) {
                    continue;
                }
                out.add(e);
                count--;
            }
        }
        reply.arrayHeader(out.size());
        for (Map.Entry<StreamId, StreamGroup.Nack> e : out) {
            reply.arrayHeader(4);
            reply.bulk(e.getKey().toBytes());
            reply.bulk(e.getValue().consumer.name);
            reply.integer(Math.max(0, now - e.getValue().deliveryTime));
            reply.integer(e.getValue().deliveryCount);
        }
    }

    // ---------------------------------------------------------------- XCLAIM / XAUTOCLAIM

    /**
     * XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n]
     * [FORCE] [JUSTID] [LASTID id].
     */
    private static void xclaim(Client c) {
        byte[] key = c.arg(1);
        byte[] groupName = c.arg(2);
        StreamValue s = TypedLookup.valueAs(c.db().lookupRead(key), StreamValue.class);
        StreamGroup g = s == null ? null : s.group(groupName);
        if (g == null) {
            throw noGroup(key, groupName);
        }
        long minidle = Math.max(0, Args.parseLong(c.arg(4), "Invalid min-idle-time argument for XCLAIM"));
        int j;
        for (j = 5; j < c.argc(); j++) {
            try {
                StreamCommands.parseId(c.arg(j), 0, true, null);
            } catch (CommandError notAnId) {
                break;
            }
        }
        int lastIdArg = j - 1;
        long now = c.db().now();
        long retrycount = -1;
        long deliverytime = -1;
        boolean force = false;
        boolean justid = false;
        StreamId lastId = StreamId.MIN;
        for (; j < c.argc(); j++) {
            int moreargs = c.argc() - 1 - j;
            byte[] opt = c.arg(j);
            if (Args.is(opt, "force")) {
                force = true;
            } else if (Args.is(opt, "justid")) {
                justid = true;
            } else if (Args.is(opt, "idle") && moreargs > 0) {
                j++;
                deliverytime = now - Args.parseLong(c.arg(j), "Invalid IDLE option argument for XCLAIM");
            } else if (Args.is(opt, "time") && moreargs > 0) {
                j++;
                deliverytime = Args.parseLong(c.arg(j), "Invalid TIME option argument for XCLAIM");
            } else if (Args.is(opt, "retrycount") && moreargs > 0) {
                j++;
                retrycount = Args.parseLong(c.arg(j), "Invalid RETRYCOUNT option argument for XCLAIM");
            } else if (Args.is(opt, "lastid") && moreargs > 0) {
                j++;
                lastId = StreamCommands.parseId(c.arg(j), 0, true, null);
            } else {
                throw CommandError.err("Unrecognized XCLAIM option '" + Args.text(opt) + "'");
            }
        }
        List<byte[][]> propagated = new ArrayList<>();
        c.server().propagation().replaceWith(propagated);
        boolean propagateLastId = false;
        if (lastId.compareTo(g.lastId) > 0) {
            g.lastId = lastId;
            propagateLastId = true;
        }
        if (deliverytime == -1 || deliverytime < 0 || deliverytime > now) {
            deliverytime = now;
        }
        StreamGroup.Consumer consumer = null;
        byte[] name = c.arg(3);
        boolean created = false;
        ReplyWriter reply = c.reply();
        // The reply's length is only known at the end: entries are written to a side buffer first.
        List<Runnable> parts = new ArrayList<>();
        for (int k = 5; k <= lastIdArg; k++) {
            StreamId id = StreamCommands.parseId(c.arg(k), 0, true, null);
            StreamGroup.Nack n = g.pel.get(id);
            if (!s.entryExists(id)) {
                if (n != null) {
                    propagated.add(xclaimFor(key, groupName, c.arg(k), g, n));
                    propagateLastId = false;
                    dirty(c, 1);
                    g.removePending(id);
                }
                continue;
            }
            if (force && n == null) {
                n = new StreamGroup.Nack(null, now);
                g.pel.put(id, n);
            }
            if (n == null) {
                continue;
            }
            if (n.consumer != null && minidle != 0 && now - n.deliveryTime < minidle) {
                continue;
            }
            if (consumer == null) {
                created = g.consumer(name) == null;
                consumer = claimant(c, g, name, now);
            }
            if (n.consumer != consumer && n.consumer != null) {
                n.consumer.pel.remove(id);
            }
            n.deliveryTime = deliverytime;
            if (retrycount >= 0) {
                n.deliveryCount = retrycount;
            } else if (!justid) {
                n.deliveryCount++;
            }
            if (n.consumer != consumer) {
                consumer.pel.put(id, n);
                n.consumer = consumer;
            }
            boolean idOnly = justid;
            parts.add(() -> {
                if (idOnly) {
                    reply.bulk(id.toBytes());
                } else {
                    replyEntry(reply, s, id);
                }
            });
            propagated.add(xclaimFor(key, groupName, c.arg(k), g, n));
            propagateLastId = false;
            dirty(c, 1);
        }
        if (propagateLastId) {
            propagated.add(setIdFor(key, groupName, g));
            dirty(c, 1);
        }
        reply.arrayHeader(parts.size());
        if (created) {
            consumerCreated(c, key);
        }
        parts.forEach(Runnable::run);
    }

    /** XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]. */
    private static void xautoclaim(Client c) {
        byte[] key = c.arg(1);
        byte[] groupName = c.arg(2);
        long minidle = Math.max(0, Args.parseLong(c.arg(4), "Invalid min-idle-time argument for XAUTOCLAIM"));
        boolean[] ex = new boolean[1];
        StreamId start = StreamCommands.parseIntervalId(c.arg(5), 0, ex);
        if (ex[0]) {
            start = start.next();
            if (start == null) {
                throw CommandError.err("invalid start ID for the interval");
            }
        }
        long count = 100;
        boolean justid = false;
        for (int j = 6; j < c.argc(); j++) {
            int moreargs = c.argc() - 1 - j;
            if (Args.is(c.arg(j), "count") && moreargs > 0) {
                Long v = Args.parseLongOrNull(c.arg(j + 1));
                long max = Long.MAX_VALUE / 16; // LONG_MAX / max(sizeof(streamID), attempts factor)
                if (v == null || v < 1 || v > max) {
                    throw CommandError.err("COUNT must be > 0");
                }
                count = v;
                j++;
            } else if (Args.is(c.arg(j), "justid")) {
                justid = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        StreamValue s = TypedLookup.valueAs(c.db().lookupRead(key), StreamValue.class);
        StreamGroup g = s == null ? null : s.group(groupName);
        if (g == null) {
            throw noGroup(key, groupName);
        }
        List<byte[][]> propagated = new ArrayList<>();
        c.server().propagation().replaceWith(propagated);
        long attempts = count * 10;
        long now = c.db().now();
        StreamGroup.Consumer consumer = null;
        byte[] name = c.arg(3);
        boolean created = false;
        List<StreamId> claimed = new ArrayList<>();
        List<StreamId> deleted = new ArrayList<>();
        StreamId pos = null;
        boolean exhausted = false;
        while (attempts-- > 0 && count > 0) {
            StreamId id = pos == null ? g.pel.ceilingKey(start) : g.pel.higherKey(pos);
            if (id == null) {
                exhausted = true;
                break;
            }
            pos = id;
            StreamGroup.Nack n = g.pel.get(id);
            if (!s.entryExists(id)) {
                propagated.add(xclaimFor(key, groupName, id.toBytes(), g, n));
                dirty(c, 1);
                g.removePending(id);
                deleted.add(id);
                count--;
                continue;
            }
            if (minidle != 0 && now - n.deliveryTime < minidle) {
                continue;
            }
            if (consumer == null) {
                created = g.consumer(name) == null;
                consumer = claimant(c, g, name, now);
            }
            if (n.consumer != consumer && n.consumer != null) {
                n.consumer.pel.remove(id);
            }
            n.deliveryTime = now;
            if (!justid) {
                n.deliveryCount++;
            }
            if (n.consumer != consumer) {
                consumer.pel.put(id, n);
                n.consumer = consumer;
            }
            claimed.add(id);
            count--;
            propagated.add(xclaimFor(key, groupName, id.toBytes(), g, n));
            dirty(c, 1);
        }
        StreamId next = null;
        if (!exhausted) {
            next = pos == null ? g.pel.ceilingKey(start) : g.pel.higherKey(pos);
        }
        ReplyWriter reply = c.reply();
        reply.arrayHeader(3);
        reply.bulk((next == null ? StreamId.MIN : next).toBytes());
        reply.arrayHeader(claimed.size());
        if (created) {
            consumerCreated(c, key);
        }
        for (StreamId id : claimed) {
            if (justid) {
                reply.bulk(id.toBytes());
            } else {
                replyEntry(reply, s, id);
            }
        }
        reply.arrayHeader(deleted.size());
        for (StreamId id : deleted) {
            reply.bulk(id.toBytes());
        }
    }

    // ---------------------------------------------------------------- XINFO

    private static void xinfo(Client c, String sub) {
        byte[] key = c.arg(2);
        Entry e = c.db().lookupRead(key);
        if (e == null) {
            throw CommandError.NO_SUCH_KEY;
        }
        StreamValue s = TypedLookup.valueAs(e, StreamValue.class);
        ReplyWriter reply = c.reply();
        switch (sub) {
            case "consumers" -> {
                StreamGroup g = s.group(c.arg(3));
                if (g == null) {
                    throw new CommandError("NOGROUP No such consumer group '" + Args.text(c.arg(3))
                            + "' for key name '" + Args.text(key) + "'");
                }
                long now = c.db().now();
                reply.arrayHeader(g.consumers.size());
                for (StreamGroup.Consumer consumer : g.consumers.values()) {
                    reply.mapHeader(3);
                    reply.bulk("name");
                    reply.bulk(consumer.name);
                    reply.bulk("pending");
                    reply.integer(consumer.pel.size());
                    reply.bulk("idle");
                    reply.integer(Math.max(0, now - consumer.seenTime));
                }
            }
            case "groups" -> {
                reply.arrayHeader(s.groups().size());
                for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
                    StreamGroup g = ge.getValue();
                    reply.mapHeader(6);
                    reply.bulk("name");
                    reply.bulk(ge.getKey());
                    reply.bulk("consumers");
                    reply.integer(g.consumers.size());
                    reply.bulk("pending");
                    reply.integer(g.pel.size());
                    reply.bulk("last-delivered-id");
                    reply.bulk(g.lastId.toBytes());
                    reply.bulk("entries-read");
                    entriesRead(reply, g);
                    reply.bulk("lag");
                    lag(reply, s, g);
                }
            }
            default -> streamInfo(c, s);
        }
    }

    private static void entriesRead(ReplyWriter reply, StreamGroup g) {
        if (g.entriesRead != StreamGroup.INVALID_ENTRIES_READ) {
            reply.integer(g.entriesRead);
        } else {
            reply.nullBulk();
        }
    }

    private static void lag(ReplyWriter reply, StreamValue s, StreamGroup g) {
        Long lag = s.lag(g);
        if (lag == null) {
            reply.nullBulk();
        } else {
            reply.integer(lag);
        }
    }

    /** xinfoReplyWithStreamInfo: XINFO STREAM key [FULL [COUNT count]]. */
    private static void streamInfo(Client c, StreamValue s) {
        int optc = c.argc() - 3;
        boolean full = optc != 0;
        long count = 10;
        if (full) {
            if ((optc != 1 && optc != 3) || !Args.is(c.arg(3), "full")) {
                throw subcommandSyntax(c);
            }
            if (optc == 3) {
                if (!Args.is(c.arg(4), "count")) {
                    throw subcommandSyntax(c);
                }
                count = Args.parseLong(c.arg(5));
                if (count < 0) {
                    count = 10;
                }
            }
        }
        ReplyWriter reply = c.reply();
        reply.mapHeader(full ? 9 : 10);
        reply.bulk("length");
        reply.integer(s.length());
        reply.bulk("radix-tree-keys");
        reply.integer(s.nodeCount());
        reply.bulk("radix-tree-nodes");
        reply.integer(s.raxNodes());
        reply.bulk("last-generated-id");
        reply.bulk(s.lastId().toBytes());
        reply.bulk("max-deleted-entry-id");
        reply.bulk(s.maxDeletedId().toBytes());
        reply.bulk("entries-added");
        reply.integer(s.entriesAdded());
        reply.bulk("recorded-first-entry-id");
        reply.bulk(s.firstId().toBytes());
        if (!full) {
            reply.bulk("groups");
            reply.integer(s.groups().size());
            // Each edge entry is written from the cursor that found it: the last one from a reverse
            // cursor, which reaches it from the end of its node, as Redis's streamIterator does.
            for (boolean rev : new boolean[]{false, true}) {
                reply.bulk(rev ? "last-entry" : "first-entry");
                StreamValue.Cursor edge = s.cursor(null, null, rev);
                StreamId id = edge.next();
                if (id == null) {
                    reply.nullBulk();
                } else {
                    replyEntry(reply, edge, id);
                }
            }
            return;
        }
        reply.bulk("entries");
        StreamCommands.replyRange(reply, s, StreamId.MIN, null, count, false);
        reply.bulk("groups");
        reply.arrayHeader(s.groups().size());
        for (Map.Entry<byte[], StreamGroup> ge : s.groups().entrySet()) {
            StreamGroup g = ge.getValue();
            reply.mapHeader(7);
            reply.bulk("name");
            reply.bulk(ge.getKey());
            reply.bulk("last-delivered-id");
            reply.bulk(g.lastId.toBytes());
            reply.bulk("entries-read");
            entriesRead(reply, g);
            reply.bulk("lag");
            lag(reply, s, g);
            reply.bulk("pel-count");
            reply.integer(g.pel.size());
            reply.bulk("pending");
            pendingEntries(reply, g.pel, count, true);
            reply.bulk("consumers");
            reply.arrayHeader(g.consumers.size());
            for (StreamGroup.Consumer consumer : g.consumers.values()) {
                reply.mapHeader(4);
                reply.bulk("name");
                reply.bulk(consumer.name);
                reply.bulk("seen-time");
                reply.integer(consumer.seenTime);
                reply.bulk("pel-count");
                reply.integer(consumer.pel.size());
                reply.bulk("pending");
                pendingEntries(reply, consumer.pel, count, false);
            }
        }
    }

    /**
     * The first {@code count} (0: all) entries of a PEL as XINFO STREAM FULL lists them: id, the
     * owning consumer's name in a group's PEL, delivery time and count.
     */
    private static void pendingEntries(ReplyWriter reply, Map<StreamId, StreamGroup.Nack> pel, long count,
            boolean withConsumer) {
        long n = count == 0 ? pel.size() : Math.min(count, pel.size());
        reply.arrayHeader(n);
        for (Map.Entry<StreamId, StreamGroup.Nack> pe : pel.entrySet()) {
            if (n-- == 0) {
                break;
            }
            reply.arrayHeader(withConsumer ? 4 : 3);
            reply.bulk(pe.getKey().toBytes());
            if (withConsumer) {
                reply.bulk(pe.getValue().consumer.name);
            }
            reply.integer(pe.getValue().deliveryTime);
            reply.integer(pe.getValue().deliveryCount);
        }
    }
}
