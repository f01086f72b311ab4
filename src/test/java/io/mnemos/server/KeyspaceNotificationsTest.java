package io.mnemos.server;

import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keyspace notifications per command family, expiry and eviction, as Redis's notify.c sends them. */
class KeyspaceNotificationsTest {
    private final CommandHarness h = new CommandHarness();
    private final Client sub = h.newClient();

    private void listen(String flags) {
        h.exec("CONFIG", "SET", "notify-keyspace-events", flags);
        h.exec(sub, "PSUBSCRIBE", "__key*__:*");
    }

    /** The messages the subscriber received since last asked, as "channel payload" strings. */
    private List<String> events() {
        ByteBuf b = sub.reply().take();
        List<String> out = new ArrayList<>();
        if (b == null) {
            return out;
        }
        String text;
        try {
            text = b.toString(StandardCharsets.UTF_8);
        } finally {
            b.release();
        }
        String[] lines = text.split("\r\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals("pmessage")) {
                out.add(lines[i + 4] + " " + lines[i + 6]);
                i += 6;
            }
        }
        return out;
    }

    /** Keyspace-channel events only, as "key:event". */
    private List<String> keyspaceEvents() {
        List<String> out = new ArrayList<>();
        for (String e : events()) {
            if (e.startsWith("__keyspace@")) {
                out.add(e.substring(e.indexOf("__:") + 3).replace(' ', ':'));
            }
        }
        return out;
    }

    @Test
    void nothingIsPublishedWhileNotificationsAreOff() {
        h.exec(sub, "PSUBSCRIBE", "*");
        h.exec("SET", "k", "v");
        h.exec("DEL", "k");
        assertEquals(List.of(), events());
    }

    @Test
    void eachEventGoesToTheKeyspaceAndTheKeyeventChannel() {
        listen("KEA");
        h.exec("SET", "k", "v");
        assertEquals(List.of("__keyspace@0__:k set", "__keyevent@0__:set k"), events());
        h.exec("SELECT", "5");
        h.exec("DEL", "k", "missing");
        assertEquals(List.of(), events());
        h.exec("SET", "k", "v");
        h.exec("DEL", "k");
        assertEquals(List.of("__keyspace@5__:k set", "__keyevent@5__:set k",
                "__keyspace@5__:k del", "__keyevent@5__:del k"), events());
    }

    @Test
    void classesFilterWhatIsSent() {
        listen("El");
        h.exec("SET", "s", "v");
        h.exec("RPUSH", "l", "a");
        assertEquals(List.of("__keyevent@0__:rpush l"), events());
        listen("Kgn");
        h.exec("RPUSH", "l2", "a");
        h.exec("EXPIRE", "l2", "100");
        assertEquals(List.of("l2:new", "l2:expire"), keyspaceEvents());
    }

    @Test
    void stringCommands() {
        listen("KA");
        h.exec("SET", "a", "1", "EX", "100");
        h.exec("SETNX", "a", "2");
        h.exec("INCR", "a");
        h.exec("DECRBY", "a", "2");
        h.exec("INCRBYFLOAT", "a", "0.5");
        h.exec("APPEND", "a", "x");
        h.exec("SETRANGE", "a", "0", "y");
        h.exec("GETEX", "a", "PERSIST");
        h.exec("GETSET", "a", "z");
        h.exec("MSET", "b", "1", "c", "2");
        h.exec("GETDEL", "b");
        assertEquals(List.of("a:set", "a:expire", "a:incrby", "a:incrby", "a:incrbyfloat", "a:append", "a:setrange",
                "a:persist", "a:set", "b:set", "c:set", "b:del"), keyspaceEvents());
    }

    @Test
    void keyCommands() {
        listen("KA");
        h.exec("SET", "a", "1");
        h.exec("PEXPIRE", "a", "100000");
        h.exec("PERSIST", "a");
        h.exec("RENAME", "a", "b");
        h.exec("COPY", "b", "c");
        h.exec("MOVE", "c", "1");
        h.exec("EXPIRE", "b", "-1");
        // move_to is published on db 1's channel.
        assertEquals(List.of("a:set", "a:expire", "a:persist", "a:rename_from", "b:rename_to", "c:copy_to",
                "c:move_from", "c:move_to", "b:del"), keyspaceEvents());
    }

    @Test
    void listCommandsAndTheDeletionOfAnEmptiedList() {
        listen("KA");
        h.exec("RPUSH", "l", "a", "b", "c");
        h.exec("LPUSH", "l", "z");
        h.exec("LSET", "l", "0", "y");
        h.exec("LINSERT", "l", "AFTER", "y", "x");
        h.exec("LREM", "l", "0", "x");
        h.exec("LTRIM", "l", "0", "-1");
        h.exec("LMOVE", "l", "m", "LEFT", "RIGHT");
        h.exec("RPOP", "l", "5");
        assertEquals(List.of("l:rpush", "l:lpush", "l:lset", "l:linsert", "l:lrem", "l:ltrim", "m:rpush", "l:lpop",
                "l:rpop", "l:del"), keyspaceEvents());
    }

    @Test
    void hashCommands() {
        listen("KA");
        h.exec("HSET", "h", "a", "1");
        h.exec("HSETNX", "h", "b", "2");
        h.exec("HINCRBY", "h", "a", "1");
        h.exec("HINCRBYFLOAT", "h", "a", "1.5");
        h.exec("HDEL", "h", "a", "b");
        assertEquals(List.of("h:hset", "h:hset", "h:hincrby", "h:hincrbyfloat", "h:hdel", "h:del"), keyspaceEvents());
    }

    @Test
    void newKeysAndMissesOnlyWhenAskedForByName() {
        listen("KA");
        h.exec("GET", "missing");
        h.exec("SET", "k", "v");
        assertEquals(List.of("k:set"), keyspaceEvents());
        listen("KAnm");
        h.exec("GET", "missing");
        h.exec("SET", "k2", "v");
        assertEquals(List.of("missing:keymiss", "k2:new", "k2:set"), keyspaceEvents());
    }

    @Test
    void lazyExpiryFiresExpiredBeforeTheCommandsOwnEvents() {
        listen("KA");
        h.exec("SET", "k", "v", "PX", "100");
        events();
        h.clock().advance(200);
        h.exec("SET", "k", "new");
        assertEquals(List.of("k:expired", "k:set"), keyspaceEvents());
    }

    @Test
    void activeExpiryFiresExpired() {
        listen("Ex");
        h.exec("SET", "k", "v", "PX", "100");
        h.clock().advance(200);
        h.server().activeExpire().runSlow(10);
        assertEquals(List.of("__keyevent@0__:expired k"), events());
    }

    @Test
    void evictionCanNotifyThroughTheNotifier() {
        listen("KEe");
        h.server().notifier().notify(Notifier.EVICTED, "evicted", "k".getBytes(StandardCharsets.UTF_8), 0);
        h.server().notifier().notify(Notifier.GENERIC, "del", "k".getBytes(StandardCharsets.UTF_8), 0);
        assertEquals(List.of("__keyspace@0__:k evicted", "__keyevent@0__:evicted k"), events());
    }

    @Test
    void aRealShortTtlExpiresThroughTheActiveCycleOverTcp() throws Exception {
        try (RunningServer server = RunningServer.start("--notify-keyspace-events", "Ex");
             RespConnection subscriber = new RespConnection(server.host(), server.port());
             RespConnection client = new RespConnection(server.host(), server.port())) {
            subscriber.call("SUBSCRIBE", "__keyevent@0__:expired");
            assertEquals("+OK\r\n", client.call("SET", "session", "v", "PX", "30"));
            // Nobody touches the key again: only the active expire cycle can remove it.
            assertEquals("*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$7\r\nsession\r\n",
                    subscriber.readReply());
            assertTrue(client.call("INFO", "stats").contains("expired_keys:1\r\n"));
        }
    }
}
