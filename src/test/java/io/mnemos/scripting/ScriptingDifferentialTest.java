package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * EVAL, SCRIPT, FUNCTION and FCALL played on Mnemos and a real redis-server 7.0; every raw reply
 * must be identical: conversions, errors with their script/line suffix, pcall, NOSCRIPT, EVAL_RO,
 * shebang flags, FUNCTION LOAD / LIST / DUMP / RESTORE.
 */
class ScriptingDifferentialTest {
    private static final String LIB = "#!lua name=mylib\n"
            + "redis.register_function('echo', function(keys, args) return {keys[1], args[1]} end)\n"
            + "redis.register_function{function_name='ro', callback=function(keys) return redis.call('get', keys[1]) end,"
            + " flags={'no-writes'}, description='reads'}\n"
            + "redis.register_function('boom', function() error('boom') end)\n"
            + "redis.register_function('bad', function() return redis.call('nosuch') end)\n"
            + "redis.register_function('w', function(keys) return redis.call('set', keys[1], 'x') end)\n";

    private static final String ONE = "#!lua name=onelib\n"
            + "redis.register_function{function_name='only', callback=function() return 1 end,"
            + " flags={'no-writes', 'allow-stale'}, description='the only one'}\n";

    private static final String[][] STEPS = {
        {"FLUSHALL"}, {"SCRIPT", "FLUSH"}, {"FUNCTION", "FLUSH"},
        // Lua -> RESP conversions
        {"EVAL", "return 1", "0"}, {"EVAL", "return 3.99", "0"}, {"EVAL", "return -3.99", "0"},
        {"EVAL", "return 'str'", "0"}, {"EVAL", "return true", "0"}, {"EVAL", "return false", "0"},
        {"EVAL", "return nil", "0"}, {"EVAL", "return {1,2,nil,4}", "0"}, {"EVAL", "return {1,{2,{3,'x'}},true,false}", "0"},
        {"EVAL", "return {err='My Error'}", "0"}, {"EVAL", "return {ok='STATUS'}", "0"},
        {"EVAL", "return {ok='a\\r\\nb'}", "0"}, {"EVAL", "return {}", "0"}, {"EVAL", "return {a=1}", "0"},
        {"EVAL", "return redis.error_reply('CODE msg')", "0"}, {"EVAL", "return redis.error_reply('msg')", "0"},
        {"EVAL", "return redis.error_reply(1)", "0"}, {"EVAL", "return redis.status_reply('PONG')", "0"},
        {"EVAL", "return {double=1.5}", "0"}, {"EVAL", "return {double=0/0}", "0"}, {"EVAL", "return {map={a=1}}", "0"}, {"EVAL", "return {set={a=true}}", "0"},
        {"EVAL", "return {big_number='123456789012345678901234567890'}", "0"},
        {"EVAL", "redis.setresp(3); return true", "0"}, {"EVAL", "redis.setresp(3); return false", "0"},
        {"EVAL", "return {KEYS[1], KEYS[2], ARGV[1], ARGV[2]}", "2", "k1", "k2", "a1", "a2"},
        // RESP -> Lua
        {"SET", "k", "v"}, {"RPUSH", "l", "a", "b"}, {"HSET", "h", "f", "v"},
        {"EVAL", "return redis.call('get', KEYS[1])", "1", "k"}, {"EVAL", "return redis.call('get', 'nokey')", "0"},
        {"EVAL", "return type(redis.call('get', 'nokey'))", "0"}, {"EVAL", "return redis.call('lrange', 'l', 0, -1)", "0"},
        {"EVAL", "return redis.call('incr', 'n')", "0"}, {"EVAL", "return type(redis.call('ping'))", "0"},
        {"EVAL", "return redis.call('ping')", "0"}, {"EVAL", "return redis.call('set', 'num', 3.5)", "0"},
        {"EVAL", "return redis.call('get', 'num')", "0"}, {"EVAL", "return redis.call('set', 'num', 10)", "0"},
        {"EVAL", "redis.call('set', 'num', 0/0); return redis.call('get', 'num')", "0"},
        {"EVAL", "redis.call('set', 'num', 1/0); return redis.call('get', 'num')", "0"},
        {"EVAL", "return redis.call('echo', 0.1)", "0"}, {"EVAL", "return redis.call('echo', -1e300)", "0"},
        {"EVAL", "redis.setresp(3); return redis.call('hgetall', 'h')", "0"},
        {"EVAL", "redis.setresp(3); local r = redis.call('hgetall', 'h'); return r.map.f", "0"},
        {"EVAL", "redis.setresp(3); return redis.call('smembers', 'noset')", "0"},
        // errors
        {"EVAL", "return redis.call('nosuch')", "0"}, {"EVAL", "return redis.pcall('nosuch')", "0"},
        {"EVAL", "redis.call('nosuch')", "0"}, {"EVAL", "local a = 1\nlocal b = 2\nreturn redis.call('lpush', 'k', 'x')", "0"},
        {"EVAL", "return redis.pcall('lpush', 'k', 'x')", "0"}, {"EVAL", "return redis.call('incr')", "0"},
        {"EVAL", "return redis.call()", "0"}, {"EVAL", "return redis.call({})", "0"}, {"EVAL", "return redis.call('get', nil)", "0"},
        {"EVAL", "return redis.call('blpop', 'l', 0)", "0"}, {"EVAL", "return redis.call('eval', 'return 1', 0)", "0"},
        {"EVAL", "return redis.call('subscribe', 'c')", "0"}, {"EVAL", "error('custom')", "0"},
        {"EVAL", "error({err='XYZ custom'})", "0"}, {"EVAL", "return nosuchvar", "0"}, {"EVAL", "newglobal = 1", "0"},
        {"EVAL", "local ok, err = pcall(function() error('x') end); return err", "0"},
        {"EVAL", "local ok, err = pcall(redis.call, 'nosuch'); return err", "0"},
        {"EVAL", "return {pcall(redis.call, 'incr', 'k')}", "0"},
        {"EVAL", "return redis.setresp(4)", "0"}, {"EVAL", "return redis.log(99, 'x')", "0"},
        {"EVAL", "return redis.log('x')", "0"}, {"EVAL", "return redis.set_repl(99)", "0"},
        {"EVAL", "return 1", "2", "a"}, {"EVAL", "return 1", "-1"}, {"EVAL", "return 1", "x"},
        {"EVAL", "return os", "0"}, {"EVAL", "return io", "0"}, {"EVAL", "return loadfile", "0"}, {"EVAL", "return dofile", "0"},
        // misc API
        {"EVAL", "return redis.sha1hex('')", "0"}, {"EVAL", "return redis.REDIS_VERSION", "0"},
        {"EVAL", "return redis.acl_check_cmd()", "0"}, {"EVAL", "return redis.acl_check_cmd('get', 'k')", "0"},
        {"EVAL", "return redis.acl_check_cmd('nosuch')", "0"}, {"EVAL", "return redis.acl_check_cmd({})", "0"},
        {"EVAL", "return {redis.REPL_ALL, redis.REPL_AOF, redis.REPL_REPLICA, redis.REPL_NONE, redis.LOG_WARNING}", "0"},
        // The library tables are read-only: no new field, no replaced one (lua_enablereadonlytable).
        {"EVAL", "redis.call = nil", "0"}, {"EVAL", "redis.x = 1", "0"}, {"EVAL", "cjson.encode = nil", "0"},
        {"EVAL", "cjson.x = 1", "0"}, {"EVAL", "bit.band = nil", "0"}, {"EVAL", "rawset(redis, 'call', 1)", "0"},
        {"EVAL", "return tostring(cjson.null)", "0"}, {"EVAL", "error('boom', 0)", "0"},
        {"EVAL", "local ok, e = pcall(function() error('boom', 0) end); return e", "0"}, {"EVAL", "error('boom', 1)", "0"}, {"EVAL", "return redis.call('ping')", "0"},
        {"EVAL", "return cjson.encode({a={1,2,3}})", "0"}, {"EVAL", "return cjson.decode('{\"a\":[1,2,3]}').a[2]", "0"},
        {"EVAL", "return bit.bxor(5, 3)", "0"}, {"EVAL", "return _VERSION", "0"},
        // script cache and NOSCRIPT
        {"SCRIPT", "LOAD", "return 'cached'"}, {"EVALSHA", "952f49ffc8f7b098d8ab5da45d3164ca36ed18b1", "0"},
        {"SCRIPT", "EXISTS", "952f49ffc8f7b098d8ab5da45d3164ca36ed18b1", "0000000000000000000000000000000000000000"},
        {"EVALSHA", "0000000000000000000000000000000000000000", "0"}, {"EVALSHA", "short", "0"},
        {"SCRIPT", "FLUSH", "bad"}, {"SCRIPT", "KILL"}, {"SCRIPT", "FLUSH", "ASYNC"},
        {"SCRIPT", "EXISTS", "952f49ffc8f7b098d8ab5da45d3164ca36ed18b1"},
        // EVAL_RO and shebang flags
        {"EVAL_RO", "return redis.call('get', 'k')", "1", "k"}, {"EVAL_RO", "return redis.call('set', 'k', 'v')", "1", "k"},
        // PUBLISH and PFCOUNT may replicate: a read-only script counts them as writes.
        {"EVAL_RO", "return redis.call('publish', 'c', 'm')", "0"}, {"EVAL_RO", "return redis.call('pfcount', 'h')", "1", "h"},
        {"EVAL", "#!lua flags=no-writes\nreturn redis.call('publish', 'c', 'm')", "0"},
        {"EVAL_RO", "#!lua\nreturn 1", "0"}, {"EVAL_RO", "#!lua flags=no-writes\nreturn redis.call('get','k')", "0"},
        {"EVAL", "#!lua flags=no-writes\nreturn redis.call('set','k','v')", "0"}, {"EVAL", "#!lua flags=bad\nreturn 1", "0"},
        {"EVAL", "#!lua", "0"}, {"EVAL", "#!other\nreturn 1", "0"}, {"EVAL", "#!lua x=y\nreturn 1", "0"},
        {"EVAL", "#!lua flags=allow-oom,no-writes\nreturn 2", "0"},
        // functions
        {"FUNCTION", "LOAD", LIB}, {"FUNCTION", "LOAD", LIB}, {"FCALL", "echo", "1", "k", "a"},
        {"FCALL", "ro", "1", "k"}, {"FCALL_RO", "ro", "1", "k"}, {"FCALL_RO", "w", "1", "k"}, {"FCALL", "boom", "0"},
        {"FCALL", "bad", "0"}, {"FCALL", "nosuch", "0"}, {"FCALL", "echo", "x"}, {"FCALL", "echo", "3"},
        // (Redis lists a library's functions in hash order, random per process: list one-function libraries)
        {"FUNCTION", "LOAD", ONE}, {"FUNCTION", "LIST", "LIBRARYNAME", "one*"},
        {"FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "onelib"}, {"FUNCTION", "LIST", "LIBRARYNAME", "onelib", "WITHCODE"},
        {"FUNCTION", "LIST", "LIBRARYNAME", "zz*"}, {"FUNCTION", "LIST", "bad"}, {"FUNCTION", "STATS"},
        {"FUNCTION", "KILL"}, {"FUNCTION", "DELETE", "nosuch"},
        {"FUNCTION", "LOAD", "return 1"}, {"FUNCTION", "LOAD", "#!lua name=x\nreturn 1"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.call('ping')"}, {"FUNCTION", "LOAD", "#!lua name=b-d\n"},
        {"FUNCTION", "LOAD", "#!js name=x\n"}, {"FUNCTION", "LOAD", "#!lua name=x foo=y\n"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function('echo', function() end)"},
        {"FUNCTION", "LOAD", "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags={'x'}}"},
        {"FUNCTION", "LOAD", "REPLACE", LIB}, {"FUNCTION", "LOAD", "BAD", LIB},
        {"FUNCTION", "RESTORE", "garbage"}, {"FUNCTION", "RESTORE", "garbage", "APPEND", "x"}, {"FUNCTION", "DELETE", "mylib"}, {"FUNCTION", "LIST"}, {"FCALL", "echo", "0"},
        {"FUNCTION", "FLUSH", "bad"}, {"FUNCTION", "FLUSH"},
        // MULTI with EVAL
        {"MULTI"}, {"EVAL", "return redis.call('incr', 'm')", "0"}, {"EVAL", "return redis.call('incr', 'm')", "0"}, {"EXEC"},
        // redis.call runs with the caller's ACL permissions (scriptVerifyACL's texts)
        {"ACL", "SETUSER", "scripter", "on", "nopass", "~a*", "resetchannels", "+@all", "-set"}, {"AUTH", "scripter", "x"},
        {"EVAL", "return redis.call('set', 'a', 'v')", "0"}, {"EVAL", "return redis.pcall('get', 'k')", "0"},
        {"EVAL", "return redis.pcall('publish', 'ch', 'v')", "0"}, {"EVAL", "return redis.call('get', 'a')", "0"},
        {"AUTH", "default", "x"},
    };

    @Test
    void scriptingMatchesRealRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String[] step : STEPS) {
                run.send(step);
            }
        }
    }

