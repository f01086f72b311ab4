package io.mnemos.persistence;

import io.mnemos.server.ConfigException;
import io.mnemos.server.ConfigOption;
import io.mnemos.server.ServerConfig;
import io.mnemos.util.Numbers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The RDB options, with Redis's names and defaults: save, dbfilename, rdbcompression, rdbchecksum,
 * stop-writes-on-bgsave-error.
 */
public final class RdbSettings {
    /** Save points: seconds, changes, seconds, changes... (Redis 7 default "3600 1 300 100 60 10000"). */
    public volatile long[] savePoints = {3600, 1, 300, 100, 60, 10000};
    public volatile String dbfilename = "dump.rdb";
    public volatile boolean compression = true;
    public volatile boolean checksum = true;
    /** stop-writes-on-bgsave-error: refuse writes (MISCONF) while the last BGSAVE failed and save points exist. */
    public volatile boolean stopWritesOnBgsaveError = true;

    /** Whether a "save" directive of the config file (or command line) has replaced the defaults yet. */
    private boolean saveReadFromFile;

    /** Adds the options to {@code config}, replacing its placeholder "save". */
    public void register(ServerConfig config) {
        config.register(ConfigOption.of("save", true, this::saveText, v -> setSave(v, config.readingConfigFile()))
                .rewrittenAsLines(this::saveLines));
        config.register(ConfigOption.of("dbfilename", true, () -> dbfilename, v -> {
            if (v.contains("/")) {
                throw new ConfigException("dbfilename can't be a path, just a filename");
            }
            dbfilename = v;
        }).protectedConfig());
        config.register(ConfigOption.bool("rdbcompression", true, () -> compression, v -> compression = v));
        config.register(ConfigOption.bool("rdbchecksum", false, () -> checksum, v -> checksum = v));
        config.register(ConfigOption.bool("stop-writes-on-bgsave-error", true, () -> stopWritesOnBgsaveError,
                v -> stopWritesOnBgsaveError = v));
    }

    /** CONFIG GET save: "seconds changes" pairs joined by spaces, "" without save points. */
    String saveText() {
        StringBuilder sb = new StringBuilder();
        for (long p : savePoints) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(p);
        }
        return sb.toString();
    }

    /**
     * rewriteConfigSaveOption: one "save seconds changes" line per save point, or {@code save ""}
     * so that the defaults do not come back when the file is read again.
     */
    private List<String> saveLines() {
        long[] points = savePoints;
        if (points.length == 0) {
            return List.of("save \"\"");
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i + 1 < points.length; i += 2) {
            lines.add("save " + points[i] + " " + points[i + 1]);
        }
        return lines;
    }

    /**
     * setConfigSaveOption. At runtime (CONFIG SET) the value replaces the save points. In the config
     * file and on the command line the directive may repeat: the first one replaces the defaults,
     * the next ones add their points, and {@code save ""} clears what came before.
     */
    private void setSave(String v, boolean fromFile) throws ConfigException {
        // CONFIG SET splits on single spaces, so "5 " is the points 5 and "" (0 changes), as in Redis.
        // save "" (one empty argument) clears; so does CONFIG SET save "" (no arguments).
        boolean clear = v.isEmpty();
        String[] args = clear ? new String[0] : v.split(" ", -1);
        if (args.length % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        long[] parsed = new long[args.length];
        for (int j = 0; j < args.length; j++) {
            Long n = Numbers.strtollWhole(args[j]);
            if (n == null || (j % 2 == 0 && n < 1) || (j % 2 == 1 && n < 0)) {
                throw new ConfigException("Invalid save parameters");
            }
            // The changes are a C int in Redis: larger values keep their low 32 bits.
            parsed[j] = j % 2 == 0 ? n : (int) (long) n;
        }
        long[] base = savePoints;
        if (!fromFile || clear || !saveReadFromFile) {
            base = new long[0];
        }
        if (fromFile) {
            saveReadFromFile = true;
        }
        long[] a = Arrays.copyOf(base, base.length + parsed.length);
        System.arraycopy(parsed, 0, a, base.length, parsed.length);
        savePoints = a;
    }
}
