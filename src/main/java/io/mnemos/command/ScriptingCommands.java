package io.mnemos.command;

import io.mnemos.scripting.Scripting;
import io.mnemos.server.Client;

import java.util.List;

import static io.mnemos.command.CommandFlag.ALLOW_BUSY;
import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.MAY_REPLICATE;
import static io.mnemos.command.CommandFlag.MOVABLEKEYS;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_MANDATORY_KEYS;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.SKIP_MONITOR;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Lua scripting and Redis Functions: EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT FCALL FCALL_RO
 * FUNCTION. The engine is {@link io.mnemos.scripting.Scripting}.
 */
public final class ScriptingCommands implements CommandFamily {
    private static final String[] SCRIPT_HELP = {
            "DEBUG (YES|SYNC|NO)",
            "    Set the debug mode for subsequent scripts executed.",
            "EXISTS <sha1> [<sha1> ...]",
            "    Return information about the existence of the scripts in the script cache.",
            "FLUSH [ASYNC|SYNC]",
            "    Flush the Lua scripts cache. Very dangerous on replicas.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the scripts cache.",
            "    * SYNC: Synchronously flush the scripts cache.",
            "KILL",
            "    Kill the currently executing Lua script.",
            "LOAD <script>",
            "    Load a script into the scripts cache without executing it.",
    };

    private static final String[] FUNCTION_HELP = {
            "LOAD [REPLACE] <FUNCTION CODE>",
            "    Create a new library with the given library name and code.",
            "DELETE <LIBRARY NAME>",
            "    Delete the given library.",
            "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
            "    Return general information on all the libraries:",
            "    * Library name",
            "    * The engine used to run the Library",
            "    * Library description",
            "    * Functions list",
            "    * Library code (if WITHCODE is given)",
            "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
            "STATS",
            "    Return information about the current function running:",
            "    * Function name",
            "    * Command used to run the function",
            "    * Duration in MS that the function is running",
            "    If no function is running, return nil",
            "    In addition, returns a list of available engines.",
            "KILL",
            "    Kill the current running function.",
            "FLUSH [ASYNC|SYNC]",
            "    Delete all the libraries.",
            "    When called without the optional mode argument, the behavior is determined by the",
            "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
            "    * ASYNC: Asynchronously flush the libraries.",
            "    * SYNC: Synchronously flush the libraries.",
            "DUMP",
            "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
            "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
            "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
            "    control how to handle existing libraries (default APPEND):",
            "    * FLUSH: delete all existing libraries.",
            "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
            "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
            "      libraries with the new libraries (notice that even on this option there is a chance of failure",
            "      in case of functions name collision with another library).",
    };

