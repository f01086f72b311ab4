package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the slow log (slowlog-log-slower-than 0) shows of blocked commands, against a real
 * redis-server: a served command as its client sent it (XREAD's '$' unresolved), after the command
 * that served it; a command CLIENT UNBLOCK ended as an entry without arguments, before CLIENT
 * UNBLOCK's own; a timed-out one not at all; a group reader whose stream was deleted with its
 * arguments; QUIT as a command.
 */
class SlowlogOfBlockedCommandsDifferentialTest {

    @Test
    void blockedCommandsAreLoggedAsRedisLogsThem() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start()) {
            assertEquals(transcript(redis.port()), transcript(mnemos.port()));
        }
    }

    private static List<String> transcript(int port) throws Exception {
        List<String> out = new ArrayList<>();
        try (RespConnection ctl = new RespConnection("127.0.0.1", port);
             RespConnection b = new RespConnection("127.0.0.1", port)) {
            ctl.call("FLUSHALL");
            ctl.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
            ctl.call("XADD", "x", "1-1", "f", "v");
            String id = b.call("CLIENT", "ID").substring(1).strip();
            String[][] steps = {
                    {"XREADGROUP GROUP g c BLOCK 0 STREAMS x >", "DEL x"},
                    {"XREAD BLOCK 0 STREAMS x $", "XADD x 2-1 f v"},
                    {"BLPOP l 0", "RPUSH l a"},
                    {"BLMOVE a l2 LEFT LEFT 0", "CLIENT UNBLOCK " + id},
                    {"BLPOP l 0", "CLIENT UNBLOCK " + id + " ERROR"},
                    {"BLPOP l 0.01", null}};
            ctl.call("XGROUP", "CREATE", "x", "g", "$");
            for (String[] step : steps) {
                b.sendRaw(RespConnection.encode(step[0].split(" ")));
                if (step[1] == null) {
                    out.add(b.readReply());
                    out.add(entries(ctl, id));
                    continue;
                }
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!ctl.call("INFO", "clients").contains("blocked_clients:1\r\n") && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                ctl.call("SLOWLOG", "RESET");
                ctl.call(step[1].split(" "));
                out.add(b.readReply());
                out.add(entries(ctl, id));
            }
            ctl.call("SLOWLOG", "RESET");
            try (RespConnection q = new RespConnection("127.0.0.1", port)) {
                q.call("MULTI");
                q.call("EXEC"); // not logged (skip-slowlog), which QUIT must not inherit
                q.call("QUIT");
            }
            out.add(entries(ctl, id).replaceAll("\\$\\d+\r\n127\\.0\\.0\\.1:\\d+\r\n", "(peer)\r\n"));
            ctl.call("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        }
        return out;
    }

    /** SLOWLOG GET since the last reset, without ids, times, durations, client ids and addresses. */
    private static String entries(RespConnection ctl, String clientId) throws Exception {
        return ctl.call("SLOWLOG", "GET", "-1")
                .replace("UNBLOCK\r\n$" + clientId.length() + "\r\n" + clientId + "\r\n", "UNBLOCK\r\n(id)\r\n")
                .replaceAll(":\\d+\r\n", ":N\r\n");
    }
}
