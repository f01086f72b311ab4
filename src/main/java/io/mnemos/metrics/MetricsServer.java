package io.mnemos.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mnemos.server.Server;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The {@code metrics-port} HTTP endpoint: {@code GET /metrics} (Prometheus text format, or
 * OpenMetrics/protobuf when the scraper asks, by the official client's handler) and
 * {@code GET /health} (200 "OK" when the keyspace thread answers within a second, else 503).
 * It runs on its own daemon thread; the only work it asks of the keyspace thread is copying the
 * counters ({@link ServerNumbers}), so scrapes never stall command execution.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    private final HttpServer http;
    private final ExecutorService executor;
    private final PrometheusRegistry registry;

    private MetricsServer(HttpServer http, ExecutorService executor, PrometheusRegistry registry) {
        this.http = http;
        this.executor = executor;
        this.registry = registry;
    }

    /** Starts serving on host:port (port 0: an ephemeral port, see {@link #port()}). */
    public static MetricsServer start(Server server, String host, int port) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new RedisCollector(server));
        JvmMetrics.builder().register(registry);
        HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mnemos-metrics-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/metrics", new MetricsHandler(registry));
        http.createContext("/health", exchange -> health(server, exchange));
        http.createContext("/", exchange -> reply(exchange, 404, "Not Found: try /metrics or /health\n"));
        http.start();
        MetricsServer metrics = new MetricsServer(http, executor, registry);
        log.info("Metrics on http://{}:{}/metrics", host, metrics.port());
        return metrics;
    }

    private static void health(Server server, HttpExchange exchange) throws IOException {
        boolean alive = false;
        if (!server.stopping()) {
            CompletableFuture<Boolean> ping = new CompletableFuture<>();
            try {
                server.execute(() -> ping.complete(Boolean.TRUE));
                alive = ping.get(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                alive = false;
            }
        }
        reply(exchange, alive ? 200 : 503, alive ? "OK\n" : "UNAVAILABLE\n");
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = "HEAD".equals(exchange.getRequestMethod()) ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    /**
     * The address the metrics endpoint listens on: the first address of {@code bind}, so a server
     * bound to loopback keeps its metrics private and the container's {@code bind 0.0.0.0} exposes both.
     */
    public static String hostFor(String bind) {
        String first = io.mnemos.server.BindAddress.parse(bind).get(0).host();
        return first.isEmpty() ? "0.0.0.0" : first;
    }
}