    private static Scripting scripting(Client c) {
        return c.server().scripting();
    }

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("eval", -3).flags(NOSCRIPT, SKIP_MONITOR, MAY_REPLICATE, NO_MANDATORY_KEYS, STALE, MOVABLEKEYS)
                        .group("scripting").since("2.6.0").summary("Execute a Lua script server side")
                        .complexity("Depends on the script that is executed.")
                        .handler(fedToMonitorsFirst(c -> scripting(c).eval(c, false, false))).build(),
                command("evalsha", -3).flags(NOSCRIPT, SKIP_MONITOR, MAY_REPLICATE, NO_MANDATORY_KEYS, STALE, MOVABLEKEYS)
                        .group("scripting").since("2.6.0").summary("Execute a Lua script server side")
                        .complexity("Depends on the script that is executed.")
                        .handler(fedToMonitorsFirst(c -> scripting(c).eval(c, true, false))).build(),
                command("eval_ro", -3).flags(READONLY, NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE, MOVABLEKEYS)
                        .group("scripting").since("7.0.0").summary("Execute a read-only Lua script server side")
                        .complexity("Depends on the script that is executed.")
                        .handler(fedToMonitorsFirst(c -> scripting(c).eval(c, false, true))).build(),
                command("evalsha_ro", -3).flags(READONLY, NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE, MOVABLEKEYS)
                        .group("scripting").since("7.0.0").summary("Execute a read-only Lua script server side")
                        .complexity("Depends on the script that is executed.")
                        .handler(fedToMonitorsFirst(c -> scripting(c).eval(c, true, true))).build(),
                command("fcall", -3).flags(NOSCRIPT, SKIP_MONITOR, MAY_REPLICATE, NO_MANDATORY_KEYS, STALE, MOVABLEKEYS)
                        .group("scripting").since("7.0.0").summary("Invoke a function")
                        .complexity("Depends on the function that is executed.")
                        .handler(fedToMonitorsFirst(c -> scripting(c).functions().fcall(c, false))).build(),
                command("fcall_ro", -3).flags(READONLY, NOSCRIPT, SKIP_MONITOR, NO_MANDATORY_KEYS, STALE, MOVABLEKEYS)
                        .group("scripting").since("7.0.0").summary("Invoke a read-only function")
                        .complexity("Depends on the function that is executed.")
                        .handler(fedToMonitorsFirst(c -> scripting(c).functions().fcall(c, true))).build(),
                command("script", -2).group("scripting").since("2.6.0")
                        .summary("A container for Lua scripts management commands")
                        .complexity("Depends on subcommand.")
                        .subcommand(command("debug", 3).flags(NOSCRIPT).since("3.2.0")
                                .summary("Set the debug mode for executed scripts.").complexity("O(1)")
                                .handler(ScriptingCommands::scriptDebug))
                        .subcommand(command("exists", -3).flags(NOSCRIPT).since("2.6.0")
                                .summary("Check existence of scripts in the script cache.")
                                .complexity("O(N) with N being the number of scripts to check (so checking a single "
                                        + "script is an O(1) operation).")
                                .handler(c -> scripting(c).scriptExists(c)))
                        .subcommand(command("flush", -2).flags(NOSCRIPT).since("2.6.0")
                                .summary("Remove all the scripts from the script cache.")
                                .complexity("O(N) with N being the number of scripts in cache")
                                .handler(ScriptingCommands::scriptFlush))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("5.0.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> CommandIntrospection.help(c, "SCRIPT", SCRIPT_HELP)))
                        .subcommand(command("kill", 2).flags(NOSCRIPT, ALLOW_BUSY).since("2.6.0")
                                .summary("Kill the script currently in execution.").complexity("O(1)")
                                .handler(c -> scripting(c).kill(c, true)))
                        .subcommand(command("load", 3).flags(NOSCRIPT, STALE).since("2.6.0")
                                .summary("Load the specified Lua script into the script cache.")
                                .complexity("O(N) with N being the length in bytes of the script body.")
                                .handler(c -> scripting(c).scriptLoad(c)))
                        .build(),
                command("function", -2).group("scripting").since("7.0.0")
                        .summary("A container for function commands").complexity("Depends on subcommand.")
                        .subcommand(command("delete", 3).flags(WRITE, NOSCRIPT).since("7.0.0")
                                .summary("Delete a function by name").complexity("O(1)")
                                .handler(c -> scripting(c).functions().delete(c)))
                        .subcommand(command("dump", 2).flags(NOSCRIPT).since("7.0.0")
                                .summary("Dump all functions into a serialized binary payload")
                                .complexity("O(N) where N is the number of functions")
                                .handler(c -> c.reply().bulk(scripting(c).functions().dump(c.server().config().rdb.compression))))
                        .subcommand(command("flush", -2).flags(WRITE, NOSCRIPT).since("7.0.0")
                                .summary("Deleting all functions")
                                .complexity("O(N) where N is the number of functions deleted")
                                .handler(ScriptingCommands::functionFlush))
                        .subcommand(command("help", 2).flags(LOADING, STALE).since("7.0.0")
                                .summary("Show helpful text about the different subcommands").complexity("O(1)")
                                .handler(c -> CommandIntrospection.help(c, "FUNCTION", FUNCTION_HELP)))
                        .subcommand(command("kill", 2).flags(NOSCRIPT, ALLOW_BUSY).since("7.0.0")
                                .summary("Kill the function currently in execution.").complexity("O(1)")
                                .handler(c -> scripting(c).kill(c, false)))
                        .subcommand(command("list", -2).flags(NOSCRIPT).since("7.0.0")
                                .summary("List information about all the functions")
                                .complexity("O(N) where N is the number of functions")
                                .handler(c -> scripting(c).functions().list(c)))
                        .subcommand(command("load", -3).flags(WRITE, DENYOOM, NOSCRIPT).since("7.0.0")
                                .summary("Create a function with the given arguments (name, code, description)")
                                .complexity("O(1) (considering compilation time is redundant)")
                                .handler(c -> scripting(c).functions().load(c)))
                        .subcommand(command("restore", -3).flags(WRITE, DENYOOM, NOSCRIPT).since("7.0.0")
                                .summary("Restore all the functions on the given payload")
                                .complexity("O(N) where N is the number of functions on the payload")
                                .handler(c -> scripting(c).functions().restore(c)))
                        .subcommand(command("stats", 2).flags(NOSCRIPT, ALLOW_BUSY).since("7.0.0")
                                .summary("Return information about the function currently running (name, description, "
                                        + "duration)")
                                .complexity("O(1)")
                                .handler(c -> scripting(c).functions().stats(c)))
                        .build());
    }

    private static void scriptDebug(Client c) {
        // clientHasPendingReplies: refused after unsent replies (a pipeline, or inside EXEC).
        if (c.outputBufferBytes() > 0) {
            throw CommandError.err("SCRIPT DEBUG must be called outside a pipeline");
        }
        if (Args.is(c.arg(2), "no")) {
            c.reply().ok();
        } else if (Args.is(c.arg(2), "yes") || Args.is(c.arg(2), "sync")) {
            // The Lua debugger (LDB) is not implemented.
            throw CommandError.err("SCRIPT DEBUG is not supported by Mnemos");
        } else {
            throw CommandError.err("Use SCRIPT DEBUG YES/SYNC/NO");
        }
    }

    private static void scriptFlush(Client c) {
        if (c.argc() > 3 || (c.argc() == 3 && !Args.is(c.arg(2), "sync") && !Args.is(c.arg(2), "async"))) {
            throw CommandError.err("SCRIPT FLUSH only support SYNC|ASYNC option");
        }
        scripting(c).scriptFlush();
        c.reply().ok();
    }

    private static void functionFlush(Client c) {
        if (c.argc() > 3) {
            throw CommandError.subcommandSyntax(c);
        }
        if ((c.argc() == 3 && !Args.is(c.arg(2), "sync") && !Args.is(c.arg(2), "async"))) {
            throw CommandError.err("FUNCTION FLUSH only supports SYNC|ASYNC option");
        }
        scripting(c).functions().flush();
        c.server().keyspace().stats().dirty++;
        c.reply().ok();
    }

    /**
     * EVAL, EVALSHA and FCALL are SKIP_MONITOR: like evalCommand, they feed monitors themselves
     * before running, so the script's own commands ({@code [0 lua]}) appear after them.
     */
    private static CommandHandler fedToMonitorsFirst(CommandHandler handler) {
        return c -> {
            c.server().monitors().feed(c, c.db().id(), c.argv());
            handler.execute(c);
        };
    }
}
