package io.mnemos.command;

import io.mnemos.store.Entry;
import io.mnemos.store.ListValue;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * List commands, reply for reply. Every script runs on Mnemos and, when redis-server is installed,
 * on a real Redis 7.0 too, so each expected string is the reference's.
 */
class ListCommandsTest {
    static final String OK = "+OK\r\n";
    static final String NIL = "$-1\r\n";
    static final String NIL_ARRAY = "*-1\r\n";
    static final String EMPTY = "*0\r\n";
    static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    static final String SYNTAX = "-ERR syntax error\r\n";
    static final String NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
    static final String NOT_POSITIVE = "-ERR value is out of range, must be positive\r\n";


    static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    static String arr(String... elements) {
        return "*" + elements.length + "\r\n" + String.join("", elements);
    }

    static String bulks(String... values) {
        StringBuilder sb = new StringBuilder("*" + values.length + "\r\n");
        for (String v : values) {
            sb.append(bulk(v));
        }
        return sb.toString();
    }

    static String num(long n) {
        return ":" + n + "\r\n";
    }

    static String err(String message) {
        return "-ERR " + message + "\r\n";
    }

    static String arity(String command) {
        return err("wrong number of arguments for '" + command + "' command");
    }

    /** Runs the script on a fresh Mnemos, then on the reference Redis if one is installed. */
    static void verify(ReplyScript script) throws Exception {
        script.verify();
    }

    @Test
    void pushesReturnTheNewLengthAndKeepOrder() throws Exception {
        verify(new ReplyScript()
                .expect(num(3), "RPUSH", "l", "a", "b", "c")
                .expect(num(5), "LPUSH", "l", "x", "y")
                .expect(bulks("y", "x", "a", "b", "c"), "LRANGE", "l", "0", "-1")
                .expect(num(0), "LPUSHX", "nokey", "a")
                .expect(num(0), "RPUSHX", "nokey", "a", "b")
                .expect(num(0), "EXISTS", "nokey")
                .expect(num(6), "RPUSHX", "l", "z")
                .expect(num(8), "LPUSHX", "l", "p", "q")
                .expect(bulks("q", "p", "y", "x", "a", "b", "c", "z"), "LRANGE", "l", "0", "-1")
                .expect(bulk("quicklist"), "OBJECT", "ENCODING", "l")
                .expect("+list\r\n", "TYPE", "l")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LPUSH", "s", "a")
                .expect(WRONGTYPE, "RPUSHX", "s", "a")
                .expect(arity("lpush"), "LPUSH", "l"));
    }

    @Test
    void popsWithAndWithoutCount() throws Exception {
        verify(new ReplyScript()
                .expect(num(5), "RPUSH", "l", "a", "b", "c", "d", "e")
                .expect(bulk("a"), "LPOP", "l")
                .expect(bulk("e"), "RPOP", "l")
                .expect(bulks("b", "c"), "LPOP", "l", "2")
                .expect(EMPTY, "LPOP", "l", "0")
                .expect(NOT_POSITIVE, "LPOP", "l", "-1")
                .expect(NOT_POSITIVE, "RPOP", "l", "abc")
                .expect(arity("lpop"), "LPOP", "l", "1", "2")
                .expect(bulks("d"), "RPOP", "l", "10")
                .expect(num(0), "EXISTS", "l")
                .expect(NIL, "LPOP", "l")
                .expect(NIL_ARRAY, "RPOP", "l", "1")
                .expect(NIL_ARRAY, "LPOP", "l", "0")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LPOP", "s")
                .expect(WRONGTYPE, "RPOP", "s", "0")
                .expect(NOT_POSITIVE, "RPOP", "s", "-1")
                .resp3()
                .expect("_\r\n", "LPOP", "nokey")
                .expect("_\r\n", "LPOP", "nokey", "3"));
    }

