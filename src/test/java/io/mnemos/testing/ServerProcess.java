package io.mnemos.testing;

import io.mnemos.server.Main;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Starts Main in a child JVM with this test's class path and waits for the ready line. */
public final class ServerProcess implements AutoCloseable {
    /** A loopback port nobody listens on now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    public final Process process;
    private final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Thread reader;

    public ServerProcess(String... args) throws IOException {
        this(List.of(), args);
    }

    /** Main in a JVM started with {@code jvmOptions} (a small -Xmx, say), then the server's {@code args}. */
    public static ServerProcess withJvmOptions(List<String> jvmOptions, String... args) throws IOException {
        return new ServerProcess(jvmOptions, args);
    }

    private ServerProcess(List<String> jvmOptions, String[] args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        if (!List.of(args).contains("--save")) {
            cmd.addAll(List.of("--save", ""));
        }
        // A fresh working directory (the default dir): no dump.rdb of the project directory is
        // loaded, and none is written there.
        process = new ProcessBuilder(cmd).directory(Files.createTempDirectory("mnemos-process").toFile())
                .redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    public void awaitReady() throws Exception {
        awaitReady(30);
    }

    public void awaitReady(long timeoutSeconds) throws Exception {
        ready.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit and for its last output lines to be read. */
    public boolean awaitExit() throws InterruptedException {
        boolean exited = process.waitFor(15, TimeUnit.SECONDS);
        reader.join(5000);
        return exited;
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
