package io.mnemos.it;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Protected mode against a peer on another host, as far as this machine is concerned: redis-cli runs
 * inside a network namespace joined to the host by a veth pair. Needs root (ip netns); skipped
 * otherwise. The namespace and the veth pair are removed afterwards.
 */
class ProtectedModeNetnsTest {
    private final String ns = "mnemos-pm-" + ProcessHandle.current().pid();
    private final String hostSide = "vmh" + (ProcessHandle.current().pid() % 100000);
    private final String nsSide = "vmn" + (ProcessHandle.current().pid() % 100000);
    private static final String HOST_IP = "10.231.78.1";
    private static final String NS_IP = "10.231.78.2";
    private boolean created;

    private static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, "timeout");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {
    }

    @BeforeEach
    void createNamespace() throws Exception {
        Result add;
        try {
            add = run("ip", "netns", "add", ns);
        } catch (IOException e) {
            add = new Result(-1, e.toString());
        }
        assumeTrue(add.exit() == 0, "cannot create a network namespace (needs root and iproute2): " + add.output());
        created = true;
        List<String[]> steps = new ArrayList<>(List.of(
                new String[]{"ip", "link", "add", hostSide, "type", "veth", "peer", "name", nsSide},
                new String[]{"ip", "link", "set", nsSide, "netns", ns},
                new String[]{"ip", "addr", "add", HOST_IP + "/24", "dev", hostSide},
                new String[]{"ip", "link", "set", hostSide, "up"},
                new String[]{"ip", "netns", "exec", ns, "ip", "addr", "add", NS_IP + "/24", "dev", nsSide},
                new String[]{"ip", "netns", "exec", ns, "ip", "link", "set", nsSide, "up"},
                new String[]{"ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up"}));
        for (String[] step : steps) {
            Result r = run(step);
            assumeTrue(r.exit() == 0, "network setup failed: " + String.join(" ", step) + ": " + r.output());
        }
        assumeTrue(run("ip", "netns", "exec", ns, "redis-cli", "--version").exit() == 0, "redis-cli not on PATH");
    }

    @AfterEach
    void removeNamespace() throws Exception {
        if (created) {
            run("ip", "netns", "del", ns);
            run("ip", "link", "del", hostSide); // normally gone with the namespace
        }
    }

    private Result cliFromNamespace(int port, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, "redis-cli", "-h", HOST_IP,
                "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        return run(cmd.toArray(String[]::new));
    }

    @Test
    void aPeerInAnotherNamespaceIsRefusedUntilThereIsAPassword() throws Exception {
        try (RunningServer s = RunningServer.start("--bind", "127.0.0.1 " + HOST_IP)) {
            Result denied = cliFromNamespace(s.port(), "PING");
            assertTrue(denied.output().startsWith("DENIED Redis is running in protected mode because protected mode is "
                    + "enabled and no password is set for the default user."), denied.output());
            try (RespConnection local = new RespConnection("127.0.0.1", s.port())) {
                assertEquals("+OK\r\n", local.call("ACL", "SETUSER", "remote", "on", ">pw", "+@all", "~*"));
                assertEquals("+OK\r\n", local.call("CONFIG", "SET", "requirepass", "adminpw"));
            }
            Result ok = cliFromNamespace(s.port(), "--no-auth-warning", "--user", "remote", "--pass", "pw", "PING");
            assertEquals("PONG\n", ok.output());
        }
    }
}
