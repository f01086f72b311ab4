package io.mnemos.command;

import io.mnemos.acl.AclLog;
import io.mnemos.acl.AclSelector;
import io.mnemos.acl.AclStore;
import io.mnemos.acl.AclText;
import io.mnemos.acl.User;
import io.mnemos.server.Client;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The dispatcher's ACL check (processCommand's ACLCheckAllPerm), driven by the command table:
 * the command's id and categories, its key specs with their read/write flags, and the channel
 * arguments of PUBLISH/SUBSCRIBE. Users allowed everything never get here (fast path).
 */
public final class AclGuard {
    static final String DENIED_KEY = "NOPERM this user has no permissions to access one of the keys used as arguments";
    static final String DENIED_CHANNEL =
            "NOPERM this user has no permissions to access one of the channels used as arguments";

    private AclGuard() {
    }

    /** The keys of a command line with the permissions each needs: Redis's getKeysFromCommandWithSpecs. */
    static int[] keys(CommandSpec cmd, byte[][] argv) {
        CommandMetadata.Node specs = CommandIntrospection.keySpecs(cmd);
        boolean hasKeys = cmd.has(CommandFlag.MOVABLEKEYS);
        for (CommandMetadata.Node spec : specs.items()) {
            CommandMetadata.Node flags = spec.get("flags");
            boolean notKey = false;
            if (flags != null) {
                for (CommandMetadata.Node f : flags.items()) {
                    notKey |= f.text().equalsIgnoreCase("not_key");
                }
            }
            hasKeys |= !notKey;
        }
        if (!hasKeys) {
            return null;
        }
        List<CommandIntrospection.KeyRef> refs = CommandIntrospection.keysOf(cmd, specs, argv);
        int[] out = new int[refs.size() * 2];
        int i = 0;
        for (CommandIntrospection.KeyRef ref : refs) {
            int needed = 0;
            for (String flag : ref.flags()) {
                switch (flag.toLowerCase(Locale.ROOT)) {
                    case "access" -> needed |= AclSelector.READ;
                    case "insert", "delete", "update" -> needed |= AclSelector.WRITE;
                    default -> {
                    }
                }
            }
            out[i++] = ref.pos();
            out[i++] = needed;
        }
        return out;
    }

    /**
     * Checks a command about to run for a restricted user. Returns null when allowed; otherwise
     * logs the denial in ACL LOG and returns processCommand's NOPERM error.
     */
    static String check(Client c, CommandSpec spec, byte[][] argv) {
        int reason = denial(c, c, spec, argv, c.inMulti() ? AclLog.CONTEXT_MULTI : AclLog.CONTEXT_TOPLEVEL);
        return switch (reason) {
            case ALLOWED -> null;
            case AclStore.DENIED_CMD -> "NOPERM this user has no permissions to run the '" + spec.fullName() + "' command";
            case AclStore.DENIED_KEY -> DENIED_KEY;
            case AclStore.DENIED_CHANNEL -> DENIED_CHANNEL;
            default -> "no permission";
        };
    }

    /**
     * scriptVerifyACL: a command called by a script runs with the caller's permissions; null when
     * allowed, otherwise the denial is logged with the "lua" context and script.c's text returned.
     * The entry's client-info is the caller's (addACLLogEntry swaps the script client for
     * server.script_caller), so it shows the EVAL or FCALL, not the script's fake client.
     */
    public static String scriptDenied(Client luaClient, Client caller, CommandSpec spec, byte[][] argv) {
        return switch (denial(luaClient, caller, spec, argv, AclLog.CONTEXT_LUA)) {
            case ALLOWED -> null;
            case AclStore.DENIED_CMD -> "The user executing the script can't run this command or subcommand";
            case AclStore.DENIED_KEY ->
                    "The user executing the script can't access at least one of the keys mentioned in the command arguments";
            case AclStore.DENIED_CHANNEL ->
                    "The user executing the script can't publish to the channel mentioned in the command";
            default -> "The user executing the script is lacking the permissions for the command";
        };
    }

    /** execCommand's re-check of a queued command; null when still allowed. */
    static String execDenied(Client c, CommandSpec spec, byte[][] argv) {
        String why = switch (denial(c, c, spec, argv, AclLog.CONTEXT_MULTI)) {
            case ALLOWED -> null;
            case AclStore.DENIED_CMD -> "no permission to execute the command or subcommand";
            case AclStore.DENIED_KEY -> "no permission to touch the specified keys";
            case AclStore.DENIED_CHANNEL -> "no permission to access one of the channels used as arguments";
            default -> "no permission";
        };
        return why == null ? null
                : "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. "
                + "This command is no longer allowed for the following reason: " + why;
    }

    private static final int ALLOWED = -1;

    /**
     * ACLCheckAllPerm for the client's user: {@link #ALLOWED}, or the AclStore.DENIED_* reason after
     * recording the denial in ACL LOG with {@code context} and {@code reported}'s CLIENT LIST line.
     */
    private static int denial(Client c, Client reported, CommandSpec spec, byte[][] argv, int context) {
        User u = c.aclUser();
        if (u == null || u.unrestricted()) {
            return ALLOWED;
        }
        long result = c.server().acl().check(u, spec, argv, AclGuard::keys);
        if (result == AclStore.OK) {
            return ALLOWED;
        }
        int reason = (int) (result >>> 32);
        c.setRequest(argv, spec);
        log(reported, reason, context, objectOf(reason, spec, argv, (int) result), u.name());
        return reason;
    }

    private static byte[] objectOf(int reason, CommandSpec spec, byte[][] argv, int pos) {
        return reason == AclStore.DENIED_CMD ? AclText.bytes(spec.fullName()) : argv[pos];
    }

    /** addACLLogEntry with the client's CLIENT LIST line. */
    public static void log(Client c, int reason, int context, byte[] object, String username) {
        AclStore acl = c.server().acl();
        acl.log().add(reason, context, object, username, ClientCommands.infoString(c, c), System.currentTimeMillis(),
                acl.logMaxLen);
    }

    /**
     * ACLFreeUserAndKillClients for every user no longer registered (ACL DELUSER, ACL LOAD): their
     * clients fall back to the unauthenticated default user and are closed, the current one after
     * its reply.
     */
    public static void killClientsOfRemovedUsers(Client current) {
        AclStore acl = current.server().acl();
        for (Client other : new ArrayList<>(current.server().clients().all())) {
            User u = other.aclUser();
            if (u == null || acl.user(u.name()) == u) {
                continue;
            }
            other.aclUser(acl.defaultUser());
            other.authenticated(false);
            if (other == current) {
                other.closeAfterReply();
            } else {
                other.server().clients().remove(other);
                other.server().dispatcher().forget(other);
                other.closeAsap();
            }
        }
        if (current.aclUser() != null && acl.user(current.aclUser().name()) != current.aclUser()) {
            current.aclUser(acl.defaultUser());
            current.authenticated(false);
            current.closeAfterReply();
        }
    }
}
