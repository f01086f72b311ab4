package io.mnemos.replication;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backlog keeps the stream's last bytes across the ring's wrap-around, by stream offset. */
class ReplicationBacklogTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void servesTheLastBytesByOffsetAcrossTheWrap() {
        ReplicationBacklog backlog = new ReplicationBacklog(16, 100); // created at master offset 100
        assertTrue(backlog.covers(101, 100), "a replica at the very end continues with nothing");
        assertEquals(0, backlog.since(101, 100).length);
        backlog.append(b("0123456789")); // bytes 101..110
        assertEquals("56789", new String(backlog.since(106, 110), StandardCharsets.US_ASCII));
        backlog.append(b("abcdefghij")); // 111..120: the ring wrapped, 105..120 held
        assertEquals(16, backlog.histlen());
        assertEquals(105, backlog.firstByteOffset(120));
        assertFalse(backlog.covers(104, 120), "older bytes are gone: a full resync");
        assertFalse(backlog.covers(122, 120), "an offset beyond the stream");
        assertEquals("456789abcdefghij", new String(backlog.since(105, 120), StandardCharsets.US_ASCII));
        assertEquals("hij", new String(backlog.since(118, 120), StandardCharsets.US_ASCII));
        backlog.append(b("0123456789ABCDEFGHIJ")); // longer than the ring: only its tail stays
        assertEquals("456789ABCDEFGHIJ", new String(backlog.since(125, 140), StandardCharsets.US_ASCII));
    }
}
