package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Replies go straight to the socket while Netty has nothing queued for it, and through Netty's
 * queue once the socket is full: the bytes a client reads are the same, in request order, either
 * way, and other clients are served meanwhile.
 */
class SocketWriterTest {
    /** Below the direct path's 64 KB limit, so each reply first tries the direct send. */
    private static final int VALUE_BYTES = 40_000;
    private static final int ROUNDS = 300;

    @Test
    void repliesStayInOrderWhenTheSocketFillsAndDrains() throws Exception {
        byte[] value = new byte[VALUE_BYTES];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) ('a' + i % 26);
        }
        try (RunningServer server = RunningServer.start();
             RespConnection other = new RespConnection(server.host(), server.port());
             Socket slow = new Socket(server.host(), server.port())) {
            slow.setSoTimeout(30_000);
            OutputStream out = slow.getOutputStream();
            DataInputStream in = new DataInputStream(new BufferedInputStream(slow.getInputStream(), 1 << 16));
            out.write(command("SET", "v", new String(value, StandardCharsets.ISO_8859_1)));
            assertEquals("+OK", line(in));
            // 12 MB of replies to a client that reads nothing yet, one request pair per read (each
            // reply under the direct path's limit): the socket fills, a reply is written in part,
            // and the ones after it wait in Netty's queue until the client reads.
            for (int i = 0; i < ROUNDS; i++) {
                out.write(command("GET", "v"));
                out.write(command("ECHO", Integer.toString(i)));
                out.flush();
                Thread.sleep(1);
            }
            assertEquals("+PONG\r\n", other.call("PING"));
            for (int i = 0; i < ROUNDS; i++) {
                assertEquals("$" + VALUE_BYTES, line(in), "GET header of round " + i);
                byte[] got = new byte[VALUE_BYTES];
                in.readFully(got);
                assertArrayEquals(value, got, "GET payload of round " + i);
                assertEquals("", line(in));
                String echoed = Integer.toString(i);
                assertEquals("$" + echoed.length(), line(in));
                assertEquals(echoed, line(in));
            }
            // Drained: the next reply goes the direct way again.
            out.write(command("PING"));
            out.flush();
            assertEquals("+PONG", line(in));
        }
    }

    private static byte[] command(String... args) {
        StringBuilder sb = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            sb.append('$').append(a.length()).append("\r\n").append(a).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One CRLF-terminated line, without the CRLF. */
    private static String line(DataInputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new java.io.EOFException(line.toString(StandardCharsets.ISO_8859_1));
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        return new String(Arrays.copyOf(bytes, bytes.length - 1), StandardCharsets.ISO_8859_1);
    }
}
