package io.mnemos.it;

import io.mnemos.acl.ProtectedMode;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** aclfile, "user" config lines, rename-command and protected mode, through the real server start-up. */
class SecurityConfigIntegrationTest {
    private static final String OK = "+OK\r\n";

    @Test
    void aclSaveAndLoadRoundTripThroughTheAclFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "user default on nopass ~* &* +@all\nuser alice on >pw ~a:* +@read\n");
        try (RunningServer s = RunningServer.start("--aclfile", file.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            String list = c.call("ACL", "LIST");
            assertTrue(list.contains("user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 "
                    + "~a:* resetchannels -@all +@read"), list);
            assertEquals(OK, c.call("ACL", "SETUSER", "bob", "on", "nopass", "+get", "allkeys"));
            assertEquals(OK, c.call("ACL", "SAVE"));
            assertEquals("user alice on #30c952fab122c3f9759f02a6d95c3758b246b4fee239957b2d4fee46e26170c4 ~a:* "
                    + "resetchannels -@all +@read\nuser bob on nopass ~* resetchannels -@all +get\n"
                    + "user default on nopass ~* &* +@all\n", Files.readString(file));

            RespConnection bob = new RespConnection(s.host(), s.port());
            assertEquals(OK, bob.call("AUTH", "bob", "x"));
            Files.writeString(file, "user default on nopass ~* &* +@all\nuser carol on nopass +ping\n");
            assertEquals(OK, c.call("ACL", "LOAD"));
            assertEquals("*2\r\n$5\r\ncarol\r\n$7\r\ndefault\r\n", c.call("ACL", "USERS"));
            assertTrue(bob.closedByServer(), "clients of users gone after ACL LOAD are disconnected");

            Files.writeString(file, "user x on bogus\nfoo\n");
            assertEquals("-ERR " + file + ":1: Syntax error. " + file + ":2 should start with user keyword followed by "
                    + "the username. WARNING: ACL errors detected, no change to the previously active ACL rules was "
                    + "performed\r\n", c.call("ACL", "LOAD"));
            assertEquals("*2\r\n$5\r\ncarol\r\n$7\r\ndefault\r\n", c.call("ACL", "USERS"));
        }
    }

    @Test
    void withoutAnAclFileSaveAndLoadExplain() throws Exception {
        try (RunningServer s = RunningServer.start();
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertTrue(c.call("ACL", "SAVE").startsWith("-ERR This Redis instance is not configured to use an ACL file."));
        }
    }

    @Test
    void usersFromTheConfigFile(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("mnemos.conf");
        Files.writeString(conf, "user alice on >pw ~* +@all\nuser default off\n");
        io.mnemos.server.ServerConfig config = io.mnemos.server.ServerConfig.fromArgs(
                new String[]{conf.toString(), "--port", "0", "--bind", "127.0.0.1"});
        io.mnemos.server.Server server = new io.mnemos.server.Server(config).start();
        try (RespConnection c = new RespConnection("127.0.0.1", server.port())) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("PING"));
            assertEquals("-WRONGPASS invalid username-password pair or user is disabled.\r\n", c.call("AUTH", "x"));
            assertEquals(OK, c.call("AUTH", "alice", "pw"));
            assertEquals("$5\r\nalice\r\n", c.call("ACL", "WHOAMI"));
        } finally {
            server.stop();
        }
    }

    @Test
    void aclFileAndConfigUsersTogetherAreRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RunningServer.start("--aclfile", file.toString(), "--user", "alice", "on"));
        assertTrue(e.getMessage().startsWith("Configuring Redis with users defined in redis.conf and at the same "
                + "setting an ACL file path is invalid."), e.getMessage());
    }

    @Test
    void badUserLinesAreConfigErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningServer.start("--user", "alice", "on", "bogus"));
        assertTrue(e.getMessage().contains("Error in user declaration 'alice': Syntax error"), e.getMessage());
        // Redis quotes the line's word at the index of the bad rule, and an unmatched "(" reads as ENOENT.
        e = assertThrows(IllegalArgumentException.class,
                () -> RunningServer.start("--user", "alice", "on", ">x", "(+get"));
        assertTrue(e.getMessage().contains("Error in user declaration 'on': Unknown command or category name in ACL"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> RunningServer.start("--user", "alice", "on", "--user", "alice", "off"));
        assertTrue(e.getMessage().contains("Error in user declaration 'alice': Duplicate user found. A user can only be "
                + "defined once in config files"), e.getMessage());
    }

    @Test
    void renameCommandMovesOrDisablesCommands() throws Exception {
        try (RunningServer s = RunningServer.start("--rename-command", "flushall", "wipe",
                "--rename-command", "config", "");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("-ERR unknown command 'flushall', with args beginning with: \r\n", c.call("flushall"));
            assertEquals(OK, c.call("wipe"));
            assertEquals("-ERR unknown command 'config', with args beginning with: 'get' 'port' \r\n",
                    c.call("config", "get", "port"));
            assertEquals("-ERR Error in ACL SETUSER modifier '+wipe': Unknown command or category name in ACL\r\n",
                    c.call("ACL", "SETUSER", "u", "+wipe"), "ACL rules use the original names");
            assertEquals(OK, c.call("ACL", "SETUSER", "u", "+flushall"));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RunningServer.start("--rename-command", "nosuch", "x"));
        assertTrue(e.getMessage().endsWith("No such command in rename-command"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RunningServer.start("--rename-command", "get", "set"));
        assertTrue(e.getMessage().endsWith("Target command name already exists"), e.getMessage());
    }

    /** A local non-loopback IPv4 address: connecting to it from this host makes a non-loopback peer. */
    private static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return a;
                }
            }
        }
        return null;
    }

    private static String readUntilClosed(Socket socket) throws Exception {
        socket.setSoTimeout(5000);
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void protectedModeRefusesARealNonLoopbackPeer() throws Exception {
        InetAddress address = nonLoopbackAddress();
        assumeTrue(address != null, "no non-loopback IPv4 address on this machine");
        String ip = address.getHostAddress();
        try (RunningServer s = RunningServer.start("--bind", "127.0.0.1 " + ip)) {
            try (Socket peer = new Socket(address, s.port())) {
                assertEquals(ip, peer.getLocalAddress().getHostAddress(), "the peer really is non-loopback");
                assertEquals(ProtectedMode.DENIED, readUntilClosed(peer));
            }
            try (RespConnection local = new RespConnection("127.0.0.1", s.port())) {
                assertEquals("+PONG\r\n", local.call("PING"), "loopback clients are served");
                assertEquals(OK, local.call("CONFIG", "SET", "requirepass", "pw"));
            }
            try (Socket peer = new Socket(address, s.port())) {
                peer.getOutputStream().write("AUTH pw\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                peer.shutdownOutput();
                assertEquals("+OK\r\n+PONG\r\n", readUntilClosed(peer), "with a password the peer may connect");
            }
            try (RespConnection local = new RespConnection("127.0.0.1", s.port())) {
                local.call("AUTH", "pw");
                assertEquals(OK, local.call("CONFIG", "SET", "requirepass", ""));
                assertEquals(OK, local.call("CONFIG", "SET", "protected-mode", "no"));
            }
            try (Socket peer = new Socket(address, s.port())) {
                peer.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                peer.shutdownOutput();
                assertEquals("+PONG\r\n", readUntilClosed(peer), "protected-mode no lets everyone in");
            }
        }
    }
}
