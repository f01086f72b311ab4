package io.mnemos.server;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tracking table and prefix table of client side caching, driven through commands and directly. */
class TrackingTest {
    private CommandHarness h;
    private Tracking tracking;
    private Client reader;
    private Client writer;

    @BeforeEach
    void setUp() {
        h = new CommandHarness();
        tracking = h.server().tracking();
        reader = connected();
        writer = connected();
        h.exec(reader, "HELLO", "3");
    }

    /** A client the registry knows, as invalidations look targets up by id. */
    private Client connected() {
        Client c = h.newClient();
        h.server().clients().add(c);
        return c;
    }

    private static String invalidate(String key) {
        return ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + key.length() + "\r\n" + key + "\r\n";
    }

    @Test
    void nothingIsTrackedUntilAClientEnablesTracking() {
        h.exec(reader, "GET", "a");
        assertFalse(tracking.any());
        assertEquals(0, tracking.clientCount());
        h.exec(writer, "SET", "a", "1");
        assertEquals("", h.output(reader));
    }

    @Test
    void aKeyReadByATrackingClientIsInvalidatedOnceWhenModified() {
        h.exec(reader, "CLIENT", "TRACKING", "on");
        h.exec(reader, "MGET", "a", "b");
        h.exec(reader, "GET", "a");
        assertEquals(2, tracking.totalKeys());
        assertEquals(2, tracking.totalItems());
        h.exec(writer, "SET", "a", "1");
        assertEquals(invalidate("a"), h.output(reader));
        h.exec(writer, "SET", "a", "2");
        assertEquals("", h.output(reader), "forgotten once invalidated, until read again");
        assertEquals(1, tracking.totalKeys());
    }

    @Test
    void aKeyReadByTwoClientsCountsTwoItemsAndInvalidatesBoth() {
        Client other = connected();
        h.exec(other, "HELLO", "3");
        h.exec(reader, "CLIENT", "TRACKING", "on");
        h.exec(other, "CLIENT", "TRACKING", "on");
        h.exec(reader, "GET", "k");
        h.exec(other, "GET", "k");
        assertEquals(1, tracking.totalKeys());
        assertEquals(2, tracking.totalItems());
        assertEquals(":0\r\n", h.exec(writer, "DEL", "k"));
        assertEquals("", h.output(reader), "DEL of a missing key modifies nothing");
        h.exec(writer, "SET", "k", "v");
        assertEquals(invalidate("k"), h.output(reader));
        assertEquals(invalidate("k"), h.output(other));
        assertEquals(0, tracking.totalItems());
    }

    @Test
    void theTrackersOwnWriteIsAnnouncedAfterItsReply() {
        h.exec(reader, "CLIENT", "TRACKING", "on");
        h.exec(reader, "GET", "a");
        assertEquals("+OK\r\n" + invalidate("a"), h.exec(reader, "SET", "a", "1"));
    }

    @Test
    void aFlushSendsNullToEveryTrackingClientAndEmptiesTheTable() {
        h.exec(reader, "CLIENT", "TRACKING", "on");
        h.exec(reader, "GET", "a");
        h.exec(writer, "FLUSHALL");
        assertEquals(">2\r\n$10\r\ninvalidate\r\n_\r\n", h.output(reader));
        assertEquals(0, tracking.totalKeys());
    }

    @Test
    void idsOfClosedClientsAreDroppedLazily() {
        h.exec(reader, "CLIENT", "TRACKING", "on");
        h.exec(reader, "GET", "a");
        h.server().clients().remove(reader);
        h.server().dispatcher().forget(reader);
        assertEquals(0, tracking.clientCount());
        assertEquals(1, tracking.totalKeys(), "the table keeps the id until the key changes");
        h.exec(writer, "SET", "a", "1");
        assertEquals(0, tracking.totalKeys());
        assertEquals("", h.output(reader));
    }

    @Test
    void overTheMaximumRandomKeysAreForgottenWithInvalidations() {
        h.exec(reader, "CLIENT", "TRACKING", "on");
        for (int i = 0; i < 10; i++) {
            h.exec(reader, "GET", "k" + i);
        }
        h.server().config().trackingTableMaxKeys = 3;
        h.exec(writer, "PING");
        assertEquals(3, tracking.totalKeys());
        String pushes = h.output(reader);
        assertEquals(7, pushes.split(">2\r\n", -1).length - 1, pushes);
        h.server().config().trackingTableMaxKeys = 0;
        for (int i = 10; i < 20; i++) {
            h.exec(reader, "GET", "k" + i);
        }
        h.exec(writer, "PING");
        assertEquals(13, tracking.totalKeys(), "0 means no limit");
    }

