package io.mnemos.server;

import java.util.ArrayDeque;
import java.util.Deque;

/** SLOWLOG: the most recent commands that took longer than slowlog-log-slower-than microseconds. */
public final class SlowLog {
    /** Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING. */
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;

    public record Record(long id, long timestampSeconds, long micros, byte[][] argv, String peer, String clientName) {
    }

    private final ServerConfig config;
    private final Deque<Record> records = new ArrayDeque<>();
    private long nextId;

    public SlowLog(ServerConfig config) {
        this.config = config;
    }

    public void record(Client c, byte[][] argv, long micros) {
        long threshold = config.slowlogLogSlowerThan;
        if (threshold < 0 || micros < threshold || c.command() != null
                && c.command().has(io.mnemos.command.CommandFlag.SKIP_SLOWLOG)) {
            return;
        }
        // getClientPeerId of a client without a connection (a script's commands): "?:0".
        String peer = c.scriptClient() ? "?:0" : c.remoteAddress();
        records.addFirst(new Record(nextId++, System.currentTimeMillis() / 1000, micros, trim(argv), peer, c.name()));
        trimToMax();
    }

    public void trimToMax() {
        while (records.size() > config.slowlogMaxLen) {
            records.removeLast();
        }
    }

    public Iterable<Record> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    public void reset() {
        records.clear();
    }

    private static byte[][] trim(byte[][] argv) {
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] kept = new byte[argc][];
        for (int i = 0; i < argc; i++) {
            if (i == MAX_ARGC - 1 && argv.length > MAX_ARGC) {
                kept[i] = ("... (" + (argv.length - MAX_ARGC + 1) + " more arguments)").getBytes();
            } else if (argv[i].length > MAX_STRING) {
                byte[] cut = java.util.Arrays.copyOf(argv[i], MAX_STRING);
                String suffix = "... (" + (argv[i].length - MAX_STRING) + " more bytes)";
                byte[] joined = new byte[MAX_STRING + suffix.length()];
                System.arraycopy(cut, 0, joined, 0, MAX_STRING);
                System.arraycopy(suffix.getBytes(), 0, joined, MAX_STRING, suffix.length());
                kept[i] = joined;
            } else {
                kept[i] = argv[i];
            }
        }
        return kept;
    }
}
