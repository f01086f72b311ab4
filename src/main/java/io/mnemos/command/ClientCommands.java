package io.mnemos.command;

import java.util.List;

/** CLIENT and its subcommands (Redis's networking.c). */
public final class ClientCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of();
    }
}
