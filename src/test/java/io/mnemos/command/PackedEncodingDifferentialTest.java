package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The packed ("listpack") encodings of small hashes and sorted sets against a real redis-server:
 * OBJECT ENCODING transitions exactly at the configured limits (entries and value length, never
 * back), byte-identical HSCAN/ZSCAN of small collections (everything in one call, cursor 0, in
 * Redis's order), complete scans of converted ones, and the packed integers' text.
 */
class PackedEncodingDifferentialTest {

    private static List<String> sortedLines(String reply) {
        List<String> lines = new ArrayList<>(Arrays.asList(reply.split("\r\n")));
        lines.sort(null);
        return lines;
    }

    /** Every element a full SCAN-family iteration returns (cursor until 0), sorted. */
    private static List<String> fullScan(io.mnemos.testing.RespConnection conn, String cmd, String key)
            throws IOException {
        List<String> all = new ArrayList<>();
        String cursor = "0";
        do {
            String reply = conn.call(cmd, key, cursor, "COUNT", "7");
            String[] lines = reply.split("\r\n");
            cursor = lines[2];
            for (int i = 4; i < lines.length; i += 2) {
                all.add(lines[i]);
            }
        } while (!cursor.equals("0"));
        all.sort(null);
        return all;
    }

    @Test
    void hashEncodingFollowsTheDefaultLimitsExactly() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < 512; i++) {
                run.send("HSET", "h", "field:" + i, i % 3 == 0 ? String.valueOf(i * 1000 - 7) : "value:" + i);
                if (i % 64 == 0) {
                    run.send("OBJECT", "ENCODING", "h");
                    run.send("HSCAN", "h", "0");
                }
            }
            run.send("OBJECT", "ENCODING", "h");
            run.send("HGETALL", "h");
            run.send("HSCAN", "h", "0", "MATCH", "field:1*", "COUNT", "1");
            run.send("HSET", "h", "field:512", "x");
            run.send("OBJECT", "ENCODING", "h");
            assertEquals(fullScan(run.real(), "HSCAN", "h"), fullScan(run.ours(), "HSCAN", "h"));
            for (int i = 0; i < 510; i++) {
                run.send("HDEL", "h", "field:" + i);
            }
            run.send("OBJECT", "ENCODING", "h");
            run.send("HLEN", "h");
            run.send("HDEL", "h", "field:510", "field:511", "field:512");
            run.send("EXISTS", "h");

            run.send("HSET", "v", "f", "x".repeat(64));
            run.send("OBJECT", "ENCODING", "v");
            run.send("HSET", "v", "f", "x".repeat(65));
            run.send("OBJECT", "ENCODING", "v");
            run.send("HSET", "k", "f".repeat(65), "1");
            run.send("OBJECT", "ENCODING", "k");
            run.send("HSET", "m", "a", "1", "b", "y".repeat(65), "c", "3");
            run.send("OBJECT", "ENCODING", "m");
            run.send("HSETNX", "n", "f".repeat(64), "v".repeat(64));
            run.send("OBJECT", "ENCODING", "n");
        }
    }

    @Test
    void smallHashesKeepTheirTextIntegersAndOrder() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            String[] values = {"0", "-0", "007", "+1", "1", "-1", "127", "128", "-129", "65535", "4294967296",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1.5", "", " 1", "1e3"};
            for (int i = 0; i < values.length; i++) {
                run.send("HSET", "h", values[i], values[(i + 1) % values.length]);
            }
            run.send("HGETALL", "h");
            run.send("HKEYS", "h");
            run.send("HVALS", "h");
            run.send("HSCAN", "h", "0");
            run.send("HSCAN", "h", "0", "MATCH", "*1*");
            for (String v : values) {
                run.send("HGET", "h", v);
                run.send("HSTRLEN", "h", v);
                run.send("HEXISTS", "h", v);
            }
            run.send("HINCRBY", "h", "1", "41");
            run.send("HINCRBY", "h", "new", "-5");
            run.send("HINCRBYFLOAT", "h", "1", "0.5");
            run.send("HINCRBYFLOAT", "h", "-1", "1");
            run.send("HINCRBY", "h", "9223372036854775807", "1");
            run.send("HINCRBY", "h", "-9223372036854775808", "-1");
            run.send("HGETALL", "h");
            run.send("HRANDFIELD", "h", "100", "WITHVALUES"); // count >= size: the whole hash, in order
        }
    }
}
