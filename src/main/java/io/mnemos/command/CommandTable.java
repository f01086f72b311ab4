package io.mnemos.command;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * All commands by name. Lookup works on the raw request bytes, case-insensitively, without
 * allocating a String per request.
 */
public final class CommandTable {
    private final Map<String, CommandSpec> byName = new LinkedHashMap<>();
    private CommandSpec[] slots;
    private byte[][] slotNames;
    private int mask;

    public CommandTable(List<CommandFamily> families) {
        for (CommandFamily family : families) {
            for (CommandSpec spec : family.commands()) {
                if (byName.putIfAbsent(spec.name(), spec) != null) {
                    throw new IllegalStateException("command declared twice: " + spec.name());
                }
            }
        }
        int capacity = Integer.highestOneBit(Math.max(16, byName.size() * 4) - 1) << 1;
        slots = new CommandSpec[capacity];
        slotNames = new byte[capacity][];
        mask = capacity - 1;
        for (CommandSpec spec : byName.values()) {
            byte[] name = spec.name().getBytes(StandardCharsets.US_ASCII);
            int i = hash(name) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = spec;
            slotNames[i] = name;
        }
    }

    /** The command named by {@code name} in any letter case, or null. */
    public CommandSpec lookup(byte[] name) {
        int i = hash(name) & mask;
        while (slots[i] != null) {
            if (equalsIgnoreCase(slotNames[i], name)) {
                return slots[i];
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    public CommandSpec lookup(String name) {
        return byName.get(name.toLowerCase());
    }

    /** The command a request runs: a subcommand for containers such as CLIENT, else the command. */
    public CommandSpec resolve(byte[][] argv) {
        CommandSpec base = lookup(argv[0]);
        if (base == null || !base.isContainer() || argv.length == 1) {
            return base;
        }
        return base.subcommands().get(new String(argv[1], StandardCharsets.UTF_8).toLowerCase());
    }

    /**
     * rename-command: the command answers to {@code to} from now on, or to nothing when {@code to}
     * is empty. Its own name (COMMAND INFO, ACL rules) is unchanged, as in Redis.
     */
    public void rename(String from, String to) {
        CommandSpec spec = byName.remove(from.toLowerCase());
        if (spec == null) {
            throw new IllegalArgumentException("No such command in rename-command");
        }
        if (!to.isEmpty()) {
            byName.put(to.toLowerCase(), spec);
        }
        int capacity = slots.length;
        slots = new CommandSpec[capacity];
        slotNames = new byte[capacity][];
        for (Map.Entry<String, CommandSpec> e : byName.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.ISO_8859_1);
            int i = hash(name) & mask;
            while (slots[i] != null) {
                i = (i + 1) & mask;
            }
            slots[i] = e.getValue();
            slotNames[i] = name;
        }
    }

    public Collection<CommandSpec> all() {
        return Collections.unmodifiableCollection(byName.values());
    }

    public int size() {
        return byName.size();
    }

    public void resetStats() {
        for (CommandSpec spec : byName.values()) {
            spec.resetStats();
        }
    }

    private static int hash(byte[] name) {
        int h = 0;
        for (byte b : name) {
            h = h * 31 + (b | 0x20);
        }
        return h ^ (h >>> 16);
    }

    private static boolean equalsIgnoreCase(byte[] lower, byte[] candidate) {
        if (lower.length != candidate.length) {
            return false;
        }
        for (int i = 0; i < lower.length; i++) {
            byte c = candidate[i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (lower[i] != c) {
                return false;
            }
        }
        return true;
    }
}
