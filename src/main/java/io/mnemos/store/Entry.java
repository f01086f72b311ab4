package io.mnemos.store;

import io.mnemos.util.Sds;

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
    /**
     * Last access time in seconds, the basis of OBJECT IDLETIME: Redis's 24-bit lru field (see
     * {@link ObjectClock}). The bits above it hold {@link #STRING_RAW} / {@link #STRING_NOT_INT} /
     * {@link #STRING_UNSHARED}.
     */
    int accessTime;

    /** The bits of {@link #accessTime} that are the object clock. */
    static final int CLOCK_MASK = ObjectClock.LRU_CLOCK_MAX;
    /**
     * A string value Redis would hold as a "raw" sds: modified in place (APPEND, SETRANGE, SETBIT...).
     * The 7 bits above it then hold the sds's allocation as {@link Sds} codes it. A raw string's
     * array is the entry's own (every path that makes one allocates it, and COPY clones it), so
     * {@link Database#editString} changes it in place.
     */
    public static final int STRING_RAW = 1 << 24;
    private static final int RAW_SDS_SHIFT = 25;
    /** A string value made by createStringObject, never "int" encoded (INCRBYFLOAT's result). */
    public static final int STRING_NOT_INT = 1 << 25;
    /** An "int" string of its own rather than one of Redis's shared integers (COPY's dupStringObject). */
    public static final int STRING_UNSHARED = 1 << 26;

    Entry(byte[] key, Object value) {
        this.key = key;
        this.value = value;
    }

    public byte[] key() {
        return key;
    }

    /**
     * The value; a string that grew in place is handed out as an exact byte[] from now on (the
     * next in-place growth makes room again, see {@link Database#editString}).
     */
    public Object value() {
        Object v = value;
        if (v instanceof GrowingString g) {
            v = g.toBytes();
            value = v;
        }
        return v;
    }

    /** The value's type, without materializing a string that grew in place. */
    public ValueType type() {
        return isString() ? ValueType.STRING : ((TypedValue) value).type();
    }

    /** Whether the value is a string, without materializing one that grew in place. */
    public boolean isString() {
        return value instanceof byte[] || value instanceof GrowingString;
    }

    /**
     * The string value's bytes to read, without materializing a string that grew in place: the
     * first {@link #stringLength} of them are the string, any after it zeros. Never to be kept or
     * changed (see {@link Database#editString}).
     */
    public byte[] stringBytes() {
        return value instanceof GrowingString g ? g.bytes() : (byte[]) value;
    }

    /** The string value's length (the caller checked {@link #isString}), without materializing it. */
    public int stringLength() {
        return value instanceof GrowingString g ? g.length() : ((byte[]) value).length;
    }

    public long expireAt() {
        return expireAt;
    }

    public int accessTime() {
        return accessTime & CLOCK_MASK;
    }

    /**
     * How the string value was made, as far as OBJECT ENCODING goes: 0 (tryObjectEncoding: int,
     * embstr or raw by content), {@link #STRING_RAW} (with its sds code), {@link #STRING_NOT_INT} or
     * {@link #STRING_UNSHARED}. A new value stored by {@link Database#put} starts at 0; RENAME and
     * MOVE keep it.
     */
    public int stringEncoding() {
        return accessTime & ~CLOCK_MASK;
    }

    public void stringEncoding(int flags) {
        accessTime = (accessTime & CLOCK_MASK) | flags;
    }

    public boolean isRawString() {
        return (accessTime & STRING_RAW) != 0;
    }

    /** The allocation code of a {@link #STRING_RAW} value's sds; 0 (made to measure) for any other. */
    public int rawSds() {
        return isRawString() ? accessTime >>> RAW_SDS_SHIFT : 0;
    }

    /** Marks the string value raw, its sds allocation described by {@code sdsCode}. */
    public void rawString(int sdsCode) {
        stringEncoding(STRING_RAW | sdsCode << RAW_SDS_SHIFT);
    }

    /**
     * dbUnshareStringValue, then sdsgrowzero to {@code target} bytes, on this string value of
     * {@code length} bytes: the sds grows as sdsMakeRoomFor grows it if it is too short.
     */
    public void growRawString(long length, long target) {
        rawString(Sds.growZero(unsharedSds(length), length, target));
    }

    /**
     * The sds code of this string value, {@code length} bytes long, once dbUnshareStringValue made
     * it a raw string of its own: a raw string keeps its sds, any other gets a copy made to measure.
     */
    public int unsharedSds(long length) {
        if (isRawString()) {
            return rawSds();
        }
        if (stringEncoding() == 0 && length > Sds.EMBSTR_LIMIT) {
            return Sds.afterTryObjectEncoding(length); // a raw string SET kept: no copy
        }
        return Sds.MADE_TO_MEASURE; // embstr or int: dbUnshareStringValue's copy
    }

    public boolean isVolatile() {
        return expireAt != NO_EXPIRY;
    }
}
