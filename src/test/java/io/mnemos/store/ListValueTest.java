package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListValueTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> contents(ListValue l) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(new String(l.get(i), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void encodingIsQuicklistAtEverySizeAsInRedis70() {
        ListValue l = new ListValue();
        assertEquals("quicklist", l.encoding());
        for (int i = 0; i < 10_000; i++) {
            l.pushTail(b("element-" + i));
        }
        assertEquals("quicklist", l.encoding());
        assertEquals(ValueType.LIST, l.type());
    }

    @Test
    void pushesAndPopsAtBothEndsAcrossWrapAround() {
        ListValue l = new ListValue();
        l.pushTail(b("b"));
        l.pushHead(b("a"));
        l.pushTail(b("c"));
        for (int i = 0; i < 3; i++) {
            l.pushHead(b("h" + i));
        }
        assertEquals(List.of("h2", "h1", "h0", "a", "b", "c"), contents(l));
        assertArrayEquals(b("h2"), l.popHead());
        assertArrayEquals(b("c"), l.popTail());
        assertEquals(List.of("h1", "h0", "a", "b"), contents(l));
        assertEquals(6, l.bytes());
    }

    @Test
    void behavesLikeADequeUnderRandomOperations() {
        Random rnd = new Random(42);
        ListValue l = new ListValue();
        ArrayDeque<String> model = new ArrayDeque<>();
        for (int step = 0; step < 20_000; step++) {
            int op = rnd.nextInt(10);
            String v = Integer.toString(rnd.nextInt(50));
            if (op < 3) {
                l.pushHead(b(v));
                model.addFirst(v);
            } else if (op < 6) {
                l.pushTail(b(v));
                model.addLast(v);
            } else if (op < 8 && !model.isEmpty()) {
                assertEquals(model.removeFirst(), new String(l.popHead(), StandardCharsets.UTF_8));
            } else if (!model.isEmpty()) {
                assertEquals(model.removeLast(), new String(l.popTail(), StandardCharsets.UTF_8));
            }
            assertEquals(model.size(), l.size());
        }
        assertEquals(new ArrayList<>(model), contents(l));
    }

    @Test
    void insertRemoveMatchingAndKeepRange() {
        ListValue l = new ListValue();
        for (String s : new String[]{"a", "b", "a", "c", "a"}) {
            l.pushTail(b(s));
        }
        l.insert(2, b("x"));
        assertEquals(List.of("a", "b", "x", "a", "c", "a"), contents(l));
        assertEquals(2, l.indexOf(b("x")));
        assertEquals(-1, l.indexOf(b("zz")));
        assertEquals(2, l.removeMatching(b("a"), 2, false));
        assertEquals(List.of("a", "b", "x", "c"), contents(l));
        assertEquals(1, l.removeMatching(b("a"), 0, true));
        l.keepRange(1, 2);
        assertEquals(List.of("x", "c"), contents(l));
        l.set(0, b("yy"));
        assertEquals(List.of("yy", "c"), contents(l));
        assertEquals(3, l.bytes());
    }

    @Test
    void copyIsDeep() {
        ListValue l = new ListValue();
        l.pushTail(b("a"));
        ListValue c = l.copy();
        assertNotSame(l.get(0), c.get(0));
        c.set(0, b("z"));
        assertEquals(List.of("a"), contents(l));
        assertTrue(c.memoryUsage() > 0);
    }

    @Test
    void theNodeLayoutOfABigListIsKeptUntilTheListChanges() {
        ListValue list = new ListValue(4);
        for (int i = 0; i < 10; i++) {
            list.pushTail(new byte[]{(byte) ('a' + i)});
        }
        ListValue.Nodes first = list.nodes();
        assertSame(first, list.nodes(), "laid out once");
        assertEquals(3, first.size());
        list.pushTail(new byte[]{'z'});
        list.pushTail(new byte[]{'y'});
        list.pushTail(new byte[]{'x'});
        assertEquals(4, list.nodes().size(), "laid out again after a push");
        list.set(0, new byte[]{'q', 'q'});
        assertEquals(first.bytes()[0] + 1, list.nodes().bytes()[0], "... and after LSET");
        list.popHead();
        assertEquals(3, list.nodes().size(), "... and after a pop (12 elements, 4 a node)");
    }

    /** Element sizes around every boundary of the entry format (1, 2 and 3 length bytes) and chunk size. */
    private static byte[] randomElement(Random rnd) {
        int[] sizes = {0, 1, 3, 7, 126, 127, 128, 200, 4000, 8190, 16383, 16384, 20_000};
        int len = rnd.nextInt(4) == 0 ? sizes[rnd.nextInt(sizes.length)] : rnd.nextInt(20);
        byte[] e = new byte[len];
        for (int i = 0; i < len; i++) {
            e[i] = (byte) ('a' + rnd.nextInt(3));
        }
        return e;
    }

    @Test
    void packedChunksBehaveLikeAnArrayListUnderEveryOperation() {
        for (int fill : new int[]{-2, -1, -5, 1, 3, 128}) {
            Random rnd = new Random(fill + 1000);
            ListValue l = new ListValue(fill);
            List<byte[]> model = new ArrayList<>();
            for (int step = 0; step < 6_000; step++) {
                int op = rnd.nextInt(100);
                byte[] v = randomElement(rnd);
                if (op < 25) {
                    l.pushHead(v);
                    model.add(0, v);
                } else if (op < 50) {
                    l.pushTail(v);
                    model.add(v);
                } else if (op < 58 && !model.isEmpty()) {
                    assertArrayEquals(model.remove(0), l.popHead());
                } else if (op < 66 && !model.isEmpty()) {
                    assertArrayEquals(model.remove(model.size() - 1), l.popTail());
                } else if (op < 76) {
                    int at = rnd.nextInt(model.size() + 1);
                    l.insert(at, v);
                    model.add(at, v);
                } else if (op < 84 && !model.isEmpty()) {
                    int at = rnd.nextInt(model.size());
                    l.set(at, v);
                    model.set(at, v);
                } else if (op < 87 && !model.isEmpty()) {
                    byte[] target = model.get(rnd.nextInt(model.size()));
                    int limit = rnd.nextInt(3);
                    boolean fromHead = rnd.nextBoolean();
                    int expected = removeFromModel(model, target, limit, fromHead);
                    assertEquals(expected, l.removeMatching(target, limit, fromHead));
                } else if (op < 88 && model.size() > 2) {
                    int start = rnd.nextInt(model.size() / 2);
                    int end = start + rnd.nextInt(model.size() - start);
                    l.keepRange(start, end);
                    model = new ArrayList<>(model.subList(start, end + 1));
                } else if (!model.isEmpty()) {
                    int at = rnd.nextInt(model.size());
                    assertArrayEquals(model.get(at), l.get(at));
                    assertTrue(l.elementEquals(at, model.get(at)));
                    assertEquals(indexOf(model, model.get(at)), l.indexOf(model.get(at)));
                }
                assertEquals(model.size(), l.size());
                if (step % 97 == 0) {
                    l.checkInvariants();
                    assertContents(model, l);
                }
            }
            l.checkInvariants();
            assertContents(model, l);
            ListValue copy = l.copy();
            copy.checkInvariants();
            assertContents(model, copy);
        }
    }

    @Test
    void readsWalkForwardAndBackwardFromTheElementFoundLast() {
        ListValue l = new ListValue();
        List<byte[]> model = new ArrayList<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            byte[] v = randomElement(rnd);
            l.pushTail(v);
            model.add(v);
        }
        for (int i = model.size() - 1; i >= 0; i -= 3) {
            assertArrayEquals(model.get(i), l.get(i), "element " + i);
        }
        for (int i = 0; i < 2_000; i++) {
            int at = rnd.nextInt(model.size());
            assertArrayEquals(model.get(at), l.get(at), "element " + at);
        }
        List<byte[]> seen = new ArrayList<>();
        l.forEach(1234, 30_000, (data, offset, length) -> seen.add(java.util.Arrays.copyOfRange(data, offset, offset + length)));
        assertContents(model.subList(1234, 31_234), seen);
    }

    @Test
    void elementsArePackedNotHeldOneArrayEach() {
        ListValue l = new ListValue();
        for (int i = 0; i < 100_000; i++) {
            l.pushTail(b("member:" + i));
        }
        // 12 bytes on average plus two length bytes; byte arrays of their own cost about 40 more.
        double perElement = (double) l.memoryUsage() / l.size();
        assertTrue(perElement < 16, "bytes per element: " + perElement);
        for (int i = 0; i < 99_990; i++) {
            l.popHead();
        }
        l.checkInvariants();
        assertTrue(l.memoryUsage() < 1024, "a drained list keeps its room: " + l.memoryUsage());
    }

    private static int removeFromModel(List<byte[]> model, byte[] target, int limit, boolean fromHead) {
        int removed = 0;
        for (int k = 0; k < model.size() && (limit == 0 || removed < limit); ) {
            int i = fromHead ? k : model.size() - 1 - k;
            if (java.util.Arrays.equals(model.get(i), target)) {
                model.remove(i);
                removed++;
            } else {
                k++;
            }
        }
        return removed;
    }

    private static int indexOf(List<byte[]> model, byte[] target) {
        for (int i = 0; i < model.size(); i++) {
            if (java.util.Arrays.equals(model.get(i), target)) {
                return i;
            }
        }
        return -1;
    }

    private static void assertContents(List<byte[]> expected, ListValue l) {
        assertEquals(expected.stream().mapToLong(e -> e.length).sum(), l.bytes());
        List<byte[]> actual = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            actual.add(l.get(i));
        }
        assertContents(expected, actual);
    }

    private static void assertContents(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "element " + i);
        }
    }
}
