package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A script's runtime errors read as Redis's Lua 5.1 words them, with the variable's kind and name
 * ("attempt to index local 'x' (a nil value)", "attempt to call field 'foo' (a nil value)",
 * "attempt to perform arithmetic on local 'v' (a boolean value)", "attempt to compare number with
 * nil"), at the failing line, uncaught and under pcall, in nested functions, upvalues, metamethods,
 * coroutines and tail calls; library functions' argument errors as luaL_argerror words them: the
 * whole reply byte-identical to redis-server's.
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
        DifferentialRun.sameEvalReplies(VM_ERRORS);
    }

    private static final String[] ARGUMENT_ERRORS = {
        "return string.gsub('abc', 'b', string.rep)",
        "local ok, e = pcall(string.gsub, 'abc', 'b', string.rep) return e",
        "return table.foreach({1}, string.rep)",
        "return table.sort({3, 2, 1}, string.rep)",
        "local ok, e = pcall(string.len) return e",
        "return string.gsub('abc', 'b', function(x) return string.rep(x) end)",
        "local v = redis.call('get', 'nokey') return string.len(v) + v",
        "return math.floor('x')",
        "return string.sub()",
        "return string.sub('abc')",
        "return string.sub('abc', 'x')",
        "return string.sub('abc', 1, {})",
        "local s = string.sub return s(nil)",
        "local s = 'abc' return s:sub({})",
        "local s = 'abc' return s:rep()",
        "return ('x'):rep('y')",
        "return string.rep()",
        "return string.upper()",
        "return string.byte({})",
        "return string.char('a')",
        "return string.find('abc')",
        "return string.format()",
        "return string.format('%d', 'x')",
        "return tostring()",
        "return tonumber()",
        "return type()",
        "return rawget()",
        "return rawget({})",
        "return rawequal()",
        "return rawequal(1)",
        "return setmetatable(1, {})",
        "return setmetatable({}, 1)",
        "return getmetatable()",
        "return select()",
        "return select('x')",
        "return ipairs()",
        "return pairs()",
        "return unpack()",
        "return next()",
        "return table.insert()",
        "return table.insert({}, 1, 2, 3)",
        "return table.concat({{}})",
        "return table.concat()",
        "return table.sort(1)",
        "return math.max()",
        "return math.min('a')",
        "return math.abs()",
        "return math.sqrt(nil)",
        "return math.fmod(1)",
        "return math.pow(2)",
        "return cjson.encode()",
        "return cjson.decode()",
        "return cjson.decode(1, 2)",
        "return cmsgpack.pack()",
        "return bit.band('x')",
        "return bit.tohex({})",
        "return struct.pack()",
        "return struct.pack('i', 'x')",
        "local ok, e = pcall(string.len) return e",
        "local ok, e = pcall(string.rep, 'x') return e",
        "local ok, e = pcall(cmsgpack.pack) return e",
        "local ok, e = pcall(function() return string.rep() end) return e",
        "local ok, e = pcall(function() return math.floor({}) end) return e",
        "local ok, e = pcall(function() local x = string.rep() return x end) return e",
        "local function f() return tonumber('1', 99) end return f()",
        "local t = {len = string.len} return t.len({})",
        "local up = string.len local function f() return up({}) end return f()",
        "return string.gsub('abc', 'b', string.upper)",
        "for w in string.gmatch() do end",
        "return loadstring()",
        "return load()",
        "return string.sub('abc', 1, 2, 3, {})",
        "return redis.sha1hex()",
        "return select(-5, 1)",
        "return unpack({}, 'a')",
        "return tostring(nil)"
    };

    /**
     * luaL_argerror's words from every library (LuaJ's and Mnemos's): the argument's number, the
     * function named as the call site names it (a field, a local alias, a method whose self does
     * not count, '?' under pcall or called by another library function, whose error Redis reports
     * "on =[C]:-1"), "got no value" for a missing argument.
     */
    @Test
    void argumentErrorsNameTheFunctionAsCalled() throws Exception {
        DifferentialRun.sameEvalReplies(ARGUMENT_ERRORS);
    }

    private static final String[] TAIL_CALLS = {
        "local ok, e = pcall(function() return cmsgpack.unpack(string.char(0xdc)) end) return e",
        "local ok, e = pcall(function() return cjson.decode('{') end) return e",
        "local ok, e = pcall(function() return string.rep() end) return e",
        "local ok, e = pcall(function() return struct.unpack('i', 'x') end) return e",
        "local ok, e = pcall(function() return bit.tohex() end) return e",
        "local ok, e = pcall(function() return string.format('%d', 'x') end) return e",
        "local ok, e = pcall(function() return redis.call('nosuchcmd') end) return e",
        "local ok, e = pcall(function() return redis.call('incr') end) return e",
        "local ok, e = pcall(function() return tonumber('z', 99) end) return e",
        "local ok, e = pcall(function() return table.concat({{}}) end) return e",
        "local ok, e = pcall(function() return setmetatable(1) end) return e",
        "local function f() return cjson.decode('[') end return f()",
        "return cjson.decode('[')",
        "local function f() return string.rep() end local function g() return f() end return g()",
        "local ok, e = pcall(function() return error('x') end) return e",
        "local ok, e = pcall(function() return error('x', 2) end) return e",
        "local ok, e = pcall(function() return error({}) end) return type(e)",
        "local function f() return error('deep', 2) end local function g() local r = f() return r end local ok, e = pcall(g) return e",
        "local function f() return error('lvl1') end local ok, e = pcall(f) return e",
        "return error('top')"
    };

    /**
     * Seeded random scripts: locals of every type (nil, numbers, numeric and other strings, tables,
     * booleans, functions, a table with an __index function) indexed, called, as methods, in
     * arithmetic, concatenation, length, comparisons, assignments, in nested functions, upvalues,
     * loops and under pcall.
     */
    @Test
    void randomRuntimeErrorsReadAsInRedis() throws Exception {
        Random rnd = new Random(20261208);
        String[] scripts = new String[300];
        for (int i = 0; i < scripts.length; i++) {
            scripts[i] = randomScript(rnd);
        }
        DifferentialRun.sameEvalReplies(scripts);
    }

    private static final String[] VALUES = {"nil", "1", "'str'", "'12'", "{}", "true", "false", "function() end",
        "{x = 1}", "{x = {}}", "setmetatable({}, {__index = function() return nil end})"};
    private static final String[] NAMES = {"a", "b", "t", "s"};

    private static String randomScript(Random rnd) {
        String expr = randomExpression(rnd);
        String[] bodies = {
            "return " + expr,
            "local r = " + expr + " return 1",
            "local function g() return " + expr + " end return g()",
            "local function g() local r = " + expr + " return r end return (g())",
            "local ok, e = pcall(function() return " + expr + " end) return e",
            DifferentialRun.pick(rnd, NAMES) + ".x = 1 return 1",
            DifferentialRun.pick(rnd, NAMES) + ".x.y = 1 return 1",
            "for i = 1, 2 do local v = " + expr + " end return 1"
        };
        return "local a, b, t, s = " + DifferentialRun.pick(rnd, VALUES) + ", " + DifferentialRun.pick(rnd, VALUES) + ", " + DifferentialRun.pick(rnd, VALUES) + ", "
                + DifferentialRun.pick(rnd, VALUES) + " local function g() return nil end " + DifferentialRun.pick(rnd, bodies);
    }

    private static String randomExpression(Random rnd) {
        String x = randomOperand(rnd);
        String y = randomOperand(rnd);
        int r = rnd.nextInt(100);
        if (r < 15) {
            return x + "." + DifferentialRun.pick(rnd, new String[] {"x", "y"});
        } else if (r < 30) {
            return x + "()";
        } else if (r < 40) {
            return x + ":" + DifferentialRun.pick(rnd, new String[] {"m", "len", "rep"}) + "()";
        } else if (r < 55) {
            return x + " " + DifferentialRun.pick(rnd, new String[] {"+", "-", "*", "/", "%", "^"}) + " " + y;
        } else if (r < 65) {
            return x + " .. " + y + (rnd.nextInt(10) < 4 ? " .. " + randomOperand(rnd) : "");
        } else if (r < 72) {
            return "#" + x;
        } else if (r < 77) {
            return "-" + x;
        } else if (r < 87) {
            return x + " " + DifferentialRun.pick(rnd, new String[] {"<", "<=", ">", ">="}) + " " + y;
        }
        return x + "[" + y + "]";
    }

    private static String randomOperand(Random rnd) {
        int r = rnd.nextInt(10);
        if (r < 5) {
            return DifferentialRun.pick(rnd, NAMES);
        } else if (r < 7) {
            return DifferentialRun.pick(rnd, NAMES) + "." + DifferentialRun.pick(rnd, new String[] {"x", "y", "len"});
        } else if (r < 8) {
            return DifferentialRun.pick(rnd, NAMES) + "[" + DifferentialRun.pick(rnd, new String[] {"1", "'x'", "b"}) + "]";
        } else if (r < 9) {
            return DifferentialRun.pick(rnd, new String[] {"1", "'s'", "nil", "true", "{}"});
        }
        return "g()";
    }

    /** `return f(...)`: LuaJ calls f after the frame has gone, Lua 5.1 in it; errors keep its position. */
    @Test
    void errorsInTailCallsKeepTheCallersPosition() throws Exception {
        DifferentialRun.sameEvalReplies(TAIL_CALLS);
    }
}
