package org.luaj.vm2;

/**
 * Mnemos: what a value's metatable is to LuaJ's VM (LuaValue.metatableOf makes one). Replaces the
 * luaj-jse interface, whose weak-table hooks reached into LuaJ's own table nodes; Mnemos's
 * {@link LuaTable} holds weak tables strongly.
 */
interface Metatable {
    /** Whether __mode has a "k". */
    default boolean useWeakKeys() {
        return false;
    }

    /** Whether __mode has a "v". */
    default boolean useWeakValues() {
        return false;
    }

    /** The metatable itself, as getmetatable returns it. */
    LuaValue toLuaValue();
}
