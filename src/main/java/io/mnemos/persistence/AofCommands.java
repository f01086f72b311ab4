package io.mnemos.persistence;

import io.mnemos.command.CommandFamily;
import io.mnemos.command.CommandSpec;
import io.mnemos.server.Client;

import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.NO_ASYNC_LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandSpec.command;

/** BGREWRITEAOF. */
public final class AofCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("bgrewriteaof", 1).flags(NO_ASYNC_LOADING, ADMIN, NOSCRIPT).group("server").since("1.0.0")
                        .summary("Asynchronously rewrite the append-only file").complexity("O(1)")
                        .handler(AofCommands::bgrewriteaof).build());
    }

    private static void bgrewriteaof(Client c) {
        c.reply().simple(c.server().aof().bgrewriteaof(c.inMulti()));
    }
}
