package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SRANDMEMBER, HRANDFIELD and ZRANDMEMBER with a count small next to the collection pick at random
 * until they have that many distinct elements (Redis's CASE 4), all of them the collection's.
 */
class DistinctRandomTest {
    @Test
    void picksAreDistinctAndAsManyAsAsked() {
        List<Integer> picks = DistinctRandom.picks(50, () -> ThreadLocalRandom.current().nextInt(150), n -> n);
        assertEquals(50, picks.size());
        assertEquals(50, new HashSet<>(picks).size());
        assertTrue(DistinctRandom.bySampling(50, 150));
        assertTrue(!DistinctRandom.bySampling(51, 150), "over a third of the elements: the whole is walked");
    }

    /** The bulk strings of a flat RESP2 array reply. */
    private static List<String> bulks(String reply) {
        String[] lines = reply.split("\r\n");
        List<String> out = new ArrayList<>();
        for (int i = 1; i < lines.length; i += 2) {
            out.add(lines[i + 1]);
        }
        return out;
    }

    @Test
    void aSmallCountFromABigCollectionIsDistinctMembersOfIt() {
        CommandHarness h = new CommandHarness();
        List<String> sadd = new ArrayList<>(List.of("SADD", "s"));
        List<String> hset = new ArrayList<>(List.of("HSET", "h"));
        List<String> zadd = new ArrayList<>(List.of("ZADD", "z"));
        for (int i = 0; i < 300; i++) {
            sadd.add("m" + i);
            hset.add("f" + i);
            hset.add("v" + i);
            zadd.add(Integer.toString(i));
            zadd.add("m" + i);
        }
        h.exec(sadd.toArray(String[]::new));
        h.exec(hset.toArray(String[]::new));
        h.exec(zadd.toArray(String[]::new));
        for (int round = 0; round < 20; round++) {
            List<String> members = bulks(h.exec("SRANDMEMBER", "s", "100"));
            assertEquals(100, new HashSet<>(members).size());
            members.forEach(m -> assertTrue(m.matches("m\\d+") && Integer.parseInt(m.substring(1)) < 300, m));
            List<String> pairs = bulks(h.exec("HRANDFIELD", "h", "100", "WITHVALUES"));
            assertEquals(200, pairs.size());
            HashSet<String> fields = new HashSet<>();
            for (int i = 0; i < pairs.size(); i += 2) {
                fields.add(pairs.get(i));
                assertEquals("v" + pairs.get(i).substring(1), pairs.get(i + 1));
            }
            assertEquals(100, fields.size());
            List<String> scored = bulks(h.exec("ZRANDMEMBER", "z", "100", "WITHSCORES"));
            HashSet<String> zmembers = new HashSet<>();
            for (int i = 0; i < scored.size(); i += 2) {
                zmembers.add(scored.get(i));
                assertEquals(scored.get(i).substring(1), scored.get(i + 1));
            }
            assertEquals(100, zmembers.size());
        }
    }
}
