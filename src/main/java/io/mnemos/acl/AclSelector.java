package io.mnemos.acl;

import io.mnemos.command.CommandSpec;
import io.mnemos.util.Glob;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One ACL selector (acl.c's aclSelector): which commands, keys and channels it allows. Every
 * user has a root selector and may have more, written "(...)".
 */
public final class AclSelector {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int ALL = READ | WRITE;

    /** A key pattern with the permissions it grants (%R~, %W~ or ~). */
    public static final class KeyPattern {
        final String pattern;
        final byte[] bytes;
        int flags;

        KeyPattern(String pattern, int flags) {
            this.pattern = pattern;
            this.bytes = AclText.bytes(pattern);
            this.flags = flags;
        }

        /** sdsCatPatternString. */
        public String describe() {
            String prefix = flags == ALL ? "~" : flags == READ ? "%R~" : "%W~";
            return prefix + pattern;
        }
    }

    final boolean root;
    boolean allKeys;
    boolean allChannels;
    boolean allCommands;
    BitSet allowed = new BitSet();
    /** The reserved "future commands" bit, set only by +@all / allcommands. */
    boolean future;
    /** allowed_firstargs: command id to the first arguments allowed although the command is not. */
    Map<Integer, List<String>> firstArgs;
    final List<KeyPattern> patterns = new ArrayList<>();
    final List<String> channels = new ArrayList<>();

    AclSelector(boolean root, boolean allChannelsDefault) {
        this.root = root;
        this.allChannels = allChannelsDefault;
    }

    AclSelector copy() {
        AclSelector s = new AclSelector(root, allChannels);
        s.allKeys = allKeys;
        s.allCommands = allCommands;
        s.allowed = (BitSet) allowed.clone();
        s.future = future;
        if (firstArgs != null) {
            s.firstArgs = new LinkedHashMap<>();
            firstArgs.forEach((k, v) -> s.firstArgs.put(k, new ArrayList<>(v)));
        }
        for (KeyPattern p : patterns) {
            s.patterns.add(new KeyPattern(p.pattern, p.flags));
        }
        s.channels.addAll(channels);
        return s;
    }

    public boolean root() {
        return root;
    }

    void setCommandBit(int id, boolean value) {
        if (value) {
            allowed.set(id);
        } else {
            allowed.clear(id);
            allCommands = false;
        }
    }

    /** ACLChangeSelectorPerm: a container applies to its subcommands too. */
    void changePerm(CommandIndex.Entry cmd, boolean allow) {
        setCommandBit(cmd.id, allow);
        if (firstArgs != null) {
            firstArgs.remove(cmd.id);
        }
        for (CommandIndex.Entry sub : cmd.subs) {
            setCommandBit(sub.id, allow);
        }
    }

    /** ACLSetSelectorCommandBitsForCategory. */
    void setCategory(CommandIndex index, long flag, boolean allow) {
        for (CommandIndex.Entry cmd : index.commands()) {
            if ((cmd.mask & flag) != 0) {
                changePerm(cmd, allow);
            }
            for (CommandIndex.Entry sub : cmd.subs) {
                if ((sub.mask & flag) != 0) {
                    changePerm(sub, allow);
                }
            }
        }
    }

    void setAll(CommandIndex index, boolean allow) {
        if (allow) {
            allowed.set(0, index.size());
            future = true;
            allCommands = true;
        } else {
            allowed.clear();
            future = false;
            allCommands = false;
        }
        firstArgs = null;
    }

    void addFirstArg(int id, String arg) {
        if (firstArgs == null) {
            firstArgs = new LinkedHashMap<>();
        }
        List<String> list = firstArgs.computeIfAbsent(id, k -> new ArrayList<>());
        for (String existing : list) {
            if (existing.equalsIgnoreCase(arg)) {
                return;
            }
        }
        list.add(arg);
    }

    /** ACLSelectorCheckKey with the permissions the key spec asks for. */
    boolean checkKey(byte[] key, int needed) {
        if (allKeys) {
            return true;
        }
        for (KeyPattern p : patterns) {
            if ((p.flags & needed) != needed) {
                continue;
            }
            if (Glob.matches(p.bytes, key, false)) {
                return true;
            }
        }
        return false;
    }

    /** ACLSelectorHasUnrestrictedKeyAccess for reads: allkeys, or a {@code *} pattern that grants reading. */
    boolean readsAllKeys() {
        if (allKeys) {
            return true;
        }
        for (KeyPattern p : patterns) {
            if ((p.flags & READ) == READ && p.pattern.equals("*")) {
                return true;
            }
        }
        return false;
    }

    /** ACLCheckChannelAgainstList: patterns of PSUBSCRIBE are compared literally. */
    public static boolean channelAllowed(List<String> list, byte[] channel, boolean literal) {
        for (String pattern : list) {
            byte[] p = AclText.bytes(pattern);
            if (literal ? java.util.Arrays.equals(p, channel) : Glob.matches(p, channel, false)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the command bit (or an allowed first argument) lets the command run. */
    boolean commandAllowed(int id, CommandSpec cmd, byte[][] argv) {
        if (allCommands || cmd.has(io.mnemos.command.CommandFlag.NO_AUTH)) {
            return true;
        }
        if (allowed.get(id)) {
            return true;
        }
        if (argv.length < 2 || firstArgs == null) {
            return false;
        }
        List<String> args = firstArgs.get(id);
        if (args == null) {
            return false;
        }
        int idx = cmd.parent() != null ? 2 : 1;
        if (idx >= argv.length) {
            return false;
        }
        String given = AclText.str(argv[idx]);
        for (String a : args) {
            if (a.equalsIgnoreCase(given)) {
                return true;
            }
        }
        return false;
    }

    public List<KeyPattern> patterns() {
        return patterns;
    }

    public List<String> channels() {
        return channels;
    }

    public boolean allKeys() {
        return allKeys;
    }

    public boolean allChannels() {
        return allChannels;
    }

    public boolean allCommands() {
        return allCommands;
    }
}
