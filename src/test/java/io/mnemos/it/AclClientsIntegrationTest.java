package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis and Lettuce, unchanged, authenticating with a username (AUTH user pass / HELLO 3 AUTH user pass). */
class AclClientsIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    @BeforeEach
    void createUser() {
        try (Jedis admin = new Jedis(server.host(), server.port())) {
            admin.aclSetUser("app", "reset", "on", ">s3cret", "~app:*", "resetchannels", "+@all", "-@dangerous");
        }
    }

    @AfterEach
    void dropUser() {
        try (Jedis admin = new Jedis(server.host(), server.port())) {
            admin.aclDelUser("app");
            admin.aclLogReset();
        }
    }

    @ParameterizedTest
    @EnumSource(RedisProtocol.class)
    void jedisWithUsername(RedisProtocol protocol) {
        try (Jedis jedis = new Jedis(new HostAndPort(server.host(), server.port()),
                DefaultJedisClientConfig.builder().user("app").password("s3cret").protocol(protocol).build())) {
            assertEquals("app", jedis.aclWhoAmI());
            assertEquals("OK", jedis.set("app:1", "v"));
            assertEquals("v", jedis.get("app:1"));
            JedisDataException key = assertThrows(JedisDataException.class, () -> jedis.set("other", "v"));
            assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments",
                    key.getMessage());
            JedisDataException cmd = assertThrows(JedisDataException.class, jedis::flushAll);
            assertEquals("NOPERM this user has no permissions to run the 'flushall' command", cmd.getMessage());
        }
    }

    @Test
    void jedisWithAWrongPassword() {
        JedisAccessControlException e = assertThrows(JedisAccessControlException.class, () -> {
            try (Jedis jedis = new Jedis(new HostAndPort(server.host(), server.port()),
                    DefaultJedisClientConfig.builder().user("app").password("nope").build())) {
                jedis.ping();
            }
        });
        assertEquals("WRONGPASS invalid username-password pair or user is disabled.", e.getMessage());
        try (Jedis admin = new Jedis(server.host(), server.port())) {
            assertEquals("auth", admin.aclLog().get(0).getReason());
            assertEquals("app", admin.aclLog().get(0).getUsername());
        }
    }

    @ParameterizedTest
    @EnumSource(ProtocolVersion.class)
    void lettuceWithUsername(ProtocolVersion protocol) {
        RedisURI uri = RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withAuthentication("app", "s3cret".toCharArray()).build();
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            var redis = connection.sync();
            assertEquals("OK", redis.set("app:2", "v"));
            assertEquals("v", redis.get("app:2"));
            RedisCommandExecutionException e = assertThrows(RedisCommandExecutionException.class,
                    () -> redis.get("other"));
            assertEquals("NOPERM this user has no permissions to access one of the keys used as arguments",
                    e.getMessage());
            assertEquals("app", redis.aclWhoami());
            assertThrows(RedisCommandExecutionException.class, redis::clientList, "CLIENT LIST is @dangerous");
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void lettuceWithAWrongPasswordCannotConnect() {
        RedisURI uri = RedisURI.builder().withHost(server.host()).withPort(server.port())
                .withAuthentication("app", "nope".toCharArray()).build();
        RedisClient client = RedisClient.create(uri);
        try {
            RedisConnectionException e = assertThrows(RedisConnectionException.class, client::connect);
            assertTrue(String.valueOf(e.getCause()).contains("WRONGPASS"), String.valueOf(e.getCause()));
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
