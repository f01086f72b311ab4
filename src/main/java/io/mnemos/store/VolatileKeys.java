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
    /** Told of every change of the array's size. */
    private final MemoryTotal total;

    VolatileKeys(MemoryTotal total) {
        this.total = total;
        total.bytes += MemoryModel.refArray(slots.length);
    }

    int capacity() {
        return slots.length;
    }

    int size() {
        return size;
    }

    /** Room for {@code expected} keys without regrowing (the RESIZEDB hint of a dump). */
    void reserve(int expected) {
        if (expected > slots.length) {
            resize(expected);
        }
    }

    void add(Entry e) {
        if (e.volatileSlot >= 0) {
            return;
        }
        if (size == slots.length) {
            resize(size * 2);
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
            resize(slots.length / 2);
        }
    }

    private void resize(int capacity) {
        total.bytes += MemoryModel.refArray(capacity) - MemoryModel.refArray(slots.length);
        slots = Arrays.copyOf(slots, capacity);
    }

    /** Gives the array's bytes back to the total: the index is no longer used. */
    void discard() {
        total.bytes -= MemoryModel.refArray(slots.length);
        slots = null;
    }

    Entry random() {
        return size == 0 ? null : slots[ThreadLocalRandom.current().nextInt(size)];
    }

}
