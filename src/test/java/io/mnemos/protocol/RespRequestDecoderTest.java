package io.mnemos.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The request parser against Redis 7.0.15's processMultibulkBuffer/processInlineBuffer. Every
 * expectation here was first observed on a real redis-server with raw bytes over nc.
 */
class RespRequestDecoderTest {
    private static final long MAX_BULK = 512L * 1024 * 1024;

    /** Feeds chunks the way a connection does: each read in a buffer of its own, released after. */
    private static final class Feeder implements RequestSink {
        final RespRequestDecoder decoder = new RespRequestDecoder(MAX_BULK);
        final List<List<String>> requests = new ArrayList<>();
        final List<byte[][]> raw = new ArrayList<>();
        boolean authRequired;
        int stopAfter = Integer.MAX_VALUE;

        void feed(byte[] chunk) throws ProtocolException {
            ByteBuf read = Unpooled.wrappedBuffer(chunk);
            decoder.decode(read, this);
            assertEquals(0, read.readableBytes(), "a read is consumed whole");
        }

        @Override
        public boolean onRequest(byte[][] argv) {
            raw.add(argv);
            List<String> args = new ArrayList<>();
            for (byte[] a : argv) {
                args.add(new String(a, StandardCharsets.ISO_8859_1));
            }
            requests.add(args);
            return requests.size() < stopAfter;
        }

        @Override
        public boolean authRequired() {
            return authRequired;
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<List<String>> parse(String input) throws ProtocolException {
        Feeder f = new Feeder();
        f.feed(bytes(input));
        return f.requests;
    }

    private static String protocolError(String input) {
        return assertThrows(ProtocolException.class, () -> parse(input)).getMessage();
    }

    private static List<String> req(String... args) {
        return List.of(args);
    }

    private static String multibulk(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.getBytes(StandardCharsets.ISO_8859_1).length).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString();
    }

    // ---- well-formed input ----

    @Test
    void multibulkRequestBecomesItsArguments() throws Exception {
        assertEquals(List.of(req("SET", "key", "value")), parse(multibulk("SET", "key", "value")));
    }

    @Test
    void bulksAreBinarySafeAndMayBeEmpty() throws Exception {
        assertEquals(List.of(req("SET", "a\r\nb\0c", "")), parse("*3\r\n$3\r\nSET\r\n$6\r\na\r\nb\0c\r\n$0\r\n\r\n"));
    }

    @Test
    void theTwoBytesAfterABulkAreSkippedUncheckedAsRedisDoes() throws Exception {
        assertEquals(List.of(req("PING"), req("PING")), parse("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"));
    }

    @Test
    void inlineRequestIsSplitOnBlanks() throws Exception {
        assertEquals(List.of(req("SET", "a", "b")), parse("SET  a\tb\r\n"));
        assertEquals(List.of(req("PING")), parse("PING\n"));
        assertEquals(List.of(req("ECHO", "a\u000bb")), parse("ECHO a\u000bb\r\n"));
    }

    @Test
    void inlineDoubleQuotesKeepBlanksAndUnderstandEscapes() throws Exception {
        assertEquals(List.of(req("SET", "a", "b c")), parse("SET a \"b c\"\r\n"));
        assertEquals(List.of(req("ECHO", "aA\n\r\t\b\u0007\"\\q")), parse("ECHO \"a\\x41\\n\\r\\t\\b\\a\\\"\\\\\\q\"\r\n"));
        assertEquals(List.of(req("ECHO", "\u0080\u00ff")), parse("ECHO \"\\x80\\xFf\"\r\n"));
        // \x needs two hex digits, otherwise the backslash only escapes the x
        assertEquals(List.of(req("ECHO", "x4")), parse("ECHO \"\\x4\"\r\n"));
        assertEquals(List.of(req("ECHO", "xZZ")), parse("ECHO \"\\xZZ\"\r\n"));
        assertEquals(List.of(req("ECHO", "")), parse("ECHO \"\"\r\n"));
    }

    @Test
    void inlineSingleQuotesOnlyEscapeTheQuote() throws Exception {
        assertEquals(List.of(req("ECHO", "a'b")), parse("ECHO 'a\\'b'\r\n"));
        assertEquals(List.of(req("ECHO", "a\\nb")), parse("ECHO 'a\\nb'\r\n"));
    }

