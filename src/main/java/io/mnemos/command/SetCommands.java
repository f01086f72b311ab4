package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.SetValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Set commands (Redis 7.0's t_set.c), reply for reply and error for error. Type checks are done by
 * the handlers, in Redis's order: after argument parsing where Redis parses first, after counting
 * the keyspace hit for reads, and over all keys of the multi-key operations before any work.
 */
public final class SetCommands implements CommandFamily {
    private static final int UNION = 0;
    private static final int DIFF = 1;

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("sadd", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("set")
                        .summary("Add one or more members to a set")
                        .complexity("O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.")
                        .handler(SetCommands::sadd).build(),
                command("srem", -3).flags(WRITE, FAST).keys(1, 1, 1).group("set")
                        .summary("Remove one or more members from a set")
                        .complexity("O(N) where N is the number of members to be removed.")
                        .handler(SetCommands::srem).build(),
                command("smembers", 2).flags(READONLY).keys(1, 1, 1).group("set")
                        .summary("Get all the members in a set")
                        .complexity("O(N) where N is the set cardinality.")
                        .handler(SetCommands::smembers).build(),
                command("sismember", 3).flags(READONLY, FAST).keys(1, 1, 1).group("set")
                        .summary("Determine if a given value is a member of a set")
                        .complexity("O(1)")
                        .handler(SetCommands::sismember).build(),
                command("smismember", -3).flags(READONLY, FAST).keys(1, 1, 1).group("set").since("6.2.0")
                        .summary("Returns the membership associated with the given elements for a set")
                        .complexity("O(N) where N is the number of elements being checked for membership")
                        .handler(SetCommands::smismember).build(),
                command("scard", 2).flags(READONLY, FAST).keys(1, 1, 1).group("set")
                        .summary("Get the number of members in a set")
                        .complexity("O(1)")
                        .handler(SetCommands::scard).build(),
                command("spop", -2).flags(WRITE, FAST).keys(1, 1, 1).group("set")
                        .summary("Remove and return one or multiple random members from a set")
                        .complexity("Without the count argument O(1), otherwise O(N) where N is the value of the passed count.")
                        .handler(SetCommands::spop).build(),
                command("srandmember", -2).flags(READONLY).keys(1, 1, 1).group("set")
                        .summary("Get one or multiple random members from a set")
                        .complexity("Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.")
                        .handler(SetCommands::srandmember).build(),
                command("smove", 4).flags(WRITE, FAST).keys(1, 2, 1).group("set")
                        .summary("Move a member from one set to another")
                        .complexity("O(1)")
                        .handler(SetCommands::smove).build(),
                command("sinter", -2).flags(READONLY).keys(1, -1, 1).group("set")
                        .summary("Intersect multiple sets")
                        .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
                        .handler(SetCommands::sinter).build(),
                command("sintercard", -3).flags(READONLY, MOVABLEKEYS).keys(0, 0, 0).group("set").since("7.0.0")
                        .summary("Intersect multiple sets and return the cardinality of the result")
                        .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
                        .handler(SetCommands::sintercard).build(),
                command("sinterstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).group("set")
                        .summary("Intersect multiple sets and store the resulting set in a key")
                        .complexity("O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.")
                        .handler(SetCommands::sinterstore).build(),
                command("sunion", -2).flags(READONLY).keys(1, -1, 1).group("set")
                        .summary("Add multiple sets")
                        .complexity("O(N) where N is the total number of elements in all given sets.")
                        .handler(SetCommands::sunion).build(),
                command("sunionstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).group("set")
                        .summary("Add multiple sets and store the resulting set in a key")
                        .complexity("O(N) where N is the total number of elements in all given sets.")
                        .handler(SetCommands::sunionstore).build(),
                command("sdiff", -2).flags(READONLY).keys(1, -1, 1).group("set")
                        .summary("Subtract multiple sets")
                        .complexity("O(N) where N is the total number of elements in all given sets.")
                        .handler(SetCommands::sdiff).build(),
                command("sdiffstore", -3).flags(WRITE, DENYOOM).keys(1, -1, 1).group("set")
                        .summary("Subtract multiple sets and store the resulting set in a key")
                        .complexity("O(N) where N is the total number of elements in all given sets.")
                        .handler(SetCommands::sdiffstore).build(),
                command("sscan", -3).flags(READONLY).keys(1, 1, 1).group("set").since("2.8.0")
                        .summary("Incrementally iterate Set elements")
                        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
                        .handler(SetCommands::sscan).build());
    }

    // ---- lookups ----

    /** lookupKeyRead + checkType: the set, null if the key is missing. */
    static SetValue readSet(Client c, byte[] key) {
        return TypedLookup.valueAs(c.db().lookupRead(key), SetValue.class);
    }

    static SetValue writeSet(Client c, byte[] key) {
        return TypedLookup.valueAs(c.db().lookupWrite(key), SetValue.class);
    }


    private static int maxIntset(Client c) {
        return c.server().config().setMaxIntsetEntries;
    }

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    // ---- single-key commands ----

    private static void sadd(Client c) {
        byte[] key = c.arg(1);
        Database db = c.db();
        SetValue set = writeSet(c, key);
        if (set == null) {
            set = SetValue.createFor(c.arg(2));
            db.add(key, set);
        }
        int max = maxIntset(c);
        long added = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (set.add(c.arg(i), max)) {
                added++;
            }
        }
        dirty(c, added);
        if (added > 0) {
            Events.set(c, "sadd", key);
        }
        c.reply().integer(added);
    }

    private static void srem(Client c) {
        byte[] key = c.arg(1);
        SetValue set = writeSet(c, key);
        if (set == null) {
            c.reply().integer(0);
            return;
        }
        long deleted = 0;
        boolean emptied = false;
        for (int i = 2; i < c.argc(); i++) {
            if (set.remove(c.arg(i))) {
                deleted++;
                if (set.size() == 0) {
                    c.db().delete(key);
                    emptied = true;
                    break;
                }
            }
        }
        dirty(c, deleted);
        if (deleted > 0) {
            Events.set(c, "srem", key);
            if (emptied) {
                Events.generic(c, "del", key);
            }
        }
        c.reply().integer(deleted);
    }

    private static void smembers(Client c) {
        sinterGeneric(c, new byte[][] {c.arg(1)}, null, false, 0);
    }

    private static void sismember(Client c) {
        SetValue set = readSet(c, c.arg(1));
        c.reply().integer(set != null && set.contains(c.arg(2)) ? 1 : 0);
    }

    private static void smismember(Client c) {
        SetValue set = readSet(c, c.arg(1));
        c.reply().arrayHeader(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            c.reply().integer(set != null && set.contains(c.arg(i)) ? 1 : 0);
        }
    }

    private static void scard(Client c) {
        SetValue set = readSet(c, c.arg(1));
        c.reply().integer(set == null ? 0 : set.size());
    }

    private static void spop(Client c) {
        if (c.argc() == 3) {
            spopWithCount(c);
            return;
        }
        if (c.argc() > 3) {
            throw CommandError.SYNTAX;
        }
        byte[] key = c.arg(1);
        SetValue set = writeSet(c, key);
        if (set == null) {
            c.reply().nullBulk();
            return;
        }
        byte[] member = set.random();
        set.remove(member);
        // The event before the reply, as spopCommand raises it: a RESP3 subscriber popping sees that order.
        Events.set(c, "spop", key);
        c.reply().bulk(member);
        dirty(c, 1);
        // Propagated as SREM of the popped member, as Redis's spopCommand.
        c.server().propagation().propagateInstead(new byte[][]{"SREM".getBytes(), key, member});
        if (set.size() == 0) {
            c.db().delete(key);
            Events.generic(c, "del", key);
        }
    }

    private static long positiveCount(byte[] arg) {
        Long v = Args.parseLongOrNull(arg);
        if (v == null || v < 0) {
            throw CommandError.err("value is out of range, must be positive");
        }
        return v;
    }

    private static void spopWithCount(Client c) {
        long count = positiveCount(c.arg(2));
        byte[] key = c.arg(1);
        SetValue set = writeSet(c, key);
        if (set == null || count == 0) {
            c.reply().setHeader(0);
            return;
        }
        int size = set.size();
        Events.set(c, "spop", key); // before the reply, as spopWithCountCommand
        if (count >= size) {
            // Redis replies with SMEMBERS's code (sunionDiffGenericCommand), which looks the key up
            // again as a read: one keyspace hit more.
            readSet(c, key);
            List<byte[]> all = set.members();
            c.reply().setHeader(all.size());
            all.forEach(c.reply()::bulk);
            c.db().delete(key);
            Events.generic(c, "del", key);
            dirty(c, size);
            c.server().propagation().propagateInstead(new byte[][]{"DEL".getBytes(), key});
            return;
        }
        c.reply().setHeader(count);
        boolean propagate = c.server().propagation().active();
        List<byte[]> popped = propagate ? new java.util.ArrayList<>() : null;
        for (long i = 0; i < count; i++) {
            byte[] member = set.random();
            set.remove(member);
            c.reply().bulk(member);
            if (propagate) {
                popped.add(member);
            }
        }
        dirty(c, count);
        if (propagate) {
            // Redis's spopWithCountCommand: SREM of the popped members, 1024 per command.
            c.server().propagation().replaceWith(io.mnemos.persistence.CommandPropagation.sremBatches(key, popped));
        }
    }

    private static void srandmember(Client c) {
        if (c.argc() == 3) {
            srandmemberWithCount(c);
            return;
        }
        if (c.argc() > 3) {
            throw CommandError.SYNTAX;
        }
        SetValue set = readSet(c, c.arg(1));
        c.reply().bulk(set == null ? null : set.random());
    }

    private static void srandmemberWithCount(Client c) {
        Long l = Args.parseLongOrNull(c.arg(2));
        if (l == null) {
            throw CommandError.NOT_INTEGER;
        }
        if (l == Long.MIN_VALUE) {
            throw CommandError.err("value is out of range, value must between -9223372036854775807 and "
                    + "9223372036854775807");
        }
        boolean uniq = l >= 0;
        long count = Math.abs(l);
        SetValue set = readSet(c, c.arg(1));
        if (set == null || count == 0) {
            c.reply().emptyArray();
            return;
        }
        if (!uniq || count == 1) {
            c.reply().arrayHeader(count);
            for (long i = 0; i < count; i++) {
                c.reply().bulk(set.random());
            }
            return;
        }
        if (DistinctRandom.bySampling(count, set.size())) {
            List<byte[]> picked = DistinctRandom.picks((int) count, set::random, java.nio.ByteBuffer::wrap);
            c.reply().arrayHeader(count);
            picked.forEach(c.reply()::bulk);
            return;
        }
        List<byte[]> all = set.members();
        if (count >= all.size()) {
            c.reply().arrayHeader(all.size());
            all.forEach(c.reply()::bulk);
            return;
        }
        // Partial Fisher-Yates: count distinct members in random order.
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        c.reply().arrayHeader(count);
        for (int i = 0; i < count; i++) {
            int j = i + rnd.nextInt(all.size() - i);
            byte[] t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
            c.reply().bulk(all.get(i));
        }
    }

    private static void smove(Client c) {
        byte[] src = c.arg(1);
        byte[] dst = c.arg(2);
        byte[] member = c.arg(3);
        Database db = c.db();
        Entry srcEntry = db.lookupWrite(src);
        Entry dstEntry = db.lookupWrite(dst);
        if (srcEntry == null) {
            c.reply().integer(0);
            return;
        }
        SetValue srcSet = TypedLookup.valueAs(srcEntry, SetValue.class);
        SetValue dstSet = TypedLookup.valueAs(dstEntry, SetValue.class);
        if (srcSet == dstSet) {
            c.reply().integer(srcSet.contains(member) ? 1 : 0);
            return;
        }
        if (!srcSet.remove(member)) {
            c.reply().integer(0);
            return;
        }
        Events.set(c, "srem", src);
        if (srcSet.size() == 0) {
            db.delete(src);
            Events.generic(c, "del", src);
        }
        if (dstSet == null) {
            dstSet = SetValue.createFor(member);
            db.add(dst, dstSet);
        }
        dirty(c, 1);
        if (dstSet.add(member, maxIntset(c))) {
            dirty(c, 1);
            Events.set(c, "sadd", dst);
        }
        c.reply().integer(1);
    }

    // ---- multi-key operations ----

    private static byte[][] keysFrom(Client c, int first) {
        return Arrays.copyOfRange(c.argv(), first, c.argc());
    }

    private static void sinter(Client c) {
        sinterGeneric(c, keysFrom(c, 1), null, false, 0);
    }

    private static void sinterstore(Client c) {
        sinterGeneric(c, keysFrom(c, 2), c.arg(1), false, 0);
    }

    private static void sintercard(Client c) {
        long numkeys;
        Long n = Args.parseLongOrNull(c.arg(1));
        if (n == null || n < 1) {
            throw CommandError.err("numkeys should be greater than 0");
        }
        numkeys = n;
        if (numkeys > c.argc() - 2) {
            throw CommandError.err("Number of keys can't be greater than number of args");
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < c.argc(); j++) {
            int moreargs = c.argc() - 1 - j;
            if (Args.is(c.arg(j), "LIMIT") && moreargs > 0) {
                j++;
                Long l = Args.parseLongOrNull(c.arg(j));
                if (l == null || l < 0) {
                    throw CommandError.err("LIMIT can't be negative");
                }
                limit = l;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        sinterGeneric(c, Arrays.copyOfRange(c.argv(), 2, 2 + (int) numkeys), null, true, limit);
    }

    /** sinterGenericCommand: SINTER, SMEMBERS, SINTERSTORE and SINTERCARD. */
    private static void sinterGeneric(Client c, byte[][] keys, byte[] dstkey, boolean cardinalityOnly, long limit) {
        SetValue[] sets = new SetValue[keys.length];
        boolean empty = false;
        for (int j = 0; j < keys.length; j++) {
            SetValue s = readSet(c, keys[j]); // a read lookup with or without a destination, as in Redis 7.0
            if (s == null) {
                empty = true;
            }
            sets[j] = s;
        }
        Database db = c.db();
        if (empty) {
            if (dstkey != null) {
                if (db.delete(dstkey)) {
                    dirty(c, 1);
                    Events.generic(c, "del", dstkey);
                }
                c.reply().integer(0);
            } else if (cardinalityOnly) {
                c.reply().integer(0);
            } else {
                c.reply().setHeader(0);
            }
            return;
        }
        // glibc's qsort is a stable merge sort here: equal sizes keep their argument order.
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        List<byte[]> result = new ArrayList<>();
        long cardinality = 0;
        for (byte[] member : sets[0].members()) {
            int j;
            for (j = 1; j < sets.length; j++) {
                if (sets[j] == sets[0]) {
                    continue;
                }
                if (!sets[j].contains(member)) {
                    break;
                }
            }
            if (j == sets.length) {
                cardinality++;
                if (cardinalityOnly) {
                    if (limit != 0 && cardinality >= limit) {
                        break;
                    }
                } else {
                    result.add(member);
                }
            }
        }
        if (cardinalityOnly) {
            c.reply().integer(cardinality);
        } else if (dstkey != null) {
            SetValue dst = SetValue.intset();
            int max = maxIntset(c);
            for (byte[] m : result) {
                dst.add(m, max);
            }
            store(c, dstkey, dst, "sinterstore");
        } else {
            c.reply().setHeader(result.size());
            result.forEach(c.reply()::bulk);
        }
    }

    /**
     * The *STORE result: written with its event, or the destination deleted ("del") when empty; an
     * empty result over no destination changes nothing (no signal, nothing propagated).
     */
    private static void store(Client c, byte[] dstkey, SetValue dst, String event) {
        Database db = c.db();
        if (dst.size() > 0) {
            db.put(dstkey, dst, false);
            c.reply().integer(dst.size());
            Events.set(c, event, dstkey);
            dirty(c, 1);
        } else {
            c.reply().integer(0);
            if (db.delete(dstkey)) {
                dirty(c, 1);
                Events.generic(c, "del", dstkey);
            }
        }
    }

    private static void sunion(Client c) {
        sunionDiffGeneric(c, keysFrom(c, 1), null, UNION);
    }

    private static void sunionstore(Client c) {
        sunionDiffGeneric(c, keysFrom(c, 2), c.arg(1), UNION);
    }

    private static void sdiff(Client c) {
        sunionDiffGeneric(c, keysFrom(c, 1), null, DIFF);
    }

    private static void sdiffstore(Client c) {
        sunionDiffGeneric(c, keysFrom(c, 2), c.arg(1), DIFF);
    }

    /** sunionDiffGenericCommand: the result is built as a new set (intset first) and replied in its order. */
    private static void sunionDiffGeneric(Client c, byte[][] keys, byte[] dstkey, int op) {
        SetValue[] sets = new SetValue[keys.length];
        boolean sameset = false;
        for (int j = 0; j < keys.length; j++) {
            sets[j] = readSet(c, keys[j]); // a read lookup with or without a destination, as in Redis 7.0
            if (j > 0 && sets[j] != null && sets[0] == sets[j]) {
                sameset = true;
            }
        }
        int max = maxIntset(c);
        SetValue dst = SetValue.intset();
        if (op == UNION) {
            for (SetValue s : sets) {
                if (s != null) {
                    s.forEach(m -> dst.add(m, max));
                }
            }
        } else if (sets[0] != null && !sameset) {
            for (byte[] m : sets[0].members()) {
                boolean keep = true;
                for (int j = 1; j < sets.length; j++) {
                    if (sets[j] != null && sets[j].contains(m)) {
                        keep = false;
                        break;
                    }
                }
                if (keep) {
                    dst.add(m, max);
                }
            }
        }
        if (dstkey == null) {
            c.reply().setHeader(dst.size());
            dst.forEach(c.reply()::bulk);
        } else {
            store(c, dstkey, dst, op == UNION ? "sunionstore" : "sdiffstore");
        }
    }

    // ---- SSCAN ----

    private static void sscan(Client c) {
        long cursor = ScanArguments.parseCursor(c.arg(2));
        SetValue set = readSet(c, c.arg(1));
        if (set == null) {
            emptyScan(c);
            return;
        }
        ScanArguments opts = ScanArguments.parseOptions(c, 3, false);
        List<byte[]> found = new ArrayList<>();
        if (set.isIntset()) {
            cursor = set.scan(cursor, found::add);
        } else {
            cursor = opts.scanBuckets(cursor, cur -> set.scan(cur, found::add), found::size);
        }
        List<byte[]> kept = new ArrayList<>(found.size());
        for (byte[] m : found) {
            if (opts.matches(m)) {
                kept.add(m);
            }
        }
        ScanArguments.reply(c.reply(), cursor, kept);
    }

    static void emptyScan(Client c) {
        ScanArguments.reply(c.reply(), 0, List.of());
    }
}
