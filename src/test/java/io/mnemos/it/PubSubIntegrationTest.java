package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pub/Sub and keyspace notifications through unchanged Jedis and Lettuce clients. */
class PubSubIntegrationTest {
    private static RunningServer server;

    @BeforeAll
    static void startServer() {
        server = RunningServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void jedisPubSubWithChannelAndPatternSubscriptions() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(2);
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onPSubscribe(String pattern, int subscribedChannels) {
                subscribed.countDown();
            }

            @Override
            public void onMessage(String channel, String message) {
                received.add("message " + channel + " " + message);
            }

            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add("pmessage " + pattern + " " + channel + " " + message);
            }
        };
        Thread subscriber = new Thread(() -> {
            try (Jedis jedis = new Jedis(server.host(), server.port())) {
                jedis.subscribe(listener, "orders");
            }
        });
        subscriber.start();
        try (Jedis publisher = new Jedis(server.host(), server.port())) {
            long deadline = System.currentTimeMillis() + 5000;
            while (!listener.isSubscribed() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            listener.psubscribe("ord*");
            assertTrue(subscribed.await(5, TimeUnit.SECONDS));
            assertEquals(2L, publisher.publish("orders", "o1"));
            assertEquals(1L, publisher.publish("ordinal", "o2"));
            assertEquals("message orders o1", received.poll(5, TimeUnit.SECONDS));
            assertEquals("pmessage ord* orders o1", received.poll(5, TimeUnit.SECONDS));
            assertEquals("pmessage ord* ordinal o2", received.poll(5, TimeUnit.SECONDS));
            assertEquals(java.util.Map.of("orders", 1L), publisher.pubsubNumSub("orders"));
            assertEquals(1L, publisher.pubsubNumPat());
            listener.unsubscribe();
            listener.punsubscribe();
            subscriber.join(5000);
            assertEquals(0L, publisher.pubsubNumPat());
        }
    }

    @Test
    void jedisReceivesKeyspaceNotifications() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        JedisPubSub listener = new JedisPubSub() {
            @Override
            public void onPMessage(String pattern, String channel, String message) {
                received.add(channel + " " + message);
            }
        };
        try (Jedis admin = new Jedis(server.host(), server.port())) {
            admin.configSet("notify-keyspace-events", "KEA");
            Thread subscriber = new Thread(() -> {
                try (Jedis jedis = new Jedis(server.host(), server.port())) {
                    jedis.psubscribe(listener, "__keyspace@0__:job:*");
                }
            });
            subscriber.start();
            long deadline = System.currentTimeMillis() + 5000;
            while (!listener.isSubscribed() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            admin.rpush("job:1", "a");
            admin.lpop("job:1");
            admin.set("other", "x");
            admin.psetex("job:2", 50, "v");
            assertEquals("__keyspace@0__:job:1 rpush", received.poll(5, TimeUnit.SECONDS));
            assertEquals("__keyspace@0__:job:1 lpop", received.poll(5, TimeUnit.SECONDS));
            assertEquals("__keyspace@0__:job:1 del", received.poll(5, TimeUnit.SECONDS));
            assertEquals("__keyspace@0__:job:2 set", received.poll(5, TimeUnit.SECONDS));
            assertEquals("__keyspace@0__:job:2 expire", received.poll(5, TimeUnit.SECONDS));
            // The active expire cycle removes the key without anyone asking for it.
            assertEquals("__keyspace@0__:job:2 expired", received.poll(5, TimeUnit.SECONDS));
            listener.punsubscribe();
            subscriber.join(5000);
            admin.configSet("notify-keyspace-events", "");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettucePubSubConnection(ProtocolVersion protocol) throws Exception {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisPubSubConnection<String, String> sub = client.connectPubSub();
             var pub = client.connect()) {
            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            sub.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    received.add(channel + "=" + message);
                }

                @Override
                public void message(String pattern, String channel, String message) {
                    received.add(pattern + ":" + channel + "=" + message);
                }
            });
            sub.sync().subscribe("alerts");
            sub.sync().psubscribe("al*");
            if (protocol == ProtocolVersion.RESP3) {
                // RESP3 connections may run any command while subscribed.
                assertEquals("PONG", sub.sync().ping());
            }
            assertEquals(2L, pub.sync().publish("alerts", "fire"));
            assertEquals("alerts=fire", received.poll(5, TimeUnit.SECONDS));
            assertEquals("al*:alerts=fire", received.poll(5, TimeUnit.SECONDS));
            assertEquals(List.of("alerts"), pub.sync().pubsubChannels());
            assertEquals(1L, pub.sync().pubsubNumsub("alerts").get("alerts"));
            sub.sync().unsubscribe("alerts");
            sub.sync().punsubscribe("al*");
            assertEquals(0L, pub.sync().publish("alerts", "again"));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
