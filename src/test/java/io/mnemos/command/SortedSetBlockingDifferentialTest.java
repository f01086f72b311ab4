package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * BZPOPMIN BZPOPMAX BZMPOP with several clients, played on Mnemos and a real redis-server. Steps:
 * "W<n> CMD" sends a command on waiter n and waits until the server counts one more blocked client;
 * "S<n> CMD" sends without waiting; "R<n>" reads waiter n's next reply ("X<n>" reads it without
 * comparing); "C<n>" closes waiter n (and opens a new one in its place); "P CMD" runs a command on
 * the other connection.
 */
class SortedSetBlockingDifferentialTest {
    private static final String[][] SCENARIOS = {
        {"W0 BZPOPMIN z 0", "W1 BZPOPMAX z 0", "W2 BZMPOP 0 1 z MIN COUNT 2", "P ZADD z 1 a 2 b 3 c 4 d",
            "R0", "R1", "R2", "P ZRANGE z 0 -1 WITHSCORES"},
        {"W0 BZPOPMAX a b 0", "P ZINCRBY b 2.5 m", "R0", "P EXISTS b"},
        {"P ZADD s1 1 x 2 y", "W0 BZPOPMIN dst 0", "P ZUNIONSTORE dst 1 s1", "R0", "P ZRANGE dst 0 -1"},
        {"P ZADD s1 1 x", "P ZADD s2 1 x", "W0 BZMPOP 0 1 dst MAX", "P ZINTERSTORE dst 2 s1 s2 WEIGHTS 2 3", "R0"},
        {"W0 BZPOPMIN k 0", "P SET k s", "P DEL k", "P RPUSH k l", "P DEL k", "P ZADD k 5 v", "R0"},
        {"W0 BZPOPMIN q 0.05", "R0", "W0 BZMPOP 0.05 1 q MAX", "R0", "W0 BZPOPMAX q 0.05", "R0"},
        {"S0 HELLO 3", "X0", "W0 BZPOPMIN q 0.05", "R0", "W0 BZPOPMIN q 0", "P ZADD q 1.5 x", "R0",
            "W0 BZMPOP 0 1 q MAX COUNT 3", "P ZADD q 1 a 2 b inf c", "R0", "W0 BZPOPMAX q -inf 0", "P ZADD q -inf n",
            "R0"},
        {"P ZADD z 1 a", "P MULTI", "P BZPOPMIN z 0", "P BZPOPMIN z 0", "P BZMPOP 0 1 z MIN", "P EXEC"},
        {"W0 BZPOPMIN a b 0", "P MULTI", "P ZADD b 1 x", "P ZADD a 2 y", "P EXEC", "R0", "P ZCARD a", "P ZCARD b"},
        {"P RPUSH l x", "S0 BZPOPMIN l 0", "R0", "S0 BZPOPMIN nokey l 0", "R0", "P ZADD z 3 m", "S0 BZPOPMAX z l 0",
            "R0", "S0 BZMPOP 0 2 l z MIN", "R0"},
        {"W0 BZPOPMIN z 0", "W1 BZPOPMIN z 0", "C0", "P ZADD z 1 a 2 b", "R1", "P ZRANGE z 0 -1"},
        {"W0 BZPOPMIN q 0", "P SELECT 1", "P ZADD q 9 db1", "P SWAPDB 0 1", "R0", "P SELECT 0", "P FLUSHALL"},
        {"P BZPOPMIN z x", "P BZPOPMIN z -1", "P BZPOPMIN z", "P BZMPOP 0 0 z MIN", "P BZMPOP 0 x z MIN",
            "P BZMPOP 0 1 z MID", "P BZMPOP 0 1 z MIN COUNT 0", "P BZMPOP 0 1 z MIN COUNT", "P BZMPOP -1 1 z MIN",
            "P BZMPOP 0 2 z MIN", "P BZMPOP 0 1 z", "P BZMPOP x 1 z MIN COUNT -1", "P BZMPOP 0 1 z MIN COUNT 1 COUNT 1",
            "P BZPOPMAX z inf", "P BZPOPMAX z 1e400"},
    };

    private static List<String> play(int port, String[] scenario) throws Exception {
        List<String> replies = new ArrayList<>();
        try (RespConnection pusher = new RespConnection("127.0.0.1", port);
             RespConnection admin = new RespConnection("127.0.0.1", port)) {
            pusher.call("FLUSHALL");
            RespConnection[] waiters = new RespConnection[3];
            try {
                for (int i = 0; i < waiters.length; i++) {
                    waiters[i] = new RespConnection("127.0.0.1", port);
                }
                for (String step : scenario) {
                    String rest = step.substring(step.indexOf(' ') + 1);
                    int n = step.length() > 1 ? step.charAt(1) - '0' : -1;
                    switch (step.charAt(0)) {
                        case 'W' -> {
                            int before = currentBlocked(admin);
                            waiters[n].sendRaw((rest + "\r\n").getBytes(StandardCharsets.UTF_8));
                            if (!rest.endsWith(" 0.05")) {
                                awaitBlocked(admin, before + 1);
                            }
                        }
                        case 'S' -> waiters[n].sendRaw((rest + "\r\n").getBytes(StandardCharsets.UTF_8));
                        case 'X' -> waiters[n].readReply(); // server identity differs
                        case 'R' -> replies.add(step + " -> " + waiters[n].readReply());
                        case 'C' -> {
                            int before = currentBlocked(admin);
                            waiters[n].close();
                            waiters[n] = new RespConnection("127.0.0.1", port);
                            awaitBlocked(admin, -(before - 1));
                        }
                        default -> replies.add(step + " -> " + pusher.call(rest.split(" ")));
                    }
                }
            } finally {
                for (RespConnection w : waiters) {
                    if (w != null) {
                        w.close();
                    }
                }
            }
        }
        return replies;
    }

    private static int currentBlocked(RespConnection admin) throws IOException {
        String info = admin.call("INFO", "clients");
        int at = info.indexOf("blocked_clients:") + "blocked_clients:".length();
        return Integer.parseInt(info.substring(at, info.indexOf('\r', at)));
    }

    /** Waits for n blocked clients, or (n negative) for at most -n. */
    private static void awaitBlocked(RespConnection admin, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (n >= 0 ? currentBlocked(admin) < n : currentBlocked(admin) > -n) {
            assertTrue(System.currentTimeMillis() < deadline, "never saw " + n + " blocked clients");
            Thread.sleep(5);
        }
    }

    @Test
    void sortedSetWaitersAreServedAsRealRedisServesThem() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start(); RunningServer mnemos = RunningServer.start()) {
            for (String[] scenario : SCENARIOS) {
                List<String> expected = play(redis.port(), scenario);
                List<String> actual = play(mnemos.port(), scenario);
                assertEquals(String.join("\n", expected), String.join("\n", actual), String.join(" | ", scenario));
            }
        }
    }
}
