package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Redis's listpack format, walked both ways and edited in place as the stream code does. */
class RedisListpackTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void entriesHaveRedisEncodingsAndBackLengths() {
        byte[] lp = RedisListpack.create(16);
        lp = RedisListpack.append(lp, b("5"));     // 7-bit uint
        lp = RedisListpack.append(lp, b("-1"));    // 13-bit int
        lp = RedisListpack.append(lp, b("abc"));   // 6-bit string
        lp = RedisListpack.appendInteger(lp, 70000); // 24-bit int
        // listpack.c's bytes for these four entries (header: 22 bytes total, 4 elements).
        assertEquals("160000000400" + "0501" + "dfff02" + "8361626304" + "f270110104" + "ff",
                HexFormat.of().formatHex(RedisListpack.shrinkToFit(lp)));
        assertTrue(RedisListpack.valid(RedisListpack.shrinkToFit(lp)));
    }

    @Test
    void walksForwardAndBackwardOverEveryEncoding() {
        List<byte[]> values = List.of(b("0"), b("127"), b("128"), b("-4096"), b("4095"), b("32767"), b("-32769"),
                b("8388608"), b("2147483648"), b("-9223372036854775808"), b(""), b("x".repeat(63)),
                b("x".repeat(64)), b("y".repeat(4095)), b("z".repeat(4096)), b("007"), b("-0"), b("1.5"));
        byte[] lp = RedisListpack.create(7);
        for (byte[] v : values) {
            lp = RedisListpack.append(lp, v);
        }
        assertEquals(values.size(), RedisListpack.count(lp));
        List<byte[]> forward = new ArrayList<>();
        for (int p = RedisListpack.first(lp); p != -1; p = RedisListpack.next(lp, p)) {
            forward.add(RedisListpack.get(lp, p));
        }
        List<byte[]> backward = new ArrayList<>();
        for (int p = RedisListpack.last(lp); p != -1; p = RedisListpack.prev(lp, p)) {
            backward.add(0, RedisListpack.get(lp, p));
        }
        for (int i = 0; i < values.size(); i++) {
            assertArrayEquals(values.get(i), forward.get(i), "entry " + i);
            assertArrayEquals(values.get(i), backward.get(i), "entry " + i);
            assertTrue(RedisListpack.equalsString(lp, position(lp, i), values.get(i)));
        }
        assertTrue(RedisListpack.valid(RedisListpack.shrinkToFit(lp)));
    }

    @Test
    void replacingAnIntegerWithAWiderOneMovesTheRest() {
        byte[] lp = RedisListpack.create(7);
        lp = RedisListpack.appendInteger(lp, 127);
        lp = RedisListpack.append(lp, b("tail"));
        lp = RedisListpack.replaceInteger(lp, RedisListpack.first(lp), 128); // 1 byte -> 2 bytes
        assertEquals(128, RedisListpack.getInteger(lp, RedisListpack.first(lp)));
        assertArrayEquals(b("tail"), RedisListpack.get(lp, RedisListpack.last(lp)));
        assertEquals(RedisListpack.first(lp), RedisListpack.prev(lp, RedisListpack.last(lp)));
        lp = RedisListpack.replaceInteger(lp, RedisListpack.first(lp), 1);
        assertEquals(1, RedisListpack.getInteger(lp, RedisListpack.first(lp)));
        assertArrayEquals(b("tail"), RedisListpack.get(lp, RedisListpack.next(lp, RedisListpack.first(lp))));
        assertTrue(RedisListpack.valid(RedisListpack.shrinkToFit(lp)));
    }

    @Test
    void theCountStopsAt65535AsInRedis() {
        byte[] lp = RedisListpack.create(7);
        for (int i = 0; i < 65536; i++) {
            lp = RedisListpack.appendInteger(lp, i & 1);
        }
        assertEquals(65535, RedisListpack.count(lp));
        assertTrue(RedisListpack.valid(RedisListpack.shrinkToFit(lp)));
    }

    private static int position(byte[] lp, int index) {
        int p = RedisListpack.first(lp);
        for (int i = 0; i < index; i++) {
            p = RedisListpack.next(lp, p);
        }
        return p;
    }
}
