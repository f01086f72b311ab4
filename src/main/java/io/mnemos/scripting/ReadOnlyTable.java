package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A table scripts may read but not change, once sealed: Redis 7.0 makes its library tables
 * ({@code redis}, {@code cjson}, {@code bit}) read-only (lua_enablereadonlytable), so a script can
 * neither add a field nor replace one, e.g. {@code redis.call = nil}.
 */
final class ReadOnlyTable extends LuaTable {
    static final String ERROR = "Attempt to modify a readonly table";
    private boolean sealed;

    /** A read-only copy of {@code source}'s fields. */
    static ReadOnlyTable of(LuaTable source) {
        ReadOnlyTable t = new ReadOnlyTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            org.luaj.vm2.Varargs next = source.next(k);
            if ((k = next.arg1()).isnil()) {
                break;
            }
            t.rawset(k, next.arg(2));
        }
        t.seal();
        return t;
    }

    /** From now on every write raises Redis's error. */
    void seal() {
        sealed = true;
    }

    @Override
    public void rawset(LuaValue key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public void rawset(int key, LuaValue value) {
        check();
        super.rawset(key, value);
    }

    @Override
    public LuaValue setmetatable(LuaValue metatable) {
        check();
        return super.setmetatable(metatable);
    }

    private void check() {
        if (sealed) {
            throw new LuaError(ERROR);
        }
    }
}
