package io.mnemos.scripting;

import static org.luaj.vm2.Lua.GETARG_A;
import static org.luaj.vm2.Lua.GETARG_B;
import static org.luaj.vm2.Lua.GETARG_C;
import static org.luaj.vm2.Lua.GETARG_sBx;
import static org.luaj.vm2.Lua.GET_OPCODE;
import static org.luaj.vm2.Lua.INDEXK;
import static org.luaj.vm2.Lua.ISK;

import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.Lua;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * The words of Lua 5.1's runtime errors (ldebug.c), for the instruction where LuaJ's VM failed:
 * "attempt to index local 'x' (a nil value)", "attempt to call field 'foo' (a nil value)",
 * "attempt to perform arithmetic on local 'v' (a boolean value)", "attempt to compare number with
 * nil". LuaJ says "attempt to index ? (a nil value)", "attempt to call nil", "attempt to perform
 * arithmetic __add on boolean and number". The variable's name comes from getobjname's symbolic
 * execution, run over LuaJ's (Lua 5.2) bytecode the way 5.1 runs it over its own: a local's name,
 * else the instruction that last set the register before the failing one (a global, a field, an
 * upvalue, a method; a MOVE is followed to its source).
 */
final class Lua51RuntimeErrors {
    /** The metamethod of OP_ADD .. OP_POW, in opcode order. */
    private static final LuaValue[] ARITHMETIC_EVENTS = {
        LuaValue.ADD, LuaValue.SUB, LuaValue.MUL, LuaValue.DIV, LuaValue.MOD, LuaValue.POW
    };

    private Lua51RuntimeErrors() {
    }

    /**
     * Lua 5.1's message for the instruction at {@code pc} of {@code closure}, given its registers,
     * or null when that instruction does not fail in the VM (the error came from elsewhere: a
     * function it called, a metamethod).
     */
    static String describe(LuaClosure closure, int pc, LuaValue[] registers) {
        Prototype p = closure.p;
        int i = p.code[pc];
        int a = GETARG_A(i);
        int b = GETARG_B(i);
        int c = GETARG_C(i);
        switch (GET_OPCODE(i)) {
            case Lua.OP_GETTABLE:
            case Lua.OP_SELF:
                return readable(registers[b]) ? null : typeError(p, pc, b, registers[b], "index");
            case Lua.OP_SETTABLE:
                return writable(registers[a]) ? null : typeError(p, pc, a, registers[a], "index");
            case Lua.OP_GETTABUP:
                return readable(upvalue(closure, b)) ? null : upvalueError(closure, b, "index");
            case Lua.OP_SETTABUP:
                return writable(upvalue(closure, a)) ? null : upvalueError(closure, a, "index");
            case Lua.OP_CALL:
            case Lua.OP_TAILCALL:
                return callable(registers[a]) ? null : typeError(p, pc, a, registers[a], "call");
            case Lua.OP_TFORCALL:
                // 5.1 calls a copy of the iterator: no name.
                return callable(registers[a]) ? null : "attempt to call a " + registers[a].typename() + " value";
            case Lua.OP_ADD:
            case Lua.OP_SUB:
            case Lua.OP_MUL:
            case Lua.OP_DIV:
            case Lua.OP_MOD:
            case Lua.OP_POW:
                return arithmetic(p, pc, registers, b, c, ARITHMETIC_EVENTS[GET_OPCODE(i) - Lua.OP_ADD]);
            case Lua.OP_UNM:
                return arithmetic(p, pc, registers, b, b, LuaValue.UNM);
            case Lua.OP_LEN: {
                LuaValue v = registers[b];
                return v.istable() || v.type() == LuaValue.TSTRING || !v.metatag(LuaValue.LEN).isnil()
                    ? null : typeError(p, pc, b, v, "get length of");
            }
            case Lua.OP_CONCAT:
                return concatenation(p, pc, registers, b, c);
            case Lua.OP_LT:
                return order(rk(p, registers, b), rk(p, registers, c), false);
            case Lua.OP_LE:
                return order(rk(p, registers, b), rk(p, registers, c), true);
            default:
                return null;
        }
    }

