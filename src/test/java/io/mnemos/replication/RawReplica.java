package io.mnemos.replication;

import io.mnemos.testing.RespConnection;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A replica's raw link to a master (Mnemos or Redis): the RDB framing and the stream as bytes. */
final class RawReplica implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    /** Connects, sends REPLCONF with each pair of {@code replconf}, then SYNC. */
    RawReplica(String host, int port, String... replconf) throws Exception {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        in = new BufferedInputStream(socket.getInputStream());
        for (int i = 0; i < replconf.length; i += 2) {
            send("REPLCONF", replconf[i], replconf[i + 1]);
            assertEquals("+OK", line());
        }
        send("SYNC");
    }

    void send(String... cmd) throws Exception {
        socket.getOutputStream().write(RespConnection.encode(cmd));
    }

    String line() throws Exception {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            assertTrue(c >= 0, "link closed after " + b);
            b.append((char) c);
        }
        return b.toString().stripTrailing();
    }

    /** The RDB's header line, after the newlines a master may send while its BGSAVE runs. */
    String header() throws Exception {
        String line = line();
        while (line.isEmpty()) {
            line = line();
        }
        return line;
    }

    /** The RDB after a header: {@code $<length>}, or {@code $EOF:<mark>} read up to the mark. */
    byte[] rdb(String header) throws Exception {
        if (!header.startsWith("$EOF:")) {
            return in.readNBytes(Integer.parseInt(header.substring(1)));
        }
        byte[] mark = header.substring(5).getBytes(StandardCharsets.US_ASCII);
        byte[] rdb = new byte[1 << 16];
        int length = 0;
        while (length < mark.length || !Arrays.equals(rdb, length - mark.length, length,
                mark, 0, mark.length)) {
            int c = in.read();
            assertTrue(c >= 0, "link closed inside the RDB");
            if (length == rdb.length) {
                rdb = Arrays.copyOf(rdb, length * 2);
            }
            rdb[length++] = (byte) c;
        }
        return Arrays.copyOf(rdb, length - mark.length);
    }

    /** Whether anything arrives within {@code millis}. */
    boolean quietFor(int millis) throws Exception {
        socket.setSoTimeout(millis);
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    byte[] read(int n) throws Exception {
        return in.readNBytes(n);
    }

    @Override
    public void close() throws Exception {
        socket.close();
    }
}
