package io.mnemos.protocol;

import io.mnemos.testing.CommandHarness;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every reply type as RESP2 and as RESP3, byte for byte as Redis 7.0 writes it. */
class ReplyWriterTest {
    private static String render(int protocol, Consumer<ReplyWriter> replies) {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        w.protocol(protocol);
        replies.accept(w);
        return CommandHarness.drain(w);
    }

    private static void both(String expected, Consumer<ReplyWriter> replies) {
        assertEquals(expected, render(2, replies), "RESP2");
        assertEquals(expected, render(3, replies), "RESP3");
    }

    private static void differs(String resp2, String resp3, Consumer<ReplyWriter> replies) {
        assertEquals(resp2, render(2, replies), "RESP2");
        assertEquals(resp3, render(3, replies), "RESP3");
    }

    @Test
    void statusAndErrorLinesAreTheSameInBothProtocols() {
        both("+OK\r\n", ReplyWriter::ok);
        both("+PONG\r\n", w -> w.simple("PONG"));
        both("-ERR syntax error\r\n", w -> w.error("ERR syntax error"));
        both("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
                w -> w.error("WRONGTYPE Operation against a key holding the wrong kind of value"));
    }

    @Test
    void newlinesInAnErrorBecomeBlanks() {
        both("-ERR Protocol error: expected '$', got ' '\r\n", w -> w.error("ERR Protocol error: expected '$', got '\r'"));
        both("-ERR a b  c\r\n", w -> w.error("ERR a\nb\r\nc"));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, 7, 9, 10, -1, -10, 123456789, Long.MAX_VALUE, Long.MIN_VALUE})
    void integers(long value) {
        both(":" + value + "\r\n", w -> w.integer(value));
    }

    @Test
    void bulkStrings() {
        both("$5\r\nhello\r\n", w -> w.bulk("hello".getBytes(StandardCharsets.US_ASCII)));
        both("$0\r\n\r\n", w -> w.bulk(new byte[0]));
        both("$4\r\na\r\nb\r\n", w -> w.bulk("a\r\nb".getBytes(StandardCharsets.US_ASCII)));
        both("$3\r\nell\r\n", w -> w.bulk("hello".getBytes(StandardCharsets.US_ASCII), 1, 3));
        both("$2\r\n\u00e9\r\n", w -> w.bulk("\u00e9"));
        both("$20\r\n-9223372036854775808\r\n", w -> w.bulk(Long.MIN_VALUE));
        both("$2\r\n42\r\n", w -> w.bulk(42));
    }

    @Test
    void nullsAreTypedInResp2AndUnderscoreInResp3() {
        differs("$-1\r\n", "_\r\n", ReplyWriter::nullBulk);
        differs("$-1\r\n", "_\r\n", w -> w.bulk((byte[]) null));
        differs("*-1\r\n", "_\r\n", ReplyWriter::nullArray);
    }

    @Test
    void arraysAndSetsAndPushes() {
        both("*0\r\n", ReplyWriter::emptyArray);
        both("*2\r\n$1\r\na\r\n:1\r\n", w -> {
            w.arrayHeader(2);
            w.bulk("a");
            w.integer(1);
        });
        differs("*3\r\n", "~3\r\n", w -> w.setHeader(3));
        differs("*0\r\n", "~0\r\n", w -> w.setHeader(0));
        differs("*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n", ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n", w -> {
            w.pushHeader(3);
            w.bulk("message");
            w.bulk("ch");
            w.bulk("m");
        });
    }

    @Test
    void mapsAreFlatArraysOfTwiceTheSizeInResp2() {
        differs("*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n", w -> {
            w.mapHeader(2);
            w.bulk("a");
            w.integer(1);
            w.bulk("b");
            w.integer(2);
        });
        differs("*0\r\n", "%0\r\n", w -> w.mapHeader(0));
    }

    @Test
    void booleansAreIntegersInResp2() {
        differs(":1\r\n", "#t\r\n", w -> w.bool(true));
        differs(":0\r\n", "#f\r\n", w -> w.bool(false));
    }

    @Test
    void doublesAreBulkStringsInResp2() {
        differs("$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n", w -> w.doubleValue(0.1));
        differs("$3\r\n1.5\r\n", ",1.5\r\n", w -> w.doubleValue(1.5));
        differs("$3\r\ninf\r\n", ",inf\r\n", w -> w.doubleValue(Double.POSITIVE_INFINITY));
        differs("$4\r\n-inf\r\n", ",-inf\r\n", w -> w.doubleValue(Double.NEGATIVE_INFINITY));
        differs("$2\r\n-0\r\n", ",-0\r\n", w -> w.doubleValue(-0.0));
        differs("$5\r\n1e+17\r\n", ",1e+17\r\n", w -> w.doubleValue(1e17));
    }

    @Test
    void preformattedDoublesKeepTheirText() {
        differs("$20\r\n13.36138933897018433\r\n", ",13.36138933897018433\r\n", w -> w.doubleText("13.36138933897018433"));
    }

    @Test
    void verbatimStringsAreBulkStringsInResp2() {
        differs("$5\r\nab\r\nc\r\n", "=9\r\ntxt:ab\r\nc\r\n", w -> w.verbatim("txt", "ab\r\nc"));
        differs("$0\r\n\r\n", "=4\r\ntxt:\r\n", w -> w.verbatim("txt", ""));
    }

    @Test
    void rawBytesAreWrittenAsTheyAre() {
        both("+QUEUED\r\n", w -> w.raw("+QUEUED\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void disabledWriterDropsEveryReply() {
        for (int protocol : new int[] {2, 3}) {
            assertEquals("", render(protocol, w -> {
                w.enabled(false);
                w.ok();
                w.simple("x");
                w.error("ERR x");
                w.integer(1);
                w.bulk("x");
                w.bulk((byte[]) null);
                w.bulk(new byte[] {1, 2}, 0, 1);
                w.bulk(5);
                w.nullBulk();
                w.nullArray();
                w.emptyArray();
                w.arrayHeader(1);
                w.mapHeader(1);
                w.setHeader(1);
                w.pushHeader(1);
                w.bool(true);
                w.doubleValue(1);
                w.verbatim("txt", "x");
                w.raw(new byte[] {'+', '\r', '\n'});
            }));
        }
    }

    @Test
    void repliesAccumulateUntilTakenAndDiscardDropsThem() {
        ReplyWriter w = new ReplyWriter(UnpooledByteBufAllocator.DEFAULT);
        assertNull(w.take());
        assertEquals(0, w.pendingBytes());
        w.ok();
        w.integer(12);
        assertEquals(10, w.pendingBytes());
        ByteBuf out = w.take();
        assertEquals("+OK\r\n:12\r\n", out.toString(StandardCharsets.US_ASCII));
        out.release();
        assertNull(w.take());
        w.ok();
        w.discard();
        assertNull(w.take());
    }

    @Test
    void largeRepliesGrowTheBuffer() {
        byte[] big = new byte[1 << 20];
        String r = render(2, w -> {
            w.bulk(big);
            w.ok();
        });
        assertEquals(("$" + big.length + "\r\n").length() + big.length + 2 + 5, r.length());
    }
}
