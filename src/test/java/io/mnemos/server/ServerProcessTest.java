package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server as a separate process, started the way users start it: config file, flags, signals. */
class ServerProcessTest {
    @TempDir
    Path dir;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts Main in a child JVM with this test's class path and waits for the ready line. */
    static final class ServerProcess implements AutoCloseable {
        final Process process;
        final List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final Thread reader;

        ServerProcess(String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName()));
            cmd.addAll(List.of(args));
            if (!List.of(args).contains("--save")) {
                // Test servers never write dump.rdb into the working directory.
                cmd.addAll(List.of("--save", ""));
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
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

        void awaitReady() throws Exception {
            ready.get(30, TimeUnit.SECONDS);
        }

        /** Waits for the process to exit and for its last output lines to be read. */
        boolean awaitExit() throws InterruptedException {
            boolean exited = process.waitFor(15, TimeUnit.SECONDS);
            reader.join(5000);
            return exited;
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    @Test
    void configFileAndFlagsConfigureTheServerAndSigtermStopsItCleanly() throws Exception {
        int port = freePort();
        Path conf = dir.resolve("mnemos.conf");
        Files.writeString(conf, """
                # a redis.conf-style file
                port 1
                bind 127.0.0.1
                databases 4
                hz 20
                requirepass "s3cret"
                """);
        Path pidfile = dir.resolve("mnemos.pid");
        try (ServerProcess server = new ServerProcess(conf.toString(), "--port", Integer.toString(port),
                "--pidfile", pidfile.toString())) {
            server.awaitReady();
            assertEquals(server.process.pid() + "\n", Files.readString(pidfile), "pidfile holds the server's pid");
            assertTrue(server.output().contains("Ready to accept connections tcp on port " + port), server.output());
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "k"));
                assertEquals("+OK\r\n", c.call("AUTH", "s3cret"));
                assertEquals("*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n", c.call("CONFIG", "GET", "databases"));
                assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n20\r\n", c.call("CONFIG", "GET", "hz"));
            }
            // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe.
            server.process.toHandle().destroy();
            assertTrue(server.awaitExit(), "exits after SIGTERM");
            assertEquals(0, server.process.exitValue(), "exit status like redis-server after SIGTERM");
            assertTrue(server.output().contains("Received SIGTERM"), server.output());
            assertTrue(server.output().contains("bye bye"), server.output());
            assertTrue(Files.notExists(pidfile), "pidfile removed on exit");
        }
    }

    @Test
    void shutdownCommandEndsTheProcess() throws Exception {
        int port = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                c.sendRaw(RespConnection.encode(new byte[][]{"SHUTDOWN".getBytes(), "NOSAVE".getBytes()}));
                assertTrue(c.closedByServer(), "SHUTDOWN closes the connection without a reply");
            }
            assertTrue(server.awaitExit(), "exits after SHUTDOWN");
            assertEquals(0, server.process.exitValue());
            assertTrue(server.output().contains("User requested shutdown"), server.output());
        }
    }

    @Test
    void badConfigFileIsRejectedWithRedisStyleMessage() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "port 6379\nno-such-directive 1\n");
        try (ServerProcess server = new ServerProcess(conf.toString())) {
            assertTrue(server.awaitExit());
            assertEquals(1, server.process.exitValue());
            assertTrue(server.output().contains("Bad directive or wrong number of arguments"), server.output());
            assertTrue(server.output().contains(">>> 'no-such-directive 1'"), server.output());
        }
    }
}
