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
 * Blocking pops with several clients, played on Mnemos and a real redis-server: who is served,
 * in which order, with which bytes. Steps: "W<n> CMD..." sends a blocking command on waiter n
 * and waits until the server counts it blocked; "R<n>" reads waiter n's next reply ("X<n>" reads it
 * without comparing); "P CMD..."
 * runs a command on the pushing connection.
 */
class BlockingCommandsDifferentialTest {
    private static final String[][] SCENARIOS = {
        {"W0 BLPOP q 0", "W1 BLPOP q 0", "W2 BRPOP q 0", "P RPUSH q a b c", "R0", "R1", "R2"},
        {"W0 BLMOVE src dst LEFT RIGHT 0", "W1 BLPOP dst 0", "P RPUSH src v", "R0", "R1", "P EXISTS src dst"},
        {"W0 BLMPOP 0 2 a b RIGHT COUNT 2", "P RPUSH b 1 2 3", "R0", "P LRANGE b 0 -1"},
        {"W0 BLPOP k 0", "P SET k s", "P DEL k", "P LPUSH k x", "R0"},
        // Waiters for another type are passed over: the list goes to the BRPOP behind the BZPOPMIN.
        {"W0 BZPOPMIN k 0", "W1 BRPOP k 0", "P LPUSH k x", "R1", "P ZADD k 1 m", "R0"},
        {"W0 BLPOP q 0", "P MULTI", "P RPUSH q 1", "P LPOP q", "P EXEC", "P RPUSH q 2", "R0"},
        {"W0 BRPOPLPUSH q d 0", "W1 BLPOP q 0", "P SET d str", "P RPUSH q 1", "R0", "R1"},
        {"W0 BLPOP a b 0", "P MULTI", "P RPUSH b 1", "P RPUSH a 2", "P EXEC", "R0", "P LLEN a"},
        {"W0 BLPOP q 0.05", "R0", "W0 BLMPOP 0.05 1 q LEFT", "R0", "W0 BLMOVE q d LEFT LEFT 0.05", "R0"},
        {"W0 HELLO 3", "X0", "W0 BLPOP q 0.05", "R0", "W0 BLPOP q 0", "P RPUSH q x", "R0"},
        {"W0 BLPOP q 0", "P SELECT 1", "P RPUSH q db1", "P SWAPDB 0 1", "R0", "P SELECT 0", "P FLUSHALL"},
        // A script's pushes serve waiters once the script ended: what it popped again they never see.
        {"W0 BLPOP q 0", "P EVAL redis.call('rpush',KEYS[1],'a');return(redis.call('lpop',KEYS[1])) 1 q",
            "P RPUSH q b", "R0"},
        {"W0 BLPOP q 0", "P EVAL redis.call('rpush',KEYS[1],'a','b');return(redis.call('llen',KEYS[1])) 1 q", "R0",
            "P LRANGE q 0 -1"},
        // Keys become ready where Redis signals them, in that order: a key created, a stream deleted
        // (not a list or string deleted). W0 waits on l, which a SET made a string; W1 reads a group of
        // s. The EXEC readies s (deleted stream) before l (created), so W1's held SET runs before W0's
        // held TYPE, which sees it.
        {"W0 BLPOP l 0", "P SET l str", "P XGROUP CREATE s g $ MKSTREAM", "W1 XREADGROUP GROUP g c BLOCK 0 STREAMS s >",
            "W1 SET z str", "W0 TYPE z", "P MULTI", "P DEL l", "P DEL s", "P RPUSH l x", "P EXEC", "R0", "R0", "R1", "R1"},
        // A key created as a string, hash or set readies nothing, nor does a sorted set overwriting it:
        // the BZMPOP waiter is served from z2, which ZADD created, not from z1.
        {"P MULTI", "P SET z1 str", "P ZADD z2 0 o 4 p 0 q", "W0 BZMPOP 0 2 z1 z2 MIN COUNT 2",
            "P ZRANGESTORE z1 z2 0 0", "P EXEC", "R0", "P ZRANGE z1 0 -1"},
        // FLUSHDB readies only the awaited keys it deleted (a stream's group readers are told), so
        // the keys the transaction then creates are served in the order they were created.
        {"W0 BRPOP l1 l3 l2 0", "P MULTI", "P FLUSHDB", "P RPUSH l3 b d", "P LPUSH l1 b", "P EXEC", "R0"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "W1 BLPOP l 0", "W1 SET z 1",
            "W0 TYPE z", "P MULTI", "P FLUSHDB", "P RPUSH l x", "P EXEC", "R0", "R0", "R1", "R1"},
        // A stream reader woken by a key that did not serve it after all keeps its place: W0, first to
        // block on a, is still served first once a gets an entry (its held request runs first).
        {"W0 XREAD BLOCK 0 STREAMS a b $ $", "W1 XREAD BLOCK 0 STREAMS a 0", "W0 SET k w0", "W1 SET k w1",
            "P XGROUP CREATE b g 0 MKSTREAM", "P XADD a 1-0 f v", "R0", "R0", "R1", "R1", "P GET k"},
        // SORT ... STORE creates the list a client waits for; an empty result creates nothing.
        {"W0 BLPOP d 0", "P RPUSH src 3 1 2", "P SORT src LIMIT 0 0 STORE d", "P SORT src DESC STORE d", "R0",
            "P LRANGE d 0 -1"},
        // XREAD BLOCK: '$' waits for entries added after it; every waiter gets them; a waiter on several
        // streams hears only of the one that became ready; explicit IDs wait for a greater entry.
        {"W0 XREAD BLOCK 0 STREAMS s $", "W1 XREAD COUNT 1 BLOCK 0 STREAMS s $", "P XADD s 1-1 f v",
            "R0", "R1", "P XADD s 2-1 f v", "W0 XREAD BLOCK 0 STREAMS s 2-1", "P XADD s 3-1 a b", "R0"},
        {"P XADD a 5-0 f v", "W0 XREAD BLOCK 0 STREAMS a b $ $", "P XADD b 1-0 x y", "R0",
            "W0 XREAD BLOCK 0 STREAMS a b 9-0 9-0", "P XADD a 6-0 f v", "P XADD b 9-1 f v", "R0"},
        {"P XADD s 1-0 f v", "W0 XREAD BLOCK 0 STREAMS s 5-0", "P XADD s 3-0 f v", "P XADD s 5-1 g w", "R0"},
        {"W0 XREAD BLOCK 0 STREAMS s $", "P MULTI", "P XADD s 1-0 f v", "P XADD s 2-0 f v", "P EXEC", "R0"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREAD BLOCK 0 STREAMS s $", "W1 XREADGROUP GROUP g c BLOCK 0 STREAMS s >",
            "P MULTI", "P XADD s 1-0 f v", "P XDEL s 1-0", "P EXEC", "R0", "R1", "P XINFO GROUPS s"},
        {"W0 XREAD BLOCK 0 STREAMS s $", "P SET s str", "P DEL s", "P XADD s 7-0 f v", "R0"},
        {"W0 XREAD BLOCK 50 STREAMS s $", "R0", "W0 HELLO 3", "X0", "W0 XREAD BLOCK 50 STREAMS s $", "R0",
            "W0 XREAD BLOCK 0 STREAMS s $", "P XADD s 1-0 f v", "R0"},
        {"P MULTI", "P XREAD BLOCK 0 STREAMS s $", "P EXEC", "P XADD s 1-0 f v", "P XREAD BLOCK 0 STREAMS s 0",
            "P EVAL return(redis.call('XREAD','BLOCK','0','STREAMS','s','$')) 0"},
        // XREADGROUP BLOCK: an entry goes to one reader of the group, the next reader waits for the next
        // entry; NOACK leaves nothing pending; a destroyed group answers its blocked readers -NOGROUP.
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g alice BLOCK 0 STREAMS s >",
            "W1 XREADGROUP GROUP g bob COUNT 5 BLOCK 0 STREAMS s >", "P XADD s 1-0 f v", "R0", "P XADD s 2-0 f v",
            "R1", "P XPENDING s g", "P XINFO GROUPS s"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c NOACK BLOCK 0 STREAMS s >", "P XADD s 1-0 f v",
            "R0", "P XPENDING s g", "P XINFO GROUPS s"},
        // A deleted or replaced stream takes its groups along: XREADGROUP waiters are told so, XREAD
        // waiters wait on for a new stream (whatever removed it: DEL, a SET, FLUSHALL, its expiry).
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 0 STREAMS s >",
            "W1 XREAD BLOCK 0 STREAMS s $", "P DEL s", "R0", "P XADD s 1-0 f v", "R1", "P INFO errorstats"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "P SET s str", "R0"},
        // A waiter on several streams is served from the ready one, whatever the others hold now.
        {"W0 XREAD BLOCK 0 STREAMS a b 9-0 0", "P SET a str", "P XGROUP CREATE b g 0 MKSTREAM", "P XADD b 1-0 f v",
            "R0"},
        {"P XGROUP CREATE s g $ MKSTREAM", "P XGROUP CREATE t g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 0 STREAMS t s > >",
            "P FLUSHALL", "R0"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "P PEXPIRE s 1", "R0"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "P XGROUP DESTROY s g",
            "R0", "P MULTI", "P XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "P EXEC"},
        {"P XGROUP CREATE s g $ MKSTREAM", "W0 XREADGROUP GROUP g c BLOCK 50 STREAMS s >", "R0",
            "P XINFO GROUPS s"},
        // WAIT without replicas: 0 acknowledged, at once for 0 replicas or inside MULTI, else at the timeout.
        {"P WAIT 0 0", "P WAIT 1 abc", "P WAIT 1 -1", "P WAIT x 0", "P MULTI", "P WAIT 1 0", "P EXEC",
            "W0 WAIT 1 50", "R0", "P SET k v", "W1 WAIT 3 30", "R1"},
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
                int blocked = 0;
                for (String step : scenario) {
                    String rest = step.substring(step.indexOf(' ') + 1);
                    switch (step.charAt(0)) {
                        case 'W' -> {
                            RespConnection w = waiters[step.charAt(1) - '0'];
                            w.sendRaw((rest + "\r\n").getBytes(StandardCharsets.UTF_8));
                            if (rest.startsWith("BL") || rest.startsWith("BR") || rest.startsWith("BZ") || rest.contains(" BLOCK 0 ")) {
                                if (!rest.endsWith(" 0.05")) {
                                    awaitBlocked(admin, ++blocked);
                                }
                            }
                        }
                        case 'X' -> waiters[step.charAt(1) - '0'].readReply(); // server identity differs
                        case 'R' -> {
                            replies.add(step + " -> " + waiters[step.charAt(1) - '0'].readReply());
                            blocked = Math.max(0, currentBlocked(admin));
                        }
                        default -> {
                            String[] argv = rest.split(" ");
                            replies.add(step + " -> " + pusher.call(argv));
                        }
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

    private static void awaitBlocked(RespConnection admin, int n) throws Exception {
        long deadline = System.currentTimeMillis() + 5000;
        while (currentBlocked(admin) < n) {
            assertTrue(System.currentTimeMillis() < deadline, "never saw " + n + " blocked clients");
            Thread.sleep(5);
        }
    }

    @Test
    void blockedClientsAreServedAsRealRedisServesThem() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start(); RunningServer mnemos = RunningServer.start()) {
            for (String[] scenario : SCENARIOS) {
                List<String> expected = play(redis.port(), scenario);
                List<String> actual = play(mnemos.port(), scenario);
                assertEquals(String.join("\n", expected), String.join("\n", actual), String.join(" | ", scenario));
            }
        }
    }

    /**
     * A blocked client is still read, as Redis keeps reading it into its query buffer: requests
     * queued behind its blocking command count toward client-query-buffer-limit, and past it the
     * client is closed with them (they never run), so a push afterwards stays in the list. A client
     * that hangs up while blocked goes the same way, at once, rather than being served first.
     */
    @Test
    void requestsQueuedBehindABlockingCommandAreReadAndCountTowardTheQueryBufferLimit() throws Exception {
        List<String> seen = io.mnemos.testing.PortScenario.onMnemosAndRedis(port -> {
            try (RespConnection pusher = new RespConnection("127.0.0.1", port);
                 RespConnection waiter = new RespConnection("127.0.0.1", port)) {
                pusher.call("CONFIG", "SET", "client-query-buffer-limit", "1mb");
                waiter.sendRaw(RespConnection.encode("BLPOP", "q", "0"));
                awaitBlocked(pusher, 1);
                java.io.ByteArrayOutputStream queued = new java.io.ByteArrayOutputStream();
                String value = "v".repeat(1000);
                for (int i = 0; i < 1500; i++) {
                    queued.writeBytes(RespConnection.encode("SET", "q", value));
                }
                // From another thread: a server that stopped reading would block this write for ever.
                Thread writer = Thread.ofVirtual().start(() -> {
                    try {
                        waiter.sendRaw(queued.toByteArray());
                    } catch (IOException closedByTheServer) {
                        // expected once the limit is passed
                    }
                });
                long deadline = System.currentTimeMillis() + 10_000;
                while (currentBlocked(pusher) > 0) {
                    assertTrue(System.currentTimeMillis() < deadline, "the blocked client was never read to its limit");
                    Thread.sleep(5);
                }
                writer.join(10_000);
                return List.of(pusher.call("RPUSH", "q", "x"), pusher.call("TYPE", "q"),
                        pusher.call("LRANGE", "q", "0", "-1"));
            }
        });
        assertEquals(List.of(":1\r\n", "+list\r\n", "*1\r\n$1\r\nx\r\n"), seen);
    }

    /**
     * Clients unblocking one another run their queued requests before any reply is written, as
     * Redis's processUnblockedClients: here the second waiter, served by the first one's queued ZADD,
     * kills the first one, which therefore gets none of its replies.
     */
    @Test
    void aChainOfUnblockedClientsRunsBeforeTheRepliesAreWritten() throws Exception {
        List<String> seen = io.mnemos.testing.PortScenario.onMnemosAndRedis(port -> {
            try (RespConnection pusher = new RespConnection("127.0.0.1", port);
                 RespConnection first = new RespConnection("127.0.0.1", port);
                 RespConnection second = new RespConnection("127.0.0.1", port);
                 RespConnection listener = new RespConnection("127.0.0.1", port)) {
                // A keyspace-event subscriber: its messages must not get the chain's replies written early.
                pusher.call("CONFIG", "SET", "notify-keyspace-events", "KEA");
                listener.call("PSUBSCRIBE", "__keyspace@0__:*");
                String firstId = first.call("CLIENT", "ID").substring(1).trim();
                first.sendRaw(RespConnection.encode("XREAD", "BLOCK", "0", "STREAMS", "s", "0"));
                awaitBlocked(pusher, 1);
                first.sendRaw(RespConnection.encode("ZADD", "z", "1", "m"));
                second.sendRaw(RespConnection.encode("BZPOPMIN", "z", "0"));
                awaitBlocked(pusher, 2);
                second.sendRaw(RespConnection.encode("CLIENT", "KILL", "ID", firstId));
                pusher.call("XADD", "s", "1-0", "f", "v");
                return List.of(second.readReply(), second.readReply(), Boolean.toString(first.closedByServer()),
                        pusher.call("ZCARD", "z"));
            }
        });
        assertEquals(List.of("*3\r\n$1\r\nz\r\n$1\r\nm\r\n$1\r\n1\r\n", ":1\r\n", "true", ":0\r\n"), seen);
    }
    /**
     * Serving a blocked BLPOP, BRPOP, BLMOVE or BRPOPLPUSH signals no source key, as Redis's
     * serveClientBlockedOnList (the push that readied it did), only a move's destination: a client
     * that tracked the key inside the pushing transaction is not told of the pop. BLMPOP and the
     * sorted-set pops signal the key they pop.
     */
    @Test
    void aServedListPopSignalsOnlyTheDestinationOfAMove() throws Exception {
        // Blocking command, the pushing write, whether the serve invalidates src.
        String[][] cases = {
            {"BLPOP src 0", "RPUSH src a b", "no"}, {"BRPOP src 0", "RPUSH src a", "no"},
            {"BLMOVE src dst LEFT LEFT 0", "RPUSH src a b", "no"}, {"BRPOPLPUSH src dst 0", "RPUSH src a", "no"},
            {"BLMPOP 0 1 src LEFT", "RPUSH src a b", "yes"}, {"BZPOPMIN src 0", "ZADD src 1 a 2 b", "yes"},
        };
        for (String[] c : cases) {
            List<String> seen = io.mnemos.testing.PortScenario.onMnemosAndRedis(port -> {
                try (RespConnection pusher = new RespConnection("127.0.0.1", port);
                     RespConnection waiter = new RespConnection("127.0.0.1", port)) {
                    pusher.call("FLUSHALL");
                    waiter.sendRaw(RespConnection.encode(c[0].split(" ")));
                    awaitBlocked(pusher, 1);
                    pusher.call("HELLO", "3");
                    List<String> out = new ArrayList<>();
                    for (String cmd : List.of("CLIENT TRACKING on", "MULTI", c[1], "EXISTS src", "EXISTS dst", "EXEC")) {
                        out.add(pusher.call(cmd.split(" ")));
                    }
                    out.add(waiter.readReply());
                    // Pushes sent before the PONG: the invalidations the serve caused.
                    pusher.sendRaw(RespConnection.encode("PING"));
                    for (String frame = pusher.readReply(); !frame.equals("+PONG\r\n"); frame = pusher.readReply()) {
                        out.add(frame);
                    }
                    return out;
                }
            });
            String pushes = String.join("", seen.subList(7, seen.size()));
            assertEquals(c[2].equals("yes"), pushes.contains("$3\r\nsrc\r\n"), c[0] + ": " + pushes);
            assertEquals(c[0].contains(" dst "), pushes.contains("$3\r\ndst\r\n"), c[0] + ": " + pushes);
        }
    }
}
