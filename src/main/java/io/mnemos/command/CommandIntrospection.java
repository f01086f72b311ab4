package io.mnemos.command;

import java.util.List;

/** COMMAND and its subcommands, generated from the command table. */
public final class CommandIntrospection implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of();
    }
}
