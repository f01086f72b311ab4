package io.mnemos.command;

import io.mnemos.server.ServerConfig;
import io.mnemos.store.Entry;
import io.mnemos.store.HashValue;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

import static io.mnemos.command.ListCommandsTest.EMPTY;
import static io.mnemos.command.ListCommandsTest.NIL;
import static io.mnemos.command.ListCommandsTest.NOT_INTEGER;
import static io.mnemos.command.ListCommandsTest.OK;
import static io.mnemos.command.ListCommandsTest.SYNTAX;
import static io.mnemos.command.ListCommandsTest.WRONGTYPE;
import static io.mnemos.command.ListCommandsTest.arity;
import static io.mnemos.command.ListCommandsTest.bulk;
import static io.mnemos.command.ListCommandsTest.bulks;
import static io.mnemos.command.ListCommandsTest.err;
import static io.mnemos.command.ListCommandsTest.num;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hash commands, reply for reply. Deterministic scripts run on Mnemos and, when redis-server is
 * installed, on a real Redis 7.0 too; random replies (HRANDFIELD) are checked by shape and membership.
 */
class HashCommandsTest {
    private static final String EMPTY_SCAN = "*2\r\n$1\r\n0\r\n*0\r\n";

    static void verify(ReplyScript script) throws Exception {
        script.verify();
    }

    @Test
    void hsetHmsetHsetnxAndReads() throws Exception {
        verify(new ReplyScript()
                .expect(num(2), "HSET", "h", "a", "1", "b", "2")
                .expect(num(1), "HSET", "h", "a", "10", "c", "3")
                .expect(OK, "HMSET", "h", "d", "4")
                .expect(num(0), "HSETNX", "h", "a", "x")
                .expect(num(1), "HSETNX", "h", "e", "")
                .expect(bulk("10"), "HGET", "h", "a")
                .expect(NIL, "HGET", "h", "zz")
                .expect(NIL, "HGET", "nokey", "a")
                .expect("*3\r\n" + bulk("10") + NIL + bulk(""), "HMGET", "h", "a", "zz", "e")
                .expect("*2\r\n" + NIL + NIL, "HMGET", "nokey", "a", "b")
                .expect(bulks("a", "10", "b", "2", "c", "3", "d", "4", "e", ""), "HGETALL", "h")
                .expect(bulks("a", "b", "c", "d", "e"), "HKEYS", "h")
                .expect(bulks("10", "2", "3", "4", ""), "HVALS", "h")
                .expect(num(5), "HLEN", "h")
                .expect(num(1), "HEXISTS", "h", "a")
                .expect(num(0), "HEXISTS", "h", "zz")
                .expect(num(2), "HSTRLEN", "h", "a")
                .expect(num(0), "HSTRLEN", "h", "zz")
                .expect(num(0), "HSTRLEN", "nokey", "zz")
                .expect(EMPTY, "HGETALL", "nokey")
                .expect(EMPTY, "HKEYS", "nokey")
                .expect(num(0), "HLEN", "nokey")
                .expect(bulk("listpack"), "OBJECT", "ENCODING", "h")
                .expect("+hash\r\n", "TYPE", "h")
                .expect(arity("hset"), "HSET", "h", "a")
                .expect(arity("hset"), "HSET", "h", "a", "1", "b")
                .expect(arity("hmset"), "HMSET", "h", "a", "1", "b")
                .resp3()
                .expect("_\r\n", "HGET", "h", "zz"));
    }

    @Test
    void resp3HgetallIsAMap() throws Exception {
        verify(new ReplyScript()
                .expect(num(2), "HSET", "h", "a", "1", "b", "2")
                .resp3()
                .expect("%2\r\n" + bulk("a") + bulk("1") + bulk("b") + bulk("2"), "HGETALL", "h")
                .expect("%0\r\n", "HGETALL", "nokey"));
    }

