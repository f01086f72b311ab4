package io.mnemos.acl;

import io.mnemos.command.CommandFlag;
import io.mnemos.command.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis's command ids for ACL bitmaps over the original command table (server.orig_commands): every
 * command and subcommand has an id; rename-command does not change what ACL rules see. Besides
 * Mnemos's own commands it holds every other Redis 7.0 command with Redis's categories (from
 * {@code redis-acl-categories.txt}), so ACL CAT and the category "best fit" of ACL LIST and GETUSER
 * are Redis's, and rules may name them as in Redis (they are never executed).
 */
public final class CommandIndex {
    /** acl.c's ACLCommandCategories, in bit order. */
    public static final List<String> CATEGORIES = CommandSpec.CATEGORY_ORDER;
    private static final Map<String, Long> REDIS_CATEGORIES = loadRedisCategories();

    /** One command or subcommand as ACL sees it; {@code spec} is null for Redis commands Mnemos lacks. */
    public static final class Entry {
        final int id;
        final String name;
        final String fullName;
        final Entry parent;
        final List<Entry> subs = new ArrayList<>();
        final Map<String, Entry> subsByName = new LinkedHashMap<>();
        final long mask;
        final CommandSpec spec;

        Entry(int id, String name, Entry parent, long mask, CommandSpec spec) {
            this.id = id;
            this.name = name;
            this.parent = parent;
            this.fullName = parent == null ? name : parent.name + "|" + name;
            this.mask = mask;
            this.spec = spec;
        }

        public int id() {
            return id;
        }

        public String fullName() {
            return fullName;
        }

        public Entry parent() {
            return parent;
        }

        public List<Entry> subs() {
            return subs;
        }

        public boolean isContainer() {
            return !subs.isEmpty() || (spec != null && spec.isContainer());
        }

        boolean noAuth() {
            return spec != null && spec.has(CommandFlag.NO_AUTH);
        }
    }

    private final List<Entry> top = new ArrayList<>();
    private final List<Entry> byId = new ArrayList<>();
    private final Map<String, Entry> byName = new LinkedHashMap<>();
    private final IdentityHashMap<CommandSpec, Entry> bySpec = new IdentityHashMap<>();

    public CommandIndex(Collection<CommandSpec> commands) {
        for (CommandSpec spec : commands) {
            Entry e = add(spec.name(), null, maskOf(spec), spec);
            for (CommandSpec sub : spec.subcommands().values()) {
                add(sub.name(), e, maskOf(sub), sub);
            }
        }
        for (Map.Entry<String, Long> r : REDIS_CATEGORIES.entrySet()) {
            String full = r.getKey();
            if (!full.contains("|") && !byName.containsKey(full)) {
                add(full, null, r.getValue(), null);
            }
        }
        for (Map.Entry<String, Long> r : REDIS_CATEGORIES.entrySet()) {
            String full = r.getKey();
            int bar = full.indexOf('|');
            if (bar < 0) {
                continue;
            }
            Entry parent = byName.get(full.substring(0, bar));
            if (parent != null && !parent.subsByName.containsKey(full.substring(bar + 1))) {
                add(full.substring(bar + 1), parent, r.getValue(), null);
            }
        }
    }

    private Entry add(String name, Entry parent, long mask, CommandSpec spec) {
        Entry e = new Entry(byId.size(), name, parent, mask, spec);
        byId.add(e);
        if (parent == null) {
            top.add(e);
            byName.put(name, e);
        } else {
            parent.subs.add(e);
            parent.subsByName.put(name, e);
        }
        if (spec != null) {
            bySpec.put(spec, e);
        }
        return e;
    }

    /**
     * Redis's categories for a command Redis 7.0 has. Commands Redis 7.0 lacks (CLIENT SETINFO is
     * 7.2) belong to no category, so ACL CAT and category descriptions stay Redis's; +@all and
     * explicit rules still cover them.
     */
    private static long maskOf(CommandSpec spec) {
        Long redis = REDIS_CATEGORIES.get(spec.fullName());
        if (redis != null) {
            return redis;
        }
        if (!REDIS_CATEGORIES.isEmpty()) {
            return 0;
        }
        long mask = 0;
        for (String category : spec.aclCategories()) {
            mask |= categoryFlag(category);
        }
        return mask;
    }

    private static Map<String, Long> loadRedisCategories() {
        Map<String, Long> result = new LinkedHashMap<>();
        try (InputStream in = CommandIndex.class.getResourceAsStream("redis-acl-categories.txt")) {
            if (in == null) {
                return result;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                String[] parts = line.split("\t");
                if (parts.length != 2) {
                    continue;
                }
                long mask = 0;
                for (String c : parts[1].split(",")) {
                    mask |= categoryFlag(c);
                }
                result.put(parts[0], mask);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Number of command ids. */
    public int size() {
        return byId.size();
    }

    /** The id of an executable command, or -1. */
    public int id(CommandSpec spec) {
        Entry e = bySpec.get(spec);
        return e == null ? -1 : e.id;
    }

    public Entry entry(int id) {
        return byId.get(id);
    }

    /** Top-level commands: Mnemos's in table order, then Redis's others. */
    public List<Entry> commands() {
        return Collections.unmodifiableList(top);
    }

    public long categoryMask(int id) {
        return byId.get(id).mask;
    }

    /** The category flag of a name (case-insensitive), or 0 when unknown: ACLGetCommandCategoryFlagByName. */
    public static long categoryFlag(String name) {
        for (int i = 0; i < CATEGORIES.size(); i++) {
            if (CATEGORIES.get(i).equalsIgnoreCase(name)) {
                return 1L << i;
            }
        }
        return 0;
    }

    /** ACLLookupCommand: "name" or "container|sub", case-insensitive; null when unknown. */
    public Entry lookup(String name) {
        String[] parts = name.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        Entry base = byName.get(parts[0].toLowerCase(Locale.ROOT));
        if (base == null || parts.length == 1) {
            return base;
        }
        if (base.subs.isEmpty()) {
            return null;
        }
        return base.subsByName.get(parts[1].toLowerCase(Locale.ROOT));
    }
}
