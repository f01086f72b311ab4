package io.mnemos.persistence;

import io.mnemos.server.ConfigException;
import io.mnemos.server.ConfigOption;
import io.mnemos.server.ServerConfig;

import java.util.Locale;

/**
 * The append-only file options under Redis 7.0's names and defaults. They live in
 * {@link ServerConfig}'s option table (registered from its constructor) so that config files and
 * {@code --appendonly yes} flags are read before the server exists; the running
 * {@link AppendOnlyFile} installs {@link #onAppendonly} to turn the AOF on and off at runtime.
 */
public final class AofConfig {
    /** appendfsync. */
    public enum Fsync {
        ALWAYS, EVERYSEC, NO;

        String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Applies CONFIG SET appendonly at runtime; throws to refuse. */
    @FunctionalInterface
    public interface Toggle {
        void apply(boolean on) throws ConfigException;
    }

    public volatile boolean appendonly = false;
    public volatile Fsync appendfsync = Fsync.EVERYSEC;
    public String appendfilename = "appendonly.aof";
    public String appenddirname = "appendonlydir";
    public boolean loadTruncated = true;
    public long autoRewritePercentage = 100;
    public long autoRewriteMinSize = 64L * 1024 * 1024;
    /** The base file a rewrite writes: RDB ({@code .base.rdb}) when yes, AOF commands ({@code .base.aof}) when no. */
    public boolean useRdbPreamble = true;
    public boolean timestampEnabled = false;
    public boolean rewriteIncrementalFsync = true;
    public boolean noAppendfsyncOnRewrite = false;
    Toggle onAppendonly;

    public static void register(ServerConfig config) {
        AofConfig a = config.aof;
        config.register(ConfigOption.of("appendonly", true, () -> a.appendonly ? "yes" : "no", v -> {
            boolean on = switch (v.toLowerCase(Locale.ROOT)) {
                case "yes" -> true;
                case "no" -> false;
                default -> throw new ConfigException("argument must be 'yes' or 'no'");
            };
            if (a.onAppendonly != null && on != a.appendonly) {
                a.onAppendonly.apply(on);
            }
            a.appendonly = on;
        }));
        config.register(ConfigOption.choice("appendfsync", true, new String[]{"everysec", "always", "no"},
                () -> a.appendfsync.configName(), v -> a.appendfsync = Fsync.valueOf(v.toUpperCase(Locale.ROOT))));
        config.register(ConfigOption.of("appendfilename", false, () -> a.appendfilename, v -> {
            if (v.isEmpty() || v.contains("/") || v.equals(".") || v.equals("..")) {
                throw new ConfigException("appendfilename can't be a path, just a filename");
            }
            a.appendfilename = v;
        }));
        config.register(ConfigOption.of("appenddirname", false, () -> a.appenddirname, v -> {
            if (v.isEmpty() || v.contains("/") || v.equals(".") || v.equals("..")) {
                throw new ConfigException("appenddirname can't be a path, just a dirname");
            }
            a.appenddirname = v;
        }));
        config.register(ConfigOption.bool("aof-load-truncated", true, () -> a.loadTruncated, v -> a.loadTruncated = v));
        config.register(ConfigOption.integer("auto-aof-rewrite-percentage", true, 0, Integer.MAX_VALUE,
                () -> a.autoRewritePercentage, v -> a.autoRewritePercentage = v));
        config.register(ConfigOption.memory("auto-aof-rewrite-min-size", true, 0, Long.MAX_VALUE,
                () -> a.autoRewriteMinSize, v -> a.autoRewriteMinSize = v));
        config.register(ConfigOption.bool("aof-use-rdb-preamble", true, () -> a.useRdbPreamble, v -> a.useRdbPreamble = v));
        config.register(ConfigOption.bool("aof-timestamp-enabled", true, () -> a.timestampEnabled, v -> a.timestampEnabled = v));
        config.register(ConfigOption.bool("aof-rewrite-incremental-fsync", true,
                () -> a.rewriteIncrementalFsync, v -> a.rewriteIncrementalFsync = v));
        config.register(ConfigOption.bool("no-appendfsync-on-rewrite", true,
                () -> a.noAppendfsyncOnRewrite, v -> a.noAppendfsyncOnRewrite = v));
    }
}