    @Test
    void wrongTypeEverywhereAfterArgumentChecks() throws Exception {
        verify(new ReplyScript()
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "HSET", "s", "a", "1")
                .expect(arity("hset"), "HSET", "s", "a", "1", "b")
                .expect(WRONGTYPE, "HSETNX", "s", "a", "1")
                .expect(WRONGTYPE, "HGET", "s", "a")
                .expect(WRONGTYPE, "HMGET", "s", "a")
                .expect(WRONGTYPE, "HGETALL", "s")
                .expect(WRONGTYPE, "HDEL", "s", "a")
                .expect(WRONGTYPE, "HLEN", "s")
                .expect(WRONGTYPE, "HEXISTS", "s", "a")
                .expect(WRONGTYPE, "HSTRLEN", "s", "a")
                .expect(WRONGTYPE, "HINCRBY", "s", "a", "1")
                .expect(NOT_INTEGER, "HINCRBY", "s", "a", "x")
                .expect(WRONGTYPE, "HINCRBYFLOAT", "s", "a", "1")
                .expect(err("value is not a valid float"), "HINCRBYFLOAT", "s", "a", "x")
                .expect(WRONGTYPE, "HRANDFIELD", "s")
                .expect(WRONGTYPE, "HRANDFIELD", "s", "1")
                .expect(NOT_INTEGER, "HRANDFIELD", "s", "x")
                .expect(WRONGTYPE, "HSCAN", "s", "0")
                .expect(err("invalid cursor"), "HSCAN", "s", "x"));
    }

    @Test
    void hdelRemovesFieldsAndEmptyHashes() throws Exception {
        verify(new ReplyScript()
                .expect(num(0), "HDEL", "h", "a")
                .expect(num(3), "HSET", "h", "a", "1", "b", "2", "c", "3")
                .expect(num(2), "HDEL", "h", "a", "zz", "c", "a")
                .expect(bulks("b", "2"), "HGETALL", "h")
                .expect(num(1), "HDEL", "h", "b", "b")
                .expect(num(0), "EXISTS", "h"));
    }

    @Test
    void hincrbyWithRedisErrors() throws Exception {
        verify(new ReplyScript()
                .expect(num(5), "HINCRBY", "h", "n", "5")
                .expect(num(-5), "HINCRBY", "h", "n", "-10")
                .expect(num(1), "HSET", "h", "s", "abc")
                .expect(err("hash value is not an integer"), "HINCRBY", "h", "s", "1")
                .expect(num(1), "HSET", "h", "big", "9223372036854775807")
                .expect(err("increment or decrement would overflow"), "HINCRBY", "h", "big", "1")
                .expect(NOT_INTEGER, "HINCRBY", "h", "n", "1.5")
                .expect(NOT_INTEGER, "HINCRBY", "h", "n", "9223372036854775808")
                .expect(num(1), "HSET", "h", "sp", " 1")
                .expect(err("hash value is not an integer"), "HINCRBY", "h", "sp", "1")
                .expect(bulk("-5"), "HGET", "h", "n"));
    }

    @Test
    void hincrbyfloatFormatsLikeIncrbyfloat() throws Exception {
        verify(new ReplyScript()
                .expect(bulk("10.5"), "HINCRBYFLOAT", "h", "f", "10.5")
                .expect(bulk("10.6"), "HINCRBYFLOAT", "h", "f", "0.1")
                .expect(bulk("5010.60000000000000009"), "HINCRBYFLOAT", "h", "f", "5.0e3")
                .expect(bulk("5026.60000000000000009"), "HINCRBYFLOAT", "h", "f", "0x10")
                .expect(num(1), "HSET", "h", "i", "3")
                .expect(bulk("4.5"), "HINCRBYFLOAT", "h", "i", "1.5")
                .expect(err("value is NaN or Infinity"), "HINCRBYFLOAT", "h", "f", "inf")
                .expect(err("value is not a valid float"), "HINCRBYFLOAT", "h", "f", "abc")
                .expect(err("value is not a valid float"), "HINCRBYFLOAT", "h", "f", "1e5000")
                .expect(num(1), "HSET", "h", "s", "abc")
                .expect(err("hash value is not a float"), "HINCRBYFLOAT", "h", "s", "1")
                .expect(num(1), "HSET", "h", "inf", "inf")
                .expect(err("increment would produce NaN or Infinity"), "HINCRBYFLOAT", "h", "inf", "1"));
    }

    @Test
    void hrandfieldArgumentErrors() throws Exception {
        verify(new ReplyScript()
                .expect(NIL, "HRANDFIELD", "nokey")
                .expect(EMPTY, "HRANDFIELD", "nokey", "3")
                .expect(EMPTY, "HRANDFIELD", "nokey", "-3", "WITHVALUES")
                .expect(SYNTAX, "HRANDFIELD", "nokey", "1", "foo")
                .expect(SYNTAX, "HRANDFIELD", "nokey", "1", "WITHVALUES", "x")
                .expect(NOT_INTEGER, "HRANDFIELD", "nokey", "x")
                .expect(err("value is out of range, value must between -9223372036854775807 and "
                        + "9223372036854775807"), "HRANDFIELD", "nokey", "-9223372036854775808")
                .expect(err("value is out of range"), "HRANDFIELD", "nokey", "9223372036854775807", "WITHVALUES")
                .expect(num(1), "HSET", "h", "a", "1")
                .expect(EMPTY, "HRANDFIELD", "h", "0")
                .expect(bulk("a"), "HRANDFIELD", "h")
                .expect(bulks("a", "a", "a"), "HRANDFIELD", "h", "-3")
                .expect(bulks("a", "1", "a", "1"), "HRANDFIELD", "h", "-2", "withvalues")
                .expect(bulks("a", "1"), "HRANDFIELD", "h", "5", "WITHVALUES")
                .resp3()
                .expect("*2\r\n*2\r\n" + bulk("a") + bulk("1") + "*2\r\n" + bulk("a") + bulk("1"),
                        "HRANDFIELD", "h", "-2", "WITHVALUES")
                .expect("*1\r\n*2\r\n" + bulk("a") + bulk("1"), "HRANDFIELD", "h", "1", "WITHVALUES")
                .expect(bulks("a"), "HRANDFIELD", "h", "1"));
    }

    @Test
    void hrandfieldReturnsDistinctMembersForPositiveCounts() {
        for (String encodingEntries : new String[]{"512", "2"}) {
            ServerConfig config = new ServerConfig();
            config.hashMaxListpackEntries = Long.parseLong(encodingEntries);
            CommandHarness h = new CommandHarness(config);
            for (int i = 0; i < 10; i++) {
                h.exec("HSET", "h", "f" + i, "v" + i);
            }
            for (int round = 0; round < 20; round++) {
                String reply = h.exec("HRANDFIELD", "h", "4", "WITHVALUES");
                String[] lines = reply.split("\r\n");
                assertEquals("*8", lines[0]);
                Set<String> fields = new HashSet<>();
                for (int k = 2; k < lines.length; k += 4) {
                    String field = lines[k];
                    assertTrue(fields.add(field), "duplicate " + field);
                    assertEquals("v" + field.substring(1), lines[k + 2]);
                }
                assertEquals(4, fields.size());
                String negative = h.exec("HRANDFIELD", "h", "-30");
                assertTrue(negative.startsWith("*30\r\n"));
                assertEquals(61, negative.split("\r\n").length);
            }
        }
    }

    @Test
    void hscanOnListpackReturnsEverythingAtOnce() throws Exception {
        verify(new ReplyScript()
                .expect(EMPTY_SCAN, "HSCAN", "nokey", "0")
                .expect(EMPTY_SCAN, "HSCAN", "nokey", "0", "bogus")
                .expect(err("invalid cursor"), "HSCAN", "nokey", "x")
                .expect(num(3), "HSET", "h", "foo", "1", "bar", "2", "fob", "3")
                .expect("*2\r\n$1\r\n0\r\n" + bulks("foo", "1", "bar", "2", "fob", "3"), "HSCAN", "h", "0")
                .expect("*2\r\n$1\r\n0\r\n" + bulks("foo", "1", "fob", "3"), "HSCAN", "h", "0", "MATCH", "fo*", "COUNT", "1")
                .expect("*2\r\n$1\r\n0\r\n" + bulks("foo", "1", "bar", "2", "fob", "3"), "HSCAN", "h", "7")
                .expect(SYNTAX, "HSCAN", "h", "0", "COUNT", "0")
                .expect(NOT_INTEGER, "HSCAN", "h", "0", "COUNT", "x")
                .expect(SYNTAX, "HSCAN", "h", "0", "TYPE", "string")
                .expect(SYNTAX, "HSCAN", "h", "0", "MATCH")
                .expect(arity("hscan"), "HSCAN", "h"));
    }

    @Test
    void hscanOnHashtableVisitsEveryFieldOnce() {
        CommandHarness h = new CommandHarness();
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            h.exec("HSET", "h", "field:" + i, "v");
            expected.add("field:" + i);
        }
        assertEquals(bulk("hashtable"), h.exec("OBJECT", "ENCODING", "h"));
        Set<String> seen = new HashSet<>();
        String cursor = "0";
        int calls = 0;
        do {
            String[] lines = h.exec("HSCAN", "h", cursor, "COUNT", "50").split("\r\n");
            cursor = lines[2];
            for (int k = 5; k < lines.length; k += 4) {
                seen.add(lines[k]);
            }
            calls++;
        } while (!cursor.equals("0"));
        assertEquals(expected, seen);
        assertTrue(calls > 5, "scanned in batches");
    }

    @Test
    void encodingConvertsPastTheListpackLimitsAndNeverBack() throws Exception {
        String longValue = "v".repeat(65);
        ReplyScript script = new ReplyScript()
                .expect(num(1), "HSET", "a", "f", "v".repeat(64))
                .expect(bulk("listpack"), "OBJECT", "ENCODING", "a")
                .expect(num(1), "HSET", "a", "g", longValue)
                .expect(bulk("hashtable"), "OBJECT", "ENCODING", "a")
                .expect(num(1), "HDEL", "a", "g")
                .expect(bulk("hashtable"), "OBJECT", "ENCODING", "a")
                .expect(num(1), "HSETNX", "b", "f".repeat(65), "1")
                .expect(bulk("hashtable"), "OBJECT", "ENCODING", "b")
                .expect(num(1), "HSET", "c", "f", "1")
                .expect(num(0), "HSETNX", "c", "f", longValue)
                .expect(bulk("listpack"), "OBJECT", "ENCODING", "c")
                .expect(num(1), "HINCRBY", "d", "f".repeat(65), "1")
                .expect(bulk("hashtable"), "OBJECT", "ENCODING", "d");
        String[] args = new String[2 + 2 * 512];
        args[0] = "HSET";
        args[1] = "e";
        for (int i = 0; i < 512; i++) {
            args[2 + 2 * i] = "f" + i;
            args[3 + 2 * i] = "v";
        }
        script.expect(num(512), args)
                .expect(bulk("listpack"), "OBJECT", "ENCODING", "e")
                .expect(num(1), "HSET", "e", "one-more", "v")
                .expect(bulk("hashtable"), "OBJECT", "ENCODING", "e");
        verify(script);
    }

    @Test
    void listpackLimitsAreConfigurableUnderTheirOldZiplistAliasesToo() throws Exception {
        ServerConfig config = new ServerConfig();
        assertEquals("512", config.option("hash-max-listpack-entries").get());
        assertEquals("64", config.option("hash-max-ziplist-value").get());
        assertEquals("-2", config.option("list-max-listpack-size").get());
        assertEquals("-2", config.option("list-max-ziplist-size").get());
        assertEquals("0", config.option("list-compress-depth").get());
        config.option("hash-max-ziplist-entries").set("2");
        config.option("hash-max-listpack-value").set("1kb");
        assertEquals("2", config.option("hash-max-listpack-entries").get());
        assertEquals("1024", config.option("hash-max-ziplist-value").get());
        CommandHarness h = new CommandHarness(config);
        assertEquals(num(2), h.exec("HSET", "h", "a", "x".repeat(1000), "b", "2"));
        assertEquals(bulk("listpack"), h.exec("OBJECT", "ENCODING", "h"));
        assertEquals(num(1), h.exec("HSET", "h", "c", "3"));
        assertEquals(bulk("hashtable"), h.exec("OBJECT", "ENCODING", "h"));
    }

    @Test
    void writesCountDirtyAsRedisDoes() {
        CommandHarness h = new CommandHarness();
        long before = h.server().keyspace().stats().dirty;
        h.exec("HSET", "h", "a", "1", "b", "2", "a", "3"); // 3
        h.exec("HMSET", "h", "c", "1");                   // 1
        h.exec("HSETNX", "h", "a", "1");                  // 0
        h.exec("HSETNX", "h", "d", "1");                  // 1
        h.exec("HDEL", "h", "a", "b", "zz");              // 2
        h.exec("HINCRBY", "h", "n", "1");                 // 1
        h.exec("HINCRBYFLOAT", "h", "n", "1.5");          // 1
        h.exec("HINCRBY", "h", "c", "x");                 // 0 (error)
        assertEquals(3 + 1 + 1 + 2 + 1 + 1, h.server().keyspace().stats().dirty - before);
    }

    @Test
    void copiesAreDeep() {
        CommandHarness h = new CommandHarness();
        h.exec("HSET", "h", "a", "1");
        assertEquals(num(1), h.exec("COPY", "h", "c"));
        h.exec("HSET", "c", "a", "2");
        assertEquals(bulk("1"), h.exec("HGET", "h", "a"));
        Entry e = h.server().keyspace().db(0).lookupQuiet("c".getBytes(StandardCharsets.UTF_8));
        assertEquals(1, ((HashValue) e.value()).size());
    }
}
