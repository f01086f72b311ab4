package io.mnemos.acl;

import io.mnemos.command.CommandSpec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Redis's command ids for ACL bitmaps, over the original command table (server.orig_commands):
 * every command and subcommand gets an id; rename-command does not change what ACL rules see.
 */
public final class CommandIndex {
    /** acl.c's ACLCommandCategories, in bit order. */
    public static final List<String> CATEGORIES = CommandSpec.CATEGORY_ORDER;

    private final List<CommandSpec> top;
    private final List<CommandSpec> byId = new ArrayList<>();
    private final IdentityHashMap<CommandSpec, Integer> ids = new IdentityHashMap<>();
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    private long[] categoryMasks;

    public CommandIndex(Collection<CommandSpec> commands) {
        this.top = List.copyOf(commands);
        for (CommandSpec spec : top) {
            add(spec);
            byName.put(spec.name(), spec);
            for (CommandSpec sub : spec.subcommands().values()) {
                add(sub);
            }
        }
        categoryMasks = new long[byId.size()];
        for (int i = 0; i < byId.size(); i++) {
            long mask = 0;
            for (String category : byId.get(i).aclCategories()) {
                int bit = CATEGORIES.indexOf(category);
                if (bit >= 0) {
                    mask |= 1L << bit;
                }
            }
            categoryMasks[i] = mask;
        }
    }

    private void add(CommandSpec spec) {
        ids.put(spec, byId.size());
        byId.add(spec);
    }

    /** Number of command ids. */
    public int size() {
        return byId.size();
    }

    public int id(CommandSpec spec) {
        Integer id = ids.get(spec);
        return id == null ? -1 : id;
    }

    public CommandSpec spec(int id) {
        return byId.get(id);
    }

    /** Top-level commands in table order. */
    public List<CommandSpec> commands() {
        return Collections.unmodifiableList(top);
    }

    public long categoryMask(int id) {
        return categoryMasks[id];
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
    public CommandSpec lookup(String name) {
        String[] parts = name.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandSpec base = byName.get(parts[0].toLowerCase(Locale.ROOT));
        if (base == null || parts.length == 1) {
            return base;
        }
        if (!base.isContainer()) {
            return null;
        }
        return base.subcommands().get(parts[1].toLowerCase(Locale.ROOT));
    }
}
