package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The remembered last hit must never outlive its entry. */
class DictLastLookupTest {
    private static byte[] key(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void repeatedLookupWithTheSameArrayFindsTheSameEntry() {
        Dict d = new Dict(new MemoryTotal());
        Entry e = d.add(key("k"), "v");
        byte[] probe = key("k");
        assertSame(e, d.get(probe));
        assertSame(e, d.get(probe));
    }

    @Test
    void removedKeyIsNotFoundThroughTheRememberedHit() {
        Dict d = new Dict(new MemoryTotal());
        d.add(key("k"), "v");
        byte[] probe = key("k");
        d.get(probe);
        d.remove(key("k"));
        assertNull(d.get(probe));
        Entry again = d.add(key("k"), "w");
        assertSame(again, d.get(probe));
    }

    @Test
    void entriesSurviveGrowthAndShrinkWithTheRememberedHit() {
        Dict d = new Dict(new MemoryTotal());
        byte[] probe = key("k0");
        Entry first = d.add(key("k0"), "v");
        d.get(probe);
        for (int i = 1; i < 1000; i++) {
            d.add(key("k" + i), "v");
        }
        assertSame(first, d.get(probe));
        for (int i = 1; i < 1000; i++) {
            d.remove(key("k" + i));
        }
        assertSame(first, d.get(probe));
    }
}
