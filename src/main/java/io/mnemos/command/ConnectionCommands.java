package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Server;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.mnemos.command.CommandFlag.ALLOW_BUSY;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_AUTH;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Connection commands: PING, ECHO, SELECT, AUTH, HELLO, RESET, QUIT (answered by the
 * dispatcher). Texts and checks follow Redis 7.0.15's server.c/networking.c/acl.c.
 */
public final class ConnectionCommands implements CommandFamily {
    static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
    static final String DEFAULT_USER = "default";
    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("ping", -1).flags(FAST).group("connection").since("1.0.0")
                        .summary("Ping the server").complexity("O(1)").handler(ConnectionCommands::ping).build(),
                command("echo", 2).flags(FAST, STALE, LOADING).group("connection").since("1.0.0")
                        .summary("Echo the given string").complexity("O(1)")
                        .handler(c -> c.reply().bulk(c.arg(1))).build(),
                command("select", 2).flags(FAST, STALE, LOADING).group("connection").since("1.0.0")
                        .summary("Change the selected database for the current connection").complexity("O(1)")
                        .handler(ConnectionCommands::select).build(),
                command("auth", -2).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                        .group("connection").since("1.0.0").summary("Authenticate to the server")
                        .complexity("O(N) where N is the number of passwords defined for the user")
                        .handler(ConnectionCommands::auth).build(),
                command("hello", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                        .group("connection").since("6.0.0").summary("Handshake with Redis").complexity("O(1)")
                        .handler(ConnectionCommands::hello).build(),
                command("reset", 1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                        .group("connection").since("6.2.0").summary("Reset the connection").complexity("O(1)")
                        .handler(ConnectionCommands::reset).build(),
                // The dispatcher answers QUIT before any lookup; the entry gives COMMAND, ACL and
                // scripts (NOSCRIPT) what Redis's table does.
                command("quit", -1).flags(NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY)
                        .group("connection").since("1.0.0")
                        .handler(c -> {
                            c.reply().ok();
                            c.closeAfterReply();
                        }).build());
    }

    private static void ping(Client c) {
        if (c.argc() > 2) {
            throw CommandError.err("wrong number of arguments for 'ping' command");
        }
        if (c.protocol() == 2 && c.server().pubsub().subscribed(c)) {
            // Subscribed RESP2 clients get PING's answer in the shape of a message.
            c.reply().arrayHeader(2);
            c.reply().bulk("pong");
            c.reply().bulk(c.argc() == 2 ? c.arg(1) : new byte[0]);
        } else if (c.argc() == 2) {
            c.reply().bulk(c.arg(1));
        } else {
            c.reply().pong();
        }
    }

    private static void select(Client c) {
        int index = Args.parseInt(c.arg(1), null);
        if (index < 0 || index >= c.server().keyspace().count()) {
            throw CommandError.DB_INDEX;
        }
        c.select(index);
        c.reply().ok();
    }

    /** AUTH [username] password; the only ACL user is "default", its password is requirepass. */
    private static void auth(Client c) {
        if (c.argc() > 3) {
            throw CommandError.SYNTAX;
        }
        byte[] username;
        byte[] password;
        byte[] first = c.arg(1);
        redact(c, 1);
        if (c.argc() == 2) {
            if (c.server().acl().defaultUser().nopass()) {
                throw CommandError.err("AUTH <password> called without any password configured for the "
                        + "default user. Are you sure your configuration is correct?");
            }
            username = DEFAULT_USER.getBytes(StandardCharsets.US_ASCII);
            password = first;
        } else {
            username = first;
            password = c.arg(2);
            redact(c, 2);
        }
        if (!authenticate(c, username, password)) {
            throw new CommandError(WRONGPASS);
        }
        c.reply().ok();
    }

    /** Keeps credentials out of the slow log, as Redis's redactClientCommandArgument does. */
    private static void redact(Client c, int index) {
        c.argv()[index] = REDACTED.clone();
    }

    /** Redis's ACLAuthenticateUser: on failure the attempt goes to ACL LOG (object: the command as typed). */
    static boolean authenticate(Client c, byte[] username, byte[] password) {
        io.mnemos.acl.User u = c.server().acl().checkCredentials(username, password);
        if (u == null) {
            AclGuard.log(c, io.mnemos.acl.AclLog.REASON_AUTH,
                    c.inMulti() ? io.mnemos.acl.AclLog.CONTEXT_MULTI : io.mnemos.acl.AclLog.CONTEXT_TOPLEVEL,
                    c.arg(0).clone(), io.mnemos.acl.AclText.str(username));
            return false;
        }
        c.authenticated(true);
        c.aclUser(u);
        return true;
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]] as in Redis 7.0.15. */
    private static void hello(Client c) {
        long version = 0;
        int next = 1;
        if (c.argc() >= 2) {
            version = Args.parseLong(c.arg(next++), "Protocol version is not an integer or out of range");
            if (version < 2 || version > 3) {
                throw new CommandError("NOPROTO unsupported protocol version");
            }
        }
        byte[] username = null;
        byte[] password = null;
        byte[] clientName = null;
        for (int j = next; j < c.argc(); j++) {
            int moreArgs = c.argc() - 1 - j;
            if (Args.is(c.arg(j), "AUTH") && moreArgs >= 2) {
                username = c.arg(j + 1);
                password = c.arg(j + 2);
                redact(c, j + 1);
                redact(c, j + 2);
                j += 2;
            } else if (Args.is(c.arg(j), "SETNAME") && moreArgs > 0) {
                clientName = c.arg(j + 1);
                ClientCommands.validateName(clientName);
                j++;
            } else {
                throw CommandError.err("Syntax error in HELLO option '" + Args.text(c.arg(j)) + "'");
            }
        }
        if (username != null && !authenticate(c, username, password)) {
            throw new CommandError(WRONGPASS);
        }
        if (c.authRequired()) {
            throw new CommandError("NOAUTH HELLO must be called with the client already authenticated, "
                    + "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client "
                    + "and select the RESP protocol version at the same time");
        }
        if (clientName != null) {
            c.name(Args.text(clientName));
        }
        if (version != 0) {
            c.protocol((int) version);
        }
        var r = c.reply();
        r.mapHeader(7);
        r.bulk("server");
        r.bulk("redis");
        r.bulk("version");
        r.bulk(Server.REDIS_VERSION);
        r.bulk("proto");
        r.integer(c.protocol());
        r.bulk("id");
        r.integer(c.id());
        r.bulk("mode");
        r.bulk("standalone");
        r.bulk("role");
        r.bulk(c.server().isReplica() ? "replica" : "master");
        r.bulk("modules");
        r.emptyArray();
    }

    /**
     * RESET: Redis's clearClientConnectionState. Back to db 0, RESP2, the default user (signed out
     * when a password is required), no name, replies on; CLIENT NO-EVICT stays, as in Redis 7.0.
     */
    private static void reset(Client c) {
        boolean repliesWereOff = c.replyOff();
        TransactionCommands.discardTransaction(c);
        c.select(0);
        c.protocol(2);
        c.aclUser(c.server().acl().defaultUser());
        c.authenticated(c.server().acl().defaultAuthenticated());
        c.name("");
        c.noTouch(false);
        c.replyMode(false, false);
        c.server().pubsub().unsubscribeAll(c);
        c.server().monitors().remove(c);
        c.server().tracking().disable(c); // clearClientConnectionState turns tracking off
        if (repliesWereOff) {
            // REPLY OFF is cleared before "+RESET" is queued, so it is sent; a SKIP still drops it.
            c.reply().enabled(true);
        }
        c.reply().simple("RESET");
    }
}
