package io.mnemos.command;

import java.util.List;

/** A group of related commands (one Redis command group) declared together. */
public interface CommandFamily {
    List<CommandSpec> commands();
}
