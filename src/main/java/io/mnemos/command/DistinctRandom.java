package io.mnemos.command;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * CASE 4 of Redis's SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a positive count: when the count
 * is small next to the collection, random picks until that many distinct ones, instead of a walk
 * over the whole collection.
 */
final class DistinctRandom {
    /** SRANDMEMBER_SUB_STRATEGY_MUL (and HRANDFIELD's, ZRANDMEMBER's). */
    private static final int SUB_STRATEGY_MUL = 3;

    private DistinctRandom() {
    }

    /** Whether {@code count} distinct elements of {@code size} are best found by random picks. */
    static boolean bySampling(long count, long size) {
        return count * SUB_STRATEGY_MUL <= size;
    }

    /** {@code count} picks no two of which have the same {@code key}. */
    static <T> List<T> picks(int count, Supplier<T> pick, Function<T, Object> key) {
        HashSet<Object> seen = new HashSet<>(count * 2);
        List<T> out = new ArrayList<>(count);
        while (out.size() < count) {
            T p = pick.get();
            if (seen.add(key.apply(p))) {
                out.add(p);
            }
        }
        return out;
    }
}
