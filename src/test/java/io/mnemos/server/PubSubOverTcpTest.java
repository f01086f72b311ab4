package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Pub/Sub between real connections: delivery, RESP2/RESP3 framing, restrictions, slow subscribers. */
class PubSubOverTcpTest {
    @Test
    void messagesReachAnotherConnectionAtOnce() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection sub = new RespConnection(server.host(), server.port());
             RespConnection pub = new RespConnection(server.host(), server.port())) {
            assertEquals("*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n", sub.call("SUBSCRIBE", "news"));
            assertEquals("*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:2\r\n", sub.call("PSUBSCRIBE", "n*"));
            assertEquals(":2\r\n", pub.call("PUBLISH", "news", "hi"));
            assertEquals("*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n", sub.readReply());
            assertEquals("*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n", sub.readReply());
            assertEquals("*4\r\n$4\r\nnews\r\n:1\r\n$5\r\nother\r\n:0\r\n", pub.call("PUBSUB", "NUMSUB", "news", "other"));
            assertEquals(":1\r\n", pub.call("PUBSUB", "NUMPAT"));
            assertEquals("-ERR Can't execute 'set': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are "
                    + "allowed in this context\r\n", sub.call("SET", "k", "v"));
            assertEquals("*2\r\n$4\r\npong\r\n$0\r\n\r\n", sub.call("PING"));
            assertEquals("+OK\r\n", sub.call("QUIT"));
            assertTrue(sub.closedByServer());
            // The departed subscriber's subscriptions are gone.
            long deadline = System.currentTimeMillis() + 5000;
            while (!pub.call("PUBSUB", "NUMPAT").equals(":0\r\n") && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("*2\r\n$4\r\nnews\r\n:0\r\n", pub.call("PUBSUB", "NUMSUB", "news"));
        }
    }

    @Test
    void resp3SubscribersGetPushFramesAndKeepFullCommandAccess() throws Exception {
        try (RunningServer server = RunningServer.start();
             RespConnection sub = new RespConnection(server.host(), server.port());
             RespConnection pub = new RespConnection(server.host(), server.port())) {
            sub.call("HELLO", "3");
            assertEquals(">3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n", sub.call("SSUBSCRIBE", "s"));
            assertEquals("+OK\r\n", sub.call("SET", "k", "v"));
            assertEquals(":1\r\n", pub.call("SPUBLISH", "s", "m"));
            assertEquals(">3\r\n$8\r\nsmessage\r\n$1\r\ns\r\n$1\r\nm\r\n", sub.readReply());
            assertTrue(pub.call("CLIENT", "LIST").contains(" flags=P db=0 sub=0 psub=0 ssub=1 "));
            assertEquals("+RESET\r\n", sub.call("RESET"));
            assertEquals(":0\r\n", pub.call("SPUBLISH", "s", "m"));
        }
    }

    @Test
    void aSubscriberThatDoesNotReadIsDisconnectedAtTheOutputBufferLimit() throws Exception {
        try (RunningServer server = RunningServer.start("--client-output-buffer-limit", "pubsub 256kb 0 0");
             RespConnection pub = new RespConnection(server.host(), server.port());
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress(server.host(), server.port()));
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            out.write("SUBSCRIBE firehose\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long deadline = System.currentTimeMillis() + 5000;
            while (!pub.call("PUBSUB", "NUMSUB", "firehose").endsWith(":1\r\n") && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            byte[] payload = "x".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
            boolean disconnected = false;
            for (int i = 0; i < 400 && !disconnected; i++) {
                pub.call(new byte[][]{"PUBLISH".getBytes(StandardCharsets.US_ASCII),
                        "firehose".getBytes(StandardCharsets.US_ASCII), payload});
                disconnected = pub.call("PUBSUB", "NUMSUB", "firehose").endsWith(":0\r\n");
            }
            assertTrue(disconnected, "the slow subscriber should have been dropped");
            // What the kernel had already buffered is readable, then the connection ends.
            InputStream in = slow.getInputStream();
            byte[] buf = new byte[65536];
            long read = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                read += n;
            }
            assertEquals(-1, n);
            assertTrue(read < 400L * 100_000, "far less than everything published was delivered: " + read);
            assertEquals("+PONG\r\n", pub.call("PING"));
        }
    }
}
