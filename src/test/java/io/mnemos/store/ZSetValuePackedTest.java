package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packed ("listpack") encoding of small sorted sets. */
class ZSetValuePackedTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> all(ZSetValue z) {
        List<String> out = new ArrayList<>();
        z.forEach((m, s) -> out.add(new String(m, StandardCharsets.ISO_8859_1) + "=" + s));
        return out;
    }

    @Test
    void convertsExactlyPastTheEntryAndValueLimits() {
        ZSetValue z = ZSetValue.listpack();
        for (int i = 0; i < 128; i++) {
            z.put(b("m" + i), i, 128, 64);
        }
        assertEquals("listpack", z.encoding());
        z.put(b("m0"), 1000, 128, 64);
        assertEquals("listpack", z.encoding(), "an update does not count");
        z.put(b("m128"), 128, 128, 64);
        assertEquals("skiplist", z.encoding());
        assertEquals(129, z.size());
        assertEquals(1000.0, z.score(b("m0")));

        ZSetValue v = ZSetValue.listpack();
        v.put(b("x".repeat(64)), 1, 128, 64);
        assertEquals("listpack", v.encoding());
        v.put(b("x".repeat(65)), 1, 128, 64);
        assertEquals("skiplist", v.encoding());
    }

    @Test
    void keepsScoreThenMemberOrderWithBinaryEmptyAndNumericMembers() {
        ZSetValue z = ZSetValue.listpack();
        byte[] binary = {0, (byte) 0xFF, '\r', '\n'};
        z.put(binary, 1, 128, 64);
        z.put(b(""), 1, 128, 64);
        z.put(b("10"), 1, 128, 64);
        z.put(b("9"), 1, 128, 64);
        z.put(b("-0"), -0.0, 128, 64);
        z.put(b("big"), 1e300, 128, 64);
        z.put(b("frac"), -2.5, 128, 64);
        z.put(b("neg"), Double.NEGATIVE_INFINITY, 128, 64);
        assertEquals("listpack", z.encoding());
        assertEquals(List.of("neg=-Infinity", "frac=-2.5", "-0=0.0", "=1.0",
                new String(binary, StandardCharsets.ISO_8859_1) + "=1.0", "10=1.0", "9=1.0", "big=1.0E300"), all(z));
        assertEquals(3, z.rank(b("")));
        assertEquals(4, z.rank(binary));
        assertEquals(-1, z.rank(b("missing")));
        assertArrayEquals(b("10"), z.memberAt(5));
        assertEquals(-2.5, z.scoreAt(1));
        assertEquals(0L, Double.doubleToRawLongBits(z.score(b("-0"))), "a packed -0 score reads 0, as Redis");
        assertEquals(3, z.countPrefix((s, m) -> s < 1));
        List<String> rev = new ArrayList<>();
        z.range(1, 3, true, (m, s) -> rev.add(new String(m, StandardCharsets.ISO_8859_1)));
        assertEquals(List.of("", "-0", "frac"), rev);
        z.put(b("10"), 0.5, 128, 64);
        assertEquals(3, z.rank(b("10")));
        ZSetValue copy = z.copy();
        assertEquals(3, z.removeRange(2, 4));
        assertEquals(List.of("neg=-Infinity", "frac=-2.5",
                new String(binary, StandardCharsets.ISO_8859_1) + "=1.0", "9=1.0", "big=1.0E300"), all(z));
        assertEquals(8, copy.size(), "copy is deep");
        assertTrue(z.remove(binary));
        assertFalse(z.remove(binary));
        assertNull(z.score(binary));
    }

    @Test
    void removingEverythingLeavesAnEmptyPackedSetAndConversionBackKeepsOrder() {
        ZSetValue z = ZSetValue.listpack();
        long empty = z.memoryUsage();
        for (int i = 0; i < 100; i++) {
            z.put(b("member:" + i), 100 - i, 128, 64);
        }
        assertTrue(z.memoryUsage() < empty + 100 * 24, "packed: " + z.memoryUsage());
        assertEquals(100, z.removeRange(0, 99));
        assertEquals(0, z.size());
        assertEquals(empty, z.memoryUsage());

        ZSetValue s = ZSetValue.skiplist();
        for (int i = 0; i < 10; i++) {
            s.put(b("m" + i), 10 - i, 128, 64);
        }
        List<String> before = all(s);
        s.convertToListpackIfNeeded(2, 128, 64);
        assertEquals("listpack", s.encoding());
        assertEquals(before, all(s));
        assertEquals(9, s.rank(b("m0")));
    }
}
