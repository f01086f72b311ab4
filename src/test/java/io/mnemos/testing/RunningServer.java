package io.mnemos.testing;

import io.mnemos.server.ConfigException;
import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;

/**
 * A real Mnemos server on an ephemeral loopback port, for integration tests over TCP.
 * {@code try (RunningServer s = RunningServer.start("--requirepass", "x")) { ... s.port() ... }}
 */
public final class RunningServer implements AutoCloseable {
    private final Server server;

    private RunningServer(Server server) {
        this.server = server;
    }

    public static RunningServer start(String... flags) {
        try {
            // No save points and a fresh directory unless a test asks otherwise: test servers never
            // write dump.rdb into the working directory, nor load one found there. DEBUG is on, as in
            // Redis's own test suite (its default is no; a test that checks that passes "no").
            String[] args = new String[flags.length + 10];
            args[0] = "--port";
            args[1] = "0";
            args[2] = "--bind";
            args[3] = "127.0.0.1";
            args[4] = "--save";
            args[5] = "";
            args[6] = "--dir";
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mnemos-test");
            dir.toFile().deleteOnExit();
            args[7] = dir.toString();
            args[8] = "--enable-debug-command";
            args[9] = "yes";
            System.arraycopy(flags, 0, args, 10, flags.length);
            ServerConfig config = ServerConfig.fromArgs(args);
            return new RunningServer(new Server(config).start());
        } catch (ConfigException | java.io.IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A server with appendonly yes whose files go to {@code dir}, plus {@code extra} flags. */
    public static RunningServer withAof(java.nio.file.Path dir, String... extra) {
        String[] flags = new String[extra.length + 4];
        flags[0] = "--appendonly";
        flags[1] = "yes";
        flags[2] = "--dir";
        flags[3] = dir.toString();
        System.arraycopy(extra, 0, flags, 4, extra.length);
        return start(flags);
    }

    public int port() {
        return server.port();
    }

    public String host() {
        return "127.0.0.1";
    }

    public Server server() {
        return server;
    }

    @Override
    public void close() {
        server.stop();
    }
}
