package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * CLIENT LIST fields (flags, sub, psub, ssub, multi, argv-mem, multi-mem, tot-mem, cmd) and the INFO
 * fields of blocked and Pub/Sub clients, with subscribers, blocked clients, a transaction, WATCH and
 * a monitor connected: Mnemos against a real redis-server. Fields that depend on the connection
 * (id, addr, fd, age, idle) or on the observer's own buffers are left out.
 */
class ClientIntrospectionDifferentialTest {
    private static final String[] SETUP = {
        "SUBSCRIBE c1 c2", "PSUBSCRIBE p*", "SSUBSCRIBE s1", "BLPOP q1 q2 0", "BZPOPMIN zq 10", "MULTI",
        "WATCH k1 k2", "MONITOR", "SUBSCRIBE a b c d",
    };
    private static final String[] INFO_FIELDS = {
        "connected_clients", "blocked_clients", "tracking_clients", "clients_in_timeout_table", "pubsub_channels",
        "pubsub_patterns", "pubsubshard_channels",
    };
    private static final Pattern FIELD = Pattern.compile("(\\S+)=(\\S*)");

    private static List<String> observe(int port) throws Exception {
        List<RespConnection> clients = new ArrayList<>();
        try (RespConnection admin = new RespConnection("127.0.0.1", port)) {
            admin.call("FLUSHALL");
            for (String setup : SETUP) {
                RespConnection c = new RespConnection("127.0.0.1", port);
                clients.add(c);
                c.sendRaw((setup + "\r\n").getBytes(StandardCharsets.UTF_8));
                if (setup.equals("MULTI")) {
                    c.call("SET", "x", "1");
                    c.call("GET", "x");
                }
                if (setup.startsWith("SUBSCRIBE a")) { // 4 channels: a 5th would leave Redis's dict mid-rehash
                    c.call("PSUBSCRIBE", "x*", "y*");
                }
            }
            long deadline = System.currentTimeMillis() + 5000;
            while (!admin.call("INFO", "clients").contains("blocked_clients:2\r\n")) {
                assertTrue(System.currentTimeMillis() < deadline);
                Thread.sleep(5);
            }
            List<String> seen = new ArrayList<>();
            String info = admin.call("INFO", "everything");
            for (String field : INFO_FIELDS) {
                Matcher m = Pattern.compile(field + ":(\\d+)").matcher(info);
                assertTrue(m.find(), field);
                seen.add(field + "=" + m.group(1));
            }
            String list = admin.call("CLIENT", "LIST");
            List<String> lines = new ArrayList<>();
            for (String line : list.substring(list.indexOf('\n') + 1).split("\n")) {
                if (!line.startsWith("id=") || line.contains("cmd=client|list")) {
                    continue;
                }
                StringBuilder sb = new StringBuilder();
                long totMem = 0;
                boolean queryBuffer = false;
                long replyBuffer = 0;
                Matcher m = FIELD.matcher(line.trim());
                while (m.find()) {
                    String k = m.group(1);
                    switch (k) {
                        case "flags", "db", "sub", "psub", "ssub", "multi", "argv-mem", "multi-mem", "cmd", "user",
                             "resp", "name", "events", "redir" -> sb.append(k).append('=').append(m.group(2)).append(' ');
                        case "tot-mem" -> totMem = Long.parseLong(m.group(2));
                        case "qbuf-free" -> queryBuffer = !m.group(2).equals("0");
                        case "rbs" -> replyBuffer = Long.parseLong(m.group(2));
                        default -> {
                        }
                    }
                }
                // clientsCron frees an idle client's query buffer after 2 s and shrinks its reply
                // buffer (rbs) on its own schedule: tot-mem is compared without either.
                sb.append("tot-mem-without-buffers=").append(totMem - (queryBuffer ? 20472 : 0) - replyBuffer);
                lines.add(sb.toString());
            }
            lines.sort(null);
            seen.addAll(lines);
            return seen;
        } finally {
            for (RespConnection c : clients) {
                c.close();
            }
        }
    }

    @Test
    void clientListAndInfoMatchRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start(); RunningServer mnemos = RunningServer.start()) {
            List<String> expected = observe(redis.port());
            List<String> actual = observe(mnemos.port());
            assertEquals(String.join("\n", expected), String.join("\n", actual));
            assertTrue(expected.contains("pubsub_channels=6"), expected.toString());
        }
    }

    /** The caller's own line: inside EXEC it shows EXEC's request and the replies buffered so far. */
    private static List<String> ownLines(int port) throws Exception {
        List<String> seen = new ArrayList<>();
        try (RespConnection c = new RespConnection("127.0.0.1", port)) {
            c.call("MULTI");
            c.call("SET", "a", "b");
            c.call("CLIENT", "INFO");
            // The connection's own fields (and so the bulk length) differ between the servers; so
            // does rbp if either server's cron happened to visit the new connection already (its
            // first visit restarts the reply buffer's peak).
            seen.add(c.call("EXEC").replaceAll("id=\\d+ addr=\\S+ laddr=\\S+ fd=\\d+ name= age=\\d+ idle=\\d+ ", "")
                    .replaceAll("\\$\\d+\r\n", "").replaceAll(" rbp=\\d+ ", " rbp=? "));
            // Pipelined: the earlier command's reply is still in the output buffer.
            c.sendRaw("*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\nb\r\n*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            assertEquals("+OK\r\n", c.readReply());
            Matcher obl = Pattern.compile(" obl=\\d+ ").matcher(c.readReply());
            assertTrue(obl.find());
            seen.add(obl.group());
        }
        return seen;
    }

    @Test
    void theCallersOwnLineInsideExecAndAfterPipelinedRepliesMatchesRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start(); RunningServer mnemos = RunningServer.start()) {
            List<String> expected = ownLines(redis.port());
            assertTrue(expected.get(0).contains("qbuf=14 qbuf-free=20460 argv-mem=4 "), expected.toString());
            assertEquals(expected, ownLines(mnemos.port()));
        }
    }
}
