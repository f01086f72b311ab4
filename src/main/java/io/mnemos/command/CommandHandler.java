package io.mnemos.command;

import io.mnemos.server.Client;

/** Executes one command for a client; the arguments are in {@link Client#argv()}. */
@FunctionalInterface
public interface CommandHandler {
    void execute(Client c);
}
