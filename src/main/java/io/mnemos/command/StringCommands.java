package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Entry;
import io.mnemos.store.ValueType;

import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/** String commands (Redis's t_string.c). */
public final class StringCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("get", 2).flags(READONLY, FAST).keys(1, 1, 1).group("string").keyType(ValueType.STRING)
                        .summary("Get the value of a key").handler(StringCommands::get).build(),
                command("set", -3).flags(WRITE, DENYOOM).keys(1, 1, 1).group("string")
                        .summary("Set the string value of a key").handler(StringCommands::set).build());
    }

    private static void get(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        c.reply().bulk(e == null ? null : (byte[]) e.value());
    }

    private static void set(Client c) {
        c.db().put(c.arg(1), c.arg(2), false);
        c.server().keyspace().stats().dirty++;
        c.reply().ok();
    }
}
