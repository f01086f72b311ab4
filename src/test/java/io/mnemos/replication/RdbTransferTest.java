package io.mnemos.replication;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two forms of a full sync's RDB: a length, or an EOF mark (which may be split between reads). */
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
}