    @Test
    void errorAddsAPositionAsLuasErrorDoes() throws Exception {
        // luaB_error: only a string or number gets a position, the one of the function `level`
        // calls up ("" for pcall, a C function, and above the script); anything else is raised as
        // it is, and Redis's handler replies tostring() of it.
        String[] scripts = {"error()", "error(nil)", "error(true)", "error(false, 0)", "error(5)", "error(5, 0)",
                "error(5.5, 0)", "error('x', 2)", "error('x', 3)", "error('x', '2')", "error('x', 2.7)", "error('x', -1)",
                "local function f() error('x', 2) end\nf()", "local function f() error(nil, 2) end\nf()",
                "local function f()\n error('x', 2)\n end\nlocal function g()\n\nf()\nend\ng()",
                "local ok, e = pcall(error, 'x', 2); return e", "local ok, e = pcall(error, 'x'); return e",
                "local ok, e = pcall(error, 5, 0); return e", "local ok, e = pcall(error, true); return e",
                "local ok, e = pcall(function() error('y', 2) end); return e",
                "local ok, e = xpcall(function() error('q', 2) end, function(m) return m end); return e"};
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : scripts) {
                run.send("EVAL", script, "0");
            }
        }
    }

    @Test
    void deepCallsFailAtLuasLimitsWithLuasWords() throws Exception {
        // LUAI_MAXCALLS (20000 nested calls: "stack overflow") and LUAI_MAXCCALLS (200 calls entered
        // from C, nested: pcall, metamethods, for iterators, the script itself: "C stack overflow"),
        // at the same depth as Redis, and quickly: a runaway recursion ran deep into the JVM stack.
        String recurse = "local function f(n) if n == 0 then return 0 end return 1 + f(n-1) end ";
        String viaPcall = "local function f(n) if n == 0 then return 'ok' end local ok, v = pcall(f, n-1) return v end ";
        String viaIndex = "local t = setmetatable({}, {__index = function(t, k) if k >= %d then return 'ok' end return t[k+1] end}) return t[1]";
        String viaFor = "local function g(n) if n == 0 then return 'ok' end local r for k in (function() return function(_, c)"
                + " if c == nil then return g(n-1) end end end)() do r = k end return r end return g(%d)";
        // A fresh Lua state overflows at 16384 calls, and at 20000 once it has overflowed (SCRIPT
        // FLUSH starts a fresh one).
        String[] scripts = {recurse + "return f(16382)", recurse + "return f(16383)",
                recurse + "return f(19998)", recurse + "return f(19999)",
                "local function f(n) return 1 + f(n+1) end return f(1)",
                "local function f(n) if n == 0 then return 0 end return f(n-1) end return f(150000)",
                recurse + "local ok, e = pcall(f, 19996) return {tostring(ok), tostring(e)}",
                recurse + "local ok, e = pcall(f, 19997) return {tostring(ok), tostring(e)}",
                viaPcall + "return f(198)", viaPcall + "return f(199)",
                String.format(viaIndex, 198), String.format(viaIndex, 199),
                "local t = setmetatable({}, {__index = function(t, k) return t[k+1] end}) return t[1]",
                String.format(viaFor, 150), String.format(viaFor, 250),
                "local t = {} for i = 1, 300 do t[i] = i end table.sort(t, function(a, b) return a > b end) return t[1]",
                // Each coroutine is a Lua thread with calls of its own: 300 suspended ones overflow nothing.
                "local cos = {} for i = 1, 300 do local co = coroutine.create(function() coroutine.yield(i) end)"
                        + " coroutine.resume(co) cos[i] = co end local n = 0 for i = 1, 300 do"
                        + " if coroutine.resume(cos[i]) then n = n + 1 end end return n",
                "return 'still serving'"};
        String functions = "#!lua name=reclib\n" + recurse
                + "\nredis.register_function('rec', function(keys, args) return f(tonumber(args[1])) end)";
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : scripts) {
                run.send("EVAL", script, "0");
            }
            run.send("SCRIPT", "FLUSH");
            run.send("EVAL", recurse + "return f(16383)", "0");
            run.send("EVAL", recurse + "return f(16383)", "0");
            // The functions' Lua state is another one, kept by FUNCTION FLUSH.
            run.send("FUNCTION", "LOAD", functions);
            run.send("FCALL", "rec", "0", "16383");
            run.send("FCALL", "rec", "0", "16383");
            run.send("FUNCTION", "FLUSH");
            run.send("FUNCTION", "LOAD", functions);
            run.send("FCALL", "rec", "0", "16383");
        }
    }

    @Test
    void coroutinesHandBackTheirErrorsAsLua51Does() throws Exception {
        // resume returns the error value itself (a table stays a table, redis.call's error too);
        // wrap raises it with the caller's position in front (a second one, for a string);
        // the script's position is where it resumed, not where the coroutine was.
        String[] scripts = {"local co = coroutine.create(function() error('inside') end) return {coroutine.resume(co)}",
                "local co = coroutine.create(function() error('inside', 0) end) return {coroutine.resume(co)}",
                "local co = coroutine.create(function() error({code=1}) end) local ok, e = coroutine.resume(co) return type(e)",
                "local co = coroutine.create(function() redis.call('nosuch') end) return {coroutine.resume(co)}",
                "local co = coroutine.wrap(function() error('inside') end) return co()",
                "local co = coroutine.wrap(function() error('inside', 0) end) return co()",
                "local co = coroutine.wrap(function() error('inside') end) local ok, e = pcall(co) return e",
                "local co = coroutine.wrap(function() error({code=1}) end) local ok, e = pcall(co) return type(e)",
                "local co = coroutine.wrap(function() coroutine.yield(1) end) co() co() return co()",
                "local co = coroutine.wrap(function() redis.call('nosuch') end) return co()",
                "local function g() local co = coroutine.wrap(function() error('x') end) return co() end\nreturn g()",
                "local co = coroutine.wrap(function()\nerror('x') end)\n\nreturn co()",
                "local co = coroutine.create(function()\nerror('x') end)\nlocal ok, e = coroutine.resume(co)\n\nreturn redis.call('nosuch')",
                "local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1) return b * 2 end) return {co(1), co(5)}",
                "local co = coroutine.create(function() end) coroutine.resume(co) return {coroutine.resume(co)}",
                "return coroutine.create(1)", "return coroutine.wrap(1)", "return coroutine.resume()", "return coroutine.resume(1)"};
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : scripts) {
                run.send("EVAL", script, "0");
            }
        }
    }

    @Test
    void theGlobalTableAndItsMetatableStayReadOnly() throws Exception {
        // Each attempt must fail, and leave the globals of the scripts that follow as they were.
        String[] scripts = {"setmetatable(_G, nil)", "return os", "local m = getmetatable(_G); m.__index = nil",
                "return os", "rawset(getmetatable(_G), '__index', nil)", "return os",
                "local ok, e = pcall(setmetatable, _G, {}); return e", "setmetatable(redis, {})",
                "setmetatable(cjson, nil)", "setmetatable(bit, {})", "return type(getmetatable(_G))",
                "setmetatable(KEYS, {}); return #KEYS", "return string.char(65)"};
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : scripts) {
                run.send("EVAL", script, "0");
            }
        }
    }

    @Test
    void aLibraryHeaderIsReadAsRedisReadsIt() throws Exception {
        // functionExtractLibMetaData: the first line split by sdssplitargs, "name=" in any case and
        // only once, the engine name in any case.
        String[] headers = {"#!lua name=a name=b", "#!lua name=a NAME=a", "#!lua Name=h1", "#!LUA name=h2",
                "#!lua name=\"a b\"", "#!lua name=\"unbalanced", "#!lua \"name=h3\"", "#!", "#! lua name=x",
                "#!lua  name=x\tfoo", "#!lua name=h4\r", "#!lua name='h5'"};
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < headers.length; i++) {
                run.send("FUNCTION", "LOAD", headers[i] + "\nredis.register_function('f" + i + "', function() return 1 end)");
            }
            for (String lib : new String[]{"h1", "h2", "h3", "h4", "h5"}) {
                run.send("FUNCTION", "LIST", "LIBRARYNAME", lib);
            }
        }
    }

    @Test
    void functionListMatchesLibraryNamesIgnoringCase() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("FUNCTION", "LOAD", "#!lua name=MixedLib\nredis.register_function('m', function() return 1 end)");
            for (String pattern : new String[]{"mixedlib", "MIXED*", "m?xed[l]ib", "Mixed", "*LIB"}) {
                run.send("FUNCTION", "LIST", "LIBRARYNAME", pattern);
            }
        }
    }

    @Test
    void whileALibraryLoadsItsRedisTableIsReadOnly() throws Exception {
        String[] bodies = {"redis.log = nil", "redis.x = 1", "local r = redis; r.setresp = nil", "x = 1",
                "redis.register_function('f', function() return 1 end)\nredis.register_function = 1",
                "redis.register_function('g', function() return 1 end)\nreturn redis.nosuch"};
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String body : bodies) {
                run.send("FUNCTION", "LOAD", "#!lua name=ro\n" + body);
            }
            run.send("FUNCTION", "LIST");
        }
    }

    @Test
    void registerFunctionReadsItsArgumentsAsRedisDoes() throws Exception {
        // Named arguments and flags compare with strcasecmp; a number is a string (lua_isstring),
        // written as Lua writes it (%.14g).
        String[] registrations = {"{FUNCTION_NAME='f1', CALLBACK=function() return 1 end}",
                "{function_name='f2', callback=function() return 1 end, flags={'NO-WRITES'}}",
                "{function_name='f3', Description='d', Flags={'Allow-Stale'}, callback=function() return 1 end}",
                "{function_name='f4', callback=function() return 1 end, description=5}",
                "{function_name='f5', callback=function() return 1 end, description=1e20}",
                "{function_name=1.5, callback=function() return 1 end}",
                "{[1]='x', function_name='f7', callback=function() return 1 end}",
                "(8, function() return 1 end)",
                "{function_name='f9', callback=function() return 1 end, flags={1}}"};
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < registrations.length; i++) {
                run.send("FUNCTION", "LOAD", "#!lua name=reg" + i + "\nredis.register_function" + registrations[i]);
                run.send("FUNCTION", "LIST", "LIBRARYNAME", "reg" + i);
            }
            run.send("FCALL_RO", "f2", "0");
            run.send("FCALL", "8", "0");
        }
    }

    @Test
    void scriptDebugIsRefusedBehindUnsentReplies() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("SCRIPT", "DEBUG", "NO");
            for (String arg : new String[]{"NO", "YES", "bogus"}) {
                run.send("MULTI");
                run.send("SCRIPT", "DEBUG", arg);
                run.send("EXEC");
                // In one write: PING's reply is still unsent when SCRIPT DEBUG runs.
                byte[] pipeline = (new String(RespConnection.encode("PING"), java.nio.charset.StandardCharsets.UTF_8)
                        + new String(RespConnection.encode("SCRIPT", "DEBUG", arg), java.nio.charset.StandardCharsets.UTF_8))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                run.real().sendRaw(pipeline);
                run.ours().sendRaw(pipeline);
                assertEquals(run.real().readReply() + run.real().readReply(),
                        run.ours().readReply() + run.ours().readReply(), "pipelined SCRIPT DEBUG " + arg);
            }
        }
    }

    @Test
    void scriptErrorsCountInCommandstatsAndErrorstatsAsInRedis() throws Exception {
        // A refusal inside a script counts once (errorstats, and a rejected call of the command);
        // an error the script replies makes its EVAL a failed call, counted in errorstats unless the
        // command that raised it was counted already.
        String[] scripts = {"return redis.call('nosuch')", "return redis.call('get')",
                "return redis.call('eval','return 1','0')", "return redis.call('incr','str')",
                "return redis.pcall('incr','str')", "return {err='My'}", "return redis.error_reply('X y')",
                "return {1, redis.pcall('incr','str')}", "local ok = pcall(redis.call, 'incr', 'str'); return 1"};
        try (DifferentialRun run = DifferentialRun.start()) {
            run.both("CONFIG", "RESETSTAT");
            run.both("SET", "str", "x");
            for (String script : scripts) {
                run.send("EVAL", script, "0");
            }
            java.util.function.Function<String, Object> stats = reply -> java.util.Arrays.stream(reply.split("\r\n"))
                    .filter(l -> l.startsWith("cmdstat_") || l.startsWith("errorstat_") || l.startsWith("total_error"))
                    .map(l -> l.replaceAll("usec=\\d+,usec_per_call=[0-9.]+,", ""))
                    .sorted().toList();
            run.assertSame(stats, "INFO", "commandstats");
            run.assertSame(stats, "INFO", "errorstats");
            run.assertSame(stats, "INFO", "stats");
        }
    }

    @Test
    void overMaxmemoryAScriptRunsAsItsFlagsSay() throws Exception {
        // A script with a shebang and neither no-writes nor allow-oom is a DENYOOM command (refused
        // by processCommand); no-writes implies allow-oom; a script without shebang runs and only
        // its writes are refused. Inside EXEC the script's own check speaks.
        String[][] steps = {
                {"FUNCTION", "LOAD", "#!lua name=oomlib\n"
                        + "redis.register_function('w', function() return 1 end)\n"
                        + "redis.register_function{function_name='r', callback=function() return 2 end, flags={'no-writes'}}"},
                {"CONFIG", "SET", "maxmemory", "1"},
                {"EVAL", "#!lua\nreturn 1", "0"},
                {"EVAL", "#!lua flags=no-writes\nreturn 1", "0"},
                {"EVAL", "#!lua flags=allow-oom\nreturn redis.call('set', 'k', 'v')", "0"},
                {"EVAL", "return 1", "0"},
                {"EVAL", "return redis.pcall('set', 'k', 'v')", "0"},
                {"EVAL", "#!lua flags=bogus\nreturn 1", "0"},
                {"FCALL", "w", "0"}, {"FCALL", "r", "0"}, {"FCALL", "nosuch", "0"},
                {"CONFIG", "SET", "maxmemory", "0"},
                {"FUNCTION", "FLUSH"},
        };
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String[] step : steps) {
                run.send(step);
            }
        }
    }

    @Test
    void functionDumpPayloadIsRedisFormatAndRestoresBothWays() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            RespConnection real = run.real();
            RespConnection ours = run.ours();
            real.call("FUNCTION", "LOAD", LIB);
            ours.call("FUNCTION", "LOAD", LIB);
            byte[] realDump = real.callBytes("FUNCTION", "DUMP");
            byte[] ourDump = ours.callBytes("FUNCTION", "DUMP");
            assertEquals(java.util.HexFormat.of().formatHex(realDump), java.util.HexFormat.of().formatHex(ourDump));
            byte[] payload = java.util.Arrays.copyOfRange(ourDump, ourDump.length - 2 - payloadLength(ourDump),
                    ourDump.length - 2);
            byte[][] restore = {"FUNCTION".getBytes(), "RESTORE".getBytes(), payload, "REPLACE".getBytes()};
            assertEquals(real.call(restore), ours.call(restore));
            ours.call("FUNCTION", "FLUSH");
            assertEquals("+OK\r\n", ours.call(restore));
            assertEquals(real.call("FCALL", "echo", "1", "a", "b"), ours.call("FCALL", "echo", "1", "a", "b"));
        }
    }

    /**
     * FUNCTION RESTORE refuses what is not a function payload with Redis's texts: another type's DUMP, a
     * library whose code runs past the payload; a code that runs into the footer loads as Redis loads it.
     */
    @Test
    void functionRestoreOfPayloadsThatAreNoLibrariesFailsAsInRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            RespConnection real = run.real();
            RespConnection ours = run.ours();
            real.call("SET", "s", "a string value");
            ours.call("SET", "s", "a string value");
            byte[] keyDump = RespConnection.bulkPayload(real.callBytes("DUMP", "s"));
            byte[] codeTooLong = withFooter(new byte[]{(byte) 245, 100, '#', '!', 'l', 'u', 'a'});
            byte[] codeIntoFooter = withFooter(new byte[]{(byte) 245, 10, '#', '!', 'l', 'u', 'a'});
            byte[] badCrc = codeTooLong.clone();
            badCrc[badCrc.length - 1] ^= 1;
            for (byte[] payload : List.of(keyDump, codeTooLong, codeIntoFooter, badCrc, withFooter(new byte[0]))) {
                byte[][] restore = {"FUNCTION".getBytes(), "RESTORE".getBytes(), payload};
                String expected = real.call(restore);
                assertEquals(expected, ours.call(restore), java.util.HexFormat.of().formatHex(payload));
            }
            assertEquals("-ERR given type is not a function\r\n",
                    ours.call(new byte[][]{"FUNCTION".getBytes(), "RESTORE".getBytes(), keyDump}));
            assertEquals("-ERR Failed loading library payload\r\n",
                    ours.call(new byte[][]{"FUNCTION".getBytes(), "RESTORE".getBytes(), codeTooLong}));
        }
    }

    /** {@code body} with a DUMP footer: RDB version 10 and the CRC64 of everything before it. */
    private static byte[] withFooter(byte[] body) {
        byte[] p = java.util.Arrays.copyOf(body, body.length + 10);
        p[body.length] = 10;
        long crc = io.mnemos.persistence.Crc64.of(p, 0, body.length + 2);
        for (int i = 0; i < 8; i++) {
            p[body.length + 2 + i] = (byte) (crc >>> (8 * i));
        }
        return p;
    }

    /** The length of a bulk reply's payload ("$N\r\n...\r\n"). */
    private static int payloadLength(byte[] bulk) {
        int i = 1;
        int n = 0;
        while (bulk[i] != '\r') {
            n = n * 10 + (bulk[i++] - '0');
        }
        return n;
    }
}
