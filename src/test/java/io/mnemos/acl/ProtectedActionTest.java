package io.mnemos.acl;

import io.mnemos.server.ConfigException;
import io.mnemos.server.ServerConfig;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** allowProtectedAction: no refuses everyone, yes admits everyone, local admits 127.0.0.1 and ::1. */
class ProtectedActionTest {
    @Test
    void localAdmitsOnlyLoopbackPeers() {
        assertTrue(ProtectedAction.LOCAL.allows("127.0.0.1"));
        assertTrue(ProtectedAction.LOCAL.allows("::1"));
        assertTrue(ProtectedAction.LOCAL.allows(null), "no IP peer: an in-process client, local as a Unix socket is");
        assertFalse(ProtectedAction.LOCAL.allows("10.0.0.5"));
        assertFalse(ProtectedAction.LOCAL.allows("127.0.0.2"), "Redis compares with 127.0.0.1 exactly");
        assertTrue(ProtectedAction.YES.allows("10.0.0.5"));
        assertFalse(ProtectedAction.NO.allows("127.0.0.1"));
        assertFalse(ProtectedAction.NO.allows(null));
    }

    @Test
    void theThreeSettingsDefaultToNoAndAreStartupOnly() throws Exception {
        ServerConfig defaults = new ServerConfig();
        for (String name : new String[]{"enable-debug-command", "enable-module-command", "enable-protected-configs"}) {
            assertEquals("no", defaults.option(name).get(), name);
            assertFalse(defaults.option(name).mutable(), name);
        }
        ServerConfig set = ServerConfig.fromArgs(new String[]{"--enable-debug-command", "LOCAL",
                "--enable-protected-configs", "yes"});
        assertEquals(ProtectedAction.LOCAL, set.enableDebugCommand);
        assertEquals(ProtectedAction.YES, set.enableProtectedConfigs);
        assertThrows(ConfigException.class, () -> ServerConfig.fromArgs(new String[]{"--enable-debug-command", "maybe"}));
    }
}