    @Test
    void evictedAndExpiredKeysAreInvalidatedLikeModifiedOnes() {
        h.exec(reader, "CLIENT", "TRACKING", "on");
        h.exec(writer, "SET", "gone", "x", "PX", "10");
        h.exec(writer, "SET", "evicted", "x");
        h.exec(reader, "MGET", "gone", "evicted");
        h.clock().advance(20);
        assertEquals(":0\r\n", h.exec(writer, "EXISTS", "gone"));
        assertEquals(invalidate("gone"), h.output(reader));
        h.exec(writer, "CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        h.exec(writer, "CONFIG", "SET", "maxmemory", "1");
        h.exec(writer, "PING");
        h.exec(writer, "CONFIG", "SET", "maxmemory", "0");
        assertEquals(invalidate("evicted"), h.output(reader));
        assertEquals(0, tracking.totalKeys());
    }

    @Test
    void bcastCollectsKeysUnderItsPrefixesAndBroadcastsThemInByteOrder() {
        h.exec(reader, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "b", "PREFIX", "a");
        assertEquals(2, tracking.totalPrefixes());
        h.exec(writer, "MSET", "b2", "1", "a1", "1", "c", "1", "b1", "1");
        assertEquals("", h.output(reader), "sent in beforeSleep, not during the command");
        tracking.broadcast();
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\na1\r\n"
                + ">2\r\n$10\r\ninvalidate\r\n*2\r\n$2\r\nb1\r\n$2\r\nb2\r\n", h.output(reader));
        tracking.broadcast();
        assertEquals("", h.output(reader));
        h.exec(reader, "CLIENT", "TRACKING", "off");
        assertEquals(0, tracking.totalPrefixes());
    }

    @Test
    void bcastWithNoloopLeavesOutTheKeysTheClientModifiedLast() {
        h.exec(reader, "CLIENT", "TRACKING", "on", "BCAST", "NOLOOP");
        h.exec(reader, "SET", "mine", "1");
        tracking.broadcast();
        assertEquals("", h.output(reader), "nothing left to send");
        h.exec(reader, "SET", "x", "1");
        h.exec(writer, "SET", "y", "1");
        tracking.broadcast();
        assertEquals(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\ny\r\n", h.output(reader));
    }

    @Test
    void prefixCollisionsAbortExceptForRedisOwnLaterOverlapQuirk() {
        List<byte[]> overlapFirst = List.of(bytes("a"), bytes("ab"));
        Tracking.Collision first = tracking.checkPrefixCollisions(reader, overlapFirst);
        assertEquals("Prefix 'a' overlaps with another provided prefix 'ab'. Prefixes for a single client must not "
                + "overlap.", first.error());
        assertTrue(first.abort());
        Tracking.Collision later = tracking.checkPrefixCollisions(reader, List.of(bytes("b"), bytes("a"), bytes("ab")));
        assertFalse(later.abort(), "Redis returns the index 1, which its caller takes for success");
        assertNull(tracking.checkPrefixCollisions(reader, List.of(bytes("a"), bytes("b"))));
        h.exec(reader, "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x\u0000y");
        assertEquals("Prefix 'x' overlaps with an existing prefix 'x'. Prefixes for a single client must not overlap.",
                tracking.checkPrefixCollisions(reader, List.of(bytes("x"))).error(), "printed up to a NUL, as %s");
    }

    @Test
    void aRedirectToAClientThatIsGoneIsReportedOnceTheNextInvalidationIsDue() {
        Client target = connected();
        h.exec(reader, "CLIENT", "TRACKING", "on", "REDIRECT", Long.toString(target.id()));
        h.exec(reader, "GET", "a");
        h.server().clients().remove(target);
        h.exec(writer, "SET", "a", "1");
        assertEquals(">2\r\n$21\r\ntracking-redir-broken\r\n:" + target.id() + "\r\n", h.output(reader));
        assertTrue(reader.tracking().brokenRedirect());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
