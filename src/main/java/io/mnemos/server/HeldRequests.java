package io.mnemos.server;

import io.mnemos.protocol.RespBuffer;

import java.util.ArrayDeque;

/**
 * A connection's requests that wait, in arrival order: first the one that blocked (a blocking
 * command, or any command CLIENT PAUSE postpones), then whatever the client sent after it, read as
 * it arrives, as Redis keeps reading a blocked client into its query buffer. Their size counts
 * toward client-query-buffer-limit and the client's memory, as Redis's query buffer does.
 */
final class HeldRequests {
    private final ArrayDeque<byte[][]> requests = new ArrayDeque<>();
    /** The requests after the first, as sent (RESP): the unprocessed part of Redis's query buffer. */
    private long queuedBytes;

    boolean isEmpty() {
        return requests.isEmpty();
    }

    void add(byte[][] argv) {
        if (!requests.isEmpty()) {
            queuedBytes += RespBuffer.commandLength(argv);
        }
        requests.add(argv);
    }

    byte[][] first() {
        return requests.peekFirst();
    }

    /** The first request is done; the next one becomes first. */
    void removeFirst() {
        requests.pollFirst();
        byte[][] next = requests.peekFirst();
        if (next != null) {
            queuedBytes -= RespBuffer.commandLength(next);
        }
    }

    void clear() {
        requests.clear();
        queuedBytes = 0;
    }

    long queuedBytes() {
        return queuedBytes;
    }
}
