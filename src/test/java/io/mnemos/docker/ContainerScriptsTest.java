package io.mnemos.docker;

import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The container's scripts run here, outside Docker: the exact HEALTHCHECK command against a real
 * server with and without requirepass, the Redis-world compose idioms, and the entrypoint's
 * argument handling (official-redis-image style) with a stub java.
 */
class ContainerScriptsTest {
    static final Path HEALTHCHECK = Path.of("docker/healthcheck.sh");
    static final Path ENTRYPOINT = Path.of("docker/entrypoint.sh");

    record Result(int exit, String output) {
    }

    static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("REDISCLI_AUTH");
        pb.environment().remove("MNEMOS_PASSWORD");
        pb.environment().remove("MNEMOS_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    static boolean hasRedisCli() {
        try {
            return new ProcessBuilder("redis-cli", "--version").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** The first command of a fresh JVM on a busy CI machine can take a while; the probe's cap is 2 s. */
    static void warmUp(RunningServer s) throws IOException {
        try (io.mnemos.testing.RespConnection c = new io.mnemos.testing.RespConnection(s.host(), s.port())) {
            for (int i = 0; i < 20; i++) {
                c.call("PING");
            }
        }
    }

    @Test
    void healthcheckPassesOnPong() throws Exception {
        assumeTrue(hasRedisCli(), "redis-cli not on PATH");
        try (RunningServer s = RunningServer.start()) {
            warmUp(s);
            Result r = run(Map.of(), "sh", HEALTHCHECK.toString(), s.host(), Integer.toString(s.port()));
            assertEquals(new Result(0, ""), r);
        }
    }

    @Test
    void healthcheckAuthenticatesWithMnemosPasswordOrRediscliAuth() throws Exception {
        assumeTrue(hasRedisCli(), "redis-cli not on PATH");
        try (RunningServer s = RunningServer.start("--requirepass", "s3cret")) {
            warmUp(s);
            String port = Integer.toString(s.port());
            assertEquals(new Result(0, ""),
                    run(Map.of("MNEMOS_PASSWORD", "s3cret"), "sh", HEALTHCHECK.toString(), s.host(), port));
            assertEquals(new Result(0, ""),
                    run(Map.of("REDISCLI_AUTH", "s3cret"), "sh", HEALTHCHECK.toString(), s.host(), port));
            // Without the password the server answers NOAUTH: not healthy.
            Result noAuth = run(Map.of(), "sh", HEALTHCHECK.toString(), s.host(), port);
            assertEquals(1, noAuth.exit());
            assertEquals("unhealthy: NOAUTH Authentication required.\n", noAuth.output());
            Result wrong = run(Map.of("MNEMOS_PASSWORD", "nope"), "sh", HEALTHCHECK.toString(), s.host(), port);
            assertEquals(1, wrong.exit());
            assertTrue(wrong.output().startsWith("unhealthy: "), wrong.output());
        }
    }

    @Test
    void healthcheckFailsWithinASecondWhenNothingListens() throws Exception {
        assumeTrue(hasRedisCli(), "redis-cli not on PATH");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        long start = System.nanoTime();
        Result r = run(Map.of(), "sh", HEALTHCHECK.toString(), "127.0.0.1", Integer.toString(port));
        assertEquals(1, r.exit());
        assertTrue(r.output().startsWith("unhealthy: Could not connect"), r.output());
        assertTrue((System.nanoTime() - start) / 1_000_000 < 3000);
    }

    @Test
    void redisComposeIdiomsWorkAgainstMnemos() throws Exception {
        assumeTrue(hasRedisCli(), "redis-cli not on PATH");
        try (RunningServer s = RunningServer.start()) {
            String port = Integer.toString(s.port());
            assertEquals(new Result(0, "PONG\n"), run(Map.of(), "redis-cli", "-p", port, "ping"));
            assertEquals(new Result(0, "1\n"), run(Map.of(), "redis-cli", "-p", port, "--raw", "incr", "ping"));
            assertEquals(new Result(0, "2\n"), run(Map.of(), "redis-cli", "-p", port, "--raw", "incr", "ping"));
        }
    }

    /** Runs the entrypoint with a stub java that prints its arguments, one per line. */
    static List<String> entrypoint(@TempDir Path tmp, String javaVersion, Map<String, String> env, String... args)
            throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done\n");
        java.toFile().setExecutable(true);
        Path home = Files.createDirectories(tmp.resolve("jdk"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Eclipse Adoptium\"\nJAVA_VERSION=\"" + javaVersion + "\"\n");
        List<String> command = new ArrayList<>(List.of("sh", ENTRYPOINT.toString()));
        command.addAll(List.of(args));
        Map<String, String> fullEnv = new java.util.HashMap<>(env);
        fullEnv.put("PATH", bin + ":" + System.getenv("PATH"));
        fullEnv.put("JAVA_HOME", home.toString());
        Result r = run(fullEnv, command.toArray(String[]::new));
        assertEquals(0, r.exit(), r.output());
        return List.of(r.output().split("\n"));
    }

    @Test
    void entrypointAppendsExtraArgumentsToTheDefaultConfigLikeTheRedisImage(@TempDir Path tmp) throws Exception {
        List<String> argv = entrypoint(tmp, "21.0.5", Map.of(), "--maxmemory", "256mb");
        assertEquals(List.of("-XX:MaxRAMPercentage=75", "-XX:+UseZGC", "-XX:+ZGenerational", "-XX:+ExitOnOutOfMemoryError",
                "-Xss512k", "-jar", "/opt/mnemos/mnemos-server.jar", "/etc/mnemos/mnemos.conf", "--maxmemory", "256mb"), argv);
    }

    @Test
    void entrypointTakesAConfigFileArgumentAndThePasswordFromTheEnvironment(@TempDir Path tmp) throws Exception {
        List<String> argv = entrypoint(tmp, "25.0.1", Map.of("MNEMOS_PASSWORD", "s3 cret"), "/conf/my.conf", "--port", "7000");
        // JDK 23+: generational ZGC is the only mode, no flag needed.
        assertEquals(List.of("-XX:MaxRAMPercentage=75", "-XX:+UseZGC", "-XX:+ExitOnOutOfMemoryError", "-Xss512k",
                "-jar", "/opt/mnemos/mnemos-server.jar", "/conf/my.conf", "--port", "7000", "--requirepass", "s3 cret"), argv);
    }

    @Test
    void entrypointRunsOtherCommandsAsIs(@TempDir Path tmp) throws Exception {
        assertEquals(List.of("hello"), entrypoint(tmp, "21", Map.of(), "echo", "hello"));
        List<String> argv = entrypoint(tmp, "21", Map.of("MNEMOS_JAVA_OPTS", "-Xmx64m"), "mnemos-server", "/etc/mnemos/mnemos.conf");
        assertEquals(List.of("-Xmx64m", "-jar", "/opt/mnemos/mnemos-server.jar", "/etc/mnemos/mnemos.conf"), argv);
    }

    @Test
    void containerConfigIsAValidMnemosConfigBindingAllInterfaces() throws Exception {
        io.mnemos.server.ServerConfig config = new io.mnemos.server.ServerConfig();
        String text = Files.readString(Path.of("docker/mnemos.conf")).replace("dir /data", "dir .");
        config.load(text);
        assertEquals("0.0.0.0", config.bind);
        assertEquals(6379, config.port);
        assertEquals(9121, config.metricsPort);
        assertEquals("no", config.option("protected-mode").get());
        assertTrue(Files.readString(Path.of("docker/mnemos.conf")).contains("\ndir /data\n"));
    }
}
