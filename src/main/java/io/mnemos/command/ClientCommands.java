package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Tracking;
import io.mnemos.util.Sds;
import io.netty.channel.Channel;
import io.netty.channel.unix.UnixChannel;

import java.util.ArrayList;
import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * CLIENT and its subcommands, as Redis 7.0.15's clientCommand (networking.c). One deliberate
 * addition: CLIENT SETINFO from Redis 7.2, because Jedis and Lettuce send it on connect.
 */
public final class ClientCommands implements CommandFamily {
    private static final String[] HELP = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    };

    /** Client types of getClientTypeByName; only NORMAL clients exist in Mnemos for now. */
    private static final int TYPE_NORMAL = 0;
    private static final int TYPE_REPLICA = 1;
    private static final int TYPE_PUBSUB = 2;
    private static final int TYPE_MASTER = 3;

    @Override
    public List<CommandSpec> commands() {
        return List.of(command("client", -2).group("connection").since("2.4.0")
                .summary("A container for client connection commands").complexity("Depends on subcommand.")
                .subcommand(sub("caching", 3, false).since("6.0.0")
                        .summary("Instruct the server about tracking or not keys in the next request")
                        .handler(ClientCommands::caching))
                .subcommand(sub("getname", 2, false).since("2.6.9").summary("Get the current connection name")
                        .handler(ClientCommands::getname))
                .subcommand(sub("getredir", 2, false).since("6.0.0")
                        .summary("Get tracking notifications redirection client ID if any")
                        .handler(c -> c.reply().integer(c.tracking() == null ? -1 : c.tracking().redirect())))
                .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0").complexity("O(1)")
                        .summary("Show helpful text about the different subcommands").handler(ClientCommands::help))
                .subcommand(sub("id", 2, false).since("5.0.0").summary("Returns the client ID for the current connection")
                        .handler(c -> c.reply().integer(c.id())))
                .subcommand(sub("info", 2, false).since("6.2.0")
                        .summary("Returns information about the current client connection.")
                        .handler(ClientCommands::info))
                .subcommand(sub("kill", -3, true).since("2.4.0").summary("Kill the connection of a client")
                        .complexity("O(N) where N is the number of client connections").handler(ClientCommands::kill))
                .subcommand(sub("list", -2, true).since("2.4.0").summary("Get the list of client connections")
                        .complexity("O(N) where N is the number of client connections").handler(ClientCommands::list))
                .subcommand(sub("no-evict", 3, true).since("7.0.0")
                        .summary("Set client eviction mode for the current connection").handler(ClientCommands::noEvict))
                .subcommand(sub("pause", -3, true).since("2.9.50")
                        .summary("Stop processing commands from clients for some time").handler(ClientCommands::pause))
                .subcommand(sub("reply", 3, false).since("3.2.0")
                        .summary("Instruct the server whether to reply to commands").handler(ClientCommands::reply))
                .subcommand(sub("setinfo", 4, false).since("7.2.0")
                        .summary("Sets information specific to the client or connection.").handler(ClientCommands::setinfo))
                .subcommand(sub("setname", 3, false).since("2.6.9").summary("Set the current connection name")
                        .handler(ClientCommands::setname))
                .subcommand(sub("tracking", -3, false).since("6.0.0")
                        .summary("Enable or disable server assisted client side caching support")
                        .complexity("O(1). Some options may introduce additional complexity.")
                        .handler(ClientCommands::tracking))
                .subcommand(sub("trackinginfo", 2, false).since("6.2.0")
                        .summary("Return information about server assisted client side caching for the current connection")
                        .handler(ClientCommands::trackinginfo))
                .subcommand(sub("unblock", -3, true).since("5.0.0")
                        .summary("Unblock a client blocked in a blocking command from a different connection")
                        .complexity("O(log N) where N is the number of client connections")
                        .handler(ClientCommands::unblock))
                .subcommand(sub("unpause", 2, true).since("6.2.0")
                        .summary("Resume processing of clients that were paused")
                        .complexity("O(N) Where N is the number of paused clients")
                        .handler(ClientCommands::unpause))
                .build());
    }

    private static CommandSpec.Builder sub(String name, int arity, boolean admin) {
        CommandSpec.Builder b = command(name, arity).complexity("O(1)");
        return admin ? b.flags(ADMIN, NOSCRIPT, LOADING, STALE) : b.flags(NOSCRIPT, LOADING, STALE);
    }

    private static void help(Client c) {
        c.reply().arrayHeader(HELP.length);
        for (String line : HELP) {
            c.reply().simple(line);
        }
    }

    private static void getname(Client c) {
        if (c.name().isEmpty()) {
            c.reply().nullBulk();
        } else {
            c.reply().bulk(c.name());
        }
    }

    private static void setname(Client c) {
        validateName(c.arg(2));
        c.name(Args.text(c.arg(2)));
        c.reply().ok();
    }

    /** Names are printable ASCII without spaces, so that CLIENT LIST stays splittable. */
    static void validateName(byte[] name) {
        if (!printable(name)) {
            throw CommandError.err("Client names cannot contain spaces, newlines or special characters.");
        }
    }

    private static boolean printable(byte[] value) {
        for (byte b : value) {
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }

    /** CLIENT SETINFO LIB-NAME|LIB-VER value: Redis 7.2's clientSetinfoCommand. */
    private static void setinfo(Client c) {
        byte[] attr = c.arg(2);
        boolean libName = Args.is(attr, "lib-name");
        if (!libName && !Args.is(attr, "lib-ver")) {
            throw CommandError.err("Unrecognized option '" + Args.text(attr) + "'");
        }
        if (!printable(c.arg(3))) {
            throw CommandError.err(Args.text(attr) + " cannot contain spaces, newlines or special characters.");
        }
        if (libName) {
            c.libName(Args.text(c.arg(3)));
        } else {
            c.libVersion(Args.text(c.arg(3)));
        }
        c.reply().ok();
    }

    private static void info(Client c) {
        c.reply().verbatim("txt", infoString(c, c) + "\n");
    }

    private static void list(Client c) {
        StringBuilder out = new StringBuilder();
        if (c.argc() == 4 && Args.is(c.arg(2), "type")) {
            int type = typeByName(c.arg(3));
            for (Client other : c.server().clients().all()) {
                if (typeOf(other) == type) {
                    out.append(infoString(other, c)).append('\n');
                }
            }
        } else if (c.argc() > 3 && Args.is(c.arg(2), "id")) {
            for (int j = 3; j < c.argc(); j++) {
                long id = Args.parseLong(c.arg(j), "Invalid client ID");
                Client other = c.server().clients().get(id);
                if (other != null) {
                    out.append(infoString(other, c)).append('\n');
                }
            }
        } else if (c.argc() != 2) {
            throw CommandError.SYNTAX;
        } else {
            for (Client other : c.server().clients().all()) {
                out.append(infoString(other, c)).append('\n');
            }
        }
        c.reply().verbatim("txt", out.toString());
    }

    private static int typeByName(byte[] name) {
        if (Args.is(name, "normal")) {
            return TYPE_NORMAL;
        } else if (Args.is(name, "slave") || Args.is(name, "replica")) {
            return TYPE_REPLICA;
        } else if (Args.is(name, "pubsub")) {
            return TYPE_PUBSUB;
        } else if (Args.is(name, "master")) {
            return TYPE_MASTER;
        }
        throw CommandError.err("Unknown client type '" + Args.text(name) + "'");
    }

    private static int typeOf(Client c) {
        if (c.master()) {
            return TYPE_MASTER;
        }
        return io.mnemos.server.OutputBufferLimits.classOf(c); // CLIENT_CLASS_* are the TYPE_* numbers
    }

    /** The CLIENT LIST line of a client, as Redis logs it (e.g. when closing a slow subscriber). */
    public static String describe(Client client) {
        return infoString(client, null);
    }

    /**
     * The request the caller sent (qbuf, argv-mem): EXEC's while a queued CLIENT LIST/INFO runs
     * inside it, as Redis keeps EXEC's argv_len_sum and query buffer then.
     */
    private static byte[][] callerRequest(Client caller) {
        byte[][] exec = caller.transaction().execArgv();
        return exec != null ? exec : caller.argv();
    }

    /**
     * Redis's getClientMemoryUsage, CLIENT LIST's tot-mem and what client eviction (maxmemory-clients)
     * weighs: the client as {@link #infoString} describes it, plus, for a client other than the
     * caller, the bytes of a request still arriving and the replies not yet taken by its socket.
     */
    public static long totalMemory(Client client, Client caller) {
        byte[][] argv = request(client, caller);
        io.mnemos.server.PubSub subs = client.server().pubsub();
        long queryBuffer = hasQueryBuffer(client, caller) ? 20472 : 0;
        long pending = client == caller ? replyListBytes(client, caller) : client.outputBufferBytes();
        return 1800 + queryBufferSize(client, queryBuffer + 8) - 8
                + client.replyBufferSize() - 1024 + argvMemory(argv) + pending
                // The argv array is the running command's: execCommand swaps in the queued one's.
                + (argv == null ? 0 : allocationSize(8L * (client == caller ? caller.argv() : argv).length))
                + client.transaction().memOverhead()
                // getClientMemoryUsage: a listNode per pattern, dict entries and slots per channel.
                + 24L * subs.subscriptionCount(client, io.mnemos.server.PubSub.Kind.PATTERN)
                + dictOverhead(subs.subscriptionCount(client, io.mnemos.server.PubSub.Kind.CHANNEL))
                + dictOverhead(subs.subscriptionCount(client, io.mnemos.server.PubSub.Kind.SHARD));
    }

    /**
     * clientsCronTrackExpansiveClients' input figure of a client: its query buffer (the 16 KB one
     * reads use, or the empty one clientsCron leaves after 2 idle seconds), a request still
     * arriving, and the request a blocked or postponed client holds.
     */
    public static long inputBufferMemory(Client client) {
        byte[][] argv = request(client, null);
        return queryBufferSize(client, hasQueryBuffer(client, null) ? 20480 : 8) + argvMemory(argv)
                + (argv == null ? 0 : allocationSize(8L * argv.length));
    }

    /**
     * sdsZmallocSize of a client's query buffer: {@code usual} (the 16 KB one reads use, or the
     * empty one after 2 idle seconds) unless what waits in it needs more, or a big bulk arriving
     * had it sized to fit (its sds header and NUL included).
     */
    private static long queryBufferSize(Client client, long usual) {
        io.mnemos.server.QueryBuffer input = client.queryBuffer();
        long bigBulk = input == null ? 0 : input.bigBulkAllocation();
        if (bigBulk > 0) {
            return Sds.alloc(bigBulk, true); // qbuf + qbuf-free is the bulk's length
        }
        long retained = client.retainedQueryBuffer();
        if (retained > 0) {
            return Sds.alloc(retained, true);
        }
        return Math.max(usual, client.queryBufferBytes());
    }

    /**
     * The request a client holds: the caller's own, a blocked or postponed one, or the arguments
     * of one still arriving; null if none.
     */
    private static byte[][] request(Client client, Client caller) {
        if (client == caller) {
            return callerRequest(caller);
        }
        if (client.blocked()) {
            return client.block().argv();
        }
        if (client.postponedArgv() != null) {
            return client.postponedArgv();
        }
        return client.queryBuffer() == null ? null : client.queryBuffer().parsedArguments();
    }

    private static long argvMemory(byte[][] argv) {
        long bytes = 0;
        if (argv != null) {
            for (byte[] a : argv) {
                bytes += a.length;
            }
        }
        return bytes;
    }

    /** clientsCron frees the query buffer of a client idle for more than 2 seconds. */
    private static boolean hasQueryBuffer(Client client, Client caller) {
        return client == caller || !client.queryBufferFreed() && (client.retainedQueryBuffer() > 0
                || System.currentTimeMillis() / 1000 - client.lastInteraction() / 1000 <= 2);
    }

    /**
     * One CLIENT LIST line with Redis 7.0's fields in its order. Memory figures mimic a Redis
     * client: 1800 bytes for the client itself with its 1 KB reply buffer, plus a 20474-byte query
     * buffer that clientsCron frees after 2 idle seconds; the client running the command also
     * holds its request and a reply buffer grown to 16 KB.
     */
    static String infoString(Client client, Client caller) {
        long nowSeconds = System.currentTimeMillis() / 1000;
        long idle = nowSeconds - client.lastInteraction() / 1000;
        byte[][] argv = request(client, caller);
        io.mnemos.server.QueryBuffer input = client.queryBuffer();
        long qbuf = client != caller ? (input == null ? 0 : input.unparsedBytes())
                : input != null ? input.runningBatchBytes()
                : argv != null ? io.mnemos.protocol.RespBuffer.commandLength(argv) : 0;
        long argvMem = argvMemory(argv);
        // A big bulk arriving has the buffer sized to it (sdsMakeRoomForNonGreedy).
        long bigBulk = client == caller || input == null ? 0 : input.bigBulkAllocation();
        long retained = client.retainedQueryBuffer();
        long qbufFree = bigBulk > 0 ? bigBulk - qbuf
                : retained > 0 ? Sds.alloc(retained, true) - Sds.header(retained, true) - 1 - qbuf
                : hasQueryBuffer(client, caller) ? 20474 - Math.min(qbuf, 20474) : 0;
        long rbs = client.replyBufferSize();
        long totMem = totalMemory(client, caller);
        long replyList = replyListBytes(client, caller);
        StringBuilder flags = new StringBuilder();
        io.mnemos.server.PubSub pubsub = client.server().pubsub();
        if (client.server().replication().isReplica(client)) {
            flags.append('S');
        }
        if (client.master()) {
            flags.append('M');
        }
        if (client.server().monitors().contains(client)) {
            flags.append('O');
        }
        if (pubsub.subscribed(client)) {
            flags.append('P');
        }
        if (client.inMulti()) {
            flags.append('x');
        }
        if (client.postponed() || client.blocked()) {
            flags.append('b');
        }
        Tracking.ClientState tracking = client.tracking();
        if (tracking != null) {
            flags.append('t');
            if (tracking.brokenRedirect()) {
                flags.append('R');
            }
            if (tracking.bcast()) {
                flags.append('B');
            }
        }
        if (client.transaction().dirtyCas()) {
            flags.append('d');
        }
        if (client.closing()) {
            flags.append('c');
        }
        if (client.noEvict()) {
            flags.append('e');
        }
        if (flags.isEmpty()) {
            flags.append('N');
        }
        return "id=" + client.id()
                + " addr=" + client.remoteAddress()
                + " laddr=" + client.localAddress()
                + " fd=" + fd(client.channel())
                + " name=" + client.name()
                + " age=" + (nowSeconds - client.createdAt() / 1000)
                + " idle=" + idle
                + " flags=" + flags
                + " db=" + client.db().id()
                + " sub=" + pubsub.subscriptionCount(client, io.mnemos.server.PubSub.Kind.CHANNEL)
                + " psub=" + pubsub.subscriptionCount(client, io.mnemos.server.PubSub.Kind.PATTERN)
                + " ssub=" + pubsub.subscriptionCount(client, io.mnemos.server.PubSub.Kind.SHARD)
                + " multi=" + client.transaction().multiCount()
                + " qbuf=" + qbuf
                + " qbuf-free=" + qbufFree
                + " argv-mem=" + argvMem
                + " multi-mem=" + client.transaction().multiMem()
                + " rbs=" + rbs
                + " rbp=" + client.replyBufferPeak()
                + " obl=" + (replyBytes(client, caller) - replyList)
                + " oll=" + (replyList + Client.REPLY_CHUNK - 1) / Client.REPLY_CHUNK
                + " omem=" + replyList
                + " tot-mem=" + totMem
                + " events=r"
                + " cmd=" + client.lastCommand()
                + " user=" + client.user()
                + " redir=" + (tracking == null ? -1 : tracking.redirect())
                + " resp=" + client.protocol();
    }

    /**
     * Replies not yet taken by the socket: the caller's earlier pipelined commands (or EXEC's so
     * far), or whatever another client has not read yet.
     */
    private static long replyBytes(Client client, Client caller) {
        return client == caller ? caller.reply().pendingBytes() : client.outputBufferBytes();
    }

    /**
     * The part of {@link #replyBytes} Redis keeps in its reply list (CLIENT LIST's omem) rather
     * than the client's own buffer (obl): beyond the caller's buffer, which fills first; for
     * another client all of it once it exceeds the buffer, since Redis sends the buffer first and
     * what waits is in the list.
     */
    private static long replyListBytes(Client client, Client caller) {
        long pending = replyBytes(client, caller);
        if (client == caller) {
            return Math.max(0, pending - client.replyBufferSize());
        }
        return pending > client.replyBufferSize() ? pending : 0;
    }

    /** A client's channel dict: 24 bytes per dictEntry plus 8 per slot (4 at first, doubling when full). */
    private static long dictOverhead(long entries) {
        if (entries == 0) {
            return 0;
        }
        long slots = 4;
        while (slots < entries) {
            slots *= 2;
        }
        return entries * 24 + slots * 8;
    }

    /** jemalloc's size class for a small allocation (8, 16, 24 ... 64, 80 ... 128, 160 ...), as zmalloc_size reports it. */
    private static long allocationSize(long size) {
        if (size <= 64) {
            return (size + 7) / 8 * 8;
        }
        if (size <= 128) {
            return (size + 15) / 16 * 16;
        }
        long step = Long.highestOneBit(size - 1) / 4;
        return (size + step - 1) / step * step;
    }

    private static int fd(Channel channel) {
        if (channel instanceof UnixChannel unix && unix.fd() != null) {
            return unix.fd().intValue();
        }
        return -1;
    }

    /** CLIENT KILL addr, or CLIENT KILL with ID/TYPE/ADDR/LADDR/USER/SKIPME filters. */
    private static void kill(Client c) {
        String addr = null;
        String laddr = null;
        io.mnemos.acl.User userFilter = null;
        int type = -1;
        long id = 0;
        boolean skipMe = true;
        if (c.argc() == 3) {
            addr = Args.text(c.arg(2));
            skipMe = false; // with the old form a client may kill itself
        } else {
            for (int i = 2; i < c.argc(); i += 2) {
                boolean moreArgs = c.argc() > i + 1;
                byte[] option = c.arg(i);
                if (Args.is(option, "id") && moreArgs) {
                    // Redis parses with string2ull and has one message for garbage and for 0.
                    Long parsed = Args.parseLongOrNull(c.arg(i + 1));
                    id = parsed == null ? 0 : parsed;
                    if (id <= 0) {
                        throw CommandError.err("client-id should be greater than 0");
                    }
                } else if (Args.is(option, "type") && moreArgs) {
                    type = typeByName(c.arg(i + 1));
                } else if (Args.is(option, "addr") && moreArgs) {
                    addr = Args.text(c.arg(i + 1));
                } else if (Args.is(option, "laddr") && moreArgs) {
                    laddr = Args.text(c.arg(i + 1));
                } else if (Args.is(option, "user") && moreArgs) {
                    String user = Args.text(c.arg(i + 1));
                    userFilter = c.server().acl().user(io.mnemos.acl.AclText.str(c.arg(i + 1)));
                    if (userFilter == null) {
                        throw CommandError.err("No such user '" + user + "'");
                    }
                } else if (Args.is(option, "skipme") && moreArgs) {
                    if (Args.is(c.arg(i + 1), "yes")) {
                        skipMe = true;
                    } else if (Args.is(c.arg(i + 1), "no")) {
                        skipMe = false;
                    } else {
                        throw CommandError.SYNTAX;
                    }
                } else {
                    throw CommandError.SYNTAX;
                }
            }
        }
        int killed = 0;
        boolean closeMe = false;
        for (Client other : new ArrayList<>(c.server().clients().all())) {
            if (addr != null && !addr.equals(other.remoteAddress())) {
                continue;
            }
            if (laddr != null && !laddr.equals(other.localAddress())) {
                continue;
            }
            if (type != -1 && typeOf(other) != type) {
                continue;
            }
            if (id != 0 && other.id() != id) {
                continue;
            }
            if (userFilter != null && other.aclUser() != userFilter) {
                continue;
            }
            if (other == c && skipMe) {
                continue;
            }
            if (other == c) {
                closeMe = true;
            } else {
                c.server().freeClient(other);
            }
            killed++;
        }
        if (c.argc() == 3) {
            if (killed == 0) {
                throw CommandError.err("No such client");
            }
            c.reply().ok();
        } else {
            c.reply().integer(killed);
        }
        if (closeMe) {
            c.closeAfterReply();
        }
    }

    private static void pause(Client c) {
        boolean all = true;
        if (c.argc() == 4) {
            if (Args.is(c.arg(3), "write")) {
                all = false;
            } else if (!Args.is(c.arg(3), "all")) {
                throw CommandError.err("CLIENT PAUSE mode must be WRITE or ALL");
            }
        } else if (c.argc() != 3) {
            throw CommandError.subcommandSyntax(c);
        }
        long timeout = Args.parseLong(c.arg(2), "timeout is not an integer or out of range");
        if (timeout < 0) {
            throw CommandError.err("timeout is negative");
        }
        // Redis 7.0 adds the current time without an overflow check: a huge timeout wraps into the past.
        long end = timeout > 0 ? timeout + c.server().keyspace().clock().millis() : 0;
        c.server().dispatcher().pauseClients(end, all, c.channel() == null ? null : c.channel().eventLoop());
        c.reply().ok();
    }

    private static void unpause(Client c) {
        c.server().dispatcher().unpauseClients();
        c.reply().ok();
    }

    private static void noEvict(Client c) {
        if (Args.is(c.arg(2), "on")) {
            c.noEvict(true);
        } else if (Args.is(c.arg(2), "off")) {
            c.noEvict(false);
        } else {
            throw CommandError.SYNTAX;
        }
        c.reply().ok();
    }

    /**
     * CLIENT REPLY ON|OFF|SKIP; the dispatcher drops replies while OFF or for the skipped command.
     * As Redis's flags, ON and OFF leave a SKIP of the same transaction pending: it still skips the
     * command after the EXEC.
     */
    private static void reply(Client c) {
        if (Args.is(c.arg(2), "on")) {
            c.replyMode(false, c.skipNextReply());
            c.reply().enabled(true);
            c.reply().ok();
        } else if (Args.is(c.arg(2), "off")) {
            // At once, as Redis's flag: later commands of the same EXEC or script reply nothing either.
            c.replyMode(true, c.skipNextReply());
            c.reply().enabled(false);
        } else if (Args.is(c.arg(2), "skip")) {
            if (!c.replyOff()) {
                c.replyMode(false, true);
            }
        } else {
            throw CommandError.SYNTAX;
        }
    }

    /**
     * CLIENT UNBLOCK id [TIMEOUT|ERROR]: a client blocked in a blocking command is answered as on
     * timeout (null array) or with an UNBLOCKED error. Clients held by CLIENT PAUSE are not blocked
     * in that sense and give 0.
     */
    private static void unblock(Client c) {
        if (c.argc() > 4) {
            throw CommandError.subcommandSyntax(c);
        }
        boolean error = false;
        if (c.argc() == 4) {
            if (Args.is(c.arg(3), "error")) {
                error = true;
            } else if (!Args.is(c.arg(3), "timeout")) {
                throw CommandError.err("CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        long id = Args.parseLong(c.arg(2));
        Client target = c.server().clients().get(id);
        boolean asError = error;
        CommandDispatcher dispatcher = c.server().dispatcher();
        boolean done = target != null && c.server().blockedClients().unblock(target, (t, b) -> {
            if (asError) {
                dispatcher.answerBlockedWithError(t, b, "UNBLOCKED client unblocked via CLIENT UNBLOCK");
            } else {
                dispatcher.answerTimedOut(t, b);
                b.spec().failedCalls++;
            }
            // Counted failed either way, and logged without arguments (released when it blocked).
            dispatcher.unblockedStats(t, b, new byte[0][]);
        });
        if (done && error) {
            c.command().failedCalls++; // its call() saw the error reply it made go out
        }
        c.reply().integer(done ? 1 : 0);
    }

    /**
     * CLIENT TRACKING on|off [REDIRECT id] [BCAST] [PREFIX p]... [OPTIN] [OPTOUT] [NOLOOP], with
     * clientCommand's checks in its order: options first, then their compatibility for "on".
     */
    private static void tracking(Client c) {
        long redirect = 0;
        boolean bcast = false;
        boolean optin = false;
        boolean optout = false;
        boolean noloop = false;
        List<byte[]> prefixes = new ArrayList<>();
        for (int j = 3; j < c.argc(); j++) {
            boolean moreArgs = c.argc() - 1 - j > 0;
            byte[] opt = c.arg(j);
            if (Args.is(opt, "redirect") && moreArgs) {
                j++;
                if (redirect != 0) {
                    throw CommandError.err("A client can only redirect to a single other client");
                }
                redirect = Args.parseLong(c.arg(j));
                // The client must exist now, though it may go away later.
                if (c.server().clients().get(redirect) == null) {
                    throw CommandError.err("The client ID you want redirect to does not exist");
                }
            } else if (Args.is(opt, "bcast")) {
                bcast = true;
            } else if (Args.is(opt, "optin")) {
                optin = true;
            } else if (Args.is(opt, "optout")) {
                optout = true;
            } else if (Args.is(opt, "noloop")) {
                noloop = true;
            } else if (Args.is(opt, "prefix") && moreArgs) {
                j++;
                prefixes.add(c.arg(j));
            } else {
                throw CommandError.SYNTAX;
            }
        }
        Tracking tracking = c.server().tracking();
        if (Args.is(c.arg(2), "on")) {
            if (!bcast && !prefixes.isEmpty()) {
                throw CommandError.err("PREFIX option requires BCAST mode to be enabled");
            }
            Tracking.ClientState st = c.tracking();
            if (st != null && st.bcast() != bcast) {
                throw CommandError.err("You can't switch BCAST mode on/off before disabling tracking for this "
                        + "client, and then re-enabling it with a different mode.");
            }
            if (bcast && (optin || optout)) {
                throw CommandError.err("OPTIN and OPTOUT are not compatible with BCAST");
            }
            if (optin && optout) {
                throw CommandError.err("You can't specify both OPTIN mode and OPTOUT mode");
            }
            if (st != null && (optin && st.optout() || optout && st.optin())) {
                throw CommandError.err("You can't switch OPTIN/OPTOUT mode before disabling tracking for this "
                        + "client, and then re-enabling it with a different mode.");
            }
            if (bcast) {
                Tracking.Collision collision = tracking.checkPrefixCollisions(c, prefixes);
                if (collision != null) {
                    if (collision.abort()) {
                        throw CommandError.err(collision.error());
                    }
                    // Redis's checkPrefixCollisionsOrReply reports it but goes on: error, then +OK.
                    c.server().dispatcher().replyFailed(c, "ERR " + collision.error());
                }
            }
            tracking.enable(c, redirect, bcast, optin, optout, noloop, prefixes);
        } else if (Args.is(c.arg(2), "off")) {
            tracking.disable(c);
        } else {
            throw CommandError.SYNTAX;
        }
        c.reply().ok();
    }

    /** CLIENT TRACKINGINFO: flags, redirect and prefixes of this connection's tracking. */
    private static void trackinginfo(Client c) {
        Tracking.ClientState st = c.tracking();
        List<String> flags = new ArrayList<>();
        flags.add(st != null ? "on" : "off");
        if (st != null) {
            if (st.bcast()) {
                flags.add("bcast");
            }
            if (st.optin()) {
                flags.add("optin");
                if (st.caching()) {
                    flags.add("caching-yes");
                }
            }
            if (st.optout()) {
                flags.add("optout");
                if (st.caching()) {
                    flags.add("caching-no");
                }
            }
            if (st.noloop()) {
                flags.add("noloop");
            }
            if (st.brokenRedirect()) {
                flags.add("broken_redirect");
            }
        }
        c.reply().mapHeader(3);
        c.reply().bulk("flags");
        c.reply().setHeader(flags.size());
        for (String f : flags) {
            c.reply().bulk(f);
        }
        c.reply().bulk("redirect");
        c.reply().integer(st == null ? -1 : st.redirect());
        c.reply().bulk("prefixes");
        List<byte[]> prefixes = st == null ? List.of() : st.prefixes();
        c.reply().arrayHeader(prefixes.size());
        for (byte[] p : prefixes) {
            c.reply().bulk(p);
        }
    }

    /** CLIENT CACHING yes|no: OPTIN (yes) or OPTOUT (no) for the next command or transaction. */
    private static void caching(Client c) {
        Tracking.ClientState st = c.tracking();
        if (st == null) {
            throw CommandError.err("CLIENT CACHING can be called only when the client is in tracking mode with "
                    + "OPTIN or OPTOUT mode enabled");
        }
        if (Args.is(c.arg(2), "yes")) {
            if (!st.optin()) {
                throw CommandError.err("CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
            }
        } else if (Args.is(c.arg(2), "no")) {
            if (!st.optout()) {
                throw CommandError.err("CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
            }
        } else {
            throw CommandError.SYNTAX;
        }
        st.caching(true);
        c.reply().ok();
    }
}
