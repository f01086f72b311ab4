package io.mnemos.command;

import io.mnemos.acl.AclLog;
import io.mnemos.acl.AclRuleException;
import io.mnemos.acl.AclRules;
import io.mnemos.acl.AclSelector;
import io.mnemos.acl.AclStore;
import io.mnemos.acl.AclText;
import io.mnemos.acl.CommandIndex;
import io.mnemos.acl.User;
import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/** ACL and its subcommands, as acl.c's aclCommand in Redis 7.0.15. */
public final class AclCommands implements CommandFamily {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String NO_ACL_FILE = "This Redis instance is not configured to use an ACL file. You may want to "
            + "specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
            + "configuration file set) in order to store users in the Redis configuration.";

    @Override
    public List<CommandSpec> commands() {
        return List.of(command("acl", -2).group("server").since("6.0.0")
                .summary("A container for Access List Control commands ").complexity("Depends on subcommand.")
                .subcommand(command("cat", -2).flags(NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("List the ACL categories or the commands inside a category")
                        .complexity("O(1) since the categories and commands are a fixed set.")
                        .handler(AclCommands::cat))
                .subcommand(command("deluser", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Remove the specified ACL users and the associated rules")
                        .complexity("O(1) amortized time considering the typical user.")
                        .handler(AclCommands::deluser))
                .subcommand(command("dryrun", -4).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("7.0.0")
                        .summary("Returns whether the user can execute the given command without executing the command.")
                        .complexity("O(1).").handler(AclCommands::dryrun))
                .subcommand(command("genpass", -2).flags(NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Generate a pseudorandom secure password to use for ACL users")
                        .complexity("O(1)").handler(AclCommands::genpass))
                .subcommand(command("getuser", 3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Get the rules for a specific ACL user")
                        .complexity("O(N). Where N is the number of password, command and pattern rules that the user has.")
                        .handler(AclCommands::getuser))
                .subcommand(command("help", 2).flags(LOADING, STALE).since("6.0.0")
                        .summary("Show helpful text about the different subcommands").complexity("O(1)")
                        .handler(AclCommands::help))
                .subcommand(command("list", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("List the current ACL rules in ACL config file format")
                        .complexity("O(N). Where N is the number of configured users.")
                        .handler(AclCommands::list))
                .subcommand(command("load", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Reload the ACLs from the configured ACL file")
                        .complexity("O(N). Where N is the number of configured users.")
                        .handler(AclCommands::load))
                .subcommand(command("log", -2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("List latest events denied because of ACLs in place")
                        .complexity("O(N) with N being the number of entries shown.")
                        .handler(AclCommands::log))
                .subcommand(command("save", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Save the current ACL rules in the configured ACL file")
                        .complexity("O(N). Where N is the number of configured users.")
                        .handler(AclCommands::save))
                .subcommand(command("setuser", -3).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Modify or create the rules for a specific ACL user")
                        .complexity("O(N). Where N is the number of rules provided.")
                        .handler(AclCommands::setuser))
                .subcommand(command("users", 2).flags(ADMIN, NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("List the username of all the configured ACL rules")
                        .complexity("O(N). Where N is the number of configured users.")
                        .handler(AclCommands::users))
                .subcommand(command("whoami", 2).flags(NOSCRIPT, LOADING, STALE).since("6.0.0")
                        .summary("Return the name of the user associated to the current connection")
                        .complexity("O(1)").handler(AclCommands::whoami))
                .build());
    }

    private static AclStore acl(Client c) {
        return c.server().acl();
    }

    private static void setuser(Client c) {
        // Redacted from SLOWLOG and MONITOR before anything else, as redactClientCommandArgument.
        byte[][] argv = c.argv().clone();
        for (int j = 2; j < c.argc(); j++) {
            c.argv()[j] = "(redacted)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
        String username = AclText.str(argv[2]);
        if (AclText.hasSpaces(username)) {
            throw CommandError.err("Usernames can't contain spaces or null characters");
        }
        List<String> ops = new ArrayList<>();
        for (int i = 3; i < argv.length; i++) {
            ops.add(AclText.str(argv[i]));
        }
        List<String> rules;
        try {
            rules = AclRules.mergeSelectorArguments(ops);
        } catch (AclRules.UnmatchedParenthesis e) {
            // The first argument of the selector that was never closed.
            throw CommandError.err("Unmatched parenthesis in acl selector starting at '"
                    + AclText.str(argv[e.index + 3]) + "'.");
        }
        User staged;
        try {
            staged = acl(c).staged(username, rules);
        } catch (AclRuleException.Failed e) {
            throw CommandError.err("Error in ACL SETUSER modifier '" + e.rule + "': " + e.getMessage());
        }
        User existing = acl(c).user(username);
        if (existing != null) {
            killPubsubClientsIfNeeded(c, staged, existing);
        }
        acl(c).commit(staged);
        c.reply().ok();
    }

    /** ACLKillPubsubClientsIfNeeded: subscribers whose channels the new rules no longer allow. */
    private static void killPubsubClientsIfNeeded(Client c, User staged, User original) {
        for (AclSelector s : staged.selectors()) {
            if (s.allChannels()) {
                return;
            }
        }
        List<String> upcoming = new ArrayList<>();
        for (AclSelector s : staged.selectors()) {
            upcoming.addAll(s.channels());
        }
        boolean match = true;
        for (AclSelector s : original.selectors()) {
            for (String ch : s.channels()) {
                if (!upcoming.contains(ch)) {
                    match = false;
                }
            }
        }
        if (match) {
            return;
        }
        io.mnemos.server.PubSub pubsub = c.server().pubsub();
        for (Client other : new ArrayList<>(c.server().clients().all())) {
            if (other.aclUser() != original || !pubsub.subscribed(other)) {
                continue;
            }
            boolean kill = false;
            for (byte[] pattern : pubsub.subscriptions(other, io.mnemos.server.PubSub.Kind.PATTERN)) {
                kill |= !AclSelector.channelAllowed(upcoming, pattern, true);
            }
            for (byte[] ch : pubsub.subscriptions(other, io.mnemos.server.PubSub.Kind.CHANNEL)) {
                kill |= !AclSelector.channelAllowed(upcoming, ch, false);
            }
            for (byte[] ch : pubsub.subscriptions(other, io.mnemos.server.PubSub.Kind.SHARD)) {
                kill |= !AclSelector.channelAllowed(upcoming, ch, false);
            }
            if (kill) {
                c.server().clients().remove(other);
                c.server().dispatcher().forget(other);
                c.server().pubsub().unsubscribeAll(other);
                if (other == c) {
                    other.closeAfterReply();
                } else {
                    other.closeAsap();
                }
            }
        }
    }

    private static void deluser(Client c) {
        for (int j = 2; j < c.argc(); j++) {
            if (AclText.str(c.arg(j)).equals(AclStore.DEFAULT)) {
                throw CommandError.err("The 'default' user cannot be removed");
            }
        }
        int deleted = 0;
        for (int j = 2; j < c.argc(); j++) {
            if (acl(c).delete(AclText.str(c.arg(j))) != null) {
                deleted++;
            }
        }
        AclGuard.killClientsOfRemovedUsers(c);
        c.reply().integer(deleted);
    }

    private static void getuser(Client c) {
        User u = acl(c).user(AclText.str(c.arg(2)));
        ReplyWriter w = c.reply();
        if (u == null) {
            w.nullBulk();
            return;
        }
        CommandIndex index = acl(c).index();
        w.mapHeader(6);
        w.bulk("flags");
        List<String> flags = AclRules.flags(u);
        w.setHeader(flags.size());
        flags.forEach(w::bulk);
        w.bulk("passwords");
        w.arrayHeader(u.passwords().size());
        u.passwords().forEach(w::bulk);
        selectorDescription(w, u.root(), index);
        w.bulk("selectors");
        w.arrayHeader(u.selectors().size() - 1);
        for (AclSelector s : u.selectors().subList(1, u.selectors().size())) {
            w.mapHeader(3);
            selectorDescription(w, s, index);
        }
    }

    private static void selectorDescription(ReplyWriter w, AclSelector s, CommandIndex index) {
        w.bulk("commands");
        w.bulk(AclText.bytes(AclRules.describeCommandRules(s, index)));
        w.bulk("keys");
        w.bulk(AclText.bytes(AclRules.describeKeys(s)));
        w.bulk("channels");
        w.bulk(AclText.bytes(AclRules.describeChannels(s)));
    }

    private static void list(Client c) {
        List<String> lines = acl(c).describeAll();
        c.reply().arrayHeader(lines.size());
        for (String line : lines) {
            c.reply().bulk(AclText.bytes(line));
        }
    }

    private static void users(Client c) {
        c.reply().arrayHeader(acl(c).users().size());
        for (User u : acl(c).users()) {
            c.reply().bulk(AclText.bytes(u.name()));
        }
    }

    private static void whoami(Client c) {
        c.reply().bulk(AclText.bytes(c.aclUser().name()));
    }

    private static String aclfile(Client c) {
        String file = c.server().config().aclfile;
        if (file.isEmpty()) {
            throw CommandError.err(NO_ACL_FILE);
        }
        return file;
    }

    private static void load(Client c) {
        String errors = acl(c).loadFromFile(aclfile(c));
        if (errors != null) {
            throw CommandError.err(errors);
        }
        AclGuard.killClientsOfRemovedUsers(c);
        c.reply().ok();
    }

    private static void save(Client c) {
        if (!acl(c).saveToFile(aclfile(c))) {
            throw CommandError.err("There was an error trying to save the ACLs. Please check the server logs for "
                    + "more information");
        }
        c.reply().ok();
    }

    private static void cat(Client c) {
        ReplyWriter w = c.reply();
        if (c.argc() == 2) {
            w.arrayHeader(CommandIndex.CATEGORIES.size());
            CommandIndex.CATEGORIES.forEach(w::bulk);
            return;
        }
        if (c.argc() != 3) {
            throw CommandError.subcommandSyntax(c);
        }
        long flag = CommandIndex.categoryFlag(AclText.str(c.arg(2)));
        if (flag == 0) {
            String name = AclText.str(c.arg(2));
            throw CommandError.err("Unknown category '" + (name.length() > 128 ? name.substring(0, 128) : name) + "'");
        }
        CommandIndex index = acl(c).index();
        List<String> names = new ArrayList<>();
        for (int id = 0; id < index.size(); id++) {
            if ((index.categoryMask(id) & flag) != 0) {
                names.add(index.entry(id).fullName());
            }
        }
        w.arrayHeader(names.size());
        names.forEach(w::bulk);
    }

    private static void genpass(Client c) {
        if (c.argc() > 3) {
            throw CommandError.subcommandSyntax(c);
        }
        long bits = 256;
        if (c.argc() == 3) {
            bits = Args.parseLong(c.arg(2), "value is not an integer or out of range");
        }
        if (bits <= 0 || bits > 4096) {
            throw CommandError.err("ACL GENPASS argument must be the number of bits for the output password, "
                    + "a positive number up to 4096");
        }
        int chars = (int) ((bits + 3) / 4);
        StringBuilder sb = new StringBuilder(chars);
        for (int i = 0; i < chars; i++) {
            sb.append(Character.forDigit(RANDOM.nextInt(16), 16));
        }
        c.reply().bulk(sb.toString());
    }

    private static void log(Client c) {
        if (c.argc() > 3) {
            throw CommandError.subcommandSyntax(c);
        }
        long count = 10;
        AclLog log = acl(c).log();
        if (c.argc() == 3) {
            if (Args.is(c.arg(2), "reset")) {
                log.reset();
                c.reply().ok();
                return;
            }
            count = Args.parseLong(c.arg(2), "value is not an integer or out of range");
            if (count < 0) {
                count = 0;
            }
        }
        List<AclLog.Entry> entries = log.newest(count);
        ReplyWriter w = c.reply();
        long now = System.currentTimeMillis();
        w.arrayHeader(entries.size());
        for (AclLog.Entry e : entries) {
            w.mapHeader(7);
            w.bulk("count");
            w.integer(e.count());
            w.bulk("reason");
            w.bulk(e.reason());
            w.bulk("context");
            w.bulk(e.context());
            w.bulk("object");
            w.bulk(e.object());
            w.bulk("username");
            w.bulk(AclText.bytes(e.username()));
            w.bulk("age-seconds");
            w.doubleValue((double) (now - e.ctime()) / 1000);
            w.bulk("client-info");
            w.bulk(e.clientInfo());
        }
    }

    private static void dryrun(Client c) {
        User u = acl(c).user(AclText.str(c.arg(2)));
        if (u == null) {
            throw CommandError.err("User '" + AclText.str(c.arg(2)) + "' not found");
        }
        byte[][] argv = Arrays.copyOfRange(c.argv(), 3, c.argc());
        CommandSpec cmd = resolveOriginal(c, argv);
        if (cmd == null) {
            throw CommandError.err("Command '" + AclText.str(c.arg(3)) + "' not found");
        }
        if (!cmd.arityMatches(argv.length)) {
            throw CommandError.err("wrong number of arguments for '" + cmd.fullName() + "' command");
        }
        long result = acl(c).check(u, cmd, argv, AclGuard::keys);
        if (result == AclStore.OK) {
            c.reply().ok();
            return;
        }
        int reason = (int) (result >>> 32);
        int pos = (int) result;
        String message = switch (reason) {
            case AclStore.DENIED_CMD -> "This user has no permissions to run the '" + cmd.fullName() + "' command";
            case AclStore.DENIED_KEY -> "This user has no permissions to access the '" + AclText.str(argv[pos]) + "' key";
            default -> "This user has no permissions to access the '" + AclText.str(argv[pos]) + "' channel";
        };
        c.reply().bulk(AclText.bytes(message));
    }

    /** lookupCommand on the live table (renamed commands under their new names). */
    private static CommandSpec resolveOriginal(Client c, byte[][] argv) {
        return c.server().commandTable().resolve(argv);
    }

    private static void help(Client c) {
        CommandIntrospection.help(c, "ACL", new String[]{
                "CAT [<category>]",
                "    List all commands that belong to <category>, or all command categories",
                "    when no category is specified.",
                "DELUSER <username> [<username> ...]",
                "    Delete a list of users.",
                "DRYRUN <username> <command> [<arg> ...]",
                "    Returns whether the user can execute the given command without executing the command.",
                "GETUSER <username>",
                "    Get the user's details.",
                "GENPASS [<bits>]",
                "    Generate a secure 256-bit user password. The optional `bits` argument can",
                "    be used to specify a different size.",
                "LIST",
                "    Show users details in config file format.",
                "LOAD",
                "    Reload users from the ACL file.",
                "LOG [<count> | RESET]",
                "    Show the ACL log entries.",
                "SAVE",
                "    Save the current config to the ACL file.",
                "SETUSER <username> <attribute> [<attribute> ...]",
                "    Create or modify a user with the specified attributes.",
                "USERS",
                "    List all the registered usernames.",
                "WHOAMI",
                "    Return the current connection username."});
    }
}
