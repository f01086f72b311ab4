package io.mnemos.scripting;

import org.luaj.vm2.LuaValue;

/**
 * What a script invocation produced: its return value (converted to the caller's reply on the
 * keyspace thread), or the error text Redis replies with (without the leading '-').
 */
record ScriptResult(LuaValue value, String error, boolean errorCounted) {
    static ScriptResult value(LuaValue v) {
        return new ScriptResult(v, null, false);
    }

    static ScriptResult error(String message, boolean counted) {
        return new ScriptResult(null, message, counted);
    }
}
