package io.mnemos.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import io.mnemos.persistence.TempFile;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two forms of a full sync's RDB: a length, or an EOF mark (which may be split between reads),
 * held in memory or written to a temporary file that becomes the dump file.
 */
class RdbTransferTest {
    private static final String MARK = "0123456789abcdef0123456789abcdef01234567";

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    private static String received(RdbTransfer t) throws Exception {
        return new String(t.payload().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aLengthTakesThatManyBytesAndLeavesTheStreamThatFollows() throws Exception {
        RdbTransfer t = RdbTransfer.announcedBy("$10");
        assertFalse(t.eofMarked());
        assertFalse(t.receive(bytes("REDIS")));
        ByteBuf rest = bytes("00101*1\r\n$4\r\nPING\r\n");
        assertTrue(t.receive(rest));
        assertEquals("REDIS00101", received(t));
        assertEquals(10, t.read());
        assertEquals("*1\r\n$4\r\nPING\r\n", rest.toString(StandardCharsets.ISO_8859_1));
        assertTrue(RdbTransfer.announcedBy("$0").complete());
    }

    @Test
    void anRdbHeldInMemoryMayBeLongerThanOneChunkAndArriveInAnyPieces() throws Exception {
        byte[] rdb = new byte[3 * (1 << 20) + 12345];
        new Random(7).nextBytes(rdb);
        for (String header : new String[]{"$" + rdb.length, "$EOF:" + MARK}) {
            RdbTransfer t = RdbTransfer.announcedBy(header);
            Random pieces = new Random(11);
            boolean complete = false;
            for (int at = 0; at < rdb.length; ) {
                int n = Math.min(rdb.length - at, 1 + pieces.nextInt(300_000));
                complete = t.receive(Unpooled.wrappedBuffer(rdb, at, n));
                at += n;
            }
            if (t.eofMarked()) {
                assertFalse(complete);
                assertTrue(t.receive(bytes(MARK)));
            } else {
                assertTrue(complete);
            }
            assertArrayEquals(rdb, t.payload().readAllBytes(), header);
        }
    }

    @Test
    void anEofMarkEndsTheRdbEvenWhenSplitBetweenReads() throws Exception {
        RdbTransfer t = RdbTransfer.announcedBy("$EOF:" + MARK);
        assertTrue(t.eofMarked());
        assertEquals(0, t.size());
        assertFalse(t.receive(bytes("REDIS0010" + MARK.substring(0, 15))));
        ByteBuf rest = bytes(MARK.substring(15) + "*1\r\n$4\r\nPING\r\n");
        assertTrue(t.receive(rest));
        assertEquals("REDIS0010", received(t));
        assertEquals(9 + 40, t.read());
        assertArrayEquals("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.ISO_8859_1),
                io.netty.buffer.ByteBufUtil.getBytes(rest));
    }

    /** A payload of {@code n} random bytes and the reads it arrives in, of random sizes. */
    private static byte[] randomPayload(Random random, int n) {
        byte[] payload = new byte[n];
        random.nextBytes(payload);
        return payload;
    }

    private static boolean feed(RdbTransfer t, byte[] data, Random random) throws Exception {
        int at = 0;
        boolean complete = false;
        while (at < data.length && !complete) {
            int n = Math.min(data.length - at, 1 + random.nextInt(random.nextBoolean() ? 50 : 70_000));
            ByteBuf read = Unpooled.wrappedBuffer(data, at, n);
            complete = t.receive(read);
            at += n - read.readableBytes();
            if (!complete) {
                assertEquals(0, read.readableBytes(), "an incomplete transfer takes the whole read");
            }
        }
        assertEquals(data.length, at, "the transfer ends where the RDB ends");
        return complete;
    }

    @Test
    void aDiskBasedTransferStreamsToATemporaryFileThatBecomesTheDump(@TempDir Path dir) throws Exception {
        Random random = new Random(42);
        for (String form : new String[]{"length", "eof"}) {
            byte[] rdb = randomPayload(random, 1_000_000);
            String header = form.equals("eof") ? "$EOF:" + MARK : "$" + rdb.length;
            byte[] sent = rdb;
            if (form.equals("eof")) {
                sent = java.util.Arrays.copyOf(rdb, rdb.length + MARK.length());
                System.arraycopy(MARK.getBytes(StandardCharsets.US_ASCII), 0, sent, rdb.length, MARK.length());
            }
            try (RdbTransfer t = RdbTransfer.announcedBy(header, new TempFile(dir, "dump.rdb", "temp-1.rdb"))) {
                assertTrue(feed(t, sent, random));
                assertEquals(rdb.length, t.length());
                assertEquals(sent.length, t.read());
                assertTrue(Files.exists(dir.resolve("temp-1.rdb")), "written as it arrives, under the temporary name");
                t.install();
            }
            assertArrayEquals(rdb, Files.readAllBytes(dir.resolve("dump.rdb")), form);
            assertFalse(Files.exists(dir.resolve("temp-1.rdb")));
        }
    }

    @Test
    void anAbandonedTransferLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
        try (RdbTransfer t = RdbTransfer.announcedBy("$100", new TempFile(dir, "dump.rdb", "temp-2.rdb"))) {
            assertFalse(t.receive(bytes("REDIS0010")));
        }
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void anEofMarkInRandomReadsEndsTheRdbInMemoryToo() throws Exception {
        Random random = new Random(7);
        byte[] rdb = randomPayload(random, 300_000);
        byte[] sent = java.util.Arrays.copyOf(rdb, rdb.length + MARK.length());
        System.arraycopy(MARK.getBytes(StandardCharsets.US_ASCII), 0, sent, rdb.length, MARK.length());
        RdbTransfer t = RdbTransfer.announcedBy("$EOF:" + MARK);
        assertTrue(feed(t, sent, random));
        assertArrayEquals(rdb, t.payload().readAllBytes());
    }
}
