package io.mnemos.store;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys of one database that carry a TTL, in a dense array so that the active expire cycle can
 * sample them uniformly in O(1). Each entry remembers its slot, making removal a swap with the last.
 */
final class VolatileKeys {
    private Entry[] slots = new Entry[16];
    private int size;

    int capacity() {
        return slots.length;
    }

    int size() {
        return size;
    }

    /** Room for {@code expected} keys without regrowing (the RESIZEDB hint of a dump). */
    void reserve(int expected) {
        if (expected > slots.length) {
            slots = Arrays.copyOf(slots, expected);
        }
    }

    void add(Entry e) {
        if (e.volatileSlot >= 0) {
            return;
        }
        if (size == slots.length) {
            slots = Arrays.copyOf(slots, size * 2);
        }
        slots[size] = e;
        e.volatileSlot = size++;
    }

    void remove(Entry e) {
        int slot = e.volatileSlot;
        if (slot < 0) {
            return;
        }
        Entry last = slots[--size];
        slots[slot] = last;
        last.volatileSlot = slot;
        slots[size] = null;
        e.volatileSlot = -1;
        if (slots.length > 64 && size < slots.length / 4) {
            slots = Arrays.copyOf(slots, slots.length / 2);
        }
    }

    Entry random() {
        return size == 0 ? null : slots[ThreadLocalRandom.current().nextInt(size)];
    }

    void clear() {
        slots = new Entry[16];
        size = 0;
    }
}
