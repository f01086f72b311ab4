package io.mnemos.command;

import io.mnemos.server.Client;

import java.util.List;

import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/** Connection commands: PING, ECHO, SELECT, AUTH, HELLO, RESET, CLIENT ... */
public final class ConnectionCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("ping", -1).flags(FAST, STALE, LOADING).group("connection").since("1.0.0")
                        .summary("Ping the server").handler(ConnectionCommands::ping).build(),
                command("echo", 2).flags(FAST, STALE, LOADING).group("connection").since("1.0.0")
                        .summary("Echo the given string").handler(c -> c.reply().bulk(c.arg(1))).build(),
                command("select", 2).flags(FAST, STALE, LOADING).group("connection").since("1.0.0")
                        .summary("Change the selected database for the current connection")
                        .handler(ConnectionCommands::select).build());
    }

    private static void ping(Client c) {
        if (c.argc() > 2) {
            throw CommandError.err("wrong number of arguments for 'ping' command");
        }
        if (c.argc() == 2) {
            c.reply().bulk(c.arg(1));
        } else {
            c.reply().simple("PONG");
        }
    }

    private static void select(Client c) {
        long index = Args.parseLong(c.arg(1), "value is not an integer or out of range");
        if (index < 0 || index >= c.server().keyspace().count()) {
            throw CommandError.DB_INDEX;
        }
        c.select((int) index);
        c.reply().ok();
    }
}
