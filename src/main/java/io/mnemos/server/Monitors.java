package io.mnemos.server;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Clients in MONITOR mode, Redis's {@code server.monitors}, and replicationFeedMonitors: after a
 * command ran, every monitor gets one status line such as
 * {@code +1700000000.123456 [0 127.0.0.1:54321] "set" "k" "v"} with the arguments quoted as
 * sdscatrepr quotes them. Commands run by a script show {@code [0 lua]}.
 */
public final class Monitors {
    private final LinkedHashSet<Client> monitors = new LinkedHashSet<>();

    /** MONITOR: the client gets the stream from now on (Redis flags it CLIENT_SLAVE|CLIENT_MONITOR). */
    public void add(Client c) {
        monitors.add(c);
    }

    /** RESET or a disconnect: no longer a monitor. */
    public boolean remove(Client c) {
        return monitors.remove(c);
    }

    public boolean contains(Client c) {
        return !monitors.isEmpty() && monitors.contains(c);
    }

    public boolean any() {
        return !monitors.isEmpty();
    }

    public int count() {
        return monitors.size();
    }

    /**
     * Feeds the command {@code argv} run by client {@code c} in database {@code db}; commands a
     * script runs through redis.call show as {@code [db lua]}.
     */
    public void feed(Client c, int db, byte[][] argv) {
        if (!monitors.isEmpty()) {
            feed(db, c.scriptClient() ? "lua" : c.remoteAddress(), argv);
        }
    }

    private void feed(int db, String origin, byte[][] argv) {
        byte[] line = line(Instant.now(), db, origin, argv);
        for (Client m : List.copyOf(monitors)) {
            m.deliver(w -> w.raw(line));
        }
    }

    /** The bytes a monitor receives: {@code +sec.usec [db origin] "arg" ...\r\n}. */
    public static byte[] line(Instant at, int db, String origin, byte[][] argv) {
        StringBuilder sb = new StringBuilder(64);
        long micros = at.getNano() / 1000;
        sb.append('+').append(at.getEpochSecond()).append('.');
        String us = Long.toString(micros);
        sb.append("000000", 0, 6 - us.length()).append(us);
        sb.append(" [").append(db).append(' ').append(origin).append("] ");
        for (int j = 0; j < argv.length; j++) {
            io.mnemos.util.Repr.append(sb, argv[j]);
            if (j != argv.length - 1) {
                sb.append(' ');
            }
        }
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
