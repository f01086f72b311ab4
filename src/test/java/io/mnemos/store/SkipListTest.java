package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Property test: the skiplist and both sorted set encodings against a sorted reference model. */
class SkipListTest {
    private record Key(double score, String member) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return SkipList.compare(score, member.getBytes(StandardCharsets.UTF_8), o.score,
                    o.member.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void ranksRangesAndRemovalMatchASortedReferenceModel() {
        Random rnd = new Random(42);
        for (int encodingLimit : new int[] {1000, 4}) {
            ZSetValue z = ZSetValue.listpack();
            TreeMap<String, Double> scores = new TreeMap<>();
            java.util.TreeSet<Key> model = new java.util.TreeSet<>();
            for (int op = 0; op < 4000; op++) {
                String m = "m" + rnd.nextInt(60);
                byte[] mb = m.getBytes(StandardCharsets.UTF_8);
                if (rnd.nextInt(3) > 0) {
                    double s = rnd.nextInt(10);
                    Double old = scores.put(m, s);
                    if (old != null) {
                        model.remove(new Key(old, m));
                    }
                    model.add(new Key(s, m));
                    z.put(mb, s, encodingLimit, 64);
                } else {
                    Double old = scores.remove(m);
                    if (old != null) {
                        model.remove(new Key(old, m));
                    }
                    assertEquals(old != null, z.remove(mb));
                }
                List<Key> sorted = new ArrayList<>(model);
                assertEquals(sorted.size(), z.size());
                Double expectedScore = scores.get(m);
                assertEquals(expectedScore, z.score(mb));
                assertEquals(expectedScore == null ? -1 : sorted.indexOf(new Key(expectedScore, m)), z.rank(mb));
                double lo = rnd.nextInt(10);
                long below = sorted.stream().filter(k -> k.score < lo).count();
                assertEquals(below, z.countPrefix((s, mm) -> s < lo));
                if (!sorted.isEmpty()) {
                    int a = rnd.nextInt(sorted.size());
                    int b = a + rnd.nextInt(sorted.size() - a);
                    List<String> got = new ArrayList<>();
                    z.range(a, b, false, (mm, s) -> got.add(new String(mm, StandardCharsets.UTF_8)));
                    assertEquals(sorted.subList(a, b + 1).stream().map(Key::member).toList(), got);
                }
            }
            assertEquals(encodingLimit == 4 ? "skiplist" : "listpack", z.encoding());
        }
        assertNull(ZSetValue.listpack().score(new byte[0]));
    }

    @Test
    void removeRangeDeletesExactlyThoseRanks() {
        ZSetValue z = ZSetValue.skiplist();
        for (int i = 0; i < 100; i++) {
            z.put(("m" + i).getBytes(StandardCharsets.UTF_8), i, 0, 0);
        }
        assertEquals(10, z.removeRange(10, 19));
        assertEquals(90, z.size());
        assertEquals(20.0, z.scoreAt(10));
        assertEquals(-1, z.rank("m15".getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A set big enough for nodes above the four inline levels, with score updates that keep a node
     * in place (between its neighbours) and ones that move it, against the reference model.
     */
    @Test
    void bigSetWithInPlaceAndMovingUpdatesMatchesTheModel() {
        Random rnd = new Random(7);
        ZSetValue z = ZSetValue.skiplist();
        TreeMap<String, Double> scores = new TreeMap<>();
        java.util.TreeSet<Key> model = new java.util.TreeSet<>();
        for (int op = 0; op < 60000; op++) {
            String m = "e" + rnd.nextInt(20000);
            byte[] mb = m.getBytes(StandardCharsets.UTF_8);
            Double old = scores.get(m);
            int kind = rnd.nextInt(10);
            if (kind == 0 && old != null) {
                scores.remove(m);
                model.remove(new Key(old, m));
                assertEquals(true, z.remove(mb));
                continue;
            }
            // small nudges mostly keep the node between its neighbours; the rest move it
            double s = old != null && kind < 5 ? old + rnd.nextDouble() * 1e-9 : rnd.nextInt(5000);
            if (old != null) {
                model.remove(new Key(old, m));
            }
            scores.put(m, s);
            model.add(new Key(s, m));
            z.put(mb, s, 0, 0);
        }
        List<Key> sorted = new ArrayList<>(model);
        assertEquals(sorted.size(), z.size());
        List<String> got = new ArrayList<>();
        z.forEach((mm, s) -> got.add(new String(mm, StandardCharsets.UTF_8) + "=" + s));
        assertEquals(sorted.stream().map(k -> k.member + "=" + k.score).toList(), got);
        for (int r = 0; r < sorted.size(); r++) {
            Key k = sorted.get(r);
            byte[] mb = k.member.getBytes(StandardCharsets.UTF_8);
            assertEquals(r, z.rank(mb));
            assertEquals(k.member, new String(z.memberAt(r), StandardCharsets.UTF_8));
            assertEquals(k.score, z.score(mb));
        }
        List<String> reversed = new ArrayList<>();
        z.range(0, sorted.size() - 1, true, (mm, s) -> reversed.add(new String(mm, StandardCharsets.UTF_8)));
        assertEquals(sorted.reversed().stream().map(Key::member).toList(), reversed);
    }
}
