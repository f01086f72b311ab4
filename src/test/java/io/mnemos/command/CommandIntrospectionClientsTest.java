package io.mnemos.command;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.models.command.CommandDetail;
import io.lettuce.core.models.command.CommandDetailParser;
import io.lettuce.core.protocol.ProtocolVersion;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.CommandDocument;
import redis.clients.jedis.resps.CommandInfo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis and Lettuce, unchanged, read what COMMAND answers. */
class CommandIntrospectionClientsTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    @Test
    void jedisParsesInfoDocsAndKeys() {
        try (Jedis jedis = new Jedis(server.host(), server.port())) {
            assertEquals(server.server().commandTable().size(), jedis.commandCount());
            CommandInfo info = jedis.commandInfo("command").get("command");
            assertEquals(-1, info.getArity());
            assertEquals(List.of("loading", "stale"), info.getFlags());
            assertEquals(List.of("@slow", "@connection"), info.getAclCategories());
            assertEquals(List.of("nondeterministic_output_order"), info.getTips());
            assertEquals(-4, info.getSubcommands().get("command|getkeys").getArity());
            CommandDocument docs = jedis.commandDocs("shutdown").get("shutdown");
            assertEquals("server", docs.getGroup());
            assertEquals("1.0.0", docs.getSince());
            assertTrue(docs.getHistory().get(0).contains("7.0.0"), docs.getHistory().toString());
            assertEquals(List.of("a"), jedis.commandGetKeys("SET", "a", "b"));
            assertTrue(jedis.commandList().contains("function|list"));
            Map<String, CommandInfo> all = jedis.command();
            assertEquals(server.server().commandTable().size(), all.size());
        }
    }

    @Test
    void lettuceParsesCommandDetails() {
        RedisClient client = RedisClient.create(RedisURI.create(server.host(), server.port()));
        client.setOptions(ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2).build());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            List<CommandDetail> details = CommandDetailParser.parse(connection.sync().command());
            assertEquals(server.server().commandTable().size(), details.size());
            CommandDetail debug = details.stream().filter(d -> d.getName().equals("debug")).findFirst().orElseThrow();
            assertEquals(-2, debug.getArity());
            assertTrue(debug.getFlags().contains(CommandDetail.Flag.ADMIN), debug.toString());
            assertEquals(1, CommandDetailParser.parse(connection.sync().commandInfo("shutdown")).size());
            assertEquals(server.server().commandTable().size(), connection.sync().commandCount());
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
