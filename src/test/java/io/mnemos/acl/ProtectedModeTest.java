package io.mnemos.acl;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtectedModeTest {
    @Test
    void refusesNonLoopbackPeersOnlyWhileTheDefaultUserHasNoPassword() {
        assertTrue(ProtectedMode.refuses(true, true, "192.0.2.7"));
        assertTrue(ProtectedMode.refuses(true, true, "2001:db8::1"));
        assertFalse(ProtectedMode.refuses(true, true, "127.0.0.1"));
        assertFalse(ProtectedMode.refuses(true, true, "::1"));
        assertFalse(ProtectedMode.refuses(true, true, null), "a non-IP peer (like a Unix socket) is local");
        assertFalse(ProtectedMode.refuses(true, false, "192.0.2.7"), "a password for the default user lifts it");
        assertFalse(ProtectedMode.refuses(false, true, "192.0.2.7"), "protected-mode no lifts it");
    }

    @Test
    void onlyTheExactLoopbackAddressesCountAsLocalAsInRedis() {
        assertTrue(ProtectedMode.refuses(true, true, "127.0.0.2"));
    }

    @Test
    void peerAddressesAreWrittenAsRedisPrintsThem() throws Exception {
        assertEquals("::1", ProtectedMode.peerIp(new InetSocketAddress(InetAddress.getByName("0:0:0:0:0:0:0:1"), 1)));
        assertEquals("127.0.0.1", ProtectedMode.peerIp(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1)));
    }

    @Test
    void theDeniedTextIsRedisOwnIncludingItsTypo() {
        assertTrue(ProtectedMode.DENIED.startsWith("-DENIED Redis is running in protected mode because protected mode "
                + "is enabled and no password is set for the default user."));
        assertTrue(ProtectedMode.DENIED.contains("4) Setup a an authentication password for the default user. "));
        assertTrue(ProtectedMode.DENIED.endsWith("to start accepting connections from the outside.\r\n"));
    }
}