    @Test
    void lengthIndexAndRanges() throws Exception {
        verify(new ReplyScript()
                .expect(num(0), "LLEN", "l")
                .expect(num(4), "RPUSH", "l", "a", "b", "c", "d")
                .expect(num(4), "LLEN", "l")
                .expect(bulk("a"), "LINDEX", "l", "0")
                .expect(bulk("d"), "LINDEX", "l", "-1")
                .expect(bulk("a"), "LINDEX", "l", "-4")
                .expect(NIL, "LINDEX", "l", "-5")
                .expect(NIL, "LINDEX", "l", "4")
                .expect(NOT_INTEGER, "LINDEX", "l", "x")
                .expect(NIL, "LINDEX", "nokey", "x")
                .expect(bulks("b", "c"), "LRANGE", "l", "1", "2")
                .expect(bulks("a", "b", "c", "d"), "LRANGE", "l", "-100", "100")
                .expect(bulks("c", "d"), "LRANGE", "l", "-2", "-1")
                .expect(EMPTY, "LRANGE", "l", "3", "1")
                .expect(EMPTY, "LRANGE", "l", "4", "10")
                .expect(EMPTY, "LRANGE", "nokey", "0", "-1")
                .expect(NOT_INTEGER, "LRANGE", "nokey", "a", "1")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LLEN", "s")
                .expect(WRONGTYPE, "LINDEX", "s", "x")
                .expect(WRONGTYPE, "LRANGE", "s", "0", "1")
                .expect(NOT_INTEGER, "LRANGE", "s", "0", "x"));
    }

