package io.mnemos.store;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A stream consumer group, Redis's streamCG: the last delivered ID, the logical read counter
 * (entries_read, -1 when unknown), the group's pending entries list (PEL: every entry delivered and
 * not yet acknowledged, with its consumer, delivery time and count) and the consumers, each with
 * its own PEL sharing the same {@link Nack} objects. Names sort as Redis's rax sorts them
 * (unsigned bytes, a prefix first).
 */
public final class StreamGroup {
    /** SCG_INVALID_ENTRIES_READ. */
    public static final long INVALID_ENTRIES_READ = -1;

    /** streamNACK: a pending entry. */
    public static final class Nack {
        public long deliveryTime;
        public long deliveryCount;
        public Consumer consumer;

        public Nack(Consumer consumer, long deliveryTime) {
            this.consumer = consumer;
            this.deliveryTime = deliveryTime;
            this.deliveryCount = 1;
        }
    }

    /** streamConsumer. */
    public static final class Consumer {
        public final byte[] name;
        public long seenTime;
        public final TreeMap<StreamId, Nack> pel = new TreeMap<>();

        Consumer(byte[] name, long seenTime) {
            this.name = name;
            this.seenTime = seenTime;
        }
    }

    public StreamId lastId;
    public long entriesRead;
    public final TreeMap<StreamId, Nack> pel = new TreeMap<>();
    public final TreeMap<byte[], Consumer> consumers = new TreeMap<>(Arrays::compareUnsigned);
    /** The consumers' heap estimate, kept as they come and go: see {@link StreamValue#memoryUsage}. */
    private long consumersHeap;

    public StreamGroup(StreamId lastId, long entriesRead) {
        this.lastId = lastId;
        this.entriesRead = entriesRead;
    }

    public Consumer consumer(byte[] name) {
        return consumers.get(name);
    }

    /** streamCreateConsumer: the new consumer, or null when one with that name exists. */
    public Consumer createConsumer(byte[] name, long now) {
        if (consumers.containsKey(name)) {
            return null;
        }
        Consumer c = new Consumer(name.clone(), now);
        addConsumer(c);
        return c;
    }

    private void addConsumer(Consumer c) {
        consumers.put(c.name, c);
        consumersHeap += consumerHeap(c);
    }

    /** A consumer's object, name and PEL tree (its PEL entries are counted with the group's). */
    private static long consumerHeap(Consumer c) {
        return 120 + MemoryModel.byteArray(c.name.length);
    }

    /** The consumers' heap estimate, without walking them (memory is settled after every write). */
    long consumersHeap() {
        return consumersHeap;
    }

    /** streamDelConsumer: the consumer and its pending entries go (from the group PEL too). */
    public void deleteConsumer(Consumer c) {
        for (StreamId id : c.pel.keySet()) {
            pel.remove(id);
        }
        consumers.remove(c.name);
        consumersHeap -= consumerHeap(c);
    }

    /** Acknowledges (or drops) a pending entry: out of the group's PEL and its consumer's. */
    public boolean removePending(StreamId id) {
        Nack n = pel.remove(id);
        if (n == null) {
            return false;
        }
        if (n.consumer != null) {
            n.consumer.pel.remove(id);
        }
        return true;
    }

    /** A deep copy (COPY): consumers, and PEL entries shared between the group and its consumers. */
    StreamGroup copy() {
        StreamGroup g = new StreamGroup(lastId, entriesRead);
        java.util.IdentityHashMap<Consumer, Consumer> owners = new java.util.IdentityHashMap<>();
        for (Consumer c : consumers.values()) {
            Consumer cc = new Consumer(c.name, c.seenTime);
            g.addConsumer(cc);
            owners.put(c, cc);
        }
        for (var e : pel.entrySet()) {
            Nack n = e.getValue();
            Nack nn = new Nack(owners.get(n.consumer), n.deliveryTime);
            nn.deliveryCount = n.deliveryCount;
            g.pel.put(e.getKey(), nn);
            if (nn.consumer != null) {
                nn.consumer.pel.put(e.getKey(), nn);
            }
        }
        return g;
    }
}
