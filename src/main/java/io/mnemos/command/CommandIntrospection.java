package io.mnemos.command;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.util.Glob;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * COMMAND and its subcommands (Redis 7.0's server.c), generated from the command table: what
 * every {@link CommandSpec} declares, completed by {@link CommandMetadata} for what a spec does not
 * say (key specs, tips, documentation of arguments and history).
 */
public final class CommandIntrospection implements CommandFamily {

    /** The flags COMMAND INFO shows, in Redis's order; may_replicate and protected are hidden as in Redis. */
    private static final List<CommandFlag> FLAG_ORDER = List.of(
            CommandFlag.WRITE, CommandFlag.READONLY, CommandFlag.DENYOOM, CommandFlag.ADMIN, CommandFlag.PUBSUB,
            CommandFlag.NOSCRIPT, CommandFlag.BLOCKING, CommandFlag.LOADING, CommandFlag.STALE,
            CommandFlag.SKIP_MONITOR, CommandFlag.SKIP_SLOWLOG, CommandFlag.ASKING, CommandFlag.FAST,
            CommandFlag.NO_AUTH, CommandFlag.NO_MANDATORY_KEYS, CommandFlag.NO_ASYNC_LOADING,
            CommandFlag.NO_MULTI, CommandFlag.MOVABLEKEYS, CommandFlag.ALLOW_BUSY);

    private static final String[] HELP = {
            "(no subcommand)",
            "    Return details about all Redis commands.",
            "COUNT",
            "    Return the total number of commands in this Redis server.",
            "LIST",
            "    Return a list of all commands in this Redis server.",
            "INFO [<command-name> ...]",
            "    Return details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "DOCS [<command-name> ...]",
            "    Return documentation details about multiple Redis commands.",
            "    If no command names are given, documentation details for all",
            "    commands are returned.",
            "GETKEYS <full-command>",
            "    Return the keys from a full Redis command.",
            "GETKEYSANDFLAGS <full-command>",
            "    Return the keys and the access flags from a full Redis command.",
    };

    @Override
    public List<CommandSpec> commands() {
        return List.of(command("command", -1).flags(LOADING, STALE).group("server").since("2.8.13")
                .summary("Get array of Redis command details")
                .complexity("O(N) where N is the total number of Redis commands")
                .handler(CommandIntrospection::all)
                .subcommand(command("count", 2).flags(LOADING, STALE).since("2.8.13")
                        .summary("Get total number of Redis commands").complexity("O(1)")
                        .handler(c -> c.reply().integer(c.server().commandTable().size())))
                .subcommand(command("list", -2).flags(LOADING, STALE).since("7.0.0")
                        .summary("Get an array of Redis command names")
                        .complexity("O(N) where N is the total number of Redis commands")
                        .handler(CommandIntrospection::list))
                .subcommand(command("info", -2).flags(LOADING, STALE).since("2.8.13")
                        .summary("Get array of specific Redis command details, or all when no argument is given.")
                        .complexity("O(N) where N is the number of commands to look up")
                        .handler(CommandIntrospection::info))
                .subcommand(command("docs", -2).flags(LOADING, STALE).since("7.0.0")
                        .summary("Get array of specific Redis command documentation")
                        .complexity("O(N) where N is the number of commands to look up")
                        .handler(CommandIntrospection::docs))
                .subcommand(command("getkeys", -4).flags(LOADING, STALE).since("2.8.13")
                        .summary("Extract keys given a full Redis command")
                        .complexity("O(N) where N is the number of arguments to the command")
                        .handler(c -> getKeys(c, false)))
                .subcommand(command("getkeysandflags", -4).flags(LOADING, STALE).since("7.0.0")
                        .summary("Extract keys and access flags given a full Redis command")
                        .complexity("O(N) where N is the number of arguments to the command")
                        .handler(c -> getKeys(c, true)))
                .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0")
                        .summary("Show helpful text about the different subcommands").complexity("O(1)")
                        .handler(c -> help(c, "COMMAND", HELP)))
                .build());
    }

    /** Redis's addReplyHelp: a status line per text line, closed by HELP's own entry. */
    public static void help(Client c, String command, String[] lines) {
        ReplyWriter w = c.reply();
        w.arrayHeader(lines.length + 3);
        w.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : lines) {
            w.simple(line);
        }
        w.simple("HELP");
        w.simple("    Prints this help.");
    }

    private static void all(Client c) {
        ReplyWriter w = c.reply();
        w.arrayHeader(c.server().commandTable().size());
        for (CommandSpec spec : c.server().commandTable().all()) {
            writeInfo(w, spec);
        }
    }

    private static void info(Client c) {
        if (c.argc() == 2) {
            all(c);
            return;
        }
        ReplyWriter w = c.reply();
        w.arrayHeader(c.argc() - 2);
        for (int i = 2; i < c.argc(); i++) {
            CommandSpec spec = lookupBySds(c.server().commandTable(), Args.text(c.arg(i)));
            if (spec == null) {
                w.nullBulk();
            } else {
                writeInfo(w, spec);
            }
        }
    }

    private static void docs(Client c) {
        ReplyWriter w = c.reply();
        List<CommandSpec> specs = new ArrayList<>();
        if (c.argc() == 2) {
            specs.addAll(c.server().commandTable().all());
        } else {
            for (int i = 2; i < c.argc(); i++) {
                CommandSpec spec = lookupBySds(c.server().commandTable(), Args.text(c.arg(i)));
                if (spec != null) {
                    specs.add(spec);
                }
            }
        }
        w.mapHeader(specs.size());
        for (CommandSpec spec : specs) {
            w.bulk(spec.fullName());
            writeDocs(w, spec);
        }
    }

    private static void list(Client c) {
        String filterType = null;
        String filterArg = null;
        for (int i = 2; i < c.argc(); i++) {
            int moreArgs = c.argc() - 1 - i;
            if (Args.is(c.arg(i), "filterby") && moreArgs == 2) {
                String type = Args.text(c.arg(i + 1)).toLowerCase(Locale.ROOT);
                if (!type.equals("module") && !type.equals("aclcat") && !type.equals("pattern")) {
                    throw CommandError.SYNTAX;
                }
                filterType = type;
                filterArg = Args.text(c.arg(i + 2));
                i += 2;
            } else {
                throw CommandError.SYNTAX;
            }
        }
        List<String> names = new ArrayList<>();
        for (CommandSpec spec : c.server().commandTable().all()) {
            collect(spec, filterType, filterArg, names);
            for (CommandSpec sub : spec.subcommands().values()) {
                collect(sub, filterType, filterArg, names);
            }
        }
        ReplyWriter w = c.reply();
        w.arrayHeader(names.size());
        names.forEach(w::bulk);
    }

    private static void collect(CommandSpec spec, String filterType, String filterArg, List<String> names) {
        boolean keep;
        if (filterType == null) {
            keep = true;
        } else {
            keep = switch (filterType) {
                case "module" -> false; // Mnemos loads no modules
                case "aclcat" -> spec.aclCategories().contains(filterArg.toLowerCase(Locale.ROOT));
                default -> Glob.matches(filterArg.getBytes(StandardCharsets.UTF_8),
                        spec.fullName().getBytes(StandardCharsets.UTF_8), true);
            };
        }
        if (keep) {
            names.add(spec.fullName());
        }
    }

    /** Redis's lookupCommandBySds: {@code name} or {@code container|sub}, strictly. */
    static CommandSpec lookupBySds(CommandTable table, String name) {
        String[] parts = name.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandSpec base = table.lookup(parts[0]);
        if (base == null || parts.length == 1) {
            return base;
        }
        return base.subcommands().get(parts[1].toLowerCase(Locale.ROOT));
    }

    // ---- COMMAND INFO ----

    static void writeInfo(ReplyWriter w, CommandSpec spec) {
        w.arrayHeader(10);
        w.bulk(spec.fullName());
        w.integer(spec.arity());
        List<String> flags = flagNames(spec);
        w.setHeader(flags.size());
        flags.forEach(w::simple);
        w.integer(spec.firstKey());
        w.integer(spec.lastKey());
        w.integer(spec.keyStep());
        w.setHeader(spec.aclCategories().size());
        for (String category : spec.aclCategories()) {
            w.simple("@" + category);
        }
        CommandMetadata.Node tips = CommandMetadata.field(spec.fullName(), "tips");
        if (tips != null) {
            tips.write(w);
        } else {
            w.setHeader(0);
        }
        keySpecs(spec).write(w);
        if (spec.isContainer()) {
            w.arrayHeader(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                writeInfo(w, sub);
            }
        } else {
            w.setHeader(0);
        }
    }

    static List<String> flagNames(CommandSpec spec) {
        List<String> names = new ArrayList<>();
        for (CommandFlag flag : FLAG_ORDER) {
            if (spec.has(flag)) {
                names.add(flag.replyName());
            }
        }
        return names;
    }

    /** Redis's key specs for the command, or ones derived from first/last/step for commands Redis lacks. */
    static CommandMetadata.Node keySpecs(CommandSpec spec) {
        CommandMetadata.Node specs = CommandMetadata.field(spec.fullName(), "keyspecs");
        if (specs != null) {
            return specs;
        }
        if (spec.firstKey() <= 0) {
            return new CommandMetadata.Node('~', null, 0, List.of());
        }
        int lastKey = spec.lastKey() < 0 ? spec.lastKey() : spec.lastKey() - spec.firstKey();
        List<CommandMetadata.Node> flags = spec.has(CommandFlag.WRITE)
                ? List.of(simple("RW"), simple("update")) : List.of(simple("RO"), simple("access"));
        CommandMetadata.Node keySpec = map(
                "flags", new CommandMetadata.Node('~', null, 0, flags),
                "begin_search", map("type", bulk("index"), "spec", map("index", integer(spec.firstKey()))),
                "find_keys", map("type", bulk("range"), "spec", map("lastkey", integer(lastKey),
                        "keystep", integer(spec.keyStep()), "limit", integer(0))));
        return new CommandMetadata.Node('~', null, 0, List.of(keySpec));
    }

    private static CommandMetadata.Node simple(String s) {
        return new CommandMetadata.Node('+', s, 0, null);
    }

    private static CommandMetadata.Node bulk(String s) {
        return new CommandMetadata.Node('$', s, 0, null);
    }

    private static CommandMetadata.Node integer(long n) {
        return new CommandMetadata.Node(':', null, n, null);
    }

    private static CommandMetadata.Node map(Object... kv) {
        List<CommandMetadata.Node> items = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            items.add(bulk((String) kv[i]));
            items.add((CommandMetadata.Node) kv[i + 1]);
        }
        return new CommandMetadata.Node('%', null, 0, items);
    }

    // ---- COMMAND DOCS ----

    private static final String[] DOC_EXTRAS = {"doc_flags", "deprecated_since", "replaced_by", "history", "arguments"};

    static void writeDocs(ReplyWriter w, CommandSpec spec) {
        String name = spec.fullName();
        String summary = orRedis(spec.summary(), name, "summary");
        String complexity = orRedis(spec.complexity(), name, "complexity");
        boolean hasComplexity = complexity != null && !complexity.isEmpty();
        List<String> extras = new ArrayList<>();
        for (String field : DOC_EXTRAS) {
            if (CommandMetadata.field(name, "doc:" + field) != null) {
                extras.add(field);
            }
        }
        int pairs = 3 + (hasComplexity ? 1 : 0) + extras.size() + (spec.isContainer() ? 1 : 0);
        w.mapHeader(pairs);
        w.bulk("summary");
        w.bulk(summary == null ? "" : summary);
        w.bulk("since");
        w.bulk(spec.since());
        w.bulk("group");
        w.bulk(spec.group() == null ? "generic" : spec.group());
        if (hasComplexity) {
            w.bulk("complexity");
            w.bulk(complexity);
        }
        for (String field : extras) {
            w.bulk(field);
            CommandMetadata.field(name, "doc:" + field).write(w);
        }
        if (spec.isContainer()) {
            w.bulk("subcommands");
            w.mapHeader(spec.subcommands().size());
            for (CommandSpec sub : spec.subcommands().values()) {
                w.bulk(sub.fullName());
                writeDocs(w, sub);
            }
        }
    }

    /** A documentation text the spec leaves empty is taken from Redis's own documentation of the command. */
    private static String orRedis(String declared, String fullName, String field) {
        if (declared != null && !declared.isEmpty()) {
            return declared;
        }
        CommandMetadata.Node redis = CommandMetadata.field(fullName, field);
        return redis == null ? declared : redis.text();
    }

    // ---- COMMAND GETKEYS / GETKEYSANDFLAGS ----

    /** One key found in a command line: its position in that line and the key spec flags. */
    record KeyRef(int pos, List<String> flags) {
    }

    private static void getKeys(Client c, boolean withFlags) {
        byte[][] argv = Arrays.copyOfRange(c.argv(), 2, c.argc());
        CommandSpec cmd = c.server().commandTable().resolve(argv);
        if (cmd == null) {
            throw CommandError.err("Invalid command specified");
        }
        writeKeys(c.reply(), cmd, argv, withFlags);
    }

    /** Redis's getKeysSubcommandImpl once the command is resolved: the keys of {@code argv} or an error. */
    static void writeKeys(ReplyWriter w, CommandSpec cmd, byte[][] argv, boolean withFlags) {
        CommandMetadata.Node specs = keySpecs(cmd);
        if (!hasKeys(cmd, specs)) {
            throw CommandError.err("The command has no key arguments");
        }
        if (!cmd.arityMatches(argv.length)) {
            throw CommandError.err("Invalid number of arguments specified for command");
        }
        List<KeyRef> keys = keysOf(cmd, specs, argv);
        if (keys.isEmpty()) {
            if (cmd.has(CommandFlag.NO_MANDATORY_KEYS)) {
                w.arrayHeader(0);
                return;
            }
            throw CommandError.err("Invalid arguments specified for command");
        }
        w.arrayHeader(keys.size());
        for (KeyRef key : keys) {
            if (withFlags) {
                w.arrayHeader(2);
                w.bulk(argv[key.pos()]);
                w.setHeader(key.flags().size());
                key.flags().forEach(w::simple);
            } else {
                w.bulk(argv[key.pos()]);
            }
        }
    }

    /** Redis's doesCommandHaveKeys: a getkeys procedure, or a key spec not marked not_key. */
    private static boolean hasKeys(CommandSpec cmd, CommandMetadata.Node specs) {
        for (CommandMetadata.Node spec : specs.items()) {
            if (!flagsOf(spec).contains("not_key")) {
                return true;
            }
        }
        return cmd.has(CommandFlag.MOVABLEKEYS);
    }

    /** The positions of the keys in a command line (getKeysFromCommand), for commands with movable keys. */
    static List<Integer> keyPositions(CommandSpec cmd, byte[][] argv) {
        List<Integer> positions = new ArrayList<>();
        for (KeyRef k : keysOf(cmd, keySpecs(cmd), argv)) {
            positions.add(k.pos());
        }
        return positions;
    }

    /** Redis's getKeysFromCommandWithSpecs, for the commands whose keys the specs can locate. */
    static List<KeyRef> keysOf(CommandSpec cmd, CommandMetadata.Node specs, byte[][] argv) {
        boolean variableFlags = false;
        for (CommandMetadata.Node spec : specs.items()) {
            if (flagsOf(spec).contains("variable_flags")) {
                variableFlags = true;
            }
        }
        if (!variableFlags) {
            List<KeyRef> keys = keysFromSpecs(cmd, specs, argv);
            if (keys != null) {
                return keys;
            }
        }
        return nativeKeys(cmd, argv);
    }

    private static List<String> flagsOf(CommandMetadata.Node spec) {
        List<String> flags = new ArrayList<>();
        CommandMetadata.Node f = spec.get("flags");
        if (f != null) {
            for (CommandMetadata.Node n : f.items()) {
                flags.add(n.text());
            }
        }
        return flags;
    }

    /** Redis's getKeysUsingKeySpecs; null where a spec cannot be followed (Redis's invalid_spec). */
    private static List<KeyRef> keysFromSpecs(CommandSpec cmd, CommandMetadata.Node specs, byte[][] argv) {
        int argc = argv.length;
        List<KeyRef> keys = new ArrayList<>();
        for (CommandMetadata.Node spec : specs.items()) {
            List<String> flags = flagsOf(spec);
            if (flags.contains("not_key")) {
                continue;
            }
            CommandMetadata.Node bs = spec.get("begin_search");
            CommandMetadata.Node fk = spec.get("find_keys");
            String bsType = bs.get("type").text();
            int first = 0;
            if (bsType.equals("index")) {
                first = (int) bs.get("spec").get("index").number();
            } else if (bsType.equals("keyword")) {
                String keyword = bs.get("spec").get("keyword").text();
                int startFrom = (int) bs.get("spec").get("startfrom").number();
                int start = startFrom > 0 ? startFrom : argc + startFrom;
                int end = startFrom > 0 ? argc - 1 : 1;
                for (int i = start; i != end; i = start <= end ? i + 1 : i - 1) {
                    if (i >= argc || i < 1) {
                        break;
                    }
                    if (Args.is(argv[i], keyword)) {
                        first = i + 1;
                        break;
                    }
                }
                if (first == 0) {
                    continue;
                }
            } else {
                return null;
            }
            String fkType = fk.get("type").text();
            int last;
            int step;
            if (fkType.equals("range")) {
                CommandMetadata.Node s = fk.get("spec");
                step = (int) s.get("keystep").number();
                int lastKey = (int) s.get("lastkey").number();
                int limit = (int) s.get("limit").number();
                if (lastKey >= 0) {
                    last = first + lastKey;
                } else if (limit == 0) {
                    last = argc + lastKey;
                } else {
                    last = first + ((argc - first) / limit + lastKey);
                }
            } else if (fkType.equals("keynum")) {
                CommandMetadata.Node s = fk.get("spec");
                step = (int) s.get("keystep").number();
                int keyNumIdx = (int) s.get("keynumidx").number();
                if (keyNumIdx >= argc || first + keyNumIdx >= argc) {
                    return null;
                }
                Long numKeys = Args.parseLongOrNull(argv[first + keyNumIdx]);
                if (numKeys == null || numKeys < 0) {
                    return null;
                }
                first += (int) s.get("firstkey").number();
                last = first + (int) (long) numKeys - 1;
            } else {
                return null;
            }
            if (last >= argc || last < first || first >= argc) {
                return null;
            }
            for (int i = first; i <= last; i += step) {
                keys.add(new KeyRef(i, flags));
            }
            if (flags.contains("incomplete")) {
                return null;
            }
        }
        return keys;
    }

    /** The getkeys procedures Redis falls back to when key specs are incomplete or their flags vary. */
    private static List<KeyRef> nativeKeys(CommandSpec cmd, byte[][] argv) {
        List<KeyRef> keys = new ArrayList<>();
        switch (cmd.fullName()) {
            case "set" -> {
                List<String> flags = List.of("OW", "update");
                for (int i = 3; i < argv.length; i++) {
                    if (Args.is(argv[i], "get")) {
                        flags = List.of("RW", "access", "update");
                        break;
                    }
                }
                keys.add(new KeyRef(1, flags));
            }
            case "bitfield" -> {
                List<String> flags = List.of("RO", "access");
                for (int i = 2; i < argv.length; i++) {
                    int remaining = argv.length - i - 1;
                    if (Args.is(argv[i], "get") && remaining >= 2) {
                        i += 2;
                    } else if (Args.is(argv[i], "overflow") && remaining >= 1) {
                        i += 1;
                    } else {
                        flags = List.of("RW", "access", "update");
                        break;
                    }
                }
                keys.add(new KeyRef(1, flags));
            }
            case "sort", "sort_ro" -> {
                keys.add(new KeyRef(1, List.of("RO", "access")));
                int storeAt = -1;
                for (int i = 2; i < argv.length && cmd.fullName().equals("sort"); i++) {
                    if (Args.is(argv[i], "limit")) {
                        i += 2;
                    } else if (Args.is(argv[i], "get") || Args.is(argv[i], "by")) {
                        i += 1;
                    } else if (Args.is(argv[i], "store") && i + 1 < argv.length) {
                        // The last STORE wins, as in SORT itself.
                        storeAt = i + 1;
                    }
                }
                if (storeAt > 0) {
                    keys.add(new KeyRef(storeAt, List.of("OW", "update")));
                }
            }
            case "migrate" -> {
                int first = 3;
                int num = 1;
                for (int i = 6; i < argv.length; i++) {
                    if (Args.is(argv[i], "keys")) {
                        if (argv[3].length > 0) {
                            return keys;
                        }
                        first = i + 1;
                        num = argv.length - first;
                        break;
                    }
                    if (Args.is(argv[i], "auth")) {
                        i += 1;
                    } else if (Args.is(argv[i], "auth2")) {
                        i += 2;
                    }
                }
                for (int i = 0; i < num; i++) {
                    keys.add(new KeyRef(first + i, List.of("RW", "access", "delete")));
                }
            }
            // genericGetKeys(storeKeyOfs, keyCountOfs, firstKeyOfs, 1): where the key spec could not
            // read numkeys (string2ll), Redis counts with atoi ("1.5" and " 2" are keys too).
            case "eval", "evalsha", "eval_ro", "evalsha_ro", "fcall", "fcall_ro", "blmpop", "bzmpop" ->
                    genericKeys(argv, 0, 2, 3, keys);
            case "zunionstore", "zinterstore", "zdiffstore" -> genericKeys(argv, 1, 2, 3, keys);
            case "zunion", "zinter", "zdiff", "zintercard", "sintercard", "lmpop", "zmpop" ->
                    genericKeys(argv, 0, 1, 2, keys);
            default -> {
            }
        }
        return keys;
    }

    /** Redis's genericGetKeys with a key step of 1: the numkeys keys, then the destination; no flags. */
    private static void genericKeys(byte[][] argv, int storeKeyOfs, int keyCountOfs, int firstKeyOfs, List<KeyRef> keys) {
        int num = io.mnemos.util.Numbers.atoi(argv[keyCountOfs]);
        if (num < 1 || num > argv.length - firstKeyOfs) {
            return;
        }
        for (int i = 0; i < num; i++) {
            keys.add(new KeyRef(firstKeyOfs + i, List.of()));
        }
        if (storeKeyOfs > 0) {
            keys.add(new KeyRef(storeKeyOfs, List.of()));
        }
    }
}
