package io.mnemos.persistence;

import io.mnemos.command.Args;
import io.mnemos.command.CommandSpec;
import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.HashValue;
import io.mnemos.store.TypedValue;
import io.mnemos.util.Numbers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis's command propagation (server.c call/alsoPropagate/propagatePendingCommands), generic so
 * that the AOF, and later replication, can listen. The dispatcher calls {@link #enter()} and
 * {@link #exit} around every command execution, nested ones included (EXEC, scripts running
 * redis.call through the dispatcher). A command that changed the dataset is turned into the
 * commands that reproduce its effect deterministically (relative expiries become absolute, random
 * pops become SREM, blocking pops their non-blocking form, ...); keys deleted by expiry or eviction
 * propagate DEL. Everything propagated while the outermost call runs is delivered when it ends,
 * wrapped in MULTI/EXEC when there is more than one command, as Redis 7.0 does.
 */
public final class CommandPropagation {
    /** Receives propagated commands in order, MULTI and EXEC included. */
    @FunctionalInterface
    public interface Listener {
        void propagate(int db, byte[][] argv);

        /** A listener feeding replicas also gets what Redis propagates to replicas only (PROPAGATE_REPL). */
        default boolean feedsReplicas() {
            return false;
        }
    }

    private static final byte[] MULTI = bytes("MULTI");
    private static final byte[] EXEC = bytes("EXEC");
    private static final byte[] DEL = bytes("DEL");

    /** PROPAGATE_AOF and PROPAGATE_REPL: where a propagated command goes (redis.REPL_* in scripts). */
    public static final int TO_AOF = 1;
    public static final int TO_REPLICAS = 2;
    public static final int TO_ALL = TO_AOF | TO_REPLICAS;

    /** {@code targets}: {@link #TO_AOF} and/or {@link #TO_REPLICAS}. */
    private record Op(int db, byte[][] argv, int targets) {
        Op(int db, byte[][] argv) {
            this(db, argv, TO_ALL);
        }
    }

    /** Per nesting level: a handler's explicit propagation (Redis's rewriteClientCommandVector). */
    private static final class Frame {
        List<byte[][]> override;
        byte[] popKey;
        boolean forced;
        boolean replicasOnly;
    }

    /**
     * The targets of the commands running now: all but while a script that called redis.set_repl
     * runs one (the call flags scriptCall gives call()).
     */
    private int callTargets = TO_ALL;

    private final List<Listener> listeners = new ArrayList<>();
    private final List<Op> pending = new ArrayList<>();
    private final List<Frame> frames = new ArrayList<>();
    private int depth;
    private boolean suppressed;

    public void addListener(Listener l) {
        listeners.add(l);
    }

    public void removeListener(Listener l) {
        listeners.remove(l);
    }

    /** True when something listens (and commands must be turned into propagated form). */
    public boolean active() {
        return !listeners.isEmpty() && !suppressed;
    }

    /** While loading the AOF nothing is propagated. */
    public void suppress(boolean suppress) {
        this.suppressed = suppress;
    }

    /** A command starts executing (possibly nested in EXEC or a script). */
    public void enter(Client c, CommandSpec spec, byte[][] argv) {
        if (frames.size() <= depth) {
            frames.add(new Frame());
        }
        Frame f = frames.get(depth++);
        f.override = null;
        f.popKey = null;
        f.forced = false;
        f.replicasOnly = false;
        if (active()) {
            f.popKey = popKeyBefore(c.db(), spec.fullName(), argv);
        }
    }

    /**
     * The command ended; {@code dirtied} when it changed the dataset (server.dirty increased).
     * EXEC and scripts are never propagated themselves: their commands are, as they run.
     */
    public void exit(Client c, CommandSpec spec, byte[][] argv, boolean dirtied) {
        Frame f = frames.get(--depth);
        if ((dirtied || f.forced) && active() && !c.blocked() && !selfPropagating(spec.fullName())
                && callTargets != 0) {
            int db = c.db().id();
            if (f.override != null) {
                for (byte[][] a : f.override) {
                    pending.add(new Op(db, a, callTargets));
                }
            } else {
                byte[][] rewritten = rewrite(c.db(), spec.fullName(), argv, f.popKey);
                if (rewritten != null) {
                    // call(): PROPAGATE_REPL alone for a forced PUBLISH, masked by the call's flags.
                    int targets = f.replicasOnly && !dirtied ? TO_REPLICAS & callTargets : callTargets;
                    if (targets != 0) {
                        pending.add(new Op(db, rewritten, targets));
                    }
                }
            }
        }
        f.override = null;
        if (depth == 0) {
            flush();
        }
    }

    /**
     * For a handler whose effect is not its argv (SPOP): propagate these commands instead, in the
     * client's current database. Only the innermost running command is affected.
     */
    public void replaceWith(List<byte[][]> commands) {
        if (depth > 0 && active()) {
            frames.get(depth - 1).override = commands;
        }
    }

    /**
     * forceCommandPropagation: the running command is propagated even if it changed nothing that
     * server.dirty counts (FLUSHALL and FLUSHDB of an empty keyspace, FLUSHALL whose save reset it).
     */
    public void force() {
        if (depth > 0) {
            frames.get(depth - 1).forced = true;
        }
    }

    /**
     * forceCommandPropagation(c, PROPAGATE_REPL): the running command goes to replicas, not to the
     * AOF (PUBLISH and SPUBLISH, so that a replica's subscribers get the message too).
     */
    public void forceToReplicas() {
        if (depth > 0) {
            Frame f = frames.get(depth - 1);
            f.forced = true;
            f.replicasOnly = true;
        }
    }

    /**
     * Runs a script's redis.call with the targets its redis.set_repl chose (0: nowhere); keys that
     * expire meanwhile still propagate their DEL everywhere (propagateDeletion).
     */
    public void callWithTargets(int targets, Runnable call) {
        int outer = callTargets;
        callTargets = targets;
        try {
            call.run();
        } finally {
            callTargets = outer;
        }
    }

    /** {@link #replaceWith} for a single command. */
    public void propagateInstead(byte[][] argv) {
        if (depth > 0 && active()) {
            List<byte[][]> one = new ArrayList<>(1);
            one.add(argv);
            frames.get(depth - 1).override = one;
        }
    }

    /** A key deleted by expiry or eviction: DEL, before the command that noticed it (propagateDeletion). */
    public void deleted(Database db, byte[] key) {
        if (!active()) {
            return;
        }
        pending.add(new Op(db.id(), new byte[][]{DEL, key}));
        if (depth == 0) {
            flush();
        }
    }

    /** Arbitrary commands (e.g. FLUSHALL from elsewhere): delivered with the current unit. */
    public void propagate(int db, byte[][] argv) {
        if (!active()) {
            return;
        }
        pending.add(new Op(db, argv));
        if (depth == 0) {
            flush();
        }
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        if (!active()) {
            pending.clear();
            return;
        }
        boolean wrap = pending.size() > 1;
        // As propagatePendingCommands: MULTI/EXEC for more than one command, whatever their targets.
        if (wrap) {
            deliver(pending.get(0).db(), new byte[][]{MULTI}, TO_ALL);
        }
        for (Op op : pending) {
            deliver(op.db(), op.argv(), op.targets());
        }
        if (wrap) {
            deliver(pending.get(pending.size() - 1).db(), new byte[][]{EXEC}, TO_ALL);
        }
        pending.clear();
    }

    private void deliver(int db, byte[][] argv, int targets) {
        for (int i = 0; i < listeners.size(); i++) {
            Listener l = listeners.get(i);
            if ((targets & (l.feedsReplicas() ? TO_REPLICAS : TO_AOF)) != 0) {
                l.propagate(db, argv);
            }
        }
    }

    /** EXEC and scripts propagate their commands' effects, never themselves (Redis: preventCommandPropagation). */
    static boolean selfPropagating(String name) {
        return switch (name) {
            case "exec", "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "script|load" -> true;
            default -> false;
        };
    }

    // ---- the rewrites ---------------------------------------------------------------------------

    /** The key a multi-key pop will pop from: the first holding a non-empty value. */
    static byte[] popKeyBefore(Database db, String name, byte[][] argv) {
        int first;
        int last;
        switch (name) {
            case "blpop", "brpop" -> {
                first = 1;
                last = argv.length - 2;
            }
            case "lmpop", "zmpop", "blmpop" -> {
                int numPos = name.equals("blmpop") ? 2 : 1;
                if (argv.length <= numPos) {
                    return null;
                }
                Long n = Args.parseLongOrNull(argv[numPos]);
                if (n == null || n < 1) {
                    return null;
                }
                first = numPos + 1;
                last = (int) Math.min(argv.length - 1, numPos + n);
            }
            default -> {
                return null;
            }
        }
        for (int i = first; i <= last; i++) {
            Entry e = db.peek(argv[i]);
            if (e != null && !db.isExpired(e) && !(e.value() instanceof byte[])) {
                if (e.value() instanceof TypedValue) {
                    return argv[i];
                }
            }
        }
        return null;
    }

    /** The command(s) to propagate for a write, in Redis 7.0's form; null to propagate nothing. */
    static byte[][] rewrite(Database db, String name, byte[][] argv, byte[] popKey) {
        switch (name) {
            case "expire", "pexpire", "expireat" -> {
                return absoluteExpire(db, argv[1]);
            }
            case "pexpireat" -> {
                Entry e = db.peek(argv[1]);
                return e == null ? del(argv[1]) : argv;
            }
            case "setex", "psetex" -> {
                return setPxat(db, argv[1], argv[3]);
            }
            case "set" -> {
                boolean relative = false;
                int get = -1;
                for (int i = 3; i < argv.length; i++) {
                    if (Args.is(argv[i], "ex") || Args.is(argv[i], "px") || Args.is(argv[i], "exat")) {
                        relative = true;
                    } else if (Args.is(argv[i], "get")) {
                        get = i;
                    }
                }
                if (relative) {
                    return setPxat(db, argv[1], argv[2]);
                }
                if (get > 0) {
                    byte[][] out = new byte[argv.length - 1][];
                    for (int i = 0, j = 0; i < argv.length; i++) {
                        if (i != get) {
                            out[j++] = argv[i];
                        }
                    }
                    return out;
                }
                return argv;
            }
            case "getex" -> {
                Entry e = db.peek(argv[1]);
                if (e == null) {
                    return del(argv[1]);
                }
                for (int i = 2; i < argv.length; i++) {
                    if (Args.is(argv[i], "persist")) {
                        return new byte[][]{bytes("PERSIST"), argv[1]};
                    }
                }
                return e.expireAt() == Entry.NO_EXPIRY ? null
                        : new byte[][]{bytes("PEXPIREAT"), argv[1], Numbers.toBytes(e.expireAt())};
            }
            case "getdel" -> {
                return del(argv[1]);
            }
            case "incrbyfloat" -> {
                Entry e = db.peek(argv[1]);
                if (e == null || !(e.value() instanceof byte[] v)) {
                    return argv;
                }
                return new byte[][]{bytes("SET"), argv[1], v, bytes("KEEPTTL")};
            }
            case "hincrbyfloat" -> {
                Entry e = db.peek(argv[1]);
                if (e == null || !(e.value() instanceof HashValue h) || h.get(argv[2]) == null) {
                    return argv;
                }
                return new byte[][]{bytes("HSET"), argv[1], argv[2], h.get(argv[2])};
            }
            case "blpop", "brpop" -> {
                return popKey == null ? null
                        : new byte[][]{bytes(name.equals("blpop") ? "LPOP" : "RPOP"), popKey};
            }
            case "brpoplpush" -> {
                return new byte[][]{bytes("RPOPLPUSH"), argv[1], argv[2]};
            }
            case "blmove" -> {
                return new byte[][]{bytes("LMOVE"), argv[1], argv[2], argv[3], argv[4]};
            }
            case "lmpop", "blmpop", "zmpop" -> {
                if (popKey == null) {
                    return null;
                }
                int numPos = name.equals("blmpop") ? 2 : 1;
                int where = numPos + 1 + (int) Args.parseLong(argv[numPos]);
                long count = 1;
                for (int i = where + 1; i + 1 < argv.length; i++) {
                    if (Args.is(argv[i], "count")) {
                        count = Args.parseLong(argv[i + 1]);
                    }
                }
                String cmd;
                if (name.equals("zmpop")) {
                    cmd = Args.is(argv[where], "max") ? "ZPOPMAX" : "ZPOPMIN";
                } else {
                    cmd = Args.is(argv[where], "left") ? "LPOP" : "RPOP";
                }
                return new byte[][]{bytes(cmd), popKey, Numbers.toBytes(count)};
            }
            default -> {
                return argv;
            }
        }
    }

    private static byte[][] absoluteExpire(Database db, byte[] key) {
        Entry e = db.peek(key);
        if (e == null) {
            return del(key);
        }
        if (e.expireAt() == Entry.NO_EXPIRY) {
            return null;
        }
        return new byte[][]{bytes("PEXPIREAT"), key, Numbers.toBytes(e.expireAt())};
    }

    private static byte[][] setPxat(Database db, byte[] key, byte[] value) {
        Entry e = db.peek(key);
        if (e == null) {
            return del(key);
        }
        if (e.expireAt() == Entry.NO_EXPIRY) {
            return new byte[][]{bytes("SET"), key, value};
        }
        return new byte[][]{bytes("SET"), key, value, bytes("PXAT"), Numbers.toBytes(e.expireAt())};
    }

    /** DEL key: what a write that deleted its key propagates. */
    public static byte[][] del(byte[] key) {
        return new byte[][]{DEL, key};
    }


    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** SPOP's propagation: SREM in batches of 1024 members (spopWithCountCommand), or DEL of the whole set. */
    public static List<byte[][]> sremBatches(byte[] key, List<byte[]> members) {
        List<byte[][]> out = new ArrayList<>();
        for (int i = 0; i < members.size(); i += 1024) {
            int n = Math.min(1024, members.size() - i);
            byte[][] argv = new byte[n + 2][];
            argv[0] = bytes("SREM");
            argv[1] = key;
            for (int j = 0; j < n; j++) {
                argv[j + 2] = members.get(i + j);
            }
            out.add(argv);
        }
        return out;
    }
}
