package io.mnemos.command;

import java.util.List;

/** Server commands: INFO, CONFIG, COMMAND, DEBUG, SHUTDOWN, SLOWLOG, ... */
public final class ServerCommands implements CommandFamily {
    @Override
    public List<CommandSpec> commands() {
        return List.of();
    }
}
