package io.mnemos.command;

import io.mnemos.server.LatencyHistogram;
import io.mnemos.store.ValueType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Everything Mnemos knows about one command, declared once: the dispatcher checks arity, keys'
 * types and authentication from it, and COMMAND INFO/DOCS/LIST/COUNT are generated from it.
 *
 * <p>Arity follows Redis: positive means exactly that many words including the name, negative
 * means at least that many.
 */
public final class CommandSpec {
    private final String name;
    private final String fullName;
    private final int arity;
    private final Set<CommandFlag> flags;
    /** The flags as bits by ordinal: {@link #has} runs several times per request. */
    private final long flagBits;
    private final int firstKey;
    private final int lastKey;
    private final int keyStep;
    private final String group;
    private final String since;
    private final String summary;
    private final String complexity;
    private final ValueType keyType;
    private final CommandHandler handler;
    private final Map<String, CommandSpec> subcommands;
    private final Set<String> aclCategories;
    private CommandSpec parent;

    // Runtime statistics for INFO commandstats; only the keyspace thread writes them.
    long calls;
    long micros;
    long rejectedCalls;
    long failedCalls;
    /** The command's latency histogram, or null until it first runs with latency-tracking on. */
    private LatencyHistogram latencyHistogram;

    public LatencyHistogram latencyHistogram() {
        return latencyHistogram;
    }

    public void latencyHistogram(LatencyHistogram histogram) {
        this.latencyHistogram = histogram;
    }

    private CommandSpec(Builder b) {
        this.name = b.name;
        this.fullName = b.name;
        this.arity = b.arity;
        this.flags = Collections.unmodifiableSet(b.flags);
        this.flagBits = bits(b.flags);
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.keyStep = b.keyStep;
        this.group = b.group;
        this.since = b.since;
        this.summary = b.summary;
        this.complexity = b.complexity;
        this.keyType = b.keyType;
        this.handler = b.handler;
        Map<String, CommandSpec> subs = new LinkedHashMap<>();
        for (Builder sub : b.subcommands) {
            CommandSpec s = sub.buildSub(this);
            subs.put(s.name, s);
        }
        this.subcommands = Collections.unmodifiableMap(subs);
        this.aclCategories = categoriesFor(fullName, flags, group, b.extraCategories);
    }

    private CommandSpec(Builder b, CommandSpec parent) {
        this.name = b.name;
        this.fullName = parent.name + "|" + b.name;
        this.parent = parent;
        this.arity = b.arity;
        this.flags = Collections.unmodifiableSet(b.flags);
        this.flagBits = bits(b.flags);
        this.firstKey = b.firstKey;
        this.lastKey = b.lastKey;
        this.keyStep = b.keyStep;
        this.group = b.group == null ? parent.group : b.group;
        this.since = b.since;
        this.summary = b.summary;
        this.complexity = b.complexity;
        this.keyType = b.keyType;
        this.handler = b.handler;
        this.subcommands = Map.of();
        this.aclCategories = categoriesFor(fullName, flags, this.group, b.extraCategories);
    }

    public static Builder command(String name, int arity) {
        return new Builder(name, arity);
    }

    /** ACL categories in the order Redis lists them (the bit order of acl.c's category table). */
    public static final List<String> CATEGORY_ORDER = List.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");

    /**
     * Redis's ACL categories: those a command declares in its JSON (taken from Redis's metadata, or
     * derived from the group for commands Redis does not have) plus the ones setImplicitACLCategories
     * derives from the flags.
     */
    private static Set<String> categoriesFor(String fullName, Set<CommandFlag> flags, String group, Set<String> extra) {
        Set<String> c = new java.util.HashSet<>();
        List<String> declared = CommandMetadata.explicitCategories(fullName);
        if (declared != null) {
            c.addAll(declared);
        } else if (group != null) {
            switch (group) {
                case "string", "list", "set", "hash", "bitmap", "hyperloglog", "geo", "stream", "connection",
                     "scripting" -> c.add(group);
                case "transactions" -> c.add("transaction");
                case "sorted-set" -> c.add("sortedset");
                case "generic" -> c.add("keyspace");
                default -> {
                }
            }
        }
        c.addAll(extra);
        if (flags.contains(CommandFlag.WRITE)) {
            c.add("write");
        }
        if (flags.contains(CommandFlag.READONLY) && !c.contains("scripting")) {
            c.add("read");
        }
        if (flags.contains(CommandFlag.ADMIN)) {
            c.add("admin");
            c.add("dangerous");
        }
        if (flags.contains(CommandFlag.PUBSUB)) {
            c.add("pubsub");
        }
        if (flags.contains(CommandFlag.FAST)) {
            c.add("fast");
        }
        if (flags.contains(CommandFlag.BLOCKING)) {
            c.add("blocking");
        }
        if (!c.contains("fast")) {
            c.add("slow");
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String name : CATEGORY_ORDER) {
            if (c.remove(name)) {
                ordered.add(name);
            }
        }
        ordered.addAll(c);
        return Collections.unmodifiableSet(ordered);
    }