    @Test
    void lsetReplacesByIndexWithRedisErrors() throws Exception {
        verify(new ReplyScript()
                .expect(err("no such key"), "LSET", "l", "0", "x")
                .expect(num(3), "RPUSH", "l", "a", "b", "c")
                .expect(OK, "LSET", "l", "0", "x")
                .expect(OK, "LSET", "l", "-1", "z")
                .expect(err("index out of range"), "LSET", "l", "3", "y")
                .expect(err("index out of range"), "LSET", "l", "-4", "y")
                .expect(NOT_INTEGER, "LSET", "l", "one", "y")
                .expect(bulks("x", "b", "z"), "LRANGE", "l", "0", "-1")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LSET", "s", "x", "y"));
    }

    @Test
    void linsertFindsThePivotFromTheHead() throws Exception {
        verify(new ReplyScript()
                .expect(num(0), "LINSERT", "l", "BEFORE", "a", "x")
                .expect(num(4), "RPUSH", "l", "a", "b", "a", "c")
                .expect(num(5), "LINSERT", "l", "before", "a", "x")
                .expect(num(6), "LINSERT", "l", "AFTER", "a", "y")
                .expect(num(7), "LINSERT", "l", "after", "c", "z")
                .expect(num(-1), "LINSERT", "l", "BEFORE", "nope", "w")
                .expect(bulks("x", "a", "y", "b", "a", "c", "z"), "LRANGE", "l", "0", "-1")
                .expect(SYNTAX, "LINSERT", "l", "middle", "a", "w")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LINSERT", "s", "BEFORE", "a", "w")
                .expect(SYNTAX, "LINSERT", "s", "between", "a", "w"));
    }

    @Test
    void lremCountsFromEitherEnd() throws Exception {
        verify(new ReplyScript()
                .expect(num(7), "RPUSH", "l", "a", "b", "a", "c", "a", "b", "a")
                .expect(num(2), "LREM", "l", "2", "a")
                .expect(bulks("b", "c", "a", "b", "a"), "LRANGE", "l", "0", "-1")
                .expect(num(1), "LREM", "l", "-1", "b")
                .expect(bulks("b", "c", "a", "a"), "LRANGE", "l", "0", "-1")
                .expect(num(2), "LREM", "l", "0", "a")
                .expect(num(0), "LREM", "l", "0", "zz")
                .expect(num(1), "LREM", "l", "-9223372036854775808", "b")
                .expect(arity("lrem"), "LREM", "l", "0")
                .expect(num(1), "LREM", "l", "0", "c")
                .expect(num(0), "EXISTS", "l")
                .expect(num(0), "LREM", "l", "0", "c")
                .expect(NOT_INTEGER, "LREM", "l", "x", "c")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LREM", "s", "0", "c"));
    }

    @Test
    void ltrimKeepsTheRangeAndDeletesEmptyLists() throws Exception {
        verify(new ReplyScript()
                .expect(OK, "LTRIM", "l", "0", "1")
                .expect(num(5), "RPUSH", "l", "a", "b", "c", "d", "e")
                .expect(OK, "LTRIM", "l", "1", "-2")
                .expect(bulks("b", "c", "d"), "LRANGE", "l", "0", "-1")
                .expect(OK, "LTRIM", "l", "-100", "100")
                .expect(num(3), "LLEN", "l")
                .expect(OK, "LTRIM", "l", "2", "1")
                .expect(num(0), "EXISTS", "l")
                .expect(NOT_INTEGER, "LTRIM", "l", "0", "x")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LTRIM", "s", "0", "1"));
    }

    @Test
    void lposWithRankCountAndMaxlen() throws Exception {
        String rankZero = err("RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                + "or use negative to start from the end of the list");
        verify(new ReplyScript()
                .expect(num(8), "RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c")
                .expect(num(2), "LPOS", "l", "c")
                .expect(num(6), "LPOS", "l", "c", "RANK", "2")
                .expect(num(7), "LPOS", "l", "c", "RANK", "-1")
                .expect(num(6), "LPOS", "l", "c", "RANK", "-2")
                .expect(NIL, "LPOS", "l", "c", "RANK", "4")
                .expect(arr(num(2), num(6)), "LPOS", "l", "c", "COUNT", "2")
                .expect(arr(num(2), num(6), num(7)), "LPOS", "l", "c", "COUNT", "0")
                .expect(arr(num(7), num(6), num(2)), "LPOS", "l", "c", "COUNT", "0", "RANK", "-1")
                .expect(arr(num(6), num(7)), "LPOS", "l", "c", "RANK", "2", "COUNT", "0")
                .expect(NIL, "LPOS", "l", "c", "MAXLEN", "2")
                .expect(num(2), "LPOS", "l", "c", "MAXLEN", "3")
                .expect(arr(num(7), num(6)), "LPOS", "l", "c", "COUNT", "0", "RANK", "-1", "MAXLEN", "3")
                .expect(EMPTY, "LPOS", "l", "zz", "COUNT", "1")
                .expect(num(7), "LPOS", "l", "c", "RANK", "-9223372036854775808")
                .expect(rankZero, "LPOS", "l", "c", "RANK", "0")
                .expect(NOT_INTEGER, "LPOS", "l", "c", "RANK", "x")
                .expect(err("COUNT can't be negative"), "LPOS", "l", "c", "COUNT", "-1")
                .expect(err("COUNT can't be negative"), "LPOS", "l", "c", "COUNT", "x")
                .expect(err("MAXLEN can't be negative"), "LPOS", "l", "c", "MAXLEN", "-1")
                .expect(SYNTAX, "LPOS", "l", "c", "RANK")
                .expect(SYNTAX, "LPOS", "l", "c", "FIRST", "1")
                .expect(NIL, "LPOS", "nokey", "c")
                .expect(EMPTY, "LPOS", "nokey", "c", "COUNT", "0")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LPOS", "s", "c")
                .expect(rankZero, "LPOS", "s", "c", "RANK", "0"));
    }

    @Test
    void lmoveAndRpoplpushMoveOneElement() throws Exception {
        verify(new ReplyScript()
                .expect(num(3), "RPUSH", "src", "a", "b", "c")
                .expect(bulk("c"), "RPOPLPUSH", "src", "dst")
                .expect(bulk("a"), "LMOVE", "src", "dst", "LEFT", "RIGHT")
                .expect(bulks("c", "a"), "LRANGE", "dst", "0", "-1")
                .expect(bulk("c"), "LMOVE", "dst", "dst", "left", "right")
                .expect(bulks("a", "c"), "LRANGE", "dst", "0", "-1")
                .expect(bulk("b"), "LMOVE", "src", "dst", "right", "left")
                .expect(num(0), "EXISTS", "src")
                .expect(NIL, "LMOVE", "src", "dst", "LEFT", "LEFT")
                .expect(NIL, "RPOPLPUSH", "src", "dst")
                .expect(SYNTAX, "LMOVE", "src", "dst", "UP", "LEFT")
                .expect(SYNTAX, "LMOVE", "dst", "src", "LEFT", "DOWN")
                .expect(OK, "SET", "s", "v")
                .expect(NIL, "LMOVE", "src", "s", "LEFT", "LEFT")
                .expect(WRONGTYPE, "LMOVE", "dst", "s", "LEFT", "LEFT")
                .expect(WRONGTYPE, "RPOPLPUSH", "s", "dst")
                .expect(bulks("b", "a", "c"), "LRANGE", "dst", "0", "-1"));
    }

    @Test
    void lmpopPopsFromTheFirstNonEmptyList() throws Exception {
        String numkeys = err("numkeys should be greater than 0");
        String countErr = err("count should be greater than 0");
        verify(new ReplyScript()
                .expect(NIL_ARRAY, "LMPOP", "2", "a", "b", "LEFT")
                .expect(num(3), "RPUSH", "b", "1", "2", "3")
                .expect(arr(bulk("b"), bulks("1")), "LMPOP", "2", "a", "b", "LEFT")
                .expect(arr(bulk("b"), bulks("3", "2")), "LMPOP", "2", "a", "b", "right", "COUNT", "5")
                .expect(num(0), "EXISTS", "b")
                .expect(numkeys, "LMPOP", "0", "a", "LEFT")
                .expect(numkeys, "LMPOP", "-1", "a", "LEFT")
                .expect(numkeys, "LMPOP", "x", "a", "LEFT")
                .expect(SYNTAX, "LMPOP", "2", "a", "LEFT")
                .expect(SYNTAX, "LMPOP", "1", "a", "MIDDLE")
                .expect(countErr, "LMPOP", "1", "a", "LEFT", "COUNT", "0")
                .expect(countErr, "LMPOP", "1", "a", "LEFT", "COUNT", "x")
                .expect(SYNTAX, "LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1")
                .expect(SYNTAX, "LMPOP", "1", "a", "LEFT", "COUNT")
                .expect(arity("lmpop"), "LMPOP", "1", "a")
                .expect(OK, "SET", "s", "v")
                .expect(WRONGTYPE, "LMPOP", "2", "a", "s", "LEFT")
                .expect(num(1), "RPUSH", "a", "x")
                .expect(arr(bulk("a"), bulks("x")), "LMPOP", "2", "a", "s", "LEFT")
                .resp3()
                .expect("_\r\n", "LMPOP", "1", "a", "LEFT"));
    }

    @Test
    void writesCountDirtyAsRedisDoes() {
        CommandHarness h = new CommandHarness();
        long before = h.server().keyspace().stats().dirty;
        h.exec("RPUSH", "l", "a", "b", "c", "a", "d", "e");
        h.exec("LPOP", "l", "2");                // 2
        h.exec("LREM", "l", "0", "a");           // 1
        h.exec("LTRIM", "l", "0", "1");          // 1 (e)
        h.exec("LINSERT", "l", "BEFORE", "c", "x"); // 1
        h.exec("LSET", "l", "0", "y");           // 1
        h.exec("LMOVE", "l", "m", "LEFT", "LEFT"); // 1
        h.exec("LMPOP", "1", "l", "LEFT", "COUNT", "9"); // 2
        h.exec("LPOP", "l", "0");                // 0
        h.exec("LREM", "m", "0", "zz");          // 0
        assertEquals(6 + 2 + 1 + 1 + 1 + 1 + 1 + 2, h.server().keyspace().stats().dirty - before);
    }

    @Test
    void wrongTypeReadsCountAKeyspaceHit() {
        CommandHarness h = new CommandHarness();
        h.exec("SET", "s", "v");
        long hits = h.server().keyspace().stats().hits;
        assertEquals(WRONGTYPE, h.exec("LLEN", "s"));
        assertEquals(WRONGTYPE, h.exec("LRANGE", "s", "0", "1"));
        assertEquals(hits + 2, h.server().keyspace().stats().hits);
    }

    @Test
    void emptiedListsAreDeletedAndCopiesAreDeep() {
        CommandHarness h = new CommandHarness();
        h.exec("RPUSH", "l", "a", "b");
        assertEquals(num(1), h.exec("COPY", "l", "c"));
        h.exec("LSET", "c", "0", "z");
        assertEquals(bulks("a", "b"), h.exec("LRANGE", "l", "0", "-1"));
        h.exec("RPOP", "l", "5");
        assertNull(h.server().keyspace().db(0).lookupQuiet("l".getBytes(StandardCharsets.UTF_8)));
        Entry c = h.server().keyspace().db(0).lookupQuiet("c".getBytes(StandardCharsets.UTF_8));
        assertEquals(2, ((ListValue) c.value()).size());
    }
}
