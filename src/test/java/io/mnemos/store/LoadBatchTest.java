package io.mnemos.store;

import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keys of a dump go in through {@link Keyspace#addLoaded}: the keyspace as a command would leave it, no events. */
class LoadBatchTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<String> events = new ArrayList<>();
    private final Keyspace keyspace = new Keyspace(2, clock, new KeyspaceListener() {
        @Override
        public void added(Database db, byte[] key) {
            events.add("added " + new String(key, StandardCharsets.UTF_8));
        }
    });

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void loadedKeysAreStoredWithTheirTtlAndAccountedButFireNoKeyspaceEvent() {
        LoadBatch batch = new LoadBatch(8);
        int lru = keyspace.db(0).newAccessTime();
        batch.add(0, k("a"), k("1"), Entry.NO_EXPIRY, lru);
        batch.add(1, k("b"), k("22"), 5_000_000, lru);
        assertEquals(-1, keyspace.addLoaded(batch));

        assertEquals(List.of(), events, "Redis's dbAddRDBLoad notifies nobody");
        assertArrayEquals(k("1"), (byte[]) keyspace.db(0).lookupQuiet(k("a")).value());
        Entry b = keyspace.db(1).lookupQuiet(k("b"));
        assertEquals(5_000_000, b.expireAt());
        assertEquals(1, keyspace.db(1).volatileCount());
        assertEquals(keyspace.recomputeMemory(), keyspace.usedMemory(), "accounted as keys added by commands are");

        keyspace.db(0).add(k("c"), k("3"));
        assertEquals(List.of("added c"), events, "a command's add still notifies");
    }

    @Test
    void aKeyAlreadyPresentStopsTheBatchAndIsReported() {
        keyspace.db(0).add(k("dup"), k("old"));
        LoadBatch batch = new LoadBatch(8);
        batch.add(0, k("x"), k("1"), Entry.NO_EXPIRY, 0);
        batch.add(0, k("dup"), k("new"), Entry.NO_EXPIRY, 0);
        batch.add(0, k("y"), k("2"), Entry.NO_EXPIRY, 0);
        assertEquals(1, keyspace.addLoaded(batch));
        assertArrayEquals(k("dup"), batch.key(1));
        assertArrayEquals(k("old"), (byte[]) keyspace.db(0).lookupQuiet(k("dup")).value(), "the first one stays");
        assertEquals(2, keyspace.db(0).size(), "insertion stopped at the duplicate");
    }

    @Test
    void theResizeHintSizesTheTableOnceForTheWholeLoad() {
        Database db = keyspace.db(0);
        db.reserve(1000, 10);
        assertEquals(1024, capacity(db));
        LoadBatch batch = new LoadBatch(1000);
        for (int i = 0; i < 1000; i++) {
            batch.add(0, k("key:" + i), k("v"), Entry.NO_EXPIRY, 0);
        }
        keyspace.addLoaded(batch);
        assertEquals(1024, capacity(db), "no growth on the way");
        assertEquals(1000, db.size());
        db.reserve(10, 0);
        assertEquals(1024, capacity(db), "a smaller hint never shrinks the table");
    }

    @Test
    void aNegativeHintIsIgnored() {
        Database db = keyspace.db(0);
        long before = capacity(db);
        db.reserve(-1, -1);
        assertEquals(before, capacity(db));
    }

    @Test
    void aClearedBatchIsReusedForTheNextKeys() {
        LoadBatch batch = new LoadBatch(2);
        batch.add(0, k("a"), k("1"), Entry.NO_EXPIRY, 0);
        batch.add(0, k("b"), k("2"), Entry.NO_EXPIRY, 0);
        assertTrue(batch.full());
        keyspace.addLoaded(batch);
        batch.clear();
        assertEquals(0, batch.size());
        batch.add(0, k("c"), k("3"), Entry.NO_EXPIRY, 0);
        keyspace.addLoaded(batch);
        assertEquals(3, keyspace.db(0).size());
    }

    /** The bucket array's length, from the accounting of it (refArray of the capacity). */
    private static long capacity(Database db) {
        return (db.hashtableOverhead() - MemoryModel.ENTRY * db.size() - MemoryModel.ARRAY_HEADER) / MemoryModel.REF;
    }
}
