package io.mnemos.acl;

import io.mnemos.command.CommandSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;

/**
 * The users (acl.c's Users rax and DefaultUser), the ACL log, and the permission check the
 * dispatcher runs for every command of a restricted user. Only the keyspace thread uses it.
 */
public final class AclStore {
    public static final String DEFAULT = "default";
    public static final int OK = 0;
    public static final int DENIED_CMD = AclLog.REASON_COMMAND;
    public static final int DENIED_KEY = AclLog.REASON_KEY;
    public static final int DENIED_CHANNEL = AclLog.REASON_CHANNEL;

    /** Finds the keys of a command line: {pos, permissions, pos, permissions, ...}, or null without keys. */
    @FunctionalInterface
    public interface KeyFinder {
        int[] keys(CommandSpec cmd, byte[][] argv);
    }

    private final CommandIndex index;
    private TreeMap<String, User> users = new TreeMap<>();
    private final User defaultUser;
    private final AclLog log = new AclLog();
    /** acl-pubsub-default: allchannels when true. */
    public boolean allChannelsDefault;
    /** acllog-max-len. */
    public long logMaxLen = 128;

    public AclStore(Collection<CommandSpec> commands) {
        this.index = new CommandIndex(commands);
        this.defaultUser = createDefaultUser();
        users.put(DEFAULT, defaultUser);
    }

    public CommandIndex index() {
        return index;
    }

    public AclLog log() {
        return log;
    }

    public User defaultUser() {
        return defaultUser;
    }

    public User user(String name) {
        return users.get(name);
    }

    /** Users in name order (the rax order of ACL LIST and USERS). */
    public Collection<User> users() {
        return users.values();
    }

