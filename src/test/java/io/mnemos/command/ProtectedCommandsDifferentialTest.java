package io.mnemos.command;

import io.mnemos.server.ServerConfig;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Redis 7.0's protected actions: DEBUG runs only as enable-debug-command allows, CONFIG SET of a
 * protected option (dir, dbfilename) only as enable-protected-configs allows; both are no by default
 * and "local" admits loopback clients. Each case is sent to a real redis-server started with the same
 * settings, and the replies must be identical.
 */
class ProtectedCommandsDifferentialTest {
    private static final String[][] DEFAULT_CASES = {
            {"DEBUG", "SLEEP", "0"}, {"DEBUG", "HELP"}, {"debug", "object", "k"}, {"DEBUG"},
            {"CONFIG", "GET", "enable-debug-command"}, {"CONFIG", "GET", "enable-module-command"},
            {"CONFIG", "GET", "enable-protected-configs"},
            {"CONFIG", "SET", "enable-debug-command", "yes"},
            {"CONFIG", "SET", "enable-protected-configs", "local"},
            {"CONFIG", "SET", "dbfilename", "other.rdb"},
            {"CONFIG", "SET", "hz", "11", "dbfilename", "other.rdb"},
            {"CONFIG", "GET", "dbfilename"},
            {"MULTI"}, {"SET", "k", "v"}, {"DEBUG", "SLEEP", "0"}, {"EXEC"}, {"EXISTS", "k"},
            {"EVAL", "return redis.pcall('debug', 'sleep', '0')", "0"},
    };

    @TempDir
    Path dir;

    @Test
    void debugAndProtectedConfigsAreRefusedByDefaultAsInRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start("--enable-debug-command", "no");
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            for (String[] request : DEFAULT_CASES) {
                assertEquals(real.call(request), ours.call(request), String.join(" ", request));
            }
            String refused = ours.call("DEBUG", "SLEEP", "0");
            assertEquals(real.call("DEBUG", "SLEEP", "0"), refused);
            assertTrue(refused.startsWith("-ERR DEBUG command not allowed. If the "
                    + "enable-debug-command option is set to \"local\", you can run it from a local connection"));
            // A refused DEBUG counts as a rejected call of the command, as Redis's rejectCommand counts it
            // (three refused outright, one with the wrong arity, one in MULTI, the call above, and the
            // script's: refused there as a noscript command, which counts as a rejected call too).
            assertEquals(commandStat(real, "debug"), commandStat(ours, "debug"));
            assertTrue(commandStat(ours, "debug").contains("calls=0,rejected_calls=7,"), commandStat(ours, "debug"));
        }
    }

    @Test
    void localAdmitsLoopbackClients() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String[] settings = {"--enable-debug-command", "local", "--enable-protected-configs", "local"};
        try (RealRedis redis = RealRedis.start(settings);
             RunningServer mnemos = RunningServer.start(settings);
             RespConnection real = new RespConnection("127.0.0.1", redis.port());
             RespConnection ours = new RespConnection(mnemos.host(), mnemos.port())) {
            String[][] cases = {
                    {"CONFIG", "GET", "enable-debug-command"}, {"CONFIG", "GET", "enable-protected-configs"},
                    {"DEBUG", "SLEEP", "0"}, {"SET", "k", "v"},
                    {"DEBUG", "OBJECT", "nokey"}, {"CONFIG", "SET", "dbfilename", "other.rdb"},
                    {"CONFIG", "GET", "dbfilename"}, {"CONFIG", "SET", "dir", dir.toString()},
                    {"CONFIG", "SET", "enable-debug-command", "yes"},
            };
            for (String[] request : cases) {
                assertEquals(real.call(request), ours.call(request), String.join(" ", request));
            }
            assertEquals("+OK\r\n", ours.call("DEBUG", "SLEEP", "0"));
        }
    }

    @Test
    void inProcessClientsWithoutAnIpPeerCountAsLocal() {
        ServerConfig config = new ServerConfig();
        CommandHarness refused = new CommandHarness(config);
        assertTrue(refused.exec("DEBUG", "SLEEP", "0").startsWith("-ERR DEBUG command not allowed."));
        ServerConfig local = new ServerConfig();
        local.enableDebugCommand = io.mnemos.acl.ProtectedAction.LOCAL;
        assertEquals("+OK\r\n", new CommandHarness(local).exec("DEBUG", "SLEEP", "0"));
    }

    /** The cmdstat_NAME line of INFO commandstats, without its timings. */
    private static String commandStat(RespConnection c, String name) throws Exception {
        for (String line : c.call("INFO", "commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_" + name + ":")) {
                return line.replaceAll("usec=\\d+,usec_per_call=[0-9.]+,", "");
            }
        }
        return "";
    }
}
