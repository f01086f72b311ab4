package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Redis's own PRNG for scripts (rand.c, a port of lrand48: a 48-bit linear congruential generator
 * starting from lrand48's default seed) and the math.random and math.randomseed that Redis puts in
 * place of Lua's. One per server, shared by EVAL and FCALL and kept across SCRIPT FLUSH, as the C
 * library's static state is: a fresh Mnemos draws the same numbers as a fresh Redis.
 */
final class RedisRand48 {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long ADDEND = 0xB;
    private static final long MASK = (1L << 48) - 1;
    /** REDIS_LRAND48_MAX. */
    private static final int MAX = Integer.MAX_VALUE;

    private long x = 0x1234ABCD330EL;

    /** redisLrand48: the next 31-bit value. */
    int next() {
        x = (MULTIPLIER * x + ADDEND) & MASK;
        return (int) (x >>> 17);
    }

    /** redisSrand48: the seed's 32 bits above lrand48's fixed low 16. */
    void seed(int seed) {
        x = ((seed & 0xFFFFFFFFL) << 16) | 0x330EL;
    }

    /** redis_math_random: [0,1), or an integer in [1,m] or [m,n]. */
    Varargs random(Varargs args) {
        double r = (double) (next() % MAX) / MAX;
        switch (args.narg()) {
            case 0 -> {
                return LuaValue.valueOf(r);
            }
            case 1 -> {
                int u = (int) LuaConversions.checkInteger(args, 1, "random");
                if (u < 1) {
                    throw new LuaError("bad argument #1 to 'random' (interval is empty)");
                }
                return LuaValue.valueOf(Math.floor(r * u) + 1);
            }
            case 2 -> {
                int l = (int) LuaConversions.checkInteger(args, 1, "random");
                int u = (int) LuaConversions.checkInteger(args, 2, "random");
                if (l > u) {
                    throw new LuaError("bad argument #2 to 'random' (interval is empty)");
                }
                return LuaValue.valueOf(Math.floor(r * (u - l + 1)) + l); // u-l+1 in int, as in C
            }
            default -> throw new LuaError("wrong number of arguments");
        }
    }

    /** redis_math_randomseed. */
    Varargs randomseed(Varargs args) {
        seed((int) LuaConversions.checkInteger(args, 1, "randomseed"));
        return LuaValue.NONE;
    }
}
