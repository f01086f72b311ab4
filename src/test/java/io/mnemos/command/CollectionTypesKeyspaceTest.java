package io.mnemos.command;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyspace commands that look at values: SCAN's TYPE filter and MEMORY USAGE, for every type. */
class CollectionTypesKeyspaceTest {
    private final CommandHarness h = new CommandHarness();

    @Test
    void scanTypeKeepsOnlyKeysOfThatType() {
        h.exec("SET", "k:string", "v");
        h.exec("RPUSH", "k:list", "a");
        h.exec("SADD", "k:set", "a");
        h.exec("ZADD", "k:zset", "1", "a");
        h.exec("HSET", "k:hash", "f", "v");
        h.exec("PFADD", "k:hll", "a"); // a HyperLogLog is a string
        String strings = h.exec("SCAN", "0", "TYPE", "string", "COUNT", "100");
        assertTrue(strings.startsWith("*2\r\n$1\r\n0\r\n*2\r\n"), strings);
        assertTrue(strings.contains("\r\nk:string\r\n") && strings.contains("\r\nk:hll\r\n"), strings);
        for (String type : List.of("list", "set", "zset", "hash")) {
            assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$" + ("k:" + type).length() + "\r\nk:" + type + "\r\n",
                    h.exec("SCAN", "0", "TYPE", type, "COUNT", "100"), type);
        }
        // Type names compare case-insensitively; an unknown type matches nothing.
        assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$6\r\nk:zset\r\n", h.exec("SCAN", "0", "TYPE", "ZSET", "COUNT", "100"));
        assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.exec("SCAN", "0", "TYPE", "stream", "COUNT", "100"));
    }

    @Test
    void memoryUsageGrowsWithTheSizeOfEveryCollectionType() {
        String[][] builders = {
            {"RPUSH", "list"}, {"SADD", "intset"}, {"SADD", "set"}, {"HSET", "hash"}, {"ZADD", "zset"},
        };
        for (String[] b : builders) {
            String cmd = b[0];
            String key = b[1];
            List<Long> usage = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                // 1, 10, 100 and 1000 elements: through the small encodings and past them.
                int target = (int) Math.pow(10, round);
                int have = round == 0 ? 0 : (int) Math.pow(10, round - 1);
                for (int i = have; i < target; i++) {
                    String member = key.equals("intset") ? Integer.toString(i) : "member:" + i;
                    switch (cmd) {
                        case "HSET", "ZADD" -> h.exec(cmd, key, cmd.equals("ZADD") ? Integer.toString(i) : member,
                                cmd.equals("ZADD") ? member : "value:" + i);
                        default -> h.exec(cmd, key, member);
                    }
                }
                String reply = h.exec("MEMORY", "USAGE", key);
                assertTrue(reply.startsWith(":"), key + ": " + reply);
                usage.add(Long.parseLong(reply.substring(1, reply.length() - 2)));
            }
            for (int i = 1; i < usage.size(); i++) {
                assertTrue(usage.get(i) > usage.get(i - 1), key + " did not grow: " + usage);
            }
            // 1000 elements of about 10 bytes cannot fit in less than 10 KB.
            assertTrue(usage.get(3) > 10_000, key + ": " + usage);
            assertTrue(usage.get(3) < 1_000_000, key + ": " + usage);
        }
    }
}
