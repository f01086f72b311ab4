package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

/**
 * The globals as Redis's scripts see them: {@code _G} is the table of the globals themselves
 * (rawget, pairs and next see every global, __redis__err__handler included), read-only as are the
 * library tables and the string metatable (assignment, rawset, the table library, setmetatable:
 * each with Redis's position or none), and a missing global raises Redis's error; a function's
 * {@code _G} too.
 */
class LuaGlobalsDifferentialTest {
    private static final String[] SCRIPTS = {
        "return {type(rawget(_G, 'redis')), type(rawget(_G, 'nosuch')), type(_G.redis), type(rawget(_G, 'KEYS')), type(rawget(_G, 'string'))}",
        "local r = {} for k in pairs(_G) do r[#r+1] = k end table.sort(r) return table.concat(r, ' ')",
        "local n = 0 for k in pairs(_G) do n = n + 1 end return n",
        "x = 1",
        "redis = nil",
        "KEYS = {}",
        "rawset(_G, 'x', 1)",
        "_G.x = 1",
        "_G.redis = 1",
        "setmetatable(_G, nil)",
        "local mt = getmetatable(_G) return type(mt)",
        "local mt = getmetatable(_G) return type(mt.__index)",
        "local mt = getmetatable(_G) mt.__index = nil",
        "return _G._G == _G",
        "return _G.nosuch",
        "return nosuch",
        "return rawequal(_G, _G._G)",
        "local f = loadstring('return redis ~= nil') return f()",
        "return next(_G) ~= nil",
        "return type(_G.KEYS)",
        "rawset(redis, 'x', 1)",
        "redis.x = 1",
        "cjson.encode = nil",
        "string.x = 1",
        "table.insert(redis, 1)",
        "return table.getn(_G)",
        "return __redis__err__handler('x')",
        "local t = __redis__err__handler({err='boom'}) return {t.err, t.source, t.line}",
        "local t = __redis__err__handler('x') return {t.err, t.source, t.line}",
        "__redis__err__handler = nil",
        "getmetatable('').__index = nil",
        "math.pi = 3",
        "coroutine.x = 1",
        "table.sort(redis)",
        "table.remove(redis)",
        "rawset(string, 'x', 1)",
        "setmetatable(math, {})",
        "local t = {} setmetatable(t, {__newindex = function() end}) t.x = 1 return 1"
    };

    @Test
    void globalsAreRedissReadOnlyTable() throws Exception {
        DifferentialRun.sameEvalReplies(SCRIPTS);
    }

    @Test
    void aFunctionSeesTheSameGlobals() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            run.send("FUNCTION", "LOAD", "#!lua name=g\nredis.register_function('g', function() local n = 0 "
                    + "for k in pairs(_G) do n = n + 1 end return {type(rawget(_G, 'redis')), n, type(rawget(_G, 'KEYS'))} end)");
            run.send("FCALL", "g", "0");
        }
    }
}