    /** ACLCreateDefaultUser. */
    private User createDefaultUser() {
        User u = new User(DEFAULT, allChannelsDefault);
        try {
            AclRules.apply(u, "+@all", index, allChannelsDefault);
            AclRules.apply(u, "~*", index, allChannelsDefault);
            AclRules.apply(u, "&*", index, allChannelsDefault);
            AclRules.apply(u, "on", index, allChannelsDefault);
            AclRules.apply(u, "nopass", index, allChannelsDefault);
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
        return u;
    }

    /** A new user as ACLCreateUser makes it: off, no passwords, no permissions. */
    public User newUser(String name) {
        return new User(name, allChannelsDefault);
    }

    /** ACL SETUSER's staging: a copy of the existing user (or a new one) with the rules applied. */
    public User staged(String name, List<String> rules) throws AclRuleException.Failed {
        User existing = users.get(name);
        User temp = newUser(name);
        if (existing != null) {
            temp.copyFrom(existing);
        }
        for (String op : rules) {
            try {
                AclRules.apply(temp, op, index, allChannelsDefault);
            } catch (AclRuleException e) {
                throw new AclRuleException.Failed(op, e.getMessage());
            }
        }
        return temp;
    }

    /** Stores a staged user: an existing user object is updated in place, so its clients follow. */
    public User commit(User staged) {
        User existing = users.get(staged.name());
        if (existing == null) {
            existing = newUser(staged.name());
            users.put(staged.name(), existing);
        }
        existing.copyFrom(staged);
        return existing;
    }

    /** Removes a user; returns it, or null when there was none. */
    public User delete(String name) {
        return users.remove(name);
    }

    /** authRequired(): the default user has a password or is disabled. */
    public boolean defaultRequiresAuth() {
        return !defaultUser.nopass || !defaultUser.enabled;
    }

    /** What a new connection starts as: authenticated when the default user is "nopass" and on. */
    public boolean defaultAuthenticated() {
        return !defaultRequiresAuth();
    }

    /** ACLUpdateDefaultUserPassword: requirepass maps to the default user's only password. */
    public void updateDefaultPassword(String requirepass) {
        try {
            AclRules.apply(defaultUser, "resetpass", index, allChannelsDefault);
            if (requirepass != null && !requirepass.isEmpty()) {
                AclRules.apply(defaultUser, ">" + AclText.str(requirepass.getBytes(StandardCharsets.UTF_8)), index,
                        allChannelsDefault);
            } else {
                AclRules.apply(defaultUser, "nopass", index, allChannelsDefault);
            }
        } catch (AclRuleException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ACLCheckUserCredentials: the user, when it exists, is on and the password matches. */
    public User checkCredentials(byte[] username, byte[] password) {
        User u = users.get(AclText.str(username));
        if (u == null || !u.enabled) {
            return null;
        }
        if (u.nopass) {
            return u;
        }
        byte[] hashed = AclRules.hash(password).getBytes(StandardCharsets.US_ASCII);
        boolean match = false;
        for (String p : u.passwords) {
            match |= MessageDigest.isEqual(hashed, p.getBytes(StandardCharsets.US_ASCII));
        }
        return match ? u : null;
    }

    // ---- permission check ------------------------------------------------------------------------

    /**
     * ACLCheckAllUserCommandPerm: {@link #OK}, or the denial reason in the high int and the
     * argument position of the denied key or channel in the low int.
     */
    public long check(User u, CommandSpec cmd, byte[][] argv, KeyFinder finder) {
        if (u == null || u.unrestricted()) {
            return OK;
        }
        int id = index.id(cmd);
        int relevant = DENIED_CMD;
        int lastIdx = 0;
        SelectorCheck check = new SelectorCheck(id, cmd, argv, finder);
        for (AclSelector s : u.selectors) {
            int ret = check.run(s);
            if (ret == OK) {
                return OK;
            }
            if (ret > relevant || (ret == relevant && check.deniedAt > lastIdx)) {
                relevant = ret;
                lastIdx = check.deniedAt;
            }
        }
        return ((long) relevant << 32) | (lastIdx & 0xffffffffL);
    }

    /**
     * ACLUserCheckCmdWithUnrestrictedKeyAccess with CMD_KEY_ACCESS (SORT's BY and GET): whether
     * one selector both allows this command line and may read every key ({@code allkeys},
     * {@code ~*} or {@code %R~*}). A null user (an internal client) may.
     */
    public boolean readsAllKeys(User u, CommandSpec cmd, byte[][] argv, KeyFinder finder) {
        if (u == null || u.unrestricted()) {
            return true;
        }
        SelectorCheck check = new SelectorCheck(index.id(cmd), cmd, argv, finder);
        for (AclSelector s : u.selectors) {
            if (check.run(s) == OK && s.readsAllKeys()) {
                return true;
            }
        }
        return false;
    }

    /**
     * ACLSelectorCheckCmd for one command line against each selector in turn; the command's keys
     * are found once, when the first selector without allkeys needs them (aclKeyResultCache).
     */
    private final class SelectorCheck {
        private final int id;
        private final CommandSpec cmd;
        private final byte[][] argv;
        private final KeyFinder finder;
        private int[] keys;
        private boolean keysFound;
        /** The argument position of the key or channel the last {@link #run} denied. */
        int deniedAt;

        SelectorCheck(int id, CommandSpec cmd, byte[][] argv, KeyFinder finder) {
            this.id = id;
            this.cmd = cmd;
            this.argv = argv;
            this.finder = finder;
        }

        int run(AclSelector s) {
            deniedAt = 0;
            if (id < 0 || !s.commandAllowed(id, cmd, argv)) {
                return DENIED_CMD;
            }
            if (!s.allKeys) {
                if (!keysFound) {
                    keys = finder.keys(cmd, argv);
                    keysFound = true;
                }
                if (keys != null) {
                    for (int j = 0; j + 1 < keys.length; j += 2) {
                        if (!s.checkKey(argv[keys[j]], keys[j + 1])) {
                            deniedAt = keys[j];
                            return DENIED_KEY;
                        }
                    }
                }
            }
            if (!s.allChannels) {
                int[] channelRange = channelArgs(cmd, argv.length);
                if (channelRange != null) {
                    boolean literal = channelRange[2] == 1;
                    for (int j = channelRange[0]; j < channelRange[1]; j++) {
                        if (!AclSelector.channelAllowed(s.channels, argv[j], literal)) {
                            deniedAt = j;
                            return DENIED_CHANNEL;
                        }
                    }
                }
            }
            return OK;
        }
    }

    /** {first, end, literal} of the channel arguments of PUBLISH/SUBSCRIBE-like commands, or null. */
    private static int[] channelArgs(CommandSpec cmd, int argc) {
        return switch (cmd.fullName()) {
            case "publish", "spublish" -> new int[]{1, Math.min(2, argc), 0};
            case "subscribe", "ssubscribe" -> new int[]{1, argc, 0};
            case "psubscribe" -> new int[]{1, argc, 1};
            default -> null;
        };
    }

    // ---- config file users and the ACL file --------------------------------------------------------

    /** ACLAppendUserForLoading's validation: null when fine, else {index into the line, message}. */
    public Object[] validateUserLine(List<String> words) {
        List<String> rules;
        try {
            rules = AclRules.mergeSelectorArguments(words.subList(2, words.size()));
        } catch (AclRules.UnmatchedParenthesis e) {
            // Redis reports whatever errno was left over; with redis-server 7.0.15 that reads as ENOENT.
            return new Object[]{e.index, AclRuleException.UNKNOWN};
        }
        User fake = newUser("__fakeuser:0__");
        for (int j = 0; j < rules.size(); j++) {
            try {
                AclRules.apply(fake, rules.get(j), index, allChannelsDefault);
            } catch (AclRuleException e) {
                if (!e.unknownName()) {
                    return new Object[]{j, e.getMessage()};
                }
            }
        }
        return null;
    }

    /** ACLLoadConfiguredUsers: null on success, else the warning Redis logs before exiting. */
    public String loadConfiguredUsers(List<List<String>> lines) {
        for (List<String> words : lines) {
            String name = words.get(1);
            if (AclText.hasSpaces(name)) {
                return "Spaces not allowed in ACL usernames";
            }
            List<String> rules;
            try {
                rules = AclRules.mergeSelectorArguments(words.subList(2, words.size()));
            } catch (AclRules.UnmatchedParenthesis e) {
                return "Unmatched parenthesis in selector definition";
            }
            User u = users.get(name);
            try {
                if (u == null) {
                    u = newUser(name);
                    users.put(name, u);
                } else {
                    AclRules.apply(u, "reset", index, allChannelsDefault);
                }
            } catch (AclRuleException e) {
                throw new IllegalStateException(e);
            }
            for (String rule : rules) {
                try {
                    AclRules.apply(u, rule, index, allChannelsDefault);
                } catch (AclRuleException e) {
                    return "Error loading ACL rule '" + rule + "' for the user named '" + name + "': "
                            + e.getMessage();
                }
            }
        }
        return null;
    }

    /**
     * ACLLoadFromFile: all or nothing. Returns null on success, else the error line Redis replies.
     * The default user object is kept and updated in place.
     */
    public String loadFromFile(String filename) {
        String content;
        try {
            content = new String(Files.readAllBytes(Path.of(filename)), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return "Error loading ACLs, opening file '" + filename + "': No such file or directory";
        } catch (AccessDeniedException e) {
            return "Error loading ACLs, opening file '" + filename + "': Permission denied";
        } catch (IOException e) {
            return "Error loading ACLs, opening file '" + filename + "': " + e.getMessage();
        }
        String[] lines = content.split("\n", -1);
        StringBuilder errors = new StringBuilder();
        TreeMap<String, User> loaded = new TreeMap<>();
        for (int i = 0; i < lines.length; i++) {
            int linenum = i + 1;
            String line = strip(lines[i], " \t\r\n");
            if (line.isEmpty()) {
                continue;
            }
            List<String> argv = new ArrayList<>(Arrays.asList(line.split(" ", -1)));
            if (!argv.get(0).equals("user") || argv.size() < 2) {
                errors.append(filename).append(':').append(linenum)
                        .append(" should start with user keyword followed by the username. ");
                continue;
            }
            String name = argv.get(1);
            if (AclText.hasSpaces(name)) {
                errors.append('\'').append(filename).append(':').append(linenum).append(": username '")
                        .append(name).append("' contains invalid characters. ");
                continue;
            }
            if (loaded.containsKey(name)) {
                errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(linenum)
                        .append(". ");
                continue;
            }
            User u = newUser(name);
            loaded.put(name, u);
            List<String> rules;
            try {
                rules = AclRules.mergeSelectorArguments(argv.subList(2, argv.size()));
            } catch (AclRules.UnmatchedParenthesis e) {
                errors.append(filename).append(':').append(linenum)
                        .append(": Unmatched parenthesis in selector definition.");
                continue;
            }
            for (String rule : rules) {
                try {
                    AclRules.apply(u, strip(rule, "\t\r\n"), index, allChannelsDefault);
                } catch (AclRuleException e) {
                    errors.append(filename).append(':').append(linenum).append(": ").append(e.getMessage())
                            .append(". ");
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
            return errors.toString();
        }
        User newDefault = loaded.get(DEFAULT);
        if (newDefault == null) {
            newDefault = createDefaultUser();
        }
        defaultUser.copyFrom(newDefault);
        loaded.put(DEFAULT, defaultUser);
        users = loaded;
        return null;
    }

    private static String strip(String s, String chars) {
        int start = 0;
        int end = s.length();
        while (start < end && chars.indexOf(s.charAt(start)) >= 0) {
            start++;
        }
        while (end > start && chars.indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(start, end);
    }

    /** The ACL LIST lines, also the ACL file content. */
    public List<String> describeAll() {
        List<String> out = new ArrayList<>();
        for (User u : users.values()) {
            out.add("user " + u.name() + " " + AclRules.describeUser(u, index));
        }
        return out;
    }

    /** ACLSaveToFile: via a temp file renamed over the target. */
    public boolean saveToFile(String filename) {
        StringBuilder sb = new StringBuilder();
        for (String line : describeAll()) {
            sb.append(line).append('\n');
        }
        Path target = Path.of(filename);
        Path tmp = Path.of(filename + ".tmp-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis());
        try {
            Files.write(tmp, sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // best effort, as Redis's unlink
            }
            return false;
        }
    }
}
