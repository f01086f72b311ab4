package io.mnemos.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.FileAppender;
import org.slf4j.LoggerFactory;

/** Maps Redis's loglevel and logfile settings onto Logback. */
public final class Logging {
    private Logging() {
    }

    /** debug, verbose, notice, warning as in redis.conf. */
    public static void applyLevel(String loglevel) {
        Level level = switch (loglevel) {
            case "debug" -> Level.TRACE;
            case "verbose" -> Level.DEBUG;
            case "warning" -> Level.WARN;
            default -> Level.INFO;
        };
        logger("io.mnemos").setLevel(level);
    }

    /** Sends the log to a file instead of standard output, as {@code logfile} does; "" keeps stdout. */
    public static void applyLogfile(String logfile) {
        if (logfile == null || logfile.isEmpty()) {
            return;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(context.getProperty("MNEMOS_PATTERN") != null
                ? context.getProperty("MNEMOS_PATTERN") : "%d{dd MMM yyyy HH:mm:ss.SSS} %level %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> file = new FileAppender<>();
        file.setContext(context);
        file.setName("FILE");
        file.setFile(logfile);
        file.setAppend(true);
        file.setEncoder(encoder);
        file.start();
        ch.qos.logback.classic.Logger root = logger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(file);
    }

    private static ch.qos.logback.classic.Logger logger(String name) {
        return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(name);
    }
}
