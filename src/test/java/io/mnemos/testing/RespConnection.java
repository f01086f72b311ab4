package io.mnemos.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A raw TCP connection that sends requests and reads back exactly one RESP reply as its bytes,
 * for byte-for-byte comparisons between Mnemos and real Redis.
 */
public final class RespConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RespConnection(String host, int port) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends one command as a RESP multibulk and returns its raw reply. */
    public String call(String... args) throws IOException {
        out.write(encode(args));
        out.flush();
        return readReply();
    }

    public String call(byte[][] argv) throws IOException {
        out.write(encode(argv));
        out.flush();
        return readReply();
    }

    /** Like {@link #call(String...)} but returns the reply's bytes undecoded, for binary values. */
    public byte[] callBytes(String... args) throws IOException {
        out.write(encode(args));
        out.flush();
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        readValue(reply);
        return reply.toByteArray();
    }

    /** The payload of a raw bulk reply ("$n\r\n...\r\n", as {@link #callBytes} returns it), e.g. a DUMP. */
    public static byte[] bulkPayload(byte[] reply) {
        int i = 0;
        while (reply[i] != '\r') {
            i++;
        }
        int n = Integer.parseInt(new String(reply, 1, i - 1, StandardCharsets.US_ASCII));
        return java.util.Arrays.copyOfRange(reply, i + 2, i + 2 + n);
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A command as a RESP multibulk, each argument in UTF-8. */
    public static byte[] encode(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return encode(argv);
    }

    public static byte[] encode(byte[][] argv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + argv.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (byte[] a : argv) {
            b.writeBytes(("$" + a.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(a);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return b.toByteArray();
    }

    /** Reads one complete reply (any RESP2/RESP3 type, nested), returned verbatim. */
    /** The {@code name:value} line of an INFO section. */
    public String infoLine(String section, String name) throws IOException {
        String info = call("INFO", section);
        int at = info.indexOf("\r\n" + name + ":") + 2;
        if (at < 2) {
            throw new IOException(name + " missing from INFO " + section);
        }
        return info.substring(at, info.indexOf("\r\n", at));
    }

    public String readReply() throws IOException {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        readValue(reply);
        return reply.toString(StandardCharsets.UTF_8);
    }

    /** True if reply bytes have arrived and wait to be read (does not block). */
    public boolean hasReplyWaiting() throws IOException {
        return in.available() > 0;
    }

    /** True if the server closed the connection (reads EOF within the socket timeout). */
    public boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    private void readValue(ByteArrayOutputStream reply) throws IOException {
        String line = readLine(reply);
        char type = line.charAt(0);
        switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> {
            }
            case '$', '=', '!' -> {
                int len = Integer.parseInt(line.substring(1));
                if (len >= 0) {
                    reply.writeBytes(in.readNBytes(len + 2));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n; i++) {
                    readValue(reply);
                }
            }
            case '%', '|' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < 2 * n; i++) {
                    readValue(reply);
                }
            }
            default -> throw new IOException("Unexpected reply type: " + line);
        }
    }

    private String readLine(ByteArrayOutputStream reply) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int prev = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("connection closed");
            }
            reply.write(b);
            if (prev == '\r' && b == '\n') {
                byte[] bytes = line.toByteArray();
                return new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8);
            }
            line.write(b);
            prev = b;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