    @Test
    void inlineQuotesMayStartInsideAWordAndAnyBlankMayFollowTheClosingQuote() throws Exception {
        assertEquals(List.of(req("ECHO", "xy z")), parse("ECHO x\"y z\"\r\n"));
        assertEquals(List.of(req("ECHO", "a")), parse("ECHO \"a\"\u000b\r\n"));
    }

    @Test
    void inlineBytesAbove127AreKept() throws Exception {
        assertEquals(List.of(req("ECHO", "\u0080\u00ff")), parse("ECHO \u0080\u00ff\r\n"));
    }

    @Test
    void emptyLinesAndEmptyOrNullMultibulksAreIgnored() throws Exception {
        assertEquals(List.of(req("PING")), parse("\r\n\r\n\n   \r\n*0\r\n*-1\r\n*-5\r\nPING\r\n"));
        assertEquals(List.of(req("PING")), parse("*-9223372036854775808\r\nPING\r\n"));
    }

    @Test
    void afterANullMultibulkTheNextLineIsInline() throws Exception {
        // Redis replies "unknown command '$4'" and then PONG to exactly these bytes.
        assertEquals(List.of(req("$4"), req("PING")), parse("*-1\r\n$4\r\nPING\r\n"));
    }

    @Test
    void pipelineOfMixedFormsComesOutInOrder() throws Exception {
        String input = multibulk("SET", "k", "v") + "GET k\r\n" + "\r\n" + multibulk("PING") + "ECHO \"x y\"\n"
                + "*0\r\n" + multibulk("DEL", "k");
        assertEquals(List.of(req("SET", "k", "v"), req("GET", "k"), req("PING"), req("ECHO", "x y"), req("DEL", "k")),
                parse(input));
    }

    private static final String MIXED = multibulk("SET", "key:1", "a\r\nvalue")
            + "SET a \"b c\" 'd e'\r\n"
            + "\r\n*0\r\n*-1\r\n"
            + multibulk("MSET", "k1", "", "k2", "x".repeat(300))
            + "PING\n"
            + multibulk("ECHO", "\0\r\n$3\r\n");

    @Test
    void requestSplitAtEveryByteBoundaryParsesIdentically() throws Exception {
        byte[] all = bytes(MIXED);
        List<List<String>> expected = parse(MIXED);
        assertEquals(5, expected.size());
        for (int cut = 1; cut < all.length; cut++) {
            Feeder f = new Feeder();
            f.feed(Arrays.copyOfRange(all, 0, cut));
            f.feed(Arrays.copyOfRange(all, cut, all.length));
            assertEquals(expected, f.requests, "split at byte " + cut);
            assertFalse(f.decoder.inRequest());
            assertEquals(0, f.decoder.pendingBytes());
        }
    }

    @Test
    void requestFedOneByteAtATimeParsesIdentically() throws Exception {
        byte[] all = bytes(MIXED);
        Feeder f = new Feeder();
        for (byte b : all) {
            f.feed(new byte[] {b});
        }
        assertEquals(parse(MIXED), f.requests);
    }