    private static boolean readable(LuaValue v) {
        return v.istable() || !v.metatag(LuaValue.INDEX).isnil();
    }

    private static boolean writable(LuaValue v) {
        return v.istable() || !v.metatag(LuaValue.NEWINDEX).isnil();
    }

    static boolean callable(LuaValue v) {
        return v.isfunction() || !v.metatag(LuaValue.CALL).isnil();
    }

    private static LuaValue upvalue(LuaClosure closure, int index) {
        return closure.upValues[index].getValue();
    }

    /** 5.1 loads an upvalue into a register (GETUPVAL) before indexing it. */
    private static String upvalueError(LuaClosure closure, int index, String operation) {
        return "attempt to " + operation + " upvalue '" + upvalueName(closure.p, index) + "' (a "
            + upvalue(closure, index).typename() + " value)";
    }

    private static LuaValue rk(Prototype p, LuaValue[] registers, int x) {
        return ISK(x) ? p.k[INDEXK(x)] : registers[x];
    }

    /** Arith: numbers (or strings that read as numbers) or a metamethod, else the first operand that is not. */
    private static String arithmetic(Prototype p, int pc, LuaValue[] registers, int b, int c, LuaValue event) {
        LuaValue x = rk(p, registers, b);
        LuaValue y = rk(p, registers, c);
        boolean xNumber = LuaNumbers.toNumber(x) != null;
        if (xNumber && LuaNumbers.toNumber(y) != null
                || !x.metatag(event).isnil() || !y.metatag(event).isnil()) {
            return null;
        }
        int culprit = xNumber ? c : b;
        LuaValue value = xNumber ? y : x;
        return ISK(culprit) ? "attempt to perform arithmetic on a " + value.typename() + " value"
            : typeError(p, pc, culprit, value, "perform arithmetic on");
    }

    /**
     * luaV_concat: from the last two operands down, a run of strings and numbers joins into one;
     * the first pair with another value and no __concat fails, naming its first operand unless
     * that is a string or number.
     */
    private static String concatenation(Prototype p, int pc, LuaValue[] registers, int b, int c) {
        List<LuaValue> values = new ArrayList<>();
        for (int r = b; r <= c; r++) {
            values.add(registers[r]);
        }
        int last = values.size() - 1;
        while (last > 0) {
            LuaValue x = values.get(last - 1);
            LuaValue y = values.get(last);
            if (!joinable(x) || !joinable(y)) {
                if (!x.metatag(LuaValue.CONCAT).isnil() || !y.metatag(LuaValue.CONCAT).isnil()) {
                    return null; // a metamethod's result decides what follows
                }
                int culprit = joinable(x) ? last : last - 1;
                return typeError(p, pc, b + culprit, values.get(culprit), "concatenate");
            }
            int n = 1;
            while (n < last + 1 && joinable(values.get(last - n))) {
                n++;
            }
            last -= n - 1;
            values.set(last, LuaValue.EMPTYSTRING);
        }
        return null;
    }

    private static boolean joinable(LuaValue v) {
        return v.type() == LuaValue.TSTRING || v.type() == LuaValue.TNUMBER;
    }

    /** luaV_lessthan / lessequal: same-typed numbers or strings, or an __lt (__le) both share. */
    private static String order(LuaValue x, LuaValue y, boolean orEqual) {
        if (x.type() == y.type()) {
            if (x.type() == LuaValue.TNUMBER || x.type() == LuaValue.TSTRING
                    || sharedMetamethod(x, y, LuaValue.LT)
                    || orEqual && sharedMetamethod(x, y, LuaValue.LE)) {
                return null;
            }
        }
        String t1 = x.typename();
        String t2 = y.typename();
        // luaG_ordererror compares the type names' third letters.
        return t1.charAt(2) == t2.charAt(2) ? "attempt to compare two " + t1 + " values"
            : "attempt to compare " + t1 + " with " + t2;
    }

