package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static io.mnemos.testing.DifferentialRun.pick;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer groups against a real redis-server: XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
 * XAUTOCLAIM and XINFO, hand-picked for every option and error in RESP2 and RESP3, then a seeded
 * random sequence. Delivery times, seen times and idle times come from each server's clock, so
 * those integers (and only those) are masked before the byte-for-byte comparison; entries read and
 * lag, which Redis 7.0 derives from the stream's history, are compared as they are.
 */
class StreamGroupsDifferentialTest {
    /** Integers that are clock readings or idle times, by the field or position they come in. */
    private static final Pattern[] CLOCK_FIELDS = {
        Pattern.compile("(\\$4\r\nidle\r\n):\\d+"),
        Pattern.compile("(\\$9\r\nseen-time\r\n):\\d+"),
        // XPENDING's extended entries and XINFO STREAM FULL's group PEL: id, consumer, time, count.
        Pattern.compile("(\\*4\r\n\\$\\d+\r\n\\d+-\\d+\r\n\\$\\d+\r\n[^\r]*\r\n):\\d+"),
        // XINFO STREAM FULL's consumer PEL: id, time, count.
        Pattern.compile("(\\*3\r\n\\$\\d+\r\n\\d+-\\d+\r\n):\\d+"),
    };

    static String maskClock(String[] cmd, String reply) {
        String out = reply;
        for (Pattern p : CLOCK_FIELDS) {
            out = p.matcher(out).replaceAll("$1:<clock>");
        }
        return out;
    }

