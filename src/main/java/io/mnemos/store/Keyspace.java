package io.mnemos.store;

/** All databases of the server. Owned by the keyspace thread; nothing here is synchronized. */
public final class Keyspace {
    private final Database[] databases;
    private final KeyspaceStats stats = new KeyspaceStats();
    private final Clock clock;

    public Keyspace(int count, Clock clock, KeyspaceListener listener) {
        this.clock = clock;
        databases = new Database[count];
        for (int i = 0; i < count; i++) {
            databases[i] = new Database(i, clock, stats, listener);
        }
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

    public void flushAll() {
        for (Database db : databases) {
            db.flush();
        }
    }

    public void swap(int a, int b) {
        databases[a].swapContents(databases[b]);
    }
}
