package io.mnemos.command;

/**
 * A command failed with a Redis error reply. The message is the whole reply line without the
 * leading dash, starting with its code ({@code ERR ...}, {@code WRONGTYPE ...}). No stack trace is
 * captured: these are ordinary replies, not bugs.
 */
public final class CommandError extends RuntimeException {
    public static final CommandError WRONG_TYPE =
            new CommandError("WRONGTYPE Operation against a key holding the wrong kind of value");
    public static final CommandError SYNTAX = new CommandError("ERR syntax error");
    public static final CommandError NOT_INTEGER = new CommandError("ERR value is not an integer or out of range");
    public static final CommandError NOT_FLOAT = new CommandError("ERR value is not a valid float");
    public static final CommandError NO_SUCH_KEY = new CommandError("ERR no such key");
    public static final CommandError DB_INDEX = new CommandError("ERR DB index is out of range");
    public static final CommandError OVERFLOW = new CommandError("ERR increment or decrement would overflow");

    public CommandError(String message) {
        super(message, null, false, false);
    }

    /** {@code ERR <message>}. */
    public static CommandError err(String message) {
        return new CommandError("ERR " + message);
    }

    /**
     * Redis's addReplySubcommandSyntaxError: the subcommand as typed (at most 128 bytes), the
     * command upper-cased.
     */
    public static CommandError subcommandSyntax(io.mnemos.server.Client c) {
        String sub = Args.text(c.arg(1));
        return err("unknown subcommand or wrong number of arguments for '"
                + (sub.length() > 128 ? sub.substring(0, 128) : sub) + "'. Try "
                + Args.text(c.arg(0)).toUpperCase(java.util.Locale.ROOT) + " HELP.");
    }
}