    private static final String[] HAND_PICKED = {
        "XADD s 1-1 a 1", "XADD s 2-1 b 2", "XADD s 3-1 c 3",
        // XGROUP
        "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE nokey g 0", "XGROUP CREATE nokey g2 0 MKSTREAM",
        "XGROUP CREATE s g3 0 ENTRIESREAD -5", "XGROUP CREATE s g3 0 ENTRIESREAD x", "XGROUP CREATE s g3 0 FOO",
        "XGROUP CREATE s g3 x", "XGROUP CREATE s g3 - ", "XGROUP CREATE s g4 $ ENTRIESREAD 2", "XGROUP SETID s nog 0",
        "XGROUP SETID s g4 0 ENTRIESREAD 1", "XGROUP SETID s g4 $", "XGROUP SETID s g4 + ENTRIESREAD -1",
        "XGROUP SETID s g4 0 MKSTREAM", "XGROUP SETID s g4 0 ENTRIESREAD 1 x", "XGROUP CREATECONSUMER s nog c",
        "XGROUP CREATECONSUMER s g c0", "XGROUP CREATECONSUMER s g c0", "XGROUP CREATECONSUMER nokey g c0",
        "XGROUP CREATE s g5 0 MKSTREAM ENTRIESREAD 3 MKSTREAM", "XGROUP CREATE s g6 0 ENTRIESREAD 1 ENTRIESREAD 2",
        "XGROUP", "XGROUP FOO", "XGROUP CREATE s", "XGROUP DESTROY s", "XGROUP HELP", "XGROUP HELP x",
        "XINFO GROUPS s",
        // XREADGROUP
        "XREADGROUP GROUP g alice COUNT 2 STREAMS s >", "XINFO GROUPS s", "XREADGROUP GROUP g bob STREAMS s >",
        "XREADGROUP GROUP g bob STREAMS s >", "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP g alice STREAMS s 1-1",
        "XREADGROUP GROUP g carol STREAMS s 0", "XREADGROUP GROUP g alice STREAMS s $",
        "XREADGROUP GROUP g alice STREAMS nokey >", "XREADGROUP GROUP g alice STREAMS s 1 2 3",
        "XREADGROUP GROUP nog alice STREAMS s >", "XREADGROUP STREAMS s > x y z", "XREADGROUP GROUP g alice x y z",
        "XREADGROUP COUNT 1 STREAMS s s s >", "XREADGROUP GROUP g alice BLOCK x STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s x", "XADD s 4-1 d 4", "XADD s 5-1 e 5",
        "XREADGROUP GROUP g dave NOACK COUNT 1 STREAMS s >", "XINFO GROUPS s", "XREADGROUP GROUP g alice STREAMS s 0",
        "XDEL s 2-1", "XREADGROUP GROUP g alice STREAMS s 0", "XINFO STREAM s", "XINFO GROUPS s",
        "XINFO CONSUMERS s g",
        // XPENDING
        "XPENDING s g", "XPENDING s g - + 10", "XPENDING s g - + 10 alice", "XPENDING s g - + 10 nobody",
        "XPENDING s g (1-1 + 10", "XPENDING s g - (3-1 10", "XPENDING s g - + 1", "XPENDING s g - + 0",
        "XPENDING s g - + -3", "XPENDING s g - + x", "XPENDING s g IDLE x - + 10", "XPENDING s g IDLE 0 - +",
        "XPENDING s g IDLE 0 - + 10", "XPENDING s g IDLE 99999999 - + 10", "XPENDING s g - +", "XPENDING s g -",
        "XPENDING s g - + 10 alice x", "XPENDING nokey g", "XPENDING s nog", "XPENDING s g2", "XPENDING s g x + 10",
        "XPENDING s g (18446744073709551615-18446744073709551615 + 10", "XPENDING s g 5 1 10",
        // XCLAIM
        "XCLAIM s g bob 0 2-1", "XINFO CONSUMERS s g", "XPENDING s g", "XCLAIM s g carol 0 1-1 JUSTID",
        "XCLAIM s g carol 0 1-1 RETRYCOUNT 5 JUSTID", "XPENDING s g - + 10", "XCLAIM s g carol x 1-1",
        "XCLAIM s g carol -5 1-1 JUSTID", "XCLAIM s g carol 0 1-1 FOO", "XCLAIM s g carol 0 1-1 IDLE x",
        "XCLAIM s g carol 0 1-1 TIME x", "XCLAIM s g carol 0 1-1 RETRYCOUNT x", "XCLAIM s g carol 0 1-1 LASTID x",
        "XCLAIM s g carol 0 1-1 LASTID 9-9 JUSTID", "XINFO GROUPS s", "XCLAIM s g carol 9999999 1-1",
        "XCLAIM s g erin 0 4-1 FORCE JUSTID", "XCLAIM s g erin 0 3-1 5-1 FORCE RETRYCOUNT 7", "XCLAIM s g erin 0 x",
        "XCLAIM nokey g c 0 1-1", "XCLAIM s nog c 0 1-1", "XCLAIM s g frank 0 9-9 JUSTID", "XINFO CONSUMERS s g",
        "XPENDING s g - + 10",
        // XAUTOCLAIM
        "XAUTOCLAIM s g dave 0 0", "XAUTOCLAIM s g dave 0 0 COUNT 0", "XAUTOCLAIM s g dave 0 0 COUNT x",
        "XAUTOCLAIM s g dave 0 0 COUNT 1 JUSTID", "XAUTOCLAIM s g dave 0 0 COUNT 2", "XAUTOCLAIM s g dave 0 0 FOO",
        "XAUTOCLAIM s g dave 0 (0", "XAUTOCLAIM s g dave x 0", "XAUTOCLAIM s g dave 0 x", "XAUTOCLAIM nokey g dave 0 0",
        "XAUTOCLAIM s nog dave 0 0", "XAUTOCLAIM s g dave 99999999 0", "XDEL s 3-1", "XAUTOCLAIM s g gina 0 0",
        "XAUTOCLAIM s g gina 0 0 JUSTID COUNT 100", "XPENDING s g",
        // XACK
        "XACK s g 1-1 9-9", "XACK s g x", "XACK s g 1-1 x", "XACK nokey g 1-1", "XACK s nog 1-1", "XACK s g 4-1 4-1",
        "XPENDING s g",
        // consumers and groups going away
        "XGROUP DELCONSUMER s g dave", "XGROUP DELCONSUMER s g nobody", "XINFO CONSUMERS s g", "XGROUP DESTROY s g3",
        "XGROUP DESTROY s g4", "XGROUP DESTROY s nog", "XGROUP DESTROY nokey g", "XINFO GROUPS s",
        // XINFO
        "XINFO STREAM s FULL", "XINFO STREAM s FULL COUNT 1", "XINFO STREAM s FULL COUNT 0",
        "XINFO STREAM s FULL COUNT -1", "XINFO STREAM s FULL COUNT x", "XINFO STREAM s FULL COUNT",
        "XINFO STREAM s FOO", "XINFO STREAM s FULL FOO 1", "XINFO STREAM nokey", "XINFO GROUPS nokey",
        "XINFO CONSUMERS s nog", "XINFO CONSUMERS nokey g", "XINFO HELP", "XINFO HELP x", "XINFO FOO", "XINFO",
        "XINFO STREAM nokey FULL", "XINFO STREAM g2", "XINFO STREAM g2 FULL", "XINFO GROUPS g2",
        // lag and entries-read as 7.0 computes them
        "XADD l 1-0 f v", "XADD l 2-0 f v", "XADD l 3-0 f v", "XGROUP CREATE l g 0", "XINFO GROUPS l",
        "XREADGROUP GROUP g c COUNT 1 STREAMS l >", "XINFO GROUPS l", "XDEL l 3-0", "XINFO GROUPS l",
        "XREADGROUP GROUP g c STREAMS l >", "XINFO GROUPS l", "XADD l 4-0 f v", "XINFO GROUPS l",
        "XGROUP SETID l g 0", "XINFO GROUPS l", "XGROUP SETID l g 1-0 ENTRIESREAD 1", "XINFO GROUPS l",
        "XGROUP CREATE l g2 $", "XGROUP CREATE l g3 9-0", "XGROUP CREATE l g4 1-5", "XINFO GROUPS l",
        "XTRIM l MAXLEN 1", "XINFO GROUPS l", "XSETID l 10-0 ENTRIESADDED 50 MAXDELETEDID 5-0", "XINFO GROUPS l",
        "XINFO STREAM l", "XDEL l 4-0", "XINFO GROUPS l", "XINFO STREAM l",
        // types
        "SET str x", "XGROUP CREATE str g 0", "XGROUP CREATE str g 0 MKSTREAM", "XREADGROUP GROUP g a STREAMS str >",
        "XACK str g 1", "XPENDING str g", "XCLAIM str g c 0 1", "XAUTOCLAIM str g c 0 0", "XINFO STREAM str",
        "XINFO GROUPS str", "XINFO CONSUMERS str g", "XGROUP DESTROY str g",
        // WATCH is touched by XGROUP CREATE ... MKSTREAM only
        "WATCH w", "XGROUP CREATE w g $ MKSTREAM", "MULTI", "PING", "EXEC", "WATCH w", "XGROUP CREATE w g2 0",
        "XGROUP CREATECONSUMER w g c", "XGROUP SETID w g 0", "XGROUP DESTROY w g2", "MULTI", "PING", "EXEC",
        "XADD w 1-0 f v", "WATCH w", "XREADGROUP GROUP g c STREAMS w >", "XACK w g 1-0", "MULTI", "PING", "EXEC",
        // COPY duplicates the groups, consumers and pending entries, independently of the original
        "COPY s scopy", "XINFO STREAM scopy FULL", "XACK scopy g 4-1 5-1", "XGROUP DESTROY scopy g5", "XPENDING s g",
        "XPENDING scopy g", "XINFO GROUPS s", "XINFO GROUPS scopy",
        // RESTORE of a stream with groups, DEBUG RELOAD keeps them
        "DEBUG RELOAD", "XINFO STREAM s FULL", "XPENDING s g", "XINFO STREAM l FULL",
    };

