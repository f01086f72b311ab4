package io.mnemos.store;

import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<String> expiredEvents = new ArrayList<>();
    private final Keyspace keyspace = new Keyspace(2, clock, new KeyspaceListener() {
        @Override
        public void expired(Database db, byte[] key) {
            expiredEvents.add(db.id() + ":" + new String(key, StandardCharsets.UTF_8));
        }
    });
    private final Database db = keyspace.db(0);

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readLookupsCountHitsAndMisses() {
        db.add(k("a"), k("1"));
        assertNotNull(db.lookupRead(k("a")));
        assertNull(db.lookupRead(k("b")));
        assertNotNull(db.lookupReadNoTouch(k("a")));
        assertEquals(2, keyspace.stats().hits);
        assertEquals(1, keyspace.stats().misses);
        db.lookupWrite(k("a"));
        db.lookupQuiet(k("b"));
        assertEquals(2, keyspace.stats().hits, "write and quiet lookups count nothing");
        assertEquals(1, keyspace.stats().misses);
    }

    @Test
    void lookupsExpireLazilyAfterTheExpiryMillisecond() {
        Entry e = db.add(k("a"), k("1"));
        db.setExpire(e, clock.millis() + 100);
        clock.advance(100);
        assertSame(e, db.lookupQuiet(k("a")), "still alive at its expiry time");
        assertEquals(0, db.ttlMillis(e));
        clock.advance(1);
        assertNull(db.lookupRead(k("a")));
        assertEquals(0, db.size());
        assertEquals(0, db.volatileCount());
        assertEquals(1, keyspace.stats().expiredKeys);
        assertEquals(1, keyspace.stats().misses, "an expired key reads as a miss");
        assertEquals(List.of("0:a"), expiredEvents);
    }

    @Test
    void readTouchesAccessTimeNoTouchDoesNot() {
        Entry e = db.add(k("a"), k("1"));
        clock.advance(10_000);
        db.lookupReadNoTouch(k("a"));
        assertEquals(10, db.idleSeconds(e));
        db.lookupRead(k("a"));
        assertEquals(0, db.idleSeconds(e));
    }

    @Test
    void putReplacesValueAndClearsTtlUnlessKept() {
        Entry e = db.add(k("a"), k("1"));
        db.setExpire(e, clock.millis() + 1000);
        db.put(k("a"), k("2"), true);
        assertEquals(1000, db.ttlMillis(e));
        db.put(k("a"), k("3"), false);
        assertEquals(-1, db.ttlMillis(e));
        assertEquals(0, db.volatileCount());
        assertArrayEquals(k("3"), (byte[]) db.lookupQuiet(k("a")).value());
    }

    @Test
    void persistReportsWhetherThereWasATtl() {
        Entry e = db.add(k("a"), k("1"));
        assertFalse(db.persist(e));
        db.setExpire(e, clock.millis() + 5);
        assertEquals(1, db.volatileCount());
        assertTrue(db.persist(e));
        assertEquals(0, db.volatileCount());
    }

    @Test
    void addFromKeepsTtlAndAccessTime() {
        Entry a = db.add(k("a"), k("1"));
        db.setExpire(a, clock.millis() + 5000);
        clock.advance(3000);
        Database other = keyspace.db(1);
        Entry moved = other.addFrom(k("b"), a);
        assertEquals(a.expireAt(), moved.expireAt());
        assertEquals(3, other.idleSeconds(moved));
        assertEquals(1, other.volatileCount());
        assertSame(a.value(), moved.value());
    }

    @Test
    void deleteRemovesTheKeyAndItsTtl() {
        Entry e = db.add(k("a"), k("1"));
        db.setExpire(e, clock.millis() + 5000);
        assertTrue(db.delete(k("a")));
        assertFalse(db.delete(k("a")));
        assertEquals(0, db.volatileCount());
    }

    @Test
    void randomEntrySkipsAndDeletesExpiredKeys() {
        db.add(k("live"), k("1"));
        for (int i = 0; i < 50; i++) {
            Entry e = db.add(k("dead" + i), k("x"));
            db.setExpire(e, clock.millis() + 1);
        }
        clock.advance(2);
        for (int i = 0; i < 20; i++) {
            assertArrayEquals(k("live"), db.randomEntry().key());
        }
        Database other = keyspace.db(1);
        Entry only = other.add(k("x"), k("1"));
        other.setExpire(only, clock.millis());
        clock.advance(1);
        assertNull(other.randomEntry(), "a database of expired keys has no random key");
        assertEquals(0, other.size());
    }

    @Test
    void flushAndSwap() {
        db.add(k("a"), k("1"));
        Entry e = db.add(k("b"), k("1"));
        db.setExpire(e, clock.millis() + 10);
        keyspace.swap(0, 1);
        assertEquals(0, db.size());
        assertEquals(2, keyspace.db(1).size());
        assertEquals(1, keyspace.db(1).volatileCount());
        assertEquals(0, keyspace.db(1).id() - 1, "ids stay with their slots");
        keyspace.flushAll();
        assertEquals(0, keyspace.totalKeys());
        assertEquals(0, keyspace.db(1).volatileCount());
    }

    @Test
    void editingAStringNotYetItsOwnCopiesItFirst() {
        byte[] argument = k("abc"); // as SET stores it: the request's own array
        Entry e = db.add(k("s"), argument);
        byte[] edited = db.editString(e, 3);
        edited[0] = 'x';
        assertArrayEquals(k("abc"), argument, "the request's array is left alone");
        assertArrayEquals(k("xbc"), (byte[]) e.value());
    }

    @Test
    void aRawStringIsEditedInPlace() {
        Entry e = db.add(k("s"), k("abc"));
        e.rawString(0);
        byte[] own = (byte[]) e.value();
        assertSame(own, db.editString(e, 3), "no copy of a string the entry owns");
    }

    @Test
    void aGrowingStringKeepsRoomAndReadsAsAnExactArray() {
        Entry e = db.add(k("s"), k("ab"));
        long accounted = db.memory();
        byte[] first = db.editString(e, 3);
        first[2] = 'c';
        e.rawString(0);
        byte[] second = db.editString(e, 4);
        assertSame(first, second, "the second append fits in the room the first made");
        second[3] = 'd';
        assertEquals(4, e.stringLength());
        assertTrue(e.isString());
        assertEquals(ValueType.STRING, e.type());
        assertEquals(accounted + MemoryModel.byteArray(4) - MemoryModel.byteArray(2), db.memory(),
                "accounted by its length");
        assertArrayEquals(k("abcd"), (byte[]) e.value());
        assertEquals(accounted + MemoryModel.byteArray(4) - MemoryModel.byteArray(2), db.memory(),
                "reading it as an array changes nothing accounted");
        byte[] third = db.editString(e, 5);
        assertEquals(0, third[4], "extended with zeros");
        assertArrayEquals(k("abcd\0"), (byte[]) e.value());
    }
}
