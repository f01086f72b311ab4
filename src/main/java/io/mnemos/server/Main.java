package io.mnemos.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code java -jar mnemos-server.jar [/path/mnemos.conf] [--option value ...]}, like redis-server.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    /** Like redis-server: write our pid to {@code pidfile} when set, and remove it on exit. */
    private static void writePidfile(String pidfile) {
        if (pidfile.isEmpty()) {
            return;
        }
        java.nio.file.Path path = java.nio.file.Path.of(pidfile);
        try {
            java.nio.file.Files.writeString(path, ProcessHandle.current().pid() + "\n");
            path.toFile().deleteOnExit();
        } catch (java.io.IOException e) {
            log.warn("Failed to write PID file: {}", e.getMessage());
        }
    }

    public static void main(String[] args) {
        // Leak detection samples and wraps buffers on the request path; keep it for tests (surefire
        // sets it to paranoid) and for anyone who asks with -Dio.netty.leakDetection.level.
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            System.setProperty("io.netty.leakDetection.level", "disabled");
        }
        ServerConfig config;
        try {
            config = ServerConfig.fromArgs(args);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(1);
            return;
        } catch (java.io.IOException e) {
            System.err.println("Fatal error, can't open config file '" + args[0] + "': " + e.getMessage());
            System.exit(1);
            return;
        }
        Logging.applyLogfile(config.logfile);
        Logging.applyLevel(config.loglevel);
        log.info("Mnemos version={} (Redis {} compatible), pid={}, just started",
                Main.class.getPackage().getImplementationVersion(), Server.REDIS_VERSION, ProcessHandle.current().pid());
        if (config.option("daemonize").get().equals("yes")) {
            log.warn("daemonize yes is ignored: Mnemos stays in the foreground (a JVM cannot fork); "
                    + "let systemd, docker or nohup put it in the background");
        }
        Server server = new Server(config);
        server.onShutdown(() -> System.exit(0));
        server.persistence().onLoadFailure(() -> Runtime.getRuntime().halt(1));
        // Like Redis: SIGTERM and SIGINT run the shutdown sequence (waiting for lagging replicas,
        // the final save) with the flags shutdown-on-sigterm / shutdown-on-sigint give; the process
        // exits with 0. Before the server runs there is nothing to wait for or save.
        for (String signal : new String[]{"TERM", "INT"}) {
            Signal.handle(new Signal(signal), s -> {
                log.warn("Received SIG{} scheduling shutdown...", signal);
                ShutdownSequence.Flags flags = ShutdownSequence.Flags.of(java.util.List.of(
                        config.option("shutdown-on-sig" + signal.toLowerCase(java.util.Locale.ROOT)).get().split(" ")));
                if (server.started()) {
                    server.execute(() -> server.shutdown().requestedBySignal(flags));
                } else {
                    new Thread(() -> {
                        server.stop();
                        System.exit(0);
                    }, "mnemos-signal-shutdown").start();
                }
            });
        }
        writePidfile(config.pidfile);
        try {
            server.start();
        } catch (Exception e) {
            log.error("{}", e.getMessage());
            System.exit(1);
        }
        server.awaitTermination();
    }
}
