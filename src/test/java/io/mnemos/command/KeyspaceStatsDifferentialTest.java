package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What INFO counts of a command sequence, against a real redis-server: keyspace hits and misses
 * (the cache hit ratio dashboards show: which lookups count is each command's choice of a read or a
 * write lookup), expired and evicted keys, error replies, and per command its calls, rejected and
 * failed calls and LATENCY HISTOGRAM samples, per error code its count. Each scenario is one line
 * of commands separated by " ; ", run on both servers after FLUSHALL and CONFIG RESETSTAT; found
 * by {@code scripts/differential_fuzz.py --stats}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeyspaceStatsDifferentialTest {
    private static final Set<String> STATS = Set.of("keyspace_hits", "keyspace_misses", "expired_keys",
            "evicted_keys", "total_error_replies", "total_commands_processed");

    private DifferentialRun run;

    @BeforeAll
    void start() throws Exception {
        run = DifferentialRun.start();
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET a ; SET a 1 ; GET a ; MGET a b c ; EXISTS a b ; TYPE a ; STRLEN b ; GETRANGE a 0 1",
            // The source keys of ZINTERSTORE and friends are read lookups, as for ZINTER.
            "ZINTERSTORE z1 1 z1 ; ZADD z2 1 a ; ZUNIONSTORE z3 2 z2 z4 ; ZDIFFSTORE z5 1 z2 ; ZINTER 2 z2 z6",
            // So are the source keys of SINTERSTORE, SUNIONSTORE and SDIFFSTORE.
            "SADD g 1 ; SINTERSTORE s1 g w ; SUNIONSTORE s2 g w ; SDIFFSTORE s3 g w ; SINTER g w ; SINTERCARD 2 g w",
            // SPOP of the whole set answers through SMEMBERS's code, a read lookup.
            "SADD s 1 2 ; SPOP s 100 ; SADD s 1 2 3 ; SPOP s 1 ; SPOP s ; SPOP nope 3 ; SRANDMEMBER s 5 ; SRANDMEMBER n 2",
            // Every error reply is counted, RESTORE's BUSYKEY too.
            "SET e x ; RESTORE e 0 garbage ; RESTORE n 0 garbage ; RESTORE e 0 garbage REPLACE ; GET e",
    })
    void countsAsRedisDoes(String scenario) throws IOException {
        assertEquals(countersAfter(run.real(), scenario), countersAfter(run.ours(), scenario), scenario);
    }

    /**
     * A command that blocks counts as a call when it blocks (Redis 7.0's call()), not again once
     * answered; serving it counts no keyspace hit; CLIENT UNBLOCK counts the blocked command as
     * failed, with ERROR CLIENT UNBLOCK itself too; QUIT counts as a command.
     */
    @org.junit.jupiter.api.Test
    void blockedCommandsAndQuitCountAsRedisDoes() throws Exception {
        try (RespConnection realClient = run.connectReal(); RespConnection realQuitter = run.connectReal();
             RespConnection ourClient = run.connectOurs(); RespConnection ourQuitter = run.connectOurs()) {
            assertEquals(blockingTranscript(run.real(), realClient, realQuitter),
                    blockingTranscript(run.ours(), ourClient, ourQuitter));
        }
    }

    /** {@code b} blocks in several ways, {@code ctl} ends each wait, {@code q} quits in a transaction. */
    private static java.util.List<Map<String, String>> blockingTranscript(RespConnection ctl, RespConnection b,
            RespConnection q) throws Exception {
        java.util.List<Map<String, String>> snapshots = new java.util.ArrayList<>();
        ctl.call("FLUSHALL");
        ctl.call("CONFIG", "RESETSTAT");
        String id = b.call("CLIENT", "ID").substring(1).strip();
        ctl.call("XGROUP", "CREATE", "gx", "g", "$", "MKSTREAM");
        String[][] steps = {
                {"BLPOP k1 0", "CLIENT UNBLOCK " + id},
                {"XREAD BLOCK 0 STREAMS x $", "XADD x 1-1 f v"},
                {"BLMOVE a b LEFT LEFT 0", "RPUSH a v"},
                {"BLMOVE a b LEFT LEFT 0", "CLIENT UNBLOCK " + id + " ERROR"},
                {"WAIT 1 0", "CLIENT UNBLOCK " + id},
                {"XREADGROUP GROUP g c BLOCK 0 STREAMS gx >", "DEL gx"},
                {"BLPOP k2 0.01", null}};
        for (String[] step : steps) {
            b.sendRaw(RespConnection.encode(step[0].split(" ")));
            if (step[1] == null) {
                b.readReply();
                snapshots.add(counters(ctl));
                continue;
            }
            awaitInfo(ctl, "blocked_clients:1\r\n");
            snapshots.add(counters(ctl));
            ctl.call(step[1].split(" "));
            b.readReply();
            snapshots.add(counters(ctl));
        }
        q.call("MULTI");
        q.call("QUIT");
        awaitInfo(ctl, "connected_clients:2\r\n");
        snapshots.add(counters(ctl));
        return snapshots;
    }

    private static Map<String, String> countersAfter(RespConnection c, String scenario) throws IOException {
        c.call("FLUSHALL");
        c.call("CONFIG", "RESETSTAT");
        for (String command : scenario.split(" ; ")) {
            c.call(command.split(" "));
        }
        return counters(c);
    }

    private static Map<String, String> counters(RespConnection c) throws IOException {
        Map<String, String> counters = new TreeMap<>();
        for (String line : info(c, "stats").split("\r\n")) {
            String[] kv = line.split(":", 2);
            if (kv.length == 2 && STATS.contains(kv[0])) {
                counters.put(kv[0], kv[1]);
            }
        }
        for (String line : info(c, "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_") && !line.startsWith("cmdstat_info:")) {
                String[] kv = line.split(":", 2);
                // calls=N,usec=...,usec_per_call=...,rejected_calls=N,failed_calls=N: without the timings.
                counters.put(kv[0], kv[1].replaceAll("usec=[^,]*,usec_per_call=[^,]*,", ""));
            }
        }
        for (String line : info(c, "errorstats").split("\r\n")) {
            String[] kv = line.split(":", 2);
            if (kv.length == 2 && kv[0].startsWith("errorstat_")) {
                counters.put(kv[0], kv[1]);
            }
        }
        // LATENCY HISTOGRAM's count of samples per command (its buckets hold times).
        java.util.regex.Matcher sampled = java.util.regex.Pattern
                .compile("\\$\\d+\r\n([a-z|_-]+)\r\n\\*4\r\n\\$5\r\ncalls\r\n:(\\d+)\r\n")
                .matcher(c.call("LATENCY", "HISTOGRAM"));
        while (sampled.find()) {
            if (!sampled.group(1).equals("info") && !sampled.group(1).equals("latency|histogram")) {
                counters.put("latency_samples_" + sampled.group(1), sampled.group(2));
            }
        }
        // Without the INFO calls themselves, which waiting for a client to block repeats at will.
        java.util.regex.Matcher infoCalls = java.util.regex.Pattern.compile("cmdstat_info:calls=(\\d+)")
                .matcher(info(c, "commandstats"));
        long infos = infoCalls.find() ? Long.parseLong(infoCalls.group(1)) : 0;
        counters.computeIfPresent("total_commands_processed", (k, v) -> Long.toString(Long.parseLong(v) - infos));
        return counters;
    }

    private static void awaitInfo(RespConnection c, String field) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!info(c, "clients").contains(field) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    private static String info(RespConnection c, String section) throws IOException {
        return c.call("INFO", section);
    }
}
