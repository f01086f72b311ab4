package io.mnemos.store;

/**
 * One key of a database: the key bytes, its value, its expiry and the bookkeeping the dictionary
 * and the expiry index need. Kept to a handful of fields because there is one per key.
 */
public final class Entry {
    public static final long NO_EXPIRY = -1;

    final byte[] key;
    Object value;
    /** Absolute Unix time in milliseconds, or {@link #NO_EXPIRY}. */
    long expireAt = NO_EXPIRY;
    /** Next entry in the same bucket. */
    Entry next;
    /** Position in {@link VolatileKeys}, or -1 when the key has no expiry. */
    int volatileSlot = -1;
    /** Last access time in seconds, the basis of OBJECT IDLETIME. */
    int accessTime;

    Entry(byte[] key, Object value) {
        this.key = key;
        this.value = value;
    }

    public byte[] key() {
        return key;
    }

    public Object value() {
        return value;
    }

    public long expireAt() {
        return expireAt;
    }

    public int accessTime() {
        return accessTime;
    }

    public boolean isVolatile() {
        return expireAt != NO_EXPIRY;
    }
}
