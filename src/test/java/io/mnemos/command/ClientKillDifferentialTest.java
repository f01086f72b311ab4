package io.mnemos.command;

import io.mnemos.testing.PortScenario;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CLIENT KILL frees the other client at once, as Redis's freeClient: a command pipelined right
 * behind the kill already finds it gone from its channels, its watches and its waits.
 */
class ClientKillDifferentialTest {
    @Test
    void aKilledClientIsGoneForTheNextCommandOfTheSameRead() throws Exception {
        List<String> seen = PortScenario.onMnemosAndRedis(port -> {
            try (RespConnection admin = new RespConnection("127.0.0.1", port);
                 RespConnection subscriber = new RespConnection("127.0.0.1", port);
                 RespConnection waiter = new RespConnection("127.0.0.1", port)) {
                String subscriberId = subscriber.call("CLIENT", "ID").substring(1).trim();
                String waiterId = waiter.call("CLIENT", "ID").substring(1).trim();
                subscriber.call("SUBSCRIBE", "ch");
                waiter.sendRaw(RespConnection.encode("BLPOP", "q", "0"));
                while (!admin.infoLine("clients", "blocked_clients").equals("blocked_clients:1")) {
                    Thread.sleep(2);
                }
                ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
                pipeline.writeBytes(RespConnection.encode("CLIENT", "KILL", "ID", subscriberId));
                pipeline.writeBytes(RespConnection.encode("CLIENT", "KILL", "ID", waiterId));
                pipeline.writeBytes(RespConnection.encode("PUBLISH", "ch", "m"));
                pipeline.writeBytes(RespConnection.encode("RPUSH", "q", "x"));
                pipeline.writeBytes(RespConnection.encode("PUBSUB", "NUMSUB", "ch"));
                admin.sendRaw(pipeline.toByteArray());
                return List.of(admin.readReply(), admin.readReply(), admin.readReply(), admin.readReply(),
                        admin.readReply(), admin.call("LLEN", "q"));
            }
        });
        assertEquals(List.of(":1\r\n", ":1\r\n", ":0\r\n", ":1\r\n", "*2\r\n$2\r\nch\r\n:0\r\n", ":1\r\n"), seen);
    }
}
