package io.mnemos.embedded;

import io.mnemos.server.ConfigException;
import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Mnemos inside your JVM, for tests and tools:
 * <pre>
 * try (MnemosServer redis = MnemosServer.builder().port(0).config("maxmemory", "64mb").start()) {
 *     Jedis jedis = new Jedis(redis.host(), redis.port());
 *     ...
 * }</pre>
 * The server binds loopback (127.0.0.1) by default; {@code port(0)}, the default, picks a free
 * ephemeral port. Any redis.conf directive can be given with {@link Builder#config(String, String)}.
 */
public final class MnemosServer implements AutoCloseable {
    private final Server server;
    private final String host;
    /** The working directory made for this server when none was configured; removed on close. */
    private final Path ownDir;

    private MnemosServer(Server server, String host, Path ownDir) {
        this.server = server;
        this.host = host;
        this.ownDir = ownDir;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A server on an ephemeral loopback port with the default configuration. */
    public static MnemosServer start() {
        return builder().start();
    }

    /** The TCP port clients connect to. */
    public int port() {
        return server.port();
    }

    /** The address clients connect to ("127.0.0.1" unless bound elsewhere). */
    public String host() {
        return host;
    }

    /** {@code redis://host:port}, for clients configured by URI. */
    public String uri() {
        return "redis://" + host + ":" + port();
    }

    /** The metrics endpoint's port, 0 when not enabled with {@code config("metrics-port", ...)}. */
    public int metricsPort() {
        return server.metricsPort();
    }

    public boolean isRunning() {
        return !server.stopping();
    }

    /**
     * Empties every database and resets INFO's statistics (FLUSHALL + CONFIG RESETSTAT), so the
     * next test starts from a clean server without paying for a restart.
     */
    public void reset() {
        onKeyspaceThread(() -> {
            server.emptyData(false);
            server.stats().reset();
            server.keyspace().stats().reset();
            server.commandTable().resetStats();
            server.errorStats().clear();
            server.sampler().reset();
            server.latency().resetHistograms();
            server.persistence().resetStats();
            server.aof().resetStats();
        });
    }

    /** Stops the server and releases its ports; idempotent. */
    @Override
    public void close() {
        server.stop();
        deleteTree(ownDir);
    }

    private static void deleteTree(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void onKeyspaceThread(Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        server.execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        });
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Mnemos did not answer: " + e.getMessage(), e);
        }
    }

    /** Configuration of an embedded server; {@link #start()} starts it. */
    public static final class Builder {
        private int port = 0;
        private String bind = "127.0.0.1";
        private final Map<String, String> config = new LinkedHashMap<>();

        private Builder() {
        }

        /** The TCP port; 0 (the default) picks a free one, see {@link MnemosServer#port()}. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        /** The address(es) to listen on, as redis.conf's {@code bind}; default 127.0.0.1. */
        public Builder bind(String bind) {
            this.bind = bind;
            return this;
        }

        /** Any redis.conf directive, e.g. {@code config("maxmemory", "64mb")}; later calls win. */
        public Builder config(String name, String value) {
            config.put(name, value);
            return this;
        }

        /** Several directives at once. */
        public Builder config(Map<String, String> directives) {
            config.putAll(directives);
            return this;
        }

        /** Starts the server; returns once it accepts connections. */
        public MnemosServer start() {
            ServerConfig serverConfig = new ServerConfig();
            StringBuilder directives = new StringBuilder();
            directives.append("port ").append(port).append('\n');
            directives.append("bind ").append(bind).append('\n');
            // No save points unless asked for: with Redis's defaults every FLUSHALL (and every few
            // hundred writes) would write dump.rdb into the working directory, and the next embedded
            // server would load it.
            if (!config.containsKey("save")) {
                directives.append("save \"\"\n");
            }
            // A directory of its own unless one is given: a dump.rdb or AOF left in the working
            // directory (by redis-server, or a test that saved) would be loaded at start.
            Path ownDir = null;
            if (!config.containsKey("dir")) {
                try {
                    ownDir = Files.createTempDirectory("mnemos-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                directives.append("dir ").append(quote(ownDir.toString())).append('\n');
            }
            for (Map.Entry<String, String> e : config.entrySet()) {
                directives.append(e.getKey()).append(' ').append(quote(e.getValue())).append('\n');
            }
            try {
                serverConfig.load(directives.toString());
            } catch (ConfigException e) {
                deleteTree(ownDir);
                throw new IllegalArgumentException("Invalid Mnemos configuration:" + e.getMessage(), e);
            }
            Server server = new Server(serverConfig);
            try {
                server.start();
            } catch (InterruptedException | RuntimeException e) {
                deleteTree(ownDir);
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            String host = io.mnemos.metrics.MetricsServer.hostFor(bind);
            return new MnemosServer(server, host.equals("0.0.0.0") ? "127.0.0.1" : host.equals("::") ? "::1" : host, ownDir);
        }

        private static String quote(String value) {
            if (!value.isEmpty() && value.chars().noneMatch(ch -> ch == ' ' || ch == '"' || ch == '\'' || ch == '\\')) {
                return value;
            }
            return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
        }
    }
}
