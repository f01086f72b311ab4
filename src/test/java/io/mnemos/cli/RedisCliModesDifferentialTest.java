package io.mnemos.cli;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RedisCli;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * redis-cli's tool modes against a real redis-server 7.0 and against Mnemos holding the same data:
 * the outputs must be equal once what legitimately differs is normalised (timings, ports, byte counts
 * of files whose aux fields differ, memory figures of INFO, the progress lines whose order follows
 * each server's hash order, and LFU counters, which are random by design). Skipped where
 * redis-server or redis-cli is not on the PATH.
 */
@Timeout(120)
class RedisCliModesDifferentialTest {
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:\\d+");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    /**
     * One key of every type whose MEMORY USAGE Redis computes deterministically: no dict caught
     * mid-rehash (at most 4 set members), no skiplist (random node levels), no HyperLogLog (its sds
     * grows greedily).
     */
    private static final String[][] DATASET = {
        {"DEBUG", "POPULATE", "60", "key", "10"},
        {"SET", "bigstr", "a".repeat(80)},
        {"SET", "number", "12345"},
        {"RPUSH", "list", "a", "b", "c", "d", "e"},
        {"RPUSH", "biglist", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"},
        {"SADD", "set", "x", "y", "z"},
        {"SADD", "intset", "1", "2", "3", "4"},
        {"SADD", "single", "member"},
        {"HSET", "hlong", "f".repeat(70), "1.5"},
        {"HSET", "hash", "f1", "v1", "f2", "v2", "f3", "v3"},
        {"HSET", "hbig", "f", "x".repeat(100), "g", "1"},
        {"ZADD", "zset", "1", "a", "2", "b", "3.5", "c"},
        {"XADD", "stream", "1-1", "f", "v"},
        {"XADD", "stream", "1-2", "f", "v"},
    };

    private RealRedis redis;
    private RunningServer mnemos;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        assumeTrue(RedisCli.available(), "redis-cli not on PATH");
        // No diskless sync delay (Redis would wait 5 s for more replicas before a transfer), and no
        // replication PING (every 10 s by default) that --replica would print at a random point.
        String[] flags = {"--maxmemory-policy", "allkeys-lfu", "--repl-diskless-sync-delay", "0",
                "--repl-ping-replica-period", "3600"};
        redis = RealRedis.start(flags[0], flags[1], flags[2], flags[3], flags[4], flags[5],
                "--enable-debug-command", "yes");
        mnemos = RunningServer.start(flags);
        both(DATASET);
    }

    @AfterEach
    void stop() throws Exception {
        if (mnemos != null) {
            mnemos.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private void both(String[]... commands) throws IOException {
        for (int port : ports()) {
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                for (String[] cmd : commands) {
                    c.call(cmd);
                }
            }
        }
    }

    private int[] ports() {
        return new int[]{redis.port(), mnemos.port()};
    }

    /** Runs the same redis-cli command against both and asserts equal normalised outputs and exit codes. */
    private String assertSameOutput(UnaryOperator<String> normalise, String stdin, String... args) throws Exception {
        RedisCli.Result expected = RedisCli.run(redis.port(), stdin, args);
        RedisCli.Result actual = RedisCli.run(mnemos.port(), stdin, args);
        String context = "redis-cli " + String.join(" ", args) + "\nRedis printed:\n" + expected.out();
        assertEquals(normalise.apply(ports(expected.out())), normalise.apply(ports(actual.out())), context);
        assertEquals(expected.exit(), actual.exit(), "exit status of " + context);
        return actual.out();
    }

    private static String ports(String out) {
        return PORT.matcher(out).replaceAll("HOST:PORT");
    }

    /** The summary of --bigkeys/--memkeys/--hotkeys: the progress lines before it follow the scan order. */
    private static String summary(String out) {
        int at = out.indexOf("-------- summary -------");
        return at < 0 ? out : out.substring(at);
    }

    @Test
    void bigkeysSummaryIsRedisOne() throws Exception {
        String out = assertSameOutput(RedisCliModesDifferentialTest::summary, null, "--bigkeys");
        assertTrue(out.contains("Biggest   list found '\"biglist\"' has 12 items"), out);
    }

    @Test
    void memkeysSummaryHasRedisByteCounts() throws Exception {
        String out = assertSameOutput(RedisCliModesDifferentialTest::summary, null, "--memkeys");
        assertTrue(out.contains("Biggest   hash found '\"hbig\"' has"), out);
        assertSameOutput(RedisCliModesDifferentialTest::summary, null, "--memkeys", "--memkeys-samples", "2");
        for (String[] cmd : DATASET) {
            if (!cmd[0].equals("DEBUG")) {
                assertSameOutput(UnaryOperator.identity(), null, "MEMORY", "USAGE", cmd[1], "SAMPLES", "0");
            }
        }
    }

    @Test
    void hotkeysFindsTheHotKeyWithAnLfuPolicyAndExplainsWithoutOne() throws Exception {
        for (int port : ports()) {
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                for (int i = 0; i < 2000; i++) {
                    c.call("GET", "key:7");
                }
            }
        }
        // LFU counters grow with a probability (LFU_LOG_FACTOR): the values are random, the hottest key is not.
        String out = assertSameOutput(s -> {
            String sum = summary(s);
            String[] lines = sum.split("\n");
            return lines[0] + "\n" + lines[1] + "\n" + lines[2] + "\n" + NUMBER.matcher(lines[3]).replaceAll("N");
        }, null, "--hotkeys");
        assertTrue(out.contains("keyname: \"key:7\""), out);
        both(new String[]{"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"});
        assertSameOutput(UnaryOperator.identity(), null, "--hotkeys");
    }

    @Test
    void scanListsTheKeysMatchingThePattern() throws Exception {
        UnaryOperator<String> sorted = s -> String.join("\n", s.lines().sorted().toList());
        String out = assertSameOutput(sorted, null, "--scan", "--pattern", "key:1*");
        assertEquals(11, out.lines().count(), out);
        assertSameOutput(sorted, null, "--scan", "--quoted-pattern", "\"*set\"", "-i", "0.01");
        assertSameOutput(sorted, null, "--scan");
    }

    @Test
    void statPrintsTheSameColumns() throws Exception {
        List<List<String>> outputs = new ArrayList<>();
        for (int port : ports()) {
            try (RedisCli stat = RedisCli.start(port, "--stat", "-i", "0.1")) {
                outputs.add(stat.readLines(3));
            }
        }
        assertEquals(outputs.get(0).subList(0, 2), outputs.get(1).subList(0, 2), "header");
        // keys, mem, clients, blocked, requests (+delta), connections: mem is the server's own estimate
        // and Redis counted one connection more (RealRedis's readiness probe).
        String[] real = outputs.get(0).get(2).trim().split("\\s+");
        String[] ours = outputs.get(1).get(2).trim().split("\\s+");
        assertEquals(real.length, ours.length, outputs.toString());
        assertEquals(List.of(real[0], real[2], real[3], real[4], real[5]),
                List.of(ours[0], ours[2], ours[3], ours[4], ours[5]), outputs.toString());
    }

    @Test
    void latencyModesPrintTheSameFields() throws Exception {
        UnaryOperator<String> timings = s -> NUMBER.matcher(s).replaceAll("N");
        assertSameOutput(timings, null, "--latency", "-i", "0.2", "--raw");
        assertSameOutput(timings, null, "--latency", "-i", "0.2", "--csv");
        List<List<String>> outputs = new ArrayList<>();
        for (int port : ports()) {
            try (RedisCli history = RedisCli.start(port, "--latency-history", "-i", "0.2")) {
                outputs.add(history.readLines(2).stream().map(timings).toList());
            }
        }
        assertEquals(outputs.get(0), outputs.get(1));
    }

    @Test
    void pipeModeCountsRepliesAndReportsErrors() throws Exception {
        StringBuilder mass = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            mass.append("*3\r\n$3\r\nSET\r\n$").append(("p:" + i).length()).append("\r\np:").append(i)
                    .append("\r\n$1\r\nv\r\n");
        }
        String out = assertSameOutput(UnaryOperator.identity(), mass.toString(), "--pipe");
        assertTrue(out.contains("errors: 0, replies: 500"), out);
        String withErrors = "SET a 1\r\nINCR a\r\nLPUSH a x\r\nFOO bar\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\nSET b\r\n";
        out = assertSameOutput(UnaryOperator.identity(), withErrors, "--pipe");
        assertTrue(out.contains("errors: 3, replies: 6"), out);
        assertSameOutput(UnaryOperator.identity(), "SET a 1\r\n*2\r\n$3\r\nGET\r\n$x\r\na\r\n", "--pipe");
    }

    @Test
    void stdinBecomesTheLastArgumentWithX() throws Exception {
        assertSameOutput(UnaryOperator.identity(), "two\nlines", "-x", "SET", "fromstdin");
        assertSameOutput(UnaryOperator.identity(), null, "GET", "fromstdin");
        assertSameOutput(UnaryOperator.identity(), "ab", "-x", "APPEND", "fromstdin");
    }

    /** Replies of every RESP2 and RESP3 type (DEBUG PROTOCOL, Lua's RESP3 conversions, collections). */
    private static final String[][] REPLIES = {
        {"HGETALL", "hash"}, {"SMEMBERS", "intset"}, {"ZRANGE", "zset", "0", "-1", "WITHSCORES"},
        {"ZSCORE", "zset", "c"}, {"GET", "nokey"}, {"LRANGE", "list", "0", "-1"}, {"LRANGE", "nolist", "0", "-1"},
        {"INCR", "counter"}, {"INCRBYFLOAT", "float", "1.5"}, {"XRANGE", "stream", "-", "+"},
        {"SET", "quoted", "a\"b,c\nd\\e"}, {"GET", "quoted"}, {"PING"}, {"NOSUCH", "x"}, {"GET"},
        {"CONFIG", "GET", "maxmemory-policy"}, {"LATENCY", "DOCTOR"},
        {"EVAL", "return {1,'a',{2,'b'},{err='boom'}}", "0"},
        {"EVAL", "return redis.error_reply('My Error')", "0"},
        {"EVAL", "return redis.status_reply('FINE')", "0"},
        {"EVAL", "redis.setresp(3); return redis.call('hgetall','hash')", "0"},
        {"EVAL", "redis.setresp(3); return {double=3.14}", "0"},
        {"EVAL", "redis.setresp(3); return true", "0"},
        {"EVAL", "redis.setresp(3); return false", "0"},
        {"EVAL", "redis.setresp(3); return nil", "0"},
        {"EVAL", "redis.setresp(3); return {big_number='1234567890123456789012345'}", "0"},
        {"DEBUG", "PROTOCOL", "string"}, {"DEBUG", "PROTOCOL", "integer"}, {"DEBUG", "PROTOCOL", "double"},
        {"DEBUG", "PROTOCOL", "bignum"}, {"DEBUG", "PROTOCOL", "null"}, {"DEBUG", "PROTOCOL", "array"},
        {"DEBUG", "PROTOCOL", "set"}, {"DEBUG", "PROTOCOL", "map"}, {"DEBUG", "PROTOCOL", "attrib"},
        {"DEBUG", "PROTOCOL", "push"}, {"DEBUG", "PROTOCOL", "verbatim"}, {"DEBUG", "PROTOCOL", "true"},
        {"DEBUG", "PROTOCOL", "false"},
    };

    @Test
    void everyReplyTypeFormatsAlikeInEveryOutputMode() throws Exception {
        for (String protocol : new String[]{"-2", "-3"}) {
            for (String format : new String[]{"--raw", "--no-raw", "--csv", "--json"}) {
                for (String[] cmd : REPLIES) {
                    String[] args = new String[cmd.length + 2];
                    args[0] = protocol;
                    args[1] = format;
                    System.arraycopy(cmd, 0, args, 2, cmd.length);
                    assertSameOutput(UnaryOperator.identity(), null, args);
                }
            }
        }
    }

    @Test
    void evalOfAScriptFileSplitsKeysFromArguments(@TempDir Path tmp) throws Exception {
        Path script = Files.writeString(tmp.resolve("script.lua"),
                "redis.call('SET', KEYS[1], ARGV[1])\nreturn {KEYS[1], KEYS[2], ARGV[1], ARGV[2], redis.call('GET', KEYS[1])}\n");
        String out = assertSameOutput(UnaryOperator.identity(), null, "--eval", script.toString(), "k1", "k2", ",", "a1", "a2");
        assertEquals("k1\nk2\na1\na2\na1\n", out);
        assertSameOutput(UnaryOperator.identity(), null, "--eval", script.toString(), "k1", "k2,a", "b");
        Path failing = Files.writeString(tmp.resolve("failing.lua"), "return redis.call('nosuch')\n");
        assertSameOutput(UnaryOperator.identity(), null, "--eval", failing.toString());
    }

    @Test
    void repeatRunsTheCommandNTimes() throws Exception {
        String out = assertSameOutput(UnaryOperator.identity(), null, "-r", "3", "-i", "0.01", "INCR", "repeated");
        assertEquals("1\n2\n3\n", out);
        assertSameOutput(UnaryOperator.identity(), null, "-r", "2", "--no-raw", "LRANGE", "list", "0", "1");
    }

    @Test
    void passwordsAndUsersAuthenticateAlike() throws Exception {
        both(new String[]{"ACL", "SETUSER", "bob", "on", ">bobpw", "~*", "+@all"},
                new String[]{"CONFIG", "SET", "requirepass", "sekret"});
        assertSameOutput(UnaryOperator.identity(), null, "-a", "sekret", "PING");
        assertSameOutput(UnaryOperator.identity(), null, "--no-auth-warning", "-a", "sekret", "PING");
        assertSameOutput(UnaryOperator.identity(), null, "--no-auth-warning", "-a", "wrong", "PING");
        assertSameOutput(UnaryOperator.identity(), null, "--user", "bob", "--pass", "bobpw", "ACL", "WHOAMI");
        assertSameOutput(UnaryOperator.identity(), null, "--user", "bob", "--pass", "nope", "ACL", "WHOAMI");
        assertSameOutput(UnaryOperator.identity(), null, "--user", "nobody", "--pass", "x", "PING");
        assertSameOutput(UnaryOperator.identity(), null, "-3", "--no-auth-warning", "-a", "wrong", "PING");
        assertSameOutput(UnaryOperator.identity(), null, "PING");
    }

    @Test
    void rdbAndFunctionsRdbFilesLoadIntoRedis(@TempDir Path tmp) throws Exception {
        both(new String[]{"FUNCTION", "LOAD", "#!lua name=mylib\nredis.register_function('f1', function() return 1 end)"});
        UnaryOperator<String> files = s -> NUMBER.matcher(s.replace(tmp.toString(), "DIR")).replaceAll("N");
        for (String mode : new String[]{"--rdb", "--functions-rdb"}) {
            List<String> digests = new ArrayList<>();
            for (int port : ports()) {
                Path dir = Files.createDirectories(tmp.resolve(mode.substring(2) + port));
                RedisCli.Result out = RedisCli.run(port, null, mode, dir.resolve("dump.rdb").toString());
                digests.add(files.apply(out.out().replace(dir.toString(), "DIR")));
                try (RealRedis loaded = RealRedis.start("--dir", dir.toString(), "--enable-debug-command", "yes");
                     RespConnection c = new RespConnection("127.0.0.1", loaded.port())) {
                    digests.add(c.call("DEBUG", "DIGEST") + c.call("FUNCTION", "LIST"));
                }
            }
            assertEquals(digests.get(0), digests.get(2), mode + " output");
            assertEquals(digests.get(1), digests.get(3), mode + ": the dataset redis-server loads from the file");
        }
    }

    @Test
    void replicaModePrintsTheStreamAfterTheSync() throws Exception {
        List<List<String>> outputs = new ArrayList<>();
        for (int port : ports()) {
            try (RedisCli replica = RedisCli.start(port, "--replica");
                 RespConnection c = new RespConnection("127.0.0.1", port)) {
                List<String> lines = new ArrayList<>(replica.readLines(5));
                c.call("SET", "rk", "rv");
                c.call("SELECT", "2");
                c.call("LPUSH", "l2", "a", "b");
                c.call("SELECT", "0");
                c.call("INCR", "rk2");
                c.call("EVAL", "redis.call('incr','ev')", "0");
                lines.addAll(replica.readLines(6));
                outputs.add(lines.stream().map(l -> l.replaceAll("after \\d+ bytes", "after N bytes")).toList());
            }
        }
        assertEquals(outputs.get(0), outputs.get(1));
        assertEquals("SYNC with master, discarding bytes of bulk transfer until EOF marker...", outputs.get(1).get(2));
    }

    @Test
    void clusterCommandsAgainstAStandaloneServerFailAlike() throws Exception {
        for (String[] cmd : new String[][]{{"check"}, {"info"}, {"fix"}, {"reshard"}, {"rebalance"},
                {"call", null, "PING"}, {"set-timeout", null, "1000"}, {"add-node", null, null},
                {"del-node", null, "abc"}}) {
            List<String> outputs = new ArrayList<>();
            for (int port : ports()) {
                List<String> args = new ArrayList<>(List.of("--cluster", cmd[0]));
                for (int i = 1; i <= Math.max(1, cmd.length - 1); i++) {
                    args.add(i < cmd.length && cmd[i] != null ? cmd[i] : "127.0.0.1:" + port);
                }
                args.add("--cluster-yes");
                outputs.add(ports(RedisCli.output(port, args.toArray(String[]::new))));
            }
            assertEquals(outputs.get(0), outputs.get(1), Arrays.toString(cmd));
            assertTrue(outputs.get(1).contains("is not configured as a cluster node"), outputs.get(1));
        }
    }

    /**
     * Interactive redis-cli on a pseudo-terminal (python3's pty): what it echoes while commands are
     * typed, the argument hints after each command name included.
     */
    private static final String TYPE_ON_A_TERMINAL = """
            import os, pty, select, sys, time
            pid, fd = pty.fork()
            if pid == 0:
                os.environ['TERM'] = 'xterm'
                os.execvp('redis-cli', ['redis-cli', '-p', sys.argv[1]])
            out = b''
            def drain(seconds):
                global out
                end = time.time() + seconds
                while time.time() < end:
                    if select.select([fd], [], [], 0.05)[0]:
                        try:
                            out += os.read(fd, 4096)
                        except OSError:
                            return
            drain(1.0)
            for typed in sys.argv[2:]:
                os.write(fd, typed.encode() + b'\\x15')  # the line, then ^U to erase it
                drain(0.3)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.stdout.write(repr(out))
            """;

    @Test
    void interactiveHintsAreRedisOnes() throws Exception {
        assumeTrue(RedisCli.onPath("python3"), "python3 not on PATH");
        List<String> outputs = new ArrayList<>();
        for (int port : ports()) {
            Process p = new ProcessBuilder("python3", "-c", TYPE_ON_A_TERMINAL, Integer.toString(port),
                    "set k ", "zadd z ", "client kill ", "xadd s ", "geosearch ", "object ", "acl setuser ", "hello ")
                    .redirectErrorStream(true).start();
            outputs.add(ports(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)));
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertEquals(outputs.get(0), outputs.get(1));
        assertTrue(outputs.get(1).contains("FROMMEMBER member|FROMLONLAT longitude latitude"), outputs.get(1));
    }

    @Test
    void monitorPrintsCommandsAlike() throws Exception {
        List<List<String>> outputs = new ArrayList<>();
        for (int port : ports()) {
            try (RedisCli monitor = RedisCli.start(port, "MONITOR")) {
                List<String> lines = new ArrayList<>(monitor.readLines(1));
                RedisCli.run(port, null, "SET", "sp ace", "q\"uote\\x\u0001");
                RedisCli.run(port, null, "EVAL", "redis.call('get','a')", "0");
                RedisCli.run(port, null, "-n", "3", "PING");
                RedisCli.run(port, null, "AUTH", "x");
                lines.addAll(monitor.readLines(6));
                outputs.add(lines.stream()
                        .map(l -> ports(l).replaceFirst("^\\d+\\.\\d{6} ", "T ")).toList());
            }
        }
        assertEquals(outputs.get(0), outputs.get(1));
    }
}
