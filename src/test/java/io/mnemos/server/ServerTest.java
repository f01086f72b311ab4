package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.net.Socket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The running server's connection handling: idle timeouts, stop, clients served independently. */
class ServerTest {
    @Test
    void idleClientsAreClosedAfterTimeoutWhileActiveOnesStay() throws Exception {
        try (RunningServer server = RunningServer.start("--timeout", "1");
             RespConnection idle = new RespConnection(server.host(), server.port());
             RespConnection active = new RespConnection(server.host(), server.port())) {
            assertEquals("+PONG\r\n", idle.call("PING"));
            long deadline = System.currentTimeMillis() + 2600;
            while (System.currentTimeMillis() < deadline) {
                assertEquals("+PONG\r\n", active.call("PING"));
                Thread.sleep(200);
            }
            assertTrue(idle.closedByServer(), "idle client was disconnected");
            assertEquals("+PONG\r\n", active.call("PING"));
        }
    }

    @Test
    void stopClosesTheListenerAndConnections() throws Exception {
        RunningServer server = RunningServer.start();
        int port = server.port();
        RespConnection c = new RespConnection(server.host(), port);
        assertEquals("+PONG\r\n", c.call("PING"));
        server.close();
        assertTrue(c.closedByServer());
        assertThrows(java.io.IOException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void portZeroPicksAFreePortAndReportsIt() {
        try (RunningServer a = RunningServer.start(); RunningServer b = RunningServer.start()) {
            assertTrue(a.port() > 0 && b.port() > 0);
            assertTrue(a.port() != b.port());
        }
    }
}
