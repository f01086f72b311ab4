package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.function.IntBinaryOperator;

/** Redis's {@code bit} library (LuaBitOp 1.0): 32-bit operations with signed results. */
final class BitLib {
    private BitLib() {
    }

    static int tobit(LuaValue v) {
        double d = v.checkdouble();
        return (int) (long) Math.rint(d % 4294967296.0);
    }

    private static LuaValue result(int v) {
        return LuaValue.valueOf(v);
    }

    private static VarArgFunction fold(IntBinaryOperator op) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int acc = tobit(args.arg1());
                for (int i = 2; i <= args.narg(); i++) {
                    acc = op.applyAsInt(acc, tobit(args.arg(i)));
                }
                return result(acc);
            }
        };
    }

    private static VarArgFunction shift(IntBinaryOperator op) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return result(op.applyAsInt(tobit(args.arg1()), tobit(args.arg(2)) & 31));
            }
        };
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", fold((a, b) -> a));
        t.rawset("bnot", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return result(~tobit(args.arg1()));
            }
        });
        t.rawset("band", fold((a, b) -> a & b));
        t.rawset("bor", fold((a, b) -> a | b));
        t.rawset("bxor", fold((a, b) -> a ^ b));
        t.rawset("lshift", shift((a, n) -> a << n));
        t.rawset("rshift", shift((a, n) -> a >>> n));
        t.rawset("arshift", shift((a, n) -> a >> n));
        t.rawset("rol", shift(Integer::rotateLeft));
        t.rawset("ror", shift(Integer::rotateRight));
        t.rawset("bswap", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return result(Integer.reverseBytes(tobit(args.arg1())));
            }
        });
        t.rawset("tohex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int b = tobit(args.arg1());
                int n = args.isnoneornil(2) ? 8 : tobit(args.arg(2));
                String digits = "0123456789abcdef";
                if (n < 0) {
                    n = -n;
                    digits = "0123456789ABCDEF";
                }
                if (n > 8) {
                    n = 8;
                }
                if (n == 0) {
                    throw new LuaError("bad argument #2 to 'tohex'");
                }
                char[] buf = new char[n];
                for (int i = n - 1; i >= 0; i--) {
                    buf[i] = digits.charAt(b & 15);
                    b >>= 4;
                }
                return LuaValue.valueOf(new String(buf));
            }
        });
        return t;
    }
}
