package io.mnemos.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Every Redis 7.0 option Mnemos has no code of its own for (replication, cluster, defragmentation,
 * lazy freeing, process titles, io-threads, ...), so that a redis.conf written for Redis, the one
 * Redis ships among them, starts Mnemos unchanged, and CONFIG GET/SET/REWRITE know every name Redis
 * knows. Each is parsed and range-checked as Redis does and keeps its value; none changes what the
 * server does, but for replicaof (the master a replica follows, see io.mnemos.replication.MasterLink)
 * and those the replication code reads. A few values would make Redis a different server (a cluster
 * node, a Unix socket listener): Mnemos refuses to start with those rather than pretend.
 *
 * <p>The table, {@code redis-7.0-configs.tsv}, is Redis's standardConfig (src/config.c) with the
 * defaults, bounds and enum names redis-server 7.0.15 reports; names Mnemos registered itself are
 * skipped.
 */
final class CompatibleOptions {
    private static final String TABLE = "redis-7.0-configs.tsv";
    /** Options whose non-default values Mnemos cannot honour: the value that is accepted. */
    private static final Set<String> ONLY_DEFAULT = Set.of("cluster-enabled", "unixsocket");

    private CompatibleOptions() {
    }

    static void register(ServerConfig config) {
        for (String[] row : table()) {
            String name = row[0];
            if (config.option(name) != null) {
                continue;
            }
            List<String> names = new ArrayList<>();
            names.add(name);
            if (!row[1].equals("-")) {
                names.addAll(Arrays.asList(row[1].split(",")));
            }
            // One value behind the name and its aliases (replica-priority and slave-priority).
            String[] value = {row[4].equals("\"\"") ? "" : row[4]};
            for (String n : names) {
                config.register(option(config, n, row, value));
            }
        }
    }

    private static ConfigOption option(ServerConfig config, String name, String[] row, String[] value) {
        String type = row[2];
        List<String> flags = Arrays.asList(row[3].split(","));
        boolean mutable = !flags.contains("IMMUTABLE_CONFIG");
        String canonical = row[0];
        ConfigOption validated = validated(config, name, mutable, canonical, value);
        if (validated != null) {
            return validated;
        }
        if (ONLY_DEFAULT.contains(canonical)) {
            String accepted = value[0];
            return ConfigOption.of(name, mutable, () -> value[0], v -> {
                if (!v.equalsIgnoreCase(accepted)) {
                    throw new ConfigException(unsupported(canonical));
                }
            });
        }
        ConfigOption option = switch (type) {
            case "bool" -> ConfigOption.bool(name, mutable, () -> value[0].equals("yes"), v -> value[0] = v ? "yes" : "no");
            case "enum" -> flags.contains("MULTI_ARG_CONFIG")
                    ? flagsEnum(name, mutable, row[7].split(","), value)
                    : ConfigOption.choice(name, mutable, row[7].split(","), () -> value[0], v -> value[0] = v);
            case "string", "sds" -> ConfigOption.string(name, mutable, () -> value[0], v -> value[0] = v);
            case "special" -> special(name, mutable, canonical, value);
            default -> numeric(name, mutable, flags, Long.parseLong(row[5]), parseMax(row[6]), value);
        };
        if (flags.contains("PROTECTED_CONFIG")) {
            option.protectedConfig();
        }
        return option;
    }

    private static ConfigOption numeric(String name, boolean mutable, List<String> flags, long min, long max,
                                        String[] value) {
        if (flags.contains("OCTAL_CONFIG")) {
            return ConfigOption.of(name, mutable, () -> value[0], v -> {
                long parsed;
                try {
                    parsed = Long.parseLong(v, 8);
                } catch (NumberFormatException e) {
                    throw new ConfigException("argument couldn't be parsed into an integer");
                }
                if (parsed < min || parsed > max) {
                    throw new ConfigException("argument must be between " + min + " and " + max + " inclusive");
                }
                value[0] = Long.toOctalString(parsed);
            });
        }
        if (flags.contains("MEMORY_CONFIG") && max == -1) {
            // An unsigned long long over its whole range (cluster-link-sendbuf-limit).
            return ConfigOption.unsignedMemory(name, mutable, () -> Long.parseUnsignedLong(value[0]),
                    v -> value[0] = Long.toUnsignedString(v));
        }
        if (flags.contains("MEMORY_CONFIG")) {
            return ConfigOption.memory(name, mutable, min, max, () -> Long.parseLong(value[0]), v -> value[0] = Long.toString(v));
        }
        return ConfigOption.integer(name, mutable, min, max, () -> Long.parseLong(value[0]), v -> value[0] = Long.toString(v));
    }

