package io.mnemos.persistence;

import io.mnemos.server.ConfigException;
import io.mnemos.server.ConfigOption;
import io.mnemos.server.ServerConfig;

import java.util.ArrayList;
import java.util.List;

/** The RDB options, with Redis's names and defaults: save, dbfilename, rdbcompression, rdbchecksum. */
public final class RdbSettings {
    /** Save points: seconds, changes, seconds, changes... (Redis 7 default "3600 1 300 100 60 10000"). */
    public volatile long[] savePoints = {3600, 1, 300, 100, 60, 10000};
    public volatile String dbfilename = "dump.rdb";
    public volatile boolean compression = true;
    public volatile boolean checksum = true;

    /** Adds the options to {@code config}, replacing its placeholder "save". */
    public void register(ServerConfig config) {
        config.register(ConfigOption.of("save", true, this::saveText, this::setSave));
        config.register(ConfigOption.of("dbfilename", true, () -> dbfilename, v -> {
            if (v.contains("/")) {
                throw new ConfigException("dbfilename can't be a path, just a filename");
            }
            dbfilename = v;
        }).protectedConfig());
        config.register(ConfigOption.bool("rdbcompression", true, () -> compression, v -> compression = v));
        config.register(ConfigOption.bool("rdbchecksum", true, () -> checksum, v -> checksum = v));
    }

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

    private void setSave(String v) throws ConfigException {
        String[] parts = v.trim().isEmpty() ? new String[0] : v.trim().split("\\s+");
        if (parts.length % 2 != 0) {
            throw new ConfigException("Invalid save parameters");
        }
        List<Long> points = new ArrayList<>();
        for (String p : parts) {
            long n;
            try {
                n = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw new ConfigException("Invalid save parameters");
            }
            if (n < 0 || n > Integer.MAX_VALUE) {
                throw new ConfigException("Invalid save parameters");
            }
            points.add(n);
        }
        long[] a = new long[points.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = points.get(i);
        }
        savePoints = a;
    }
}
