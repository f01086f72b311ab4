package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.ListValue;
import io.mnemos.store.ValueType;
import io.mnemos.store.ZSetValue;

import java.util.ArrayList;
import java.util.List;

import static io.mnemos.command.CommandFlag.BLOCKING;
import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * The blocking list and sorted-set commands (Redis 7.0's t_list.c, t_zset.c and blocked.c): BLPOP
 * BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP. With data they behave as their non-blocking forms; without, the client blocks through
 * {@link io.mnemos.server.BlockedClients} and its command runs again once a key gets an element
 * (or it is answered with a null array on timeout). Inside MULTI they never block.
 */
public final class BlockingCommands implements CommandFamily {
    private static final String BPOP_COMPLEXITY = "O(N) where N is the number of provided keys.";

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("blpop", -3).flags(WRITE, NOSCRIPT, BLOCKING).keys(1, -2, 1).group("list").since("2.0.0")
                        .summary("Remove and get the first element in a list, or block until one is available")
                        .complexity(BPOP_COMPLEXITY)
                        .handler(c -> bpop(c, true)).build(),
                command("brpop", -3).flags(WRITE, NOSCRIPT, BLOCKING).keys(1, -2, 1).group("list").since("2.0.0")
                        .summary("Remove and get the last element in a list, or block until one is available")
                        .complexity(BPOP_COMPLEXITY)
                        .handler(c -> bpop(c, false)).build(),
                command("blmove", 6).flags(WRITE, DENYOOM, NOSCRIPT, BLOCKING).keys(1, 2, 1).group("list")
                        .since("6.2.0")
                        .summary("Pop an element from a list, push it to another list and return it; or block "
                                + "until one is available")
                        .complexity("O(1)")
                        .handler(BlockingCommands::blmove).build(),
                command("brpoplpush", 4).flags(WRITE, DENYOOM, NOSCRIPT, BLOCKING).keys(1, 2, 1).group("list")
                        .since("2.2.0")
                        .summary("Pop an element from a list, push it to another list and return it; or block "
                                + "until one is available")
                        .complexity("O(1)")
                        .handler(BlockingCommands::brpoplpush).build(),
                command("blmpop", -5).flags(WRITE, BLOCKING, MOVABLEKEYS).keys(0, 0, 0).group("list")
                        .since("7.0.0")
                        .summary("Pop elements from a list, or block until one is available")
                        .complexity("O(N+M) where N is the number of provided keys and M is the number of "
                                + "elements returned.")
                        .handler(BlockingCommands::blmpop).build(),
                command("bzpopmin", -3).flags(WRITE, NOSCRIPT, FAST, BLOCKING).keys(1, -2, 1).group("sorted-set")
                        .since("5.0.0")
                        .summary("Remove and return the member with the lowest score from one or more sorted sets, "
                                + "or block until one is available")
                        .complexity(BZPOP_COMPLEXITY)
                        .handler(c -> bzpop(c, false)).build(),
                command("bzpopmax", -3).flags(WRITE, NOSCRIPT, FAST, BLOCKING).keys(1, -2, 1).group("sorted-set")
                        .since("5.0.0")
                        .summary("Remove and return the member with the highest score from one or more sorted sets, "
                                + "or block until one is available")
                        .complexity(BZPOP_COMPLEXITY)
                        .handler(c -> bzpop(c, true)).build(),
                command("bzmpop", -5).flags(WRITE, BLOCKING, MOVABLEKEYS).keys(0, 0, 0).group("sorted-set")
                        .since("7.0.0")
                        .summary("Remove and return members with scores in a sorted set or block until one is "
                                + "available")
                        .complexity("O(K) + O(M*log(N)) where K is the number of provided keys, N being the number "
                                + "of elements in the sorted set, and M being the number of elements popped.")
                        .handler(BlockingCommands::bzmpop).build(),
                command("wait", 3).flags(NOSCRIPT).group("generic").since("3.0.0")
                        .summary("Wait for the synchronous replication of all the write commands sent in the "
                                + "context of the current connection")
                        .complexity("O(1)")
                        .handler(BlockingCommands::waitForReplicas).build());
    }

    private static final String BZPOP_COMPLEXITY = "O(log(N)) with N being the number of elements in the sorted set.";

    /** BZPOPMIN / BZPOPMAX key [key ...] timeout: blockingGenericZpopCommand without a count. */
    private static void bzpop(Client c, boolean max) {
        long timeout = timeout(c, c.arg(c.argc() - 1));
        List<byte[]> keys = new ArrayList<>();
        for (int j = 1; j < c.argc() - 1; j++) {
            keys.add(c.arg(j));
        }
        blockingZpop(c, keys, max, -1, false, timeout);
    }

    /** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: zmpopGenericCommand blocking. */
    private static void bzmpop(Client c) {
        long numKeys = ListCommands.rangeLong(c.arg(2), 1, Long.MAX_VALUE, "numkeys should be greater than 0");
        if (numKeys >= c.argc() - 3) {
            throw CommandError.SYNTAX;
        }
        int whereIdx = 3 + (int) numKeys;
        boolean max = SortedSetCommands.isMax(c.arg(whereIdx));
        long count = ListCommands.mpopCount(c, whereIdx + 1);
        // As blockingGenericZpopCommand, the timeout is parsed after the other arguments.
        long timeout = timeout(c, c.arg(1));
        List<byte[]> keys = new ArrayList<>();
        for (int j = 0; j < numKeys; j++) {
            keys.add(c.arg(3 + j));
        }
        blockingZpop(c, keys, max, count, true, timeout);
    }

    /**
     * blockingGenericZpopCommand: the first non-empty sorted set (type-checked in order) is popped
     * like ZPOPMIN/ZPOPMAX (BZPOP*) or ZMPOP (BZMPOP); with none the client blocks, or inside MULTI
     * gets a null array.
     */
    private static void blockingZpop(Client c, List<byte[]> keys, boolean max, long count, boolean mpop,
                                     long timeout) {
        for (byte[] key : servedFirst(c, keys)) {
            ZSetValue z = SortedSetCommands.writeZset(c, key);
            if (z == null || z.size() == 0) {
                continue;
            }
            SortedSetCommands.genericZpop(c, new byte[][] {key}, max, true, count, mpop, mpop);
            return;
        }
        if (denyBlocking(c)) {
            c.reply().nullArray();
            return;
        }
        c.server().blockedClients().block(c, keys, ValueType.ZSET, timeout);
    }

    /**
     * Redis's getTimeoutFromObjectOrReply in seconds: a long double times 1000 rounded up to ms
     * (ceill), so 1e-10 is 1 ms, "inf" and huge values wrap to LLONG_MIN and are negative, and -0.001
     * (just above -1 ms as a long double) rounds up to 0; 0 means forever. Returns the absolute time on the keyspace clock, or 0.
     */
    public static long timeout(Client c, byte[] arg) {
        io.mnemos.util.LongDouble seconds = io.mnemos.util.LongDouble.parse(arg);
        if (seconds == null) {
            throw CommandError.err("timeout is not a float or out of range");
        }
        long tval = seconds.multiplyCeiling(1000);
        if (tval < 0) {
            throw CommandError.err("timeout is negative");
        }
        if (tval == 0) {
            return 0;
        }
        long now = c.db().now();
        // Redis adds without a check; a deadline past the end of time is no deadline at all.
        return tval > Long.MAX_VALUE - now ? Long.MAX_VALUE : tval + now;
    }

    /**
     * WAIT numreplicas timeout (waitCommand): Mnemos has no replicas, so the count of replicas that
     * acknowledged is 0. As in Redis, WAIT 0 answers at once; WAIT n for n &gt; 0 blocks until its
     * timeout in milliseconds (0: until CLIENT UNBLOCK or a disconnection), then answers 0.
     */
    private static void waitForReplicas(Client c) {
        if (c.server().isReplica()) {
            throw CommandError.err("WAIT cannot be used with replica instances. Please also note that since Redis 4.0 "
                    + "if a replica is configured to be writable (which is not the default) writes to replicas are "
                    + "just local and are not propagated.");
        }
        long numreplicas = Args.parseLong(c.arg(1));
        long timeout = Args.parseLong(c.arg(2), "timeout is not an integer or out of range");
        if (timeout < 0) {
            throw CommandError.err("timeout is negative");
        }
        // The offset this connection's writes reached (Redis's c->woff): the stream so far.
        long target = c.server().replication().offset();
        int acked = c.server().replication().ackedAtLeast(target);
        if (acked >= numreplicas || denyBlocking(c)) {
            c.reply().integer(acked);
            return;
        }
        long at = timeout == 0 ? 0 : c.db().now() + timeout;
        c.server().blockedClients().block(c, List.of(), null, at);
        c.server().replication().await(c, numreplicas, target);
    }

    /** Inside MULTI (and so inside EXEC) a blocking command answers at once (CLIENT_DENY_BLOCKING). */
    static boolean denyBlocking(Client c) {
        return c.inMulti() || c.scriptClient();
    }

    /** The keys to try: all in order, or only the ready key when the client is being served. */
    private static List<byte[]> servedFirst(Client c, List<byte[]> keys) {
        byte[] ready = c.server().blockedClients().servingKey(c);
        return ready == null ? keys : List.of(ready);
    }

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    /** BLPOP / BRPOP: blockingPopGenericCommand without a count. */
    private static void bpop(Client c, boolean head) {
        long timeout = timeout(c, c.arg(c.argc() - 1));
        Database db = c.db();
        List<byte[]> keys = new ArrayList<>();
        for (int j = 1; j < c.argc() - 1; j++) {
            keys.add(c.arg(j));
        }
        for (byte[] key : servedFirst(c, keys)) {
            Entry e = db.lookupWrite(key);
            if (e == null) {
                continue;
            }
            ListValue l = ListCommands.list(e);
            if (l.isEmpty()) {
                continue;
            }
            byte[] value = l.pop(head);
            c.reply().arrayHeader(2);
            c.reply().bulk(key);
            c.reply().bulk(value);
            dirty(c, 1);
            ListCommands.elementsRemoved(c, e, head);
            return;
        }
        if (denyBlocking(c)) {
            c.reply().nullArray();
            return;
        }
        c.server().blockedClients().block(c, keys, ValueType.LIST, timeout);
    }

    private static void blmove(Client c) {
        boolean fromLeft = ListCommands.isLeft(c.arg(3));
        boolean toLeft = ListCommands.isLeft(c.arg(4));
        long timeout = timeout(c, c.arg(5));
        blockingMove(c, fromLeft, toLeft, timeout);
    }

    private static void brpoplpush(Client c) {
        long timeout = timeout(c, c.arg(3));
        blockingMove(c, false, true, timeout);
    }

    /** blmoveGenericCommand. */
    private static void blockingMove(Client c, boolean fromLeft, boolean toLeft, long timeout) {
        Entry src = c.db().lookupWrite(c.arg(1));
        if (src != null) {
            ListCommands.list(src);
            ListCommands.move(c, fromLeft, toLeft);
            return;
        }
        if (denyBlocking(c)) {
            c.reply().nullBulk();
            return;
        }
        c.server().blockedClients().block(c, List.of(c.arg(1)), ValueType.LIST, timeout);
    }

    /** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]: lmpopGenericCommand blocking. */
    private static void blmpop(Client c) {
        long numKeys = ListCommands.rangeLong(c.arg(2), 1, Long.MAX_VALUE, "numkeys should be greater than 0");
        if (numKeys >= c.argc() - 3) {
            throw CommandError.SYNTAX;
        }
        int whereIdx = 3 + (int) numKeys;
        boolean left = ListCommands.isLeft(c.arg(whereIdx));
        long count = ListCommands.mpopCount(c, whereIdx + 1);
        // As lmpopGenericCommand, the timeout is parsed last (by blockingPopGenericCommand).
        long timeout = timeout(c, c.arg(1));
        Database db = c.db();
        List<byte[]> keys = new ArrayList<>();
        for (int j = 0; j < numKeys; j++) {
            keys.add(c.arg(3 + j));
        }
        for (byte[] key : servedFirst(c, keys)) {
            Entry e = db.lookupWrite(key);
            if (e == null) {
                continue;
            }
            ListValue l = ListCommands.list(e);
            if (l.isEmpty()) {
                continue;
            }
            c.reply().arrayHeader(2);
            c.reply().bulk(key);
            ListCommands.popRange(c, l, left, count);
            ListCommands.elementsRemoved(c, e, left);
            return;
        }
        if (denyBlocking(c)) {
            c.reply().nullArray();
            return;
        }
        c.server().blockedClients().block(c, keys, ValueType.LIST, timeout);
    }
}
