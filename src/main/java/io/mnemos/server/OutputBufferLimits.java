package io.mnemos.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis's client-output-buffer-limit enforcement ({@code checkClientOutputBufferLimits} and
 * {@code closeClientOnOutputBufferLimitReached} in networking.c), applied on every reply path:
 * after each command of a read batch, after each flush and after each Pub/Sub delivery. A client
 * that never reads cannot make the server buffer more than its class's hard limit, nor more than
 * its soft limit for longer than the soft seconds.
 *
 * <p>The output counted is what Mnemos holds for the client and has not written to the socket: the
 * reply buffer being built plus Netty's outbound buffer of the channel (what the kernel's socket
 * buffer did not take). The soft-limit clock has millisecond resolution where Redis counts whole
 * seconds, so "more than soft seconds" is measured exactly.
 */
public final class OutputBufferLimits {
    private static final Logger log = LoggerFactory.getLogger(OutputBufferLimits.class);

    private OutputBufferLimits() {
    }

    /** getClientType for limit purposes: replica, pubsub when subscribed, normal otherwise. */
    public static int classOf(Client c) {
        if (c.server().replication().isReplica(c)) {
            return ServerConfig.CLIENT_CLASS_REPLICA;
        }
        return c.server().pubsub().subscribed(c) ? ServerConfig.CLIENT_CLASS_PUBSUB : ServerConfig.CLIENT_CLASS_NORMAL;
    }

    /**
     * Redis's checkClientOutputBufferLimits: true when the hard limit is reached, or the soft limit
     * has been continuously reached for more than the soft seconds. Starts and resets the client's
     * soft-limit clock as a side effect, exactly as Redis does.
     */
    public static boolean exceeded(Client c) {
        long[] limit = c.server().config().clientOutputBufferLimits[classOf(c)];
        long hardBytes = limit[0];
        long softBytes = limit[1];
        long softSeconds = limit[2];
        if (hardBytes == 0 && softBytes == 0) {
            c.outputSoftLimitReachedAt(0);
            return false;
        }
        long used = c.outputBufferBytes();
        boolean hard = hardBytes != 0 && used >= hardBytes;
        boolean soft = softBytes != 0 && used >= softBytes;
        if (soft) {
            // Checked after every command: the clock is only read once the soft limit is reached.
            long nowMillis = System.currentTimeMillis();
            long since = c.outputSoftLimitReachedAt();
            if (since == 0) {
                c.outputSoftLimitReachedAt(nowMillis);
                soft = false;
            } else if (nowMillis - since <= softSeconds * 1000) {
                soft = false;
            }
        } else {
            c.outputSoftLimitReachedAt(0);
        }
        return hard || soft;
    }

    /**
     * Redis's closeClientOnOutputBufferLimitReached(c, async): closes the client without a reply
     * when over its limits, logging as Redis does. Returns whether it was closed.
     */
    public static boolean closeIfReached(Client c) {
        if (c.closing()) {
            return false;
        }
        if (!exceeded(c)) {
            return false;
        }
        log.warn("Client {} scheduled to be closed ASAP for overcoming of output buffer limits.",
                io.mnemos.command.ClientCommands.describe(c));
        c.server().stats().clientOutputBufferLimitDisconnections++;
        c.closeAsap();
        return true;
    }
}
