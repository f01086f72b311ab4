package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.HyperLogLog;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.MAY_REPLICATE;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * HyperLogLog commands (Redis 7.0's hyperloglog.c). Values are ordinary strings holding Redis's
 * exact HLL representation ({@link HyperLogLog}), so GET of a PF key returns the same bytes as a
 * real server after the same commands, and PFCOUNT the same estimate.
 *
 * <p>Redis edits the string in place: a PFADD that meets a corrupted sparse representation keeps
 * the registers it had already raised before replying INVALIDOBJ; so does this implementation.
 */
public final class HyperLogLogCommands implements CommandFamily {
    static final CommandError NOT_HLL = new CommandError("WRONGTYPE Key is not a valid HyperLogLog string value.");
    static final CommandError INVALID_HLL = new CommandError("INVALIDOBJ Corrupted HLL object detected");

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("pfadd", -2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("hyperloglog").since("2.8.9")
                        .summary("Adds the specified elements to the specified HyperLogLog.")
                        .complexity("O(1) to add every element.")
                        .handler(HyperLogLogCommands::pfadd).build(),
                command("pfcount", -2).flags(READONLY, MAY_REPLICATE).keys(1, -1, 1).group("hyperloglog").since("2.8.9")
                        .summary("Return the approximated cardinality of the set(s) observed by the HyperLogLog at "
                                + "key(s).")
                        .complexity("O(1) with a very small average constant time when called with a single key. "
                                + "O(N) with N being the number of keys, and much bigger constant times, when called "
                                + "with multiple keys.")
                        .handler(HyperLogLogCommands::pfcount).build(),
                command("pfmerge", -2).flags(WRITE, DENYOOM).keys(1, -1, 1).group("hyperloglog").since("2.8.9")
                        .summary("Merge N different HyperLogLogs into a single one.")
                        .complexity("O(N) to merge N HyperLogLogs, but with high constant times.")
                        .handler(HyperLogLogCommands::pfmerge).build(),
                command("pfdebug", 3).flags(WRITE, DENYOOM, ADMIN).keys(2, 2, 1).group("hyperloglog").since("2.8.9")
                        .summary("Internal commands for debugging HyperLogLog values").complexity("N/A")
                        .handler(HyperLogLogCommands::pfdebug).build(),
                command("pfselftest", 1).flags(ADMIN).group("hyperloglog").since("2.8.9")
                        .summary("An internal command for testing HyperLogLog values").complexity("N/A")
                        .handler(HyperLogLogCommands::pfselftest).build());
    }

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    private static long sparseMaxBytes(Client c) {
        return c.server().config().hllSparseMaxBytes;
    }

    /** Redis's isHLLObjectOrReply: the string bytes of a valid HLL value, or the error. */
    private static byte[] hllValue(Entry e) {
        if (!(e.value() instanceof byte[] value)) {
            throw CommandError.WRONG_TYPE;
        }
        if (!HyperLogLog.isValid(value)) {
            throw NOT_HLL;
        }
        return value;
    }

    /**
     * dbUnshareStringValue on a validated HLL: the entry's value becomes a raw string of its own
     * (the sds it had, if it was raw already), which the returned HLL edits in place.
     */
    private static HyperLogLog unshared(Database db, Entry e) {
        int length = hllValue(e).length;
        int sds = e.unsharedSds(length);
        byte[] own = db.editString(e, length);
        e.rawString(sds);
        return HyperLogLog.wrap(own, length, sds);
    }

    /**
     * After edits: a dense HLL was changed where it is; one whose size changed (sparse edits, a
     * promotion) is stored anew. Either way with the sds allocation its edits left.
     */
    private static void store(Database db, Entry e, HyperLogLog hll) {
        if (hll.bytes() != e.stringBytes() || hll.length() != e.stringLength()) {
            db.replaceValue(e, hll.toBytes());
        }
        e.rawString(hll.sds());
    }

    // ---------------------------------------------------------------- PFADD

    private static void pfadd(Client c) {
        Database db = c.db();
        byte[] key = c.arg(1);
        Entry e = db.lookupWrite(key);
        HyperLogLog hll;
        int updated = 0;
        if (e == null) {
            hll = HyperLogLog.create();
            e = db.add(key, hll.toBytes());
            e.rawString(hll.sds()); // createHLLObject
            updated++;
        } else {
            hll = unshared(db, e);
        }
        long max = sparseMaxBytes(c);
        for (int j = 2; j < c.argc(); j++) {
            int r = hll.add(c.arg(j), max);
            if (r == 1) {
                updated++;
            } else if (r == -1) {
                store(db, e, hll); // the registers raised so far stay, as in place in Redis
                throw INVALID_HLL;
            }
        }
        if (updated > 0) {
            hll.invalidateCache();
            store(db, e, hll);
            dirty(c, updated);
            Events.string(c, "pfadd", key);
        }
        c.reply().integer(updated > 0 ? 1 : 0);
    }

    // ---------------------------------------------------------------- PFCOUNT

    private static void pfcount(Client c) {
        Database db = c.db();
        if (c.argc() > 2) {
            byte[] max = new byte[HyperLogLog.REGISTERS];
            for (int j = 1; j < c.argc(); j++) {
                Entry e = db.lookupRead(c.arg(j));
                if (e == null) {
                    continue;
                }
                byte[] value = hllValue(e);
                if (!HyperLogLog.wrap(value, value.length, 0).mergeInto(max)) {
                    throw INVALID_HLL;
                }
            }
            c.reply().integer(HyperLogLog.countRaw(max));
            return;
        }
        Entry e = db.lookupRead(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        HyperLogLog hll = unshared(db, e); // cached cardinality or not
        long card;
        if (hll.validCache()) {
            card = hll.cachedCardinality();
        } else {
            card = hll.count();
            if (card < 0) {
                throw INVALID_HLL;
            }
            hll.setCachedCardinality(card);
            store(db, e, hll);
            dirty(c, 1);
        }
        c.reply().integer(card);
    }

    // ---------------------------------------------------------------- PFMERGE

    private static void pfmerge(Client c) {
        Database db = c.db();
        byte[] max = new byte[HyperLogLog.REGISTERS];
        boolean useDense = false;
        for (int j = 1; j < c.argc(); j++) {
            Entry e = db.lookupRead(c.arg(j));
            if (e == null) {
                continue;
            }
            byte[] value = hllValue(e);
            HyperLogLog hll = HyperLogLog.wrap(value, value.length, 0); // read only
            if (hll.encoding() == HyperLogLog.DENSE) {
                useDense = true;
            }
            if (!hll.mergeInto(max)) {
                throw INVALID_HLL;
            }
        }
        byte[] key = c.arg(1);
        Entry e = db.lookupWrite(key);
        HyperLogLog dest;
        if (e == null) {
            dest = HyperLogLog.create();
            e = db.add(key, dest.toBytes());
            e.rawString(dest.sds()); // createHLLObject
        } else {
            dest = unshared(db, e);
        }
        if (useDense && !dest.sparseToDense()) {
            throw INVALID_HLL;
        }
        long sparseMax = sparseMaxBytes(c);
        for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
            if (max[j] != 0) {
                dest.raise(j, max[j], sparseMax);
            }
        }
        dest.invalidateCache();
        store(db, e, dest);
        dirty(c, 1);
        // Redis's pfmergeCommand announces the merge as a "pfadd" on the destination.
        Events.string(c, "pfadd", c.arg(1));
        c.reply().ok();
    }

    // ---------------------------------------------------------------- PFDEBUG / PFSELFTEST

    private static void pfdebug(Client c) {
        Database db = c.db();
        byte[] sub = c.arg(1);
        Entry e = db.lookupWrite(c.arg(2));
        if (e == null) {
            throw CommandError.err("The specified key does not exist");
        }
        HyperLogLog hll = unshared(db, e);
        if (Args.is(sub, "getreg")) {
            if (hll.encoding() == HyperLogLog.SPARSE) {
                if (!hll.sparseToDense()) {
                    throw INVALID_HLL;
                }
                store(db, e, hll);
                dirty(c, 1);
            }
            // 16384 small integers, identical in RESP2 and RESP3: encoded at once.
            StringBuilder reply = new StringBuilder(HyperLogLog.REGISTERS * 5 + 10);
            reply.append('*').append(HyperLogLog.REGISTERS).append("\r\n");
            for (int j = 0; j < HyperLogLog.REGISTERS; j++) {
                reply.append(':').append(hll.denseRegister(j)).append("\r\n");
            }
            c.reply().raw(reply.toString().getBytes(StandardCharsets.US_ASCII));
        } else if (Args.is(sub, "decode")) {
            if (hll.encoding() != HyperLogLog.SPARSE) {
                throw CommandError.err("HLL encoding is not sparse");
            }
            c.reply().bulk(hll.decodeSparse());
        } else if (Args.is(sub, "encoding")) {
            c.reply().simple(hll.encoding() == HyperLogLog.DENSE ? "dense" : "sparse");
        } else if (Args.is(sub, "todense")) {
            boolean converted = false;
            if (hll.encoding() == HyperLogLog.SPARSE) {
                if (!hll.sparseToDense()) {
                    throw INVALID_HLL;
                }
                store(db, e, hll);
                converted = true;
                dirty(c, 1);
            }
            c.reply().integer(converted ? 1 : 0);
        } else {
            throw CommandError.err("Unknown PFDEBUG subcommand '" + cstr(sub) + "'");
        }
    }

    /** The argument as C's %s prints it: up to the first NUL byte. */
    private static String cstr(byte[] arg) {
        int n = 0;
        while (n < arg.length && arg[n] != 0) {
            n++;
        }
        return new String(arg, 0, n, StandardCharsets.UTF_8);
    }

    /**
     * PFSELFTEST: register access on a dense representation, then the estimate of a dense and a
     * sparse HLL fed the same elements, which must agree and stay within 6 standard errors.
     */
    private static void pfselftest(Client c) {
        Random rnd = new Random();
        long sparseMax = sparseMaxBytes(c);
        HyperLogLog dense = HyperLogLog.denseForTest();
        int[] values = new int[HyperLogLog.REGISTERS];
        for (int cycle = 0; cycle < 1000; cycle++) {
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                values[i] = rnd.nextInt(HyperLogLog.REGISTER_MAX + 1);
                dense.setRegisterForTest(i, values[i]);
            }
            for (int i = 0; i < HyperLogLog.REGISTERS; i++) {
                int val = dense.denseRegister(i);
                if (val != values[i]) {
                    throw new CommandError("TESTFAILED Register " + i + " should be " + values[i] + " but is " + val);
                }
            }
        }
        dense = HyperLogLog.denseForTest();
        HyperLogLog sparse = HyperLogLog.create();
        double relerr = 1.04 / Math.sqrt(HyperLogLog.REGISTERS);
        long checkpoint = 1;
        long seed = rnd.nextLong();
        byte[] ele = new byte[8];
        for (long j = 1; j <= 10_000_000L; j++) {
            long v = j ^ seed;
            for (int b = 0; b < 8; b++) {
                ele[b] = (byte) (v >>> (8 * b));
            }
            dense.add(ele, sparseMax);
            sparse.add(ele, sparseMax);
            if (j == checkpoint) {
                if (j < sparseMax / 2 && sparse.encoding() != HyperLogLog.SPARSE) {
                    throw new CommandError("TESTFAILED sparse encoding not used");
                }
                long dc = dense.count();
                if (dc != sparse.count()) {
                    throw new CommandError("TESTFAILED dense/sparse disagree");
                }
                long abserr = Math.abs(checkpoint - dc);
                long maxerr = (long) Math.ceil(relerr * 6 * checkpoint);
                if (j == 10) {
                    maxerr = 1;
                }
                if (abserr > maxerr) {
                    throw new CommandError("TESTFAILED Too big error. card:" + checkpoint + " abserr:" + abserr);
                }
                checkpoint *= 10;
            }
        }
        c.reply().ok();
    }
}