    /** The options whose values Redis checks beyond their type (is_valid_fn and apply_fn), or null. */
    private static ConfigOption validated(ServerConfig config, String name, boolean mutable, String canonical,
                                          String[] value) {
        return switch (canonical) {
            case "replicaof" -> replicaof(config, name, mutable);
            // Nothing to defragment: the JVM's collector compacts the heap, as a Redis built without
            // Jemalloc's defragmentation hint says.
            case "activedefrag" -> ConfigOption.of(name, mutable, () -> "no", v -> {
                switch (v.toLowerCase(Locale.ROOT)) {
                    case "no" -> { }
                    case "yes" -> throw new ConfigException("Active defragmentation cannot be enabled: it requires a "
                            + "Redis server compiled with a modified Jemalloc like the one shipped by default with the "
                            + "Redis source distribution");
                    default -> throw new ConfigException("argument must be 'yes' or 'no'");
                }
            });
            case "cluster-announce-hostname" -> ConfigOption.of(name, mutable, () -> value[0], v -> {
                for (int i = 0; i < v.length(); i++) {
                    char ch = v.charAt(i);
                    if (!(ch < 128 && Character.isLetterOrDigit(ch)) && ch != '-' && ch != '.') {
                        throw new ConfigException("Hostnames may only contain alphanumeric characters, hyphens or dots");
                    }
                }
                value[0] = v;
            });
            case "proc-title-template" -> ConfigOption.of(name, mutable, () -> value[0], v -> {
                if (!ProcTitleTemplate.valid(v, config.configFile)) {
                    throw new ConfigException("template format is invalid or contains unknown variables");
                }
                value[0] = v;
            });
            // resizeReplicationBacklog: at runtime a backlog is at least CONFIG_REPL_BACKLOG_MIN_SIZE.
            case "repl-backlog-size" -> ConfigOption.memory(name, mutable, 1, Long.MAX_VALUE,
                    () -> Long.parseLong(value[0]), v -> value[0] = Long.toString(config.running ? Math.max(v, 16384) : v));
            default -> null;
        };
    }

    /**
     * Redis's PERCENT_CONFIG, used by maxmemory-clients (registered by ServerConfig): bytes with Redis's units, or a percentage of maxmemory
     * ("10%"), held as Redis holds it, a percentage as its negative.
     */
    static ConfigOption memoryOrPercent(String name, boolean mutable, long max, java.util.function.LongSupplier get,
            java.util.function.LongConsumer set) {
        return ConfigOption.of(name, mutable, () -> {
            long v = get.getAsLong();
            return v < 0 ? -v + "%" : Long.toString(v);
        }, v -> {
            if (v.endsWith("%")) {
                Long percent = io.mnemos.command.Args.parseLongOrNull(
                        v.substring(0, v.length() - 1).getBytes(StandardCharsets.UTF_8));
                if (percent == null || percent < 0) {
                    throw new ConfigException("argument must be a memory or percent value");
                }
                if (percent > 100) {
                    throw new ConfigException("percentage argument must be less or equal to 100");
                }
                set.accept(-percent);
                return;
            }
            Long bytes = ConfigOption.memtoull(v);
            if (bytes == null) {
                throw new ConfigException("argument must be a memory or percent value");
            }
            // numericBoundaryCheck takes memtoull's result as a signed number: beyond LLONG_MAX it is
            // negative, a percentage (up to 100) to Redis.
            if (bytes < -100) {
                throw new ConfigException("percentage argument must be less or equal to 100");
            }
            if (bytes > max) {
                throw new ConfigException("argument must be between -100 and " + max + " inclusive");
            }
            set.accept(bytes);
        });
    }

