package io.mnemos.it;

import io.mnemos.embedded.MnemosExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.params.XTrimParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamGroupInfo;
import redis.clients.jedis.resps.StreamPendingSummary;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis, unchanged, drives the stream and consumer-group commands over real sockets. */
class StreamsIntegrationTest {
    @RegisterExtension
    static final MnemosExtension server = MnemosExtension.builder().build();
    private Jedis jedis;

    @BeforeEach
    void connect() {
        jedis = new Jedis(server.host(), server.port());
        jedis.flushAll();
    }

    @AfterEach
    void disconnect() {
        jedis.close();
    }

    @Test
    void jedisAppendsReadsTrimsAndDeletesEntries() {
        StreamEntryID first = jedis.xadd("events", StreamEntryID.NEW_ENTRY, Map.of("type", "login", "user", "ada"));
        assertTrue(first.getTime() > 0);
        StreamEntryID second = jedis.xadd("events", XAddParams.xAddParams().id(first.getTime() + 5, 0),
                Map.of("type", "logout"));
        assertEquals(new StreamEntryID(first.getTime() + 5, 0), second);
        assertEquals(2, jedis.xlen("events"));

        List<StreamEntry> all = jedis.xrange("events", "-", "+");
        assertEquals(List.of(first, second), all.stream().map(StreamEntry::getID).toList());
        assertEquals(Map.of("type", "login", "user", "ada"), all.get(0).getFields());
        assertEquals(second, jedis.xrevrange("events", "+", "-", 1).get(0).getID());

        for (int i = 1; i <= 10; i++) {
            jedis.xadd("events", XAddParams.xAddParams().id(second.getTime() + i, 0), Map.of("n", "" + i));
        }
        assertEquals(7, jedis.xtrim("events", XTrimParams.xTrimParams().maxLen(5).exactTrimming()));
        assertEquals(1, jedis.xdel("events", new StreamEntryID(second.getTime() + 10, 0)));
        assertEquals(4, jedis.xlen("events"));
        assertEquals("stream", jedis.type("events"));
        assertNull(jedis.xadd("absent", XAddParams.xAddParams().noMkStream(), Map.of("f", "v")));
        assertFalse(jedis.exists("absent"));
    }

    @Test
    void blockedXreadIsWokenByAnXaddFromAnotherConnection() throws Exception {
        jedis.xadd("q", new StreamEntryID(1, 1), Map.of("old", "entry"));
        CompletableFuture<List<Map.Entry<String, List<StreamEntry>>>> read = CompletableFuture.supplyAsync(() -> {
            try (Jedis reader = new Jedis(server.host(), server.port())) {
                return reader.xread(XReadParams.xReadParams().block(10_000),
                        Map.of("q", StreamEntryID.XREAD_NEW_ENTRY));
            }
        });
        // Wait until the reader is blocked, then add from this connection.
        long deadline = System.currentTimeMillis() + 5000;
        while (!jedis.info("clients").contains("blocked_clients:1")) {
            assertTrue(System.currentTimeMillis() < deadline, "the reader never blocked");
            Thread.sleep(5);
        }
        jedis.xadd("q", new StreamEntryID(2, 0), Map.of("new", "entry"));
        List<Map.Entry<String, List<StreamEntry>>> got = read.get(5, TimeUnit.SECONDS);
        assertEquals(1, got.size());
        assertEquals("q", got.get(0).getKey());
        assertEquals(new StreamEntryID(2, 0), got.get(0).getValue().get(0).getID());
        assertEquals(Map.of("new", "entry"), got.get(0).getValue().get(0).getFields());
    }

    @Test
    void jedisConsumesThroughAGroupAndAcknowledges() {
        for (int i = 1; i <= 3; i++) {
            jedis.xadd("jobs", new StreamEntryID(i, 0), Map.of("job", "j" + i));
        }
        assertEquals("OK", jedis.xgroupCreate("jobs", "workers", new StreamEntryID(0, 0), false));
        Map<String, List<StreamEntry>> got = jedis.xreadGroupAsMap("workers", "w1",
                XReadGroupParams.xReadGroupParams().count(2),
                Map.of("jobs", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        assertEquals(List.of(new StreamEntryID(1, 0), new StreamEntryID(2, 0)),
                got.get("jobs").stream().map(StreamEntry::getID).toList());
        assertEquals(Map.of("job", "j1"), got.get("jobs").get(0).getFields());

        StreamPendingSummary pending = jedis.xpending("jobs", "workers");
        assertEquals(2, pending.getTotal());
        assertEquals(new StreamEntryID(1, 0), pending.getMinId());
        assertEquals(Map.of("w1", 2L), pending.getConsumerMessageCount());

        assertEquals(1, jedis.xack("jobs", "workers", new StreamEntryID(1, 0)));
        List<StreamEntry> claimed = jedis.xclaim("jobs", "workers", "w2", 0, XClaimParams.xClaimParams(),
                new StreamEntryID(2, 0));
        assertEquals(new StreamEntryID(2, 0), claimed.get(0).getID());
        List<StreamGroupInfo> groups = jedis.xinfoGroups("jobs");
        assertEquals("workers", groups.get(0).getName());
        assertEquals(1, groups.get(0).getPending());
        assertEquals(2, groups.get(0).getConsumers());
        assertEquals(new StreamEntryID(2, 0), groups.get(0).getLastDeliveredId());
    }

    @Test
    void blockedXreadTimesOutWithANullReply() {
        long start = System.nanoTime();
        assertNull(jedis.xread(XReadParams.xReadParams().block(100), Map.of("q", StreamEntryID.XREAD_NEW_ENTRY)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
    }
}
