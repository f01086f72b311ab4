package io.mnemos.store;

import java.util.function.Consumer;

/**
 * One numbered database: the key dictionary plus the index of keys with a TTL. Expired keys are
 * removed lazily when a lookup meets them and actively by {@link ActiveExpireCycle}.
 */
public final class Database {
    private final int id;
    private final Clock clock;
    private final KeyspaceStats stats;
    private final KeyspaceListener listener;
    private Dict dict = new Dict();
    private VolatileKeys volatileKeys = new VolatileKeys();
    /** Running average TTL of the keys the active expire cycle sampled (INFO keyspace avg_ttl). */
    long avgTtl;

    Database(int id, Clock clock, KeyspaceStats stats, KeyspaceListener listener) {
        this.id = id;
        this.clock = clock;
        this.stats = stats;
        this.listener = listener;
    }

    public int id() {
        return id;
    }

    public int size() {
        return dict.size();
    }

    public int volatileCount() {
        return volatileKeys.size();
    }

    /** Average TTL in ms of the keys sampled by the last expire cycles, as INFO keyspace shows. */
    public long averageTtl() {
        return avgTtl;
    }

    public long now() {
        return clock.millis();
    }

    /** Lookup for a read: counts a hit or miss and refreshes the access time. */
    public Entry lookupRead(byte[] key) {
        Entry e = lookupWrite(key);
        if (e == null) {
            stats.misses++;
            listener.missed(this, key);
        } else {
            stats.hits++;
            e.accessTime = (int) (clock.millis() / 1000);
        }
        return e;
    }

    /**
     * Lookup for a read that counts a hit or miss but leaves the access time alone, as Redis's
     * {@code LOOKUP_NOTOUCH} (EXISTS, TYPE, TTL, OBJECT).
     */
    public Entry lookupReadNoTouch(byte[] key) {
        Entry e = lookupWrite(key);
        if (e == null) {
            stats.misses++;
            listener.missed(this, key);
        } else {
            stats.hits++;
        }
        return e;
    }

    /** Lookup for a read that does not touch access time or statistics (OBJECT, TYPE internals). */
    public Entry lookupQuiet(byte[] key) {
        return lookupWrite(key);
    }

    /** Lookup before a write: expires a stale key, touches no statistics. */
    public Entry lookupWrite(byte[] key) {
        Entry e = dict.get(key);
        if (e != null && isExpired(e)) {
            expire(e);
            return null;
        }
        return e;
    }

    /** Stores a new key; the caller has checked it is absent. */
    public Entry add(byte[] key, Object value) {
        Entry e = dict.add(key, value);
        e.accessTime = (int) (clock.millis() / 1000);
        listener.added(this, key);
        return e;
    }

    /**
     * Sets a key's value, creating it if needed. Any TTL is cleared unless {@code keepTtl}, as SET
     * does.
     */
    public Entry put(byte[] key, Object value, boolean keepTtl) {
        Entry e = lookupWrite(key);
        if (e == null) {
            return add(key, value);
        }
        e.value = value;
        e.accessTime = (int) (clock.millis() / 1000);
        if (!keepTtl) {
            persist(e);
        }
        return e;
    }

    /**
     * Stores {@code source}'s value under a new, absent key with the same TTL and access time, as
     * Redis moves the very same object for RENAME and MOVE. The source entry is left in place.
     */
    public Entry addFrom(byte[] key, Entry source) {
        Entry e = dict.add(key, source.value);
        e.accessTime = source.accessTime;
        if (source.expireAt != Entry.NO_EXPIRY) {
            setExpire(e, source.expireAt);
        }
        listener.added(this, key);
        return e;
    }

    /** Marks an entry as accessed now (the LRU clock of OBJECT IDLETIME). */
    public void touch(Entry e) {
        e.accessTime = (int) (clock.millis() / 1000);
    }

    /** Seconds since the entry was last accessed, as OBJECT IDLETIME reports. */
    public long idleSeconds(Entry e) {
        return Math.max(0, clock.millis() / 1000 - e.accessTime);
    }

    /** Replaces the value of an existing entry, keeping its TTL. */
    public void replaceValue(Entry e, Object value) {
        e.value = value;
    }

    public boolean delete(byte[] key) {
        Entry e = lookupWrite(key);
        if (e == null) {
            return false;
        }
        remove(e);
        return true;
    }

    /** Removes an entry found by a lookup. */
    public void remove(Entry e) {
        dict.remove(e.key);
        volatileKeys.remove(e);
    }

    public void setExpire(Entry e, long expireAt) {
        e.expireAt = expireAt;
        volatileKeys.add(e);
    }

    /** @return true if the key had a TTL */
    public boolean persist(Entry e) {
        if (e.expireAt == Entry.NO_EXPIRY) {
            return false;
        }
        e.expireAt = Entry.NO_EXPIRY;
        volatileKeys.remove(e);
        return true;
    }

    /** Remaining time to live in ms, or -1 without TTL. */
    public long ttlMillis(Entry e) {
        if (e.expireAt == Entry.NO_EXPIRY) {
            return -1;
        }
        return Math.max(0, e.expireAt - clock.millis());
    }

    /** A random live key, or null when the database is empty (RANDOMKEY). */
    public Entry randomEntry() {
        // As dbRandomKey on a master: expired picks are deleted and another key is drawn, so the
        // loop ends with a live key or an empty database.
        while (dict.size() > 0) {
            Entry e = dict.random();
            if (isExpired(e)) {
                expire(e);
                continue;
            }
            return e;
        }
        return null;
    }

    public long scan(long cursor, Consumer<Entry> visitor) {
        return dict.scan(cursor, visitor);
    }

    public void forEach(Consumer<Entry> visitor) {
        dict.forEach(visitor);
    }

    /** Redis's keyIsExpired: a key lives through its expiry millisecond and is gone after it. */
    public boolean isExpired(Entry e) {
        return e.expireAt != Entry.NO_EXPIRY && clock.millis() > e.expireAt;
    }

    public void flush() {
        dict = new Dict();
        volatileKeys = new VolatileKeys();
        avgTtl = 0;
    }

    /** Exchanges contents with another database (SWAPDB). */
    void swapContents(Database other) {
        Dict d = dict;
        dict = other.dict;
        other.dict = d;
        VolatileKeys v = volatileKeys;
        volatileKeys = other.volatileKeys;
        other.volatileKeys = v;
        long t = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = t;
    }

    Entry randomVolatile() {
        return volatileKeys.random();
    }

    /** Deletes a key whose time has passed and tells the listener. */
    void expire(Entry e) {
        remove(e);
        stats.expiredKeys++;
        listener.expired(this, e.key);
    }
}
