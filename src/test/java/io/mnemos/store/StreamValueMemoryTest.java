package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A stream's heap estimate is settled after every write, so it keeps its consumers' share as they
 * come and go instead of walking them; it must equal the walk whatever the group went through.
 */
class StreamValueMemoryTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The same estimate, walking every consumer. */
    private static long walked(StreamValue s, long withoutGroups) {
        long bytes = withoutGroups;
        for (Map.Entry<byte[], StreamGroup> g : s.groups().entrySet()) {
            bytes += 120 + MemoryModel.byteArray(g.getKey().length) + g.getValue().pel.size() * 112L;
            for (StreamGroup.Consumer c : g.getValue().consumers.values()) {
                bytes += 120 + MemoryModel.byteArray(c.name.length) + c.pel.size() * 40L;
            }
        }
        return bytes;
    }

    @Test
    void consumersCreatedDeletedAndCopiedAreCountedAsByWalkingThem() {
        StreamValue s = new StreamValue();
        long empty = s.memoryUsage();
        StreamGroup g = s.createGroup(b("group"), StreamId.MIN, 0);
        long bare = s.memoryUsage() - (120 + MemoryModel.byteArray(5));
        assertEquals(empty, bare);
        for (int i = 0; i < 50; i++) {
            StreamGroup.Consumer c = g.createConsumer(b("consumer-" + i), 0);
            StreamId id = new StreamId(i + 1, 0);
            StreamGroup.Nack n = new StreamGroup.Nack(c, 0);
            g.pel.put(id, n);
            c.pel.put(id, n);
        }
        assertEquals(walked(s, empty), s.memoryUsage());
        for (int i = 0; i < 50; i += 3) {
            g.deleteConsumer(g.consumer(b("consumer-" + i)));
        }
        g.createConsumer(b("consumer-1"), 0); // exists: nothing added
        assertEquals(walked(s, empty), s.memoryUsage());
        StreamValue copy = s.copy();
        assertEquals(s.memoryUsage(), copy.memoryUsage());
    }
}
