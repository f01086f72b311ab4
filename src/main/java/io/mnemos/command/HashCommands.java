package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.ServerConfig;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.HashValue;
import io.mnemos.store.ValueType;
import io.mnemos.util.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Hash commands (Redis 7.0's t_hash.c), reply for reply and error for error.
 *
 * <p>Type checks: {@code keyType} is declared only where Redis looks the key up for writing and
 * checks its type before anything else (HSETNX, HDEL). Reads check the type after their read lookup
 * (a WRONGTYPE read counts a keyspace hit, as in Redis); HSET/HMSET check their arity first,
 * HINCRBY/HINCRBYFLOAT parse the increment first, HRANDFIELD and HSCAN parse their arguments first.
 */
public final class HashCommands implements CommandFamily {
    private static final String MULTI_SET_COMPLEXITY = "O(1) for each field/value pair added, so O(N) to add N "
            + "field/value pairs when the command is called with multiple field/value pairs.";
    private static final String SIZE_COMPLEXITY = "O(N) where N is the size of the hash.";

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("hset", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Set the string value of a hash field").complexity(MULTI_SET_COMPLEXITY)
                        .handler(c -> hset(c, false)).build(),
                command("hsetnx", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .keyType(ValueType.HASH)
                        .summary("Set the value of a hash field, only if the field does not exist")
                        .complexity("O(1)")
                        .handler(HashCommands::hsetnx).build(),
                command("hget", 3).flags(READONLY, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Get the value of a hash field").complexity("O(1)")
                        .handler(HashCommands::hget).build(),
                command("hmset", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Set multiple hash fields to multiple values")
                        .complexity("O(N) where N is the number of fields being set.")
                        .handler(c -> hset(c, true)).build(),
                command("hmget", -3).flags(READONLY, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Get the values of all the given hash fields")
                        .complexity("O(N) where N is the number of fields being requested.")
                        .handler(HashCommands::hmget).build(),
                command("hgetall", 2).flags(READONLY).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Get all the fields and values in a hash").complexity(SIZE_COMPLEXITY)
                        .handler(c -> getAll(c, true, true)).build(),
                command("hdel", -3).flags(WRITE, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .keyType(ValueType.HASH)
                        .summary("Delete one or more hash fields")
                        .complexity("O(N) where N is the number of fields to be removed.")
                        .handler(HashCommands::hdel).build(),
                command("hexists", 3).flags(READONLY, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Determine if a hash field exists").complexity("O(1)")
                        .handler(HashCommands::hexists).build(),
                command("hlen", 2).flags(READONLY, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Get the number of fields in a hash").complexity("O(1)")
                        .handler(HashCommands::hlen).build(),
                command("hkeys", 2).flags(READONLY).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Get all the fields in a hash").complexity(SIZE_COMPLEXITY)
                        .handler(c -> getAll(c, true, false)).build(),
                command("hvals", 2).flags(READONLY).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Get all the values in a hash").complexity(SIZE_COMPLEXITY)
                        .handler(c -> getAll(c, false, true)).build(),
                command("hincrby", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("hash").since("2.0.0")
                        .summary("Increment the integer value of a hash field by the given number")
                        .complexity("O(1)")
                        .handler(HashCommands::hincrby).build(),
                command("hincrbyfloat", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("hash").since("2.6.0")
                        .summary("Increment the float value of a hash field by the given amount")
                        .complexity("O(1)")
                        .handler(HashCommands::hincrbyfloat).build(),
                command("hstrlen", 3).flags(READONLY, FAST).keys(1, 1, 1).group("hash").since("3.2.0")
                        .summary("Get the length of the value of a hash field").complexity("O(1)")
                        .handler(HashCommands::hstrlen).build(),
                command("hrandfield", -2).flags(READONLY).keys(1, 1, 1).group("hash").since("6.2.0")
                        .summary("Get one or multiple random fields from a hash")
                        .complexity("O(N) where N is the number of fields returned")
                        .handler(HashCommands::hrandfield).build(),
                command("hscan", -3).flags(READONLY).keys(1, 1, 1).group("hash").since("2.8.0")
                        .summary("Incrementally iterate hash fields and associated values")
                        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command "
                                + "calls for the cursor to return back to 0. N is the number of elements inside "
                                + "the collection..")
                        .handler(HashCommands::hscan).build());
    }

    // ---------------------------------------------------------------- helpers

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    /** hashTypeLookupWriteOrCreate: the hash at key, a new one added when missing, or WRONGTYPE. */
    private static HashValue lookupWriteOrCreate(Client c, byte[] key) {
        Database db = c.db();
        Entry e = db.lookupWrite(key);
        if (e != null) {
            return TypedLookup.valueAs(e, HashValue.class);
        }
        HashValue h = new HashValue();
        db.add(key, h);
        return h;
    }

    private static HashValue readHash(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        return TypedLookup.valueAs(e, HashValue.class);
    }

    private static boolean set(Client c, HashValue h, byte[] field, byte[] value) {
        ServerConfig config = c.server().config();
        return h.set(field, value, config.hashMaxListpackEntries, config.hashMaxListpackValue);
    }

    // ---------------------------------------------------------------- commands

    private static void hset(Client c, boolean legacy) {
        if (c.argc() % 2 == 1) {
            throw CommandError.err("wrong number of arguments for '" + c.command().fullName() + "' command");
        }
        HashValue h = lookupWriteOrCreate(c, c.arg(1));
        byte[][] args = new byte[c.argc() - 2][];
        for (int i = 2; i < c.argc(); i++) {
            args[i - 2] = c.arg(i);
        }
        h.convertIfLonger(c.server().config().hashMaxListpackValue, args);
        int created = 0;
        for (int i = 2; i < c.argc(); i += 2) {
            if (set(c, h, c.arg(i), c.arg(i + 1))) {
                created++;
            }
        }
        dirty(c, (c.argc() - 2) / 2);
        if (legacy) {
            c.reply().ok();
        } else {
            c.reply().integer(created);
        }
        Events.hash(c, "hset", c.arg(1));
    }

    private static void hsetnx(Client c) {
        HashValue h = lookupWriteOrCreate(c, c.arg(1));
        if (h.contains(c.arg(2))) {
            c.reply().integer(0);
            return;
        }
        set(c, h, c.arg(2), c.arg(3));
        dirty(c, 1);
        c.reply().integer(1);
        Events.hash(c, "hset", c.arg(1));
    }

    private static void hget(Client c) {
        HashValue h = readHash(c);
        byte[] v = h == null ? null : h.get(c.arg(2));
        if (v == null) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(v);
        }
    }

    private static void hmget(Client c) {
        HashValue h = readHash(c);
        c.reply().arrayHeader(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            byte[] v = h == null ? null : h.get(c.arg(i));
            if (v == null) {
                c.reply().nullBulk();
            } else {
                c.reply().bulk(v);
            }
        }
    }

    private static void getAll(Client c, boolean fields, boolean values) {
        HashValue h = readHash(c);
        ReplyWriter reply = c.reply();
        int size = h == null ? 0 : h.size();
        if (fields && values) {
            reply.mapHeader(size);
        } else {
            reply.arrayHeader(size);
        }
        if (h == null) {
            return;
        }
        h.forEach((f, v) -> {
            if (fields) {
                reply.bulk(f);
            }
            if (values) {
                reply.bulk(v);
            }
        });
    }

    private static void hdel(Client c) {
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        HashValue h = TypedLookup.valueAs(e, HashValue.class);
        int deleted = 0;
        boolean keyRemoved = false;
        for (int i = 2; i < c.argc(); i++) {
            if (h.remove(c.arg(i))) {
                deleted++;
                if (h.isEmpty()) {
                    db.remove(e);
                    keyRemoved = true;
                    break;
                }
            }
        }
        if (deleted > 0) {
            Events.hash(c, "hdel", c.arg(1));
            if (keyRemoved) {
                Events.generic(c, "del", c.arg(1));
            }
        }
        dirty(c, deleted);
        c.reply().integer(deleted);
    }

    private static void hexists(Client c) {
        HashValue h = readHash(c);
        c.reply().integer(h != null && h.contains(c.arg(2)) ? 1 : 0);
    }

    private static void hlen(Client c) {
        HashValue h = readHash(c);
        c.reply().integer(h == null ? 0 : h.size());
    }

    private static void hstrlen(Client c) {
        HashValue h = readHash(c);
        int length = h == null ? -1 : h.valueLength(c.arg(2));
        c.reply().integer(Math.max(0, length));
    }

    private static void hincrby(Client c) {
        long incr = Args.parseLong(c.arg(3));
        HashValue h = lookupWriteOrCreate(c, c.arg(1));
        byte[] current = h.get(c.arg(2));
        long value = 0;
        if (current != null) {
            Long parsed = Args.parseLongOrNull(current);
            if (parsed == null) {
                throw CommandError.err("hash value is not an integer");
            }
            value = parsed;
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw CommandError.OVERFLOW;
        }
        value += incr;
        set(c, h, c.arg(2), Numbers.toBytes(value));
        dirty(c, 1);
        c.reply().integer(value);
        Events.hash(c, "hincrby", c.arg(1));
    }

    private static void hincrbyfloat(Client c) {
        io.mnemos.util.LongDouble incr = io.mnemos.util.LongDouble.parse(c.arg(3));
        if (incr == null) {
            throw CommandError.NOT_FLOAT;
        }
        if (incr.infinite) {
            throw CommandError.err("value is NaN or Infinity");
        }
        HashValue h = lookupWriteOrCreate(c, c.arg(1));
        byte[] current = h.get(c.arg(2));
        io.mnemos.util.LongDouble value = io.mnemos.util.LongDouble.ZERO;
        if (current != null) {
            value = io.mnemos.util.LongDouble.parse(current);
            if (value == null) {
                throw CommandError.err("hash value is not a float");
            }
        }
        io.mnemos.util.LongDouble sum = value.add(incr);
        if (sum == null) {
            throw CommandError.err("increment would produce NaN or Infinity");
        }
        byte[] text = sum.humanString().getBytes(StandardCharsets.US_ASCII);
        set(c, h, c.arg(2), text);
        dirty(c, 1);
        c.reply().bulk(text);
        Events.hash(c, "hincrbyfloat", c.arg(1));
    }

    private static void hrandfield(Client c) {
        if (c.argc() >= 3) {
            Long parsed = Args.parseLongOrNull(c.arg(2));
            if (parsed == null) {
                throw CommandError.NOT_INTEGER;
            }
            if (parsed == Long.MIN_VALUE) {
                throw CommandError.err("value is out of range, value must between -9223372036854775807 and "
                        + "9223372036854775807");
            }
            long l = parsed;
            boolean withValues = false;
            if (c.argc() > 4 || (c.argc() == 4 && !Args.is(c.arg(3), "WITHVALUES"))) {
                throw CommandError.SYNTAX;
            } else if (c.argc() == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw CommandError.err("value is out of range");
                }
            }
            randomWithCount(c, l, withValues);
            return;
        }
        HashValue h = readHash(c);
        if (h == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().bulk(h.random()[0]);
    }

    private static void randomWithCount(Client c, long l, boolean withValues) {
        HashValue h = readHash(c);
        ReplyWriter reply = c.reply();
        if (h == null) {
            reply.emptyArray();
            return;
        }
        int size = h.size();
        boolean unique = l >= 0;
        long count = unique ? l : -l;
        if (count == 0) {
            reply.emptyArray();
            return;
        }
        boolean pairsInline = withValues && !reply.resp3();
        if (!unique || count == 1) {
            reply.arrayHeader(pairsInline ? count * 2 : count);
            for (long i = 0; i < count; i++) {
                byte[][] fv = h.random();
                element(reply, fv[0], fv[1], withValues);
            }
            return;
        }
        if (DistinctRandom.bySampling(count, size)) {
            List<byte[][]> picked = DistinctRandom.picks((int) count, h::random, fv -> java.nio.ByteBuffer.wrap(fv[0]));
            reply.arrayHeader(pairsInline ? count * 2 : count);
            picked.forEach(fv -> element(reply, fv[0], fv[1], withValues));
            return;
        }
        byte[][] all = h.toArray();
        int n = (int) Math.min(count, size);
        reply.arrayHeader(pairsInline ? n * 2L : n);
        if (count >= size) {
            for (int i = 0; i < all.length; i += 2) {
                element(reply, all[i], all[i + 1], withValues);
            }
            return;
        }
        // A random subset of n distinct fields (partial Fisher-Yates over the pair indexes).
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        int[] idx = new int[size];
        for (int i = 0; i < size; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = i + rnd.nextInt(size - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            element(reply, all[idx[i] * 2], all[idx[i] * 2 + 1], withValues);
        }
    }

    private static void element(ReplyWriter reply, byte[] field, byte[] value, boolean withValues) {
        if (withValues && reply.resp3()) {
            reply.arrayHeader(2);
        }
        reply.bulk(field);
        if (withValues) {
            reply.bulk(value);
        }
    }

    private static void hscan(Client c) {
        long cursor = ScanArguments.parseCursor(c.arg(2));
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            ScanArguments.reply(c.reply(), 0, List.of());
            return;
        }
        HashValue h = TypedLookup.valueAs(e, HashValue.class);
        ScanArguments args = ScanArguments.parseOptions(c, 3, false);
        List<byte[]> collected = new ArrayList<>();
        if (h.isListpack()) {
            h.forEach((f, v) -> {
                collected.add(f);
                collected.add(v);
            });
            cursor = 0;
        } else {
            cursor = args.scanBuckets(cursor, cur -> h.scan(cur, (f, v) -> {
                collected.add(f);
                collected.add(v);
            }), () -> collected.size() / 2);
        }
        List<byte[]> out = new ArrayList<>(collected.size());
        for (int i = 0; i < collected.size(); i += 2) {
            if (args.matches(collected.get(i))) {
                out.add(collected.get(i));
                out.add(collected.get(i + 1));
            }
        }
        ScanArguments.reply(c.reply(), cursor, out);
    }
}
