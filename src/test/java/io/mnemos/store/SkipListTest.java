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
}
