package io.mnemos.scripting;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.util.function.IntBinaryOperator;

/** Redis's {@code bit} library (LuaBitOp 1.0): 32-bit operations with signed results. */
final class BitLib {
    private BitLib() {
    }

    /**
     * barg: argument {@code n} of {@code function}, a number (or numeric string) to 32 bits, rounded
     * half to even and taken modulo 2^32 as LuaBitOp's 2^52+2^51 addition does.
     */
    private static int bitArg(Varargs args, int n, String function) {
        double d = LuaConversions.checkNumber(args, n, function);
        return (int) (long) Math.rint(d % 4294967296.0);
    }

    private static LuaValue result(int v) {
        return LuaValue.valueOf(v);
    }

    private static VarArgFunction fold(String function, IntBinaryOperator op) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int acc = bitArg(args, 1, function);
                for (int i = 2; i <= args.narg(); i++) {
                    acc = op.applyAsInt(acc, bitArg(args, i, function));
                }
                return result(acc);
            }
        };
    }

    private static VarArgFunction shift(String function, IntBinaryOperator op) {
        return new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return result(op.applyAsInt(bitArg(args, 1, function), bitArg(args, 2, function) & 31));
            }
        };
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("tobit", fold("tobit", (a, b) -> a));
        t.rawset("bnot", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return result(~bitArg(args, 1, "bnot"));
            }
        });
        t.rawset("band", fold("band", (a, b) -> a & b));
        t.rawset("bor", fold("bor", (a, b) -> a | b));
        t.rawset("bxor", fold("bxor", (a, b) -> a ^ b));
        t.rawset("lshift", shift("lshift", (a, n) -> a << n));
        t.rawset("rshift", shift("rshift", (a, n) -> a >>> n));
        t.rawset("arshift", shift("arshift", (a, n) -> a >> n));
        t.rawset("rol", shift("rol", Integer::rotateLeft));
        t.rawset("ror", shift("ror", Integer::rotateRight));
        t.rawset("bswap", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return result(Integer.reverseBytes(bitArg(args, 1, "bswap")));
            }
        });
        t.rawset("tohex", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                int b = bitArg(args, 1, "tohex");
                int n = args.narg() < 2 ? 8 : bitArg(args, 2, "tohex");
                String digits = "0123456789abcdef";
                if (n == Integer.MIN_VALUE) {
                    n = Integer.MIN_VALUE + 1;
                }
                if (n < 0) {
                    n = -n;
                    digits = "0123456789ABCDEF";
                }
                if (n > 8) {
                    n = 8;
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
