package io.mnemos.server;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's migrate_cached_sockets: MIGRATE's blocking connections to target servers, kept per
 * host:port so that moving many keys one MIGRATE at a time connects once. At most
 * {@value #MAX_ITEMS} (a random one is dropped for a new one); one idle for {@value #TTL_MS} ms is
 * closed by the cron. Keyspace thread only.
 */
public final class MigrateSockets {
    static final int MAX_ITEMS = 64;
    static final long TTL_MS = 10_000;

    /** A connection, with the database last selected on it (-1: unknown, send SELECT). */
    public static final class Target {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private long lastUse;
        public int lastDbid = -1;

        private Target(Socket socket) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
        }

        /** Writes {@code bytes} within the read/write timeout given when the socket was fetched. */
        public void write(byte[] bytes, int length) throws IOException {
            out.write(bytes, 0, length);
            out.flush();
        }

        /** syncReadLine: one reply line without its CRLF; a timeout throws SocketTimeoutException. */
        public String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed by the target");
                }
                if (b == '\n') {
                    int n = line.length();
                    return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
                }
                line.append((char) b);
            }
        }

        private void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection: nothing left to do
            }
        }
    }

    private final Map<String, Target> cache = new HashMap<>();

    /**
     * migrateGetSocket: the cached connection to {@code host}:{@code port}, or a new one connected
     * within {@code timeoutMs}; reads and writes on it time out after {@code timeoutMs} too.
     */
    public Target get(String host, int port, long timeoutMs) throws IOException {
        String name = host + ":" + port;
        int timeout = (int) Math.min(timeoutMs, Integer.MAX_VALUE);
        Target t = cache.get(name);
        if (t == null) {
            if (cache.size() == MAX_ITEMS) {
                List<String> names = new ArrayList<>(cache.keySet());
                close(names.get(ThreadLocalRandom.current().nextInt(names.size())));
            }
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(host, port), timeout);
                socket.setTcpNoDelay(true);
                t = new Target(socket);
            } catch (IOException | IllegalArgumentException | SecurityException e) {
                socket.close();
                throw e instanceof IOException io ? io : new IOException(e);
            }
            cache.put(name, t);
        }
        t.socket.setSoTimeout(timeout);
        t.lastUse = System.currentTimeMillis();
        return t;
    }

    /** migrateCloseSocket: forgets and closes the connection to host:port, if there is one. */
    public void close(String host, int port) {
        close(host + ":" + port);
    }

    private void close(String name) {
        Target t = cache.remove(name);
        if (t != null) {
            t.close();
        }
    }

    /** migrateCloseTimedoutSockets, from the cron ({@code Long.MAX_VALUE}: all, at shutdown). */
    public void closeIdle(long now) {
        cache.values().removeIf(t -> {
            boolean idle = now - t.lastUse > TTL_MS;
            if (idle) {
                t.close();
            }
            return idle;
        });
    }

    public int size() {
        return cache.size();
    }
}