    @Test
    void largeBulkSplitAcrossManyReadsArrivesIntact() throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(payload);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(bytes("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + payload.length + "\r\n"));
        b.writeBytes(payload);
        b.writeBytes(bytes("\r\n" + multibulk("GET", "big")));
        byte[] all = b.toByteArray();
        Random rnd = new Random(7);
        Feeder f = new Feeder();
        int pos = 0;
        long maxPending = 0;
        while (pos < all.length) {
            int n = Math.min(all.length - pos, 1 + rnd.nextInt(70_000));
            f.feed(Arrays.copyOfRange(all, pos, pos + n));
            pos += n;
            maxPending = Math.max(maxPending, f.decoder.pendingBytes());
        }
        assertEquals(2, f.raw.size());
        assertArrayEquals(payload, f.raw.get(0)[2]);
        assertEquals(List.of("GET", "big"), f.requests.get(1));
        assertTrue(maxPending > 1024 * 1024, "partial bulk bytes are reported as pending");
        assertEquals(0, f.decoder.pendingBytes());
    }

    @Test
    void hugeDeclaredCountsAndLengthsReserveNothingUpFront() throws Exception {
        Feeder f = new Feeder();
        f.feed(bytes("*2147483647\r\n$536870912\r\nabc"));
        assertTrue(f.decoder.inRequest());
        assertEquals(3, f.decoder.pendingBytes());
        assertTrue(f.requests.isEmpty());
    }

    @Test
    void multibulkWithMoreThan1024ArgumentsGrowsItsVector() throws Exception {
        String[] args = new String[3001];
        args[0] = "DEL";
        for (int i = 1; i < args.length; i++) {
            args[i] = "k" + i;
        }
        List<List<String>> got = parse(multibulk(args));
        assertEquals(List.of(List.of(args)), got);
    }

    @Test
    void decodingStopsWhenTheSinkSaysSoAndKeepsTheRestForLater() throws Exception {
        Feeder f = new Feeder();
        f.stopAfter = 1;
        f.feed(bytes("QUIT\r\nPING\r\n"));
        assertEquals(List.of(req("QUIT")), f.requests);
        assertEquals(6, f.decoder.pendingBytes());
        f.stopAfter = Integer.MAX_VALUE;
        f.feed(bytes("ECHO x\r\n"));
        assertEquals(List.of(req("QUIT"), req("PING"), req("ECHO", "x")), f.requests);
        assertEquals(0, f.decoder.pendingBytes());
    }

    @Test
    void incompleteHeaderIsKeptUntilItsLineEnds() throws Exception {
        Feeder f = new Feeder();
        f.feed(bytes("*1\r"));
        assertEquals(3, f.decoder.pendingBytes());
        f.feed(bytes("\n$4\r"));
        f.feed(bytes("\nPI"));
        f.feed(bytes("NG\r"));
        assertTrue(f.requests.isEmpty());
        f.feed(bytes("\n"));
        assertEquals(List.of(req("PING")), f.requests);
    }

    // ---- NUL bytes: Redis finds line ends with strchr, so a NUL hides them ----

    @ParameterizedTest
    @ValueSource(strings = {"ECHO a\0b\r\nPING\r\n", "\0PING\r\n", "*1\0\r\n$4\r\nPING\r\n", "*1\r\n$4\0\r\nPING\r\n"})
    void nulBeforeALineEndMakesTheRequestWaitLikeRedis(String input) throws Exception {
        assertEquals(List.of(), parse(input));
    }

    @Test
    void nulHiddenInlineLineEndsInTooBigInlineRequest() {
        assertEquals("Protocol error: too big inline request", protocolError("ECHO a\0b\r\n" + "x".repeat(70_000)));
        assertEquals("Protocol error: too big mbulk count string", protocolError("*1\0\r\n" + "x".repeat(70_000)));
    }

    // ---- malformed input: Redis's exact texts ----

    @ParameterizedTest
    @ValueSource(strings = {"*abc\r\n", "*+1\r\n", "*01\r\n", "*\r\n", "*-\r\n", "*-0\r\n", "* 1\r\n", "*1 \r\n",
            "*2147483648\r\n", "*3000000000\r\n", "*-9223372036854775809\r\n", "*99999999999999999999\r\n",
            "*123456789012345678901\r\n"})
    void invalidMultibulkLength(String input) {
        assertEquals("Protocol error: invalid multibulk length", protocolError(input));
    }

    @Test
    void multibulkCountUpToIntMaxIsAccepted() throws Exception {
        // Redis 7.0 checks ll > INT_MAX, not 1024*1024.
        assertEquals(List.of(), parse("*2147483647\r\n"));
        assertEquals(List.of(), parse("*1048577\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"$-1\r\n", "$abc\r\n", "$04\r\n", "$-0\r\n", "$ 4\r\n", "$\r\n", "$+4\r\n",
            "$536870913\r\n", "$-9223372036854775808\r\n", "$99999999999999999999\r\n"})
    void invalidBulkLength(String header) {
        assertEquals("Protocol error: invalid bulk length", protocolError("*1\r\n" + header));
    }

    @Test
    void bulkLengthAtProtoMaxBulkLenIsAcceptedAndOneMoreIsNot() throws Exception {
        assertEquals(List.of(), parse("*1\r\n$536870912\r\n"));
        Feeder f = new Feeder();
        f.decoder.maxBulkLength(1024 * 1024);
        f.feed(bytes("*1\r\n$1048576\r\n"));
        assertTrue(f.decoder.inRequest());
        Feeder g = new Feeder();
        g.decoder.maxBulkLength(1024 * 1024);
        ProtocolException e = assertThrows(ProtocolException.class, () -> g.feed(bytes("*1\r\n$1048577\r\n")));
        assertEquals("Protocol error: invalid bulk length", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"x4, x", ":4, :", "*1, *", "+OK, +"})
    void anythingButADollarWhereABulkBelongs(String header, String got) {
        assertEquals("Protocol error: expected '$', got '" + got + "'", protocolError("*1\r\n" + header + "\r\n"));
    }

    @Test
    void emptyLineWhereABulkBelongsReportsTheCarriageReturn() {
        // ReplyWriter.error turns the \r into a blank on the wire, as Redis does: "got ' '".
        assertEquals("Protocol error: expected '$', got '\r'", protocolError("*1\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECHO \"abc\r\n", "ECHO 'abc\r\n", "ECHO \"a\"b\r\n", "ECHO 'it''s'\r\n", "ECHO \"a\\\"\r\n"})
    void unbalancedQuotes(String input) {
        assertEquals("Protocol error: unbalanced quotes in request", protocolError(input));
    }

    @Test
    void inlineLineLongerThan64kWithoutNewline() throws Exception {
        assertEquals("Protocol error: too big inline request", protocolError("A".repeat(64 * 1024 + 1)));
        assertEquals(List.of(), parse("A".repeat(64 * 1024)));
        // a complete long inline line is fine
        assertEquals(1, parse("ECHO " + "A".repeat(100_000) + "\r\n").size());
    }

    @Test
    void requestsBeforeAProtocolErrorAreDeliveredFirst() {
        Feeder f = new Feeder();
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> f.feed(bytes("PING\r\n" + multibulk("PING") + "A".repeat(64 * 1024 + 10))));
        assertEquals("Protocol error: too big inline request", e.getMessage());
        assertEquals(List.of(req("PING"), req("PING")), f.requests);
    }

    @Test
    void countHeaderLongerThan64kWithoutCarriageReturn() throws Exception {
        assertEquals("Protocol error: too big mbulk count string", protocolError("*" + "1".repeat(64 * 1024)));
        assertEquals("Protocol error: too big bulk count string", protocolError("*1\r\n$" + "1".repeat(64 * 1024)));
        assertEquals(List.of(), parse("*1\r\n$" + "1".repeat(64 * 1024 - 1)));
    }

    @Test
    void unauthenticatedClientsAreLimitedTo10ArgumentsOf16k() throws Exception {
        Feeder f = new Feeder();
        f.authRequired = true;
        f.feed(bytes("*10\r\n$16384\r\n"));
        Feeder g = new Feeder();
        g.authRequired = true;
        assertEquals("Protocol error: unauthenticated multibulk length",
                assertThrows(ProtocolException.class, () -> g.feed(bytes("*11\r\n"))).getMessage());
        Feeder h = new Feeder();
        h.authRequired = true;
        assertEquals("Protocol error: unauthenticated bulk length",
                assertThrows(ProtocolException.class, () -> h.feed(bytes("*1\r\n$16385\r\n"))).getMessage());
        Feeder i = new Feeder();
        i.authRequired = true;
        i.feed(bytes("*-5\r\nPING\r\n"));
        assertEquals(List.of(req("PING")), i.requests);
    }

    @Test
    void invalidLengthIsReportedBeforeTheAuthenticationLimit() {
        Feeder f = new Feeder();
        f.authRequired = true;
        assertEquals("Protocol error: invalid multibulk length",
                assertThrows(ProtocolException.class, () -> f.feed(bytes("*11xx\r\n"))).getMessage());
    }

    @Test
    void inlineSplitterTreatsNulAsTheEndOfTheLine() {
        assertArrayEquals(new byte[][] {bytes("ECHO"), bytes("a")}, InlineSplitter.split(bytes("ECHO a\0b")));
        assertNull(InlineSplitter.split(bytes("ECHO \"a\0\"")));
    }
}
