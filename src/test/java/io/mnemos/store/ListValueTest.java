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
}
