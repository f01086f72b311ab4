package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.ServerConfig;
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

import static io.mnemos.command.CommandFlag.BLOCKING;
import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Stream commands (Redis 7.0's t_stream.c), reply for reply and error for error: XADD, XLEN,
 * XRANGE, XREVRANGE, XDEL, XTRIM, XSETID, XREAD. The data structure is {@link StreamValue}.
 *
 * <p>As in Redis every command parses its arguments before it looks the key up, so a syntax error
 * wins over WRONGTYPE (XDEL, which looks the key up first, excepted). XADD propagates the ID it
 * generated, and an approximate trim (~) propagates as the exact trim it turned out to be
 * ({@code MAXLEN = <length>} or {@code MINID = <first id>}), so that an AOF replays to the same
 * stream.
 */
public final class StreamCommands implements CommandFamily {
    static final String INVALID_ID = "Invalid stream ID specified as stream command argument";

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("xadd", -5).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Appends a new entry to a stream")
                        .complexity("O(1) when adding a new entry, O(N) when trimming where N being the number of "
                                + "entries evicted.")
                        .handler(StreamCommands::xadd).build(),
                command("xlen", 2).flags(READONLY, FAST).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Return the number of entries in a stream").complexity("O(1)")
                        .handler(StreamCommands::xlen).build(),
                command("xrange", -4).flags(READONLY).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Return a range of elements in a stream, with IDs matching the specified IDs "
                                + "interval")
                        .complexity("O(N) with N being the number of elements being returned. If N is constant "
                                + "(e.g. always asking for the first 10 elements with COUNT), you can consider it "
                                + "O(1).")
                        .handler(c -> xrange(c, false)).build(),
                command("xrevrange", -4).flags(READONLY).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Return a range of elements in a stream, with IDs matching the specified IDs "
                                + "interval, in reverse order (from greater to smaller IDs) compared to XRANGE")
                        .complexity("O(N) with N being the number of elements returned. If N is constant (e.g. "
                                + "always asking for the first 10 elements with COUNT), you can consider it O(1).")
                        .handler(c -> xrange(c, true)).build(),
                command("xdel", -3).flags(WRITE, FAST).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Removes the specified entries from the stream. Returns the number of items "
                                + "actually deleted, that may be different from the number of IDs passed in case "
                                + "certain IDs do not exist.")
                        .complexity("O(1) for each single item to delete in the stream, regardless of the stream "
                                + "size.")
                        .handler(StreamCommands::xdel).build(),
                command("xtrim", -4).flags(WRITE).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("Trims the stream to (approximately if '~' is passed) a certain size")
                        .complexity("O(N), with N being the number of evicted entries. Constant times are very "
                                + "small however, since entries are organized in macro nodes containing multiple "
                                + "entries that can be released with a single deallocation.")
                        .handler(StreamCommands::xtrim).build(),
                command("xread", -4).flags(READONLY, BLOCKING, MOVABLEKEYS).keys(0, 0, 0).group("stream")
                        .since("5.0.0")
                        .summary("Return never seen elements in multiple streams, with IDs greater than the ones "
                                + "reported by the caller for each stream. Can block.")
                        .complexity("For each stream mentioned: O(N) with N being the number of elements being "
                                + "returned, it means that XREAD-ing with a fixed COUNT is O(1). Note that when the "
                                + "BLOCK option is used, XADD will pay O(M) time in order to serve the M clients "
                                + "blocked on the stream getting new data.")
                        .handler(c -> xread(c, false)).build(),
                command("xreadgroup", -7).flags(WRITE, BLOCKING, MOVABLEKEYS).keys(0, 0, 0).group("stream")
                        .since("5.0.0")
                        .summary("Return new entries from a stream using a consumer group, or access the history of "
                                + "the pending entries for a given consumer. Can block.")
                        .complexity("For each stream mentioned: O(M) with M being the number of elements returned. "
                                + "If M is constant (e.g. always asking for the first 10 elements with COUNT), you "
                                + "can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the "
                                + "O(N) time in order to serve the N clients blocked on the stream getting new data.")
                        .handler(c -> xread(c, true)).build(),
                command("xsetid", -3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("stream").since("5.0.0")
                        .summary("An internal command for replicating stream values").complexity("O(1)")
                        .handler(StreamCommands::xsetid).build());
    }

    // ---------------------------------------------------------------- IDs

    /**
     * streamGenericParseIDOrReply: {@code -} and {@code +} (unless strict), {@code ms}, {@code ms-seq}
     * and, when {@code seqGiven} is asked for, {@code ms-*}. The argument is read as the C string
     * Redis copies it into (up to a NUL, at most 127 bytes); each number as string2ull reads it.
     *
     * @param seqGiven null, or a one-element array set to whether the sequence was given
     */
    static StreamId parseId(byte[] arg, long missingSeq, boolean strict, boolean[] seqGiven) {
        if (arg.length > 127) {
            throw CommandError.err(INVALID_ID);
        }
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        if (strict && n == 1 && (arg[0] == '-' || arg[0] == '+')) {
            throw CommandError.err(INVALID_ID);
        }
        if (seqGiven != null) {
            seqGiven[0] = true;
        }
        if (n == 1 && arg[0] == '-') {
            return StreamId.MIN;
        }
        if (n == 1 && arg[0] == '+') {
            return StreamId.MAX;
        }
        int dash = -1;
        for (int i = 0; i < n; i++) {
            if (arg[i] == '-') {
                dash = i;
                break;
            }
        }
        Long ms = string2ull(arg, 0, dash < 0 ? n : dash);
        if (ms == null) {
            throw CommandError.err(INVALID_ID);
        }
        long seq;
        if (dash >= 0) {
            if (seqGiven != null && n - dash - 1 == 1 && arg[dash + 1] == '*') {
                seq = 0;
                seqGiven[0] = false;
            } else {
                Long s = string2ull(arg, dash + 1, n);
                if (s == null) {
                    throw CommandError.err(INVALID_ID);
                }
                seq = s;
            }
        } else {
            seq = missingSeq;
        }
        return new StreamId(ms, seq);
    }

    /**
     * Redis's string2ull: a canonical non-negative long, else what strtoull accepts whole (leading
     * spaces, a sign, leading zeros; a minus negates modulo 2^64); null when it fails or overflows.
     */
    static Long string2ull(byte[] s, int from, int to) {
        byte[] part = java.util.Arrays.copyOfRange(s, from, to);
        Long ll = Numbers.string2ll(part);
        if (ll != null) {
            return ll < 0 ? null : ll;
        }
        int i = from;
        while (i < to && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) {
            i++;
        }
        boolean negative = false;
        if (i < to && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        if (i == to || s[i] < '0' || s[i] > '9') {
            return null; // no digits: endptr stays at the start
        }
        long v = 0;
        for (; i < to; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return null;
            }
            long hi = Math.unsignedMultiplyHigh(v, 10);
            long lo = v * 10;
            long sum = lo + d;
            if (hi != 0 || Long.compareUnsigned(sum, lo) < 0) {
                return null; // ERANGE
            }
            v = sum;
        }
        return negative ? -v : v;
    }

    /** streamParseIntervalIDOrReply: an ID, or with a '(' prefix an exclusive (strict) one. */
    static StreamId parseIntervalId(byte[] arg, long missingSeq, boolean[] exclusive) {
        exclusive[0] = arg.length > 1 && arg[0] == '(';
        if (exclusive[0]) {
            return parseId(java.util.Arrays.copyOfRange(arg, 1, arg.length), missingSeq, true, null);
        }
        return parseId(arg, missingSeq, false, null);
    }

    // ---------------------------------------------------------------- helpers

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    private static StreamValue read(Client c, byte[] key) {
        return TypedLookup.valueAs(c.db().lookupRead(key), StreamValue.class);
    }

    private static StreamValue write(Client c, byte[] key) {
        return TypedLookup.valueAs(c.db().lookupWrite(key), StreamValue.class);
    }

    /** mustObeyClient: the AOF loader's commands are replayed without a LIMIT of their own. */
    private static boolean mustObey(Client c) {
        return c.id() == Client.AOF_CLIENT_ID;
    }

    // ---------------------------------------------------------------- XADD / XTRIM arguments

    private static final int TRIM_NONE = 0;
    private static final int TRIM_MAXLEN = 1;
    private static final int TRIM_MINID = 2;

    /** streamAddTrimArgs. */
    /**
     * MAXLEN or MINID at {@code i}: refuses a second strategy, takes an optional '~' (approximate)
     * or '=', and returns the index of the threshold.
     */
    private static int trimThreshold(Client c, AddTrimArgs args, int i, int moreargs) {
        if (args.strategy != TRIM_NONE) {
            throw CommandError.err("syntax error, MAXLEN and MINID options at the same time are not compatible");
        }
        args.approx = false;
        byte[] next = c.arg(i + 1);
        if (moreargs >= 2 && isSymbol(next, '~')) {
            args.approx = true;
            i++;
        } else if (moreargs >= 2 && isSymbol(next, '=')) {
            i++;
        }
        return i + 1;
    }

    private static final class AddTrimArgs {
        StreamId id;
        boolean idGiven;
        boolean seqGiven;
        boolean noMkStream;
        int strategy = TRIM_NONE;
        int strategyArgIdx;
        boolean approx;
        long limit;
        long maxLen;
        StreamId minId = StreamId.MIN;

        StreamValue.Trim trim() {
            return new StreamValue.Trim(strategy == TRIM_MAXLEN, maxLen, minId, approx, limit);
        }
    }

    /** streamParseAddOrTrimArgsOrReply: the options; for XADD returns the ID's position. */
    private static int parseAddOrTrim(Client c, AddTrimArgs args, boolean xadd) {
        int i = 2;
        boolean limitGiven = false;
        for (; i < c.argc(); i++) {
            int moreargs = c.argc() - 1 - i;
            byte[] opt = c.arg(i);
            if (xadd && opt.length >= 1 && opt[0] == '*' && (opt.length == 1 || opt[1] == 0)) {
                break; // the common case of an auto-generated ID
            } else if (Args.is(opt, "maxlen") && moreargs > 0) {
                i = trimThreshold(c, args, i, moreargs);
                args.maxLen = Args.parseLong(c.arg(i));
                if (args.maxLen < 0) {
                    throw CommandError.err("The MAXLEN argument must be >= 0.");
                }
                args.strategy = TRIM_MAXLEN;
                args.strategyArgIdx = i;
            } else if (Args.is(opt, "minid") && moreargs > 0) {
                i = trimThreshold(c, args, i, moreargs);
                args.minId = parseId(c.arg(i), 0, true, null);
                args.strategy = TRIM_MINID;
                args.strategyArgIdx = i;
            } else if (Args.is(opt, "limit") && moreargs > 0) {
                args.limit = Args.parseLong(c.arg(i + 1));
                if (args.limit < 0) {
                    throw CommandError.err("The LIMIT argument must be >= 0.");
                }
                limitGiven = true;
                i++;
            } else if (xadd && Args.is(opt, "nomkstream")) {
                args.noMkStream = true;
            } else if (xadd) {
                boolean[] seqGiven = new boolean[1];
                args.id = parseId(opt, 0, true, seqGiven);
                args.seqGiven = seqGiven[0];
                args.idGiven = true;
                break;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (args.limit != 0 && args.strategy == TRIM_NONE) {
            throw CommandError.err("syntax error, LIMIT cannot be used without specifying a trimming strategy");
        }
        if (!xadd && args.strategy == TRIM_NONE) {
            throw CommandError.err("syntax error, XTRIM must be called with a trimming strategy");
        }
        if (mustObey(c)) {
            args.limit = 0;
        } else if (limitGiven) {
            if (!args.approx) {
                throw CommandError.err("syntax error, LIMIT cannot be used without the special ~ option");
            }
        } else if (args.approx) {
            // At most 100 nodes' worth of entries per trim, bounded both ways as Redis does.
            long nodeMaxEntries = c.server().config().streamNodeMaxEntries;
            long limit = nodeMaxEntries > Long.MAX_VALUE / 100 ? -1 : 100 * nodeMaxEntries;
            if (limit <= 0) {
                limit = 10000;
            }
            args.limit = Math.min(limit, 1000000);
        } else {
            args.limit = 0;
        }
        return i;
    }

    /** A one-character argument (Redis compares the C string: a NUL ends it). */
    private static boolean isSymbol(byte[] arg, char ch) {
        return arg.length >= 1 && arg[0] == ch && (arg.length == 1 || arg[1] == 0);
    }

    /**
     * streamRewriteApproxSpecifier and streamRewriteTrimArgument: "~ n" becomes "= length" (or
     * "= first id" for MINID), in the argv that will be propagated.
     */
    private static void rewriteApproxTrim(byte[][] argv, StreamValue s, AddTrimArgs args) {
        argv[args.strategyArgIdx - 1] = "=".getBytes(StandardCharsets.US_ASCII);
        argv[args.strategyArgIdx] = args.strategy == TRIM_MAXLEN
                ? Numbers.toBytes(s.length()) : s.edgeId(true, false).toBytes();
    }

    // ---------------------------------------------------------------- commands

    private static void xadd(Client c) {
        AddTrimArgs args = new AddTrimArgs();
        int idpos = parseAddOrTrim(c, args, true);
        int fieldPos = idpos + 1;
        if (c.argc() - fieldPos < 2 || (c.argc() - fieldPos) % 2 == 1) {
            throw CommandError.err("wrong number of arguments for 'xadd' command");
        }
        if (args.idGiven && args.seqGiven && args.id.isZero()) {
            throw CommandError.err("The ID specified in XADD must be greater than 0-0");
        }
        byte[] key = c.arg(1);
        Database db = c.db();
        StreamValue s = write(c, key);
        if (s == null) {
            if (args.noMkStream) {
                c.reply().nullBulk();
                return;
            }
            s = new StreamValue();
            db.add(key, s);
        }
        if (s.lastId().equals(StreamId.MAX)) {
            throw CommandError.err("The stream has exhausted the last possible ID, unable to add more items");
        }
        ServerConfig config = c.server().config();
        Object added = s.append(c.argv(), fieldPos, (c.argc() - fieldPos) / 2, args.idGiven ? args.id : null,
                args.seqGiven, db.now(), config.streamNodeMaxBytes, config.streamNodeMaxEntries);
        if (added == StreamValue.AppendFailure.ID_TOO_SMALL) {
            throw CommandError.err("The ID specified in XADD is equal or smaller than the target stream top item");
        } else if (added == StreamValue.AppendFailure.TOO_LARGE) {
            throw CommandError.err("Elements are too large to be stored");
        }
        StreamId id = (StreamId) added;
        byte[] idText = id.toBytes();
        c.reply().bulk(idText);
        Events.stream(c, "xadd", key);
        dirty(c, 1);
        // New entries for the stream's XREAD and XREADGROUP waiters (a write to an existing key
        // readies nothing by itself).
        c.server().blockedClients().signalKeyAsReady(db, key, ValueType.STREAM);

        byte[][] propagated = null;
        if (args.strategy != TRIM_NONE) {
            if (s.trim(args.trim()) != 0) {
                Events.stream(c, "xtrim", key);
            }
            if (args.approx) {
                propagated = c.argv().clone();
                rewriteApproxTrim(propagated, s, args);
            }
        }
        if (!args.idGiven || !args.seqGiven) {
            if (propagated == null) {
                propagated = c.argv().clone();
            }
            propagated[idpos] = idText;
        }
        if (propagated != null) {
            c.server().propagation().propagateInstead(propagated);
        }
    }

    private static void xlen(Client c) {
        StreamValue s = read(c, c.arg(1));
        c.reply().integer(s == null ? 0 : s.length());
    }

    /** xrangeGenericCommand: XRANGE key start end [COUNT n], XREVRANGE key end start [COUNT n]. */
    private static void xrange(Client c, boolean rev) {
        byte[] startArg = rev ? c.arg(3) : c.arg(2);
        byte[] endArg = rev ? c.arg(2) : c.arg(3);
        boolean[] exclusive = new boolean[1];
        StreamId start = parseIntervalId(startArg, 0, exclusive);
        if (exclusive[0]) {
            start = start.next();
            if (start == null) {
                throw CommandError.err("invalid start ID for the interval");
            }
        }
        StreamId end = parseIntervalId(endArg, -1L, exclusive);
        if (exclusive[0]) {
            end = end.previous();
            if (end == null) {
                throw CommandError.err("invalid end ID for the interval");
            }
        }
        long count = -1;
        for (int j = 4; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            if (Args.is(c.arg(j), "count") && additional >= 1) {
                count = Args.parseLong(c.arg(j + 1));
                if (count < 0) {
                    count = 0;
                }
                j++;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().emptyArray();
            return;
        }
        StreamValue s = TypedLookup.valueAs(e, StreamValue.class);
        if (count == 0) {
            c.reply().nullArray();
            return;
        }
        replyRange(c.reply(), s, start, end, count == -1 ? 0 : count, rev);
    }

    /** The entries a cursor walks, at most {@code count} (0: all): their IDs and field/value pairs. */
    static void collect(StreamValue.Cursor cur, long count, List<StreamId> ids, List<byte[][]> bodies) {
        for (StreamId id = cur.next(); id != null; id = cur.next()) {
            byte[][] body = new byte[(int) cur.fieldCount() * 2][];
            for (int i = 0; i < body.length; i += 2) {
                cur.nextField();
                body[i] = cur.field();
                body[i + 1] = cur.value();
            }
            ids.add(id);
            bodies.add(body);
            if (count != 0 && ids.size() == count) {
                break;
            }
        }
    }

    /** streamReplyWithRange without a group: [[id, [field, value, ...]], ...], at most count (0: all). */
    static long replyRange(ReplyWriter reply, StreamValue s, StreamId start, StreamId end, long count, boolean rev) {
        List<StreamId> ids = new ArrayList<>();
        List<byte[][]> bodies = new ArrayList<>();
        collect(s.cursor(start, end, rev), count, ids, bodies);
        reply.arrayHeader(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            reply.arrayHeader(2);
            reply.bulk(ids.get(i).toBytes());
            byte[][] body = bodies.get(i);
            reply.arrayHeader(body.length);
            for (byte[] b : body) {
                reply.bulk(b);
            }
        }
        return ids.size();
    }

    private static void xdel(Client c) {
        byte[] key = c.arg(1);
        StreamValue s = write(c, key);
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        // All IDs are checked first, so that a bad one does not leave the command half done.
        StreamId[] ids = new StreamId[c.argc() - 2];
        for (int j = 2; j < c.argc(); j++) {
            ids[j - 2] = parseId(c.arg(j), 0, true, null);
        }
        long deleted = 0;
        boolean firstEntry = false;
        for (StreamId id : ids) {
            StreamId first = s.firstId();
            if (s.delete(id)) {
                if (id.equals(first)) {
                    firstEntry = true;
                }
                deleted++;
            }
        }
        if (deleted != 0) {
            s.afterDeletions(firstEntry);
            Events.stream(c, "xdel", key);
            dirty(c, deleted);
        }
        c.reply().integer(deleted);
    }

    private static void xtrim(Client c) {
        AddTrimArgs args = new AddTrimArgs();
        parseAddOrTrim(c, args, false);
        byte[] key = c.arg(1);
        StreamValue s = write(c, key);
        if (s == null) {
            c.reply().integer(0);
            return;
        }
        long deleted = s.trim(args.trim());
        if (deleted != 0) {
            Events.stream(c, "xtrim", key);
            if (args.approx) {
                byte[][] propagated = c.argv().clone();
                rewriteApproxTrim(propagated, s, args);
                c.server().propagation().propagateInstead(propagated);
            }
            dirty(c, deleted);
        }
        c.reply().integer(deleted);
    }

    /** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]. */
    private static void xsetid(Client c) {
        StreamId id = parseId(c.arg(2), 0, true, null);
        StreamId maxXdel = StreamId.MIN;
        long entriesAdded = -1;
        int i = 3;
        while (i < c.argc()) {
            int moreargs = c.argc() - 1 - i;
            byte[] opt = c.arg(i);
            if (Args.is(opt, "entriesadded") && moreargs > 0) {
                entriesAdded = Args.parseLong(c.arg(i + 1));
                if (entriesAdded < 0) {
                    throw CommandError.err("entries_added must be positive");
                }
                i += 2;
            } else if (Args.is(opt, "maxdeletedid") && moreargs > 0) {
                maxXdel = parseId(c.arg(i + 1), 0, true, null);
                if (id.compareTo(maxXdel) < 0) {
                    throw CommandError.err("The ID specified in XSETID is smaller than the provided "
                            + "max_deleted_entry_id");
                }
                i += 2;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Entry e = c.db().lookupWrite(c.arg(1));
        if (e == null) {
            throw CommandError.NO_SUCH_KEY;
        }
        StreamValue s = TypedLookup.valueAs(e, StreamValue.class);
        // Unlike later versions, Redis 7.0 does not compare the ID with the current max_deleted_entry_id.
        if (s.length() > 0) {
            if (id.compareTo(s.lastValidId()) < 0) {
                throw CommandError.err("The ID specified in XSETID is smaller than the target stream top item");
            }
            if (entriesAdded != -1 && Long.compareUnsigned(s.length(), entriesAdded) > 0) {
                throw CommandError.err("The entries_added specified in XSETID is smaller than the target "
                        + "stream length");
            }
        }
        s.setLastId(id);
        if (entriesAdded != -1) {
            s.setEntriesAdded(entriesAdded);
        }
        if (!maxXdel.isZero()) {
            s.setMaxDeletedId(maxXdel);
        }
        c.reply().ok();
        dirty(c, 1);
        Events.stream(c, "xsetid", c.arg(1));
    }

    /** XREAD's COUNT for a client served after blocking without one (XREAD_BLOCKED_DEFAULT_COUNT). */
    private static final long BLOCKED_DEFAULT_COUNT = 1000;

    /** Where XREADGROUP's group and consumer are, and what its deliveries propagate as. */
    private record GroupRead(byte[] groupName, byte[] consumerName, boolean noack, List<byte[][]> propagated) {
    }

    /**
     * xreadCommand: XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...], and
     * XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS key ... id ...: the
     * entries above each ID for the streams that have some. XREAD's '$' is the stream's last ID;
     * XREADGROUP's '>' delivers entries never delivered to the group (creating pending entries
     * unless NOACK), any other ID re-reads the consumer's own pending entries. With nothing to
     * return and BLOCK the client waits; '$' is then rewritten into the stream's last ID so that
     * the command, run again when an XADD makes the key ready, reads what was added. A client
     * served after blocking gets only the stream that became ready, at most 1000 entries without
     * COUNT, as Redis serves it.
     */
    static void xread(Client c, boolean xreadgroup) {
        long timeout = -1;
        long count = 0;
        int streamsArg = 0;
        int streamsCount = 0;
        byte[] groupName = null;
        byte[] consumerName = null;
        boolean noack = false;
        for (int i = 1; i < c.argc(); i++) {
            int moreargs = c.argc() - i - 1;
            byte[] o = c.arg(i);
            if (Args.is(o, "block") && moreargs > 0) {
                if (c.scriptClient()) {
                    // Redis refuses BLOCK in scripts outright rather than just not blocking.
                    throw CommandError.err(Args.text(c.arg(0)) + " command is not allowed with BLOCK option from "
                            + "scripts");
                }
                i++;
                timeout = Args.parseLong(c.arg(i), "timeout is not an integer or out of range");
                if (timeout < 0) {
                    throw CommandError.err("timeout is negative");
                }
            } else if (Args.is(o, "count") && moreargs > 0) {
                i++;
                count = Math.max(0, Args.parseLong(c.arg(i)));
            } else if (Args.is(o, "streams") && moreargs > 0) {
                streamsArg = i + 1;
                streamsCount = c.argc() - streamsArg;
                if (streamsCount % 2 != 0) {
                    throw CommandError.err("Unbalanced XREAD list of streams: for each stream key an ID or '$' "
                            + "must be specified.");
                }
                streamsCount /= 2;
                break;
            } else if (Args.is(o, "group") && moreargs >= 2) {
                if (!xreadgroup) {
                    throw CommandError.err("The GROUP option is only supported by XREADGROUP. You called XREAD "
                            + "instead.");
                }
                groupName = c.arg(i + 1);
                consumerName = c.arg(i + 2);
                i += 2;
            } else if (Args.is(o, "noack")) {
                if (!xreadgroup) {
                    throw CommandError.err("The NOACK option is only supported by XREADGROUP. You called XREAD "
                            + "instead.");
                }
                noack = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (streamsArg == 0) {
            throw CommandError.SYNTAX;
        }
        if (xreadgroup && groupName == null) {
            throw CommandError.err("Missing GROUP option for XREADGROUP");
        }
        GroupRead gr = xreadgroup ? new GroupRead(groupName, consumerName, noack, new ArrayList<>()) : null;
        if (gr != null) {
            // preventCommandPropagation: what XREADGROUP did propagates as XCLAIM / XGROUP commands only.
            c.server().propagation().replaceWith(gr.propagated());
        }
        Database db = c.db();
        StreamId[] ids = new StreamId[streamsCount];
        StreamGroup[] groups = new StreamGroup[streamsCount];
        byte[] served = c.server().blockedClients().servingKey(c);
        for (int i = 0; i < streamsCount; i++) {
            byte[] key = c.arg(streamsArg + i);
            if (served != null && !java.util.Arrays.equals(served, key)) {
                continue; // serveClientsBlockedOnStreamKey looks at the ready stream only, whatever the others hold
            }
            StreamValue s = TypedLookup.valueAs(db.lookupRead(key), StreamValue.class);
            if (gr != null) {
                groups[i] = s == null ? null : s.group(groupName);
                if (groups[i] == null) {
                    if (served != null && s != null) {
                        throw new CommandError("NOGROUP the consumer group this client was blocked on no longer "
                                + "exists");
                    }
                    throw new CommandError("NOGROUP No such key '" + Args.text(key) + "' or consumer group '"
                            + Args.text(groupName) + "' in XREADGROUP with GROUP option");
                }
            }
            String idArg = Args.text(c.arg(streamsArg + streamsCount + i));
            if (idArg.equals("$")) {
                if (gr != null) {
                    throw CommandError.err("The $ ID is meaningless in the context of XREADGROUP: you want to read "
                            + "the history of this consumer by specifying a proper ID, or use the > ID to get new "
                            + "messages. The $ ID would just return an empty result set.");
                }
                ids[i] = s == null ? StreamId.MIN : s.lastId();
            } else if (idArg.equals(">")) {
                if (gr == null) {
                    throw CommandError.err("The > ID can be specified only when calling XREADGROUP using the GROUP "
                            + "<group> <consumer> option.");
                }
                ids[i] = StreamId.MAX; // ">": the group's last delivered ID, looked up when serving
            } else {
                ids[i] = parseId(c.arg(streamsArg + streamsCount + i), 0, true, null);
            }
        }

        if (served != null && count == 0) {
            count = BLOCKED_DEFAULT_COUNT;
        }
        ReplyWriter reply = c.reply();
        boolean resp3 = reply.protocol() == 3;
        // Replies are built per stream first: the count of streams served comes before them.
        List<Runnable> parts = new ArrayList<>();
        for (int i = 0; i < streamsCount; i++) {
            byte[] key = c.arg(streamsArg + i);
            if (served != null && !java.util.Arrays.equals(served, key)) {
                continue;
            }
            Entry e = db.lookupRead(key);
            if (e == null) {
                continue;
            }
            StreamValue s = (StreamValue) e.value();
            StreamId gt = ids[i];
            boolean serve = false;
            boolean history = false;
            if (served != null) {
                // serveClientBlockedOnKey: served once the stream's last ID passed the awaited one (for
                // a group, its last delivered ID), even if the entries that moved it are gone again.
                if (gr != null) {
                    gt = groups[i].lastId;
                }
                serve = s.lastId().compareTo(gt) > 0;
            } else if (gr != null) {
                StreamGroup g = groups[i];
                if (!gt.equals(StreamId.MAX)) {
                    serve = true;
                    history = true;
                } else if (s.length() > 0 && s.lastValidId().compareTo(g.lastId) > 0) {
                    serve = true;
                    gt = g.lastId;
                }
            } else if (s.length() > 0 && s.lastValidId().compareTo(gt) > 0) {
                serve = true;
            }
            if (!serve) {
                continue;
            }
            StreamId start = gt.next();
            StreamId from = start == null ? StreamId.MIN : start;
            long n = count;
            boolean pelOnly = history;
            StreamGroup g = groups[i];
            parts.add(() -> {
                if (!resp3) {
                    reply.arrayHeader(2);
                }
                reply.bulk(key);
                // Only a read that serves something creates (or refreshes) the consumer, once the key
                // is in the reply, as xreadCommand: a RESP3 reader of its own events finds it there.
                StreamGroup.Consumer who = null;
                if (gr != null) {
                    who = StreamGroupCommands.lookupOrCreateConsumer(c, key, g, gr.consumerName(), gr.noack(),
                            gr.propagated());
                    who.seenTime = db.now();
                }
                if (gr == null) {
                    replyRange(reply, s, from, null, n, false);
                } else if (pelOnly) {
                    StreamGroupCommands.replyFromConsumerPel(c, s, from, n, who);
                } else {
                    StreamGroupCommands.deliver(c, key, s, g, who, from, n, gr.noack(), gr.groupName(),
                            gr.propagated());
                }
            });
            if (served != null) {
                break; // the ready key once, even if it was named twice
            }
        }
        if (!parts.isEmpty()) {
            if (resp3) {
                reply.mapHeader(parts.size());
            } else {
                reply.arrayHeader(parts.size());
            }
            for (Runnable part : parts) {
                part.run();
            }
            return;
        }
        if (timeout != -1) {
            if (BlockingCommands.denyBlocking(c)) {
                reply.nullArray();
                return;
            }
            List<byte[]> keys = new ArrayList<>();
            byte[][] rerun = c.argv().clone(); // the request itself stays as sent (MONITOR, SLOWLOG)
            for (int i = 0; i < streamsCount; i++) {
                int idArg = streamsArg + streamsCount + i;
                if (Args.text(c.arg(idArg)).equals("$")) {
                    rerun[idArg] = ids[i].toBytes();
                }
                keys.add(c.arg(streamsArg + i));
            }
            long at = timeout == 0 ? 0 : timeout > Long.MAX_VALUE - db.now() ? Long.MAX_VALUE : db.now() + timeout;
            if (served != null) {
                at = c.server().blockedClients().servingTimeoutAt(c); // still the deadline it blocked with
            }
            c.server().blockedClients().block(c, keys, ValueType.STREAM, at, rerun);
            return;
        }
        reply.nullArray();
    }

    /** signalModifiedKey, for the stream writes the dispatcher leaves alone (see CommandDispatcher). */
    static void signalModifiedKey(Client c, byte[] key) {
        c.server().watchedKeys().touch(c.db(), key);
        if (c.server().tracking().any()) {
            c.server().tracking().invalidateKey(c, key, true);
        }
    }
}