    private static boolean sharedMetamethod(LuaValue x, LuaValue y, LuaValue event) {
        LuaValue tm = x.metatag(event);
        return !tm.isnil() && tm.raweq(y.metatag(event));
    }

    /** luaG_typeerror for a value in register {@code reg}: with the variable's kind and name when known. */
    private static String typeError(Prototype p, int pc, int reg, LuaValue value, String operation) {
        String[] name = objectName(p, pc, reg);
        return name != null
            ? "attempt to " + operation + " " + name[0] + " '" + name[1] + "' (a " + value.typename() + " value)"
            : "attempt to " + operation + " a " + value.typename() + " value";
    }

    /** getobjname: {kind, name} of register {@code reg} at {@code lastpc}, or null. */
    static String[] objectName(Prototype p, int lastpc, int reg) {
        LuaString local = p.getlocalname(reg + 1, lastpc);
        if (local != null) {
            return new String[] {"local", local.tojstring()};
        }
        int pc = lastSetter(p, lastpc, reg);
        if (pc < 0) {
            return null;
        }
        int i = p.code[pc];
        switch (GET_OPCODE(i)) {
            case Lua.OP_MOVE:
                return GETARG_B(i) < GETARG_A(i) ? objectName(p, pc, GETARG_B(i)) : null;
            case Lua.OP_GETTABUP:
                // 5.1's GETGLOBAL when the table is the environment, else an upvalue's field.
                return new String[] {"_ENV".equals(upvalueName(p, GETARG_B(i))) ? "global" : "field",
                    constantName(p, GETARG_C(i))};
            case Lua.OP_GETTABLE:
                return new String[] {"field", constantName(p, GETARG_C(i))};
            case Lua.OP_GETUPVAL:
                return new String[] {"upvalue", upvalueName(p, GETARG_B(i))};
            case Lua.OP_SELF:
                return new String[] {"method", constantName(p, GETARG_C(i))};
            default:
                return null;
        }
    }

    /**
     * symbexec: the last instruction before {@code lastpc} that set {@code reg}, taking the forward
     * jumps that do not pass {@code lastpc} (so a branch not taken on the way there is skipped).
     */
    private static int lastSetter(Prototype p, int lastpc, int reg) {
        int last = -1;
        for (int pc = 0; pc < lastpc; pc++) {
            int i = p.code[pc];
            int op = GET_OPCODE(i);
            int a = GETARG_A(i);
            switch (op) {
                case Lua.OP_LOADNIL:
                    if (a <= reg && reg <= a + GETARG_B(i)) {
                        last = pc;
                    }
                    break;
                case Lua.OP_SELF:
                    if (reg == a || reg == a + 1) {
                        last = pc;
                    }
                    break;
                case Lua.OP_TFORCALL:
                    if (reg >= a + 2) {
                        last = pc;
                    }
                    break;
                case Lua.OP_CALL:
                case Lua.OP_TAILCALL:
                    if (reg >= a) {
                        last = pc;
                    }
                    break;
                case Lua.OP_TEST:
                    if (reg == a) {
                        last = pc;
                    }
                    break;
                case Lua.OP_JMP:
                case Lua.OP_FORPREP:
                case Lua.OP_FORLOOP: {
                    if (op != Lua.OP_JMP && reg == a) {
                        last = pc;
                    }
                    int dest = pc + 1 + GETARG_sBx(i);
                    if (pc < dest && dest <= lastpc) {
                        pc = dest - 1;
                    }
                    break;
                }
                default:
                    if (Lua.testAMode(op) && reg == a) {
                        last = pc;
                    }
            }
        }
        return last;
    }

    /** kname: a constant string key's text, else "?". */
    private static String constantName(Prototype p, int c) {
        return ISK(c) && p.k[INDEXK(c)].type() == LuaValue.TSTRING ? p.k[INDEXK(c)].tojstring() : "?";
    }

    private static String upvalueName(Prototype p, int index) {
        return index < p.upvalues.length && p.upvalues[index].name != null ? p.upvalues[index].name.tojstring() : "?";
    }
}
