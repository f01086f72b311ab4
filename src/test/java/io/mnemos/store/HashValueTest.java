package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HashValueTest {
    private static final long ENTRIES = 512;
    private static final long VALUE = 64;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void staysListpackUpToTheEntryLimitThenConvertsForGood() {
        HashValue h = new HashValue();
        for (int i = 0; i < ENTRIES; i++) {
            assertTrue(h.set(b("f" + i), b("v"), ENTRIES, VALUE));
        }
        assertEquals("listpack", h.encoding());
        assertTrue(h.set(b("one-more"), b("v"), ENTRIES, VALUE));
        assertEquals("hashtable", h.encoding());
        assertEquals(ENTRIES + 1, h.size());
        for (int i = 0; i < ENTRIES; i++) {
            assertTrue(h.remove(b("f" + i)));
        }
        assertEquals(1, h.size());
        assertEquals("hashtable", h.encoding(), "never converts back");
        assertArrayEquals(b("v"), h.get(b("one-more")));
    }

    @Test
    void convertsOnAFieldOrValueLongerThanTheValueLimit() {
        HashValue value = new HashValue();
        value.set(b("f"), b("x".repeat(64)), ENTRIES, VALUE);
        assertEquals("listpack", value.encoding());
        value.set(b("f"), b("x".repeat(65)), ENTRIES, VALUE);
        assertEquals("hashtable", value.encoding());

        HashValue field = new HashValue();
        field.set(b("f".repeat(65)), b("1"), ENTRIES, VALUE);
        assertEquals("hashtable", field.encoding());

        HashValue args = new HashValue();
        args.convertIfLonger(VALUE, b("short"), b("y".repeat(64)));
        assertEquals("listpack", args.encoding());
        args.convertIfLonger(VALUE, b("short"), b("y".repeat(65)));
        assertEquals("hashtable", args.encoding());
    }

    @Test
    void listpackKeepsInsertionOrderAndReplacesInPlace() {
        HashValue h = new HashValue();
        h.set(b("a"), b("1"), ENTRIES, VALUE);
        h.set(b("b"), b("2"), ENTRIES, VALUE);
        h.set(b("c"), b("3"), ENTRIES, VALUE);
        assertFalse(h.set(b("a"), b("10"), ENTRIES, VALUE));
        assertTrue(h.remove(b("b")));
        assertFalse(h.remove(b("b")));
        List<String> seen = new ArrayList<>();
        h.forEach((f, v) -> seen.add(s(f) + "=" + s(v)));
        assertEquals(List.of("a=10", "c=3"), seen);
        assertNull(h.get(b("b")));
    }

    @Test
    void bothEncodingsBehaveLikeAMap() {
        for (long limit : new long[]{ENTRIES, 4}) {
            Random rnd = new Random(7);
            HashValue h = new HashValue();
            Map<String, String> model = new HashMap<>();
            for (int step = 0; step < 20_000; step++) {
                String f = "f" + rnd.nextInt(200);
                if (rnd.nextInt(3) == 0) {
                    assertEquals(model.remove(f) != null, h.remove(b(f)));
                } else {
                    String v = "v" + step;
                    assertEquals(model.put(f, v) == null, h.set(b(f), b(v), limit, VALUE));
                }
                assertEquals(model.size(), h.size());
            }
            Map<String, String> actual = new HashMap<>();
            h.forEach((f, v) -> actual.put(s(f), s(v)));
            assertEquals(model, actual);
            HashValue copy = h.copy();
            assertEquals(h.encoding(), copy.encoding());
            Map<String, String> copied = new HashMap<>();
            copy.forEach((f, v) -> copied.put(s(f), s(v)));
            assertEquals(model, copied);
        }
    }

    @Test
    void hashtableScanReturnsEveryFieldDespiteResizes() {
        HashValue h = new HashValue();
        Set<String> all = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            h.set(b("k" + i), b("v"), 4, VALUE);
            all.add("k" + i);
        }
        Set<String> seen = new HashSet<>();
        long cursor = 0;
        int steps = 0;
        do {
            cursor = h.scan(cursor, (f, v) -> seen.add(s(f)));
            if (++steps == 20) {
                for (int i = 300; i < 600; i++) {
                    h.set(b("k" + i), b("v"), 4, VALUE); // grows the table mid-scan
                }
            }
        } while (cursor != 0);
        assertTrue(seen.containsAll(all));
    }

    @Test
    void randomPicksExistingPairs() {
        for (long limit : new long[]{ENTRIES, 2}) {
            HashValue h = new HashValue();
            for (int i = 0; i < 10; i++) {
                h.set(b("f" + i), b("v" + i), limit, VALUE);
            }
            for (int i = 0; i < 100; i++) {
                byte[][] fv = h.random();
                assertEquals("v" + s(fv[0]).substring(1), s(fv[1]));
            }
        }
    }

    @Test
    void convertsExactlyPastTheEntryLimit() {
        for (long limit : new long[]{0, 1, 128, 512}) {
            HashValue h = new HashValue();
            for (int i = 0; i < limit; i++) {
                h.set(b("f" + i), b("" + i), limit, VALUE);
            }
            assertEquals("listpack", h.encoding(), "at " + limit);
            h.set(b("f" + limit), b("x"), limit, VALUE);
            assertEquals("hashtable", h.encoding(), "past " + limit);
            assertEquals(limit + 1, h.size());
            for (int i = 0; i < limit; i++) {
                assertArrayEquals(b("" + i), h.get(b("f" + i)));
            }
        }
    }

    @Test
    void valueOfExactlyTheLimitStaysPacked() {
        HashValue h = new HashValue();
        h.set(b("f".repeat(64)), b("v".repeat(64)), ENTRIES, VALUE);
        assertEquals("listpack", h.encoding());
        assertArrayEquals(b("v".repeat(64)), h.get(b("f".repeat(64))));
    }

    @Test
    void packedHashIsBinarySafeAndKeepsEmptyAndNumericFields() {
        HashValue h = new HashValue();
        byte[] binary = {0, (byte) 0xFF, '\r', '\n', 0};
        h.set(binary, b(""), ENTRIES, VALUE);
        h.set(b(""), binary, ENTRIES, VALUE);
        h.set(b("1"), b("-9223372036854775808"), ENTRIES, VALUE);
        h.set(b("01"), b("007"), ENTRIES, VALUE);
        h.set(b("-0"), b("12345"), ENTRIES, VALUE);
        assertEquals("listpack", h.encoding());
        assertEquals(5, h.size());
        assertArrayEquals(b(""), h.get(binary));
        assertArrayEquals(binary, h.get(b("")));
        assertArrayEquals(b("-9223372036854775808"), h.get(b("1")));
        assertArrayEquals(b("007"), h.get(b("01")));
        assertArrayEquals(b("12345"), h.get(b("-0")));
        assertNull(h.get(b("0")));
        assertNull(h.get(b("001")));
        assertEquals(5, h.valueLength(b("-0")));
        assertEquals(0, h.valueLength(binary));
        assertEquals(-1, h.valueLength(b("missing")));
        assertFalse(h.set(b("1"), b("a longer value than before"), ENTRIES, VALUE));
        assertFalse(h.set(b("01"), b("8"), ENTRIES, VALUE));
        assertArrayEquals(b("a longer value than before"), h.get(b("1")));
        assertArrayEquals(b("8"), h.get(b("01")));
        List<String> order = new ArrayList<>();
        h.forEach((f, v) -> order.add(s(f)));
        assertEquals(List.of(s(binary), "", "1", "01", "-0"), order, "insertion order");
        HashValue copy = h.copy();
        h.set(b("1"), b("changed"), ENTRIES, VALUE);
        assertArrayEquals(b("a longer value than before"), copy.get(b("1")), "copy is deep");
    }

    @Test
    void deletingEveryFieldLeavesAnEmptyPackedHash() {
        HashValue h = new HashValue();
        long empty = h.memoryUsage();
        for (int i = 0; i < 100; i++) {
            h.set(b("field:" + i), b("value:" + i), ENTRIES, VALUE);
        }
        assertTrue(h.memoryUsage() > empty + 100 * 20);
        assertTrue(h.memoryUsage() < empty + 100 * 32, "packed: about the bytes of the fields, " + h.memoryUsage());
        for (int i = 99; i >= 0; i -= 2) {
            assertTrue(h.remove(b("field:" + i)));
        }
        for (int i = 0; i < 100; i += 2) {
            assertTrue(h.remove(b("field:" + i)));
        }
        assertTrue(h.isEmpty());
        assertEquals("listpack", h.encoding());
        assertEquals(empty, h.memoryUsage());
        assertFalse(h.remove(b("field:1")));
        h.set(b("again"), b("1"), ENTRIES, VALUE);
        assertArrayEquals(b("1"), h.get(b("again")));
    }

    @Test
    void conversionKeepsEveryPairIncludingIntegers() {
        HashValue h = new HashValue();
        for (int i = 0; i < 10; i++) {
            h.set(b("" + i), b("" + (i * 1000)), ENTRIES, VALUE);
        }
        h.set(b("big"), b("x".repeat(65)), ENTRIES, VALUE);
        assertEquals("hashtable", h.encoding());
        for (int i = 0; i < 10; i++) {
            assertArrayEquals(b("" + (i * 1000)), h.get(b("" + i)));
        }
    }
}
