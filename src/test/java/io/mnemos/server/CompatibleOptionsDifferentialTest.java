package io.mnemos.server;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every option of Redis 7.0's config table answers CONFIG GET and CONFIG SET as redis-server 7.0.15
 * does: the same names, the same defaults, the same validation texts, the same values afterwards,
 * whether Mnemos acts on the option or only keeps it (see CompatibleOptions).
 */
class CompatibleOptionsDifferentialTest {
    /**
     * Defaults that differ on purpose or by how the two test servers are started: the bind address
     * (Mnemos binds loopback by default; both run on 127.0.0.1 here), the port, the working directory,
     * DEBUG (enabled for tests), and the option only Mnemos has.
     */
    private static final Set<String> STARTED_DIFFERENTLY = Set.of("bind", "port", "dir", "enable-debug-command",
            "metrics-port");
    /**
     * Values probed on every option of Redis's table, memtoull's edges among them: digits beyond an
     * unsigned long long saturate, a unit's multiplication wraps around, and what lies beyond
     * LLONG_MAX is a negative number to the signed range checks (to maxmemory-clients a percentage).
     * Tiny memory values are left out of maxmemory-clients: Redis would evict this very connection.
     */
    private static final String[] PROBES = {"abc", "-1", "0", "1", "7", "65536", "yes", "NO", "10%", "101%", "1mb",
            "", "default", "save now", "ip", "hostname", "1 2 3", "0 200 2001", "4294967296", "9223372036854775808",
            "99999999999999999999", " 1", "1 ", "50  99", "1\t2", "+5 007 -0", "save  now", "18446744073709551615",
            "18446744073709551516", "18446744073709551515", "18446744073709551615kb", "18446744073709552g",
            "1844674407370955161g", "00012"};

    @Test
    void configGetListsTheNamesAndDefaultsOfRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            Set<String> realNames = names(real.call("CONFIG", "GET", "*"));
            Set<String> ourNames = names(ours.call("CONFIG", "GET", "*"));
            ourNames.remove("metrics-port");
            assertEquals(realNames, ourNames);
            for (String name : realNames) {
                if (!STARTED_DIFFERENTLY.contains(name)) {
                    assertEquals(real.call("CONFIG", "GET", name), ours.call("CONFIG", "GET", name), name);
                }
            }
        }
    }

    @Test
    void everyOptionValidatesAndKeepsValuesAsRedisDoes() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        ServerConfig defaults = new ServerConfig();
        List<String> kept = new ArrayList<>();
        for (String[] row : CompatibleOptions.table()) {
            kept.add(row[0]);
        }
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            int probed = 0;
            List<String> mismatches = new ArrayList<>();
            for (String name : kept) {
                assertTrue(defaults.option(name) != null, name);
                if (STARTED_DIFFERENTLY.contains(name)) {
                    continue;
                }
                for (String value : PROBES) {
                    if (name.equals("maxmemory-clients") && !value.endsWith("%") && !value.equals("0")
                            && !value.startsWith("18446744073709551")) {
                        continue;
                    }
                    String label = "CONFIG SET " + name + " '" + value + "'";
                    String expected = real.call("CONFIG", "SET", name, value);
                    String actual = ours.call("CONFIG", "SET", name, value);
                    if (!expected.equals(actual)) {
                        mismatches.add(label + ": redis " + expected.strip() + " | mnemos " + actual.strip());
                    }
                    expected = real.call("CONFIG", "GET", name);
                    actual = ours.call("CONFIG", "GET", name);
                    if (!expected.equals(actual)) {
                        mismatches.add("after " + label + ": redis " + expected.replace("\r\n", " ")
                                + "| mnemos " + actual.replace("\r\n", " "));
                    }
                    probed++;
                }
            }
            assertEquals("", String.join("\n", mismatches));
            assertTrue(probed > 1000, "probed " + probed);
        }
    }

    private static Set<String> names(String configGetReply) {
        String[] lines = configGetReply.split("\r\n");
        Set<String> names = new TreeSet<>();
        // *N, then $len/name/$len/value pairs: names are every fourth line from the third.
        for (int i = 2; i < lines.length; i += 4) {
            names.add(lines[i]);
        }
        return names;
    }
}
