package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.ConfigException;
import io.mnemos.server.ConfigOption;
import io.mnemos.server.LatencyMonitor;
import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;
import io.mnemos.server.SlowLog;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/** Server commands: INFO, CONFIG, TIME, LASTSAVE, ROLE, SLOWLOG, LATENCY, MEMORY. */
public final class ServerCommands implements CommandFamily {
    /** Configs whose values CONFIG SET redacts from SLOWLOG/MONITOR, as Redis's SENSITIVE_CONFIG. */
    private static final Set<String> SENSITIVE_CONFIGS = Set.of("requirepass", "masterauth", "masteruser");

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("info", -1).flags(LOADING, STALE).categories("dangerous").group("server").since("1.0.0")
                        .summary("Get information and statistics about the server").complexity("O(1)")
                        .handler(ServerCommands::info).build(),
                command("config", -2).group("server").since("2.0.0")
                        .summary("A container for server configuration commands").complexity("Depends on subcommand.")
                        .subcommand(command("get", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.0.0")
                                .summary("Get the values of configuration parameters")
                                .complexity("O(N) when N is the number of configuration parameters provided")
                                .handler(ServerCommands::configGet))
                        .subcommand(command("set", -4).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.0.0")
                                .summary("Set configuration parameters to the given values")
                                .complexity("O(N) when N is the number of configuration parameters provided")
                                .handler(ServerCommands::configSet))
                        .subcommand(command("resetstat", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.0.0")
                                .summary("Reset the stats returned by INFO").complexity("O(1)")
                                .handler(ServerCommands::configResetStat))
                        .subcommand(command("rewrite", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.8.0")
                                .summary("Rewrite the configuration file with the in memory configuration")
                                .complexity("O(1)").handler(ServerCommands::configRewrite))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> help(c, CONFIG_HELP)))
                        .build(),
                command("time", 1).flags(LOADING, STALE, FAST).group("server").since("2.6.0")
                        .summary("Return the current server time").complexity("O(1)")
                        .handler(ServerCommands::time).build(),
                command("lastsave", 1).flags(LOADING, STALE, FAST).categories("admin", "dangerous")
                        .group("server").since("1.0.0")
                        .summary("Get the UNIX time stamp of the last successful save to disk").complexity("O(1)")
                        .handler(c -> c.reply().integer(c.server().lastSaveSeconds())).build(),
                command("role", 1).flags(NOSCRIPT, LOADING, STALE, FAST).categories("admin", "dangerous")
                        .group("server").since("2.8.12")
                        .summary("Return the role of the instance in the context of replication").complexity("O(1)")
                        .handler(ServerCommands::role).build(),
                command("slowlog", -2).group("server").since("2.2.12")
                        .summary("A container for slow log commands").complexity("Depends on subcommand.")
                        .subcommand(command("get", -2).flags(ADMIN, LOADING, STALE).since("2.2.12")
                                .summary("Get the slow log's entries")
                                .complexity("O(N) where N is the number of entries returned")
                                .handler(ServerCommands::slowlogGet))
                        .subcommand(command("len", 2).flags(ADMIN, LOADING, STALE).since("2.2.12")
                                .summary("Get the slow log's length").complexity("O(1)")
                                .handler(c -> c.reply().integer(c.server().slowlog().size())))
                        .subcommand(command("reset", 2).flags(ADMIN, LOADING, STALE).since("2.2.12")
                                .summary("Clear all entries from the slow log")
                                .complexity("O(N) where N is the number of entries in the slowlog")
                                .handler(c -> {
                                    c.server().slowlog().reset();
                                    c.reply().ok();
                                }))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("6.2.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> help(c, SLOWLOG_HELP)))
                        .build(),
                command("latency", -2).group("server").since("2.8.13")
                        .summary("A container for latency diagnostics commands").complexity("Depends on subcommand.")
                        .subcommand(command("latest", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.8.13")
                                .summary("Return the latest latency samples for all events.").complexity("O(1)")
                                .handler(ServerCommands::latencyLatest))
                        .subcommand(command("history", 3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.8.13")
                                .summary("Return timestamp-latency samples for the event.").complexity("O(1)")
                                .handler(ServerCommands::latencyHistory))
                        .subcommand(command("doctor", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.8.13")
                                .summary("Return a human readable latency analysis report.").complexity("O(1)")
                                .handler(ServerCommands::latencyDoctor))
                        .subcommand(command("graph", 3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.8.13")
                                .summary("Return a latency graph for the event.").complexity("O(1)")
                                .handler(ServerCommands::latencyGraph))
                        .subcommand(command("reset", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("2.8.13")
                                .summary("Reset latency data for one or more events.").complexity("O(1)")
                                .handler(ServerCommands::latencyReset))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("2.8.13")
                                .summary("Show helpful text about the different subcommands.").complexity("O(1)")
                                .handler(c -> help(c, LATENCY_HELP)))
                        .subcommand(command("histogram", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("7.0.0")
                                .summary("Return the cumulative distribution of latencies of a subset of commands "
                                        + "or all.")
                                .complexity("O(N) where N is the number of commands with latency information being "
                                        + "retrieved.")
                                .handler(ServerCommands::latencyHistogram))
                        .build(),
                command("memory", -2).group("server").since("4.0.0")
                        .summary("A container for memory diagnostics commands").complexity("Depends on subcommand.")
                        .subcommand(command("doctor", 2).since("4.0.0")
                                .summary("Outputs memory problems report").complexity("O(1)")
                                .handler(ServerCommands::memoryDoctor))
                        .subcommand(command("stats", 2).since("4.0.0")
                                .summary("Show memory usage details").complexity("O(1)")
                                .handler(ServerCommands::memoryStats))
                        .subcommand(command("usage", -3).flags(READONLY).keys(2, 2, 1).since("4.0.0")
                                .summary("Estimate the memory usage of a key")
                                .complexity("O(N) where N is the number of samples.")
                                .handler(ServerCommands::memoryUsage))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("4.0.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> help(c, MEMORY_HELP)))
                        .subcommand(command("purge", 2).since("4.0.0")
                                .summary("Ask the allocator to release memory")
                                .complexity("Depends on how much memory is allocated, could be slow")
                                .handler(ServerCommands::memoryPurge))
                        .subcommand(command("malloc-stats", 2).since("4.0.0")
                                .summary("Show allocator internal stats")
                                .complexity("Depends on how much memory is allocated, could be slow")
                                .handler(c -> c.reply().verbatim("txt", "Stats not supported for the current allocator")))
                        .build());
    }

    // ---------------------------------------------------------------- HELP

    private static final String[] CONFIG_HELP = {
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
    };

    private static final String[] SLOWLOG_HELP = {
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
    };

    private static final String[] LATENCY_HELP = {
        "DOCTOR",
        "    Return a human readable latency analysis report.",
        "GRAPH <event>",
        "    Return an ASCII latency graph for the <event> class.",
        "HISTORY <event>",
        "    Return time-latency samples for the <event> class.",
        "LATEST",
        "    Return the latest latency samples for all events.",
        "RESET [<event> ...]",
        "    Reset latency data of one or more <event> classes.",
        "    (default: reset all data for all event classes)",
        "HISTOGRAM [COMMAND ...]",
        "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
        "    If no commands are specified then all histograms are replied.",
    };

    private static final String[] MEMORY_HELP = {
        "DOCTOR",
        "    Return memory problems reports.",
        "MALLOC-STATS",
        "    Return internal statistics report from the memory allocator.",
        "PURGE",
        "    Attempt to purge dirty pages for reclamation by the allocator.",
        "STATS",
        "    Return information about the memory usage of the server.",
        "USAGE <key> [SAMPLES <count>]",
        "    Return memory in bytes used by <key> and its value. Nested values are",
        "    sampled up to <count> times (default: 5, 0 means sample all).",
    };

    /** Redis's addReplyHelp: the command name as typed, upper-cased, then the lines, then HELP. */
    static void help(Client c, String[] lines) {
        CommandIntrospection.help(c, Args.text(c.arg(0)).toUpperCase(Locale.ROOT), lines);
    }

    // ---------------------------------------------------------------- INFO

    private static void info(Client c) {
        Set<String> sections = new LinkedHashSet<>();
        boolean all = false;
        boolean everything = false;
        if (c.argc() == 1) {
            sections.addAll(InfoReport.DEFAULT_SECTIONS);
        }
        for (int i = 1; i < c.argc(); i++) {
            String s = Args.text(c.arg(i)).toLowerCase(Locale.ROOT);
            switch (s) {
                case "default" -> sections.addAll(InfoReport.DEFAULT_SECTIONS);
                case "all" -> all = true;
                case "everything" -> {
                    all = true;
                    everything = true;
                }
                default -> sections.add(s);
            }
        }
        c.reply().verbatim("txt", InfoReport.generate(c.server(), sections, all, everything));
    }

    // ---------------------------------------------------------------- CONFIG

    private static void configGet(Client c) {
        ServerConfig config = c.server().config();
        // Keyed by lower-case name so a parameter appears once, shown as first matched.
        Map<String, Map.Entry<String, ConfigOption>> matches = new LinkedHashMap<>();
        for (int i = 2; i < c.argc(); i++) {
            String pattern = Args.text(c.arg(i));
            if (pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0 && pattern.indexOf('[') < 0) {
                ConfigOption option = config.option(pattern);
                if (option != null && !matches.containsKey(option.name())) {
                    matches.put(option.name(), Map.entry(pattern, option));
                }
                continue;
            }
            byte[] p = c.arg(i);
            for (ConfigOption option : config.options().values()) {
                if (!matches.containsKey(option.name())
                        && io.mnemos.util.Glob.matches(p, option.name().getBytes(StandardCharsets.UTF_8), true)) {
                    matches.put(option.name(), Map.entry(option.name(), option));
                }
            }
        }
        ReplyWriter r = c.reply();
        r.mapHeader(matches.size());
        for (Map.Entry<String, ConfigOption> m : matches.values()) {
            r.bulk(m.getKey());
            r.bulk(m.getValue().get());
        }
    }

    /** Redis 7's multi-parameter CONFIG SET: all values are applied, or none. */
    private static void configSet(Client c) {
        if (c.argc() % 2 != 0) {
            throw CommandError.SYNTAX;
        }
        ServerConfig config = c.server().config();
        int count = (c.argc() - 2) / 2;
        ConfigOption[] options = new ConfigOption[count];
        String[] values = new String[count];
        String unknownName = null;
        String errorName = null;
        String error = null;
        boolean invalid = false;
        for (int i = 0; i < count; i++) {
            String name = Args.text(c.arg(2 + i * 2));
            values[i] = Args.text(c.arg(2 + i * 2 + 1));
            ConfigOption option = config.option(name);
            if (option == null) {
                if (!invalid) {
                    unknownName = name;
                    invalid = true;
                }
                continue;
            }
            if (SENSITIVE_CONFIGS.contains(option.name())) {
                // As Redis's redactClientCommandArgument: keep secrets out of SLOWLOG.
                c.argv()[2 + i * 2 + 1] = "(redacted)".getBytes(StandardCharsets.US_ASCII);
            }
            if (invalid) {
                continue;
            }
            if (!option.mutable() || (option.isProtected()
                    && !config.enableProtectedConfigs.allows(c.peerIp()))) {
                error = option.mutable() ? "can't set protected config" : "can't set immutable config";
                errorName = name;
                invalid = true;
                continue;
            }
            for (int j = 0; j < i; j++) {
                if (options[j] == option) {
                    error = "duplicate parameter";
                    errorName = name;
                    invalid = true;
                    break;
                }
            }
            options[i] = option;
        }
        if (unknownName != null) {
            throw CommandError.err("Unknown option or number of arguments for CONFIG SET - '" + unknownName + "'");
        }
        if (invalid) {
            throw CommandError.err("CONFIG SET failed (possibly related to argument '" + errorName + "') - " + error);
        }
        String[] old = new String[count];
        for (int i = 0; i < count; i++) {
            old[i] = options[i].get();
        }
        for (int i = 0; i < count; i++) {
            try {
                options[i].set(values[i]);
            } catch (ConfigException e) {
                for (int j = 0; j <= i; j++) {
                    try {
                        options[j].set(old[j]);
                    } catch (ConfigException ignored) {
                        // The old value was valid; restoring it cannot fail.
                    }
                }
                throw CommandError.err("CONFIG SET failed (possibly related to argument '" + options[i].name()
                        + "') - " + e.getMessage());
            }
        }
        for (ConfigOption option : options) {
            config.fireChanged(option.name());
        }
        c.reply().ok();
    }

    private static void configResetStat(Client c) {
        Server server = c.server();
        server.stats().reset();
        server.keyspace().stats().reset();
        server.commandTable().resetStats();
        server.errorStats().clear();
        server.sampler().reset();
        server.latency().resetHistograms();
        server.persistence().resetStats();
        server.aof().resetStats();
        c.reply().ok();
    }

    private static void configRewrite(Client c) {
        ServerConfig config = c.server().config();
        if (config.configFile.isEmpty()) {
            throw CommandError.err("The server is running without a config file");
        }
        try {
            List<String> users = config.aclfile.isEmpty() ? c.server().acl().describeAll() : null;
            ConfigRewriter.rewrite(config, Path.of(config.configFile), users);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (e instanceof java.nio.file.AccessDeniedException) {
                reason = "Permission denied";
            } else if (e instanceof java.nio.file.NoSuchFileException) {
                reason = "No such file or directory";
            }
            throw CommandError.err("Rewriting config file: " + reason);
        }
        c.reply().ok();
    }

    // ---------------------------------------------------------------- TIME, ROLE

    private static void time(Client c) {
        Instant now = Instant.now();
        c.reply().arrayHeader(2);
        c.reply().bulk(now.getEpochSecond());
        c.reply().bulk(now.getNano() / 1000);
    }

    /**
     * ROLE of a master: its replication offset and each replica's ip, port and acknowledged offset;
     * of a replica: its master's host and port, the link's state and the offset applied (-1 without
     * a master client).
     */
    private static void role(Client c) {
        ReplyWriter r = c.reply();
        if (c.server().isReplica()) {
            io.mnemos.replication.MasterLink link = c.server().masterLink();
            r.arrayHeader(5);
            r.bulk("slave");
            r.bulk(c.server().config().masterHost);
            r.integer(c.server().config().masterPort);
            r.bulk(link.roleState());
            r.integer(link.roleOffset());
            return;
        }
        io.mnemos.replication.ReplicationMaster repl = c.server().replication();
        List<io.mnemos.replication.ReplicationMaster.ReplicaInfo> replicas = repl.describe();
        r.arrayHeader(3);
        r.bulk("master");
        r.integer(repl.offset());
        r.arrayHeader(replicas.size());
        for (io.mnemos.replication.ReplicationMaster.ReplicaInfo info : replicas) {
            r.arrayHeader(3);
            r.bulk(info.ip());
            r.bulk(info.port());
            r.bulk(Long.toString(info.offset()));
        }
    }

    // ---------------------------------------------------------------- SLOWLOG

    private static void slowlogGet(Client c) {
        if (c.argc() > 3) {
            throw CommandError.subcommandSyntax(c);
        }
        SlowLog slowlog = c.server().slowlog();
        long count = 10;
        if (c.argc() == 3) {
            Long n = Args.parseLongOrNull(c.arg(2));
            if (n == null || n < -1) {
                throw CommandError.err("count should be greater than or equal to -1");
            }
            count = n == -1 ? slowlog.size() : n;
        }
        count = Math.min(count, slowlog.size());
        ReplyWriter r = c.reply();
        r.arrayHeader(count);
        for (SlowLog.Record rec : slowlog.records()) {
            if (count-- <= 0) {
                break;
            }
            r.arrayHeader(6);
            r.integer(rec.id());
            r.integer(rec.timestampSeconds());
            r.integer(rec.micros());
            r.arrayHeader(rec.argv().length);
            for (byte[] arg : rec.argv()) {
                r.bulk(arg);
            }
            r.bulk(rec.peer());
            r.bulk(rec.clientName());
        }
    }

    // ---------------------------------------------------------------- LATENCY

    private static void latencyLatest(Client c) {
        Map<String, LatencyMonitor.Series> events = c.server().latency().events();
        ReplyWriter r = c.reply();
        r.arrayHeader(events.size());
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            LatencyMonitor.Sample last = e.getValue().latest();
            r.arrayHeader(4);
            r.bulk(e.getKey());
            r.integer(last.time());
            r.integer(last.latency());
            r.integer(e.getValue().max());
        }
    }

    private static void latencyHistory(Client c) {
        LatencyMonitor.Series series = c.server().latency().series(Args.text(c.arg(2)));
        ReplyWriter r = c.reply();
        if (series == null) {
            r.arrayHeader(0);
            return;
        }
        List<LatencyMonitor.Sample> samples = series.history();
        r.arrayHeader(samples.size());
        for (LatencyMonitor.Sample s : samples) {
            r.arrayHeader(2);
            r.integer(s.time());
            r.integer(s.latency());
        }
    }

    private static void latencyReset(Client c) {
        List<String> names = new ArrayList<>();
        for (int i = 2; i < c.argc(); i++) {
            names.add(Args.text(c.arg(i)));
        }
        c.reply().integer(c.server().latency().reset(names));
    }

    /** LATENCY HISTOGRAM [command ...]: named commands (with their subcommands), or all, that have data. */
    private static void latencyHistogram(Client c) {
        Server server = c.server();
        List<CommandSpec> selected = new ArrayList<>();
        if (c.argc() == 2) {
            for (CommandSpec spec : server.commandTable().all()) {
                selected.add(spec);
                selected.addAll(spec.subcommands().values());
            }
        } else {
            for (int j = 2; j < c.argc(); j++) {
                String name = Args.text(c.arg(j)).toLowerCase(Locale.ROOT);
                int bar = name.indexOf('|');
                CommandSpec spec = server.commandTable().lookup(bar < 0 ? name : name.substring(0, bar));
                if (spec != null && bar >= 0) {
                    spec = spec.subcommands().get(name.substring(bar + 1));
                }
                if (spec == null) {
                    continue;
                }
                selected.add(spec);
                selected.addAll(spec.subcommands().values());
            }
        }
        List<CommandSpec> withData = new ArrayList<>();
        for (CommandSpec spec : selected) {
            if (server.latency().histogram(spec) != null) {
                withData.add(spec);
            }
        }
        ReplyWriter r = c.reply();
        r.mapHeader(withData.size());
        for (CommandSpec spec : withData) {
            io.mnemos.server.LatencyHistogram histogram = server.latency().histogram(spec);
            List<long[]> points = new ArrayList<>();
            histogram.cumulativeDistribution((micros, count) -> points.add(new long[]{micros, count}));
            r.bulk(spec.fullName());
            r.mapHeader(2);
            r.bulk("calls");
            r.integer(histogram.totalCount());
            r.bulk("histogram_usec");
            r.mapHeader(points.size());
            for (long[] p : points) {
                r.integer(p[0]);
                r.integer(p[1]);
            }
        }
    }

    private static void latencyGraph(Client c) {
        String event = Args.text(c.arg(2));
        LatencyMonitor.Series series = c.server().latency().series(event);
        if (series == null) {
            throw CommandError.err("No samples available for event '" + event + "'");
        }
        c.reply().verbatim("txt", LatencyReport.graph(event, series, System.currentTimeMillis() / 1000));
    }

    private static void latencyDoctor(Client c) {
        c.reply().verbatim("txt", LatencyReport.doctor(c.server().latency(), c.server().config()));
    }

    // ---------------------------------------------------------------- MEMORY

    private static void memoryUsage(Client c) {
        long samples = MemoryEstimate.DEFAULT_SAMPLES;
        for (int j = 3; j < c.argc(); j++) {
            if (Args.is(c.arg(j), "samples") && j + 1 < c.argc()) {
                samples = Args.parseLong(c.arg(j + 1));
                if (samples < 0) {
                    throw CommandError.SYNTAX;
                }
                j++;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Entry e = c.db().lookupQuiet(c.arg(2));
        if (e == null) {
            c.reply().nullBulk();
            return;
        }
        c.reply().integer(MemoryEstimate.entryBytes(e, samples));
    }

    private static void memoryPurge(Client c) {
        // The JVM's equivalent of asking the allocator to hand back freed pages.
        System.gc();
        c.reply().ok();
    }

    /**
     * MEMORY DOCTOR: Redis's texts where the same check applies to Mnemos (empty instance, past
     * peak), plus Mnemos's own about the JVM heap and the limit.
     */
    private static void memoryDoctor(Client c) {
        c.reply().verbatim("txt", doctorReport(c.server()));
    }

    static String doctorReport(Server server) {
        long used = server.usedMemory();
        long peak = server.sampler().notePeak(used);
        long startup = server.sampler().startupMemory();
        if (used - startup < 5L * 1024 * 1024) {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be "
                    + "used in these conditions. Please, leave for your mission on Earth and fill it with some data. "
                    + "The new Sam and I will be back to our programming as soon as I finished rebooting.\n";
        }
        StringBuilder issues = new StringBuilder();
        if (peak * 100 > used * 150) {
            issues.append(" * Peak memory: In the past this instance used more than 150% the memory that is currently "
                    + "using. The JVM returns heap to the operating system only after garbage collections, so the "
                    + "process may stay larger than its data for a while; this is harmless, the space is reused as "
                    + "soon as you fill the instance with more data.\n\n");
        }
        long heap = io.mnemos.server.StatsSampler.heapUsed();
        if (heap > used * 3 / 2) {
            issues.append(" * High heap overhead: The JVM heap in use (").append(heap).append(" bytes) is more than "
                    + "1.5 times the data's accounted size (").append(used).append(" bytes). Much of it is usually "
                    + "garbage not collected yet; MEMORY PURGE runs a full collection.\n\n");
        }
        io.mnemos.store.EvictionSettings eviction = server.config().eviction;
        long limit = eviction.effectiveLimit();
        if (limit > 0 && used * 10 > limit * 9) {
            issues.append(" * Memory limit: Used memory is above 90% of ").append(eviction.limited()
                    ? "maxmemory" : "the ceiling derived from the JVM max heap (maxmemory is 0)").append(" (")
                    .append(limit).append(" bytes). ").append(eviction.policy == io.mnemos.store.MaxmemoryPolicy.NOEVICTION
                    ? "With maxmemory-policy noeviction, writes will be refused with OOM errors once it is reached."
                    : "Keys are evicted with maxmemory-policy " + eviction.policy.configName() + ".").append("\n\n");
        }
        if (issues.length() == 0) {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this "
                    + "base.\n";
        }
        return "Sam, I detected a few issues in this Mnemos instance memory implants:\n\n" + issues
                + "I'm here to keep you safe, Sam. I want to help you.\n";
    }

    private static void memoryStats(Client c) {
        Server server = c.server();
        long used = server.usedMemory();
        long peak = server.sampler().notePeak(used);
        long startup = server.sampler().startupMemory();
        long clientsMemory = server.clientsMemory();
        long heap = io.mnemos.server.StatsSampler.heapUsed();
        long rss = InfoReport.residentSetSize();
        Runtime rt = Runtime.getRuntime();
        List<Database> dbs = new ArrayList<>();
        for (int i = 0; i < server.keyspace().count(); i++) {
            if (server.keyspace().db(i).size() > 0) {
                dbs.add(server.keyspace().db(i));
            }
        }
        ReplyWriter r = c.reply();
        r.mapHeader(27 + dbs.size());
        r.bulk("peak.allocated");
        r.integer(peak);
        r.bulk("total.allocated");
        r.integer(used);
        r.bulk("startup.allocated");
        r.integer(startup);
        for (String zero : new String[]{"replication.backlog", "clients.slaves"}) {
            r.bulk(zero);
            r.integer(0);
        }
        r.bulk("clients.normal");
        r.integer(clientsMemory);
        for (String zero : new String[]{"cluster.links", "aof.buffer", "lua.caches", "functions.caches"}) {
            r.bulk(zero);
            r.integer(0);
        }
        long overheadTotal = startup + clientsMemory;
        long keys = 0;
        for (Database db : dbs) {
            long main = db.hashtableOverhead();
            long expires = db.expiresOverhead();
            overheadTotal += main + expires;
            keys += db.size();
            r.bulk("db." + db.id());
            r.mapHeader(3);
            r.bulk("overhead.hashtable.main");
            r.integer(main);
            r.bulk("overhead.hashtable.expires");
            r.integer(expires);
            r.bulk("overhead.hashtable.slot-to-keys");
            r.integer(0);
        }
        overheadTotal = Math.min(overheadTotal, used);
        long net = Math.max(0, used - startup);
        long dataset = Math.max(0, used - overheadTotal);
        r.bulk("overhead.total");
        r.integer(overheadTotal);
        r.bulk("keys.count");
        r.integer(keys);
        r.bulk("keys.bytes-per-key");
        r.integer(keys == 0 ? 0 : net / keys);
        r.bulk("dataset.bytes");
        r.integer(dataset);
        r.bulk("dataset.percentage");
        r.doubleValue(net == 0 ? 0 : dataset * 100.0 / net);
        r.bulk("peak.percentage");
        r.doubleValue(peak == 0 ? 0 : used * 100.0 / peak);
        long committed = rt.totalMemory();
        r.bulk("allocator.allocated");
        r.integer(heap);
        r.bulk("allocator.active");
        r.integer(committed);
        r.bulk("allocator.resident");
        r.integer(rss);
        r.bulk("allocator-fragmentation.ratio");
        r.doubleValue(heap == 0 ? 0 : (double) committed / heap);
        r.bulk("allocator-fragmentation.bytes");
        r.integer(committed - heap);
        r.bulk("allocator-rss.ratio");
        r.doubleValue(committed == 0 ? 0 : (double) rss / committed);
        r.bulk("allocator-rss.bytes");
        r.integer(rss - committed);
        r.bulk("rss-overhead.ratio");
        r.doubleValue(1.0);
        r.bulk("rss-overhead.bytes");
        r.integer(0);
        // As INFO's mem_fragmentation_ratio: JVM heap in use against the accounted data.
        r.bulk("fragmentation");
        r.doubleValue(used == 0 ? 0 : (double) heap / used);
        r.bulk("fragmentation.bytes");
        r.integer(heap - used);
    }

    /** For tests and INFO: the config file writer. */
    static final class ConfigRewriter {
        private ConfigRewriter() {
        }

        private static final String MARKER = "# Generated by CONFIG REWRITE";
        /** Redis's string configs, which rewriteConfigStringOption writes quoted (sdscatrepr). */
        private static final Set<String> QUOTED = Set.of("dir", "logfile", "pidfile", "requirepass", "masterauth",
                "masteruser", "dbfilename", "appendfilename", "appenddirname", "aclfile", "unixsocket",
                "syslog-ident", "proc-title-template", "ignore-warnings", "bind-source-addr", "replica-announce-ip");
        /** rewriteConfigDirOption has no default: the working directory is always written. */
        private static final String ALWAYS = "dir";
        private static final String USER = "user";

        /**
         * Redis's rewriteConfig: directives already in the file get their current value in place;
         * a repeated directive's later lines become blank (rewriteConfigRemoveOrphaned); an option
         * of several lines (save, and the ACL users as {@code user} lines unless an aclfile holds
         * them) puts its lines over its old ones in order; options that differ from the default are
         * appended after the "Generated by CONFIG REWRITE" marker; comments and unknown lines stay;
         * every run of blank lines becomes one.
         *
         * @param userLines the ACL LIST lines, or null when users live in an aclfile
         */
        static void rewrite(ServerConfig config, Path file, List<String> userLines) throws IOException {
            List<String> lines = Files.exists(file)
                    ? new ArrayList<>(List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n", -1)))
                    : new ArrayList<>();
            if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                lines.remove(lines.size() - 1);
            }
            // A server that was never started has every option, including those other parts of the
            // server register, at its default value.
            ServerConfig defaults = new Server(new ServerConfig()).config();
            Map<String, List<String>> multiLine = new LinkedHashMap<>();
            for (ConfigOption option : config.options().values()) {
                List<String> multi = option.rewriteLines();
                if (multi != null) {
                    multiLine.put(option.name(), multi);
                }
            }
            multiLine.put(USER, userLines == null ? List.of() : userLines);
            Set<String> done = new LinkedHashSet<>();
            List<String> out = new ArrayList<>();
            boolean markerWritten = false;
            // Options written as several lines: the lines not yet placed over old ones.
            Map<String, Deque<String>> pending = new HashMap<>();
            for (String line : lines) {
                String trimmed = line.trim();
                if (trimmed.equals(MARKER)) {
                    // As Redis: the marker of an earlier rewrite stays, new options go at the end.
                    out.add(line);
                    markerWritten = true;
                    continue;
                }
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    out.add(line);
                    continue;
                }
                String name = trimmed.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
                ConfigOption option = config.option(name);
                String canonical = option != null ? option.name() : name.equals(USER) ? USER : null;
                if (canonical == null) {
                    out.add(line);
                    continue;
                }
                List<String> multi = multiLine.get(canonical);
                if (multi != null) {
                    // Redis's rewriteConfigRewriteLine: the lines take the old ones' places in
                    // order; old lines left over are blanked, new ones left over are appended.
                    Deque<String> rest = pending.computeIfAbsent(canonical, n -> new ArrayDeque<>(multi));
                    done.add(canonical);
                    out.add(rest.isEmpty() ? "" : rest.poll());
                    continue;
                }
                out.add(done.add(canonical) ? format(option) : "");
            }
            List<String> generated = new ArrayList<>();
            for (ConfigOption option : config.options().values()) {
                if (multiLine.containsKey(option.name()) || done.contains(option.name())) {
                    continue;
                }
                ConfigOption def = defaults.option(option.name());
                if (!option.name().equals(ALWAYS) && def != null && def.get().equals(option.get())) {
                    continue;
                }
                generated.add(format(option));
            }
            // Always written, default or not, so that the file says what the server does.
            for (Map.Entry<String, List<String>> multi : multiLine.entrySet()) {
                Deque<String> rest = pending.get(multi.getKey());
                generated.addAll(rest != null ? rest : multi.getValue());
            }
            if (!generated.isEmpty() && !markerWritten) {
                // As Redis: a blank line, then the marker (merged with a blank line already there).
                out.add("");
                out.add(MARKER);
            }
            out.addAll(generated);
            StringBuilder content = new StringBuilder();
            boolean wasEmpty = false;
            for (String line : out) {
                // rewriteConfigGetContentFromState: every cluster of empty lines becomes one.
                if (line.isEmpty() && wasEmpty) {
                    continue;
                }
                wasEmpty = line.isEmpty();
                content.append(line).append('\n');
            }
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "redis-", ".conf.tmp");
            try {
                Files.writeString(tmp, content.toString(), StandardCharsets.UTF_8);
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }

        private static String format(ConfigOption option) {
            String value = option.rewriteValue();
            boolean plain = !value.isEmpty() && value.chars().allMatch(ch -> ch > ' ' && ch < 127
                    && ch != '"' && ch != '\'' && ch != '\\');
            if (QUOTED.contains(option.name()) || !plain && !option.name().equals("bind")) {
                return option.name() + " " + io.mnemos.util.Repr.of(value);
            }
            return option.name() + " " + value;
        }
    }
}
