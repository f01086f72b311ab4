package org.luaj.vm2;

/** Mnemos: a metatable that is not a table (set from Java), as LuaValue.metatableOf wraps it. */
final class NonTableMetatable implements Metatable {
    private final LuaValue value;

    NonTableMetatable(LuaValue value) {
        this.value = value;
    }

    @Override
    public LuaValue toLuaValue() {
        return value;
    }
}
