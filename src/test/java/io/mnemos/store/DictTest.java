package io.mnemos.store;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DictTest {
    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String name(Entry e) {
        return new String(e.key(), StandardCharsets.UTF_8);
    }

    @Test
    void addGetRemove() {
        Dict d = new Dict(new MemoryTotal());
        Entry e = d.add(key("a"), "v");
        assertSame(e, d.get(key("a")));
        assertNull(d.get(key("b")));
        assertEquals(1, d.size());
        assertSame(e, d.remove(key("a")));
        assertNull(d.remove(key("a")));
        assertEquals(0, d.size());
    }

    @Test
    void growsAndShrinksAsAPowerOfTwo() {
        Dict d = new Dict(new MemoryTotal());
        for (int i = 0; i < 1000; i++) {
            d.add(key("k" + i), i);
        }
        assertEquals(1024, d.capacity());
        for (int i = 0; i < 1000; i++) {
            assertNotNull(d.get(key("k" + i)));
        }
        for (int i = 0; i < 990; i++) {
            d.remove(key("k" + i));
        }
        assertTrue(d.capacity() <= 64, "shrinks when under 10% full, was " + d.capacity());
        assertEquals(Integer.bitCount(d.capacity()), 1);
        for (int i = 990; i < 1000; i++) {
            assertNotNull(d.get(key("k" + i)));
        }
    }

    @Test
    void randomOnlyReturnsPresentEntriesAndNullWhenEmpty() {
        Dict d = new Dict(new MemoryTotal());
        assertNull(d.random());
        for (int i = 0; i < 50; i++) {
            d.add(key("k" + i), i);
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            Entry e = d.random();
            assertSame(e, d.get(e.key()));
            seen.add(name(e));
        }
        assertEquals(50, seen.size(), "every key is eventually picked");
    }

    @Test
    void scanOfEmptyDictEndsImmediately() {
        assertEquals(0, new Dict(new MemoryTotal()).scan(0, e -> {
            throw new AssertionError("no entries");
        }));
    }

    @Test
    void stableTableScanReturnsEveryKeyExactlyOnce() {
        Dict d = new Dict(new MemoryTotal());
        for (int i = 0; i < 777; i++) {
            d.add(key("k" + i), i);
        }
        List<String> seen = new ArrayList<>();
        long cursor = 0;
        do {
            cursor = d.scan(cursor, e -> seen.add(name(e)));
        } while (cursor != 0);
        assertEquals(777, seen.size());
        assertEquals(777, new HashSet<>(seen).size(), "no duplicates while the table is stable");
    }

    /**
     * The SCAN guarantee: a key present from the start to the end of a full iteration is returned
     * at least once, whatever happens to the table between calls. Keys are added and removed at
     * random between scan steps so the table grows and shrinks through several sizes.
     */
    @RepeatedTest(30)
    void keysPresentForTheWholeScanAreReturnedWhileTheTableResizes(org.junit.jupiter.api.RepetitionInfo info) {
        Random rnd = new Random(info.getCurrentRepetition() * 7919L);
        Dict d = new Dict(new MemoryTotal());
        Map<String, Boolean> permanent = new HashMap<>();
        int initial = 1 + rnd.nextInt(400);
        for (int i = 0; i < initial; i++) {
            d.add(key("p" + i), i);
            permanent.put("p" + i, true);
        }
        List<String> churn = new ArrayList<>();
        int next = 0;
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int steps = 0;
        int maxCapacity = d.capacity();
        int minCapacity = d.capacity();
        do {
            cursor = d.scan(cursor, e -> seen.add(name(e)));
            steps++;
            // Between calls: grow a lot, or shrink back by deleting churn keys.
            if (rnd.nextBoolean() && churn.size() < 3000) {
                int n = rnd.nextInt(300);
                for (int i = 0; i < n; i++) {
                    String k = "c" + next++;
                    d.add(key(k), i);
                    churn.add(k);
                }
            } else {
                int n = rnd.nextInt(churn.size() + 1);
                for (int i = 0; i < n; i++) {
                    String k = churn.remove(churn.size() - 1);
                    d.remove(key(k));
                }
            }
            maxCapacity = Math.max(maxCapacity, d.capacity());
            minCapacity = Math.min(minCapacity, d.capacity());
        } while (cursor != 0 && steps < 1_000_000);
        for (String k : permanent.keySet()) {
            assertTrue(seen.contains(k), "missed " + k + " (capacity went " + minCapacity + ".." + maxCapacity + ")");
        }
    }

    @Test
    void scanCompletesAfterShrinkingToTheMinimum() {
        Dict d = new Dict(new MemoryTotal());
        for (int i = 0; i < 1000; i++) {
            d.add(key("k" + i), i);
        }
        Set<String> seen = new HashSet<>();
        long cursor = d.scan(0, e -> seen.add(name(e)));
        for (int i = 2; i < 1000; i++) {
            d.remove(key("k" + i));
        }
        assertTrue(d.capacity() <= 16, "shrunk to " + d.capacity());
        while (cursor != 0) {
            cursor = d.scan(cursor, e -> seen.add(name(e)));
        }
        assertTrue(seen.containsAll(Set.of("k0", "k1")));
    }

    @Test
    void forEachVisitsAll() {
        Dict d = new Dict(new MemoryTotal());
        for (int i = 0; i < 100; i++) {
            d.add(key("k" + i), i);
        }
        Set<String> seen = new HashSet<>();
        d.forEach(e -> seen.add(name(e)));
        assertEquals(100, seen.size());
    }

    @Test
    void bucketArrayBytesFollowResizesAndGoBackOnDiscard() {
        MemoryTotal total = new MemoryTotal();
        Dict d = new Dict(total);
        for (int i = 0; i < 1000; i++) {
            d.add(key("k" + i), i);
            assertEquals(MemoryModel.refArray(d.capacity()), total.bytes);
        }
        for (int i = 0; i < 1000; i++) {
            d.remove(key("k" + i));
            assertEquals(MemoryModel.refArray(d.capacity()), total.bytes);
        }
        d.discard();
        assertEquals(0, total.bytes);
    }
}
