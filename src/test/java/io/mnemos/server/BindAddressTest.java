package io.mnemos.server;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BindAddressTest {
    @Test
    void readsRedisBindSyntaxWithOptionalAddressesAndWildcards() {
        assertEquals(List.of(new BindAddress("127.0.0.1", false), new BindAddress("::1", true)),
                BindAddress.parse("127.0.0.1 -::1"));
        assertEquals(List.of(new BindAddress("0.0.0.0", false), new BindAddress("::", true)),
                BindAddress.parse("  * -::*  "));
    }
}