    public String name() {
        return name;
    }

    /** {@code client|list} for subcommands, the plain name otherwise. */
    public String fullName() {
        return fullName;
    }

    public int arity() {
        return arity;
    }

    public Set<CommandFlag> flags() {
        return flags;
    }

    public boolean has(CommandFlag flag) {
        return (flagBits & (1L << flag.ordinal())) != 0;
    }

    private static long bits(Set<CommandFlag> flags) {
        long bits = 0;
        for (CommandFlag f : flags) {
            bits |= 1L << f.ordinal();
        }
        return bits;
    }

    public int firstKey() {
        return firstKey;
    }

    public int lastKey() {
        return lastKey;
    }

    public int keyStep() {
        return keyStep;
    }

    public String group() {
        return group;
    }

    public String since() {
        return since;
    }

    public String summary() {
        return summary;
    }

    public String complexity() {
        return complexity;
    }

    /** The type every key argument must have if it exists, or null when any type is fine. */
    public ValueType keyType() {
        return keyType;
    }

    public CommandHandler handler() {
        return handler;
    }

    public Map<String, CommandSpec> subcommands() {
        return subcommands;
    }

    public boolean isContainer() {
        return !subcommands.isEmpty();
    }

    public CommandSpec parent() {
        return parent;
    }

    public Set<String> aclCategories() {
        return aclCategories;
    }

    public boolean arityMatches(int argc) {
        return arity > 0 ? argc == arity : argc >= -arity;
    }

    /** Positions of the key arguments in argv, from first/last/step. */
    public List<Integer> keyPositions(int argc) {
        List<Integer> positions = new ArrayList<>();
        if (firstKey <= 0) {
            return positions;
        }
        int last = lastKey < 0 ? argc + lastKey : lastKey;
        for (int i = firstKey; i <= last && i < argc; i += keyStep) {
            positions.add(i);
        }
        return positions;
    }

    public long calls() {
        return calls;
    }

    public long micros() {
        return micros;
    }

    public long rejectedCalls() {
        return rejectedCalls;
    }

    public long failedCalls() {
        return failedCalls;
    }

    /** A call that replied an error (commandstats failed_calls), e.g. a script whose reply is one. */
    public void countFailedCall() {
        failedCalls++;
    }

    /** A call refused before it ran (commandstats rejected_calls), e.g. by a script's checks. */
    public void countRejectedCall() {
        rejectedCalls++;
    }

    void resetStats() {
        calls = 0;
        micros = 0;
        rejectedCalls = 0;
        failedCalls = 0;
        for (CommandSpec sub : subcommands.values()) {
            sub.resetStats();
        }
    }

    /** Fluent declaration of a command; see the *Commands classes for examples. */
    public static final class Builder {
        private final String name;
        private final int arity;
        private final Set<CommandFlag> flags = EnumSet.noneOf(CommandFlag.class);
        private final Set<String> extraCategories = new LinkedHashSet<>();
        private int firstKey;
        private int lastKey;
        private int keyStep;
        private String group;
        private String since = "1.0.0";
        private String summary = "";
        private String complexity = "";
        private ValueType keyType;
        private CommandHandler handler;
        private final List<Builder> subcommands = new ArrayList<>();

        private Builder(String name, int arity) {
            this.name = name.toLowerCase(Locale.ROOT);
            this.arity = arity;
        }

        public Builder flags(CommandFlag... fs) {
            flags.addAll(List.of(fs));
            return this;
        }

        /** Key positions like Redis's legacy first/last/step (last may be negative: from the end). */
        public Builder keys(int first, int last, int step) {
            this.firstKey = first;
            this.lastKey = last;
            this.keyStep = step;
            return this;
        }

        public Builder group(String group) {
            this.group = group;
            return this;
        }

        public Builder since(String since) {
            this.since = since;
            return this;
        }

        public Builder summary(String summary) {
            this.summary = summary;
            return this;
        }

        public Builder complexity(String complexity) {
            this.complexity = complexity;
            return this;
        }

        /** ACL categories beyond those Redis derives from flags and group, e.g. "dangerous". */
        public Builder categories(String... categories) {
            extraCategories.addAll(List.of(categories));
            return this;
        }

        public Builder keyType(ValueType type) {
            this.keyType = type;
            return this;
        }

        public Builder handler(CommandHandler handler) {
            this.handler = handler;
            return this;
        }

        public Builder subcommand(Builder sub) {
            subcommands.add(sub);
            return this;
        }

        public CommandSpec build() {
            return new CommandSpec(this);
        }

        private CommandSpec buildSub(CommandSpec parent) {
            return new CommandSpec(this, parent);
        }
    }
}
