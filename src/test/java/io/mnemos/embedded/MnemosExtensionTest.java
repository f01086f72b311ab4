package io.mnemos.embedded;

import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class MnemosExtensionTest {

    /** @ExtendWith: fields and parameters are injected; each test starts with an empty server. */
    @Nested
    @ExtendWith(MnemosExtension.class)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Declarative {
        MnemosServer redis;
        @MnemosPort
        int port;

        @Test
        @Order(1)
        void injectsTheServerAndItsPort(MnemosServer parameter, @MnemosPort int portParameter) throws IOException {
            assertNotNull(redis);
            assertSame(redis, parameter);
            assertEquals(redis.port(), port);
            assertEquals(port, portParameter);
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("+OK\r\n", c.call("SET", "left-over", "1"));
            }
        }

        @Test
        @Order(2)
        void theNextTestSeesAnEmptyServer() throws IOException {
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals(":0\r\n", c.call("EXISTS", "left-over"));
            }
        }
    }

    /** @RegisterExtension with configuration; port() is usable from static contexts (Spring's @DynamicPropertySource). */
    @Nested
    class Programmatic {
        @RegisterExtension
        static MnemosExtension mnemos = MnemosExtension.builder().config("maxmemory", "64mb")
                .config("maxmemory-policy", "allkeys-lru").build();

        @Test
        void appliesTheConfiguration() throws IOException {
            try (RespConnection c = new RespConnection(mnemos.host(), mnemos.port())) {
                assertEquals("*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru\r\n",
                        c.call("CONFIG", "GET", "maxmemory-policy"));
            }
        }
    }

    /** serverPerTest(): a new server (new port) for every test. */
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class PerTest {
        @RegisterExtension
        static MnemosExtension mnemos = MnemosExtension.builder().serverPerTest().build();
        static int firstPort;
        static MnemosServer firstServer;

        @Test
        @Order(1)
        void first(MnemosServer redis) {
            firstPort = redis.port();
            firstServer = redis;
        }

        @Test
        @Order(2)
        void second(MnemosServer redis) {
            assertNotEquals(firstServer, redis);
            assertEquals(false, firstServer.isRunning());
            assertNotEquals(0, redis.port());
        }
    }
}
