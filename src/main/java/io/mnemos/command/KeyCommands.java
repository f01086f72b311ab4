package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Notifier;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;
import io.mnemos.store.TypedValue;
import io.mnemos.util.Glob;
import io.mnemos.util.Sds;

import java.util.ArrayList;
import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Generic key commands (Redis's db.c, expire.c and object.c) plus the database-wide DBSIZE,
 * FLUSHDB, FLUSHALL and SWAPDB.
 */
public final class KeyCommands implements CommandFamily {
    private static final String SAME_OBJECT = "ERR source and destination objects are the same";
    private static final String LFU_NOT_SELECTED = "ERR An LFU maxmemory policy is not selected, access frequency "
            + "not tracked. Please note that when switching between policies at runtime LRU and LFU data will take "
            + "some time to adjust.";
    private static final String LFU_SELECTED = "ERR An LFU maxmemory policy is selected, idle time not tracked. "
            + "Please note that when switching between policies at runtime LRU and LFU data will take some time "
            + "to adjust.";
    /** OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT reports for Redis's shared small integers. */
    private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;
    /** OBJ_SHARED_INTEGERS. */
    private static final long SHARED_INTEGERS = 10000;
    private static final String[] OBJECT_HELP = {
            "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
            "HELP",
            "    Prints this help."};

    private static final int EXPIRE_NX = 1;
    private static final int EXPIRE_XX = 2;
    private static final int EXPIRE_GT = 4;
    private static final int EXPIRE_LT = 8;

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("del", -2).flags(WRITE).keys(1, -1, 1).group("generic").since("1.0.0")
                        .summary("Delete a key")
                        .complexity("O(N) where N is the number of keys that will be removed. When a key to remove "
                                + "holds a value other than a string, the individual complexity for this key is O(M) "
                                + "where M is the number of elements in the list, set, sorted set or hash. Removing a "
                                + "single key that holds a string value is O(1).")
                        .handler(KeyCommands::del).build(),
                command("unlink", -2).flags(WRITE, FAST).keys(1, -1, 1).group("generic").since("4.0.0")
                        .summary("Delete a key asynchronously in another thread. Otherwise it is just as DEL, but "
                                + "non blocking.")
                        .complexity("O(1) for each key removed regardless of its size. Then the command does O(N) "
                                + "work in a different thread in order to reclaim memory, where N is the number of "
                                + "allocations the deleted objects where composed of.")
                        .handler(KeyCommands::del).build(),
                command("exists", -2).flags(READONLY, FAST).keys(1, -1, 1).group("generic").since("1.0.0")
                        .summary("Determine if a key exists")
                        .complexity("O(N) where N is the number of keys to check.")
                        .handler(KeyCommands::exists).build(),
                command("type", 2).flags(READONLY, FAST).keys(1, 1, 1).group("generic").since("1.0.0")
                        .summary("Determine the type stored at key").complexity("O(1)")
                        .handler(KeyCommands::type).build(),
                command("expire", -3).flags(WRITE, FAST).keys(1, 1, 1).group("generic").since("1.0.0")
                        .summary("Set a key's time to live in seconds").complexity("O(1)")
                        .handler(c -> expireGeneric(c, c.db().now(), true)).build(),
                command("pexpire", -3).flags(WRITE, FAST).keys(1, 1, 1).group("generic").since("2.6.0")
                        .summary("Set a key's time to live in milliseconds").complexity("O(1)")
                        .handler(c -> expireGeneric(c, c.db().now(), false)).build(),
                command("expireat", -3).flags(WRITE, FAST).keys(1, 1, 1).group("generic").since("1.2.0")
                        .summary("Set the expiration for a key as a UNIX timestamp").complexity("O(1)")
                        .handler(c -> expireGeneric(c, 0, true)).build(),
                command("pexpireat", -3).flags(WRITE, FAST).keys(1, 1, 1).group("generic").since("2.6.0")
                        .summary("Set the expiration for a key as a UNIX timestamp specified in milliseconds")
                        .complexity("O(1)")
                        .handler(c -> expireGeneric(c, 0, false)).build(),
                command("ttl", 2).flags(READONLY, FAST).keys(1, 1, 1).group("generic").since("1.0.0")
                        .summary("Get the time to live for a key in seconds").complexity("O(1)")
                        .handler(c -> ttlGeneric(c, false, false)).build(),
                command("pttl", 2).flags(READONLY, FAST).keys(1, 1, 1).group("generic").since("2.6.0")
                        .summary("Get the time to live for a key in milliseconds").complexity("O(1)")
                        .handler(c -> ttlGeneric(c, true, false)).build(),
                command("expiretime", 2).flags(READONLY, FAST).keys(1, 1, 1).group("generic").since("7.0.0")
                        .summary("Get the expiration Unix timestamp for a key").complexity("O(1)")
                        .handler(c -> ttlGeneric(c, false, true)).build(),
                command("pexpiretime", 2).flags(READONLY, FAST).keys(1, 1, 1).group("generic").since("7.0.0")
                        .summary("Get the expiration Unix timestamp for a key in milliseconds").complexity("O(1)")
                        .handler(c -> ttlGeneric(c, true, true)).build(),
                command("persist", 2).flags(WRITE, FAST).keys(1, 1, 1).group("generic").since("2.2.0")
                        .summary("Remove the expiration from a key").complexity("O(1)")
                        .handler(KeyCommands::persist).build(),
                command("keys", 2).flags(READONLY).group("generic").since("1.0.0").categories("dangerous")
                        .summary("Find all keys matching the given pattern")
                        .complexity("O(N) with N being the number of keys in the database, under the assumption "
                                + "that the key names in the database and the given pattern have limited length.")
                        .handler(KeyCommands::keys).build(),
                command("scan", -2).flags(READONLY).group("generic").since("2.8.0")
                        .summary("Incrementally iterate the keys space")
                        .complexity("O(1) for every call. O(N) for a complete iteration, including enough command "
                                + "calls for the cursor to return back to 0. N is the number of elements inside the "
                                + "collection.")
                        .handler(KeyCommands::scan).build(),
                command("randomkey", 1).flags(READONLY).group("generic").since("1.0.0")
                        .summary("Return a random key from the keyspace").complexity("O(1)")
                        .handler(KeyCommands::randomkey).build(),
                command("rename", 3).flags(WRITE).keys(1, 2, 1).group("generic").since("1.0.0")
                        .summary("Rename a key").complexity("O(1)")
                        .handler(c -> renameGeneric(c, false)).build(),
                command("renamenx", 3).flags(WRITE, FAST).keys(1, 2, 1).group("generic").since("1.0.0")
                        .summary("Rename a key, only if the new key does not exist").complexity("O(1)")
                        .handler(c -> renameGeneric(c, true)).build(),
                command("copy", -3).flags(WRITE, DENYOOM).keys(1, 2, 1).group("generic").since("6.2.0")
                        .summary("Copy a key")
                        .complexity("O(N) worst case for collections, where N is the number of nested items. "
                                + "O(1) for string values.")
                        .handler(KeyCommands::copy).build(),
                command("move", 3).flags(WRITE, FAST).keys(1, 1, 1).group("generic").since("1.0.0")
                        .summary("Move a key to another database").complexity("O(1)")
                        .handler(KeyCommands::move).build(),
                command("touch", -2).flags(READONLY, FAST).keys(1, -1, 1).group("generic").since("3.2.1")
                        .summary("Alters the last access time of a key(s). Returns the number of existing keys "
                                + "specified.")
                        .complexity("O(N) where N is the number of keys that will be touched.")
                        .handler(KeyCommands::touch).build(),
                command("object", -2).group("generic").since("2.2.3")
                        .summary("A container for object introspection commands").complexity("Depends on subcommand.")
                        .subcommand(command("encoding", 3).flags(READONLY).keys(2, 2, 1).since("2.2.3")
                                .summary("Inspect the internal encoding of a Redis object").complexity("O(1)")
                                .handler(KeyCommands::objectEncoding))
                        .subcommand(command("freq", 3).flags(READONLY).keys(2, 2, 1).since("4.0.0")
                                .summary("Get the logarithmic access frequency counter of a Redis object")
                                .complexity("O(1)")
                                .handler(KeyCommands::objectFreq))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("6.2.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(KeyCommands::objectHelp))
                        .subcommand(command("idletime", 3).flags(READONLY).keys(2, 2, 1).since("2.2.3")
                                .summary("Get the time since a Redis object was last accessed").complexity("O(1)")
                                .handler(KeyCommands::objectIdletime))
                        .subcommand(command("refcount", 3).flags(READONLY).keys(2, 2, 1).since("2.2.3")
                                .summary("Get the number of references to the value of the key").complexity("O(1)")
                                .handler(KeyCommands::objectRefcount))
                        .build(),
                command("dbsize", 1).flags(READONLY, FAST).group("server").since("1.0.0").categories("keyspace")
                        .summary("Return the number of keys in the selected database").complexity("O(1)")
                        .handler(c -> c.reply().integer(c.db().size())).build(),
                command("flushdb", -1).flags(WRITE).group("server").since("1.0.0").categories("keyspace", "dangerous")
                        .summary("Remove all keys from the current database")
                        .complexity("O(N) where N is the number of keys in the selected database")
                        .handler(KeyCommands::flushdb).build(),
                command("flushall", -1).flags(WRITE).group("server").since("1.0.0")
                        .categories("keyspace", "dangerous")
                        .summary("Remove all keys from all databases")
                        .complexity("O(N) where N is the total number of keys in all databases")
                        .handler(KeyCommands::flushall).build(),
                command("swapdb", 3).flags(WRITE, FAST).group("server").since("4.0.0")
                        .categories("keyspace", "dangerous")
                        .summary("Swaps two Redis databases")
                        .complexity("O(N) where N is the count of clients watching or blocking on keys from both "
                                + "databases.")
                        .handler(KeyCommands::swapdb).build());
    }

    private static void dirty(Client c, long changes) {
        c.server().keyspace().stats().dirty += changes;
    }

    // ---- DEL, UNLINK, EXISTS, TYPE, TOUCH -------------------------------------------------------

    private static void del(Client c) {
        long deleted = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.db().delete(c.arg(i))) {
                Events.generic(c, "del", c.arg(i));
                deleted++;
            }
        }
        dirty(c, deleted);
        c.reply().integer(deleted);
    }

    private static void exists(Client c) {
        long count = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.db().lookupReadNoTouch(c.arg(i)) != null) {
                count++;
            }
        }
        c.reply().integer(count);
    }

    private static void type(Client c) {
        Entry e = c.db().lookupReadNoTouch(c.arg(1));
        c.reply().simple(typeName(e));
    }

    /** Redis's getObjectTypeName: "none" for a missing key. */
    static String typeName(Entry e) {
        return e == null ? "none" : e.type().typeName();
    }

    private static void touch(Client c) {
        long touched = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.db().lookupRead(c.arg(i)) != null) {
                touched++;
            }
        }
        c.reply().integer(touched);
    }

    // ---- EXPIRE family, TTL family, PERSIST ---------------------------------------------------

    /** expireGenericCommand: options first, then the time, then the key. */
    private static void expireGeneric(Client c, long basetime, boolean seconds) {
        int flags = 0;
        for (int i = 3; i < c.argc(); i++) {
            byte[] opt = c.arg(i);
            if (Args.is(opt, "NX")) {
                flags |= EXPIRE_NX;
            } else if (Args.is(opt, "XX")) {
                flags |= EXPIRE_XX;
            } else if (Args.is(opt, "GT")) {
                flags |= EXPIRE_GT;
            } else if (Args.is(opt, "LT")) {
                flags |= EXPIRE_LT;
            } else {
                throw CommandError.err("Unsupported option " + Args.text(opt));
            }
        }
        if ((flags & EXPIRE_NX) != 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) != 0) {
            throw CommandError.err("NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & EXPIRE_GT) != 0 && (flags & EXPIRE_LT) != 0) {
            throw CommandError.err("GT and LT options at the same time are not compatible");
        }
        long when = Args.parseLong(c.arg(2));
        CommandError invalid = CommandError.err("invalid expire time in '" + c.command().fullName() + "' command");
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw invalid;
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            throw invalid;
        }
        when += basetime;

        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        if (flags != 0) {
            long current = e.expireAt();
            boolean hasTtl = e.isVolatile();
            if ((flags & EXPIRE_NX) != 0 && hasTtl
                    || (flags & EXPIRE_XX) != 0 && !hasTtl
                    || (flags & EXPIRE_GT) != 0 && (!hasTtl || when <= current)
                    || (flags & EXPIRE_LT) != 0 && hasTtl && when >= current) {
                c.reply().integer(0);
                return;
            }
        }
        if (when <= db.now() && !db.loading()) {
            // checkAlreadyExpired: a time in the past deletes the key (propagated as DEL).
            db.remove(e);
            Events.generic(c, "del", c.arg(1));
            c.reply().integer(1);
        } else {
            db.setExpire(e, when);
            c.reply().integer(1);
            Events.generic(c, "expire", c.arg(1));
        }
        dirty(c, 1);
    }

    /** ttlGenericCommand: -2 without key, -1 without TTL; seconds round to nearest. */
    private static void ttlGeneric(Client c, boolean millis, boolean absolute) {
        Database db = c.db();
        Entry e = db.lookupReadNoTouch(c.arg(1));
        if (e == null) {
            c.reply().integer(-2);
            return;
        }
        if (!e.isVolatile()) {
            c.reply().integer(-1);
            return;
        }
        long value = absolute ? e.expireAt() : Math.max(0, e.expireAt() - db.now());
        // value + 500 wraps near Long.MAX_VALUE; Redis's build divides the wrapped sum as unsigned.
        c.reply().integer(millis ? value : Long.divideUnsigned(value + 500, 1000));
    }

    private static void persist(Client c) {
        Entry e = c.db().lookupWrite(c.arg(1));
        if (e != null && c.db().persist(e)) {
            Events.generic(c, "persist", c.arg(1));
            dirty(c, 1);
            c.reply().integer(1);
        } else {
            c.reply().integer(0);
        }
    }

    // ---- KEYS, SCAN, RANDOMKEY ---------------------------------------------------------------

    private static void keys(Client c) {
        byte[] pattern = c.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        Database db = c.db();
        List<byte[]> found = new ArrayList<>();
        db.forEach(e -> {
            if ((all || Glob.matches(pattern, e.key(), false)) && !db.isExpired(e)) {
                found.add(e.key());
            }
        });
        c.reply().arrayHeader(found.size());
        for (byte[] k : found) {
            c.reply().bulk(k);
        }
    }

    private static void scan(Client c) {
        long cursor = ScanArguments.parseCursor(c.arg(1));
        ScanArguments args = ScanArguments.parseOptions(c, 2, true);
        byte[] typeName = args.typeName;

        Database db = c.db();
        List<Entry> collected = new ArrayList<>();
        cursor = args.scanBuckets(cursor, cur -> db.scan(cur, collected::add), collected::size);

        List<byte[]> keys = new ArrayList<>(collected.size());
        for (Entry e : collected) {
            byte[] key = e.key();
            if (!args.matches(key)) {
                continue;
            }
            boolean alreadyRemoved = false;
            if (typeName != null) {
                // Redis looks the key up (counting a hit or miss, expiring it) and compares the
                // type name case-insensitively; a key that has just expired reads as "none".
                Entry current = db.lookupReadNoTouch(key);
                if (!typeName(current).equalsIgnoreCase(Args.text(typeName))) {
                    continue;
                }
                alreadyRemoved = current == null;
            }
            if (!alreadyRemoved && db.isExpired(e)) {
                // expireIfNeeded: delete the expired key and leave it out of the reply.
                db.lookupQuiet(key);
                continue;
            }
            keys.add(key);
        }
        ScanArguments.reply(c.reply(), cursor, keys);
    }

    private static void randomkey(Client c) {
        Entry e = c.db().randomEntry();
        c.reply().bulk(e == null ? null : e.key());
    }

    // ---- RENAME, RENAMENX, COPY, MOVE -------------------------------------------------------

    private static void renameGeneric(Client c, boolean nx) {
        byte[] from = c.arg(1);
        byte[] to = c.arg(2);
        Database db = c.db();
        Entry src = db.lookupWrite(from);
        if (src == null) {
            throw CommandError.NO_SUCH_KEY;
        }
        if (java.util.Arrays.equals(from, to)) {
            if (nx) {
                c.reply().integer(0);
            } else {
                c.reply().ok();
            }
            return;
        }
        Entry dst = db.lookupWrite(to);
        if (dst != null) {
            if (nx) {
                c.reply().integer(0);
                return;
            }
            db.remove(dst);
        }
        db.addFrom(to, src);
        db.remove(src);
        Events.generic(c, "rename_from", from);
        Events.generic(c, "rename_to", to);
        dirty(c, 1);
        if (nx) {
            c.reply().integer(1);
        } else {
            c.reply().ok();
        }
    }

    private static Database dbOrError(Client c, int id) {
        Keyspace ks = c.server().keyspace();
        if (id < 0 || id >= ks.count()) {
            throw CommandError.DB_INDEX;
        }
        return ks.db(id);
    }

    private static void copy(Client c) {
        Database src = c.db();
        Database dst = src;
        boolean replace = false;
        for (int j = 3; j < c.argc(); j++) {
            int additional = c.argc() - j - 1;
            if (Args.is(c.arg(j), "REPLACE")) {
                replace = true;
            } else if (Args.is(c.arg(j), "DB") && additional >= 1) {
                dst = dbOrError(c, Args.parseInt(c.arg(j + 1), null));
                j++;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        byte[] key = c.arg(1);
        byte[] newKey = c.arg(2);
        if (src == dst && java.util.Arrays.equals(key, newKey)) {
            throw new CommandError(SAME_OBJECT);
        }
        Entry e = src.lookupRead(key);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        Entry existing = dst.lookupWrite(newKey);
        if (existing != null) {
            if (!replace) {
                c.reply().integer(0);
                return;
            }
            dst.remove(existing);
        }
        Object value = e.value() instanceof byte[] b ? b.clone() : ((TypedValue) e.value()).copy();
        Entry created = dst.add(newKey, value);
        // dupStringObject keeps raw/embstr/int, but an int copy is an object of its own, never shared,
        // and a raw copy's sds is made to measure.
        created.stringEncoding(encoding(e).equals("int") ? Entry.STRING_UNSHARED
                : e.isRawString() ? Entry.STRING_RAW : e.stringEncoding());
        if (e.isVolatile()) {
            dst.setExpire(created, e.expireAt());
        }
        Events.notifyIn(c, Notifier.GENERIC, "copy_to", newKey, dst.id());
        dirty(c, 1);
        c.reply().integer(1);
    }

    private static void move(Client c) {
        Database src = c.db();
        Database dst = dbOrError(c, Args.parseInt(c.arg(2), null));
        if (src == dst) {
            throw new CommandError(SAME_OBJECT);
        }
        byte[] key = c.arg(1);
        Entry e = src.lookupWrite(key);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        if (dst.lookupWrite(key) != null) {
            c.reply().integer(0);
            return;
        }
        dst.addFrom(key, e);
        src.remove(e);
        Events.notifyIn(c, Notifier.GENERIC, "move_from", key, src.id());
        Events.notifyIn(c, Notifier.GENERIC, "move_to", key, dst.id());
        dirty(c, 1);
        c.reply().integer(1);
    }

    // ---- OBJECT ------------------------------------------------------------------------------

    private static Entry objectLookup(Client c) {
        // LOOKUP_NOTOUCH|LOOKUP_NONOTIFY: counted as a hit or miss, but no "keymiss" event.
        Entry e = c.db().lookupQuiet(c.arg(2));
        if (e == null) {
            c.server().keyspace().stats().misses++;
        } else {
            c.server().keyspace().stats().hits++;
        }
        if (e == null) {
            c.reply().nullBulk();
        }
        return e;
    }

    private static void objectEncoding(Client c) {
        Entry e = objectLookup(c);
        if (e != null) {
            c.reply().bulk(encoding(e));
        }
    }

    /**
     * OBJECT ENCODING's name: for strings "raw" when modified in place, else what tryObjectEncoding
     * (or, for {@link Entry#STRING_NOT_INT}, createStringObject) would pick for these bytes.
     */
    static String encoding(Entry e) {
        if (e.value() instanceof byte[] b) {
            if (e.isRawString()) {
                return "raw";
            }
            if (e.stringEncoding() == Entry.STRING_NOT_INT) {
                return b.length <= Sds.EMBSTR_LIMIT ? "embstr" : "raw";
            }
        }
        return encoding(e.value());
    }

    /** OBJECT ENCODING's name: for strings what tryObjectEncoding would pick for these bytes. */
    static String encoding(Object value) {
        if (value instanceof byte[] b) {
            if (b.length <= 20 && Args.isLong(b)) {
                return "int";
            }
            return b.length <= Sds.EMBSTR_LIMIT ? "embstr" : "raw";
        }
        return ((TypedValue) value).encoding();
    }

    private static void objectRefcount(Client c) {
        Entry e = objectLookup(c);
        if (e != null) {
            c.reply().integer(refcount(c, e));
        }
    }

    /** The refcount OBJECT REFCOUNT and DEBUG OBJECT show: Redis's shared small integers, else 1. */
    static long refcount(Client c, Entry e) {
        if (e.value() instanceof byte[] b && b.length <= 20 && e.stringEncoding() == 0) {
            Long v = Args.parseLongOrNull(b);
            // Small integers are Redis's shared objects unless an LRU/LFU policy with a
            // maxmemory needs one object per key (MAXMEMORY_FLAG_NO_SHARED_INTEGERS).
            if (v != null && v >= 0 && v < SHARED_INTEGERS && (c.server().config().eviction.maxmemory == 0
                    || !c.server().config().eviction.policy.noSharedIntegers())) {
                return SHARED_REFCOUNT;
            }
        }
        return 1;
    }

    private static void objectIdletime(Client c) {
        Entry e = objectLookup(c);
        if (e != null) {
            if (lfuPolicy(c)) {
                throw new CommandError(LFU_SELECTED);
            }
            c.reply().integer(c.db().idleSeconds(e));
        }
    }

    private static void objectFreq(Client c) {
        Entry e = objectLookup(c);
        if (e != null) {
            if (!lfuPolicy(c)) {
                throw new CommandError(LFU_NOT_SELECTED);
            }
            c.reply().integer(c.db().frequency(e));
        }
    }

    private static void objectHelp(Client c) {
        c.reply().arrayHeader(OBJECT_HELP.length);
        for (String line : OBJECT_HELP) {
            c.reply().simple(line);
        }
    }

    private static boolean lfuPolicy(Client c) {
        return ConfigValues.maxmemoryPolicy(c.server()).endsWith("-lfu");
    }

    // ---- DBSIZE, FLUSHDB, FLUSHALL, SWAPDB ---------------------------------------------------

    /** getFlushCommandFlags: nothing, SYNC or ASYNC (both flush at once here). */
    private static void checkFlushArgs(Client c) {
        if (c.argc() > 2 || c.argc() == 2 && !Args.is(c.arg(1), "SYNC") && !Args.is(c.arg(1), "ASYNC")) {
            throw CommandError.SYNTAX;
        }
    }

    private static void flushdb(Client c) {
        checkFlushArgs(c);
        long removed = c.db().size();
        c.db().flush();
        // signalFlushedDb: tracking clients are told all their keys are invalid.
        c.server().tracking().invalidateOnFlush();
        dirty(c, removed);
        // Propagated even when the database was already empty, as Redis does.
        c.server().propagation().force();
        c.reply().ok();
    }

    private static void flushall(Client c) {
        checkFlushArgs(c);
        long removed = c.server().keyspace().totalKeys();
        c.server().emptyData(false);
        dirty(c, removed);
        c.server().persistence().saveAfterFlushAll();
        // The save above resets server.dirty, and the keyspace may have been empty: propagated anyway.
        c.server().propagation().force();
        c.reply().ok();
    }

    private static void swapdb(Client c) {
        int a = Args.parseInt(c.arg(1), "invalid first DB index");
        int b = Args.parseInt(c.arg(2), "invalid second DB index");
        Keyspace ks = c.server().keyspace();
        if (a < 0 || a >= ks.count() || b < 0 || b >= ks.count()) {
            throw CommandError.DB_INDEX;
        }
        if (a != b) {
            ks.swap(a, b);
        }
        dirty(c, 1);
        c.reply().ok();
    }
}
