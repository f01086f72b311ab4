package io.mnemos.store;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;

/**
 * Seeded 64-bit hash of key bytes. The seed is random per process, like Redis's siphash key, so
 * that clients cannot choose keys that all land in one bucket.
 */
final class KeyHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long SEED = new SecureRandom().nextLong();
    private static final long M = 0x9E3779B97F4A7C15L;

    private KeyHash() {
    }

    static int hash(byte[] key) {
        long h = SEED ^ (key.length * M);
        int i = 0;
        int n = key.length;
        for (; i + 8 <= n; i += 8) {
            h = mix(h ^ (long) LONGS.get(key, i));
        }
        long tail = 0;
        for (int shift = 0; i < n; i++, shift += 8) {
            tail |= (key[i] & 0xffL) << shift;
        }
        h = mix(h ^ tail);
        return (int) (h ^ (h >>> 32));
    }

    /**
     * SplitMix64's finalizer: every input bit reaches every output bit, low bits included (the
     * bucket index). The previous mixer's low bits depended on few input bits, so short keys that
     * differ in their last bytes ("cold1".."cold199") piled into a handful of buckets: long chains,
     * and Dict.random() (eviction sampling, RANDOMKEY) far from uniform.
     */
    private static long mix(long h) {
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        return h ^ (h >>> 31);
    }
}
