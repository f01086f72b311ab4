package io.mnemos.testing;

import io.mnemos.protocol.ReplyWriter;
import io.mnemos.server.Client;
import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;

import java.nio.charset.StandardCharsets;

/**
 * Runs commands against an in-process server without a network: the quickest way to specify a
 * command's exact reply bytes. {@code exec("SET", "k", "v")} returns {@code "+OK\r\n"}.
 */
public final class CommandHarness {
    private final Server server;
    private final Client client;
    private final ManualClock clock;

    /**
     * The default configuration, except that DEBUG is allowed (as in Redis's own test suite) and
     * the directory is a fresh one: the default save points make FLUSHALL write dump.rdb there.
     */
    public CommandHarness() {
        this(debugEnabled());
    }

    private static ServerConfig debugEnabled() {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = io.mnemos.acl.ProtectedAction.YES;
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mnemos-harness");
            dir.toFile().deleteOnExit();
            config.dir = dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return config;
    }

    public CommandHarness(ServerConfig config) {
        this.clock = new ManualClock(1_700_000_000_000L);
        this.server = new Server(config, clock);
        this.client = newClient();
    }

    /** Another client of the same server, e.g. to test per-connection state. */
    public Client newClient() {
        return new Client(server.clients().nextId(), server,
                null, new ReplyWriter(new UnpooledByteBufAllocator(false)));
    }

    /** A new client the server's registry knows, as a connected one (CLIENT LIST, KILL, UNBLOCK). */
    public Client connect() {
        Client c = newClient();
        server.clients().add(c);
        return c;
    }

    public Server server() {
        return server;
    }

    public Client client() {
        return client;
    }

    public ManualClock clock() {
        return clock;
    }

    /** Executes one command as the default client and returns the raw RESP reply. */
    public String exec(String... args) {
        return exec(client, args);
    }

    public String exec(Client c, String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return exec(c, argv);
    }

    /**
     * Executes one command and returns its raw reply, after checking it is whole: complete values
     * only, and one value unless the command may answer with several (subscriptions, push messages
     * a RESP3 client gets along with its reply, a MONITOR client's own command fed back to it).
     */
    public String exec(Client c, byte[][] argv) {
        server.dispatcher().dispatch(c, argv);
        String reply = drain(c.reply());
        byte[] raw = reply.getBytes(StandardCharsets.UTF_8);
        int values = RespFrames.count(raw);
        String name = new String(argv[0], StandardCharsets.UTF_8).toUpperCase(java.util.Locale.ROOT);
        if (values > 1 && !name.endsWith("SUBSCRIBE") && raw[0] != '>' && !reply.contains("\r\n>")
                && !server.monitors().contains(c)) {
            throw new IllegalStateException(values + " values in the reply to " + name + ": " + reply);
        }
        return reply;
    }

    /** Everything written to {@code reply} since the last take, as text ("" for nothing), released. */
    public static String drain(ReplyWriter reply) {
        ByteBuf out = reply.take();
        if (out == null) {
            return "";
        }
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    /**
     * What the client was sent since its last command, e.g. the answer of a blocked client served
     * by another client's command or timed out ("" for nothing).
     */
    public String output(Client c) {
        return drain(c.reply());
    }
}