    @Test
    void handPickedCasesMatchRealRedisInBothProtocols() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--stream-node-max-entries", "2")) {
            run.check(DifferentialRun.ReplyCheck.normalized(StreamGroupsDifferentialTest::maskClock));
            for (String proto : new String[]{"2", "3"}) {
                run.both("FLUSHALL");
                run.both("HELLO", proto);
                run.note("HELLO " + proto);
                for (String line : HAND_PICKED) {
                    run.send(line.trim().split(" "));
                }
                run.assertSameDataset();
            }
        }
    }

    // ---------------------------------------------------------------- random sequence

    private static final int STEPS = 5000;
    private static final String[] KEYS = {"s1", "s2", "missing"};
    private static final String[] GROUPS = {"g1", "g2", "nog"};
    private static final String[] CONSUMERS = {"alice", "bob", "carol"};

    @Test
    void randomGroupSequenceMatchesRealRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--stream-node-max-entries", "4")) {
            run.check(DifferentialRun.ReplyCheck.normalized(StreamGroupsDifferentialTest::maskClock));
            Random rnd = new Random(Long.getLong("streamgroups.seed", 7070L));
            long[] next = {1, 1, 1};
            int delivered = 0;
            for (int step = 0; step < STEPS; step++) {
                if (step == STEPS / 2) {
                    run.both("HELLO", "3");
                    run.note("HELLO 3");
                }
                String[] cmd = randomCommand(rnd, next);
                String reply = run.send(cmd);
                if (cmd[0].equals("XREADGROUP") && reply.startsWith("*1\r\n*2")) {
                    delivered++;
                }
                if (step % 300 == 299) {
                    run.assertSameDataset();
                    for (String key : KEYS) {
                        run.send("XINFO", "STREAM", key, "FULL", "COUNT", "0");
                    }
                }
            }
            assertTrue(delivered > STEPS / 20, "XREADGROUP deliveries: " + delivered);
        }
    }

    private static String[] randomCommand(Random rnd, long[] next) {
        int k = rnd.nextInt(KEYS.length);
        String key = KEYS[k];
        String group = pick(rnd, GROUPS);
        String consumer = pick(rnd, CONSUMERS);
        String id = (rnd.nextInt(Math.max(1, (int) next[k % 3] + 2))) + "-" + rnd.nextInt(2);
        List<String> cmd = new ArrayList<>();
        int op = rnd.nextInt(100);
        if (op < 25) {
            long ms = next[k % 3]++;
            cmd.addAll(List.of("XADD", key, ms + "-0", "f", "v" + ms));
        } else if (op < 30) {
            cmd.addAll(List.of("XGROUP", "CREATE", key, group, rnd.nextBoolean() ? "$" : id));
            if (rnd.nextInt(3) == 0) {
                cmd.add("MKSTREAM");
            }
        } else if (op < 33) {
            cmd.addAll(List.of("XGROUP", "SETID", key, group, rnd.nextBoolean() ? "$" : id));
        } else if (op < 35) {
            cmd.addAll(List.of("XGROUP", pick(rnd, new String[]{"CREATECONSUMER", "DELCONSUMER"}), key, group,
                    consumer));
        } else if (op < 36) {
            cmd.addAll(List.of("XGROUP", "DESTROY", key, group));
        } else if (op < 55) {
            cmd.addAll(List.of("XREADGROUP", "GROUP", group, consumer));
            if (rnd.nextBoolean()) {
                cmd.addAll(List.of("COUNT", Integer.toString(1 + rnd.nextInt(3))));
            }
            if (rnd.nextInt(5) == 0) {
                cmd.add("NOACK");
            }
            cmd.addAll(List.of("STREAMS", key, rnd.nextInt(4) == 0 ? "0" : ">"));
        } else if (op < 65) {
            cmd.addAll(List.of("XACK", key, group, id, id));
        } else if (op < 72) {
            cmd.addAll(List.of("XPENDING", key, group));
            if (rnd.nextBoolean()) {
                cmd.addAll(List.of("-", "+", Integer.toString(rnd.nextInt(5))));
                if (rnd.nextBoolean()) {
                    cmd.add(consumer);
                }
            }
        } else if (op < 79) {
            cmd.addAll(List.of("XCLAIM", key, group, consumer, "0", id));
            if (rnd.nextBoolean()) {
                cmd.add("JUSTID");
            }
            if (rnd.nextInt(4) == 0) {
                cmd.add("FORCE");
            }
            if (rnd.nextInt(4) == 0) {
                cmd.addAll(List.of("RETRYCOUNT", Integer.toString(rnd.nextInt(5))));
            }
        } else if (op < 85) {
            cmd.addAll(List.of("XAUTOCLAIM", key, group, consumer, "0", rnd.nextBoolean() ? "0" : id, "COUNT",
                    Integer.toString(1 + rnd.nextInt(3))));
            if (rnd.nextBoolean()) {
                cmd.add("JUSTID");
            }
        } else if (op < 90) {
            cmd.addAll(List.of("XDEL", key, id));
        } else if (op < 93) {
            cmd.addAll(List.of("XTRIM", key, "MAXLEN", Integer.toString(rnd.nextInt(6))));
        } else if (op < 97) {
            cmd.addAll(List.of("XINFO", "GROUPS", key));
        } else {
            cmd.addAll(List.of("XINFO", "CONSUMERS", key, group));
        }
        return cmd.toArray(new String[0]);
    }
}
