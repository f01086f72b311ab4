package io.mnemos.metrics;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsServerTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** INFO's "name:value" lines. */
    static Map<String, String> info(RespConnection c) throws IOException {
        String reply = c.call("INFO", "everything");
        Map<String, String> fields = new HashMap<>();
        for (String line : reply.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    static long field(String csv, String key) {
        for (String part : csv.split(",")) {
            if (part.startsWith(key + "=")) {
                return Long.parseLong(part.substring(key.length() + 1));
            }
        }
        throw new AssertionError(key + " not in " + csv);
    }

    @Test
    void metricsAreOffByDefault() throws IOException {
        try (RunningServer s = RunningServer.start(); RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals(0, s.server().metricsPort());
            assertEquals("*2\r\n$12\r\nmetrics-port\r\n$1\r\n0\r\n", c.call("CONFIG", "GET", "metrics-port"));
        }
    }

    @Test
    void exportsRedisExporterNamesConsistentWithInfoAfterAKnownWorkload() throws Exception {
        int metricsPort = freePort();
        try (RunningServer s = RunningServer.start("--metrics-port", Integer.toString(metricsPort), "--maxmemory", "64mb");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            for (int i = 0; i < 5; i++) {
                c.call("SET", "k" + i, "v" + i);
            }
            c.call("SET", "volatile", "v", "EX", "1000");
            for (int i = 0; i < 3; i++) {
                c.call("GET", "k" + i);
            }
            c.call("GET", "missing1");
            c.call("GET", "missing2");
            c.call("INCR", "k0");                 // fails: not an integer
            c.call("GET");                        // rejected: wrong number of arguments
            c.call("SELECT", "1");
            c.call("SET", "other-db", "1");
            c.call("SELECT", "0");
            Map<String, String> info = info(c);

            HttpResponse<String> response = get(metricsPort, "/metrics");
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    response.headers().toString());
            PrometheusText m = PrometheusText.parse(response.body());

            assertEquals(1, m.value("redis_up"));
            assertEquals("counter", m.types.get("redis_commands_total"));
            assertEquals("gauge", m.types.get("redis_connected_clients"));
            assertEquals(6, m.value("redis_commands_total{cmd=\"set\"}") - 1); // 6 in db0 + 1 in db1
            assertEquals(field(info.get("cmdstat_set"), "calls"), m.value("redis_commands_total{cmd=\"set\"}"));
            assertEquals(field(info.get("cmdstat_get"), "calls"), m.value("redis_commands_total{cmd=\"get\"}"));
            assertEquals(field(info.get("cmdstat_get"), "usec") / 1e6,
                    m.value("redis_commands_duration_seconds_total{cmd=\"get\"}"), 1e-9);
            assertEquals(1, m.value("redis_commands_failed_calls_total{cmd=\"incr\"}"));
            assertEquals(1, m.value("redis_commands_rejected_calls_total{cmd=\"get\"}"));
            assertEquals(3, m.value("redis_keyspace_hits_total"));
            assertEquals(Long.parseLong(info.get("keyspace_hits")), m.value("redis_keyspace_hits_total"));
            assertEquals(2, m.value("redis_keyspace_misses_total"));
            assertEquals(Long.parseLong(info.get("keyspace_misses")), m.value("redis_keyspace_misses_total"));
            assertEquals(6, m.value("redis_db_keys{db=\"db0\"}"));
            assertEquals(field(info.get("db0"), "keys"), m.value("redis_db_keys{db=\"db0\"}"));
            assertEquals(1, m.value("redis_db_keys_expiring{db=\"db0\"}"));
            assertEquals(field(info.get("db1"), "keys"), m.value("redis_db_keys{db=\"db1\"}"));
            assertEquals(Long.parseLong(info.get("connected_clients")), m.value("redis_connected_clients"));
            assertEquals(Long.parseLong(info.get("blocked_clients")), m.value("redis_blocked_clients"));
            assertEquals(64L * 1024 * 1024, m.value("redis_memory_max_bytes"));
            assertEquals(Long.parseLong(info.get("maxmemory")), m.value("redis_memory_max_bytes"));
            assertEquals(Long.parseLong(info.get("used_memory")), m.value("redis_memory_used_bytes"));
            assertEquals(Long.parseLong(info.get("expired_keys")), m.value("redis_expired_keys_total"));
            assertEquals(Long.parseLong(info.get("evicted_keys")), m.value("redis_evicted_keys_total"));
            assertEquals(Long.parseLong(info.get("rejected_connections")), m.value("redis_rejected_connections_total"));
            assertEquals(Long.parseLong(info.get("total_connections_received")), m.value("redis_connections_received_total"));
            // INFO counts itself once it has run: the scrape sees one command more than INFO reported.
            assertEquals(Long.parseLong(info.get("total_commands_processed")) + 1, m.value("redis_commands_processed_total"));
            assertTrue(m.value("redis_uptime_in_seconds") >= 0);
            assertEquals(1, m.value("redis_instance_info{redis_mode=\"standalone\",redis_version=\"7.0.15\",role=\"master\","
                    + "server=\"mnemos\",tcp_port=\"" + s.port() + "\"}"));
            // JVM metrics: heap and GC pauses.
            assertTrue(m.value("jvm_memory_used_bytes{area=\"heap\"}") > 0);
            assertTrue(m.samples.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_collection_seconds_count{")),
                    m.samples.keySet().toString());
        }
    }

    @Test
    void healthAnswersOkAndUnknownPathsAre404() throws Exception {
        int metricsPort = freePort();
        try (RunningServer s = RunningServer.start("--metrics-port", Integer.toString(metricsPort))) {
            assertEquals(metricsPort, s.server().metricsPort());
            HttpResponse<String> health = get(metricsPort, "/health");
            assertEquals(200, health.statusCode());
            assertEquals("OK\n", health.body());
            assertEquals(404, get(metricsPort, "/nope").statusCode());
        }
    }

    @Test
    void healthReports503WhenTheKeyspaceThreadIsStuck() throws Exception {
        int metricsPort = freePort();
        try (RunningServer s = RunningServer.start("--metrics-port", Integer.toString(metricsPort));
             RespConnection c = new RespConnection(s.host(), s.port())) {
            Thread sleeper = new Thread(() -> {
                try {
                    c.call("DEBUG", "SLEEP", "2");
                } catch (IOException ignored) {
                    // the assertion below is what matters
                }
            });
            sleeper.start();
            Thread.sleep(200);
            long start = System.nanoTime();
            HttpResponse<String> health = get(metricsPort, "/health");
            long millis = (System.nanoTime() - start) / 1_000_000;
            sleeper.join();
            assertEquals(503, health.statusCode());
            assertTrue(millis < 1900, "health answered in " + millis + " ms");
        }
    }

    @Test
    void scrapingConcurrentlyNeitherStallsNorCorruptsCommandExecution() throws Exception {
        int metricsPort = freePort();
        try (RunningServer s = RunningServer.start("--metrics-port", Integer.toString(metricsPort));
             RespConnection c = new RespConnection(s.host(), s.port())) {
            AtomicBoolean running = new AtomicBoolean(true);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> scrapers = new java.util.ArrayList<>();
            for (int t = 0; t < 3; t++) {
                Thread scraper = new Thread(() -> {
                    while (running.get()) {
                        try {
                            PrometheusText m = PrometheusText.parse(get(metricsPort, "/metrics").body());
                            assertEquals(1, m.value("redis_up"));
                        } catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                    }
                });
                scraper.start();
                scrapers.add(scraper);
            }
            for (int i = 0; i < 2000; i++) {
                c.call("INCR", "counter");
            }
            running.set(false);
            for (Thread t : scrapers) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals("$4\r\n2000\r\n", c.call("GET", "counter"));
            PrometheusText m = PrometheusText.parse(get(metricsPort, "/metrics").body());
            assertEquals(2000, m.value("redis_commands_total{cmd=\"incr\"}"));
        }
    }
}
