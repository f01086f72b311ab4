package io.mnemos.store;

import io.mnemos.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class ReplicaKeysWithExpireTest {
    private final ManualClock clock = new ManualClock(5_000_000);
    private final Keyspace keyspace = new Keyspace(70, clock, KeyspaceListener.NONE);
    private final ReplicaKeysWithExpire list = keyspace.replicaKeysWithExpire();
    private boolean writable = true;

    ReplicaKeysWithExpireTest() {
        keyspace.replicaExpiry(true);
        list.writableWhen(() -> writable);
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }

    private Entry setWithTtl(int db, String k, long ttl) {
        Database d = keyspace.db(db);
        Entry e = d.add(key(k), key("v"));
        d.setExpire(e, clock.millis() + ttl);
        return e;
    }

    private void expireAll() {
        for (int i = 0; i < 100 && list.size() > 0; i++) {
            list.expire(keyspace, clock::millis);
        }
    }

    @Test
    void aKeyIsListedOncePerNameAndExpiredInEveryDatabaseThatGaveItATtl() {
        setWithTtl(0, "k", 100);
        setWithTtl(3, "k", 100);
        setWithTtl(3, "later", 10_000);
        assertEquals(2, list.size());
        list.expire(keyspace, clock::millis);
        assertEquals(2, keyspace.db(3).size(), "nothing is past its time yet");
        clock.advance(101);
        expireAll();
        assertNull(keyspace.db(0).peek(key("k")));
        assertNull(keyspace.db(3).peek(key("k")));
        assertNotNull(keyspace.db(3).peek(key("later")));
        assertEquals(2, keyspace.stats().expiredKeys);
        assertEquals(1, list.size(), "the key still to expire stays listed");
    }

    @Test
    void aPersistedKeyIsForgottenAndKept() {
        Entry e = setWithTtl(1, "k", 100);
        keyspace.db(1).persist(e);
        clock.advance(101);
        expireAll();
        assertEquals(0, list.size());
        assertNotNull(keyspace.db(1).peek(key("k")));
    }

    @Test
    void ttlsFromTheMasterOrOfAReadOnlyReplicaOrOfDatabasesPast63AreNotListed() {
        keyspace.obeyingMaster(true);
        setWithTtl(0, "from-master", 100);
        keyspace.obeyingMaster(false);
        writable = false;
        setWithTtl(0, "read-only", 100);
        writable = true;
        setWithTtl(64, "db64", 100);
        assertEquals(0, list.size());
        keyspace.replicaExpiry(false);
        setWithTtl(0, "on-a-master", 100);
        assertEquals(0, list.size(), "a master's own cycle expires its keys");
    }

    @Test
    void flushingEverythingEmptiesTheList() {
        setWithTtl(0, "a", 100);
        setWithTtl(1, "b", 100);
        keyspace.flushAll();
        assertEquals(0, list.size());
    }
}
