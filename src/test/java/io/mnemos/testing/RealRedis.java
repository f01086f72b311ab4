package io.mnemos.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server on a free loopback port, the reference for differential tests. Tests use
 * {@code assumeTrue(RealRedis.available())} so that machines without Redis skip them with a reason.
 */
public final class RealRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    /** The process's working directory, so its default {@code dir ./} is never the project's. */
    private final java.nio.file.Path workDir;

    private RealRedis(Process process, int port, java.nio.file.Path workDir) {
        this.process = process;
        this.port = port;
        this.workDir = workDir;
    }

    public static boolean available() {
        return executable() != null;
    }

    private static String executable() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        return null;
    }

    public static RealRedis start(String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new java.util.ArrayList<>(List.of("--save", ""));
        args.addAll(List.of(extraArgs));
        return launch(null, args);
    }

    /**
     * A redis-server reading {@code configFile} (then the usual port and bind flags and
     * {@code extraArgs}), with the file's save points rather than none.
     */
    public static RealRedis startWithConfigFile(java.nio.file.Path configFile, String... extraArgs)
            throws IOException, InterruptedException {
        return launch(configFile.toString(), List.of(extraArgs));
    }

    /**
     * A Redis Sentinel ({@code redis-server <conf> --sentinel}) whose config file holds
     * {@code configLines} (e.g. {@code sentinel monitor ...}); the sentinel rewrites that file.
     */
    public static RealRedis sentinel(String... configLines) throws IOException, InterruptedException {
        java.nio.file.Path conf = java.nio.file.Files.createTempDirectory("sentinel-test").resolve("sentinel.conf");
        java.nio.file.Files.write(conf, List.of(configLines));
        return launch(conf.toString(), List.of("--sentinel"));
    }

    private static RealRedis launch(String configFile, List<String> extraArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> cmd = new java.util.ArrayList<>(List.of(executable()));
        if (configFile != null) {
            cmd.add(java.nio.file.Path.of(configFile).toAbsolutePath().toString());
        }
        cmd.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1", "--appendonly", "no",
                "--daemonize", "no"));
        cmd.addAll(extraArgs);
        // A fresh working directory: no dump.rdb found in the project directory is loaded, and a
        // shutdown save (a config file's save points) lands in a directory of its own.
        java.nio.file.Path workDir = java.nio.file.Files.createTempDirectory("redis-test");
        java.nio.file.Path log = workDir.resolve("redis-server.log");
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // SORT ALPHA compares with strcoll: the C locale makes that byte order, as Mnemos compares.
        builder.environment().put("LC_ALL", "C");
        Process p = builder.start();
        // Redis listens before it loads its dataset and answers -LOADING meanwhile; it logs this line
        // once loading is done. A sentinel loads nothing and never logs it, so its port is enough.
        String ready = extraArgs.contains("--sentinel") ? null : "Ready to accept connections";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && p.isAlive()) {
            if (ready == null || java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).contains(ready)) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return new RealRedis(p, port, workDir);
                } catch (IOException notListening) {
                    // retried below
                }
            }
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new IOException("redis-server did not start on port " + port + ": " + java.nio.file.Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    public int port() {
        return port;
    }

    /** SIGSTOP: the process stops reading its sockets (a replica stops acknowledging) until {@link #resume}. */
    public void suspend() throws IOException, InterruptedException {
        signal("-STOP");
    }

    public void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        int exit = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill " + signal + " failed with " + exit);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        try (var files = java.nio.file.Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // A leftover temporary directory is harmless.
        }
    }
}
