package io.mnemos.store;

import io.mnemos.util.Numbers;

/**
 * Sizes of Redis 7.0's own listpack entries (lpEncodeGetType and lpEncodeBacklen), which Mnemos
 * needs to follow where Redis's quicklist nodes would fill up; {@link Listpack} is Mnemos's own,
 * differently laid out codec.
 */
public final class RedisListpack {
    private RedisListpack() {
    }

    /** The bytes an element takes in a Redis listpack: encoding, data and back-length. */
    public static int entrySize(byte[] s) {
        Long v = s.length <= 20 ? Numbers.string2ll(s) : null;
        int encoded;
        if (v != null) {
            long n = v;
            encoded = n >= 0 && n <= 127 ? 1 : n >= -4096 && n <= 4095 ? 2 : n == (short) n ? 3
                    : n >= -8388608 && n <= 8388607 ? 4 : n == (int) n ? 5 : 9;
        } else {
            int len = s.length;
            encoded = (len < 64 ? 1 : len < 4096 ? 2 : 5) + len;
        }
        return encoded + backlenSize(encoded);
    }

    /** lpEncodeBacklen's length: 7 bits per byte. */
    public static int backlenSize(int entryLength) {
        return entryLength <= 127 ? 1 : entryLength < 16383 ? 2 : entryLength < 2097151 ? 3
                : entryLength < 268435455 ? 4 : 5;
    }
}
