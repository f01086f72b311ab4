package io.mnemos.command;

import io.mnemos.server.Client;

import java.util.List;

import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/** Generic key commands (Redis's db.c and expire.c). */
public final class KeyCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("del", -2).flags(WRITE).keys(1, -1, 1).group("generic")
                        .summary("Delete a key").handler(KeyCommands::del).build());
    }

    private static void del(Client c) {
        long deleted = 0;
        for (int i = 1; i < c.argc(); i++) {
            if (c.db().delete(c.arg(i))) {
                deleted++;
            }
        }
        c.server().keyspace().stats().dirty += deleted;
        c.reply().integer(deleted);
    }
}