    /** An enum of flags (shutdown-on-sigterm "save now"): shown in table order, the zero flag alone. */
    private static ConfigOption flagsEnum(String name, boolean mutable, String[] names, String[] value) {
        return ConfigOption.of(name, mutable, () -> value[0], v -> {
            boolean[] set = new boolean[names.length];
            // A multi-argument config: split at each single space (sdssplitlen), empty words included.
            for (String word : v.split(" ", -1)) {
                int i = indexOf(names, word);
                if (i < 0) {
                    throw new ConfigException("argument(s) must be one of the following: " + String.join(", ", names));
                }
                set[i] = true;
            }
            StringBuilder shown = new StringBuilder();
            for (int i = 1; i < names.length; i++) {
                if (set[i]) {
                    shown.append(shown.isEmpty() ? "" : " ").append(names[i]);
                }
            }
            value[0] = shown.isEmpty() ? names[0] : shown.toString();
        });
    }

    private static ConfigOption special(String name, boolean mutable, String canonical, String[] value) {
        if (!canonical.equals("oom-score-adj-values")) {
            throw new IllegalStateException("no parser for Redis's special option " + canonical);
        }
        return ConfigOption.of(name, mutable, () -> value[0], v -> {
            // Split at each single space (sdssplitlen); each value read with strtoll, as Redis: "+5",
            // " 007" and "" (0) are numbers, shown back as "%d".
            String[] words = v.split(" ", -1);
            if (words.length != 3) {
                throw new ConfigException("wrong number of arguments");
            }
            long[] values = new long[3];
            for (int i = 0; i < 3; i++) {
                Long n = io.mnemos.util.Numbers.strtollWhole(words[i]);
                if (n == null || n < -2000 || n > 2000) {
                    throw new ConfigException("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
                }
                values[i] = n;
            }
            value[0] = values[0] + " " + values[1] + " " + values[2];
        });
    }

    /**
     * replicaof (slaveof) "host port", or "no one": setConfigReplicaOfOption and its getter, which
     * shows "host port" for a replica and "" for a master. CONFIG REWRITE writes {@code replicaof
     * host port} for a replica and drops the directive (and its alias) for a master, as
     * rewriteConfigReplicaOfOption.
     */
    private static ConfigOption replicaof(ServerConfig config, String name, boolean mutable) {
        boolean canonical = name.equals("replicaof");
        return ConfigOption.of(name, mutable,
                () -> config.masterHost == null ? "" : config.masterHost + " " + config.masterPort, v -> {
                    if (v.isBlank()) {
                        config.masterHost = null;
                        return;
                    }
                    String[] words = v.trim().split("\\s+");
                    if (words.length != 2) {
                        throw new ConfigException("wrong number of arguments");
                    }
                    if (words[0].equalsIgnoreCase("no") && words[1].equalsIgnoreCase("one")) {
                        config.masterHost = null;
                        return;
                    }
                    Long port = io.mnemos.util.Numbers.strtollWhole(words[1]);
                    if (port == null || port < 0 || port > 65535) {
                        throw new ConfigException("Invalid master port");
                    }
                    config.masterHost = words[0];
                    config.masterPort = port.intValue();
                }).rewrittenAsLines(() -> !canonical || config.masterHost == null ? List.of()
                        : List.of("replicaof " + config.masterHost + " " + config.masterPort));
    }

    private static String unsupported(String name) {
        return switch (name) {
            case "cluster-enabled" -> "Mnemos has no cluster mode: cluster-enabled must be no";
            default -> "Mnemos listens on TCP only: unixsocket is not supported";
        };
    }

    private static int indexOf(String[] names, String word) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(word.toLowerCase(Locale.ROOT))) {
                return i;
            }
        }
        return -1;
    }

    /** An upper bound; ULLONG_MAX (the unsigned long long memory options) is -1, its bits in a long. */
    private static long parseMax(String max) {
        if (max.startsWith("0") && max.length() > 1) {
            return Long.parseLong(max, 8);
        }
        return Long.parseUnsignedLong(max);
    }

    static List<String[]> table() {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = CompatibleOptions.class.getResourceAsStream(TABLE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + TABLE);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    rows.add(line.split("\t", -1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
