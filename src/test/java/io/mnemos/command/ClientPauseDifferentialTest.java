package io.mnemos.command;

import io.mnemos.testing.PortScenario;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CLIENT PAUSE WRITE postpones what Redis 7.0 counts as a write: WRITE commands and the
 * may-replicate ones (PUBLISH, SPUBLISH, PFCOUNT, which may rewrite its cache, EVAL, FUNCTION
 * DELETE...), while reads go on. Each command is sent on its own connection during the pause; it
 * either answers or shows up as a blocked client (Redis counts a postponed client as blocked), so
 * no timing decides. After CLIENT UNPAUSE the postponed ones answer too.
 */
class ClientPauseDifferentialTest {
    private static final String[][] COMMANDS = {
        {"PUBLISH", "c", "m"}, {"SPUBLISH", "c", "m"}, {"PFCOUNT", "h"}, {"EVAL", "return 1", "0"},
        {"EVAL_RO", "return 1", "0"}, {"FUNCTION", "DELETE", "nolib"}, {"SORT", "l"}, {"SORT_RO", "l"},
        {"BITFIELD", "b", "GET", "u8", "0"}, {"BITFIELD_RO", "b", "GET", "u8", "0"}, {"GET", "k"}, {"PING"},
        {"SCRIPT", "EXISTS", "x"}, {"EXPIRE", "nokey", "10"}, {"PFDEBUG", "GETREG", "h"}, {"LLEN", "l"},
    };

    private static int blocked(RespConnection admin) throws Exception {
        return Integer.parseInt(admin.infoLine("clients", "blocked_clients").substring("blocked_clients:".length()));
    }

    @Test
    void pauseWritePostponesWritesAndMayReplicateCommandsAsRedis() throws Exception {
        List<String> seen = PortScenario.onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection admin = new RespConnection("127.0.0.1", port)) {
                admin.call("PFADD", "h", "a");
                admin.call("RPUSH", "l", "1");
                admin.call("CLIENT", "PAUSE", "100000", "WRITE");
                List<RespConnection> postponed = new ArrayList<>();
                for (String[] command : COMMANDS) {
                    RespConnection c = new RespConnection("127.0.0.1", port);
                    int before = blocked(admin);
                    c.sendRaw(RespConnection.encode(command));
                    long deadline = System.currentTimeMillis() + 5000;
                    while (!c.hasReplyWaiting() && blocked(admin) == before) {
                        assertTrue(System.currentTimeMillis() < deadline, "no answer and not postponed: " + command[0]);
                        Thread.sleep(2);
                    }
                    if (c.hasReplyWaiting()) {
                        out.add(String.join(" ", command) + " -> " + c.readReply());
                        c.close();
                    } else {
                        out.add(String.join(" ", command) + " postponed");
                        postponed.add(c);
                    }
                }
                admin.call("CLIENT", "UNPAUSE");
                for (RespConnection c : postponed) {
                    out.add("after UNPAUSE -> " + c.readReply());
                    c.close();
                }
            }
            return out;
        });
        assertTrue(seen.contains("PUBLISH c m postponed"), seen.toString());
        assertEquals(seen.size(), COMMANDS.length + seen.stream().filter(s -> s.endsWith("postponed")).count());
    }
}
