package io.mnemos.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The server's settings under Redis's names and defaults, readable from a redis.conf-style file and
 * from {@code --name value} flags, and exposed to CONFIG GET/SET through {@link #options()}.
 * Fields are plain because only the keyspace thread changes them after startup.
 */
public final class ServerConfig {
    public int port = 6379;
    /** Loopback only by default: safe for {@code java -jar}; the container config binds all. */
    public String bind = "127.0.0.1 -::1";
    public String requirepass = "";
    public int databases = 16;
    public long timeoutSeconds = 0;
    public long tcpKeepAliveSeconds = 300;
    public long maxclients = 10000;
    public String loglevel = "notice";
    public String logfile = "";
    public String dir = Path.of("").toAbsolutePath().toString();
    public int hz = 10;
    public long protoMaxBulkLen = 512L * 1024 * 1024;
    /** HyperLogLogs stay sparse up to this many bytes (header included), as Redis's hll-sparse-max-bytes. */
    public long hllSparseMaxBytes = 3000;
    public long clientQueryBufferLimit = 1024L * 1024 * 1024;
    public long slowlogLogSlowerThan = 10000;
    public long slowlogMaxLen = 128;
    public long latencyMonitorThreshold = 0;
    /** latency-tracking: per-command latency histograms (INFO latencystats, LATENCY HISTOGRAM). */
    public boolean latencyTracking = true;
    /** latency-tracking-info-percentiles: the percentiles INFO latencystats reports. */
    public double[] latencyTrackingPercentiles = {50, 99, 99.9};
    /** tcp-backlog: the listen(2) backlog of the server sockets. */
    public int tcpBacklog = 511;
    /** tracking-table-max-keys: keys the client side caching table holds before evicting some (0: no limit). */
    public long trackingTableMaxKeys = 1_000_000;
    /** Set once the server runs: some options act differently at runtime (CONFIG SET) than at startup. */
    public volatile boolean running;
    /** busy-reply-threshold (alias lua-time-limit): ms a script runs before other clients get -BUSY. */
    public long busyReplyThreshold = 5000;
    public String pidfile = "";
    /**
     * min-replicas-to-write (alias min-slaves-to-write): a master with fewer good replicas refuses
     * writes (NOREPLICAS); 0 is off.
     */
    public long minReplicasToWrite = 0;
    /**
     * min-replicas-max-lag (alias min-slaves-max-lag): a replica is good while its last REPLCONF ACK
     * is at most this many seconds old; 0 turns min-replicas-to-write off.
     */
    public long minReplicasMaxLag = 10;
    /** Mnemos's own: the Prometheus /metrics and /health HTTP port (0: off, the default for java -jar). */
    public int metricsPort = 0;
    public boolean activeExpireEnabled = true;
    /**
     * replicaof: the master this server follows (server.masterhost, null for a master) and its
     * port; set by the config file, --replicaof and REPLICAOF.
     */
    public String masterHost;
    public int masterPort;
    /** Absolute path of the config file the server was started with, "" if none (INFO config_file). */
    public String configFile = "";
    /** Lists: Redis 7.0 always encodes them as quicklists; kept for CONFIG GET/SET compatibility. */
    public long listMaxListpackSize = -2;

    /** list-max-listpack-size as a quicklist fill (the option's range is that of an int). */
    public int listFill() {
        return (int) listMaxListpackSize;
    }
    public long listCompressDepth = 0;
    /** Hashes stay "listpack" up to this many fields and values of at most hashMaxListpackValue bytes. */
    public long hashMaxListpackEntries = 512;
    public long hashMaxListpackValue = 64;
    /** Sets of integers stay intset-encoded up to this many members. */
    public int setMaxIntsetEntries = 512;
    /** Sorted sets stay listpack-encoded up to this many members... */
    public int zsetMaxListpackEntries = 128;
    /** ...of at most this many bytes each. */
    public int zsetMaxListpackValue = 64;
    /** A stream node (listpack) takes entries until it holds this many bytes (0: no limit but 1 GB)... */
    public long streamNodeMaxBytes = 4096;
    /** ...or this many entries, deleted ones included (0: no limit). */
    public long streamNodeMaxEntries = 100;
    /**
     * maxmemory and its policy knobs; the keyspace reads the very same object, so CONFIG SET takes
     * effect at the next command.
     */
    public final io.mnemos.store.EvictionSettings eviction = new io.mnemos.store.EvictionSettings();

    /** Listens on new addresses or a new port at runtime; installed by the started Server. */
    public interface Listeners {
        void relisten(String bind, int port, String failure) throws ConfigException;
    }

    /** Until a server starts, a changed port or bind has nothing to rebind. */
    Listeners listeners = (bind, port, failure) -> { };
    /**
     * maxmemory-clients: bytes, or a percentage of maxmemory stored as its negative, as Redis stores
     * it; 0 turns client eviction off (see {@link ClientEviction}).
     */
    public long maxmemoryClients;
    /** notify-keyspace-events as {@link Notifier} class flags (0: notifications off). */
    public int notifyKeyspaceEvents = 0;
    /** client-output-buffer-limit: {hard bytes, soft bytes, soft seconds} per CLIENT_CLASS_*. */
    public final long[][] clientOutputBufferLimits = PubSubOptions.defaultOutputBufferLimits();
    /** The append-only file options (appendonly, appendfsync, ...), registered by AofConfig. */
    public final io.mnemos.persistence.AofConfig aof = new io.mnemos.persistence.AofConfig();
    public static final int CLIENT_CLASS_NORMAL = 0;
    public static final int CLIENT_CLASS_REPLICA = 1;
    public static final int CLIENT_CLASS_PUBSUB = 2;
    /** tls-port, tls-cert-file and the other tls-* options (see TlsConfig). */
    public final TlsConfig tls = new TlsConfig();

    /** protected-mode, aclfile, acllog-max-len, acl-pubsub-default; registered by io.mnemos.acl.AclConfig. */
    public boolean protectedMode = true;
    public String aclfile = "";
    public long acllogMaxLen = 128;
    public boolean aclPubsubAllChannels = false;
    /** enable-debug-command, enable-module-command, enable-protected-configs: Redis 7.0 defaults, no. */
    public io.mnemos.acl.ProtectedAction enableDebugCommand = io.mnemos.acl.ProtectedAction.NO;
    public io.mnemos.acl.ProtectedAction enableModuleCommand = io.mnemos.acl.ProtectedAction.NO;
    public io.mnemos.acl.ProtectedAction enableProtectedConfigs = io.mnemos.acl.ProtectedAction.NO;
    /** "user" lines of the config file (each: user, name, rules...) and rename-command pairs, in order. */
    public final List<List<String>> userDirectives = new ArrayList<>();
    public final List<String[]> renamedCommands = new ArrayList<>();

    /** Called after a value changes at runtime, so the server can apply it (log level, timers). */
    private final Map<String, Runnable> changeListeners = new LinkedHashMap<>();
    private final Map<String, ConfigOption> options = new LinkedHashMap<>();

    /** RDB persistence options (save, dbfilename, rdbcompression, rdbchecksum). */
    public final io.mnemos.persistence.RdbSettings rdb = new io.mnemos.persistence.RdbSettings();

    public ServerConfig() {
        // At runtime the server listens anew (Server.relisten) before the value is taken.
        add(ConfigOption.integer("port", true, 0, 65535, () -> (long) port, v -> {
            if (running && v != port) {
                listeners.relisten(bind, v.intValue(), "Unable to listen on this port. Check server logs.");
            }
            port = v.intValue();
        }));
        add(ConfigOption.string("bind", true, () -> bind, v -> {
            if (running && !v.equals(bind)) {
                listeners.relisten(v, port, "Failed to bind to specified addresses.");
            }
            bind = v;
        }));
        add(ConfigOption.string("requirepass", true, () -> requirepass, v -> requirepass = v));
        add(ConfigOption.integer("databases", false, 1, Integer.MAX_VALUE, () -> (long) databases, v -> databases = v.intValue()));
        add(ConfigOption.integer("timeout", true, 0, Integer.MAX_VALUE, () -> timeoutSeconds, v -> timeoutSeconds = v));
        add(ConfigOption.integer("tcp-keepalive", true, 0, Integer.MAX_VALUE, () -> tcpKeepAliveSeconds, v -> tcpKeepAliveSeconds = v));
        ConfigOption maxclientsParser = ConfigOption.integer("maxclients", true, 1, 4294967295L, () -> maxclients,
                v -> maxclients = v);
        add(ConfigOption.of("maxclients", true, maxclientsParser::get, v -> {
            long old = maxclients;
            maxclientsParser.set(v);
            long possible = OpenFilesLimit.maxClients();
            // updateMaxclients: more clients than open files allow is refused at runtime (lowered at startup).
            if (running && maxclients > possible) {
                maxclients = old;
                throw new ConfigException("The operating system is not able to handle the specified number of "
                        + "clients, try with " + possible);
            }
        }));
        add(ConfigOption.choice("loglevel", true, new String[]{"debug", "verbose", "notice", "warning"},
                () -> loglevel, v -> loglevel = v));
        add(ConfigOption.string("logfile", false, () -> logfile, v -> logfile = v));
        add(ConfigOption.of("dir", true, () -> dir, v -> {
            Path p = Path.of(v).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new ConfigException("No such file or directory");
            }
            dir = p.toString();
        }).protectedConfig());
        add(ConfigOption.integer("hz", true, 0, Integer.MAX_VALUE, () -> (long) hz,
                v -> hz = (int) Math.max(1, Math.min(500, v))));
        add(ConfigOption.memory("proto-max-bulk-len", true, 1024 * 1024, Long.MAX_VALUE,
                () -> protoMaxBulkLen, v -> protoMaxBulkLen = v));
        add(ConfigOption.memory("hll-sparse-max-bytes", true, 0, Long.MAX_VALUE,
                () -> hllSparseMaxBytes, v -> hllSparseMaxBytes = v));
        add(ConfigOption.memory("client-query-buffer-limit", true, 1024 * 1024, Long.MAX_VALUE,
                () -> clientQueryBufferLimit, v -> clientQueryBufferLimit = v));
        add(ConfigOption.integer("slowlog-log-slower-than", true, -1, Long.MAX_VALUE,
                () -> slowlogLogSlowerThan, v -> slowlogLogSlowerThan = v));
        add(ConfigOption.integer("slowlog-max-len", true, 0, Long.MAX_VALUE, () -> slowlogMaxLen, v -> slowlogMaxLen = v));
        add(ConfigOption.integer("latency-monitor-threshold", true, 0, Long.MAX_VALUE,
                () -> latencyMonitorThreshold, v -> latencyMonitorThreshold = v));
        add(ConfigOption.string("pidfile", false, () -> pidfile, v -> pidfile = v));
        for (String name : new String[]{"min-replicas-to-write", "min-slaves-to-write"}) {
            add(ConfigOption.integer(name, true, 0, Integer.MAX_VALUE,
                    () -> minReplicasToWrite, v -> minReplicasToWrite = v));
        }
        for (String name : new String[]{"min-replicas-max-lag", "min-slaves-max-lag"}) {
            add(ConfigOption.integer(name, true, 0, Integer.MAX_VALUE,
                    () -> minReplicasMaxLag, v -> minReplicasMaxLag = v));
        }
        for (String name : new String[]{"busy-reply-threshold", "lua-time-limit"}) {
            add(ConfigOption.integer(name, true, 0, Long.MAX_VALUE,
                    () -> busyReplyThreshold, v -> busyReplyThreshold = v));
        }
        // Clients and tools (redis-benchmark, monitoring) read these two. Mnemos does not persist
        // yet, so the honest values are "no snapshots" and "no AOF", and only those are accepted;
        // the persistence component replaces both options when it registers its own.
        add(ConfigOption.of("save", true, () -> "", v -> {
            if (!v.isBlank()) {
                throw new ConfigException("Mnemos has no persistence yet; only an empty save schedule is supported");
            }
        }));
        add(ConfigOption.of("appendonly", true, () -> "no", v -> {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "no" -> { }
                case "yes" -> throw new ConfigException("Mnemos has no persistence yet; appendonly must be 'no'");
                default -> throw new ConfigException("argument must be 'yes' or 'no'");
            }
        }));
        add(ConfigOption.unsignedMemory("maxmemory", true, () -> eviction.maxmemory, v -> eviction.maxmemory = v));
        add(CompatibleOptions.memoryOrPercent("maxmemory-clients", true, Long.MAX_VALUE,
                () -> maxmemoryClients, v -> maxmemoryClients = v));
        add(ConfigOption.choice("maxmemory-policy", true, io.mnemos.store.MaxmemoryPolicy.configNames(),
                () -> eviction.policy.configName(),
                v -> eviction.policy = io.mnemos.store.MaxmemoryPolicy.byConfigName(v)));
        add(ConfigOption.integer("maxmemory-samples", true, 1, Integer.MAX_VALUE,
                () -> eviction.samples, v -> eviction.samples = v));
        add(ConfigOption.integer("maxmemory-eviction-tenacity", true, 0, 100,
                () -> eviction.tenacity, v -> eviction.tenacity = v));
        add(ConfigOption.integer("lfu-log-factor", true, 0, Integer.MAX_VALUE,
                () -> eviction.lfuLogFactor, v -> eviction.lfuLogFactor = v));
        add(ConfigOption.integer("lfu-decay-time", true, 0, Integer.MAX_VALUE,
                () -> eviction.lfuDecayTime, v -> eviction.lfuDecayTime = v));
        for (String name : new String[]{"list-max-listpack-size", "list-max-ziplist-size"}) {
            add(ConfigOption.integer(name, true, Integer.MIN_VALUE, Integer.MAX_VALUE,
                    () -> listMaxListpackSize, v -> listMaxListpackSize = v));
        }
        add(ConfigOption.integer("list-compress-depth", true, 0, Integer.MAX_VALUE,
                () -> listCompressDepth, v -> listCompressDepth = v));
        for (String name : new String[]{"hash-max-listpack-entries", "hash-max-ziplist-entries"}) {
            add(ConfigOption.integer(name, true, 0, Long.MAX_VALUE,
                    () -> hashMaxListpackEntries, v -> hashMaxListpackEntries = v));
        }
        for (String name : new String[]{"hash-max-listpack-value", "hash-max-ziplist-value"}) {
            add(ConfigOption.memory(name, true, 0, Long.MAX_VALUE,
                    () -> hashMaxListpackValue, v -> hashMaxListpackValue = v));
        }
        // The encoders take these size_t options as ints (no collection gets near 2^31 members), while
        // CONFIG GET shows the value as set, up to LONG_MAX. Redis 7.0 still accepts the
        // zset-max-ziplist-* names (registered first, in Redis's table order).
        long[] zsetEntries = {zsetMaxListpackEntries};
        long[] zsetValue = {zsetMaxListpackValue};
        long[] intsetEntries = {setMaxIntsetEntries};
        Consumer<Long> setZsetEntries = keptAndClamped(zsetEntries, v -> zsetMaxListpackEntries = v);
        Consumer<Long> setZsetValue = keptAndClamped(zsetValue, v -> zsetMaxListpackValue = v);
        add(ConfigOption.integer("zset-max-ziplist-entries", true, 0, Long.MAX_VALUE, () -> zsetEntries[0],
                setZsetEntries::accept));
        add(ConfigOption.memory("zset-max-ziplist-value", true, 0, Long.MAX_VALUE, () -> zsetValue[0], setZsetValue));
        add(ConfigOption.integer("set-max-intset-entries", true, 0, Long.MAX_VALUE, () -> intsetEntries[0],
                keptAndClamped(intsetEntries, v -> setMaxIntsetEntries = v)::accept));
        add(ConfigOption.integer("zset-max-listpack-entries", true, 0, Long.MAX_VALUE, () -> zsetEntries[0],
                setZsetEntries::accept));
        add(ConfigOption.memory("zset-max-listpack-value", true, 0, Long.MAX_VALUE, () -> zsetValue[0], setZsetValue));
        add(ConfigOption.memory("stream-node-max-bytes", true, 0, Long.MAX_VALUE,
                () -> streamNodeMaxBytes, v -> streamNodeMaxBytes = v));
        add(ConfigOption.integer("stream-node-max-entries", true, 0, Long.MAX_VALUE,
                () -> streamNodeMaxEntries, v -> streamNodeMaxEntries = v));
        PubSubOptions.register(this);
        io.mnemos.acl.AclConfig.register(this);
        TlsConfig.register(this, tls);
        io.mnemos.persistence.AofConfig.register(this);
        add(ConfigOption.integer("metrics-port", false, 0, 65535, () -> (long) metricsPort, v -> metricsPort = v.intValue()));
        rdb.register(this);
        add(ConfigOption.integer("tcp-backlog", false, 0, Integer.MAX_VALUE, () -> (long) tcpBacklog,
                v -> tcpBacklog = v.intValue()));
        add(ConfigOption.integer("tracking-table-max-keys", true, 0, Long.MAX_VALUE, () -> trackingTableMaxKeys,
                v -> trackingTableMaxKeys = v));
        add(ConfigOption.bool("latency-tracking", true, () -> latencyTracking, v -> latencyTracking = v));
        add(ConfigOption.of("latency-tracking-info-percentiles", true,
                () -> LatencyPercentiles.format(latencyTrackingPercentiles, " "),
                v -> latencyTrackingPercentiles = LatencyPercentiles.parse(v)));
        // Last: every Redis 7.0 option not registered above is accepted for compatibility.
        CompatibleOptions.register(this);
    }

    /** A setter keeping the value as set in {@code asSet[0]} and giving {@code field} its int clamp. */
    private static Consumer<Long> keptAndClamped(long[] asSet, java.util.function.IntConsumer field) {
        return v -> {
            asSet[0] = v;
            field.accept((int) Math.min(Integer.MAX_VALUE, v));
        };
    }

    private void add(ConfigOption option) {
        options.put(option.name(), option);
    }

    /** Registers an option owned by another part of the server (e.g. persistence, eviction). */
    public void register(ConfigOption option) {
        add(option);
    }

    public Map<String, ConfigOption> options() {
        return options;
    }

    public ConfigOption option(String name) {
        return options.get(name.toLowerCase(Locale.ROOT));
    }

    public void onChange(String name, Runnable listener) {
        changeListeners.merge(name, listener, (a, b) -> () -> {
            a.run();
            b.run();
        });
    }

    /** Runs the listeners of an option whose value was just changed at runtime. */
    public void fireChanged(String name) {
        Runnable listener = changeListeners.get(name);
        if (listener != null) {
            listener.run();
        }
    }

    /**
     * Reads the startup configuration: an optional config file as the first argument, then
     * {@code --name value...} flags, which override the file as with redis-server.
     */
    public static ServerConfig fromArgs(String[] args) throws ConfigException, IOException {
        ServerConfig config = new ServerConfig();
        int i = 0;
        StringBuilder directives = new StringBuilder();
        if (args.length > 0 && !args[0].startsWith("--")) {
            directives.append(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)).append('\n');
            config.configFile = Path.of(args[0]).toAbsolutePath().normalize().toString();
            i = 1;
        }
        // As redis-server does: "--port 7000 --bind a b" becomes the lines "port 7000" and "bind a b".
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                directives.append('\n').append(a.substring(2));
            } else {
                directives.append(' ').append(quote(a));
            }
        }
        config.load(directives.toString());
        return config;
    }

    private static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(ch -> ch == ' ' || ch == '"' || ch == '\'' || ch == '\\')) {
            return arg;
        }
        return '"' + arg.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /**
     * True while {@link #load} applies the startup configuration (Redis's reading_config_file):
     * a directive that may repeat (save) then adds to what earlier lines set.
     */
    public boolean readingConfigFile() {
        return readingConfigFile;
    }

    private boolean readingConfigFile;

    /** Applies redis.conf-style text: one directive per line, {@code #} comments, quoted values. */
    public void load(String text) throws ConfigException {
        readingConfigFile = true;
        try {
            loadLines(text);
        } finally {
            readingConfigFile = false;
        }
    }

    private void loadLines(String text) throws ConfigException {
        String[] lines = text.split("\n", -1);
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> words = splitWords(line);
            if (words == null) {
                throw new ConfigException(badDirective(n + 1, line, "Unbalanced quotes in configuration line"));
            }
            if (words.isEmpty()) {
                continue;
            }
            String name = words.get(0).toLowerCase(Locale.ROOT);
            if (name.equals("user") || name.equals("rename-command")) {
                // Multi-word directives that are no CONFIG GET parameters (ACL users, renames).
                String error = io.mnemos.acl.AclConfig.directive(this, words);
                if (error != null) {
                    throw new ConfigException(badDirective(n + 1, line, error));
                }
                continue;
            }
            ConfigOption option = options.get(name);
            if (option == null) {
                throw new ConfigException(badDirective(n + 1, line, "Bad directive or wrong number of arguments"));
            }
            String value = String.join(" ", words.subList(1, words.size()));
            try {
                option.set(value);
            } catch (ConfigException e) {
                throw new ConfigException(badDirective(n + 1, line, e.getMessage()));
            }
        }
    }

    private static String badDirective(int lineNumber, String line, String reason) {
        return "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line "
                + lineNumber + "\n>>> '" + line + "'\n" + reason;
    }

    private static List<String> splitWords(String line) {
        byte[][] parts = io.mnemos.protocol.InlineSplitter.split(line.getBytes(StandardCharsets.UTF_8));
        if (parts == null) {
            return null;
        }
        List<String> words = new ArrayList<>();
        for (byte[] p : parts) {
            words.add(new String(p, StandardCharsets.UTF_8));
        }
        return words;
    }
}
