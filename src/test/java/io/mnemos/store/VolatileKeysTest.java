package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VolatileKeysTest {
    private static Entry entry(int i) {
        return new Entry(("k" + i).getBytes(), i);
    }

    @Test
    void addIsIdempotentAndRemoveForgetsTheSlot() {
        VolatileKeys v = new VolatileKeys(new MemoryTotal());
        Entry e = entry(1);
        v.add(e);
        v.add(e);
        assertEquals(1, v.size());
        v.remove(e);
        v.remove(e);
        assertEquals(0, v.size());
        assertEquals(-1, e.volatileSlot);
        assertNull(v.random());
    }

    @Test
    void removingFromTheMiddleKeepsEveryOtherEntrySampleable() {
        VolatileKeys v = new VolatileKeys(new MemoryTotal());
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Entry e = entry(i);
            entries.add(e);
            v.add(e);
        }
        for (int i = 0; i < 1000; i += 2) {
            v.remove(entries.get(i));
        }
        assertEquals(500, v.size());
        Set<Object> sampled = new HashSet<>();
        for (int i = 0; i < 20000; i++) {
            Entry e = v.random();
            assertTrue(((Integer) e.value()) % 2 == 1, "only remaining entries are sampled");
            sampled.add(e.value());
        }
        assertEquals(500, sampled.size());
        for (int i = 1; i < 1000; i += 2) {
            v.remove(entries.get(i));
        }
        assertEquals(0, v.size());
    }

    @Test
    void arrayBytesFollowResizesAndGoBackOnDiscard() {
        MemoryTotal total = new MemoryTotal();
        VolatileKeys v = new VolatileKeys(total);
        Entry[] entries = new Entry[500];
        for (int i = 0; i < entries.length; i++) {
            entries[i] = entry(i);
            v.add(entries[i]);
            assertEquals(MemoryModel.refArray(v.capacity()), total.bytes);
        }
        for (Entry e : entries) {
            v.remove(e);
            assertEquals(MemoryModel.refArray(v.capacity()), total.bytes);
        }
        v.discard();
        assertEquals(0, total.bytes);
    }
}
