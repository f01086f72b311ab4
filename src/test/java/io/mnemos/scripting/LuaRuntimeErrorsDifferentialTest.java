package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

/**
 * A script's runtime errors read as Redis's Lua 5.1 words them, with the variable's kind and name
 * ("attempt to index local 'x' (a nil value)", "attempt to call field 'foo' (a nil value)",
 * "attempt to perform arithmetic on local 'v' (a boolean value)", "attempt to compare number with
 * nil"), at the failing line, uncaught and under pcall, in nested functions, upvalues, metamethods,
 * coroutines and tail calls: the whole reply byte-identical to redis-server's.
 */
class LuaRuntimeErrorsDifferentialTest {
    private static final String[] VM_ERRORS = {
        "local x = nil return x.y",
        "local t = {} return t.a.b",
        "local f return f()",
        "return redis.foo()",
        "return ('x'):nosuch()",
        "local v = redis.call('get', 'nokey') return v + 1",
        "return nil .. 'a'",
        "local a return 'x' .. a",
        "local a return #a",
        "local a = {} return -a",
        "local t = {} local function g() return t.q.w end return g()",
        "local t return (function() return t.x end)()",
        "return ARGV[1].x",
        "local n = 5 return n.x",
        "local n = 5 return n()",
        "local s = 'abc' return s.x.y",
        "local t = {} t.x.y = 1",
        "local t = {} return t[1][2]",
        "local a, b = 1, {} return a < b",
        "local a, b = {}, {} return a < b",
        "return {} .. 'x'",
        "local t = setmetatable({}, {__index = function(t, k) return nil end}) return t.a.b",
        "local t = {a = {}} return t.a.b.c",
        "return math.nosuch(1)",
        "return string.foo('x')",
        "local up = nil local function f() return up() end return f()",
        "for i, v in nil do end",
        "for i = 1, 'x' do end",
        "for i = 'a', 2 do end",
        "for i = 1, 2, {} do end",
        "return {pcall(function() local x return x.y end)}",
        "return {pcall(function() local f return f() end)}",
        "return {pcall(function() return redis.nope() end)}",
        "local ok, e = pcall(function() local t = {} return t.a.b.c end) return e",
        "local function f(a) return a.b end local ok, e = pcall(f, nil) return e",
        "local function f(a) return a.b end return f(5)",
        "local function f(a) local x = a + 1 return x end return f({})",
        "local t = {} t.count = t.count + 1 return t.count",
        "local t = {} return t.list[1]",
        "local s = 'x' return s + 1",
        "return 'abc' + 1",
        "return 1 + 'abc'",
        "local a = 'abc' return 1 + a",
        "return -{}",
        "local t = {} return t.x .. 'y'",
        "local t = {} return 'a' .. t.x .. 'b'",
        "local a, b = 'x', nil return a .. b .. 'c'",
        "local a, b = nil, 'x' return a .. b",
        "return 'a' .. {} .. nil",
        "local v = redis.call('get', 'nokey') return #v",
        "local data = cjson.decode('{\"a\":1}') return data.b.c",
        "local data = cjson.decode('{\"a\":1}') return data.a.c",
        "local n = tonumber(ARGV[1]) return n * 2",
        "return KEYS[1] .. nil",
        "local x = {} x:method()",
        "local x = 'str' x:nomethod()",
        "local t = {f = 5} t.f()",
        "local t = {f = 5} t:f()",
        "local up = {} local function g() return up.a.b end return g()",
        "local up local function g() up.x = 1 end g()",
        "local t = {} t[nil] = 1",
        "local t = {} local k return t[k].x",
        "for i = 1, 3 do local v = nil if i == 2 then return v.x end end",
        "local a = {} local b = a.x or a.y return b.z",
        "local a = 1 local b = a < 'x'",
        "local a = {} return a <= a",
        "local a = {} local b = {} return a > b",
        "return nil > 1",
        "return true < false",
        "local co = coroutine.create(function() local z return z.q end) return {coroutine.resume(co)}",
        "local t = setmetatable({}, {__index = function(t, k) local u return u.x end}) return t.a",
        "local t = setmetatable({}, {__add = function(a, b) return 7 end}) return t + 1",
        "local t = setmetatable({}, {__concat = function(a, b) return 'cc' end}) return t .. 'x'",
        "local t = setmetatable({}, {__call = function() return 3 end}) return t()",
        "local t = setmetatable({}, {__lt = function() return true end}) return t < t",
        "local x = 5 return x.y.z",
        "local mt = {} local t = setmetatable({}, mt) return t.x.y",
        "local a = {1,2,3} return a[1].x",
        "local s = ARGV[1] return s.len",
        "local r = redis.pcall('incr', 'nokey2') return r.ok.x",
        "return (nil)()",
        "return ({})()",
        "local t = {} return #t.x",
        "local i = nil return #i",
        "return -nil",
        "local x = nil return x[1]",
        "local f = function() end return f.x"
    };

    @Test
    void runtimeErrorsNameTheVariableAsLua51() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : VM_ERRORS) {
                run.send("EVAL", script, "0");
            }
        }
    }
}
