package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The commands of roles a standalone Redis 7.0 master does not play — cluster node, replica, module
 * host — answered as such a master answers them: CLUSTER/READONLY/READWRITE/ASKING refused with
 * "cluster support disabled", REPLICAOF NO ONE accepted, FAILOVER without replicas, MODULE with no
 * module loaded and its LOAD/UNLOAD protected by enable-module-command; plus RESTORE-ASKING and
 * QUIT's table entry. Every reply and every COMMAND INFO/DOCS entry is compared with a real
 * redis-server byte for byte.
 */
class StandaloneRoleCommandsDifferentialTest {
    private static final String[][] CASES = {
            {"CLUSTER", "INFO"}, {"CLUSTER", "SLOTS"}, {"CLUSTER", "HELP"}, {"CLUSTER", "info", "x"},
            {"CLUSTER", "foo"}, {"CLUSTER"}, {"cluster", "keyslot", "foo"}, {"CLUSTER", "SHARDS"},
            {"CLUSTER", "NODES"}, {"CLUSTER", "MYID"}, {"CLUSTER", "SETSLOT", "1"}, {"CLUSTER", "RESET"},
            {"READONLY"}, {"READWRITE"}, {"ASKING"}, {"READONLY", "x"},
            {"REPLICAOF", "NO", "ONE"}, {"SLAVEOF", "no", "one"}, {"REPLICAOF", "a", "b"}, {"REPLICAOF", "a", "70000"},
            {"REPLICAOF", "no", "two"}, {"REPLICAOF"}, {"REPLICAOF", "a", "-1"},
            {"FAILOVER"}, {"FAILOVER", "ABORT"}, {"FAILOVER", "TO", "h", "1"}, {"FAILOVER", "TO", "h", "x"},
            {"FAILOVER", "TIMEOUT", "0"}, {"FAILOVER", "TIMEOUT", "x"}, {"FAILOVER", "FORCE"}, {"FAILOVER", "foo"},
            {"FAILOVER", "TO", "h"}, {"FAILOVER", "TIMEOUT", "10", "TIMEOUT", "10"}, {"FAILOVER", "ABORT", "x"},
            {"FAILOVER", "FORCE", "FORCE"}, {"FAILOVER", "TIMEOUT", "5", "TO", "h", "1", "FORCE"},
            {"MODULE", "LIST"}, {"MODULE", "HELP"}, {"MODULE", "LOAD", "/x.so"}, {"MODULE", "UNLOAD", "x"},
            {"MODULE", "LOADEX", "/x.so", "CONFIG", "a", "b"}, {"MODULE", "foo"}, {"MODULE"}, {"MODULE", "LIST", "x"},
            {"SET", "k", "v"}, {"RESTORE-ASKING", "k", "0", "x"}, {"RESTORE-ASKING", "k"},
            {"EVAL", "return redis.call('quit')", "0"}, {"EVAL", "return redis.call('cluster', 'info')", "0"},
            {"EVAL", "return redis.call('module', 'list')", "0"},
            {"MULTI"}, {"CLUSTER", "INFO"}, {"REPLICAOF", "NO", "ONE"}, {"EXEC"},
            {"COMMAND", "GETKEYS", "RESTORE-ASKING", "k", "0", "x"},
    };
    /** Containers are compared subcommand by subcommand: Redis lists them in its (seeded) dict order. */
    private static final String[] COMMANDS = {
            "readonly", "readwrite", "asking", "replicaof", "slaveof", "failover", "restore-asking", "quit",
            "module|help", "module|list", "module|load", "module|loadex", "module|unload",
            "cluster|addslots", "cluster|addslotsrange", "cluster|bumpepoch", "cluster|count-failure-reports",
            "cluster|countkeysinslot", "cluster|delslots", "cluster|delslotsrange", "cluster|failover",
            "cluster|flushslots", "cluster|forget", "cluster|getkeysinslot", "cluster|help", "cluster|info",
            "cluster|keyslot", "cluster|links", "cluster|meet", "cluster|myid", "cluster|nodes", "cluster|replicas",
            "cluster|replicate", "cluster|reset", "cluster|saveconfig", "cluster|set-config-epoch", "cluster|setslot",
            "cluster|shards", "cluster|slaves", "cluster|slots",
    };

    @Test
    void repliesAndCommandEntriesMatchAStandaloneRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (String[] request : CASES) {
                assertEquals(real.call(request), ours.call(request), String.join(" ", request));
            }
            for (String name : COMMANDS) {
                assertEquals(real.call("COMMAND", "INFO", name), ours.call("COMMAND", "INFO", name), name);
                assertEquals(real.call("COMMAND", "DOCS", name), ours.call("COMMAND", "DOCS", name), name);
            }
            // With these, Mnemos has every command of Redis 7.0's table (and CLIENT SETINFO of 7.2).
            assertEquals(real.call("COMMAND", "COUNT"), ours.call("COMMAND", "COUNT"));
            java.util.Set<String> redisNames = names(real.call("COMMAND", "LIST"));
            java.util.Set<String> ourNames = names(ours.call("COMMAND", "LIST"));
            java.util.Set<String> missing = new java.util.TreeSet<>(redisNames);
            missing.removeAll(ourNames);
            assertEquals(java.util.Set.of(), missing, "Redis 7.0 commands Mnemos lacks");
            ourNames.removeAll(redisNames);
            assertEquals(java.util.Set.of("client|setinfo"), ourNames, "what Mnemos adds (Redis 7.2's)");
            assertEquals(real.call("QUIT", "extra"), ours.call("QUIT", "extra"));
        }
    }

    @Test
    void moduleLoadWhereAllowedFailsAsForALibraryThatDoesNotLoad() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start("--enable-module-command", "yes");
             RunningServer mnemos = RunningServer.start("--enable-module-command", "yes");
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (String[] request : new String[][]{{"MODULE", "LOAD", "/nonexistent/x.so"},
                    {"MODULE", "LOADEX", "/nonexistent/x.so", "ARGS", "a"}, {"MODULE", "UNLOAD", "x"}}) {
                String reply = ours.call(request);
                assertEquals(real.call(request), reply, String.join(" ", request));
                assertTrue(reply.startsWith("-ERR Error"), reply);
            }
        }
    }

    /** The names of a COMMAND LIST reply. */
    private static java.util.Set<String> names(String reply) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (String line : reply.split("\r\n")) {
            if (!line.startsWith("*") && !line.startsWith("$")) {
                names.add(line);
            }
        }
        return names;
    }
}
