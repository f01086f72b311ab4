package io.mnemos.persistence;

import io.mnemos.store.RedisListpack;

/**
 * Builds a Redis 7.0 listpack blob (the RDB_TYPE_*_LISTPACK payload) by appending strings the way
 * lpAppend does ({@link RedisListpack}): a string that is the canonical text of a long becomes the
 * smallest integer entry, any other string a 6, 12 or 32 bit length string entry. Writing packed
 * values as Redis does keeps their encoding across DEBUG RELOAD and RESTORE (loading checks only a
 * listpack's entry count) and makes their DUMP payloads Redis's, byte for byte.
 */
final class ListpackBuilder {
    private byte[] lp = RedisListpack.create(64);

    void append(byte[] s) {
        lp = RedisListpack.append(lp, s);
    }

    /** The blob: total bytes and element count (65535 when larger) in the header, 0xFF at the end. */
    byte[] build() {
        return RedisListpack.shrinkToFit(lp);
    }
}
