package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.server.Monitors;

import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * MONITOR (Redis 7.0's monitorCommand and replicationFeedMonitors): the client receives a line for
 * every command executed from then on (see {@link Monitors}). The dispatcher feeds the stream after
 * each command, leaving out ADMIN and SKIP_MONITOR commands, rejected commands and clients served
 * after blocking. A monitor may still run commands that do not touch the keyspace (PING, ECHO,
 * CLIENT, RESET...); others get Redis's "Replica can't interact with the keyspace".
 */
public final class MonitorCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("monitor", 1).flags(ADMIN, NOSCRIPT, LOADING, STALE).group("server").since("1.0.0")
                        .summary("Listen for all requests received by the server in real time")
                        .handler(MonitorCommands::monitor).build());
    }

    private static void monitor(Client c) {
        if (c.inMulti()) {
            // Inside EXEC the client is CLIENT_DENY_BLOCKING: it expects one reply per command.
            throw CommandError.err("MONITOR isn't allowed for DENY BLOCKING client");
        }
        Monitors monitors = c.server().monitors();
        if (monitors.contains(c)) {
            return; // already a monitor: ignored, without a reply
        }
        monitors.add(c);
        c.reply().ok();
    }

    /** processCommand's check for replicas (monitors are flagged as such): no keyspace access. */
    static boolean deniedToMonitor(Client c, CommandSpec spec) {
        return c.server().monitors().contains(c)
                && (spec.has(CommandFlag.WRITE) || spec.has(CommandFlag.READONLY) || spec.has(CommandFlag.MAY_REPLICATE));
    }
}
