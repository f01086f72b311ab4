package io.mnemos.scripting;

import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScriptingCommandsTest {
    private final CommandHarness h = new CommandHarness();

    private static String sha(String body) {
        return LuaEngine.sha1hex(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void aScriptsCommandsAreLoggedInTheSlowlogWithRedissPeerForAClientWithoutConnection() {
        h.exec("CONFIG", "SET", "slowlog-log-slower-than", "0");
        h.exec("EVAL", "redis.call('set', 'z', '1')", "0");
        String log = h.exec("SLOWLOG", "GET", "2");
        // The inner SET (newest first after EVAL itself): argv, then peer "?:0" and an empty name.
        assertTrue(log.contains("$3\r\nset\r\n$1\r\nz\r\n$1\r\n1\r\n$3\r\n?:0\r\n$0\r\n\r\n"), log);
    }

    @Test
    void numbersAreTruncatedToIntegers() {
        assertEquals(":3\r\n", h.exec("EVAL", "return 3.99", "0"));
        assertEquals(":-3\r\n", h.exec("EVAL", "return -3.99", "0"));
    }

    @Test
    void booleansBecomeOneAndNil() {
        assertEquals(":1\r\n", h.exec("EVAL", "return true", "0"));
        assertEquals("$-1\r\n", h.exec("EVAL", "return false", "0"));
        assertEquals("$-1\r\n", h.exec("EVAL", "return nil", "0"));
    }

    @Test
    void tablesStopAtTheFirstNil() {
        assertEquals("*2\r\n:1\r\n$1\r\nb\r\n", h.exec("EVAL", "return {1,'b',nil,4}", "0"));
    }

    @Test
    void aRecursionTooDeepForACoroutinesThreadEndsItWithLuasStackOverflow() {
        // Lua would allow 16384 calls; LuaJ's coroutine thread has Java's default stack.
        String script = "local function f(n) if n == 0 then return 0 end return 1 + f(n-1) end "
                + "local co = coroutine.create(function() return f(100000) end) "
                + "local ok, e = coroutine.resume(co) return {tostring(ok), e, coroutine.status(co)}";
        assertEquals("*3\r\n$5\r\nfalse\r\n$29\r\nuser_script:1: stack overflow\r\n$4\r\ndead\r\n",
                h.exec("EVAL", script, "0"));
        assertEquals(":1\r\n", h.exec("EVAL", "return 1", "0"), "the engine goes on");
    }

    @Test
    void aTableNestedTooDeepEndsInRedissStackLimitError() {
        String reply = h.exec("EVAL", "local t = {}; t[1] = t; return t", "0");
        assertTrue(reply.startsWith("*1\r\n*1\r\n"), reply.substring(0, 20));
        assertTrue(reply.endsWith("*1\r\n-ERR reached lua stack limit\r\n"), reply.substring(reply.length() - 40));
    }

    @Test
    void errAndOkTablesBecomeErrorAndStatusReplies() {
        assertEquals("-boom\r\n", h.exec("EVAL", "return {err='boom'}", "0"));
        assertEquals("+fine\r\n", h.exec("EVAL", "return {ok='fine'}", "0"));
        assertEquals("-MY bad\r\n", h.exec("EVAL", "return redis.error_reply('MY bad')", "0"));
        assertEquals("-ERR bad\r\n", h.exec("EVAL", "return redis.error_reply('bad')", "0"));
    }

    @Test
    void keysAndArgvAreGlobals() {
        assertEquals("*4\r\n$1\r\na\r\n$1\r\nb\r\n:1\r\n:2\r\n",
                h.exec("EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "a", "b", "c"));
    }

    @Test
    void redisCallRunsCommandsAndConvertsReplies() {
        assertEquals("+OK\r\n", h.exec("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "k", "v"));
        assertEquals("$1\r\nv\r\n", h.exec("GET", "k"));
        assertEquals("$-1\r\n", h.exec("EVAL", "return redis.call('get', 'missing')", "0"));
        assertEquals(":1\r\n", h.exec("EVAL", "return redis.call('get', 'missing') == false and 1 or 0", "0"));
    }

    @Test
    void unknownCommandErrorNamesTheScriptAndLine() {
        String s = "return redis.call('nosuch')";
        assertEquals("-ERR Unknown Redis command called from script script: " + sha(s) + ", on @user_script:1.\r\n",
                h.exec("EVAL", s, "0"));
        String multi = "local x = 1\nreturn redis.call('nosuch')";
        assertEquals("-ERR Unknown Redis command called from script script: " + sha(multi)
                + ", on @user_script:2.\r\n", h.exec("EVAL", multi, "0"));
    }

    @Test
    void pcallReturnsTheErrorAsTable() {
        assertEquals("-ERR Unknown Redis command called from script\r\n",
                h.exec("EVAL", "return redis.pcall('nosuch')", "0"));
    }

    @Test
    void globalsAreProtected() {
        String s = "return x";
        assertEquals("-ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: "
                + sha(s) + ", on @user_script:1.\r\n", h.exec("EVAL", s, "0"));
        String w = "x = 1";
        assertEquals("-ERR user_script:1: Attempt to modify a readonly table script: " + sha(w)
                + ", on @user_script:1.\r\n", h.exec("EVAL", w, "0"));
    }

    @Test
    void noscriptForUnknownSha() {
        assertEquals("-NOSCRIPT No matching script. Please use EVAL.\r\n",
                h.exec("EVALSHA", "0123456789012345678901234567890123456789", "0"));
    }

    @Test
    void scriptLoadThenEvalsha() {
        String s = "return 42";
        assertEquals("$40\r\n" + sha(s) + "\r\n", h.exec("SCRIPT", "LOAD", s));
        assertEquals(":42\r\n", h.exec("EVALSHA", sha(s), "0"));
        assertEquals(":42\r\n", h.exec("EVALSHA", sha(s).toUpperCase(), "0"));
        assertEquals("*2\r\n:1\r\n:0\r\n", h.exec("SCRIPT", "EXISTS", sha(s), "ffff"));
        assertEquals("+OK\r\n", h.exec("SCRIPT", "FLUSH"));
        assertEquals("*1\r\n:0\r\n", h.exec("SCRIPT", "EXISTS", sha(s)));
    }

    @Test
    void evalRoRejectsWrites() {
        String s = "return redis.call('set','k','v')";
        assertEquals("-ERR Write commands are not allowed from read-only scripts. script: " + sha(s)
                + ", on @user_script:1.\r\n", h.exec("EVAL_RO", s, "0"));
        assertEquals("-ERR Can not execute a script with write flag using *_ro command.\r\n",
                h.exec("EVAL_RO", "#!lua\nreturn 1", "0"));
        assertEquals(":1\r\n", h.exec("EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"));
    }

    @Test
    void shebangErrors() {
        assertEquals("-ERR Unexpected flag in script shebang: bad\r\n", h.exec("EVAL", "#!lua flags=bad\nreturn 1", "0"));
        assertEquals("-ERR Invalid script shebang\r\n", h.exec("EVAL", "#!lua", "0"));
        assertEquals("-ERR Unexpected engine in script shebang: #!python\r\n", h.exec("EVAL", "#!python\nreturn 1", "0"));
        assertEquals("-ERR Unknown lua shebang option: foo=bar\r\n", h.exec("EVAL", "#!lua foo=bar\nreturn 1", "0"));
    }

    @Test
    void noscriptCommandsAreRefused() {
        String s = "return redis.call('blpop','l',0)";
        assertEquals("-ERR This Redis command is not allowed from script script: " + sha(s)
                + ", on @user_script:1.\r\n", h.exec("EVAL", s, "0"));
    }

    @Test
    void blockingCommandsDoNotBlockInScripts() {
        assertEquals("$-1\r\n", h.exec("EVAL", "return redis.call('blmpop','0','1','nolist','left')", "0"));
    }

    @Test
    void numkeysErrors() {
        assertEquals("-ERR Number of keys can't be greater than number of args\r\n", h.exec("EVAL", "return 1", "5"));
        assertEquals("-ERR Number of keys can't be negative\r\n", h.exec("EVAL", "return 1", "-1"));
        assertEquals("-ERR value is not an integer or out of range\r\n", h.exec("EVAL", "return 1", "x"));
    }

    @Test
    void resp3ConversionsAfterSetresp() {
        assertEquals("$3\r\n3.5\r\n", h.exec("EVAL", "redis.setresp(3); return {double=3.5}", "0"));
        assertEquals("*2\r\n$1\r\na\r\n:1\r\n", h.exec("EVAL", "return {map={a=1}}", "0"));
        h.exec("HELLO", "3");
        assertEquals(",3.5\r\n", h.exec("EVAL", "redis.setresp(3); return {double=3.5}", "0"));
        assertEquals("%1\r\n$1\r\na\r\n:1\r\n", h.exec("EVAL", "return {map={a=1}}", "0"));
        assertEquals("~1\r\n$1\r\na\r\n", h.exec("EVAL", "return {set={a=true}}", "0"));
        assertEquals("(123\r\n", h.exec("EVAL", "return {big_number='123'}", "0"));
        assertEquals("#t\r\n", h.exec("EVAL", "redis.setresp(3); return true", "0"));
        assertEquals(":1\r\n", h.exec("EVAL", "return true", "0"));
        h.exec("HSET", "h", "f", "v");
        assertEquals(":1\r\n", h.exec("EVAL",
                "redis.setresp(3); local r = redis.call('hgetall','h'); return r.map.f == 'v' and 1 or 0", "0"));
    }

    @Test
    void scriptCommandsCountAsDirtyAndStats() {
        long before = h.server().keyspace().stats().dirty;
        h.exec("EVAL", "redis.call('set','a','1'); redis.call('incr','a')", "0");
        assertEquals(before + 2, h.server().keyspace().stats().dirty);
        assertTrue(h.exec("INFO", "commandstats").contains("cmdstat_incr:calls=1"));
    }

    @Test
    void evalInsideMultiWorks() {
        h.exec("MULTI");
        assertEquals("+QUEUED\r\n", h.exec("EVAL", "return redis.call('incr','n')", "0"));
        assertEquals("*1\r\n:1\r\n", h.exec("EXEC"));
    }

    @Test
    void cjsonAndBitLibraries() {
        assertEquals("$15\r\n[1,2,{\"a\":\"b\"}]\r\n", h.exec("EVAL", "return cjson.encode({1,2,{a='b'}})", "0"));
        assertEquals("$1\r\nb\r\n", h.exec("EVAL", "return cjson.decode('[1,{\"a\":\"b\"}]')[2].a", "0"));
        assertEquals(":15\r\n", h.exec("EVAL", "return bit.band(255, 15)", "0"));
    }

    @Test
    void sandboxHasNoFileOrOsAccess() {
        for (String g : new String[]{"os", "io", "loadfile", "dofile", "require", "debug"}) {
            String s = "return " + g;
            assertTrue(h.exec("EVAL", s, "0").contains("Script attempted to access nonexistent global variable '"
                    + g + "'"), g);
        }
    }

    @Test
    void infoReportsCachedScripts() {
        h.exec("SCRIPT", "LOAD", "return 1");
        assertTrue(h.exec("INFO", "memory").contains("number_of_cached_scripts:1\r\n"));
    }
}
