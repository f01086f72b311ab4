package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.ValueType;
import io.mnemos.util.LongDouble;
import io.mnemos.util.Numbers;
import io.mnemos.util.Sds;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * String commands (Redis 7.0's t_string.c), reply for reply and error for error.
 *
 * <p>Type checks: {@code keyType} is only declared where Redis looks the key up for writing and
 * checks its type before anything else (APPEND, INCR, DECR, INCRBYFLOAT). The others check the type
 * themselves, in Redis's order: reads (GET, STRLEN, GETSET, GETDEL...) because Redis counts a
 * keyspace hit before answering WRONGTYPE, commands that parse arguments first (INCRBY, GETRANGE,
 * SETRANGE, GETEX), commands that never fail on another type (SET, SETNX, MSET, MGET) and LCS with
 * its own error text.
 */
public final class StringCommands implements CommandFamily {
    private static final String GETRANGE_COMPLEXITY = "O(N) where N is the length of the returned string. "
            + "The complexity is ultimately determined by the returned length, but because creating a substring "
            + "from an existing string is very cheap, it can be considered O(1) for small strings.";
    private static final byte[] EMPTY = new byte[0];

    // Flags of Redis's parseExtendedStringArgumentsOrReply.
    private static final int SET_NX = 1;
    private static final int SET_XX = 1 << 1;
    private static final int SET_GET = 1 << 2;
    private static final int KEEPTTL = 1 << 3;
    private static final int PERSIST = 1 << 4;
    private static final int EX = 1 << 5;
    private static final int PX = 1 << 6;
    private static final int EXAT = 1 << 7;
    private static final int PXAT = 1 << 8;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("get", 2).flags(READONLY, FAST).keys(1, 1, 1).group("string")
                        .summary("Get the value of a key").complexity("O(1)")
                        .handler(StringCommands::get).build(),
                command("set", -3).flags(WRITE, DENYOOM).keys(1, 1, 1).group("string")
                        .summary("Set the string value of a key").complexity("O(1)")
                        .handler(StringCommands::set).build(),
                command("setnx", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .summary("Set the value of a key, only if the key does not exist").complexity("O(1)")
                        .handler(StringCommands::setnx).build(),
                command("setex", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("string").since("2.0.0")
                        .summary("Set the value and expiration of a key").complexity("O(1)")
                        .handler(StringCommands::setex).build(),
                command("psetex", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("string").since("2.6.0")
                        .summary("Set the value and expiration in milliseconds of a key").complexity("O(1)")
                        .handler(StringCommands::psetex).build(),
                command("getset", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .summary("Set the string value of a key and return its old value").complexity("O(1)")
                        .handler(StringCommands::getset).build(),
                command("getdel", 2).flags(WRITE, FAST).keys(1, 1, 1).group("string").since("6.2.0")
                        .summary("Get the value of a key and delete the key").complexity("O(1)")
                        .handler(StringCommands::getdel).build(),
                command("getex", -2).flags(WRITE, FAST).keys(1, 1, 1).group("string").since("6.2.0")
                        .summary("Get the value of a key and optionally set its expiration").complexity("O(1)")
                        .handler(StringCommands::getex).build(),
                command("mget", -2).flags(READONLY, FAST).keys(1, -1, 1).group("string")
                        .summary("Get the values of all the given keys")
                        .complexity("O(N) where N is the number of keys to retrieve.")
                        .handler(StringCommands::mget).build(),
                command("mset", -3).flags(WRITE, DENYOOM).keys(1, -1, 2).group("string").since("1.0.1")
                        .summary("Set multiple keys to multiple values")
                        .complexity("O(N) where N is the number of keys to set.")
                        .handler(c -> msetGeneric(c, false)).build(),
                command("msetnx", -3).flags(WRITE, DENYOOM).keys(1, -1, 2).group("string").since("1.0.1")
                        .summary("Set multiple keys to multiple values, only if none of the keys exist")
                        .complexity("O(N) where N is the number of keys to set.")
                        .handler(c -> msetGeneric(c, true)).build(),
                command("append", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string").since("2.0.0")
                        .keyType(ValueType.STRING)
                        .summary("Append a value to a key")
                        .complexity("O(1). The amortized time complexity is O(1) assuming the appended value is "
                                + "small and the already present value is of any size, since the dynamic string "
                                + "library used by Redis will double the free space available on every "
                                + "reallocation.")
                        .handler(StringCommands::append).build(),
                command("strlen", 2).flags(READONLY, FAST).keys(1, 1, 1).group("string").since("2.2.0")
                        .summary("Get the length of the value stored in a key").complexity("O(1)")
                        .handler(StringCommands::strlen).build(),
                command("incr", 2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .keyType(ValueType.STRING)
                        .summary("Increment the integer value of a key by one").complexity("O(1)")
                        .handler(c -> incrDecr(c, 1)).build(),
                command("decr", 2).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .keyType(ValueType.STRING)
                        .summary("Decrement the integer value of a key by one").complexity("O(1)")
                        .handler(c -> incrDecr(c, -1)).build(),
                command("incrby", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .summary("Increment the integer value of a key by the given amount").complexity("O(1)")
                        .handler(StringCommands::incrby).build(),
                command("decrby", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .summary("Decrement the integer value of a key by the given number").complexity("O(1)")
                        .handler(StringCommands::decrby).build(),
                command("incrbyfloat", 3).flags(WRITE, DENYOOM, FAST).keys(1, 1, 1).group("string")
                        .since("2.6.0").keyType(ValueType.STRING)
                        .summary("Increment the float value of a key by the given amount").complexity("O(1)")
                        .handler(StringCommands::incrbyfloat).build(),
                command("getrange", 4).flags(READONLY).keys(1, 1, 1).group("string").since("2.4.0")
                        .summary("Get a substring of the string stored at a key").complexity(GETRANGE_COMPLEXITY)
                        .handler(StringCommands::getrange).build(),
                command("substr", 4).flags(READONLY).keys(1, 1, 1).group("string")
                        .summary("Get a substring of the string stored at a key").complexity(GETRANGE_COMPLEXITY)
                        .handler(StringCommands::getrange).build(),
                command("setrange", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("string").since("2.2.0")
                        .summary("Overwrite part of a string at key starting at the specified offset")
                        .complexity("O(1), not counting the time taken to copy the new string in place. Usually, "
                                + "this string is very small so the amortized complexity is O(1). Otherwise, "
                                + "complexity is O(M) with M being the length of the value argument.")
                        .handler(StringCommands::setrange).build(),
                command("lcs", -3).flags(READONLY).keys(1, 2, 1).group("string").since("7.0.0")
                        .summary("Find longest common substring")
                        .complexity("O(N*M) where N and M are the lengths of s1 and s2, respectively")
                        .handler(StringCommands::lcs).build());
    }

    // ---------------------------------------------------------------- helpers

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    private static boolean isString(Entry e) {
        return e.isString();
    }

    /** The argument as C sees it through its char pointer: up to the first NUL byte. */
    private static byte[] cstr(byte[] arg) {
        for (int i = 0; i < arg.length; i++) {
            if (arg[i] == 0) {
                return Arrays.copyOf(arg, i);
            }
        }
        return arg;
    }

    private static CommandError invalidExpireTime(Client c) {
        return CommandError.err("invalid expire time in '" + c.command().fullName() + "' command");
    }

    /** Redis's checkStringLength: the size a write would produce against proto-max-bulk-len. */
    private static void checkStringLength(Client c, long size, long append) {
        long total = size + append;
        if (total > c.server().config().protoMaxBulkLen || total < size || total < append
                || total > Integer.MAX_VALUE - 8) {
            throw CommandError.err("string exceeds maximum allowed size (proto-max-bulk-len)");
        }
    }

    /**
     * Redis's getGenericCommand: replies with the value (or nil), or fails with WRONGTYPE before
     * anything was replied or changed.
     */
    private static void getGeneric(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        if (!isString(e)) {
            throw CommandError.WRONG_TYPE;
        }
        c.reply().bulk((byte[]) e.value());
    }

    /**
     * Redis's getExpireMillisecondsOrReply: the absolute expiry time in ms, with its overflow
     * checks.
     */
    private static long expireMillis(Client c, byte[] arg, int flags, boolean seconds) {
        long ms = Args.parseLong(arg);
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            throw invalidExpireTime(c);
        }
        if (seconds) {
            ms *= 1000;
        }
        if ((flags & (PX | EX)) != 0) {
            ms += c.db().now();
        }
        if (ms <= 0) {
            throw invalidExpireTime(c);
        }
        return ms;
    }

    // ---------------------------------------------------------------- GET / SET family

    private static void get(Client c) {
        getGeneric(c);
    }

    /**
     * Redis's parseExtendedStringArgumentsOrReply: the flags in the low 32 bits, the index of the
     * expire argument (-1: none) in the high ones; a long rather than an array, as SET runs it per call.
     */
    private static long parseExtended(Client c, boolean setCommand) {
        int flags = 0;
        int expireArg = -1;
        int argc = c.argc();
        for (int j = setCommand ? 3 : 2; j < argc; j++) {
            byte[] opt = cstr(c.arg(j));
            boolean next = j < argc - 1;
            if (Args.is(opt, "NX") && (flags & SET_XX) == 0 && setCommand) {
                flags |= SET_NX;
            } else if (Args.is(opt, "XX") && (flags & SET_NX) == 0 && setCommand) {
                flags |= SET_XX;
            } else if (Args.is(opt, "GET") && setCommand) {
                flags |= SET_GET;
            } else if (Args.is(opt, "KEEPTTL") && (flags & (PERSIST | ANY_EXPIRE)) == 0 && setCommand) {
                flags |= KEEPTTL;
            } else if (Args.is(opt, "PERSIST") && !setCommand && (flags & (ANY_EXPIRE | KEEPTTL)) == 0) {
                flags |= PERSIST;
            } else if (Args.is(opt, "EX") && (flags & (KEEPTTL | PERSIST | EXAT | PX | PXAT)) == 0 && next) {
                flags |= EX;
                expireArg = ++j;
            } else if (Args.is(opt, "PX") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PXAT)) == 0 && next) {
                flags |= PX;
                expireArg = ++j;
            } else if (Args.is(opt, "EXAT") && (flags & (KEEPTTL | PERSIST | EX | PX | PXAT)) == 0 && next) {
                flags |= EXAT;
                expireArg = ++j;
            } else if (Args.is(opt, "PXAT") && (flags & (KEEPTTL | PERSIST | EX | EXAT | PX)) == 0 && next) {
                flags |= PXAT;
                expireArg = ++j;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        return ((long) expireArg << 32) | (flags & 0xffffffffL);
    }

    private static void set(Client c) {
        long parsed = parseExtended(c, true);
        int flags = (int) parsed;
        int expireArg = (int) (parsed >> 32);
        byte[] expire = expireArg < 0 ? null : c.arg(expireArg);
        setGeneric(c, flags, c.arg(1), c.arg(2), expire, (flags & (EX | EXAT)) != 0, false);
    }

    /**
     * Redis's setGenericCommand. {@code integerReplies} gives SETNX's :1/:0 instead of +OK/nil.
     */
    private static void setGeneric(Client c, int flags, byte[] key, byte[] value, byte[] expire, boolean seconds,
                                   boolean integerReplies) {
        long when = 0;
        if (expire != null) {
            when = expireMillis(c, expire, flags, seconds);
        }
        if ((flags & SET_GET) != 0) {
            getGeneric(c);
        }
        Database db = c.db();
        // Only NX/XX need to know whether the key exists; put() looks it up (and lazily expires it) anyway.
        boolean found = (flags & (SET_NX | SET_XX)) != 0 && db.lookupWrite(key) != null;
        if (((flags & SET_NX) != 0 && found) || ((flags & SET_XX) != 0 && !found)) {
            if ((flags & SET_GET) == 0) {
                if (integerReplies) {
                    c.reply().integer(0);
                } else {
                    c.reply().nullBulk();
                }
            }
            return;
        }
        Entry e = db.put(key, value, (flags & KEEPTTL) != 0);
        dirty(c, 1);
        Events.string(c, "set", key);
        if (expire != null) {
            db.setExpire(e, when);
            Events.generic(c, "expire", key);
        }
        if ((flags & SET_GET) == 0) {
            if (integerReplies) {
                c.reply().integer(1);
            } else {
                c.reply().ok();
            }
        }
    }

    private static void setnx(Client c) {
        setGeneric(c, SET_NX, c.arg(1), c.arg(2), null, false, true);
    }

    private static void setex(Client c) {
        setGeneric(c, EX, c.arg(1), c.arg(3), c.arg(2), true, false);
    }

    private static void psetex(Client c) {
        setGeneric(c, PX, c.arg(1), c.arg(3), c.arg(2), false, false);
    }

    private static void getset(Client c) {
        getGeneric(c);
        c.db().put(c.arg(1), c.arg(2), false);
        dirty(c, 1);
        Events.string(c, "set", c.arg(1));
    }

    private static void getdel(Client c) {
        getGeneric(c);
        if (c.db().delete(c.arg(1))) {
            Events.generic(c, "del", c.arg(1));
            dirty(c, 1);
        }
    }

    private static void getex(Client c) {
        long parsed = parseExtended(c, false);
        int flags = (int) parsed;
        int expireArg = (int) (parsed >> 32);
        Database db = c.db();
        Entry e = db.lookupRead(c.arg(1));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        if (!isString(e)) {
            throw CommandError.WRONG_TYPE;
        }
        long when = 0;
        if (expireArg >= 0) {
            when = expireMillis(c, c.arg(expireArg), flags, (flags & (EX | EXAT)) != 0);
        }
        c.reply().bulk((byte[]) e.value());
        if ((flags & (PXAT | EXAT)) != 0 && when <= db.now() && !db.loading()) {
            db.remove(e);
            Events.generic(c, "del", c.arg(1));
            dirty(c, 1);
        } else if (expireArg >= 0) {
            db.setExpire(e, when);
            Events.generic(c, "expire", c.arg(1));
            dirty(c, 1);
        } else if ((flags & PERSIST) != 0) {
            if (db.persist(e)) {
                Events.generic(c, "persist", c.arg(1));
                dirty(c, 1);
            }
        }
    }

    private static void mget(Client c) {
        int n = c.argc() - 1;
        c.reply().arrayHeader(n);
        for (int j = 1; j <= n; j++) {
            Entry e = c.db().lookupRead(c.arg(j));
            c.reply().bulk(e == null || !isString(e) ? null : (byte[]) e.value());
        }
    }

    private static void msetGeneric(Client c, boolean nx) {
        int argc = c.argc();
        if (argc % 2 == 0) {
            throw CommandError.err("wrong number of arguments for '" + c.command().fullName() + "' command");
        }
        Database db = c.db();
        if (nx) {
            for (int j = 1; j < argc; j += 2) {
                if (db.lookupWrite(c.arg(j)) != null) {
                    c.reply().integer(0);
                    return;
                }
            }
        }
        for (int j = 1; j < argc; j += 2) {
            db.put(c.arg(j), c.arg(j + 1), false);
            Events.string(c, "set", c.arg(j));
        }
        dirty(c, (argc - 1) / 2);
        if (nx) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    // ---------------------------------------------------------------- APPEND / STRLEN / ranges

    private static void append(Client c) {
        Database db = c.db();
        byte[] add = c.arg(2);
        Entry e = db.lookupWrite(c.arg(1));
        long total;
        if (e == null) {
            db.add(c.arg(1), add);
            total = add.length;
        } else {
            int length = e.stringLength();
            checkStringLength(c, length, add.length);
            total = length + add.length;
            System.arraycopy(add, 0, db.editString(e, (int) total), length, add.length);
            e.growRawString(length, total); // dbUnshareStringValue + sdscatlen
        }
        Events.string(c, "append", c.arg(1));
        dirty(c, 1);
        c.reply().integer(total);
    }

    private static void strlen(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        if (e != null && !isString(e)) {
            throw CommandError.WRONG_TYPE;
        }
        c.reply().integer(e == null ? 0 : e.stringLength());
    }

    /** GETRANGE and its old name SUBSTR. */
    private static void getrange(Client c) {
        long start = Args.parseLong(c.arg(2));
        long end = Args.parseLong(c.arg(3));
        Entry e = c.db().lookupRead(c.arg(1));
        if (e == null) {
            c.reply().bulk(EMPTY);
            return;
        }
        if (!isString(e)) {
            throw CommandError.WRONG_TYPE;
        }
        byte[] s = e.stringBytes(); // a log being appended to is read without a copy of it all
        long len = e.stringLength();
        if (start < 0 && end < 0 && start > end) {
            c.reply().bulk(EMPTY);
            return;
        }
        if (start < 0) {
            start = len + start;
        }
        if (end < 0) {
            end = len + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (Long.compareUnsigned(end, len) >= 0) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            c.reply().bulk(EMPTY);
        } else {
            c.reply().bulk(s, (int) start, (int) (end - start + 1));
        }
    }

    private static void setrange(Client c) {
        long offset = Args.parseLong(c.arg(2));
        byte[] value = c.arg(3);
        if (offset < 0) {
            throw CommandError.err("offset is out of range");
        }
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        int length;
        if (e == null) {
            if (value.length == 0) {
                c.reply().integer(0);
                return;
            }
            checkStringLength(c, offset, value.length);
            length = (int) offset + value.length;
            byte[] created = new byte[length];
            System.arraycopy(value, 0, created, (int) offset, value.length);
            db.add(c.arg(1), created).rawString(Sds.MADE_TO_MEASURE);
        } else {
            if (!isString(e)) {
                throw CommandError.WRONG_TYPE;
            }
            int old = e.stringLength();
            if (value.length == 0) {
                c.reply().integer(old);
                return;
            }
            checkStringLength(c, offset, value.length);
            length = Math.max(old, (int) offset + value.length);
            System.arraycopy(value, 0, db.editString(e, length), (int) offset, value.length);
            e.growRawString(old, length); // dbUnshareStringValue + sdsgrowzero
        }
        Events.string(c, "setrange", c.arg(1));
        dirty(c, 1);
        c.reply().integer(length);
    }

    // ---------------------------------------------------------------- counters

    private static void incrby(Client c) {
        incrDecr(c, Args.parseLong(c.arg(2)));
    }

    private static void decrby(Client c) {
        long incr = Args.parseLong(c.arg(2));
        if (incr == Long.MIN_VALUE) {
            throw CommandError.err("decrement would overflow");
        }
        incrDecr(c, -incr);
    }

    private static void incrDecr(Client c, long incr) {
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e != null && !isString(e)) {
            throw CommandError.WRONG_TYPE;
        }
        long value = e == null ? 0 : Args.parseLong((byte[]) e.value());
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw CommandError.OVERFLOW;
        }
        value += incr;
        byte[] text = Numbers.sharedOrNew(value);
        if (e == null) {
            db.add(c.arg(1), text);
        } else {
            db.replaceValue(e, text);
            e.stringEncoding(0); // createStringObjectFromLongLongForValue: "int"
        }
        dirty(c, 1);
        Events.string(c, "incrby", c.arg(1));
        c.reply().integer(value);
    }

    private static void incrbyfloat(Client c) {
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e != null && !isString(e)) {
            throw CommandError.WRONG_TYPE;
        }
        LongDouble value = e == null ? LongDouble.ZERO : LongDouble.parse((byte[]) e.value());
        if (value == null) {
            throw CommandError.NOT_FLOAT;
        }
        LongDouble incr = LongDouble.parse(c.arg(2));
        if (incr == null) {
            throw CommandError.NOT_FLOAT;
        }
        LongDouble sum = value.add(incr);
        if (sum == null) {
            throw CommandError.err("increment would produce NaN or Infinity");
        }
        byte[] text = sum.humanString().getBytes(StandardCharsets.US_ASCII);
        if (e == null) {
            e = db.add(c.arg(1), text);
        } else {
            db.replaceValue(e, text);
        }
        e.stringEncoding(Entry.STRING_NOT_INT); // createStringObjectFromLongDouble: embstr or raw
        dirty(c, 1);
        Events.string(c, "incrbyfloat", c.arg(1));
        c.reply().bulk(text);
    }

    // ---------------------------------------------------------------- LCS

    private static void lcs(Client c) {
        Database db = c.db();
        Entry ea = db.lookupRead(c.arg(1));
        Entry eb = db.lookupRead(c.arg(2));
        if ((ea != null && !isString(ea)) || (eb != null && !isString(eb))) {
            throw CommandError.err("The specified keys must contain string values");
        }
        byte[] a = ea == null ? EMPTY : (byte[]) ea.value();
        byte[] b = eb == null ? EMPTY : (byte[]) eb.value();
        boolean getIdx = false;
        boolean getLen = false;
        boolean withMatchLen = false;
        long minMatchLen = 0;
        int argc = c.argc();
        for (int j = 3; j < argc; j++) {
            byte[] opt = cstr(c.arg(j));
            boolean moreArgs = (argc - 1) - j > 0;
            if (Args.is(opt, "IDX")) {
                getIdx = true;
            } else if (Args.is(opt, "LEN")) {
                getLen = true;
            } else if (Args.is(opt, "WITHMATCHLEN")) {
                withMatchLen = true;
            } else if (Args.is(opt, "MINMATCHLEN") && moreArgs) {
                minMatchLen = Args.parseLong(c.arg(j + 1));
                if (minMatchLen < 0) {
                    minMatchLen = 0;
                }
                j++;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        if (getIdx && getLen) {
            throw CommandError.err("If you want both the length and indexes, please just use IDX.");
        }
        int alen = a.length;
        int blen = b.length;
        long dpSize = (long) (alen + 1) * (blen + 1);
        // Redis bounds the table's bytes (4 per cell) by proto-max-bulk-len before allocating it.
        if (dpSize <= Long.MAX_VALUE / 4 && dpSize * 4 > c.server().config().protoMaxBulkLen) {
            throw CommandError.err("Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len");
        }
        int[] dp;
        try {
            if (dpSize > Integer.MAX_VALUE - 8) {
                throw new OutOfMemoryError();
            }
            dp = new int[(int) dpSize];
        } catch (OutOfMemoryError oom) {
            throw CommandError.err("Insufficient memory, failed allocating transient memory for LCS");
        }
        int w = blen + 1;
        for (int i = 1; i <= alen; i++) {
            for (int j = 1; j <= blen; j++) {
                if (a[i - 1] == b[j - 1]) {
                    dp[i * w + j] = dp[(i - 1) * w + j - 1] + 1;
                } else {
                    int l1 = dp[(i - 1) * w + j];
                    int l2 = dp[i * w + j - 1];
                    dp[i * w + j] = Math.max(l1, l2);
                }
            }
        }
        int total = dp[alen * w + blen];
        if (getLen && !getIdx) {
            c.reply().integer(total);
            return;
        }
        byte[] result = new byte[total];
        int idx = total;
        List<long[]> ranges = new java.util.ArrayList<>();
        int aStart = alen;
        int aEnd = 0;
        int bStart = 0;
        int bEnd = 0;
        int i = alen;
        int j = blen;
        while (i > 0 && j > 0) {
            boolean emit = false;
            if (a[i - 1] == b[j - 1]) {
                result[idx - 1] = a[i - 1];
                if (aStart == alen) {
                    aStart = i - 1;
                    aEnd = i - 1;
                    bStart = j - 1;
                    bEnd = j - 1;
                } else if (aStart == i && bStart == j) {
                    aStart--;
                    bStart--;
                } else {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) {
                    emit = true;
                }
                idx--;
                i--;
                j--;
            } else {
                int l1 = dp[(i - 1) * w + j];
                int l2 = dp[i * w + j - 1];
                if (l1 > l2) {
                    i--;
                } else {
                    j--;
                }
                if (aStart != alen) {
                    emit = true;
                }
            }
            long matchLen = aEnd - aStart + 1;
            if (emit) {
                if (minMatchLen == 0 || matchLen >= minMatchLen) {
                    ranges.add(new long[] {aStart, aEnd, bStart, bEnd, matchLen});
                }
                aStart = alen;
            }
        }
        if (!getIdx) {
            c.reply().bulk(result);
            return;
        }
        var reply = c.reply();
        reply.mapHeader(2);
        reply.bulk("matches");
        reply.arrayHeader(ranges.size());
        for (long[] r : ranges) {
            reply.arrayHeader(withMatchLen ? 3 : 2);
            reply.arrayHeader(2);
            reply.integer(r[0]);
            reply.integer(r[1]);
            reply.arrayHeader(2);
            reply.integer(r[2]);
            reply.integer(r[3]);
            if (withMatchLen) {
                reply.integer(r[4]);
            }
        }
        reply.bulk("len");
        reply.integer(total);
    }

}
