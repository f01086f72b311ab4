package io.mnemos.command;

import io.mnemos.server.Client;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_ASYNC_LOADING;
import static io.mnemos.command.CommandFlag.PROTECTED;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * MODULE as a Redis 7.0 with no module loaded answers it. Mnemos cannot load Redis modules (they
 * are C libraries linked against Redis's own memory): LIST is empty, so tools that probe for
 * modules see none; LOAD/LOADEX/UNLOAD are protected by enable-module-command (default no, as in
 * Redis) and, where allowed, fail with Redis's texts for a module that does not load or is absent.
 */
public final class ModuleCommands implements CommandFamily {
    private static final Logger log = LoggerFactory.getLogger(ModuleCommands.class);
    private static final String[] HELP = {
        "LIST",
        "    Return a list of loaded modules.",
        "LOAD <path> [<arg> ...]",
        "    Load a module library from <path>, passing to it any optional arguments.",
        "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
        "    Load a module library from <path>, while passing it module configurations and optional arguments.",
        "UNLOAD <name>",
        "    Unload a module.",
    };

    @Override
    public List<CommandSpec> commands() {
        return List.of(command("module", -2).group("server").since("4.0.0")
                .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0")
                        .handler(c -> ServerCommands.help(c, HELP)))
                .subcommand(command("list", 2).flags(ADMIN, NOSCRIPT).since("4.0.0")
                        .handler(c -> c.reply().arrayHeader(0)))
                .subcommand(command("load", -3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, PROTECTED).since("4.0.0")
                        .handler(ModuleCommands::load))
                .subcommand(command("loadex", -3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, PROTECTED).since("7.0.0")
                        .handler(ModuleCommands::load))
                .subcommand(command("unload", 3).flags(ADMIN, NOSCRIPT, NO_ASYNC_LOADING, PROTECTED).since("4.0.0")
                        .handler(c -> {
                            throw CommandError.err("Error unloading module: no such module with that name");
                        }))
                .build());
    }

    /** moduleLoad fails for every path here; Redis logs why and answers one text for all causes. */
    private static void load(Client c) {
        log.warn("Module {} failed to load: Mnemos cannot load Redis modules", Args.text(c.arg(2)));
        throw CommandError.err("Error loading the extension. Please check the server logs.");
    }
}
