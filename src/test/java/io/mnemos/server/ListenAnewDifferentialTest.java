package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import static io.mnemos.testing.PortScenario.onMnemosAndRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CONFIG SET port and bind at runtime, as Redis 7.0's changeListenPort and changeBindAddr: the
 * server listens on the new port or addresses and stops listening on the old ones, connected
 * clients stay, and a port or address that cannot be bound is refused with Redis's error while the
 * server keeps listening where it was. Each scenario runs against Mnemos and, where redis-server is
 * installed, against Redis, whose observations must be the same.
 */
class ListenAnewDifferentialTest {

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** "listening" or "refused" for a fresh connection to host:port. */
    private static String probe(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2000);
            return "listening";
        } catch (IOException e) {
            return "refused";
        }
    }

    @Test
    void aNewPortIsListenedOnAndTheOldOneClosedWhileConnectedClientsStay() throws Exception {
        int[] next = new int[1];
        List<String> seen = onMnemosAndRedis(port -> {
            next[0] = freePort();
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                out.add(c.call("CONFIG", "SET", "port", Integer.toString(next[0])));
                out.add(c.call("PING"));
                out.add(probe("127.0.0.1", port));
                try (RespConnection moved = new RespConnection("127.0.0.1", next[0])) {
                    String newPort = Integer.toString(next[0]);
                    out.add(moved.call("CONFIG", "GET", "port").equals(
                            "*2\r\n$4\r\nport\r\n$" + newPort.length() + "\r\n" + newPort + "\r\n") ? "port NEW" : "port?");
                    out.add(moved.infoLine("server", "tcp_port").replace(newPort, "NEW"));
                    out.add(moved.call("PING"));
                }
            }
            return out;
        });
        assertEquals(List.of("+OK\r\n", "+PONG\r\n", "refused", "port NEW", "tcp_port:NEW", "+PONG\r\n"), seen);
    }

    @Test
    void aPortThatCannotBeBoundIsRefusedAndTheServerKeepsListening() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                 RespConnection c = new RespConnection("127.0.0.1", port)) {
                String busy = Integer.toString(taken.getLocalPort());
                out.add(c.call("CONFIG", "SET", "port", busy));
                // Several parameters at once: all are restored when one cannot be applied.
                out.add(c.call("CONFIG", "SET", "maxmemory-samples", "9", "port", busy));
                out.add(c.call("CONFIG", "GET", "maxmemory-samples"));
                out.add(c.call("CONFIG", "GET", "port").equals(c.call("CONFIG", "GET", "port")) ? "same" : "changed");
                out.add(probe("127.0.0.1", port));
                out.add(c.call("PING"));
            }
            return out;
        });
        assertEquals(List.of(
                "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
                        + "Check server logs.\r\n",
                "-ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
                        + "Check server logs.\r\n",
                "*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n", "same", "listening", "+PONG\r\n"), seen);
    }

    @Test
    void bindListensOnTheNewAddressesOrRefusesOneThatCannotBeBound() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                // 192.0.2.1 (TEST-NET-1) is no address of this machine.
                out.add(c.call("CONFIG", "SET", "bind", "127.0.0.1 192.0.2.1"));
                out.add(probe("127.0.0.1", port));
                out.add(c.call("CONFIG", "SET", "bind", "127.0.0.2 -::1"));
                out.add(probe("127.0.0.2", port) + " " + probe("127.0.0.1", port));
                out.add(c.call("CONFIG", "GET", "bind"));
                out.add(c.call("PING"));
            }
            return out;
        });
        assertEquals(List.of(
                "-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n",
                "listening", "+OK\r\n", "listening refused", "*2\r\n$4\r\nbind\r\n$14\r\n127.0.0.2 -::1\r\n", "+PONG\r\n"),
                seen);
    }
}
