package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.ListValue;
import io.mnemos.store.ValueType;

import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * List commands (Redis 7.0's t_list.c, non-blocking part), reply for reply and error for error.
 *
 * <p>Type checks: {@code keyType} is declared only where Redis looks the key up for writing and
 * checks its type before parsing anything else (the pushes and LSET). Reads check the type after
 * their read lookup (so a WRONGTYPE read counts a keyspace hit, as in Redis); commands that parse
 * arguments first (LPOP/RPOP count, LRANGE, LTRIM, LREM, LINSERT, LPOS, LMOVE, LMPOP) and LMOVE's
 * destination (checked only once the source holds elements) check it themselves.
 */
public final class ListCommands implements CommandFamily {
    private static final String PUSH_COMPLEXITY = "O(1) for each element added, so O(N) to add N elements when "
            + "the command is called with multiple arguments.";
    private static final String RANK_ZERO = "RANK can't be zero: use 1 to start from the first match, 2 from the "
            + "second ... or use negative to start from the end of the list";

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("lpush", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("list")
                        .keyType(ValueType.LIST)
                        .summary("Prepend one or multiple elements to a list").complexity(PUSH_COMPLEXITY)
                        .handler(c -> push(c, true, false)).build(),
                command("rpush", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("list")
                        .keyType(ValueType.LIST)
                        .summary("Append one or multiple elements to a list").complexity(PUSH_COMPLEXITY)
                        .handler(c -> push(c, false, false)).build(),
                command("lpushx", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("list").since("2.2.0")
                        .keyType(ValueType.LIST)
                        .summary("Prepend an element to a list, only if the list exists").complexity(PUSH_COMPLEXITY)
                        .handler(c -> push(c, true, true)).build(),
                command("rpushx", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("list").since("2.2.0")
                        .keyType(ValueType.LIST)
                        .summary("Append an element to a list, only if the list exists").complexity(PUSH_COMPLEXITY)
                        .handler(c -> push(c, false, true)).build(),
                command("lpop", -2).flags(WRITE, FAST).keys(1, 1, 1).group("list")
                        .summary("Remove and get the first elements in a list")
                        .complexity("O(N) where N is the number of elements returned")
                        .handler(c -> pop(c, true)).build(),
                command("rpop", -2).flags(WRITE, FAST).keys(1, 1, 1).group("list")
                        .summary("Remove and get the last elements in a list")
                        .complexity("O(N) where N is the number of elements returned")
                        .handler(c -> pop(c, false)).build(),
                command("llen", 2).flags(READONLY, FAST).keys(1, 1, 1).group("list")
                        .summary("Get the length of a list").complexity("O(1)")
                        .handler(ListCommands::llen).build(),
                command("lrange", 4).flags(READONLY).keys(1, 1, 1).group("list")
                        .summary("Get a range of elements from a list")
                        .complexity("O(S+N) where S is the distance of start offset from HEAD for small lists, "
                                + "from nearest end (HEAD or TAIL) for large lists; and N is the number of "
                                + "elements in the specified range.")
                        .handler(ListCommands::lrange).build(),
                command("lindex", 3).flags(READONLY).keys(1, 1, 1).group("list")
                        .summary("Get an element from a list by its index")
                        .complexity("O(N) where N is the number of elements to traverse to get to the element "
                                + "at index. This makes asking for the first or the last element of the list O(1).")
                        .handler(ListCommands::lindex).build(),
                command("lset", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("list")
                        .keyType(ValueType.LIST)
                        .summary("Set the value of an element in a list by its index")
                        .complexity("O(N) where N is the length of the list. Setting either the first or the "
                                + "last element of the list is O(1).")
                        .handler(ListCommands::lset).build(),
                command("linsert", 5).flags(WRITE, DENYOOM).keys(1, 1, 1).group("list").since("2.2.0")
                        .summary("Insert an element before or after another element in a list")
                        .complexity("O(N) where N is the number of elements to traverse before seeing the "
                                + "value pivot. This means that inserting somewhere on the left end on the list "
                                + "(head) can be considered O(1) and inserting somewhere on the right end (tail) "
                                + "is O(N).")
                        .handler(ListCommands::linsert).build(),
                command("lrem", 4).flags(WRITE).keys(1, 1, 1).group("list")
                        .summary("Remove elements from a list")
                        .complexity("O(N+M) where N is the length of the list and M is the number of elements "
                                + "removed.")
                        .handler(ListCommands::lrem).build(),
                command("ltrim", 4).flags(WRITE).keys(1, 1, 1).group("list")
                        .summary("Trim a list to the specified range")
                        .complexity("O(N) where N is the number of elements to be removed by the operation.")
                        .handler(ListCommands::ltrim).build(),
                command("lpos", -3).flags(READONLY).keys(1, 1, 1).group("list").since("6.0.6")
                        .summary("Return the index of matching elements on a list")
                        .complexity("O(N) where N is the number of elements in the list, for the average case. "
                                + "When searching for elements near the head or the tail of the list, or when "
                                + "the MAXLEN option is provided, the command may run in constant time.")
                        .handler(ListCommands::lpos).build(),
                command("lmove", 5).flags(WRITE, DENYOOM).keys(1, 2, 1).group("list").since("6.2.0")
                        .summary("Pop an element from a list, push it to another list and return it")
                        .complexity("O(1)")
                        .handler(ListCommands::lmove).build(),
                command("rpoplpush", 3).flags(WRITE, DENYOOM).keys(1, 2, 1).group("list").since("1.2.0")
                        .summary("Remove the last element in a list, prepend it to another list and return it")
                        .complexity("O(1)")
                        .handler(c -> move(c, false, true)).build(),
                command("lmpop", -4).flags(WRITE, MOVABLEKEYS).keys(0, 0, 0).group("list").since("7.0.0")
                        .summary("Pop elements from a list")
                        .complexity("O(N+M) where N is the number of provided keys and M is the number of "
                                + "elements returned.")
                        .handler(ListCommands::lmpop).build());
    }

    // ---------------------------------------------------------------- helpers

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    /** The list at the entry, or WRONGTYPE for another type. */
    static ListValue list(Entry e) {
        if (e.value() instanceof ListValue l) {
            return l;
        }
        throw CommandError.WRONG_TYPE;
    }

    private static CommandError arity(Client c) {
        return CommandError.err("wrong number of arguments for '" + c.command().fullName() + "' command");
    }

    /** Redis's getRangeLongFromObjectOrReply with a message used for both failures. */
    static long rangeLong(byte[] arg, long min, long max, String message) {
        Long v = Args.parseLongOrNull(arg);
        if (v == null || v < min || v > max) {
            throw CommandError.err(message);
        }
        return v;
    }

    /**
     * The optional {@code COUNT count} after the LEFT|RIGHT / MIN|MAX of LMPOP, BLMPOP, ZMPOP and
     * BZMPOP, starting at argument {@code from}: 1 when absent, as lmpopGenericCommand and
     * zmpopGenericCommand parse it.
     */
    static long mpopCount(Client c, int from) {
        long count = -1;
        for (int j = from; j < c.argc(); j++) {
            boolean moreArgs = c.argc() - 1 - j > 0;
            if (count == -1 && Args.is(c.arg(j), "COUNT") && moreArgs) {
                count = rangeLong(c.arg(++j), 1, Long.MAX_VALUE, "count should be greater than 0");
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return count == -1 ? 1 : count;
    }

    /** getListPositionFromObjectOrReply: LEFT is the head, RIGHT the tail. */
    static boolean isLeft(byte[] arg) {
        if (Args.is(arg, "LEFT")) {
            return true;
        }
        if (Args.is(arg, "RIGHT")) {
            return false;
        }
        throw CommandError.SYNTAX;
    }

    private static void replyRange(ReplyWriter reply, ListValue l, int start, int count) {
        reply.arrayHeader(count);
        l.forEach(start, count, reply::bulk);
    }

    // ---------------------------------------------------------------- commands

    private static void push(Client c, boolean head, boolean onlyIfExists) {
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        ListValue l;
        if (e == null) {
            if (onlyIfExists) {
                c.reply().integer(0);
                return;
            }
            l = new ListValue(c.server().config().listFill());
            db.add(c.arg(1), l);
        } else {
            l = list(e);
        }
        for (int j = 2; j < c.argc(); j++) {
            l.push(c.arg(j), head);
        }
        dirty(c, c.argc() - 2);
        c.reply().integer(l.size());
        Events.list(c, head ? "lpush" : "rpush", c.arg(1));
    }

    private static void pop(Client c, boolean head) {
        boolean hasCount = c.argc() == 3;
        long count = 0;
        if (c.argc() > 3) {
            throw arity(c);
        } else if (hasCount) {
            count = rangeLong(c.arg(2), 0, Long.MAX_VALUE, "value is out of range, must be positive");
        }
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e == null) {
            if (hasCount) {
                c.reply().nullArray();
            } else {
                c.reply().nullBulk();
            }
            return;
        }
        ListValue l = list(e);
        if (hasCount && count == 0) {
            c.reply().emptyArray();
            return;
        }
        if (!hasCount) {
            c.reply().bulk(l.pop(head));
            dirty(c, 1);
        } else {
            popRange(c, l, head, count);
        }
        elementsRemoved(c, e, head);
    }

    /** listElementsRemoved: the pop event, and "del" when the list became empty and was deleted. */
    static void elementsRemoved(Client c, Entry e, boolean head) {
        Events.list(c, head ? "lpop" : "rpop", e.key());
        if (list(e).isEmpty()) {
            c.db().remove(e);
            Events.generic(c, "del", e.key());
        }
    }

    /** Pops up to count elements and replies with them (listPopRangeAndReplyWithKey's array). */
    static void popRange(Client c, ListValue l, boolean head, long count) {
        int n = (int) Math.min(count, l.size());
        c.reply().arrayHeader(n);
        for (int i = 0; i < n; i++) {
            c.reply().bulk(l.pop(head));
        }
        dirty(c, n);
    }

    private static void llen(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        c.reply().integer(e == null ? 0 : list(e).size());
    }

    /** A range index as Redis reads it: negative counts from the end (-1 is the last element). */
    private static long fromEnd(long index, long len) {
        return index < 0 ? len + index : index;
    }

    private static void lrange(Client c) {
        long start = Args.parseLong(c.arg(2));
        long end = Args.parseLong(c.arg(3));
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().emptyArray();
            return;
        }
        ListValue l = list(e);
        long len = l.size();
        start = Math.max(0, fromEnd(start, len));
        end = fromEnd(end, len);
        if (start > end || start >= len) {
            c.reply().emptyArray();
            return;
        }
        if (end >= len) {
            end = len - 1;
        }
        replyRange(c.reply(), l, (int) start, (int) (end - start + 1));
    }

    private static void lindex(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        ListValue l = list(e);
        long index = Args.parseLong(c.arg(2));
        if (index < 0) {
            index = l.size() + index;
        }
        if (index < 0 || index >= l.size()) {
            c.reply().nullBulk();
        } else {
            l.forEach((int) index, 1, c.reply()::bulk);
        }
    }

    private static void lset(Client c) {
        Entry e = c.db().lookupWrite(c.arg(1));
        if (e == null) {
            throw CommandError.NO_SUCH_KEY;
        }
        ListValue l = list(e);
        long index = Args.parseLong(c.arg(2));
        if (index < 0) {
            index = l.size() + index;
        }
        if (index < 0 || index >= l.size()) {
            throw CommandError.err("index out of range");
        }
        l.set((int) index, c.arg(3));
        dirty(c, 1);
        c.reply().ok();
        Events.list(c, "lset", c.arg(1));
    }

    private static void linsert(Client c) {
        boolean after;
        if (Args.is(c.arg(2), "AFTER")) {
            after = true;
        } else if (Args.is(c.arg(2), "BEFORE")) {
            after = false;
        } else {
            throw CommandError.SYNTAX;
        }
        Entry e = c.db().lookupWrite(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        ListValue l = list(e);
        int pivot = l.indexOf(c.arg(3));
        if (pivot < 0) {
            c.reply().integer(-1);
            return;
        }
        l.insert(after ? pivot + 1 : pivot, c.arg(4));
        Events.list(c, "linsert", c.arg(1));
        dirty(c, 1);
        c.reply().integer(l.size());
    }

    private static void lrem(Client c) {
        long toRemove = Args.parseLong(c.arg(2));
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        ListValue l = list(e);
        long limit = toRemove == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(toRemove);
        int removed = l.removeMatching(c.arg(3), limit, toRemove >= 0);
        dirty(c, removed);
        if (removed > 0) {
            Events.list(c, "lrem", c.arg(1));
        }
        if (l.isEmpty()) {
            db.remove(e);
            Events.generic(c, "del", c.arg(1));
        }
        c.reply().integer(removed);
    }

    private static void ltrim(Client c) {
        long start = Args.parseLong(c.arg(2));
        long end = Args.parseLong(c.arg(3));
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e == null) {
            c.reply().ok();
            return;
        }
        ListValue l = list(e);
        long len = l.size();
        start = Math.max(0, fromEnd(start, len));
        end = fromEnd(end, len);
        long ltrim;
        long rtrim;
        if (start > end || start >= len) {
            ltrim = len;
            rtrim = 0;
        } else {
            if (end >= len) {
                end = len - 1;
            }
            ltrim = start;
            rtrim = len - end - 1;
        }
        Events.list(c, "ltrim", c.arg(1));
        if (ltrim == len) {
            db.remove(e);
            Events.generic(c, "del", c.arg(1));
        } else if (ltrim + rtrim > 0) {
            l.keepRange((int) ltrim, (int) (len - rtrim - 1));
        }
        dirty(c, ltrim + rtrim);
        c.reply().ok();
    }

    private static void lpos(Client c) {
        long rank = 1;
        long count = -1;
        long maxlen = 0;
        for (int j = 3; j < c.argc(); j++) {
            byte[] opt = c.arg(j);
            boolean moreArgs = c.argc() - 1 - j > 0;
            if (Args.is(opt, "RANK") && moreArgs) {
                rank = Args.parseLong(c.arg(++j));
                if (rank == 0) {
                    throw CommandError.err(RANK_ZERO);
                }
            } else if (Args.is(opt, "COUNT") && moreArgs) {
                count = rangeLong(c.arg(++j), 0, Long.MAX_VALUE, "COUNT can't be negative");
            } else if (Args.is(opt, "MAXLEN") && moreArgs) {
                maxlen = rangeLong(c.arg(++j), 0, Long.MAX_VALUE, "MAXLEN can't be negative");
            } else {
                throw CommandError.SYNTAX;
            }
        }
        boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank; // Long.MIN_VALUE stays negative, as in C: every match then qualifies
        }
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            if (count == -1) {
                c.reply().nullBulk();
            } else {
                c.reply().emptyArray();
            }
            return;
        }
        ListValue l = list(e);
        byte[] element = c.arg(2);
        int len = l.size();
        long matches = 0;
        long[] found = count == -1 ? null : new long[Math.min(len, count == 0 ? len : (int) Math.min(count, len))];
        int foundCount = 0;
        long single = -1;
        for (int index = 0; index < len && (maxlen == 0 || index < maxlen); index++) {
            int pos = fromTail ? len - index - 1 : index;
            if (l.elementEquals(pos, element)) {
                matches++;
                if (matches >= rank) {
                    if (found != null) {
                        found[foundCount++] = pos;
                        if (count != 0 && matches - rank + 1 >= count) {
                            break;
                        }
                    } else {
                        single = pos;
                        break;
                    }
                }
            }
        }
        if (found != null) {
            c.reply().arrayHeader(foundCount);
            for (int i = 0; i < foundCount; i++) {
                c.reply().integer(found[i]);
            }
        } else if (single >= 0) {
            c.reply().integer(single);
        } else {
            c.reply().nullBulk();
        }
    }

    private static void lmove(Client c) {
        boolean fromLeft = isLeft(c.arg(3));
        boolean toLeft = isLeft(c.arg(4));
        move(c, fromLeft, toLeft);
    }

    static void move(Client c, boolean fromLeft, boolean toLeft) {
        Database db = c.db();
        Entry src = db.lookupWrite(c.arg(1));
        if (src == null) {
            c.reply().nullBulk();
            return;
        }
        ListValue from = list(src);
        Entry dst = db.lookupWrite(c.arg(2));
        ListValue to = dst == null ? null : list(dst);
        byte[] value = from.pop(fromLeft);
        if (to == null) {
            to = new ListValue(c.server().config().listFill());
            db.add(c.arg(2), to);
        }
        to.push(value, toLeft);
        Events.list(c, toLeft ? "lpush" : "rpush", c.arg(2));
        c.reply().bulk(value);
        elementsRemoved(c, src, fromLeft);
        dirty(c, 1);
    }

    private static void lmpop(Client c) {
        long numKeys = rangeLong(c.arg(1), 1, Long.MAX_VALUE, "numkeys should be greater than 0");
        if (numKeys >= c.argc() - 2) {
            throw CommandError.SYNTAX;
        }
        int whereIdx = 2 + (int) numKeys;
        boolean left = isLeft(c.arg(whereIdx));
        long count = mpopCount(c, whereIdx + 1);
        Database db = c.db();
        for (int j = 0; j < numKeys; j++) {
            byte[] key = c.arg(2 + j);
            Entry e = db.lookupWrite(key);
            if (e == null) {
                continue;
            }
            ListValue l = list(e);
            if (l.isEmpty()) {
                continue;
            }
            c.reply().arrayHeader(2);
            c.reply().bulk(key);
            popRange(c, l, left, count);
            elementsRemoved(c, e, left);
            return;
        }
        c.reply().nullArray();
    }
}
