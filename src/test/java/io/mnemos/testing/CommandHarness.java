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

    /** The default configuration, except that DEBUG is allowed (as in Redis's own test suite). */
    public CommandHarness() {
        this(debugEnabled());
    }

    private static ServerConfig debugEnabled() {
        ServerConfig config = new ServerConfig();
        config.enableDebugCommand = io.mnemos.acl.ProtectedAction.YES;
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

    public String exec(Client c, byte[][] argv) {
        server.dispatcher().dispatch(c, argv);
        return drain(c.reply());
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
        ByteBuf out = c.reply().take();
        if (out == null) {
            return "";
        }
        try {
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }
}
