package io.mnemos.store;

import io.mnemos.protocol.RedisDoubles;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * DEBUG DIGEST and DEBUG DIGEST-VALUE: Redis's SHA1 digest of the dataset (debug.c's
 * computeDatasetDigest), equal for equal logical contents whatever the encodings. Ordered data is
 * chained ("mixed": digest = SHA1(digest ^ SHA1(data))); unordered elements (set members, hash fields,
 * sorted-set pairs, keys of a database) are XORed in, so the iteration order does not matter.
 */
public final class DatasetDigest {
    /** The digest of an empty dataset or of a missing key, as Redis prints it. */
    public static final String ZERO = "0".repeat(40);
    private static final byte[] EXPIRE_MARK = "!!expire!!".getBytes(StandardCharsets.US_ASCII);
    // Redis's object type numbers (OBJ_STRING ... OBJ_HASH), mixed in big-endian.
    private static final int OBJ_STRING = 0;
    private static final int OBJ_LIST = 1;
    private static final int OBJ_SET = 2;
    private static final int OBJ_ZSET = 3;
    private static final int OBJ_HASH = 4;
    private static final int OBJ_STREAM = 6;

    private final MessageDigest sha1;

    private DatasetDigest() {
        try {
            sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-1", e);
        }
    }

    /** DEBUG DIGEST: every database's keys, values and whether they expire. */
    public static String ofDataset(Keyspace keyspace) {
        DatasetDigest d = new DatasetDigest();
        byte[] result = new byte[20];
        for (int j = 0; j < keyspace.count(); j++) {
            Database db = keyspace.db(j);
            if (db.size() == 0) {
                continue;
            }
            d.mix(result, bigEndian(j));
            db.forEach(e -> {
                byte[] entry = new byte[20];
                d.mix(entry, e.key());
                d.object(entry, e);
                d.xor(result, entry);
            });
        }
        return hex(result);
    }

    /** DEBUG DIGEST-VALUE: one key's type, value and whether it expires, without its name. */
    public static String ofEntry(Entry e) {
        byte[] digest = new byte[20];
        new DatasetDigest().object(digest, e);
        return hex(digest);
    }

    /** xorObjectDigest. */
    private void object(byte[] digest, Entry e) {
        mix(digest, bigEndian(typeOf(e.value())));
        value(digest, e.value());
        if (e.isVolatile()) {
            xor(digest, EXPIRE_MARK);
        }
    }

    private void value(byte[] digest, Object value) {
        switch (value) {
            case byte[] s -> mix(digest, s);
            case ListValue l -> {
                for (int i = 0; i < l.size(); i++) {
                    mix(digest, l.get(i));
                }
            }
            case SetValue s -> s.forEach(member -> xor(digest, member));
            case ZSetValue z -> z.forEach((member, score) -> {
                byte[] pair = new byte[20];
                mix(pair, member);
                mix(pair, RedisDoubles.format(score).getBytes(StandardCharsets.US_ASCII));
                xor(digest, pair);
            });
            case HashValue h -> h.forEach((field, v) -> {
                byte[] pair = new byte[20];
                mix(pair, field);
                mix(pair, v);
                xor(digest, pair);
            });
            case StreamValue s -> {
                // Entries in order, each as its "ms.seq" ID then its fields and values.
                StreamValue.Cursor cur = s.cursor(null, null, false);
                for (StreamId id = cur.next(); id != null; id = cur.next()) {
                    mix(digest, (Long.toUnsignedString(id.ms()) + "." + Long.toUnsignedString(id.seq()))
                            .getBytes(StandardCharsets.US_ASCII));
                    for (long i = cur.fieldCount(); i > 0; i--) {
                        cur.nextField();
                        mix(digest, cur.field());
                        mix(digest, cur.value());
                    }
                }
            }
            default -> throw new IllegalArgumentException("no digest for " + value.getClass());
        }
    }

    private static int typeOf(Object value) {
        return switch (value) {
            case byte[] ignored -> OBJ_STRING;
            case ListValue ignored -> OBJ_LIST;
            case SetValue ignored -> OBJ_SET;
            case ZSetValue ignored -> OBJ_ZSET;
            case HashValue ignored -> OBJ_HASH;
            case StreamValue ignored -> OBJ_STREAM;
            default -> throw new IllegalArgumentException("no type number for " + value.getClass());
        };
    }

    /** mixDigest: digest = SHA1(digest ^ SHA1(data)), so the order of mixed data matters. */
    private void mix(byte[] digest, byte[] data) {
        xor(digest, data);
        System.arraycopy(sha1.digest(digest), 0, digest, 0, 20);
    }

    /** xorDigest: digest ^= SHA1(data). */
    private void xor(byte[] digest, byte[] data) {
        xorInto(digest, sha1.digest(data));
    }

    private static void xorInto(byte[] digest, byte[] other) {
        for (int i = 0; i < 20; i++) {
            digest[i] ^= other[i];
        }
    }

    private static byte[] bigEndian(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
