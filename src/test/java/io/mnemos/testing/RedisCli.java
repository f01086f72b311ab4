package io.mnemos.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real redis-cli as a test client: one run to completion ({@link #run}), or a long-running mode
 * (--stat, --replica, MONITOR...) read line by line ({@link #start}). Standard error is merged
 * into standard output, as a terminal shows both. Tests use {@code assumeTrue(RedisCli.available())}.
 */
public final class RedisCli implements AutoCloseable {
    /** What a finished redis-cli printed and its exit status. */
    public record Result(String out, int exit) {
    }

    private final Process process;
    private final BufferedReader lines;

    private RedisCli(Process process) {
        this.process = process;
        this.lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    public static boolean available() {
        return onPath("redis-cli");
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static List<String> command(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code redis-cli -p port args...} with {@code stdin} (null: none) until it exits. */
    public static Result run(int port, String stdin, String... args) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command(port, args)).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("redis-cli " + String.join(" ", args) + " did not finish");
        }
        return new Result(out, p.exitValue());
    }

    /** What {@link #run} printed, whatever the exit status. */
    public static String output(int port, String... args) throws IOException, InterruptedException {
        return run(port, null, args).out();
    }

    /**
     * Starts a redis-cli mode that runs until stopped, its standard output unbuffered (stdbuf, where
     * installed) so that lines arrive as printed rather than when a pipe's buffer fills.
     */
    public static RedisCli start(int port, String... args) throws IOException {
        List<String> cmd = command(port, args);
        if (onPath("stdbuf")) {
            cmd.addAll(0, List.of("stdbuf", "-o0"));
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new RedisCli(p);
    }

    /** The next {@code n} lines (blocking; the mode's output drives the test). */
    public List<String> readLines(int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String line = lines.readLine();
            if (line == null) {
                throw new IOException("redis-cli ended after " + out);
            }
            out.add(line);
        }
        return out;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
