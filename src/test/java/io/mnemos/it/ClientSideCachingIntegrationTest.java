package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import io.mnemos.embedded.MnemosExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lettuce's client side caching over RESP3: values it cached are dropped once another client writes them. */
class ClientSideCachingIntegrationTest {
    @RegisterExtension
    static final MnemosExtension server = MnemosExtension.builder().build();

    private RedisClient client;
    private StatefulRedisConnection<String, String> tracked;
    private StatefulRedisConnection<String, String> writer;

    @BeforeEach
    void connect() {
        client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP3).build());
        tracked = client.connect();
        writer = client.connect();
        writer.sync().flushall();
    }

    @AfterEach
    void close() {
        tracked.close();
        writer.close();
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void aCachedValueIsInvalidatedAfterAnotherClientWritesIt() throws InterruptedException {
        writer.sync().set("greeting", "hello");
        Map<String, String> cache = new ConcurrentHashMap<>();
        CacheFrontend<String, String> frontend =
                ClientSideCaching.enable(CacheAccessor.forMap(cache), tracked, TrackingArgs.Builder.enabled());
        try {
            assertEquals("hello", frontend.get("greeting"));
            assertEquals("hello", cache.get("greeting"), "read through the cache");
            writer.sync().set("greeting", "bonjour");
            awaitTrue(() -> !cache.containsKey("greeting"), "the invalidation push removes the entry");
            assertEquals("bonjour", frontend.get("greeting"));
            assertEquals("bonjour", cache.get("greeting"));
        } finally {
            frontend.close();
        }
    }

    @Test
    void bcastPushesReachAPushListener() throws InterruptedException {
        BlockingQueue<PushMessage> pushes = new LinkedBlockingQueue<>();
        tracked.addListener(pushes::add);
        tracked.sync().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes("user:"));
        writer.sync().set("user:1", "ada");
        writer.sync().set("other", "x");
        PushMessage message = pushes.poll(5, TimeUnit.SECONDS);
        assertNotNull(message, "no invalidation arrived");
        assertEquals("invalidate", message.getType());
        List<Object> content = message.getContent();
        assertEquals(List.of("user:1"), keys(content.get(1)));
        assertEquals(null, pushes.poll(200, TimeUnit.MILLISECONDS), "keys outside the prefix are not sent");
        assertTrue(tracked.sync().clientTrackinginfo().toString().contains("user:"));
        writer.sync().flushall();
        PushMessage flushed = pushes.poll(5, TimeUnit.SECONDS);
        assertNotNull(flushed, "no invalidation after FLUSHALL");
        assertEquals("invalidate", flushed.getType());
        assertEquals(null, flushed.getContent().get(1), "null stands for every key");
    }

    private static List<String> keys(Object array) {
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) array) {
            out.add(o instanceof ByteBuffer b ? StandardCharsets.UTF_8.decode(b.duplicate()).toString() : o.toString());
        }
        return out;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertFalse(System.nanoTime() > deadline, "timed out: " + what);
            Thread.sleep(10);
        }
    }
}
