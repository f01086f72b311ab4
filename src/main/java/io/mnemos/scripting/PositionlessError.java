package io.mnemos.scripting;

import org.luaj.vm2.LuaError;

/**
 * A script error Redis reports without a "user_script:N: " position in front: raised from C (rawset
 * on a read-only table) or by error(message, 0). LuaJ would put its position on every error.
 */
final class PositionlessError extends LuaError {
    private final String text;

    PositionlessError(String text) {
        // As a message object, which pcall hands to the script as it is, without a position.
        super(org.luaj.vm2.LuaValue.valueOf(text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)));
        this.text = text;
    }

    /** The message as the script gave it. */
    String text() {
        return text;
    }
}
