package io.mnemos.docker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml end to end with a real engine: up --build (with the monitoring profile), healthy,
 * redis-cli through the published port, the example client reaching mnemos:6379 by name, Prometheus's
 * targets API showing Mnemos up, SAVE and restart (data kept on the volume), down -v.
 * Skipped when no Docker engine or compose answers (CI starts one with docker/ci-images.sh).
 */
class ComposeStackEndToEndTest {
    static final String PROJECT = "mnemos-e2e";

    record Result(int exit, String output) {
    }

    static Result run(Map<String, String> env, long timeoutSeconds, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static Result run(List<String> command) throws IOException, InterruptedException {
        return run(Map.of(), 60, command);
    }

    /** "docker-compose" (v1) when installed, else "docker compose" (v2); null when neither works. */
    static List<String> compose() {
        for (List<String> candidate : List.of(List.of("docker-compose"), List.of("docker", "compose"))) {
            try {
                List<String> version = new ArrayList<>(candidate);
                version.add("version");
                if (run(version).exit() == 0) {
                    return candidate;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }

    static boolean dockerAnswers() {
        try {
            return run(List.of("docker", "info")).exit() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
    }

    @Test
    void composeStackRunsMonitorsAndCleansUp() throws Exception {
        assumeTrue(dockerAnswers(), "no Docker engine answers");
        List<String> compose = compose();
        assumeTrue(compose != null, "neither docker-compose nor docker compose is installed");
        int redisPort = freePort();
        int prometheusPort = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("MNEMOS_PORT", Integer.toString(redisPort));
        env.put("PROMETHEUS_PORT", Integer.toString(prometheusPort));
        env.put("COMPOSE_PROJECT_NAME", PROJECT);
        List<String> base = new ArrayList<>(compose);
        base.addAll(List.of("-p", PROJECT, "--profile", "monitoring"));
        try {
            Result up = run(env, 900, with(base, "up", "-d", "--build"));
            assertEquals(0, up.exit(), up.output());

            String mnemos = run(env, 60, with(base, "ps", "-q", "mnemos")).output().trim();
            assertFalse(mnemos.isEmpty());
            awaitHealthy(mnemos);

            String port = Integer.toString(redisPort);
            assertEquals("PONG", cli(port, "ping"));
            assertEquals("OK", cli(port, "set", "e2e:key", "survives"));
            assertEquals("survives", cli(port, "get", "e2e:key"));
            // The example client reaches mnemos:6379 by service name on the compose network.
            await("the client service's first INCR", 60, () -> !cli(port, "get", "client:ticks").isEmpty());

            // Prometheus (monitoring profile) scrapes Mnemos: its targets API reports the target up.
            HttpClient http = HttpClient.newHttpClient();
            URI targets = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/targets");
            await("prometheus to report the mnemos target up", 120, () -> mnemosTargetUp(http, targets));

            // Persistence on the named volume: an RDB snapshot in /data is loaded again after a restart.
            assertEquals("OK", cli(port, "save"));
            Result restart = run(env, 120, with(base, "restart", "mnemos"));
            assertEquals(0, restart.exit(), restart.output());
            awaitHealthy(mnemos);
            assertEquals("survives", cli(port, "get", "e2e:key"), "data on the volume survives a restart");
            assertEquals("PONG", cli(port, "ping"));
        } finally {
            Result down = run(env, 180, with(base, "down", "-v"));
            assertEquals(0, down.exit(), down.output());
        }
        Result volumes = run(List.of("docker", "volume", "ls", "-q"));
        assertFalse(volumes.output().contains(PROJECT + "_mnemos-data"), volumes.output());
        Result containers = run(List.of("docker", "ps", "-aq", "--filter", "label=com.docker.compose.project=" + PROJECT));
        assertEquals("", containers.output().trim());
    }

    static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    static void awaitHealthy(String container) throws InterruptedException {
        await("container " + container + " to be healthy", 240, () -> {
            try {
                return run(List.of("docker", "inspect", "-f", "{{.State.Health.Status}}", container))
                        .output().trim().equals("healthy");
            } catch (IOException | InterruptedException e) {
                return false;
            }
        });
    }

    static String cli(String port, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", port));
        command.addAll(List.of(args));
        try {
            return run(command).output().trim();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    static boolean mnemosTargetUp(HttpClient http, URI targets) {
        try {
            String body = http.send(HttpRequest.newBuilder(targets).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher active = Pattern.compile("\"activeTargets\":\\[(.*?)\\],\"droppedTargets\"").matcher(body);
            if (!active.find()) {
                return false;
            }
            for (String target : active.group(1).split("\\},\\{\"discoveredLabels\"")) {
                if (target.contains("\"job\":\"mnemos\"") && target.contains("\"health\":\"up\"")) {
                    return true;
                }
            }
            return false;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
