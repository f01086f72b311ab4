package io.mnemos.persistence;

import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.store.Keyspace;
import io.mnemos.store.KeyspaceListener;
import io.mnemos.store.ListValue;
import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PointInTimeSnapshotTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final Keyspace keyspace = new Keyspace(3, clock, KeyspaceListener.NONE);

    private static byte[] k(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Text of a value as it is at delivery time, so later in-place changes cannot alter it. */
    private static String text(Object v) {
        if (v instanceof byte[] b) {
            return new String(b, StandardCharsets.UTF_8);
        }
        ListValue l = (ListValue) v;
        List<String> items = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            items.add(new String(l.get(i), StandardCharsets.UTF_8));
        }
        return items.toString();
    }

    private final class Collector implements PointInTimeSnapshot.Sink {
        final Map<String, String> seen = new TreeMap<>();
        final List<Integer> begun = new ArrayList<>();
        int duplicates;

        @Override
        public void beginDb(int db, long size, long expires) {
            begun.add(db);
        }

        @Override
        public void entry(int db, Entry e) {
            String prev = seen.put(db + ":" + new String(e.key(), StandardCharsets.UTF_8),
                    text(e.value()) + (e.expireAt() >= 0 ? "@" + e.expireAt() : ""));
            if (prev != null) {
                duplicates++;
            }
        }
    }

    private Map<String, String> current() {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < keyspace.count(); i++) {
            int db = i;
            keyspace.db(i).forEach(e -> m.put(db + ":" + new String(e.key(), StandardCharsets.UTF_8),
                    text(e.value()) + (e.expireAt() >= 0 ? "@" + e.expireAt() : "")));
        }
        return m;
    }

    @Test
    void deliversTheKeyspaceAsItWasAtTheStartDespiteEveryKindOfWrite() {
        Database db0 = keyspace.db(0);
        Database db2 = keyspace.db(2);
        for (int i = 0; i < 5000; i++) {
            db0.add(k("key:" + i), k("value:" + i));
            db2.add(k("other:" + i), k("v" + i));
        }
        ListValue list = new ListValue();
        list.pushTail(k("a"));
        db0.add(k("list"), list);
        ListValue list2 = new ListValue();
        list2.pushTail(k("x"));
        db2.add(k("list2"), list2);
        Entry withTtl = db0.lookupWrite(k("key:7"));
        db0.setExpire(withTtl, 5_000_000);
        Map<String, String> before = current();

        Collector sink = new Collector();
        PointInTimeSnapshot s = PointInTimeSnapshot.start(keyspace, sink);
        assertEquals(10002, s.total());
        int steps = 0;
        while (!s.step(1)) {
            // Between slices, commands change the keyspace in every way Mnemos can.
            int j = steps++;
            db0.put(k("key:" + (4999 - j)), k("overwritten"), false);
            db0.delete(k("key:" + (2500 + j)));
            db0.add(k("new:" + j), k("created after start"));
            ListValue l = (ListValue) db0.lookupWrite(k("list")).value();
            l.pushTail(k("pushed" + j));
            Entry e2 = db2.lookupWrite(k("list2"));
            if (e2 != null) {
                ((ListValue) e2.value()).pushTail(k("pushed" + j));
            }
            Entry e = db2.lookupWrite(k("other:" + (4000 + j)));
            if (e != null) {
                db2.replaceValue(e, k("replaced"));
                db2.setExpire(e, 123);
            }
            if (j == 3) {
                Entry t = db0.lookupWrite(k("key:7"));
                db0.persist(t);
            }
            if (j == 5) {
                keyspace.swap(0, 1);
                keyspace.swap(0, 1);
            }
            if (j == 7) {
                keyspace.db(2).flush();
            }
        }
        assertTrue(steps > 3, "the snapshot ran in several slices: " + steps);
        assertEquals(0, sink.duplicates);
        assertEquals(before, sink.seen);
        assertEquals(List.of(0, 2), sink.begun);
        assertEquals(10002, s.visited());
        assertFalse(current().equals(before));
    }

    @Test
    void hookIsRemovedWhenDoneOrAborted() {
        keyspace.db(0).add(k("a"), k("1"));
        Collector sink = new Collector();
        PointInTimeSnapshot s = PointInTimeSnapshot.start(keyspace, sink);
        s.abort();
        keyspace.db(0).lookupWrite(k("a"));
        assertTrue(sink.seen.isEmpty());
        Collector second = new Collector();
        PointInTimeSnapshot t = PointInTimeSnapshot.start(keyspace, second);
        assertThrows(IllegalStateException.class, () -> PointInTimeSnapshot.start(keyspace, new Collector()),
                "one snapshot at a time: a second would take the first one's hook");
        assertTrue(t.step(0));
        assertEquals(1, second.seen.size());
        PointInTimeSnapshot.start(keyspace, new Collector()).abort();
    }

    @Test
    void identitySetRemovesEveryMemberOnce() {
        PointInTimeSnapshot.IdentitySet set = new PointInTimeSnapshot.IdentitySet(1000);
        List<Object> objs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Object o = new Object();
            objs.add(o);
            set.add(o);
        }
        for (int i = 0; i < 1000; i += 2) {
            assertTrue(set.remove(objs.get(i)));
            assertFalse(set.remove(objs.get(i)));
        }
        for (int i = 1; i < 1000; i += 2) {
            assertTrue(set.remove(objs.get(i)));
        }
        assertEquals(0, set.size());
    }
}
