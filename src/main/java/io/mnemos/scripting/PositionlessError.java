package io.mnemos.scripting;

import org.luaj.vm2.LuaError;

/**
 * A script error Redis reports without a "user_script:N: " position in front: raised from C (rawset
 * on a read-only table), by error(message, 0), and error() with any message that is not a string or
 * number or with a level above 1 (whose position, if any, is part of the message). LuaJ would put
 * its position on every error.
 */
final class PositionlessError extends LuaError {
    private final String text;
    /**
     * Whether a C function called by another C function raised it (string.gsub calling
     * string.rep): Redis's error handler then reports where it happened as "=[C]:-1".
     */
    private boolean inNestedC;

    PositionlessError(String text) {
        this(org.luaj.vm2.LuaValue.valueOf(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
    }

    /** An error of a library function that a library function called. */
    static PositionlessError inNestedC(String text) {
        PositionlessError e = new PositionlessError(text);
        e.inNestedC = true;
        return e;
    }

    boolean inNestedC() {
        return inNestedC;
    }

    /**
     * Raises {@code value} itself, as the message object pcall hands to the script (a number stays
     * a number); an uncaught one replies as Redis's error handler words it: {@code tostring(value)}.
     */
    PositionlessError(org.luaj.vm2.LuaValue value) {
        super(value);
        this.text = value.isstring() ? LuaConversions.latin1(value) : value.tojstring();
    }

    /** The message as the script gave it. */
    String text() {
        return text;
    }
}
