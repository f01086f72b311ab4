package io.mnemos.acl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Redis 7.0's protected mode (networking.c clientAcceptHandler): with protected-mode yes and a
 * default user without password, only 127.0.0.1 and ::1 may connect, whatever the bind addresses.
 */
public final class ProtectedMode {
    /** The reply a refused client gets before the connection is closed, byte for byte as Redis. */
    public static final String DENIED = "-DENIED Redis is running in protected mode because protected "
            + "mode is enabled and no password is set for the default user. "
            + "In this mode connections are only accepted from the loopback interface. "
            + "If you want to connect from external computers to Redis you "
            + "may adopt one of the following solutions: "
            + "1) Just disable protected mode sending the command "
            + "'CONFIG SET protected-mode no' from the loopback interface "
            + "by connecting to Redis from the same host the server is "
            + "running, however MAKE SURE Redis is not publicly accessible "
            + "from internet if you do so. Use CONFIG REWRITE to make this "
            + "change permanent. "
            + "2) Alternatively you can just disable the protected mode by "
            + "editing the Redis configuration file, and setting the protected "
            + "mode option to 'no', and then restarting the server. "
            + "3) If you started the server manually just for testing, restart "
            + "it with the '--protected-mode no' option. "
            + "4) Setup a an authentication password for the default user. "
            + "NOTE: You only need to do one of the above things in order for "
            + "the server to start accepting connections from the outside.\r\n";

    private ProtectedMode() {
    }

    /** The decision: refuse this peer? {@code peerIp} as Redis prints it ("127.0.0.1", "::1"). */
    public static boolean refuses(boolean protectedMode, boolean defaultUserNopass, String peerIp) {
        return protectedMode && defaultUserNopass && !isLoopback(peerIp);
    }

    /**
     * islocalClient: 127.0.0.1 or ::1. A null peer (no IP: like Redis's Unix socket connections, or
     * an in-process client) counts as local.
     */
    public static boolean isLoopback(String peerIp) {
        return peerIp == null || "127.0.0.1".equals(peerIp) || "::1".equals(peerIp);
    }

    /** The peer's IP in Redis's textual form, or null for a non-IP peer (never refused). */
    public static String peerIp(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            InetAddress a = inet.getAddress();
            return io.netty.util.NetUtil.toAddressString(a);
        }
        return null;
    }
}
