package io.mnemos.command;

import java.util.List;

/** DEBUG, SHUTDOWN and FUNCTION (empty library) commands. */
public final class DebugCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of();
    }
}
