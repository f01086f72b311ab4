package io.mnemos.store;

/** All databases of the server. Owned by the keyspace thread; nothing here is synchronized. */
public final class Keyspace {
    private final Database[] databases;
    private final KeyspaceStats stats = new KeyspaceStats();
    private final CommandClock clock;
    private final EvictionSettings settings;
    private final MemoryTracker tracker = new MemoryTracker();
    private final MemoryTotal memory = new MemoryTotal();
    private final Evictor evictor;
    private final ReplicaKeysWithExpire replicaKeysWithExpire = new ReplicaKeysWithExpire();

    public Keyspace(int count, Clock clock, KeyspaceListener listener) {
        this(count, clock, listener, new EvictionSettings());
    }

    public Keyspace(int count, Clock clock, KeyspaceListener listener, EvictionSettings settings) {
        this.clock = new CommandClock(clock);
        this.settings = settings;
        databases = new Database[count];
        for (int i = 0; i < count; i++) {
            databases[i] = new Database(i, this.clock, stats, listener, settings, tracker, memory, replicaKeysWithExpire);
        }
        this.evictor = new Evictor(this);
    }

    public EvictionSettings settings() {
        return settings;
    }

    public Evictor evictor() {
        return evictor;
    }

    /**
     * A command starts: typed values that lookups hand out are remembered, so that in-place changes
     * are accounted when {@link #commandDone()} is called, and {@link #clock()} stands still.
     */
    public void commandStarted() {
        commandStarted(System.nanoTime());
    }

    /** {@link #commandStarted()} for a caller that has just read {@link System#nanoTime()}. */
    public void commandStarted(long nanoTime) {
        tracker.begin();
        clock.commandStarted(nanoTime);
    }

    /** The command ended: accounts every in-place change of the values it looked up. */
    public void commandDone() {
        tracker.settle();
        clock.commandDone();
    }

    /**
     * Bytes of the data: every key's entry, key and value, plus each database's bucket array and
     * expiry index. O(1): a running sum.
     */
    public long usedMemory() {
        return memory.bytes;
    }

    /** {@link #usedMemory()} recomputed by walking every key (tests, DEBUG). */
    public long recomputeMemory() {
        long total = 0;
        for (Database db : databases) {
            total += db.recomputeMemory() + db.memoryOverhead();
        }
        return total;
    }

    /**
     * Inserts keys read from a dump (their databases exist: the loader checks). Returns the index
     * in the batch of a key that was already present, at which insertion stopped, or -1.
     */
    public int addLoaded(LoadBatch batch) {
        return addLoaded(batch, 0);
    }

    /** {@link #addLoaded(LoadBatch)} from entry {@code from} on. */
    public int addLoaded(LoadBatch batch, int from) {
        for (int i = from; i < batch.size(); i++) {
            if (!databases[batch.db(i)].addLoaded(batch.entry(i), batch.hash(i), batch.cost(i))) {
                return i;
            }
        }
        return -1;
    }

    public Database db(int index) {
        return databases[index];
    }

    public int count() {
        return databases.length;
    }

    public KeyspaceStats stats() {
        return stats;
    }

    public Clock clock() {
        return clock;
    }

    public long totalKeys() {
        long total = 0;
        for (Database db : databases) {
            total += db.size();
        }
        return total;
    }

    /** Loading the AOF: keys don't expire meanwhile, as Redis while server.loading. */
    public void loading(boolean loading) {
        for (Database db : databases) {
            db.loading(loading);
        }
    }

    /**
     * expireIfNeeded on a replica ({@code replica}): a key past its time reads as absent but stays
     * until the master's DEL arrives, so that the replica never diverges from its master.
     */
    public void replicaExpiry(boolean replica) {
        for (Database db : databases) {
            db.replicaExpiry(replica);
        }
    }

    /** Keys a writable replica's clients gave a TTL, which the replica expires itself. */
    public ReplicaKeysWithExpire replicaKeysWithExpire() {
        return replicaKeysWithExpire;
    }

    /**
     * expireIfNeeded while clients are paused ({@code paused}): the dataset stays as it is (a key
     * past its time reads as absent but is not deleted, nor a DEL propagated) until the pause ends.
     */
    public void pausedExpiry(boolean paused) {
        for (Database db : databases) {
            db.pausedExpiry(paused);
        }
    }

    /**
     * While the master client's command runs on a replica, nothing is expired at all (expireIfNeeded:
     * "current_client == server.master"): the master decided its keys are there.
     */
    public void obeyingMaster(boolean obeying) {
        for (Database db : databases) {
            db.obeyingMaster(obeying);
        }
        clock.exact(obeying);
    }

    public void flushAll() {
        for (Database db : databases) {
            db.flush();
        }
        replicaKeysWithExpire.clear();
    }

    /**
     * Installs (or with null removes) the hook every lookup calls before handing out a live entry;
     * all in-place changes of values start with such a lookup.
     */
    public void accessHook(EntryAccessHook hook) {
        for (Database db : databases) {
            db.accessHook = hook;
        }
    }

    /** The installed hook, or null. */
    public EntryAccessHook accessHook() {
        return databases[0].accessHook;
    }

    public void swap(int a, int b) {
        tracker.settleNow();
        databases[a].swapContents(databases[b]);
    }
}
