package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.SlowReader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.mnemos.testing.PortScenario.onMnemosAndRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a server shows of clients' buffers, over real sockets on Mnemos and (where installed) Redis
 * 7.0: INFO's client_recent_max_input_buffer and client_recent_max_output_buffer, which exporters
 * graph, and CLIENT LIST's omem/oll/tot-mem of a client that does not read its replies. The exact
 * figures depend on how much the kernel took, so the scenarios observe orders of magnitude.
 */
class ClientBuffersDifferentialTest {
    private static final int MB = 1024 * 1024;


    private static long infoNumber(RespConnection c, String field) throws IOException {
        String line = c.infoLine("clients", field);
        return Long.parseLong(line.substring(line.indexOf(':') + 1));
    }

    private static long clientListNumber(String line, String field) {
        Matcher m = Pattern.compile(" " + field + "=(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private static String magnitude(long bytes) {
        return bytes >= 8L * MB ? "over 8 MB" : bytes >= 20480 ? "20 KB to 8 MB" : "under 20 KB";
    }

    /** clientsCron samples every 1/hz seconds; a few samples make the figures sure. */
    private static void letTheCronLook() throws InterruptedException {
        Thread.sleep(400);
    }

    @Test
    void aClientNotReadingItsRepliesShowsInTheRecentMaxOutputBufferAndClientList() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                c.call("CLIENT", "SETNAME", "control");
                letTheCronLook();
                out.add("idle: " + magnitude(infoNumber(c, "client_recent_max_output_buffer")));
                byte[] value = new byte[16 * MB];
                Arrays.fill(value, (byte) 'v');
                assertEquals("+OK\r\n", c.call(new byte[][] {"SET".getBytes(), "big".getBytes(), value}));
                try (Socket reader = SlowReader.connect(port)) {
                    reader.getOutputStream().write("CLIENT SETNAME reader\r\nGET big\r\n".getBytes(StandardCharsets.US_ASCII));
                    letTheCronLook();
                    out.add("recent max output: " + magnitude(infoNumber(c, "client_recent_max_output_buffer")));
                    String list = c.call("CLIENT", "LIST");
                    String readerLine = list.lines().filter(l -> l.contains("name=reader")).findFirst().orElse("");
                    out.add("omem: " + magnitude(clientListNumber(readerLine, "omem")));
                    out.add("oll: " + (clientListNumber(readerLine, "oll") > 0 ? "some" : "none"));
                    out.add("tot-mem: " + magnitude(clientListNumber(readerLine, "tot-mem")));
                }
                // "Recent" is the last eight seconds: the peak outlives the client.
                out.add("after the reader left: " + magnitude(infoNumber(c, "client_recent_max_output_buffer")));
            }
            return out;
        });
        assertEquals(List.of("idle: under 20 KB", "recent max output: over 8 MB", "omem: over 8 MB", "oll: some",
                "tot-mem: over 8 MB", "after the reader left: over 8 MB"), seen);
    }

    @Test
    void aBigRequestStillArrivingShowsInTheRecentMaxInputBuffer() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                c.call("PING");
                letTheCronLook();
                // The control connection's own 16 KB read buffer, as Redis's 20480-byte sds.
                out.add("idle: " + infoNumber(c, "client_recent_max_input_buffer"));
                try (Socket writer = SlowReader.connect(port)) {
                    OutputStream w = writer.getOutputStream();
                    w.write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16000000\r\n".getBytes(StandardCharsets.US_ASCII));
                    w.write(new byte[10 * MB]);
                    w.flush();
                    letTheCronLook();
                    out.add("recent max input: " + magnitude(infoNumber(c, "client_recent_max_input_buffer")));
                }
            }
            return out;
        });
        assertEquals(List.of("idle: 20480", "recent max input: over 8 MB"), seen);
    }

    /** The query-buffer part of CLIENT LIST's line of the client named {@code name}. */
    private static String queryBufferFields(RespConnection c, String name) throws IOException {
        String line = c.call("CLIENT", "LIST").lines().filter(l -> l.contains("name=" + name + " ")).findFirst().orElse("");
        Matcher m = Pattern.compile("qbuf=.* tot-mem=\\d+").matcher(line);
        return m.find() ? m.group() : "no line: " + line;
    }

    @Test
    void clientListShowsARequestStillArrivingAndOnesWaitingBehindABlockedOneAsRedisHoldsThem() throws Exception {
        String bigBulkStarted = "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$40000\r\n" + "x".repeat(1000);
        List<String> partial = List.of("*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$10\r\nabc", "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1",
                "*3\r\n$3\r\nSE", "SET a", bigBulkStarted,
                // The buffer sized to the bulk: an sds header of 5 bytes up to 65530, of 9 beyond.
                "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$65530\r\n" + "x".repeat(1000),
                "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$131000\r\n" + "x".repeat(1000),
                // Behind a blocked command Redis parses nothing: the rest, a partial request too, is raw.
                "*3\r\n$5\r\nBLPOP\r\n$6\r\nnolist\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                        + "*2\r\n$3\r\nGET\r\n$1\r\na\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$10\r\nabc");
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                for (String request : partial) {
                    try (RespConnection sender = new RespConnection("127.0.0.1", port)) {
                        sender.call("CLIENT", "SETNAME", "sender");
                        sender.sendRaw(request.getBytes(StandardCharsets.US_ASCII));
                        // Past clientsCron's first look at the new client, which shrinks its reply buffer.
                        Thread.sleep(300);
                        // rbp: whether the cron's first visit (which restarts the peak) came before
                        // or after the reply to SETNAME is a matter of microseconds on either server.
                        out.add(queryBufferFields(c, "sender").replaceAll(" rbp=\\d+ ", " rbp=? "));
                    }
                }
            }
            return out;
        });
        assertEquals("qbuf=3 qbuf-free=20471 argv-mem=4 multi-mem=0 rbs=1024 rbp=? obl=0 oll=0 omem=0 tot-mem=22292",
                seen.get(0));
        assertEquals(partial.size(), seen.size());
    }

    /** The buffer fields of a CLIENT INFO reply. */
    private static String bufferFields(String clientInfo) {
        Matcher m = Pattern.compile("qbuf=.* tot-mem=\\d+").matcher(clientInfo);
        return m.find() ? m.group() : "none in " + clientInfo;
    }

    /**
     * An interactive session's own line: the cron has shrunk its reply buffer to 1 KB and tracks
     * the peak of what it held (the previous CLIENT INFO reply); qbuf is the whole read the command
     * came in, inline commands as sent.
     */
    @Test
    void aLongLivedConnectionsOwnLineShowsItsResizedReplyBufferAndItsRead() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                c.sendRaw("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.add(c.readReply());
                Thread.sleep(600);
                c.sendRaw("CLIENT INFO\r\n".getBytes(StandardCharsets.US_ASCII));
                String first = c.readReply();
                out.add(bufferFields(first));
                c.sendRaw("GET nothing\r\nCLIENT INFO\r\n".getBytes(StandardCharsets.US_ASCII));
                out.add(c.readReply());
                // The peak is the previous CLIENT INFO reply, whose length differs with the ports.
                out.add(bufferFields(c.readReply()).replace(" rbp=" + first.length() + " ", " rbp=<that reply> "));
            }
            return out;
        });
        assertEquals("qbuf=13 qbuf-free=20461 argv-mem=10 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=22298",
                seen.get(1));
        assertEquals("qbuf=26 qbuf-free=20448 argv-mem=10 multi-mem=0 rbs=1024 rbp=<that reply> obl=5 oll=0 omem=0 "
                + "tot-mem=22298", seen.get(3));
    }

    /**
     * After an argument of 32 KB or more Redis's query buffer stays sized to it: the cron's first
     * visit only restarts the read peak, its second frees the buffer; the recent-max input figure
     * keeps what the first visit saw.
     */
    @Test
    void aBigArgumentLeavesTheQueryBufferSizedToItUntilTheCronFreesIt() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port);
                 RespConnection writer = new RespConnection("127.0.0.1", port)) {
                writer.call("CLIENT", "SETNAME", "writer");
                Thread.sleep(400); // its reply buffer shrunk to 1 KB by now
                writer.call(new byte[][] {"SET".getBytes(), "k".getBytes(), "x".repeat(100_000).getBytes()});
                out.add(queryBufferFields(c, "writer"));
                Thread.sleep(400);
                out.add(queryBufferFields(c, "writer"));
                // The buffer sized to the argument; plus the arguments parsed so far if the cron
                // happened to look while the upload was still under way.
                long input = infoNumber(c, "client_recent_max_input_buffer");
                out.add(input >= 114_688 && input < 114_688 + 64 ? "recent max input: the big argument's buffer" : "recent max input: " + input);
            }
            return out;
        });
        assertEquals(List.of("qbuf=0 qbuf-free=114678 argv-mem=0 multi-mem=0 rbs=1024 rbp=5 obl=0 oll=0 omem=0 tot-mem=116480",
                "qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=5 obl=0 oll=0 omem=0 tot-mem=1800",
                "recent max input: the big argument's buffer"), seen);
    }
}
