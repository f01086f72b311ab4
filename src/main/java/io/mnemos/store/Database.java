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
    private final EvictionSettings settings;
    private final MemoryTracker tracker;
    /** The keyspace's running sum that this database's accounting also adds to. */
    private final MemoryTotal total;
    private Dict dict;
    private VolatileKeys volatileKeys;
    /** Running average TTL of the keys the active expire cycle sampled (INFO keyspace avg_ttl). */
    long avgTtl;
    /** Sum of {@link #cost} over the keys, kept up to date by every change (see MemoryTracker). */
    private long memory;
    /** Set while a point-in-time snapshot runs (see {@link Keyspace#accessHook}). */
    EntryAccessHook accessHook;
    /** The keyspace's list of keys a writable replica expires itself. */
    private final ReplicaKeysWithExpire replicaKeys;

    Database(int id, Clock clock, KeyspaceStats stats, KeyspaceListener listener, EvictionSettings settings,
             MemoryTracker tracker, MemoryTotal total, ReplicaKeysWithExpire replicaKeys) {
        this.id = id;
        this.replicaKeys = replicaKeys;
        this.total = total;
        this.dict = new Dict(total);
        this.volatileKeys = new VolatileKeys(total);
        this.clock = clock;
        this.stats = stats;
        this.listener = listener;
        this.settings = settings;
        this.tracker = tracker;
    }

    /** What one key costs: {@link MemoryModel#entryBytes}. */
    static long cost(Entry e) {
        return MemoryModel.entryBytes(e.key, e.value);
    }

    /** Accounted bytes of the keys and values of this database. */
    public long memory() {
        return memory;
    }

    /** Adds to this database's accounting and to the keyspace's total. */
    void account(long delta) {
        memory += delta;
        total.bytes += delta;
    }

    /** The dictionary's bucket array and the expiry index at their current capacities. */
    public long memoryOverhead() {
        return MemoryModel.refArray(dict.capacity()) + MemoryModel.refArray(volatileKeys.capacity());
    }

    /** MEMORY STATS overhead.hashtable.main: the entries and the bucket array. */
    public long hashtableOverhead() {
        return MemoryModel.ENTRY * dict.size() + MemoryModel.refArray(dict.capacity());
    }

    /** MEMORY STATS overhead.hashtable.expires: the expiry index. */
    public long expiresOverhead() {
        return MemoryModel.refArray(volatileKeys.capacity());
    }

    /** The accounting recomputed by walking every key; for tests and DEBUG, never on a hot path. */
    public long recomputeMemory() {
        long[] total = {0};
        dict.forEach(e -> total[0] += cost(e));
        return total[0];
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

    /** Lookup for a read: counts a hit or miss and refreshes the LRU clock or LFU counter. */
    public Entry lookupRead(byte[] key) {
        Entry e = find(key);
        if (e == null) {
            stats.misses++;
            listener.missed(this, key);
        } else {
            stats.hits++;
            touch(e);
        }
        return e;
    }

    /**
     * Lookup for a read that counts a hit or miss but leaves the access time alone, as Redis's
     * {@code LOOKUP_NOTOUCH} (EXISTS, TYPE, TTL, OBJECT).
     */
    public Entry lookupReadNoTouch(byte[] key) {
        Entry e = find(key);
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
        return find(key);
    }

    /**
     * Lookup before a write: expires a stale key, touches no statistics, refreshes the LRU clock
     * or LFU counter as Redis's lookupKeyWrite does.
     */
    public Entry lookupWrite(byte[] key) {
        Entry e = find(key);
        if (e != null) {
            touch(e);
        }
        return e;
    }

    private Entry find(byte[] key) {
        Entry e = dict.get(key);
        if (e != null) {
            if (isExpired(e)) {
                if (!keepsExpiredKeys()) {
                    expire(e);
                }
                return null;
            }
            if (accessHook != null) {
                accessHook.beforeAccess(e);
            }
            tracker.track(this, e);
        }
        return e;
    }

    /** Stores a new key; the caller has checked it is absent. */
    public Entry add(byte[] key, Object value) {
        Entry e = dict.add(key, value);
        e.accessTime = initialAccess();
        account(cost(e));
        tracker.track(this, e);
        listener.added(this, key);
        return e;
    }

    /**
     * Stores a key read from a dump, as Redis's dbAddRDBLoad: no keyspace event and no other
     * per-write hook (nothing is watching while the server loads), no command tracking (a loaded
     * value is not changed in place). False when the key is already present.
     */
    boolean addLoaded(Entry e, int hash, long cost) {
        if (!dict.linkIfAbsent(e, hash)) {
            return false;
        }
        account(cost);
        if (e.expireAt != Entry.NO_EXPIRY) {
            volatileKeys.add(e);
        }
        return true;
    }

    /** The lru field {@link #add} gives a new key now; a loader computes it once per batch. */
    public int newAccessTime() {
        return initialAccess();
    }

    /**
     * Makes room for {@code keys} keys, {@code expires} of them with a TTL, before a dump that
     * announces its sizes (RDB_OPCODE_RESIZEDB) is loaded. The caller bounds the hint by what the
     * file can hold: a damaged or hostile file must not make the server allocate gigabytes up front.
     */
    public void reserve(long keys, long expires) {
        dict.reserve((int) Math.clamp(keys, 0, MAX_RESERVE));
        volatileKeys.reserve((int) Math.clamp(expires, 0, MAX_RESERVE));
    }

    /** The largest hint {@link #reserve} follows: the largest power-of-two table an array can be. */
    static final int MAX_RESERVE = 1 << 30;

    /** A new object's lru field: the LRU clock, or LFU_INIT_VAL stamped with the current minute. */
    private int initialAccess() {
        long now = clock.millis();
        return settings.policy.lfu() ? ObjectClock.lfuInit(now) : ObjectClock.lruClock(now);
    }

    /** Accounts for a change of an entry made through this class (value replaced). */
    private void changed(Entry e, long oldCost) {
        if (!tracker.tracked(e)) {
            account(cost(e) - oldCost);
            tracker.track(this, e);
        }
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
        long old = cost(e);
        Object replaced = e.value;
        e.value = value;
        changed(e, old);
        if (replaced instanceof StreamValue) {
            listener.streamRemoved(this, key); // dbSetValue: the stream's group readers are told
        }
        // dbSetValue: a new object gets a fresh LRU clock; under LFU it inherits the old counter.
        if (!settings.policy.lfu()) {
            e.accessTime = ObjectClock.lruClock(clock.millis());
        } else {
            e.accessTime &= Entry.CLOCK_MASK; // a new string object: its encoding is chosen afresh
        }
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
        account(cost(e));
        tracker.track(this, e);
        if (source.expireAt != Entry.NO_EXPIRY) {
            setExpire(e, source.expireAt);
        }
        listener.added(this, key);
        return e;
    }

    /**
     * An access, as lookupKey records it: the LRU clock under LRU (and non-LFU) policies, a decayed
     * and logarithmically incremented counter under LFU.
     */
    public void touch(Entry e) {
        long now = clock.millis();
        int encoding = e.accessTime & ~Entry.CLOCK_MASK;
        if (settings.policy.lfu()) {
            e.accessTime = ObjectClock.lfuAccess(e.accessTime, now, settings.lfuLogFactor, settings.lfuDecayTime)
                    | encoding;
        } else {
            e.accessTime = ObjectClock.lruClock(now) | encoding;
        }
    }

    /**
     * RESTORE's FREQ and IDLETIME (-1 when not given): see {@link ObjectClock#restoredAccess}. The
     * string-encoding bits of the field are kept.
     */
    public void setAccess(Entry e, long freq, long idleSeconds) {
        int clockBits = ObjectClock.restoredAccess(e.accessTime & Entry.CLOCK_MASK, freq, idleSeconds,
                settings.policy.lfu(), clock.millis());
        e.accessTime = clockBits | (e.accessTime & ~Entry.CLOCK_MASK);
    }

    /** OBJECT IDLETIME: estimateObjectIdleTime in seconds. */
    public long idleSeconds(Entry e) {
        return ObjectClock.idleMillis(e.accessTime, clock.millis()) / 1000;
    }

    /** OBJECT FREQ: the LFU counter after decay (LFUDecrAndReturn). */
    public long frequency(Entry e) {
        return ObjectClock.lfuDecrAndReturn(e.accessTime, clock.millis(), settings.lfuDecayTime);
    }

    /**
     * Replaces the value of an existing entry, keeping its TTL (and its {@link Entry#stringEncoding},
     * as for a string changed in place).
     */
    public void replaceValue(Entry e, Object value) {
        long old = cost(e);
        e.value = value;
        changed(e, old);
    }

    /**
     * The string value of {@code e} (found by a write lookup), to change in place, extended with
     * zeros to at least {@code length} bytes: an array of the entry's own whose first {@link
     * Entry#stringLength} bytes are the string. A string that grows gets spare room, so that
     * appending costs the bytes appended rather than a copy of the whole string; one that is not
     * the entry's own yet (not {@link Entry#STRING_RAW}) is copied first, as dbUnshareStringValue.
     */
    public byte[] editString(Entry e, int length) {
        long old = cost(e);
        byte[] edited;
        if (e.value instanceof GrowingString g) {
            g.grow(length);
            edited = g.bytes();
        } else if (length > ((byte[]) e.value).length) {
            GrowingString g = GrowingString.of((byte[]) e.value, length);
            e.value = g;
            edited = g.bytes();
        } else if (e.isRawString()) {
            edited = (byte[]) e.value;
        } else {
            edited = ((byte[]) e.value).clone();
            e.value = edited;
        }
        changed(e, old);
        return edited;
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
        account(-tracker.accounted(e));
        tracker.forget(e);
        dict.remove(e.key);
        volatileKeys.remove(e);
        if (e.value instanceof StreamValue) {
            listener.streamRemoved(this, e.key); // dbGenericDelete's signalDeletedKeyAsReady
        }
    }

    public void setExpire(Entry e, long expireAt) {
        e.expireAt = expireAt;
        volatileKeys.add(e);
        // setExpire's rememberSlaveKeyWithExpire: a TTL a writable replica's own client gave.
        if (replicaExpiry && !obeyingMaster && replicaKeys.writable()) {
            replicaKeys.remember(id, e.key);
        }
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
        // On a replica (and while clients are paused) expired keys stay: after 100 draws of a
        // database whose keys all have a TTL, one that may be logically expired is returned rather
        // than looping for ever (dbRandomKey).
        int tries = 100;
        while (dict.size() > 0) {
            Entry e = dict.random();
            if (isExpired(e)) {
                if (keepsExpiredKeys()) {
                    if (volatileKeys.size() == dict.size() && --tries == 0) {
                        return e;
                    }
                    continue;
                }
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
        // Redis's keyIsExpired: nothing expires while the dataset is being loaded, nor for the
        // commands of a replica's master.
        return e.expireAt != Entry.NO_EXPIRY && !loading && !obeyingMaster && clock.millis() > e.expireAt;
    }

    /** See {@link Keyspace#replicaExpiry}. */
    void replicaExpiry(boolean replica) {
        this.replicaExpiry = replica;
    }

    /** See {@link Keyspace#obeyingMaster}. */
    void obeyingMaster(boolean obeying) {
        this.obeyingMaster = obeying;
    }

    /** See {@link Keyspace#pausedExpiry}. */
    void pausedExpiry(boolean paused) {
        this.pausedExpiry = paused;
    }

    /** expireIfNeeded answers "expired" without deleting: on a replica, and while clients are paused. */
    private boolean keepsExpiredKeys() {
        return replicaExpiry || pausedExpiry;
    }

    private boolean replicaExpiry;
    private boolean pausedExpiry;
    private boolean obeyingMaster;

    /**
     * The entry as stored, even if its time has passed: nothing is expired and no statistic moves
     * (Redis's dictFind on the main dictionary).
     */
    /** True while the AOF is replayed: keys do not expire and past expiry times are kept (checkAlreadyExpired). */
    public boolean loading() {
        return loading;
    }

    void loading(boolean loading) {
        this.loading = loading;
    }

    private boolean loading;

    public Entry peek(byte[] key) {
        return dict.get(key);
    }

    public void flush() {
        listener.flushing(this);
        tracker.forgetAll(this);
        dict.discard();
        volatileKeys.discard();
        dict = new Dict(total);
        volatileKeys = new VolatileKeys(total);
        avgTtl = 0;
        account(-memory);
    }

    /** Exchanges contents with another database (SWAPDB). */
    void swapContents(Database other) {
        listener.swapping(this, other);
        Dict d = dict;
        dict = other.dict;
        other.dict = d;
        VolatileKeys v = volatileKeys;
        volatileKeys = other.volatileKeys;
        other.volatileKeys = v;
        long t = avgTtl;
        avgTtl = other.avgTtl;
        other.avgTtl = t;
        long m = memory;
        memory = other.memory;
        other.memory = m;
    }

    Entry randomVolatile() {
        return volatileKeys.random();
    }

    /** A random key of the whole dictionary, expired or not (eviction sampling). */
    Entry randomAny() {
        return dict.random();
    }

    /** True if the entry is still this database's entry for its key (not deleted meanwhile). */
    boolean holds(Entry e) {
        return dict.get(e.key) == e;
    }

    /** Deletes a key chosen by eviction and tells the listener. */
    void evict(Entry e) {
        remove(e);
        stats.evictedKeys++;
        listener.evicted(this, e.key);
    }

    /** Deletes a key whose time has passed and tells the listener. */
    void expire(Entry e) {
        remove(e);
        stats.expiredKeys++;
        listener.expired(this, e.key);
    }
}
