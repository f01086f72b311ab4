package io.mnemos.server;

import io.mnemos.protocol.InlineSplitter;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The Pub/Sub related config parameters, with Redis's parsing, rendering and error texts:
 * {@code notify-keyspace-events} (class letters, rendered canonically) and
 * {@code client-output-buffer-limit} ({@code <class> <hard> <soft> <soft seconds>} groups).
 */
final class PubSubOptions {
    private static final String[] CLASS_NAMES = {"normal", "slave", "pubsub"};

    private PubSubOptions() {
    }

    /** Redis's defaults: normal 0 0 0, slave 256mb 64mb 60, pubsub 32mb 8mb 60. */
    static long[][] defaultOutputBufferLimits() {
        return new long[][]{
                {0, 0, 0},
                {256L * 1024 * 1024, 64L * 1024 * 1024, 60},
                {32L * 1024 * 1024, 8L * 1024 * 1024, 60}};
    }

    static void register(ServerConfig config) {
        config.register(ConfigOption.of("notify-keyspace-events", true,
                () -> Notifier.renderFlags(config.notifyKeyspaceEvents), v -> {
                    int flags = Notifier.parseFlags(v);
                    if (flags == -1) {
                        throw new ConfigException("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
                    }
                    config.notifyKeyspaceEvents = flags;
                }));
        config.register(ConfigOption.of("client-output-buffer-limit", true,
                () -> renderLimits(config.clientOutputBufferLimits),
                v -> setLimits(config.clientOutputBufferLimits, v)));
    }

    static String renderLimits(long[][] limits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < CLASS_NAMES.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(CLASS_NAMES[i]).append(' ').append(limits[i][0]).append(' ').append(limits[i][1])
                    .append(' ').append(limits[i][2]);
        }
        return sb.toString();
    }

    /** Redis's setConfigClientOutputBufferLimitOption: all groups are checked before any is applied. */
    private static void setLimits(long[][] limits, String value) throws ConfigException {
        byte[][] parts = InlineSplitter.split(value.getBytes(StandardCharsets.UTF_8));
        if (parts == null || parts.length % 4 != 0) {
            throw new ConfigException("Wrong number of arguments in buffer limit configuration.");
        }
        String[] args = new String[parts.length];
        for (int j = 0; j < parts.length; j++) {
            args[j] = new String(parts[j], StandardCharsets.UTF_8);
            if (j % 4 == 0) {
                if (classOf(args[j]) < 0) {
                    throw new ConfigException("Invalid client class specified in buffer limit configuration.");
                }
            } else if (ConfigOption.parseMemory(args[j]) < 0) {
                throw new ConfigException("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
            }
        }
        for (int j = 0; j < args.length; j += 4) {
            long[] limit = limits[classOf(args[j])];
            limit[0] = ConfigOption.parseMemory(args[j + 1]);
            limit[1] = ConfigOption.parseMemory(args[j + 2]);
            limit[2] = leadingDigits(args[j + 3]);
        }
    }

    /** getClientTypeByName, where "master" is not a class a limit can be set for. */
    private static int classOf(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "normal" -> ServerConfig.CLIENT_CLASS_NORMAL;
            case "slave", "replica" -> ServerConfig.CLIENT_CLASS_REPLICA;
            case "pubsub" -> ServerConfig.CLIENT_CLASS_PUBSUB;
            default -> -1;
        };
    }

    /** strtoll as Redis applies it to soft seconds: the leading digits ("5k" is 5). */
    private static long leadingDigits(String s) {
        long v = 0;
        for (int i = 0; i < s.length() && Character.isDigit(s.charAt(i)); i++) {
            v = v * 10 + (s.charAt(i) - '0');
        }
        return v;
    }
}
