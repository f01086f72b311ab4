package io.mnemos.persistence;

import io.mnemos.store.HashValue;
import io.mnemos.store.ListValue;
import io.mnemos.store.SetValue;
import io.mnemos.store.ZSetValue;
import io.mnemos.util.Lzf;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RdbFormatTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void crc64IsRedisJonesCrc() {
        // src/crc64.c's test vector.
        assertEquals(0xe9c6d914c4b8d9caL, Crc64.of(b("123456789"), 0, 9));
        byte[] data = new byte[1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        // Slicing-by-8 agrees with byte-at-a-time continuation.
        long whole = Crc64.of(data, 0, data.length);
        long parts = Crc64.update(Crc64.of(data, 0, 3), data, 3, data.length - 3);
        assertEquals(whole, parts);
    }

    @Test
    void lzfDecoderInvertsRedisCompatibleCompressor() {
        byte[] in = b("abcabcabcabcabcabcabcabcabcabc hello hello hello hello 0123456789 0123456789");
        byte[] c = Lzf.compress(in, in.length - 4);
        assertTrue(c != null && c.length < in.length);
        assertArrayEquals(in, Lzf.decompress(c, 0, c.length, in.length));
        assertThrows(IllegalArgumentException.class, () -> Lzf.decompress(c, 0, c.length, in.length + 1));
    }

    @Test
    void reusedCompressorMatchesAFreshOneOnEveryCall() {
        Lzf reused = new Lzf();
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 300; i++) {
            byte[] in = new byte[21 + rnd.nextInt(400)];
            for (int j = 0; j < in.length; j++) {
                in[j] = (byte) ('a' + rnd.nextInt(1 + i % 5));
            }
            assertArrayEquals(new Lzf().compressWith(in, in.length - 4), reused.compressWith(in, in.length - 4), "input " + i);
        }
    }

    private static List<Object[]> readAll(byte[] file) {
        List<Object[]> out = new ArrayList<>();
        RdbReader.load(new ByteArrayInputStream(file), EncodingLimits.DEFAULT, true,
                (db, key, value, expireAt) -> out.add(new Object[]{db, new String(key), value, expireAt}));
        return out;
    }

    private static byte[] write(boolean compress, boolean checksum, Object[]... entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RdbWriter w = new RdbWriter(bytes, compress, checksum);
        w.header();
        w.aux("redis-ver", "7.0.15");
        w.selectDb(0);
        w.resizeDb(entries.length, 0);
        for (Object[] e : entries) {
            w.keyValue(b((String) e[0]), e[1], (long) e[2]);
        }
        w.finish();
        return bytes.toByteArray();
    }

    @Test
    void everyTypeRoundTripsWithExpiry() {
        ListValue list = new ListValue();
        list.pushTail(b("a"));
        list.pushTail(b("12"));
        list.pushTail(b("x".repeat(100)));
        SetValue set = SetValue.createFor(b("1"));
        set.add(b("1"), 512);
        set.add(b("-70000"), 512);
        HashValue hash = new HashValue();
        hash.set(b("f"), b("v"), 512, 64);
        hash.set(b("n"), b("300"), 512, 64);
        ZSetValue z = ZSetValue.listpack();
        z.put(b("a"), 1.5, 128, 64);
        z.put(b("b"), Double.NEGATIVE_INFINITY, 128, 64);
        byte[] file = write(true, true,
                new Object[]{"s", b("hello"), -1L},
                new Object[]{"i", b("-123456"), 1_700_000_000_123L},
                new Object[]{"big", b("y".repeat(1000)), -1L},
                new Object[]{"l", list, -1L},
                new Object[]{"set", set, -1L},
                new Object[]{"h", hash, 42L},
                new Object[]{"z", z, -1L});
        assertTrue(new String(file, 0, 9, StandardCharsets.US_ASCII).equals("REDIS0010"));
        // "y" * 1000 is LZF-compressed, so the file is far shorter than the value.
        assertTrue(file.length < 400, "compressed: " + file.length);
        List<Object[]> back = readAll(file);
        assertEquals(7, back.size());
        assertArrayEquals(b("hello"), (byte[]) back.get(0)[2]);
        assertEquals(1_700_000_000_123L, back.get(1)[3]);
        assertArrayEquals(b("-123456"), (byte[]) back.get(1)[2]);
        assertArrayEquals(b("y".repeat(1000)), (byte[]) back.get(2)[2]);
        ListValue l2 = (ListValue) back.get(3)[2];
        assertEquals(3, l2.size());
        assertArrayEquals(b("x".repeat(100)), l2.get(2));
        SetValue s2 = (SetValue) back.get(4)[2];
        assertEquals("intset", s2.encoding());
        assertTrue(s2.contains(b("-70000")));
        HashValue h2 = (HashValue) back.get(5)[2];
        assertArrayEquals(b("300"), h2.get(b("n")));
        assertEquals(42L, back.get(5)[3]);
        ZSetValue z2 = (ZSetValue) back.get(6)[2];
        assertEquals(Double.NEGATIVE_INFINITY, z2.score(b("b")));
        assertEquals(1.5, z2.score(b("a")));
    }

    @Test
    void uncompressedAndUnchecksummedFilesLoad() {
        byte[] file = write(false, false, new Object[]{"big", b("y".repeat(1000)), -1L});
        assertTrue(file.length > 1000);
        // rdbchecksum no writes a zero checksum, which the loader does not verify.
        assertTrue(Arrays.equals(new byte[8], Arrays.copyOfRange(file, file.length - 8, file.length)));
        assertEquals(1, readAll(file).size());
    }

    @Test
    void corruptionAndTruncationAreErrorsNeverPartialLoads() {
        byte[] file = write(true, true, new Object[]{"a", b("1"), -1L}, new Object[]{"b", b("two"), -1L});
        byte[] flipped = file.clone();
        flipped[flipped.length - 12] ^= 0x01;
        RdbFormatException e = assertThrows(RdbFormatException.class, () -> readAll(flipped));
        assertTrue(e.getMessage().contains("checksum") || e.getMessage().contains("RDB"), e.getMessage());
        byte[] truncated = Arrays.copyOf(file, file.length - 12);
        assertThrows(RdbFormatException.class, () -> readAll(truncated));
        assertThrows(RdbFormatException.class, () -> readAll(b("NOTREDIS0010")));
        assertThrows(RdbFormatException.class, () -> readAll(b("REDIS0011\u00ff")));
    }

    @Test
    void dumpPayloadHasVersionAndChecksumFooter() {
        byte[] p = DumpPayload.create(b("hello"), true);
        // type 0, length 5, "hello", version 10 LE, crc64 LE
        assertEquals(0, p[0]);
        assertEquals(5, p[1]);
        assertEquals(10, p[7]);
        assertEquals(0, p[8]);
        assertTrue(DumpPayload.verify(p));
        assertArrayEquals(b("hello"), (byte[]) DumpPayload.value(p, EncodingLimits.DEFAULT));
        byte[] bad = p.clone();
        bad[2] ^= 1;
        assertFalse(DumpPayload.verify(bad));
        byte[] newer = p.clone();
        newer[7] = 11;
        assertFalse(DumpPayload.verify(newer));
    }

    /** A ziplist as Redis 3.2-6.2 wrote them: strings and each integer encoding. */
    private static byte[] ziplist(Object... items) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int prev = 0;
        for (Object o : items) {
            ByteArrayOutputStream e = new ByteArrayOutputStream();
            e.write(prev);
            if (o instanceof String s) {
                e.write(s.length());
                e.writeBytes(b(s));
            } else {
                long v = (Long) o;
                if (v >= 0 && v <= 12) {
                    e.write(0xF1 + (int) v);
                } else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) {
                    e.write(0xFE);
                    e.write((int) v);
                } else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) {
                    e.write(0xC0);
                    e.write((int) v);
                    e.write((int) (v >> 8));
                } else {
                    e.write(0xE0);
                    for (int i = 0; i < 8; i++) {
                        e.write((int) (v >> (8 * i)));
                    }
                }
            }
            byte[] eb = e.toByteArray();
            prev = eb.length;
            body.writeBytes(eb);
        }
        byte[] bb = body.toByteArray();
        int total = 10 + bb.length + 1;
        ByteArrayOutputStream zl = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            zl.write(total >> (8 * i));
        }
        for (int i = 0; i < 4; i++) {
            zl.write(0);
        }
        zl.write(items.length);
        zl.write(0);
        zl.writeBytes(bb);
        zl.write(0xFF);
        return zl.toByteArray();
    }

    @Test
    void olderZiplistEncodingsLoad() {
        byte[] zl = ziplist("a", 7L, -100L, 30000L, 5_000_000_000L, "b");
        assertEquals(List.of("a", "7", "-100", "30000", "5000000000", "b"),
                PackedEncodings.ziplist(zl).stream().map(String::new).toList());
        // A hash stored as a ziplist (RDB_TYPE_HASH_ZIPLIST) in a DUMP-style payload.
        RdbWriter w = RdbWriter.inMemory(false);
        w.writeByte(Rdb.TYPE_HASH_ZIPLIST);
        w.writeString(ziplist("field", 1L, "other", "value"));
        HashValue h = (HashValue) RdbReader.readPayloadValue(w.toByteArray(), w.toByteArray().length,
                EncodingLimits.DEFAULT);
        assertArrayEquals(b("1"), h.get(b("field")));
        assertArrayEquals(b("value"), h.get(b("other")));
        // A list as a quicklist of ziplists (RDB_TYPE_LIST_QUICKLIST, Redis 3.2-6.2).
        w = RdbWriter.inMemory(false);
        w.writeByte(Rdb.TYPE_LIST_QUICKLIST);
        w.writeLength(2);
        w.writeString(ziplist("x", 2L));
        w.writeString(ziplist(-5L));
        ListValue l = (ListValue) RdbReader.readPayloadValue(w.toByteArray(), w.toByteArray().length,
                EncodingLimits.DEFAULT);
        assertEquals(3, l.size());
        assertArrayEquals(b("-5"), l.get(2));
        // A zset ziplist (RDB_TYPE_ZSET_ZIPLIST): member, score pairs.
        w = RdbWriter.inMemory(false);
        w.writeByte(Rdb.TYPE_ZSET_ZIPLIST);
        w.writeString(ziplist("m", "1.5", "n", 3L));
        ZSetValue z = (ZSetValue) RdbReader.readPayloadValue(w.toByteArray(), w.toByteArray().length,
                EncodingLimits.DEFAULT);
        assertEquals(3.0, z.score(b("n")));
        // A corrupt ziplist is an error.
        byte[] broken = Arrays.copyOf(zl, zl.length - 3);
        assertThrows(RdbFormatException.class, () -> PackedEncodings.ziplist(broken));
    }

    @Test
    void zipmapAndIntsetDecode() {
        // zipmap: zmlen, (len key, len free value)*, 0xFF
        byte[] zm = {2, 1, 'a', 2, 0, 'v', '1', 1, 'b', 1, 1, 'w', 'x', (byte) 0xFF};
        assertEquals(List.of("a", "v1", "b", "w"), PackedEncodings.zipmap(zm).stream().map(String::new).toList());
        byte[] is = {2, 0, 0, 0, 3, 0, 0, 0, (byte) 0xFE, (byte) 0xFF, 1, 0, 7, 0};
        assertArrayEquals(new long[]{-2, 1, 7}, PackedEncodings.intset(is));
    }
}
