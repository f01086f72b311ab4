package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A list that never outgrew one quicklist node in Redis 7.0 is dumped as Redis dumps it
 * (RDB_TYPE_LIST_QUICKLIST_2, one packed listpack node), byte for byte. Random list commands run on
 * Mnemos and a real redis-server under several list-max-listpack-size settings; whenever Mnemos
 * writes one node, Redis must report one node too (DEBUG OBJECT's ql_nodes:1) and the DUMP payloads
 * must be equal (and DEBUG OBJECT's serializedlength and ql_* fields, and MEMORY USAGE), and stay equal through RESTORE and DEBUG RELOAD. A list that once had more nodes is
 * dumped as the nodes RPUSHes would have filled, which both servers read.
 */
class ListDumpDifferentialTest {
    private static String element(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Integer.toString(r.nextInt(200) - 100);
            case 1 -> Long.toString(r.nextLong() >> r.nextInt(64));
            case 2 -> "x".repeat(r.nextInt(70));
            case 3 -> "y".repeat(60 + r.nextInt(200));
            case 4 -> r.nextInt(20) == 0 ? "z".repeat(4000 + r.nextInt(200)) : "e" + r.nextInt(1000);
            default -> "0" + r.nextInt(10); // a leading zero is not an integer encoding
        };
    }

    private static String[] step(Random r) {
        String e = element(r);
        return switch (r.nextInt(12)) {
            case 0, 1, 2 -> new String[]{"RPUSH", "l", e, element(r)};
            case 3, 4 -> new String[]{"LPUSH", "l", e};
            case 5 -> new String[]{r.nextBoolean() ? "LPOP" : "RPOP", "l", Integer.toString(1 + r.nextInt(3))};
            case 6 -> new String[]{"LINSERT", "l", r.nextBoolean() ? "BEFORE" : "AFTER", "e" + r.nextInt(1000), e};
            case 7 -> new String[]{"LSET", "l", Integer.toString(r.nextInt(5)), e};
            case 8 -> new String[]{"LREM", "l", Integer.toString(r.nextInt(3) - 1), "x".repeat(r.nextInt(3))};
            case 9 -> new String[]{"LTRIM", "l", Integer.toString(r.nextInt(3)), Integer.toString(-1 - r.nextInt(3))};
            case 10 -> new String[]{"LMOVE", "l", "l", r.nextBoolean() ? "LEFT" : "RIGHT", "RIGHT"};
            default -> new String[]{"RPUSH", "l", "y".repeat(300 + r.nextInt(500))};
        };
    }

    /** DEBUG OBJECT without the address and the clock: encoding, serializedlength and the ql_* fields. */
    private static String objectFields(String reply) {
        return reply.replaceAll("Value at:\\S+ refcount:\\d+ ", "").replaceAll(" lru:\\d+ lru_seconds_idle:\\d+", "");
    }

    private static String dump(RespConnection c) throws Exception {
        return new String(c.callBytes("DUMP", "l"), StandardCharsets.ISO_8859_1);
    }

    @Test
    void singleNodeListsDumpAsRedisDoes() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        int compared = 0;
        int grewBack = 0;
        try (RealRedis redis = RealRedis.start("--enable-debug-command", "yes");
             RunningServer mnemos = RunningServer.start("--enable-debug-command", "yes");
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            Random r = new Random(20261206);
            for (String fill : new String[]{"-2", "-1", "-5", "5", "0", "-7", "200"}) {
                for (RespConnection c : new RespConnection[]{real, ours}) {
                    c.call("DEL", "l");
                    c.call("CONFIG", "SET", "list-max-listpack-size", fill);
                }
                for (int i = 0; i < 400; i++) {
                    // A changed setting applies to lists created afterwards: a quicklist keeps its fill.
                    String[] step = r.nextInt(40) == 0
                            ? new String[]{"CONFIG", "SET", "list-max-listpack-size", Integer.toString(r.nextInt(12) - 7)}
                            : step(r);
                    String context = "fill " + fill + ", step " + i + ": " + String.join(" ", step);
                    assertEquals(real.call(step), ours.call(step), context);
                    String object = real.call("DEBUG", "OBJECT", "l");
                    boolean redisSingle = object.contains("ql_nodes:1 ");
                    String ours1 = dump(ours);
                    // The payload starts after "$<len>\r\n": type 18 (a quicklist), then the node count.
                    if (ours1.equals("$-1\r\n")) {
                        assertEquals(ours1, dump(real), context); // the list is gone on both
                        continue;
                    }
                    int start = ours1.indexOf('\n') + 1;
                    assertEquals(18, ours1.charAt(start), context);
                    boolean oursSingle = ours1.charAt(start + 1) == 1;
                    assertTrue(redisSingle || !oursSingle, "Mnemos wrote one node where Redis has more, " + context);
                    if (redisSingle && !oursSingle) {
                        grewBack++; // a list that had more nodes and shrank to one: Mnemos keeps two
                    }
                    if (!oursSingle) {
                        if (object.contains("ql_nodes:") && r.nextInt(4) == 0) {
                            real.call("DEL", "l"); // start small again, to see many single-node lists
                            ours.call("DEL", "l");
                        }
                        continue;
                    }
                    String expected = dump(real);
                    assertEquals(expected, dump(ours), context);
                    assertEquals(objectFields(object), objectFields(ours.call("DEBUG", "OBJECT", "l")), context);
                    assertEquals(real.call("MEMORY", "USAGE", "l"), ours.call("MEMORY", "USAGE", "l"), context);
                    compared++;
                    if (i % 50 == 0) {
                        byte[] payload = RespConnection.bulkPayload(real.callBytes("DUMP", "l"));
                        byte[][] restore = {"RESTORE".getBytes(), "l".getBytes(), "0".getBytes(), payload,
                                "REPLACE".getBytes()};
                        assertEquals("+OK\r\n", ours.call(restore));
                        assertEquals(expected, dump(ours), "restored, " + context);
                        assertEquals(real.call("DEBUG", "RELOAD"), ours.call("DEBUG", "RELOAD"));
                        assertEquals(dump(real), dump(ours), "reloaded, " + context);
                    }
                }
            }
        }
        assertTrue(compared > 500, "single-node lists compared: " + compared + ", shrunk back to one: " + grewBack);
    }
}
