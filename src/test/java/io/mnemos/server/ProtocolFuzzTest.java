package io.mnemos.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mnemos.command.CommandFlag;
import io.mnemos.command.CommandSpec;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fuzzing of the RESP decoder and command dispatch with jqwik. For any byte stream, cut into any
 * chunks: the server replies or closes that one connection, nothing is thrown out of the pipeline
 * (no "Unexpected error" from the connection handler, no "failed unexpectedly" command), no
 * buffer leaks (Netty's leak detector is at PARANOID in tests) and another client is still served.
 *
 * <p>Three generators: raw bytes over a RESP-heavy alphabet, streams of well-formed requests from
 * the real command table with tricky arguments, and those requests mutated (bytes flipped, cut,
 * headers replaced by hostile ones). Runs through an {@link EmbeddedChannel} (fast) and once over
 * real sockets. Tries: {@code jqwik.tries.default} in src/test/resources/junit-platform.properties
 * (250 by default); run longer with {@code -Djqwik.tries.default=20000}.
 */
class ProtocolFuzzTest {
    /** Commands that would stop the server or affect other connections; blocking ones would wait. */
    private static final Set<String> EXCLUDED = Set.of("shutdown", "debug", "client", "config", "monitor",
            "sync", "psync", "replicaof", "slaveof", "failover", "save", "bgsave", "bgrewriteaof", "acl",
            "module", "script", "eval", "evalsha", "function", "fcall", "wait", "cluster", "readonly", "auth",
            "hello", "swapdb", "lastsave", "latency", "sentinel");
    private static final String[] TRICKY_ARGS = {"k", "k2", "h", "s", "z", "l", "0", "1", "-1", "2", "100", "-100",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", "1e400", "-inf", "+inf",
            "inf", "nan", "(1", "[a", "(", "[", "-", "+", "*", "?", "[a-", "\\", "", " ", "EX", "PX", "EXAT", "NX", "XX",
            "GT", "LT", "CH", "INCR", "KEEPTTL", "GET", "WITHSCORES", "LIMIT", "BYSCORE", "BYLEX", "REV", "COUNT",
            "MATCH", "TYPE", "string", "BEFORE", "AFTER", "LEFT", "RIGHT", "AND", "OR", "XOR", "NOT", "BIT", "BYTE",
            "OVERFLOW", "WRAP", "SAT", "FAIL", "i8", "u63", "#1", "SET", "INCRBY", "WEIGHTS", "AGGREGATE", "SUM", "MAX",
            "MIN", "RANK", "MAXLEN", "IDLETIME", "FREQ", "REPLACE", "ABSTTL", "ASYNC", "SYNC", "WITHVALUES", "LEN",
            "IDX", "MINMATCHLEN", "WITHMATCHLEN", "FIELDS", "SAMPLES", "USAGE", "ENCODING", "NOVALUE"};
    private static final String[] HOSTILE_HEADERS = {"*-1\r\n", "*0\r\n", "*1\r\n", "*2147483647\r\n",
            "*2147483648\r\n", "*9223372036854775808\r\n", "*-9223372036854775808\r\n", "*1\r\n$-1\r\n",
            "*1\r\n$2147483647\r\n", "*1\r\n$536870913\r\n", "*1\r\n$1x\r\n", "*1\r\n$\r\n", "*\r\n", "*+1\r\n",
            "*01\r\n", "*1\r\n:1\r\n", "*1\r\n$3\r\nab", "\0\0\0", "\r\n", "\n", "\"unbalanced\r\n", "'x\r\n",
            "\"\\x4\"\r\n", "PING \"a\"b\r\n", "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nab\r\n"};

    private static Server server;
    private static List<String> commandNames;
    private static ListAppender<ILoggingEvent> problems;

    @BeforeContainer
    static void startServer() {
        ServerConfig config = new ServerConfig();
        // The fuzzed commands include FLUSHALL, which saves under the default save points: not into
        // the working directory, where the next server started there would load the dump.
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("mnemos-fuzz");
            dir.toFile().deleteOnExit();
            config.dir = dir.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        server = new Server(config);
        commandNames = new ArrayList<>();
        for (CommandSpec spec : server.commandTable().all()) {
            String name = spec.name().toLowerCase(Locale.ROOT);
            if (!EXCLUDED.contains(name) && !spec.flags().contains(CommandFlag.BLOCKING)) {
                commandNames.add(name);
            }
        }
        commandNames.sort(null);
        problems = new ListAppender<>();
        problems.start();
        for (Class<?> source : new Class<?>[]{ClientHandler.class, io.mnemos.command.CommandDispatcher.class,
                io.netty.util.ResourceLeakDetector.class}) {
            Logger logger = (Logger) LoggerFactory.getLogger(source);
            logger.addAppender(problems);
        }
        Logger leaks = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");
        leaks.addAppender(problems);
    }

    @AfterContainer
    static void noLeaks() throws Exception {
        // Leaks are reported when a leaked buffer is collected and a later allocation notices.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
            for (int j = 0; j < 100; j++) {
                PooledByteBufAllocator.DEFAULT.directBuffer(64).release();
            }
        }
        assertNoProblems();
        for (Class<?> source : new Class<?>[]{ClientHandler.class, io.mnemos.command.CommandDispatcher.class}) {
            ((Logger) LoggerFactory.getLogger(source)).detachAppender(problems);
        }
        ((Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector")).detachAppender(problems);
    }

    private static void assertNoProblems() {
        List<String> bad = new ArrayList<>();
        for (ILoggingEvent e : problems.list) {
            if (e.getLevel().isGreaterOrEqual(Level.WARN) && (e.getFormattedMessage().contains("LEAK")
                    || e.getFormattedMessage().contains("Unexpected error")
                    || e.getFormattedMessage().contains("failed unexpectedly"))) {
                bad.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : " " + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage()));
            }
        }
        assertTrue(bad.isEmpty(), "problems: " + bad);
        assertEquals(0, server.stats().unexpectedErrorReplies, "commands failed with an internal error");
    }

    // ---- generators --------------------------------------------------------------------------

    @Provide
    Arbitrary<byte[]> rawBytes() {
        Arbitrary<Byte> respish = Arbitraries.of((byte) '*', (byte) '$', (byte) '\r', (byte) '\n', (byte) '0',
                (byte) '1', (byte) '2', (byte) '9', (byte) '-', (byte) ' ', (byte) '"', (byte) '\'', (byte) '\\',
                (byte) 0, (byte) 'a', (byte) 'x', (byte) 'P', (byte) 'G');
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, respish), net.jqwik.api.Tuple.of(1, any))
                .list().ofMaxSize(400).map(ProtocolFuzzTest::toArray);
    }

    private Arbitrary<byte[][]> request() {
        Arbitrary<String> name = Arbitraries.of(commandNames).map(n -> n.toUpperCase(Locale.ROOT));
        Arbitrary<String> arg = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.of(TRICKY_ARGS)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(12)),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().withChars('a', 'b', '*', '?', '[', ']', '^', '\\')
                        .ofMaxLength(8)));
        return Combinators.combine(name, arg.list().ofMaxSize(7)).as((n, args) -> {
            byte[][] argv = new byte[args.size() + 1][];
            argv[0] = n.getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < args.size(); i++) {
                argv[i + 1] = args.get(i).getBytes(StandardCharsets.UTF_8);
            }
            return argv;
        });
    }

    /** Well-formed requests from the command table, multibulk or inline. */
    @Provide
    Arbitrary<List<byte[][]>> requests() {
        return request().list().ofMinSize(1).ofMaxSize(12);
    }

    /** Requests with hostile headers spliced in and bytes flipped or cut. */
    @Provide
    Arbitrary<byte[]> mutated() {
        Arbitrary<byte[]> fragment = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, request().map(RespConnection::encode)),
                net.jqwik.api.Tuple.of(1, request().map(ProtocolFuzzTest::inline)),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(HOSTILE_HEADERS).map(s -> s.getBytes(StandardCharsets.ISO_8859_1))));
        return Combinators.combine(fragment.list().ofMinSize(1).ofMaxSize(8),
                Arbitraries.integers().between(0, 3), Arbitraries.longs()).as((parts, flips, seed) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            parts.forEach(out::writeBytes);
            byte[] bytes = out.toByteArray();
            java.util.Random rnd = new java.util.Random(seed);
            for (int i = 0; i < flips && bytes.length > 0; i++) {
                bytes[rnd.nextInt(bytes.length)] = (byte) rnd.nextInt(256);
            }
            if (rnd.nextInt(4) == 0 && bytes.length > 1) {
                bytes = java.util.Arrays.copyOf(bytes, rnd.nextInt(bytes.length));
            }
            return bytes;
        });
    }

    @Provide
    Arbitrary<List<Integer>> cuts() {
        return Arbitraries.integers().between(1, 64).list().ofMaxSize(8);
    }

    private static byte[] inline(byte[][] argv) {
        StringBuilder sb = new StringBuilder();
        for (byte[] a : argv) {
            String s = new String(a, StandardCharsets.UTF_8);
            sb.append(s.isEmpty() || s.contains(" ") || s.contains("\"") || s.contains("\\") || s.contains("'")
                    ? '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"' : s).append(' ');
        }
        return (sb.toString().trim() + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] toArray(List<Byte> list) {
        byte[] b = new byte[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }

    // ---- properties --------------------------------------------------------------------------

    @Property
    void anyRawByteStreamIsHandledWithoutHarm(@ForAll("rawBytes") byte[] input, @ForAll("cuts") List<Integer> cuts) {
        feed(input, cuts);
    }

    @Property
    void mutatedRequestsAreHandledWithoutHarm(@ForAll("mutated") byte[] input, @ForAll("cuts") List<Integer> cuts) {
        feed(input, cuts);
    }

    /** Complete requests: each gets at least one reply unless the connection was closed (QUIT). */
    @Property
    void everyWellFormedRequestIsAnswered(@ForAll("requests") List<byte[][]> requests,
                                          @ForAll("cuts") List<Integer> cuts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        requests.forEach(r -> out.writeBytes(RespConnection.encode(r)));
        Fed fed = feed(out.toByteArray(), cuts);
        boolean quit = requests.stream().anyMatch(r -> new String(r[0], StandardCharsets.UTF_8).equalsIgnoreCase("quit"));
        if (!fed.closed) {
            assertTrue(fed.replies >= requests.size(), "replies " + fed.replies + " for " + requests.size() + " requests");
        } else {
            assertTrue(quit || fed.replies > 0, "closed without a reply and without QUIT");
        }
    }

    private record Fed(boolean closed, int replies) {
    }

    /** Feeds the bytes in chunks to a fresh connection, then checks that a second one is served. */
    private static Fed feed(byte[] input, List<Integer> cuts) {
        EmbeddedChannel fuzzed = new EmbeddedChannel(new ClientHandler(server));
        EmbeddedChannel other = new EmbeddedChannel(new ClientHandler(server));
        int replies = 0;
        boolean closed;
        try {
            int pos = 0;
            int cut = 0;
            ReplyCounter counter = new ReplyCounter();
            while (pos < input.length && fuzzed.isActive()) {
                int n = cuts.isEmpty() ? input.length - pos
                        : Math.min(input.length - pos, cuts.get(cut++ % cuts.size()));
                ByteBuf chunk = fuzzed.alloc().buffer(n).writeBytes(input, pos, n);
                pos += n;
                fuzzed.writeInbound(chunk);
                fuzzed.runPendingTasks();
                fuzzed.checkException();
                drain(fuzzed, counter);
            }
            fuzzed.runPendingTasks();
            drain(fuzzed, counter);
            replies = counter.count;
            closed = !fuzzed.isActive();
            other.writeInbound(other.alloc().buffer().writeBytes("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII)));
            other.runPendingTasks();
            ByteBuf pong = other.readOutbound();
            try {
                assertEquals("+PONG\r\n", pong.toString(StandardCharsets.US_ASCII), "another client is served");
            } finally {
                pong.release();
            }
        } finally {
            fuzzed.finishAndReleaseAll();
            other.finishAndReleaseAll();
            // What the fuzzed client subscribed, watched or stored must not pile up across tries.
            server.keyspace().flushAll();
        }
        assertNoProblems();
        return new Fed(closed, replies);
    }

    private static void drain(EmbeddedChannel ch, ReplyCounter counter) {
        Object msg;
        while ((msg = ch.readOutbound()) != null) {
            try {
                if (msg instanceof ByteBuf buf) {
                    counter.feed(buf);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Counts complete top-level RESP2/RESP3 replies in a byte stream. */
    private static final class ReplyCounter {
        int count;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        void feed(ByteBuf buf) {
            byte[] b = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), b);
            pending.writeBytes(b);
            byte[] all = pending.toByteArray();
            int pos = 0;
            while (true) {
                int end = skipValue(all, pos);
                if (end < 0) {
                    break;
                }
                count++;
                pos = end;
            }
            pending.reset();
            pending.write(all, pos, all.length - pos);
        }

        private static int lineEnd(byte[] b, int from) {
            for (int i = from; i + 1 < b.length; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        /** The index after the value starting at pos, or -1 if incomplete. */
        private static int skipValue(byte[] b, int pos) {
            if (pos >= b.length) {
                return -1;
            }
            int cr = lineEnd(b, pos);
            if (cr < 0) {
                return -1;
            }
            char type = (char) b[pos];
            String head = new String(b, pos + 1, cr - pos - 1, StandardCharsets.US_ASCII);
            int next = cr + 2;
            switch (type) {
                case '$', '=', '!' -> {
                    long len = Long.parseLong(head);
                    if (len < 0) {
                        return next;
                    }
                    return next + len + 2 <= b.length ? (int) (next + len + 2) : -1;
                }
                case '*', '~', '>', '%', '|' -> {
                    long n = Long.parseLong(head);
                    if (type == '%' || type == '|') {
                        n *= 2;
                    }
                    for (long i = 0; i < n; i++) {
                        next = skipValue(b, next);
                        if (next < 0) {
                            return -1;
                        }
                    }
                    return next;
                }
                default -> {
                    return next;
                }
            }
        }
    }

    // ---- the same over real sockets ------------------------------------------------------------

    @Property(tries = 40)
    void overRealSocketsAnotherClientKeepsBeingServed(@ForAll("mutated") byte[] input) throws Exception {
        RealServer.ensure();
        try (Socket s = new Socket(RealServer.server.host(), RealServer.server.port())) {
            s.setSoTimeout(300);
            OutputStream out = s.getOutputStream();
            out.write(input);
            out.flush();
            s.shutdownOutput();
            // Read whatever comes until the server closes or stays silent (an incomplete request).
            try {
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (java.net.SocketTimeoutException | java.net.SocketException expected) {
                // waiting for the rest of a request, or reset: both fine
            }
        }
        assertEquals("+PONG\r\n", RealServer.other.call("PING"));
        assertEquals(0, RealServer.server.server().stats().unexpectedErrorReplies);
    }

    /** One real server for the socket property, closed with the container. */
    private static final class RealServer {
        static RunningServer server;
        static RespConnection other;

        static void ensure() throws Exception {
            if (server == null) {
                server = RunningServer.start();
                other = new RespConnection(server.host(), server.port());
            }
        }
    }

    @AfterContainer
    static void stopRealServer() throws Exception {
        if (RealServer.server != null) {
            RealServer.other.close();
            RealServer.server.close();
            RealServer.server = null;
        }
    }
}
