package org.luaj.vm2;

/**
 * Mnemos: an error that carries the position where it happened ("@user_script:3") from the start,
 * as LuaJ's VM gives one when it passes the failing function's frame. Made there by Mnemos's hooks
 * (Lua 5.1's words for a runtime error), it keeps that position on its way out; in LuaJ's package
 * for LuaError's protected fields.
 */
public final class PositionedError extends LuaError {
    public PositionedError(String message, String fileline) {
        super(message);
        this.fileline = fileline;
        this.traceback = fileline + " " + message;
    }
}
