package io.mnemos.command;

import io.mnemos.protocol.RedisDoubles;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.ServerConfig;
import io.mnemos.store.BytesMap;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.SetValue;
import io.mnemos.store.SkipList;
import io.mnemos.store.ZSetValue;

import java.nio.charset.StandardCharsets;
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
 * Sorted set commands (Redis 7.0's t_zset.c), reply for reply and error for error. Handlers check
 * key types themselves, after argument parsing, as Redis does. Scores are replied with
 * {@link ReplyWriter#doubleValue}; WITHSCORES replies are flat in RESP2 and [member, score] pairs in
 * RESP3.
 */
public final class SortedSetCommands implements CommandFamily {
    private static final int RANK = 0;
    private static final int SCORE = 1;
    private static final int LEX = 2;
    private static final int AGGR_SUM = 0;
    private static final int AGGR_MIN = 1;
    private static final int AGGR_MAX = 2;
    private static final int OP_UNION = 0;
    private static final int OP_INTER = 1;
    private static final int OP_DIFF = 2;

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("zadd", -4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Add one or more members to a sorted set, or update its score if it already exists")
                        .complexity("O(log(N)) for each item added, where N is the number of elements in the sorted set.")
                        .handler(SortedSetCommands::zadd).build(),
                command("zincrby", 4).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Increment the score of a member in a sorted set")
                        .complexity("O(log(N)) where N is the number of elements in the sorted set.")
                        .handler(SortedSetCommands::zincrby).build(),
                command("zrem", -3).flags(WRITE, FAST).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Remove one or more members from a sorted set")
                        .complexity("O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.")
                        .handler(SortedSetCommands::zrem).build(),
                command("zcard", 2).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Get the number of members in a sorted set")
                        .complexity("O(1)")
                        .handler(SortedSetCommands::zcard).build(),
                command("zscore", 3).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Get the score associated with the given member in a sorted set")
                        .complexity("O(1)")
                        .handler(SortedSetCommands::zscore).build(),
                command("zmscore", -3).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("6.2.0")
                        .summary("Get the score associated with the given members in a sorted set")
                        .complexity("O(N) where N is the number of members being requested.")
                        .handler(SortedSetCommands::zmscore).build(),
                command("zrank", 3).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("2.0.0")
                        .summary("Determine the index of a member in a sorted set")
                        .complexity("O(log(N))")
                        .handler(SortedSetCommands::zrank).build(),
                command("zrevrank", 3).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("2.0.0")
                        .summary("Determine the index of a member in a sorted set, with scores ordered from high to low")
                        .complexity("O(log(N))")
                        .handler(SortedSetCommands::zrevrank).build(),
                command("zcount", 4).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("2.0.0")
                        .summary("Count the members in a sorted set with scores within the given values")
                        .complexity("O(log(N)) with N being the number of elements in the sorted set.")
                        .handler(SortedSetCommands::zcount).build(),
                command("zlexcount", 4).flags(READONLY, FAST).keys(1, 1, 1).group("sorted-set").since("2.8.9")
                        .summary("Count the number of members in a sorted set between a given lexicographical range")
                        .complexity("O(log(N)) with N being the number of elements in the sorted set.")
                        .handler(SortedSetCommands::zlexcount).build(),
                command("zrange", -4).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Return a range of members in a sorted set")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.")
                        .handler(SortedSetCommands::zrange).build(),
                command("zrangestore", -5).flags(WRITE, DENYOOM).keys(1, 2, 1).group("sorted-set").since("6.2.0")
                        .summary("Store a range of members from sorted set into another key")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.")
                        .handler(SortedSetCommands::zrangestore).build(),
                command("zrangebyscore", -4).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("1.0.5")
                        .summary("Return a range of members in a sorted set, by score")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                        .handler(SortedSetCommands::zrangebyscore).build(),
                command("zrevrangebyscore", -4).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("2.2.0")
                        .summary("Return a range of members in a sorted set, by score, with scores ordered from high to low")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                        .handler(SortedSetCommands::zrevrangebyscore).build(),
                command("zrangebylex", -4).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("2.8.9")
                        .summary("Return a range of members in a sorted set, by lexicographical range")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                        .handler(SortedSetCommands::zrangebylex).build(),
                command("zrevrangebylex", -4).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("2.8.9")
                        .summary("Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).")
                        .handler(SortedSetCommands::zrevrangebylex).build(),
                command("zrevrange", -4).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Return a range of members in a sorted set, by index, with scores ordered from high to low")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.")
                        .handler(SortedSetCommands::zrevrange).build(),
                command("zremrangebyrank", 4).flags(WRITE).keys(1, 1, 1).group("sorted-set").since("2.0.0")
                        .summary("Remove all members in a sorted set within the given indexes")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
                        .handler(SortedSetCommands::zremrangebyrank).build(),
                command("zremrangebyscore", 4).flags(WRITE).keys(1, 1, 1).group("sorted-set").since("1.2.0")
                        .summary("Remove all members in a sorted set within the given scores")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
                        .handler(SortedSetCommands::zremrangebyscore).build(),
                command("zremrangebylex", 4).flags(WRITE).keys(1, 1, 1).group("sorted-set").since("2.8.9")
                        .summary("Remove all members in a sorted set between the given lexicographical range")
                        .complexity("O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.")
                        .handler(SortedSetCommands::zremrangebylex).build(),
                command("zpopmin", -2).flags(WRITE, FAST).keys(1, 1, 1).group("sorted-set").since("5.0.0")
                        .summary("Remove and return members with the lowest scores in a sorted set")
                        .complexity("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.")
                        .handler(SortedSetCommands::zpopmin).build(),
                command("zpopmax", -2).flags(WRITE, FAST).keys(1, 1, 1).group("sorted-set").since("5.0.0")
                        .summary("Remove and return members with the highest scores in a sorted set")
                        .complexity("O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.")
                        .handler(SortedSetCommands::zpopmax).build(),
                command("zmpop", -4).flags(WRITE, MOVABLEKEYS).keys(0, 0, 0).group("sorted-set").since("7.0.0")
                        .summary("Remove and return members with scores in a sorted set")
                        .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.")
                        .handler(SortedSetCommands::zmpop).build(),
                command("zrandmember", -2).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("6.2.0")
                        .summary("Get one or multiple random elements from a sorted set")
                        .complexity("O(N) where N is the number of elements returned")
                        .handler(SortedSetCommands::zrandmember).build(),
                command("zunion", -3).flags(READONLY, MOVABLEKEYS).keys(0, 0, 0).group("sorted-set").since("6.2.0")
                        .summary("Add multiple sorted sets")
                        .complexity("O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.")
                        .handler(SortedSetCommands::zunion).build(),
                command("zinter", -3).flags(READONLY, MOVABLEKEYS).keys(0, 0, 0).group("sorted-set").since("6.2.0")
                        .summary("Intersect multiple sorted sets")
                        .complexity("O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.")
                        .handler(SortedSetCommands::zinter).build(),
                command("zdiff", -3).flags(READONLY, MOVABLEKEYS).keys(0, 0, 0).group("sorted-set").since("6.2.0")
                        .summary("Subtract multiple sorted sets")
                        .complexity("O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.")
                        .handler(SortedSetCommands::zdiff).build(),
                command("zunionstore", -4).flags(WRITE, DENYOOM, MOVABLEKEYS).keys(1, 1, 1).group("sorted-set").since("2.0.0")
                        .summary("Add multiple sorted sets and store the resulting sorted set in a new key")
                        .complexity("O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.")
                        .handler(SortedSetCommands::zunionstore).build(),
                command("zinterstore", -4).flags(WRITE, DENYOOM, MOVABLEKEYS).keys(1, 1, 1).group("sorted-set").since("2.0.0")
                        .summary("Intersect multiple sorted sets and store the resulting sorted set in a new key")
                        .complexity("O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.")
                        .handler(SortedSetCommands::zinterstore).build(),
                command("zdiffstore", -4).flags(WRITE, DENYOOM, MOVABLEKEYS).keys(1, 1, 1).group("sorted-set").since("6.2.0")
                        .summary("Subtract multiple sorted sets and store the resulting sorted set in a new key")
                        .complexity("O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.")
                        .handler(SortedSetCommands::zdiffstore).build(),
                command("zintercard", -3).flags(READONLY, MOVABLEKEYS).keys(0, 0, 0).group("sorted-set").since("7.0.0")
                        .summary("Intersect multiple sorted sets and return the cardinality of the result")
                        .complexity("O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.")
                        .handler(SortedSetCommands::zintercard).build(),
                command("zscan", -3).flags(READONLY).keys(1, 1, 1).group("sorted-set").since("2.8.0")
                        .summary("Incrementally iterate sorted sets elements and associated scores")
                        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..")
                        .handler(SortedSetCommands::zscan).build());
    }

    // ---- lookups and helpers ----

    static ZSetValue readZset(Client c, byte[] key) {
        return TypedLookup.valueAs(c.db().lookupRead(key), ZSetValue.class);
    }

    static ZSetValue writeZset(Client c, byte[] key) {
        return TypedLookup.valueAs(c.db().lookupWrite(key), ZSetValue.class);
    }


    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    private static ServerConfig cfg(Client c) {
        return c.server().config();
    }

    /**
     * Redis's string2d (getDoubleFromObject): strtod over the whole string, no surrounding spaces,
     * no NaN, and no overflow to infinity or underflow to zero.
     */
    static Double parseScore(byte[] s) {
        double small = smallInteger(s);
        if (small == small) { // not NaN: a plain integer, exact as a double
            return small;
        }
        Double d = Args.parseDoubleOrNull(s);
        return d == null || Args.overflowsOrUnderflowsToZero(s, d) ? null : d;
    }

    /**
     * The value of a score written as a plain decimal integer of at most 15 digits (what strtod
     * reads exactly, without building strings), or NaN for anything else.
     */
    private static double smallInteger(byte[] s) {
        int n = s.length;
        int i = n > 0 && s[0] == '-' ? 1 : 0;
        if (n == i || n - i > 15) {
            return Double.NaN;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = s[i] - '0';
            if (d < 0 || d > 9) {
                return Double.NaN;
            }
            v = v * 10 + d;
        }
        return s[0] == '-' ? -(double) v : (double) v;
    }

    private static double score(byte[] s, String error) {
        double small = smallInteger(s);
        if (small == small) { // the common case, without boxing
            return small;
        }
        Double d = parseScore(s);
        if (d == null) {
            throw error == null ? CommandError.NOT_FLOAT : CommandError.err(error);
        }
        return d;
    }

    /** getPositiveLongFromObjectOrReply with Redis's default message. */
    private static long positive(byte[] arg) {
        Long v = Args.parseLongOrNull(arg);
        if (v == null || v < 0) {
            throw CommandError.err("value is out of range, must be positive");
        }
        return v;
    }

    /** Deletes an emptied sorted set, with its "del" event. */
    private static void deleteIfEmpty(Client c, byte[] key, ZSetValue z) {
        if (z.size() == 0) {
            c.db().delete(key);
            Events.generic(c, "del", key);
        }
    }

    // ---- ZADD / ZINCRBY ----

    private static void zadd(Client c) {
        zaddGeneric(c, c.argv(), false);
    }

    private static void zincrby(Client c) {
        zaddGeneric(c, c.argv(), true);
    }

    /**
     * ZADD with the arguments {@code argv} rather than the client's own: GEOADD, like Redis's
     * geoaddCommand, turns its arguments into a ZADD and runs it.
     */
    static void zadd(Client c, byte[][] argv) {
        zaddGeneric(c, argv, false);
    }

    private static void zaddGeneric(Client c, byte[][] argv, boolean incrCommand) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = incrCommand;
        int scoreidx = 2;
        while (scoreidx < argv.length) {
            byte[] opt = argv[scoreidx];
            if (Args.is(opt, "nx")) {
                nx = true;
            } else if (Args.is(opt, "xx")) {
                xx = true;
            } else if (Args.is(opt, "ch")) {
                ch = true;
            } else if (Args.is(opt, "incr")) {
                incr = true;
            } else if (Args.is(opt, "gt")) {
                gt = true;
            } else if (Args.is(opt, "lt")) {
                lt = true;
            } else {
                break;
            }
            scoreidx++;
        }
        int elements = argv.length - scoreidx;
        if (elements % 2 != 0 || elements == 0) {
            throw CommandError.SYNTAX;
        }
        elements /= 2;
        if (nx && xx) {
            throw CommandError.err("XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw CommandError.err("GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw CommandError.err("INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = score(argv[scoreidx + j * 2], null);
        }
        byte[] key = argv[1];
        ZSetValue z = writeZset(c, key);
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        ServerConfig cfg = cfg(c);
        if (z == null) {
            if (xx) {
                replyZadd(c, incr, ch, 0, 0, 0, 0);
                return;
            }
            // Redis 7.0 sizes a new set by its first member alone (the pairs may repeat a member):
            // the adds below convert it once the members really outgrow the listpack.
            z = ZSetValue.create(1, argv[scoreidx + 1].length, cfg.zsetMaxListpackEntries,
                    cfg.zsetMaxListpackValue);
            c.db().add(key, z);
        }
        int flags = (incr ? ZSetValue.IN_INCR : 0) | (nx ? ZSetValue.IN_NX : 0) | (xx ? ZSetValue.IN_XX : 0)
                | (gt ? ZSetValue.IN_GT : 0) | (lt ? ZSetValue.IN_LT : 0);
        double[] newScore = new double[1];
        for (int j = 0; j < elements; j++) {
            int out = z.add(argv[scoreidx + 1 + j * 2], scores[j], flags, newScore,
                    cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
            if (out == ZSetValue.OUT_NAN) {
                throw CommandError.err("resulting score is not a number (NaN)");
            }
            if (out == ZSetValue.OUT_ADDED) {
                added++;
            } else if (out == ZSetValue.OUT_UPDATED) {
                updated++;
            }
            if (out != ZSetValue.OUT_NOP) {
                processed++;
                score = newScore[0];
            }
        }
        dirty(c, added + updated);
        replyZadd(c, incr, ch, added, updated, processed, score);
        // After the reply, as zaddGenericCommand's cleanup: a RESP3 subscriber adding sees that order.
        if (added + updated > 0) {
            Events.zset(c, incr ? "zincr" : "zadd", key);
        }
    }

    private static void replyZadd(Client c, boolean incr, boolean ch, long added, long updated, long processed,
                                  double score) {
        if (incr) {
            if (processed > 0) {
                c.reply().doubleValue(score);
            } else {
                c.reply().nullBulk();
            }
        } else {
            c.reply().integer(ch ? added + updated : added);
        }
    }

    // ---- simple reads and removal ----

    private static void zrem(Client c) {
        byte[] key = c.arg(1);
        ZSetValue z = writeZset(c, key);
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        long deleted = 0;
        for (int i = 2; i < c.argc(); i++) {
            if (z.remove(c.arg(i))) {
                deleted++;
                if (z.size() == 0) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            Events.zset(c, "zrem", key);
            deleteIfEmpty(c, key, z);
        }
        dirty(c, deleted);
        c.reply().integer(deleted);
    }

    private static void zcard(Client c) {
        ZSetValue z = readZset(c, c.arg(1));
        c.reply().integer(z == null ? 0 : z.size());
    }

    private static void zscore(Client c) {
        ZSetValue z = readZset(c, c.arg(1));
        Double s = z == null ? null : z.score(c.arg(2));
        if (s == null) {
            c.reply().nullBulk();
        } else {
            c.reply().doubleValue(s);
        }
    }

    private static void zmscore(Client c) {
        ZSetValue z = readZset(c, c.arg(1));
        c.reply().arrayHeader(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            Double s = z == null ? null : z.score(c.arg(i));
            if (s == null) {
                c.reply().nullBulk();
            } else {
                c.reply().doubleValue(s);
            }
        }
    }

    private static void zrank(Client c) {
        zrankGeneric(c, false);
    }

    private static void zrevrank(Client c) {
        zrankGeneric(c, true);
    }

    private static void zrankGeneric(Client c, boolean reverse) {
        ZSetValue z = readZset(c, c.arg(1));
        long rank = z == null ? -1 : z.rank(c.arg(2));
        if (rank < 0) {
            c.reply().nullBulk();
        } else {
            c.reply().integer(reverse ? z.size() - 1 - rank : rank);
        }
    }

    // ---- ranges ----

    /** A parsed score range (zrangespec). */
    record ScoreRange(double min, double max, boolean minex, boolean maxex) {
        boolean gteMin(double v) {
            return minex ? v > min : v >= min;
        }

        boolean lteMax(double v) {
            return maxex ? v < max : v <= max;
        }
    }

    /** A lex range bound: -1 is "-", +1 is "+", 0 a value (exclusive or not). */
    record LexBound(int infinity, byte[] value, boolean exclusive) {
        int compareTo(byte[] member) {
            if (infinity != 0) {
                return infinity;
            }
            return Arrays.compareUnsigned(value, member);
        }
    }

    record LexRange(LexBound min, LexBound max) {
        boolean gteMin(byte[] m) {
            int cmp = min.compareTo(m);
            return min.exclusive ? cmp < 0 : cmp <= 0;
        }

        boolean lteMax(byte[] m) {
            int cmp = max.compareTo(m);
            return max.exclusive ? cmp > 0 : cmp >= 0;
        }
    }

    private static double rangeItem(byte[] s, boolean[] exclusive, int idx) {
        Double d;
        if (s.length > 0 && s[0] == '(') {
            exclusive[idx] = true;
            d = Args.strtodCString(s, 1);
        } else {
            d = Args.strtodCString(s, 0);
        }
        if (d == null) {
            throw CommandError.err("min or max is not a float");
        }
        return d;
    }

    static ScoreRange parseScoreRange(byte[] min, byte[] max) {
        boolean[] ex = new boolean[2];
        double lo = rangeItem(min, ex, 0);
        double hi = rangeItem(max, ex, 1);
        return new ScoreRange(lo, hi, ex[0], ex[1]);
    }

    private static LexBound lexItem(byte[] s) {
        if (s.length == 0) {
            return null;
        }
        switch (s[0]) {
            case '+':
                return s.length == 1 ? new LexBound(1, null, false) : null;
            case '-':
                return s.length == 1 ? new LexBound(-1, null, false) : null;
            case '(':
                return new LexBound(0, Arrays.copyOfRange(s, 1, s.length), true);
            case '[':
                return new LexBound(0, Arrays.copyOfRange(s, 1, s.length), false);
            default:
                return null;
        }
    }

    static LexRange parseLexRange(byte[] min, byte[] max) {
        LexBound lo = lexItem(min);
        LexBound hi = lexItem(max);
        if (lo == null || hi == null) {
            throw CommandError.err("min or max not valid string range item");
        }
        return new LexRange(lo, hi);
    }

    /** Ascending ranks [first, last] of the elements in a score range; first > last when empty. */
    private static long[] ranks(ZSetValue z, ScoreRange r) {
        long a = z.countPrefix((s, m) -> !r.gteMin(s));
        long b = z.countPrefix((s, m) -> r.lteMax(s));
        return new long[] {a, b - 1};
    }

    private static long[] ranks(ZSetValue z, LexRange r) {
        return ranks(z, r, false, 0);
    }

    /**
     * Ascending ranks [first, last] of a lex range; first > last when empty. A lex range assumes
     * equal scores; where they differ Redis still answers, by how it walks: nothing unless the last
     * member is &gt;= min and the first &lt;= max (zzlIsInLexRange), then a listpack from the head to the
     * first member &gt;= min, which must be &lt;= max, and on while &lt;= max (zzlFirstInLexRange), or
     * from the tail for a reverse range (zzlLastInLexRange). A LIMIT offset is skipped from there
     * without looking at the members skipped, and the range goes on while the members after them
     * are in range, as genericZrangebylexCommand's loops: the run returned is the first member and
     * the last one counted (the caller skips the offset). Small sets are walked the same way; a
     * skiplist is searched, as Redis's descent is (its answer there depends on node levels).
     */
    private static long[] ranks(ZSetValue z, LexRange r, boolean reverse, long offset) {
        if (!z.isListpack()) {
            long a = z.countPrefix((s, m) -> !r.gteMin(m));
            long b = z.countPrefix((s, m) -> r.lteMax(m));
            return new long[] {a, b - 1};
        }
        List<byte[]> members = new ArrayList<>((int) z.size());
        z.range(0, z.size() - 1, false, (m, s) -> members.add(m));
        int n = members.size();
        if (n == 0 || !r.gteMin(members.get(n - 1)) || !r.lteMax(members.get(0))) {
            return new long[] {0, -1};
        }
        if (!reverse) {
            int a = 0;
            while (a < n && !r.gteMin(members.get(a))) {
                a++;
            }
            if (a == n || !r.lteMax(members.get(a))) {
                return new long[] {0, -1};
            }
            long b = a + offset - 1;
            while (b + 1 < n && r.lteMax(members.get((int) b + 1))) {
                b++;
            }
            return new long[] {a, b};
        }
        int b = n - 1;
        while (b >= 0 && !r.lteMax(members.get(b))) {
            b--;
        }
        if (b < 0 || !r.gteMin(members.get(b))) {
            return new long[] {0, -1};
        }
        long a = b - offset + 1;
        while (a - 1 >= 0 && r.gteMin(members.get((int) a - 1))) {
            a--;
        }
        return new long[] {a, b};
    }

    private static void zcount(Client c) {
        ScoreRange r = parseScoreRange(c.arg(2), c.arg(3));
        ZSetValue z = readZset(c, c.arg(1));
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        long[] k = ranks(z, r);
        c.reply().integer(Math.max(0, k[1] - k[0] + 1));
    }

    private static void zlexcount(Client c) {
        LexRange r = parseLexRange(c.arg(2), c.arg(3));
        ZSetValue z = readZset(c, c.arg(1));
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        long[] k = ranks(z, r);
        c.reply().integer(Math.max(0, k[1] - k[0] + 1));
    }

    private static void zrange(Client c) {
        zrangeGeneric(c, 1, false, RANK, 0, false);
    }

    private static void zrangestore(Client c) {
        zrangeGeneric(c, 2, true, RANK, 0, false);
    }

    private static void zrangebyscore(Client c) {
        zrangeGeneric(c, 1, false, SCORE, 1, false);
    }

    private static void zrevrangebyscore(Client c) {
        zrangeGeneric(c, 1, false, SCORE, -1, false);
    }

    private static void zrangebylex(Client c) {
        zrangeGeneric(c, 1, false, LEX, 1, false);
    }

    private static void zrevrangebylex(Client c) {
        zrangeGeneric(c, 1, false, LEX, -1, false);
    }

    private static void zrevrange(Client c) {
        zrangeGeneric(c, 1, false, RANK, -1, false);
    }

    /**
     * zrangeGenericCommand. {@code direction} 0 means "from the options" (ZRANGE), 1 forward, -1
     * reverse; {@code rangeType} RANK for ZRANGE/ZRANGESTORE means "from the options" too.
     */
    private static void zrangeGeneric(Client c, int argcStart, boolean store, int rangeType, int direction,
                                      boolean unused) {
        boolean autoType = argcStart == 2 || (rangeType == RANK && direction == 0);
        boolean autoDirection = direction == 0;
        int type = autoType ? -1 : rangeType;
        boolean withscores = false;
        long offset = 0;
        long limit = -1;
        for (int j = argcStart + 3; j < c.argc(); j++) {
            int leftargs = c.argc() - j - 1;
            byte[] a = c.arg(j);
            if (!store && Args.is(a, "withscores")) {
                withscores = true;
            } else if (Args.is(a, "limit") && leftargs >= 2) {
                offset = Args.parseLong(c.arg(j + 1));
                limit = Args.parseLong(c.arg(j + 2));
                j += 2;
            } else if (autoDirection && direction == 0 && Args.is(a, "rev")) {
                direction = -1;
            } else if (type == -1 && Args.is(a, "bylex")) {
                type = LEX;
            } else if (type == -1 && Args.is(a, "byscore")) {
                type = SCORE;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        boolean reverse = direction == -1;
        if (type == -1) {
            type = RANK;
        }
        if (limit != -1 && type == RANK) {
            throw CommandError.err("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withscores && type == LEX) {
            throw CommandError.err("syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        int minidx = argcStart + 1;
        int maxidx = argcStart + 2;
        if (reverse && (type == SCORE || type == LEX)) {
            int t = maxidx;
            maxidx = minidx;
            minidx = t;
        }
        long start = 0;
        long end = 0;
        ScoreRange scoreRange = null;
        LexRange lexRange = null;
        switch (type) {
            case SCORE -> scoreRange = parseScoreRange(c.arg(minidx), c.arg(maxidx));
            case LEX -> lexRange = parseLexRange(c.arg(minidx), c.arg(maxidx));
            default -> {
                start = Args.parseLong(c.arg(minidx));
                end = Args.parseLong(c.arg(maxidx));
            }
        }
        ZSetValue z = readZset(c, c.arg(argcStart));
        if (z == null) {
            if (store) {
                storeRange(c, c.arg(1), new ArrayList<>(), new ArrayList<>(), true);
            } else {
                c.reply().emptyArray();
            }
            return;
        }
        List<byte[]> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        ZSetValue.Visitor collect = (m, s) -> {
            members.add(m);
            scores.add(s);
        };
        long llen = z.size();
        if (type == RANK) {
            if (start < 0) {
                start = llen + start;
            }
            if (end < 0) {
                end = llen + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (!(start > end || start >= llen)) {
                if (end >= llen) {
                    end = llen - 1;
                }
                if (reverse) {
                    z.range(llen - 1 - end, llen - 1 - start, true, collect);
                } else {
                    z.range(start, end, false, collect);
                }
            }
        } else if (!(offset > 0 && offset >= llen) && offset >= 0 && limit != 0) {
            long[] k = type == SCORE ? ranks(z, scoreRange) : ranks(z, lexRange, reverse, offset);
            long matching = k[1] - k[0] + 1;
            long n = matching - offset;
            if (limit > 0) {
                n = Math.min(n, limit);
            }
            if (n > 0) {
                if (reverse) {
                    long hi = k[1] - offset;
                    z.range(hi - n + 1, hi, true, collect);
                } else {
                    long lo = k[0] + offset;
                    z.range(lo, lo + n - 1, false, collect);
                }
            }
        }
        if (store) {
            storeRange(c, c.arg(1), members, scores, type == RANK);
        } else {
            replyElements(c, members, scores, withscores);
        }
    }

    private static void replyElements(Client c, List<byte[]> members, List<Double> scores, boolean withscores) {
        ReplyWriter w = c.reply();
        int n = members.size();
        w.arrayHeader(withscores && !w.resp3() ? 2L * n : n);
        for (int i = 0; i < n; i++) {
            if (withscores && w.resp3()) {
                w.arrayHeader(2);
            }
            w.bulk(members.get(i));
            if (withscores) {
                w.doubleValue(scores.get(i));
            }
        }
    }

    /**
     * ZRANGESTORE's destination. Redis sizes it from the count only for a range by rank; BYSCORE and
     * BYLEX start it as a listpack that converts as it grows, and a listpack keeps an integral score
     * as an integer, so a -0 score is stored as 0 there (visible once the set outgrows the listpack).
     */
    private static void storeRange(Client c, byte[] dst, List<byte[]> members, List<Double> scores,
            boolean countKnown) {
        if (members.isEmpty()) {
            c.reply().integer(0);
            if (c.db().delete(dst)) {
                dirty(c, 1);
                Events.generic(c, "del", dst);
            }
            return;
        }
        ServerConfig cfg = cfg(c);
        ZSetValue z = ZSetValue.create(countKnown ? members.size() : 0, 0, cfg.zsetMaxListpackEntries,
                cfg.zsetMaxListpackValue);
        for (int i = 0; i < members.size(); i++) {
            z.put(members.get(i), scores.get(i), cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
        }
        c.db().put(dst, z, false);
        c.reply().integer(members.size());
        dirty(c, 1);
        Events.zset(c, "zrangestore", dst);
    }

    // ---- ZREMRANGEBY* ----

    private static void zremrangebyrank(Client c) {
        zremrangeGeneric(c, RANK);
    }

    private static void zremrangebyscore(Client c) {
        zremrangeGeneric(c, SCORE);
    }

    private static void zremrangebylex(Client c) {
        zremrangeGeneric(c, LEX);
    }

    private static void zremrangeGeneric(Client c, int type) {
        long start = 0;
        long end = 0;
        ScoreRange sr = null;
        LexRange lr = null;
        switch (type) {
            case SCORE -> sr = parseScoreRange(c.arg(2), c.arg(3));
            case LEX -> lr = parseLexRange(c.arg(2), c.arg(3));
            default -> {
                start = Args.parseLong(c.arg(2));
                end = Args.parseLong(c.arg(3));
            }
        }
        byte[] key = c.arg(1);
        ZSetValue z = writeZset(c, key);
        if (z == null) {
            c.reply().integer(0);
            return;
        }
        long llen = z.size();
        if (type == RANK) {
            if (start < 0) {
                start = llen + start;
            }
            if (end < 0) {
                end = llen + end;
            }
            if (start < 0) {
                start = 0;
            }
            if (start > end || start >= llen) {
                c.reply().integer(0);
                return;
            }
            if (end >= llen) {
                end = llen - 1;
            }
        } else {
            long[] k = type == SCORE ? ranks(z, sr) : ranks(z, lr);
            start = k[0];
            end = k[1];
        }
        long deleted = z.removeRange(start, end);
        if (deleted > 0) {
            Events.zset(c, type == SCORE ? "zremrangebyscore" : type == LEX ? "zremrangebylex" : "zremrangebyrank", key);
            deleteIfEmpty(c, key, z);
        }
        dirty(c, deleted);
        c.reply().integer(deleted);
    }

    // ---- pops ----

    private static void zpopmin(Client c) {
        zpopMinMax(c, false);
    }

    private static void zpopmax(Client c) {
        zpopMinMax(c, true);
    }

    private static void zpopMinMax(Client c, boolean max) {
        if (c.argc() > 3) {
            throw CommandError.SYNTAX;
        }
        long count = -1;
        if (c.argc() == 3) {
            count = positive(c.arg(2));
        }
        boolean nested = c.reply().resp3() && count != -1;
        genericZpop(c, new byte[][] {c.arg(1)}, max, false, count, nested, false);
    }

    /** The MIN|MAX of ZMPOP and BZMPOP: true for MAX; a syntax error otherwise. */
    static boolean isMax(byte[] where) {
        if (Args.is(where, "MIN")) {
            return false;
        }
        if (Args.is(where, "MAX")) {
            return true;
        }
        throw CommandError.SYNTAX;
    }

    private static void zmpop(Client c) {
        Long n = Args.parseLongOrNull(c.arg(1));
        if (n == null || n < 1) {
            throw CommandError.err("numkeys should be greater than 0");
        }
        long numkeys = n;
        long whereIdx = 1 + numkeys + 1;
        if (whereIdx >= c.argc()) {
            throw CommandError.SYNTAX;
        }
        boolean max = isMax(c.arg((int) whereIdx));
        long count = ListCommands.mpopCount(c, (int) whereIdx + 1);
        genericZpop(c, Arrays.copyOfRange(c.argv(), 2, 2 + (int) numkeys), max, true, count, true, true);
    }

    /** genericZpopCommand: pops from the first non-empty key, type-checking keys up to it. */
    static void genericZpop(Client c, byte[][] keys, boolean max, boolean emitKey, long count,
                                    boolean nested, boolean nilWhenEmpty) {
        ZSetValue z = null;
        byte[] key = null;
        for (byte[] k : keys) {
            z = writeZset(c, k);
            if (z != null) {
                key = k;
                break;
            }
        }
        ReplyWriter w = c.reply();
        if (z == null) {
            if (nilWhenEmpty) {
                w.nullArray();
            } else {
                w.emptyArray();
            }
            return;
        }
        if (count == 0) {
            w.emptyArray();
            return;
        }
        if (count == -1) {
            count = 1;
        }
        long rangelen = Math.min(count, z.size());
        if (emitKey && !nested) {
            // BZPOPMIN/BZPOPMAX in RESP2 and RESP3: key, member, score.
            w.arrayHeader(rangelen * 2 + 1);
            w.bulk(key);
        } else if (emitKey) {
            w.arrayHeader(2);
            w.bulk(key);
            w.arrayHeader(rangelen);
        } else {
            w.arrayHeader(nested ? rangelen : rangelen * 2);
        }
        // Raised with the first pop, before its reply, as genericZpopCommand does: a RESP3 client
        // subscribed to its own keyspace events finds the push after the array header, as in Redis 7.0.
        Events.zset(c, max ? "zpopmax" : "zpopmin", key);
        for (long i = 0; i < rangelen; i++) {
            long rank = max ? z.size() - 1 : 0;
            byte[] m = z.memberAt(rank);
            double s = z.scoreAt(rank);
            z.removeRange(rank, rank);
            if (nested) {
                w.arrayHeader(2);
            }
            w.bulk(m);
            w.doubleValue(s);
        }
        deleteIfEmpty(c, key, z);
        dirty(c, rangelen);
    }

    // ---- ZRANDMEMBER ----

    private static void zrandmember(Client c) {
        if (c.argc() >= 3) {
            Long l = Args.parseLongOrNull(c.arg(2));
            if (l == null) {
                throw CommandError.NOT_INTEGER;
            }
            if (l == Long.MIN_VALUE) {
                throw CommandError.err("value is out of range, value must between -9223372036854775807 and "
                        + "9223372036854775807");
            }
            boolean withscores = false;
            if (c.argc() > 4 || (c.argc() == 4 && !Args.is(c.arg(3), "withscores"))) {
                throw CommandError.SYNTAX;
            } else if (c.argc() == 4) {
                withscores = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw CommandError.err("value is out of range");
                }
            }
            zrandmemberWithCount(c, l, withscores);
            return;
        }
        ZSetValue z = readZset(c, c.arg(1));
        c.reply().bulk(z == null ? null : z.memberAt(z.randomRank()));
    }

    private static void zrandmemberWithCount(Client c, long l, boolean withscores) {
        ZSetValue z = readZset(c, c.arg(1));
        ReplyWriter w = c.reply();
        if (z == null) {
            w.emptyArray();
            return;
        }
        boolean uniq = l >= 0;
        long count = Math.abs(l);
        if (count == 0) {
            w.emptyArray();
            return;
        }
        List<byte[]> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        if (!uniq || count == 1) {
            for (long i = 0; i < count; i++) {
                int r = z.randomRank();
                members.add(z.memberAt(r));
                scores.add(z.scoreAt(r));
            }
        } else if (DistinctRandom.bySampling(count, z.size())) {
            for (int r : DistinctRandom.picks((int) count, z::randomRank, rank -> rank)) {
                members.add(z.memberAt(r));
                scores.add(z.scoreAt(r));
            }
        } else {
            z.forEach((m, s) -> {
                members.add(m);
                scores.add(s);
            });
            if (count < members.size()) {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < count; i++) {
                    int j = i + rnd.nextInt(members.size() - i);
                    java.util.Collections.swap(members, i, j);
                    java.util.Collections.swap(scores, i, j);
                }
                members.subList((int) count, members.size()).clear();
                scores.subList((int) count, scores.size()).clear();
            }
        }
        replyElements(c, members, scores, withscores);
    }

    // ---- ZUNION / ZINTER / ZDIFF and their STORE / CARD forms ----

    private static void zunion(Client c) {
        zsetOp(c, null, 1, OP_UNION, false);
    }

    private static void zinter(Client c) {
        zsetOp(c, null, 1, OP_INTER, false);
    }

    private static void zdiff(Client c) {
        zsetOp(c, null, 1, OP_DIFF, false);
    }

    private static void zunionstore(Client c) {
        zsetOp(c, c.arg(1), 2, OP_UNION, false);
    }

    private static void zinterstore(Client c) {
        zsetOp(c, c.arg(1), 2, OP_INTER, false);
    }

    private static void zdiffstore(Client c) {
        zsetOp(c, c.arg(1), 2, OP_DIFF, false);
    }

    private static void zintercard(Client c) {
        zsetOp(c, null, 1, OP_INTER, true);
    }

    /** One input of a set operation: a sorted set, a plain set (scores 1) or nothing. */
    /** A ZUNION member with its score aggregated so far. */
    private static final class Accumulated extends BytesMap.Entry {
        double score;

        Accumulated(byte[] member, double score) {
            super(member);
            this.score = score;
        }
    }

    private static final class Source {
        ZSetValue zset;
        SetValue set;
        double weight = 1.0;

        int length() {
            return zset != null ? zset.size() : set != null ? set.size() : 0;
        }

        Double find(byte[] member) {
            if (zset != null) {
                return zset.score(member);
            }
            if (set != null) {
                return set.contains(member) ? 1.0 : null;
            }
            return null;
        }

        void forEach(ZSetValue.Visitor v) {
            if (zset != null) {
                zset.forEach(v);
            } else if (set != null) {
                set.forEach(m -> v.accept(m, 1.0));
            }
        }

        Object subject() {
            return zset != null ? zset : set;
        }
    }

    /**
     * zunionInterAggregate. MIN and MAX are C comparisons, not Math.min/max: a NaN value (0 times an
     * infinite weight) compares false and leaves the target, and of 0 and -0 the target stays.
     */
    private static double aggregate(int aggregate, double target, double val) {
        switch (aggregate) {
            case AGGR_MIN:
                return val < target ? val : target;
            case AGGR_MAX:
                return val > target ? val : target;
            default:
                double r = target + val;
                return Double.isNaN(r) ? 0.0 : r;
        }
    }

    private static void zsetOp(Client c, byte[] dstkey, int numkeysIndex, int op, boolean cardinalityOnly) {
        long setnum = Args.parseLong(c.arg(numkeysIndex));
        if (setnum < 1) {
            throw CommandError.err("at least 1 input key is needed for '" + c.command().fullName() + "' command");
        }
        if (setnum > c.argc() - (numkeysIndex + 1)) {
            throw CommandError.SYNTAX;
        }
        Source[] src = new Source[(int) setnum];
        Database db = c.db();
        int j = numkeysIndex + 1;
        for (int i = 0; i < setnum; i++, j++) {
            // A read lookup with or without a destination (unlike the set commands' STORE forms).
            Entry e = db.lookupRead(c.arg(j));
            Source s = new Source();
            if (e != null) {
                if (e.value() instanceof ZSetValue z) {
                    s.zset = z;
                } else if (e.value() instanceof SetValue set) {
                    s.set = set;
                } else {
                    throw CommandError.WRONG_TYPE;
                }
            }
            src[i] = s;
        }
        int aggregate = AGGR_SUM;
        boolean withscores = false;
        long limit = 0;
        int remaining = c.argc() - j;
        while (remaining > 0) {
            byte[] a = c.arg(j);
            if (op != OP_DIFF && !cardinalityOnly && remaining >= setnum + 1 && Args.is(a, "weights")) {
                j++;
                remaining--;
                for (int i = 0; i < setnum; i++, j++, remaining--) {
                    src[i].weight = score(c.arg(j), "weight value is not a float");
                }
            } else if (op != OP_DIFF && !cardinalityOnly && remaining >= 2 && Args.is(a, "aggregate")) {
                j++;
                remaining--;
                byte[] v = c.arg(j);
                if (Args.is(v, "sum")) {
                    aggregate = AGGR_SUM;
                } else if (Args.is(v, "min")) {
                    aggregate = AGGR_MIN;
                } else if (Args.is(v, "max")) {
                    aggregate = AGGR_MAX;
                } else {
                    throw CommandError.SYNTAX;
                }
                j++;
                remaining--;
            } else if (remaining >= 1 && dstkey == null && !cardinalityOnly && Args.is(a, "withscores")) {
                j++;
                remaining--;
                withscores = true;
            } else if (cardinalityOnly && remaining >= 2 && Args.is(a, "limit")) {
                j++;
                remaining--;
                Long l = Args.parseLongOrNull(c.arg(j));
                if (l == null || l < 0) {
                    throw CommandError.err("LIMIT can't be negative");
                }
                limit = l;
                j++;
                remaining--;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (op != OP_DIFF) {
            Arrays.sort(src, Comparator.comparingInt(Source::length));
        }
        ZSetValue dst = ZSetValue.skiplist();
        long cardinality = 0;
        long[] maxelelen = {0};
        if (op == OP_INTER) {
            if (src[0].length() > 0) {
                List<byte[]> ms = new ArrayList<>();
                List<Double> ss = new ArrayList<>();
                src[0].forEach((m, s) -> {
                    ms.add(m);
                    ss.add(s);
                });
                for (int e = 0; e < ms.size(); e++) {
                    byte[] m = ms.get(e);
                    double zscore = ss.get(e);
                    double score = src[0].weight * zscore;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    int k;
                    for (k = 1; k < src.length; k++) {
                        if (src[k].subject() == src[0].subject()) {
                            score = aggregate(aggregate, score, zscore * src[k].weight);
                        } else {
                            Double v = src[k].find(m);
                            if (v == null) {
                                break;
                            }
                            score = aggregate(aggregate, score, v * src[k].weight);
                        }
                    }
                    if (k == src.length) {
                        if (cardinalityOnly) {
                            cardinality++;
                            if (limit != 0 && cardinality >= limit) {
                                break;
                            }
                        } else {
                            dst.put(m, score, 0, 0);
                            maxelelen[0] = Math.max(maxelelen[0], m.length);
                        }
                    }
                }
            }
        } else if (op == OP_UNION) {
            BytesMap<Accumulated> acc = new BytesMap<>();
            final int agg = aggregate;
            for (Source s : src) {
                if (s.length() == 0) {
                    continue;
                }
                s.forEach((m, zscore) -> {
                    double score = s.weight * zscore;
                    if (Double.isNaN(score)) {
                        score = 0;
                    }
                    Accumulated existing = acc.get(m);
                    if (existing == null) {
                        acc.insert(new Accumulated(m, score));
                        maxelelen[0] = Math.max(maxelelen[0], m.length);
                    } else {
                        existing.score = aggregate(agg, existing.score, score);
                    }
                });
            }
            acc.forEach(n -> dst.put(n.key(), n.score, 0, 0));
        } else {
            if (src[0].length() > 0) {
                src[0].forEach((m, s) -> {
                    for (int k = 1; k < src.length; k++) {
                        if (src[k].subject() == src[0].subject() || src[k].find(m) != null) {
                            return;
                        }
                    }
                    dst.put(m, s, 0, 0);
                    maxelelen[0] = Math.max(maxelelen[0], m.length);
                });
            }
        }
        ReplyWriter w = c.reply();
        if (dstkey != null) {
            if (dst.size() > 0) {
                ServerConfig cfg = cfg(c);
                dst.convertToListpackIfNeeded(maxelelen[0], cfg.zsetMaxListpackEntries, cfg.zsetMaxListpackValue);
                db.put(dstkey, dst, false);
                w.integer(dst.size());
                dirty(c, 1);
                Events.zset(c, op == OP_UNION ? "zunionstore" : op == OP_INTER ? "zinterstore" : "zdiffstore", dstkey);
            } else {
                w.integer(0);
                if (db.delete(dstkey)) {
                    dirty(c, 1);
                    Events.generic(c, "del", dstkey);
                }
            }
        } else if (cardinalityOnly) {
            w.integer(cardinality);
        } else {
            List<byte[]> ms = new ArrayList<>();
            List<Double> ss = new ArrayList<>();
            dst.forEach((m, s) -> {
                ms.add(m);
                ss.add(s);
            });
            replyElements(c, ms, ss, withscores);
        }
    }

    // ---- ZSCAN ----

    private static void zscan(Client c) {
        long cursor = ScanArguments.parseCursor(c.arg(2));
        ZSetValue z = readZset(c, c.arg(1));
        if (z == null) {
            SetCommands.emptyScan(c);
            return;
        }
        ScanArguments opts = ScanArguments.parseOptions(c, 3, false);
        List<byte[]> members = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        ZSetValue.Visitor collect = (m, s) -> {
            members.add(m);
            scores.add(s);
        };
        if (z.isListpack()) {
            cursor = z.scan(cursor, collect);
        } else {
            cursor = opts.scanBuckets(cursor, cur -> z.scan(cur, collect), members::size);
        }
        ReplyWriter w = c.reply();
        w.arrayHeader(2);
        w.bulk(Long.toUnsignedString(cursor));
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            if (opts.matches(members.get(i))) {
                kept.add(i);
            }
        }
        w.arrayHeader(kept.size() * 2L);
        boolean listpack = z.isListpack();
        for (int i : kept) {
            w.bulk(members.get(i));
            double score = scores.get(i);
            String text = listpack ? RedisDoubles.formatListpackScore(score) : RedisDoubles.format(score);
            w.bulk(text.getBytes(StandardCharsets.US_ASCII));
        }
    }
}
