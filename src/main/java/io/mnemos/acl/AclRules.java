package io.mnemos.acl;

import io.mnemos.protocol.InlineSplitter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * ACL rule parsing and description as acl.c does it: ACLSetUser, ACLSetSelector,
 * ACLMergeSelectorArguments and ACLDescribeUser with its category "best fit" command rules.
 */
public final class AclRules {
    private AclRules() {
    }

    /** ACLHashPassword: SHA-256 as lowercase hex. */
    public static String hash(byte[] password) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(password);
            StringBuilder sb = new StringBuilder(64);
            for (byte b : digest) {
                sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return sb.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean validHash(String h) {
        if (h.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = h.charAt(i);
            if ((c < 'a' || c > 'f') && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** Thrown by {@link #mergeSelectorArguments} with the index of the unmatched "(" argument. */
    public static final class UnmatchedParenthesis extends Exception {
        public final int index;

        UnmatchedParenthesis(int index) {
            super(null, null, false, false);
            this.index = index;
        }
    }

    /** ACLMergeSelectorArguments: "(" ... ")" spread over several arguments become one. */
    public static List<String> mergeSelectorArguments(List<String> args) throws UnmatchedParenthesis {
        List<String> merged = new ArrayList<>();
        int openStart = -1;
        StringBuilder selector = null;
        for (int j = 0; j < args.size(); j++) {
            String op = args.get(j);
            if (!op.isEmpty() && op.charAt(0) == '(' && op.charAt(op.length() - 1) != ')') {
                selector = new StringBuilder(op);
                openStart = j;
                continue;
            }
            if (openStart != -1) {
                selector.append(' ').append(op);
                if (!op.isEmpty() && op.charAt(op.length() - 1) == ')') {
                    openStart = -1;
                    merged.add(selector.toString());
                }
                continue;
            }
            merged.add(op);
        }
        if (openStart != -1) {
            throw new UnmatchedParenthesis(openStart);
        }
        return merged;
    }

    /** ACLSetUser. */
    public static void apply(User u, String op, CommandIndex index, boolean allChannelsDefault) throws AclRuleException {
        try {
            applyUnrefreshed(u, op, index, allChannelsDefault);
        } finally {
            u.refresh();
        }
    }

    private static void applyUnrefreshed(User u, String op, CommandIndex index, boolean allChannelsDefault)
            throws AclRuleException {
        if (op.isEmpty()) {
            return;
        }
        if (op.equalsIgnoreCase("on")) {
            u.enabled = true;
        } else if (op.equalsIgnoreCase("off")) {
            u.enabled = false;
        } else if (op.equalsIgnoreCase("skip-sanitize-payload")) {
            u.skipSanitizePayload = true;
            u.sanitizePayload = false;
        } else if (op.equalsIgnoreCase("sanitize-payload")) {
            u.skipSanitizePayload = false;
            u.sanitizePayload = true;
        } else if (op.equalsIgnoreCase("nopass")) {
            u.nopass = true;
            u.passwords.clear();
        } else if (op.equalsIgnoreCase("resetpass")) {
            u.nopass = false;
            u.passwords.clear();
        } else if (op.charAt(0) == '>' || op.charAt(0) == '#') {
            String hash;
            if (op.charAt(0) == '>') {
                hash = hash(AclText.bytes(op.substring(1)));
            } else {
                hash = op.substring(1);
                if (!validHash(hash)) {
                    throw new AclRuleException(AclRuleException.BAD_HASH);
                }
            }
            if (!u.passwords.contains(hash)) {
                u.passwords.add(hash);
            }
            u.nopass = false;
        } else if (op.charAt(0) == '<' || op.charAt(0) == '!') {
            String hash;
            if (op.charAt(0) == '<') {
                hash = hash(AclText.bytes(op.substring(1)));
            } else {
                hash = op.substring(1);
                if (!validHash(hash)) {
                    throw new AclRuleException(AclRuleException.BAD_HASH);
                }
            }
            if (!u.passwords.remove(hash)) {
                throw new AclRuleException(AclRuleException.NO_SUCH_PASSWORD);
            }
        } else if (op.charAt(0) == '(' && op.charAt(op.length() - 1) == ')') {
            AclSelector s = new AclSelector(false, allChannelsDefault);
            byte[][] parts = InlineSplitter.split(AclText.bytes(op.substring(1, Math.max(1, op.length() - 1))));
            if (parts == null) {
                throw new AclRuleException(AclRuleException.SYNTAX);
            }
            for (byte[] part : parts) {
                applySelector(s, AclText.str(part), index);
            }
            u.selectors.add(s);
        } else if (op.equalsIgnoreCase("clearselectors")) {
            AclSelector root = u.root();
            u.selectors.clear();
            u.selectors.add(root);
        } else if (op.equalsIgnoreCase("reset")) {
            apply(u, "resetpass", index, allChannelsDefault);
            apply(u, "resetkeys", index, allChannelsDefault);
            apply(u, "resetchannels", index, allChannelsDefault);
            if (allChannelsDefault) {
                apply(u, "allchannels", index, allChannelsDefault);
            }
            apply(u, "off", index, allChannelsDefault);
            apply(u, "sanitize-payload", index, allChannelsDefault);
            apply(u, "clearselectors", index, allChannelsDefault);
            apply(u, "-@all", index, allChannelsDefault);
        } else {
            applySelector(u.root(), op, index);
        }
    }

    /** ACLSetSelector. */
    static void applySelector(AclSelector s, String op, CommandIndex index) throws AclRuleException {
        if (op.equalsIgnoreCase("allkeys") || op.equals("~*")) {
            s.allKeys = true;
            s.patterns.clear();
        } else if (op.equalsIgnoreCase("resetkeys")) {
            s.allKeys = false;
            s.patterns.clear();
        } else if (op.equalsIgnoreCase("allchannels") || op.equals("&*")) {
            s.allChannels = true;
            s.channels.clear();
        } else if (op.equalsIgnoreCase("resetchannels")) {
            s.allChannels = false;
            s.channels.clear();
        } else if (op.equalsIgnoreCase("allcommands") || op.equalsIgnoreCase("+@all")) {
            s.setAll(index, true);
        } else if (op.equalsIgnoreCase("nocommands") || op.equalsIgnoreCase("-@all")) {
            s.setAll(index, false);
        } else if (!op.isEmpty() && (op.charAt(0) == '~' || op.charAt(0) == '%')) {
            if (s.allKeys) {
                throw new AclRuleException(AclRuleException.KEYS_AFTER_ALL);
            }
            int flags = 0;
            int offset = 1;
            if (op.charAt(0) == '%') {
                for (; offset < op.length(); offset++) {
                    char ch = Character.toUpperCase(op.charAt(offset));
                    if (ch == 'R' && (flags & AclSelector.READ) == 0) {
                        flags |= AclSelector.READ;
                    } else if (ch == 'W' && (flags & AclSelector.WRITE) == 0) {
                        flags |= AclSelector.WRITE;
                    } else if (op.charAt(offset) == '~') {
                        offset++;
                        break;
                    } else {
                        throw new AclRuleException(AclRuleException.SYNTAX);
                    }
                }
                if (flags == 0) {
                    throw new AclRuleException(AclRuleException.SYNTAX);
                }
            } else {
                flags = AclSelector.ALL;
            }
            String pattern = op.substring(Math.min(offset, op.length()));
            if (AclText.hasSpaces(pattern)) {
                throw new AclRuleException(AclRuleException.SYNTAX);
            }
            AclSelector.KeyPattern existing = null;
            for (AclSelector.KeyPattern p : s.patterns) {
                if (p.pattern.equals(pattern)) {
                    existing = p;
                    break;
                }
            }
            if (existing == null) {
                s.patterns.add(new AclSelector.KeyPattern(pattern, flags));
            } else {
                existing.flags |= flags;
            }
            s.allKeys = false;
        } else if (!op.isEmpty() && op.charAt(0) == '&') {
            if (s.allChannels) {
                throw new AclRuleException(AclRuleException.CHANNELS_AFTER_ALL);
            }
            String pattern = op.substring(1);
            if (AclText.hasSpaces(pattern)) {
                throw new AclRuleException(AclRuleException.SYNTAX);
            }
            if (!s.channels.contains(pattern)) {
                s.channels.add(pattern);
            }
            s.allChannels = false;
        } else if (op.length() >= 1 && op.charAt(0) == '+' && !(op.length() > 1 && op.charAt(1) == '@')) {
            String name = op.substring(1);
            int bar = name.lastIndexOf('|');
            if (bar < 0) {
                CommandIndex.Entry cmd = index.lookup(name);
                if (cmd == null) {
                    throw new AclRuleException(AclRuleException.UNKNOWN);
                }
                s.changePerm(cmd, true);
            } else {
                String base = name.substring(0, bar);
                String sub = name.substring(bar + 1);
                CommandIndex.Entry cmd = index.lookup(base);
                if (cmd == null) {
                    throw new AclRuleException(AclRuleException.UNKNOWN);
                }
                if (cmd.parent() != null) {
                    throw new AclRuleException(AclRuleException.FIRSTARG_OF_SUB);
                }
                if (sub.isEmpty()) {
                    throw new AclRuleException(AclRuleException.SYNTAX);
                }
                if (cmd.isContainer()) {
                    CommandIndex.Entry subCmd = index.lookup(name);
                    if (subCmd == null) {
                        throw new AclRuleException(AclRuleException.UNKNOWN);
                    }
                    s.changePerm(subCmd, true);
                } else {
                    s.addFirstArg(cmd.id(), sub);
                }
            }
        } else if (op.length() >= 1 && op.charAt(0) == '-' && !(op.length() > 1 && op.charAt(1) == '@')) {
            CommandIndex.Entry cmd = index.lookup(op.substring(1));
            if (cmd == null) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            s.changePerm(cmd, false);
        } else if (op.length() >= 2 && (op.charAt(0) == '+' || op.charAt(0) == '-') && op.charAt(1) == '@') {
            long flag = CommandIndex.categoryFlag(op.substring(2));
            if (flag == 0) {
                throw new AclRuleException(AclRuleException.UNKNOWN);
            }
            s.setCategory(index, flag, op.charAt(0) == '+');
        } else {
            throw new AclRuleException(AclRuleException.SYNTAX);
        }
    }

    // ---- description ---------------------------------------------------------------------------

    /** ACLDescribeUser: the rules after "user <name> " in ACL LIST and the ACL file. */
    public static String describeUser(User u, CommandIndex index) {
        StringBuilder res = new StringBuilder();
        if (u.enabled) {
            res.append("on ");
        } else {
            res.append("off ");
        }
        if (u.nopass) {
            res.append("nopass ");
        }
        if (u.skipSanitizePayload) {
            res.append("skip-sanitize-payload ");
        }
        if (u.sanitizePayload) {
            res.append("sanitize-payload ");
        }
        for (String p : u.passwords) {
            res.append('#').append(p).append(' ');
        }
        for (AclSelector s : u.selectors) {
            String d = describeSelector(s, index);
            if (s.root) {
                res.append(d);
            } else {
                res.append(" (").append(d).append(')');
            }
        }
        return res.toString();
    }

    /** The flags ACL GETUSER lists, in ACLUserFlags order. */
    public static List<String> flags(User u) {
        List<String> flags = new ArrayList<>();
        flags.add(u.enabled ? "on" : "off");
        if (u.nopass) {
            flags.add("nopass");
        }
        if (u.skipSanitizePayload) {
            flags.add("skip-sanitize-payload");
        }
        if (u.sanitizePayload) {
            flags.add("sanitize-payload");
        }
        return flags;
    }

    static String describeSelector(AclSelector s, CommandIndex index) {
        StringBuilder res = new StringBuilder();
        if (s.allKeys) {
            res.append("~* ");
        } else {
            for (AclSelector.KeyPattern p : s.patterns) {
                res.append(p.describe()).append(' ');
            }
        }
        if (s.allChannels) {
            res.append("&* ");
        } else {
            res.append("resetchannels ");
            for (String c : s.channels) {
                res.append('&').append(c).append(' ');
            }
        }
        res.append(describeCommandRules(s, index));
        return res.toString();
    }

    /** GETUSER's "keys" value. */
    public static String describeKeys(AclSelector s) {
        if (s.allKeys) {
            return "~*";
        }
        StringBuilder sb = new StringBuilder();
        for (AclSelector.KeyPattern p : s.patterns) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(p.describe());
        }
        return sb.toString();
    }

    /** GETUSER's "channels" value. */
    public static String describeChannels(AclSelector s) {
        if (s.allChannels) {
            return "&*";
        }
        StringBuilder sb = new StringBuilder();
        for (String c : s.channels) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append('&').append(c);
        }
        return sb.toString();
    }

    private static long[] countCategory(AclSelector s, CommandIndex index, long flag) {
        long on = 0;
        long off = 0;
        for (int id = 0; id < index.size(); id++) {
            if ((index.categoryMask(id) & flag) != 0) {
                if (s.allowed.get(id)) {
                    on++;
                } else {
                    off++;
                }
            }
        }
        return new long[]{on, off};
    }

    /** ACLDescribeSelectorCommandRules: +@all or -@all, best-fitting categories, then single commands. */
    public static String describeCommandRules(AclSelector selector, CommandIndex index) {
        StringBuilder rules = new StringBuilder();
        AclSelector fake = new AclSelector(false, false);
        boolean additive;
        if (selector.future) {
            additive = false;
            rules.append("+@all ");
            fake.setAll(index, true);
        } else {
            additive = true;
            rules.append("-@all ");
            fake.setAll(index, false);
        }
        AclSelector temp = new AclSelector(false, false);
        temp.allowed = (java.util.BitSet) selector.allowed.clone();
        int categories = CommandIndex.CATEGORIES.size();
        boolean[] applied = new boolean[categories];
        while (true) {
            int best = -1;
            long mindiff = Integer.MAX_VALUE;
            long maxsame = 0;
            for (int j = 0; j < categories; j++) {
                if (applied[j]) {
                    continue;
                }
                long[] counts = countCategory(temp, index, 1L << j);
                long diff = additive ? counts[1] : counts[0];
                long same = additive ? counts[0] : counts[1];
                if (same > diff && (diff < mindiff || (diff == mindiff && same > maxsame))) {
                    best = j;
                    mindiff = diff;
                    maxsame = same;
                }
            }
            if (best == -1) {
                break;
            }
            fake.setCategory(index, 1L << best, additive);
            temp.setCategory(index, 1L << best, !additive);
            rules.append(additive ? "+@" : "-@").append(CommandIndex.CATEGORIES.get(best)).append(' ');
            applied[best] = true;
        }
        singleCommands(selector, fake, rules, index, index.commands());
        rules.setLength(rules.length() - 1);
        return rules.toString();
    }

    private static void singleCommands(AclSelector selector, AclSelector fake, StringBuilder rules,
                                       CommandIndex index, java.util.Collection<CommandIndex.Entry> commands) {
        for (CommandIndex.Entry cmd : commands) {
            int id = cmd.id();
            boolean userBit = selector.allowed.get(id);
            boolean fakeBit = fake.allowed.get(id);
            if (userBit != fakeBit) {
                rules.append(userBit ? '+' : '-').append(cmd.fullName()).append(' ');
                fake.changePerm(cmd, userBit);
            }
            if (!cmd.subs().isEmpty()) {
                singleCommands(selector, fake, rules, index, cmd.subs());
            }
            if (!userBit && selector.firstArgs != null && selector.firstArgs.get(id) != null) {
                for (String arg : selector.firstArgs.get(id)) {
                    rules.append('+').append(cmd.fullName()).append('|').append(arg).append(' ');
                }
            }
        }
    }
}
