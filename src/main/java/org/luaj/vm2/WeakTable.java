package org.luaj.vm2;

/**
 * Mnemos: a metatable with __mode, as LuaValue.metatableOf wraps it. It records the mode only:
 * Mnemos's {@link LuaTable} keeps weak entries strongly (a script sees the difference only through
 * collectgarbage, and Redis's scripts live for one call).
 */
public final class WeakTable implements Metatable {
    private final boolean weakKeys;
    private final boolean weakValues;
    private final LuaValue backing;

    public WeakTable(boolean weakKeys, boolean weakValues, LuaValue backing) {
        this.weakKeys = weakKeys;
        this.weakValues = weakValues;
        this.backing = backing;
    }

    @Override
    public boolean useWeakKeys() {
        return weakKeys;
    }

    @Override
    public boolean useWeakValues() {
        return weakValues;
    }

    @Override
    public LuaValue toLuaValue() {
        return backing;
    }
}
