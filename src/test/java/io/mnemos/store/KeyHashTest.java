package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyHashTest {
    private static int maxChain(String prefix, int keys, int buckets) {
        int[] b = new int[buckets];
        int max = 0;
        for (int i = 0; i < keys; i++) {
            int slot = KeyHash.hash((prefix + i).getBytes(StandardCharsets.US_ASCII)) & (buckets - 1);
            max = Math.max(max, ++b[slot]);
        }
        return max;
    }

    @Test
    void similarShortKeysSpreadOverTheBuckets() {
        // 200 keys in 512 buckets: a uniform hash gives chains of 3 or 4 at most.
        assertTrue(maxChain("cold", 200, 512) <= 6, "chain " + maxChain("cold", 200, 512));
        assertTrue(maxChain("k", 1000, 1024) <= 8, "chain " + maxChain("k", 1000, 1024));
        assertTrue(maxChain("key:", 100_000, 131072) <= 12, "chain " + maxChain("key:", 100_000, 131072));
    }

    @Test
    void randomSamplingIsCloseToUniform() {
        Dict d = new Dict(new MemoryTotal());
        for (int i = 0; i < 200; i++) {
            d.add(("cold" + i).getBytes(StandardCharsets.US_ASCII), null);
        }
        for (int i = 0; i < 120; i++) {
            d.add(("new" + i).getBytes(StandardCharsets.US_ASCII), null);
        }
        int cold = 0;
        for (int i = 0; i < 20_000; i++) {
            if (d.random().key()[0] == 'c') {
                cold++;
            }
        }
        double share = cold / 20_000.0;
        assertTrue(share > 0.5 && share < 0.75, "share of cold keys drawn " + share);
    }
}
