package io.mnemos.scripting;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * A table scripts may read but not change, once sealed: Redis 7.0 makes its library tables
 * ({@code redis}, {@code cjson}, {@code bit}) read-only (lua_enablereadonlytable), so a script can
 * neither add a field nor replace one, e.g. {@code redis.call = nil}.
 */
final class ReadOnlyTable extends LuaTable {
    /** A read-only copy of {@code source}'s fields. */
    static ReadOnlyTable of(LuaTable source) {
        ReadOnlyTable t = new ReadOnlyTable();
        LuaValue k = LuaValue.NIL;
        while (true) {
            Varargs next = source.next(k);
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
        setReadOnly(true);
    }
}
