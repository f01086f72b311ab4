package io.mnemos.command;

import io.mnemos.persistence.DumpPayload;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.ShutdownSequence;
import io.mnemos.store.DatasetDigest;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.ListValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.PROTECTED;
import static io.mnemos.command.CommandFlag.ALLOW_BUSY;
import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_MULTI;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/** DEBUG and SHUTDOWN commands. */
public final class DebugCommands implements CommandFamily {
    private static final Logger log = LoggerFactory.getLogger(DebugCommands.class);
    /** Redis's LRU_CLOCK_MAX: object LRU clocks are 24-bit seconds. */
    private static final long LRU_CLOCK_MAX = (1 << 24) - 1;

    private static final String[] DEBUG_HELP = {
            "AOF-FLUSH-SLEEP <microsec>",
            "    Server will sleep before flushing the AOF, this is used for testing.",
            "ASSERT",
            "    Crash by assertion failed.",
            "CHANGE-REPL-ID",
            "    Change the replication IDs of the instance.",
            "    Dangerous: should be used only for testing the replication subsystem.",
            "CONFIG-REWRITE-FORCE-ALL",
            "    Like CONFIG REWRITE but writes all configuration options, including",
            "    keywords not listed in original configuration file or default values.",
            "CRASH-AND-RECOVER [<milliseconds>]",
            "    Hard crash and restart after a <milliseconds> delay (default 0).",
            "DIGEST",
            "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "ERROR <string>",
            "    Return a Redis protocol error with <string> as message. Useful for clients",
            "    unit tests to simulate Redis errors.",
            "LEAK <string>",
            "    Create a memory leak of the input string.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "HTSTATS <dbid>",
            "    Return hash table statistics of the specified Redis database.",
            "HTSTATS-KEY <key>",
            "    Like HTSTATS but for the hash table stored at <key>'s value.",
            "LOADAOF",
            "    Flush the AOF buffers on disk and reload the AOF in memory.",
            "REPLICATE <string>",
            "    Replicates the provided string to replicas, allowing data divergence.",
            "MALLCTL <key> [<val>]",
            "    Get or set a malloc tuning integer.",
            "MALLCTL-STR <key> [<val>]",
            "    Get or set a malloc tuning string.",
            "OBJECT <key>",
            "    Show low level info about `key` and associated value.",
            "DROP-CLUSTER-PACKET-FILTER <packet-type>",
            "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
            "OOM",
            "    Crash the server simulating an out-of-memory error.",
            "PANIC",
            "    Crash the server simulating a panic.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "PROTOCOL <type>",
            "    Reply with a test value of the specified type. <type> can be: string,",
            "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
            "    true, false.",
            "RELOAD [option ...]",
            "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
            "    * MERGE: conflicting keys will be loaded from RDB.",
            "    * NOFLUSH: the existing database will not be removed before load, but",
            "      conflicting keys will generate an exception and kill the server.",
            "    * NOSAVE: the database will be loaded from an existing RDB file.",
            "    Examples:",
            "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
            "      the database.",
            "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
            "      existing RDB file.",
            "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
            "      file to the database.",
            "RESTART [<milliseconds>]",
            "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
            "SDSLEN <key>",
            "    Show low level SDS string info representing `key` and value.",
            "SEGFAULT",
            "    Crash the server with sigsegv.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Sets the threshold for elements to be inserted as plain vs packed nodes",
            "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
            "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
            "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "STRINGMATCH-TEST",
            "    Run a fuzz tester against the stringmatchlen() function.",
            "STRUCTSIZE",
            "    Return the size of different Redis core C structures.",
            "LISTPACK <key>",
            "    Show low level info about the listpack encoding of <key>.",
            "QUICKLIST <key> [<0|1>]",
            "    Show low level info about the quicklist encoding of <key>.",
            "    The optional argument (0 by default) sets the level of detail",
            "CLIENT-EVICTION",
            "    Show low level client eviction pools info (maxmemory-clients).",
            "PAUSE-CRON <0|1>",
            "    Stop periodic cron job processing.",
            "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
            "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
            "    In case NEVER is provided the last observed peak will never be reset",
            "    In case RESET is provided the peak reset time will be restored to the default value",
            "REPLYBUFFER RESIZING <0|1>",
            "    Enable or disable the reply buffer resize cron job",
            "CLUSTERLINK KILL <to|from|all> <node-id>",
            "    Kills the link based on the direction to/from (both) with the provided node.",
    };


    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("debug", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE, PROTECTED).group("server")
                        .summary("A container for debugging commands").complexity("Depends on subcommand.")
                        .handler(DebugCommands::debug).build(),
                command("shutdown", -1).flags(ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI, ALLOW_BUSY)
                        .group("server")
                        .summary("Synchronously save the dataset to disk and then shut down the server")
                        .complexity("O(N) when saving, where N is the total number of keys in all databases "
                                + "when saving data, otherwise O(1)")
                        .handler(DebugCommands::shutdown).build());
    }

    // ---- DEBUG ----

    private static void debug(Client c) {
        String sub = Args.text(c.arg(1)).toLowerCase(Locale.ROOT);
        int argc = c.argc();
        switch (sub) {
            case "help" -> {
                if (argc == 2) {
                    CommandIntrospection.help(c, "DEBUG", DEBUG_HELP);
                    return;
                }
            }
            case "sleep" -> {
                if (argc == 3) {
                    sleep(c);
                    return;
                }
            }
            case "object" -> {
                if (argc == 3) {
                    object(c);
                    return;
                }
            }
            case "populate" -> {
                if (argc >= 3 && argc <= 5) {
                    populate(c);
                    return;
                }
            }
            case "log" -> {
                if (argc == 3) {
                    log.warn("DEBUG LOG: {}", Args.text(c.arg(2)));
                    c.reply().ok();
                    return;
                }
            }
            case "digest" -> {
                if (argc == 2) {
                    c.reply().simple(DatasetDigest.ofDataset(c.server().keyspace()));
                    return;
                }
            }
            case "digest-value" -> {
                // Redis reads the dictionary directly: a logically expired key still has a digest.
                c.reply().arrayHeader(argc - 2);
                for (int j = 2; j < argc; j++) {
                    Entry e = c.db().peek(c.arg(j));
                    c.reply().simple(e == null ? DatasetDigest.ZERO : DatasetDigest.ofEntry(e));
                }
                return;
            }
            case "protocol" -> {
                if (argc == 3) {
                    protocol(c, Args.text(c.arg(2)).toLowerCase(Locale.ROOT));
                    return;
                }
            }
            case "reload" -> {
                reload(c);
                return;
            }
            case "loadaof" -> {
                loadAof(c);
                return;
            }
            case "set-active-expire" -> {
                if (argc == 3) {
                    c.server().activeExpire().enabled(io.mnemos.util.Numbers.atoi(c.arg(2)) != 0);
                    c.reply().ok();
                    return;
                }
            }
            default -> {
            }
        }
        throw CommandError.subcommandSyntax(c);
    }

    /** DEBUG PROTOCOL: one sample of each RESP3 type (and its RESP2 downgrade), for client tests. */
    private static void protocol(Client c, String type) {
        ReplyWriter w = c.reply();
        switch (type) {
            case "string" -> w.bulk("Hello World");
            case "integer" -> w.integer(12345);
            case "double" -> w.doubleValue(3.141);
            case "bignum" -> {
                String digits = "1234567999999999999999999999999999999";
                if (w.resp3()) {
                    w.raw(("(" + digits + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } else {
                    w.bulk(digits);
                }
            }
            case "null" -> w.nullBulk();
            case "array", "set" -> {
                if (type.equals("set")) {
                    w.setHeader(3);
                } else {
                    w.arrayHeader(3);
                }
                for (int j = 0; j < 3; j++) {
                    w.integer(j);
                }
            }
            case "map" -> {
                w.mapHeader(3);
                for (int j = 0; j < 3; j++) {
                    w.integer(j);
                    w.bool(j == 1);
                }
            }
            case "attrib" -> {
                if (w.resp3()) {
                    w.raw("|1\r\n".getBytes(StandardCharsets.US_ASCII));
                    w.bulk("key-popularity");
                    w.arrayHeader(2);
                    w.bulk("key:123");
                    w.integer(90);
                }
                // An attribute is not a reply: a real one follows.
                w.bulk("Some real reply following the attribute");
            }
            case "push" -> {
                if (!w.resp3()) {
                    throw CommandError.err("RESP2 is not supported by this command");
                }
                c.push(p -> {
                    p.pushHeader(2);
                    p.bulk("server-cpu-usage");
                    p.integer(42);
                });
                // A push is not a reply either: clients waiting for one get this.
                w.bulk("Some real reply following the push reply");
            }
            case "verbatim" -> w.verbatim("txt", "This is a verbatim\nstring");
            case "true" -> w.bool(true);
            case "false" -> w.bool(false);
            default -> throw CommandError.err("Wrong protocol type name. Please use one of the following: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
        }
    }

    /** DEBUG SLEEP: strtod of the argument, no validation, as Redis; the whole server stops. */
    private static void sleep(Client c) {
        double seconds = strtod(Args.text(c.arg(2)));
        long micros = (long) (seconds * 1_000_000);
        if (micros > 0) {
            try {
                Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        c.reply().ok();
    }

    /** C's strtod on a prefix: the longest leading number, 0 if none. */
    static double strtod(String s) {
        String t = s.stripLeading();
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?").matcher(t);
        if (m.find()) {
            return Double.parseDouble(m.group());
        }
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.startsWith("inf") || lower.startsWith("+inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.startsWith("-inf")) {
            return Double.NEGATIVE_INFINITY;
        }
        return 0;
    }

    private static void object(Client c) {
        Entry e = c.db().lookupQuiet(c.arg(2));
        if (e == null) {
            throw CommandError.NO_SUCH_KEY;
        }
        Object value = e.value();
        long refcount = KeyCommands.refcount(c, e);
        String encoding = KeyCommands.encoding(e);
        long serialized = serializedLength(c, value);
        long nowSeconds = c.db().now() / 1000;
        long lru = e.accessTime() & LRU_CLOCK_MAX;
        long clock = nowSeconds & LRU_CLOCK_MAX;
        // estimateObjectIdleTime: the 24-bit clock may have wrapped since the last access.
        long idle = clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
        String address = String.format("0x7f%010x", ((long) System.identityHashCode(value) << 4) & 0xffffffffffL);
        c.reply().simple("Value at:" + address + " refcount:" + refcount + " encoding:" + encoding
                + " serializedlength:" + serialized + " lru:" + lru + " lru_seconds_idle:" + idle
                + (value instanceof ListValue list ? quicklistFields(c, list) : ""));
    }

    /**
     * debugCommand's quicklist fields, for the nodes the list is saved as (Redis's own while it never
     * outgrew one node, see ListValue#nodes).
     */
    private static String quicklistFields(Client c, ListValue list) {
        ListValue.Nodes nodes = list.nodes();
        return String.format(java.util.Locale.ROOT,
                " ql_nodes:%d ql_avg_node:%.2f ql_listpack_max:%d ql_compressed:%d ql_uncompressed_size:%d",
                nodes.size(), (double) list.size() / nodes.size(), list.fill(),
                c.server().config().listCompressDepth != 0 ? 1 : 0, nodes.totalBytes());
    }

    /**
     * rdbSavedObjectLen: the bytes the value takes in an RDB file (or a DUMP payload, less its type
     * byte and 10-byte footer), under the current rdbcompression: Redis's for the encodings Mnemos
     * writes as Redis does.
     */
    private static long serializedLength(Client c, Object value) {
        return DumpPayload.create(value, c.server().config().rdb.compression).length - 11;
    }

    /** DEBUG POPULATE count [prefix] [size]: key:N = value:N, padded with zero bytes or cut to size. */
    private static void populate(Client c) {
        long count = positiveLong(c.arg(2));
        long size = 0;
        if (c.argc() == 5) {
            size = positiveLong(c.arg(4));
        }
        byte[] prefix = c.argc() >= 4 ? c.arg(3) : "key".getBytes(StandardCharsets.US_ASCII);
        Database db = c.db();
        for (long j = 0; j < count; j++) {
            byte[] key = concat(prefix, (":" + j).getBytes(StandardCharsets.US_ASCII));
            if (key.length > 127) {
                // Redis formats the key into a 128-byte buffer with snprintf.
                key = Arrays.copyOf(key, 127);
            }
            if (db.lookupWrite(key) != null) {
                continue;
            }
            byte[] text = ("value:" + j).getBytes(StandardCharsets.US_ASCII);
            byte[] value = size == 0 ? text : Arrays.copyOf(text, (int) size);
            db.add(key, value);
        }
        c.reply().ok();
    }

    /** getPositiveLongFromObjectOrReply without a custom message. */
    private static long positiveLong(byte[] arg) {
        Long v = Args.parseLongOrNull(arg);
        if (v == null || v < 0) {
            throw CommandError.err("value is out of range, must be positive");
        }
        return v;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /**
     * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save the RDB file, empty the keyspace (not with
     * NOFLUSH) and load the file back (with MERGE its keys replace those present).
     */
    private static void reload(Client c) {
        boolean save = true;
        boolean flush = true;
        boolean merge = false;
        for (int i = 2; i < c.argc(); i++) {
            if (Args.is(c.arg(i), "merge")) {
                merge = true;
            } else if (Args.is(c.arg(i), "noflush")) {
                flush = false;
            } else if (Args.is(c.arg(i), "nosave")) {
                save = false;
            } else {
                throw CommandError.err("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
            }
        }
        io.mnemos.persistence.RdbPersistence p = c.server().persistence();
        if (save && !p.save()) {
            throw new CommandError("ERR"); // shared.err, counted in errorstats and failed_calls
        }
        try {
            p.loadNow(flush, merge);
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("DEBUG RELOAD failed: {}", e.getMessage());
            throw CommandError.err("Error trying to load the RDB dump, check server logs.");
        }
        log.warn("DB reloaded by DEBUG RELOAD");
        c.reply().ok();
    }

    /** DEBUG LOADAOF: the keyspace is replaced by what the AOF holds (its buffer written first). */
    private static void loadAof(Client c) {
        io.mnemos.persistence.AppendOnlyFile aof = c.server().aof();
        if (!aof.enabled()) {
            // Redis 7.0 exits here (no manifest to load): refusing is kinder.
            throw CommandError.err("DEBUG LOADAOF needs the append only file: appendonly is no");
        }
        try {
            aof.reload();
        } catch (io.mnemos.persistence.AofLoader.LoadException e) {
            log.warn("DEBUG LOADAOF failed: {}", e.getMessage());
            throw CommandError.err("Error trying to load the AOF files, check server logs.");
        }
        log.warn("Append Only File loaded by DEBUG LOADAOF");
        c.reply().ok();
    }

    // ---- SHUTDOWN ----

    private static void shutdown(Client c) {
        boolean nosave = false;
        boolean save = false;
        boolean now = false;
        boolean force = false;
        boolean abort = false;
        for (int i = 1; i < c.argc(); i++) {
            byte[] a = c.arg(i);
            if (Args.is(a, "nosave")) {
                nosave = true;
            } else if (Args.is(a, "save")) {
                save = true;
            } else if (Args.is(a, "now")) {
                now = true;
            } else if (Args.is(a, "force")) {
                force = true;
            } else if (Args.is(a, "abort")) {
                abort = true;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        boolean anyFlag = nosave || save || now || force;
        if ((abort && anyFlag) || (nosave && save)) {
            throw CommandError.SYNTAX;
        }
        if (abort) {
            if (!c.server().shutdown().abort()) {
                throw CommandError.err("No shutdown in progress.");
            }
            c.reply().ok();
            return;
        }
        // The caller waits, unanswered if the server exits (the connection just closes).
        c.server().shutdown().requestedBy(c, new ShutdownSequence.Flags(save, nosave, now, force));
    }
}
