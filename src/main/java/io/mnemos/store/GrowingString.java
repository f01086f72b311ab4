package io.mnemos.store;

import io.mnemos.util.Sds;

import java.util.Arrays;

/**
 * A string value that grew in place (APPEND, SETRANGE, SETBIT, BITFIELD past its end), with room
 * to grow further, as Redis's sds keeps spare room after sdsMakeRoomFor: so that appending to a
 * string costs what the appended bytes cost, not a copy of the whole string. Only {@link Entry}
 * and {@link Database} see it: {@link Entry#value()} hands readers the string as an exact byte[].
 * The array is the entry's own, never shared, so it can be changed in place.
 */
final class GrowingString {
    private byte[] bytes;
    private int length;

    private GrowingString(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /** A copy of {@code value} extended to {@code length} bytes, with room to grow. */
    static GrowingString of(byte[] value, int length) {
        GrowingString g = new GrowingString(new byte[0], 0);
        g.grow(Math.max(length, value.length));
        System.arraycopy(value, 0, g.bytes, 0, value.length);
        return g;
    }

    int length() {
        return length;
    }

    /** The bytes, {@link #length} of them in use; the rest zeros. */
    byte[] bytes() {
        return bytes;
    }

    /** Extends the string to {@code newLength} bytes (zero-filled), reallocating greedily if needed. */
    void grow(int newLength) {
        if (newLength > bytes.length) {
            long room = Sds.greedy(newLength); // as much room as Redis's sds would have
            bytes = Arrays.copyOf(bytes, (int) Math.min(room, Integer.MAX_VALUE - 8));
        }
        length = Math.max(length, newLength);
    }

    /** The string as an exact array: the array itself when it has no spare room. */
    byte[] toBytes() {
        return bytes.length == length ? bytes : Arrays.copyOf(bytes, length);
    }
}
