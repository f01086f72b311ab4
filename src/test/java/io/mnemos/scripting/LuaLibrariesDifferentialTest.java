package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

/**
 * The Lua libraries Redis loads besides its own API, script by script against real Redis:
 * Lua 5.1's base, table, math, string and coroutine functions that LuaJ's 5.2 lacks or has more of;
 * numbers turned into text (tostring, "..", string functions: Lua 5.1's %.14g, -nan; redis.call's
 * arguments: %.17g); string.format (every conversion, flag, width and precision, glibc's rounding,
 * Lua 5.1's %q and its errors);
 * {@code bit} (LuaBitOp: rounding to 32 bits, tohex's digit counts, argument errors);
 * {@code struct} (formats, alignment, sizes, limits and errors; {@code StructLibTest} has the rest);
 * {@code cmsgpack} (lua-cmsgpack 0.4.0) packing every type at each size boundary, unpacking every
 * format byte, truncated and malformed input, streams with unpack_one and unpack_limit, and Lua's
 * stack limit on values unpacked at once, maps of several keys (written in the table's order).
 */
class LuaLibrariesDifferentialTest {
    private static final String[] CMSGPACK = {
        "return cmsgpack.pack(1, 2, 3)",
        "return cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649)",
        "return cmsgpack.pack(9007199254740992, -9007199254740992, 9223372036854775807, -9223372036854775808, 1e19, -1e19)",
        "return cmsgpack.pack(0.5, 1.1, -2.25, 1/0, -1/0, 1e300, 3.4028234663852886e38, 1e-45)",
        "return cmsgpack.pack(true, false, nil)",
        "return cmsgpack.pack('', 'a', string.rep('x', 31), string.rep('x', 32), string.rep('y', 255), string.rep('z', 256), string.rep('w', 65535), string.rep('v', 65536))",
        "return cmsgpack.pack({a=1})",
        "return cmsgpack.pack({a=1, b=true, c='x', d={1, 2}, e={f=0.5}, [7]=7, [2.5]='y'})",
        "local t = {} for i = 1, 20 do t['field' .. i] = i end return cmsgpack.pack(t)",
        "return cmsgpack.pack(cmsgpack.unpack(cmsgpack.pack({x=1, y=2, z=3, w=4})))",
        "return cmsgpack.pack({[1.5]=1})",
        "return cmsgpack.pack({[0]=1})",
        "return cmsgpack.pack({['1']=1})",
        "return cmsgpack.pack(function() end)",
        "return cmsgpack.pack(redis.call)",
        "return cmsgpack.pack()",
        "return cmsgpack.pack(cjson.null)",
        "local t = {} for i=1,16 do t[i]=i end return cmsgpack.pack(t)",
        "local t = {} for i=1,70000 do t[i]=i % 7 end return #cmsgpack.pack(t)",
        "local t = {} t.self = t return cmsgpack.pack(t)",
        "return {cmsgpack.unpack(cmsgpack.pack(1, 'a', true, -5, 300, 70000, 5000000000, -5000000000, 0.5))}",
        "return cmsgpack.unpack(cmsgpack.pack({1,2,{3,4,'x'}}))[3][3]",
        "return cmsgpack.unpack(cmsgpack.pack({a={b='c'}})).a.b",
        "return cmsgpack.unpack('')",
        "return {cmsgpack.unpack('')}",
        "return cmsgpack.unpack(string.char(0xdc))",
        "return cmsgpack.unpack(string.char(0xc1))",
        "return cmsgpack.unpack(string.char(0xc4, 1, 65))",
        "return cmsgpack.unpack(string.char(0x92, 1))",
        "return cmsgpack.unpack(string.char(0xa5, 65))",
        "return cmsgpack.unpack(string.char(0xd9, 3, 65, 66, 67))",
        "return cmsgpack.unpack(string.char(0xcf, 255,255,255,255,255,255,255,255))",
        "return cmsgpack.unpack(string.char(0xcf, 0,0,0,1,0,0,0,0))",
        "return cmsgpack.unpack(string.char(0xd3, 255,255,255,255,255,255,255,254))",
        "return cmsgpack.unpack(string.char(0xd1, 255, 1))",
        "return cmsgpack.unpack(string.char(0xd2, 128, 0, 0, 0))",
        "return cmsgpack.unpack(string.char(0xce, 255, 255, 255, 255))",
        "return tostring(cmsgpack.unpack(string.char(0xca, 0x3f, 0xc0, 0, 0)))",
        "return tostring(cmsgpack.unpack(string.char(0xcb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a)))",
        "return cmsgpack.unpack(string.char(0x81, 0xc0, 1))",
        "return cmsgpack.unpack(string.char(0x81, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 1))",
        "local ok, e = pcall(cmsgpack.unpack, string.char(0x81, 0xc0, 1)) return e",
        "return cmsgpack.unpack(string.char(0x81, 0xa1, 97))",
        "return cmsgpack.unpack(string.char(0x81, 0xa1, 97, 0xc0)).a",
        "return cmsgpack.unpack(nil)",
        "return cmsgpack.unpack()",
        "return cmsgpack.unpack({})",
        "return cmsgpack.unpack(5)",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1)}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 'x')}",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), '1')}",
        "return {cmsgpack.unpack_one()}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3))}",
        "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1.9)}",
        "return #{cmsgpack.unpack(string.rep(string.char(1), 7998))}",
        "return #{cmsgpack.unpack(string.rep(string.char(1), 7999))}",
        "return #{cmsgpack.unpack(string.rep(string.char(1), 8000))}",
        "return #{cmsgpack.unpack(string.rep(string.char(1), 7998), 'extra')}",
        "return #{cmsgpack.unpack(string.char(0xdc, 0x1f, 0x40) .. string.rep(string.char(1), 8000))}",
        "local ok, e = pcall(cmsgpack.unpack, string.char(0xdc)) return e",
        "return cmsgpack._VERSION .. cmsgpack._NAME .. cmsgpack._COPYRIGHT .. cmsgpack._DESCRIPTION",
        "cmsgpack.pack = nil",
        "local t = {} for i = 1, 4001 do t[i] = i end return #cmsgpack.pack(unpack(t))",
        "local t = {} for i = 1, 4000 do t[i] = i end return #cmsgpack.pack(unpack(t))",
        "return cmsgpack.pack(0/0) == cmsgpack.pack(0/0)",
        "return cmsgpack.pack(-0.0)",
        "return cmsgpack.pack(2^31, 2^32, -2^31, 2^53+1)",
        "return cmsgpack.pack({[2^31]=1})",
        "return cmsgpack.unpack(string.char(0x81, 0xcb, 0xff, 0xf8, 0, 0, 0, 0, 0, 0, 1))",
        "local ok, e = pcall(cmsgpack.unpack, string.char(0x81, 0xc0, 1)) return e",
        "local ok, e = pcall(function() return cmsgpack.unpack(string.char(0x81, 0xc0, 1)) end) return e",
        "return {cmsgpack.unpack(string.char(0x91, 0xc0, 0x92, 1))}",
        "return cmsgpack.unpack(string.char(0xdb, 0, 0, 0, 2, 65))",
        "return cmsgpack.unpack(string.char(0xdb, 0, 0, 0, 2, 65, 66))",
        "return cmsgpack.unpack(string.char(0xdd, 0, 0, 0, 1, 7))",
        "return cmsgpack.unpack(string.char(0xdf, 0, 0, 0, 1, 7, 8))[7]",
        "return cmsgpack.unpack(string.char(0xde, 0, 1, 7, 8))[7]",
        "return cmsgpack.unpack(string.char(0xd0, 0x80))",
        "return cmsgpack.unpack(string.char(0xe0))",
        "return cmsgpack.unpack(string.char(0xff))",
        "return cmsgpack.unpack(string.char(0xd4, 1, 1))",
        "return cmsgpack.unpack(string.char(0xc7))",
        "return cmsgpack.unpack(string.char(0xc0, 0xc0))",
        "return {cmsgpack.unpack(string.char(0xc0, 1))}"
    };

    private static final String[] BASE_LIBRARY = {
        // 5.1's tonumber, xpcall, load, next, table.insert/concat and string.rep.
        "return {xpcall(function(a) return a end, function(e) return e end, 5)}",
        "return load('return 1')",
        "return type(load(function() return nil end))",
        "local n = 0 for k in pairs(setmetatable({}, {__pairs = function() return function() end end})) do n = n + 1 end return n",
        "local t = {1,2,3} table.insert(t, 5, 9) return #t",
        "local t = {1,2,3} table.insert(t, 1, 2, 3) return #t",
        "return table.remove({}, 5)",
        "return table.concat({1, {}, 3})",
        "return tostring(setmetatable({}, {__tostring = function() return 'obj' end}))",
        "return select(-1, 'a', 'b')",
        "return string.sub('hello', 2.7)",
        "return ('x'):rep(-1)",
        "return unpack({1, 2, 3}, 2)",
        "return #{n = 1}",
        "return tonumber('10', 16)",
        "return tonumber('z', 36)",
        "return tonumber('8', 8)",
        "return tonumber(' 10 ')",
        "return tonumber('1e')",
        "return tonumber('0x')",
        "return tonumber('')",
        "return math.floor('3.7')",
        "return string.len(123)",
        "return next({}, 'nokey')",
        "return tonumber('ff', 16)",
        "return tonumber(' 0xff ', 16)",
        "return tonumber('-ff', 16)",
        "return tonumber('zz', 36)",
        "return tonumber('12', 1)",
        "return tonumber('12', 37)",
        "return tonumber('1', 'x')",
        "return tonumber({}, 16)",
        "return tonumber()",
        "return tonumber(nil)",
        "return tonumber('99999999999999999999999', 10)",
        "return tonumber('fffffffffffffffffffff', 16)",
        "return tonumber('12\\0x', 16)",
        "return tonumber('0x10')",
        "return tonumber('1e5')",
        "local t = {} table.insert(t, 'a') table.insert(t, 1, 'b') table.insert(t, 5, 'c') return {t[1], t[2], t[5]}",
        "return table.insert({}, 1, 2, 3)",
        "return table.insert({})",
        "return table.concat({1, 2.5, 'x'}, ', ')",
        "return table.concat({1, 2, 3}, '-', 2)",
        "return table.concat({1, 2, 3}, '', 3, 2)",
        "return table.concat({1, true})",
        "return string.rep('ab', 3)",
        "return string.rep('ab', 3, ',')",
        "return string.rep('', 5)",
        "return string.rep('x', 0)",
        "return string.rep()",
        "return {xpcall(function(...) return select('#', ...) end, print, 1, 2)}",
        "return load(function() return nil end) ~= nil",
        "local ok, e = pcall(next, {}, 'x') return e",
        // goto is a name in Lua 5.1, not a keyword.
        "local t = {} t.goto = 1 return t.goto",
        "local goto = 5 return goto",
        "local function goto(x) return x end return goto(3)",
        "return type(os)",
        "return type(math.random)",
        "return math.random(1, 1)",
        "return type(string.gmatch)",
        "return type(table.maxn)",
        "return type(math.pow)",
        "return type(math.ldexp)",
        "return type(math.frexp)",
        "return type(math.cosh)",
        "return type(math.log10)",
        "return type(table.unpack)",
        "return type(table.pack)",
        "return type(string.gfind)",
        "return type(load)",
        "return type(select)",
        "return type(newproxy)",
        "return type(coroutine.running)",
        "return type(gcinfo)",
        "return type(collectgarbage)",
        "return math.log10(1000)",
        "return table.maxn({1, 2, nil, 4})",
        "return {math.frexp(8)}",
        "return math.ldexp(0.5, 4)",
        "return math.pow(2, 10)",
        "return math.fmod(7, 3)",
        "return math.floor(-3.5)",
        "return select('#', 1, 2, 3)",
        "return string.rep('ab', 3, ',')",
        "return ('abc'):upper()",
        "return string.byte('ABC', 1, -1)",
        "return #string.char()",
        "return tostring(nil)",
        "return tostring(true)",
        "return string.find('hello world', 'o w')",
        "return string.find('hello', 'l+')",
        "return string.match('key:123', '%a+:(%d+)')",
        "return string.gsub('hello world', 'o', '0')",
        "return string.sub('hello', -3)",
        "return table.concat({1, 2, 3}, '-', 2, 3)",
        "return next({})",
        "return rawequal('a', 'a')",
        "return #KEYS",
        "return math.huge",
        "return math.pi",
        "return tostring(math.pi)",
        "return math.max(1, 5, 3)",
        "return math.min(4, 2)",
        "return math.abs(-2.5)",
        "return math.sqrt(16)",
        "return math.ceil(2.1)",
        "return string.format('%5.2s|', 'abc')",
        "return type(math.mod)",
        "return type(getfenv)",
        "return type(setfenv)",
        "return type(table.setn)",
        "return type(math.atan2)",
        "return type(math.sinh)",
        "return type(math.tanh)",
        "return type(newproxy)",
        "return type(string.gmatch)",
        "return type(table.foreach)",
        "return type(table.foreachi)",
        "return type(math.fmod)",
        "return type(module)",
        "return type(require)",
        "return type(dofile)",
        "return type(loadfile)",
        "return type(print)",
        "return type(xpcall)",
        "return type(string.reverse)",
        "return type(math.randomseed)",
        "return type(coroutine.status)",
        "return type(string.dump)",
        "return type(table.sort)",
        "return type(table.insert)",
        "return type(table.remove)",
        "return type(math.modf)",
        "return {math.modf(3.7)}",
        "return type(loadstring)",
        "return type(unpack)",
        "return type(_VERSION)",
        "return type(ipairs)",
        "return select(2, coroutine.running())",
        "return type(coroutine.running())",
        "return table.maxn({})",
        "return table.maxn({[1.5]=1, [-3]=2, a=3})",
        "return table.maxn()",
        "return table.setn({}, 3)",
        "return table.setn(5)",
        "local s = 0 table.foreach({5, 6, 7}, function(k, v) s = s + k * v end) return s",
        "return table.foreach({5, 6, 7}, function(k, v) if v == 6 then return k end end)",
        "return table.foreachi({5, 6, 7}, function(i, v) if v == 7 then return i * 10 end end)",
        "return table.foreachi({5}, 'x')",
        "return math.log10('100')",
        "return math.log10()",
        "return math.mod(-7, 3)",
        "return math.fmod(7, -3)",
        "local r = {} for w in string.gfind('a b c', '%a') do r[#r+1] = w end return r",
        "return table.getn()",
        "return table.getn({1, 2, 3})",
        "return type(gcinfo())",
        "local co = coroutine.create(function() return coroutine.running() end) local ok, v = coroutine.resume(co) return type(v)"
    };

    private static final String[] LOADSTRING = {
        "return {loadstring('x x', '@' .. string.rep('d/', 30) .. 'file.lua')}",
        "return {loadstring('x x', '=' .. string.rep('n', 70))}",
        "return {loadstring('x x\\nmore')}",
        "return {loadstring(string.rep('y', 50) .. ' x')}",
        "local f = loadstring('y = 1') return f()",
        "local f = loadstring('return zzz') return f()",
        "local f = loadstring('return 1 +') return f",
        "return {loadstring('return 1 +')}",
        "return {loadstring('x x')}",
        "local f = loadstring('local t = nil return t.x') return f()",
        "local f = loadstring('return 1 + 2') return f()",
        "local f = loadstring('return ...') return f(7)",
        "local f = loadstring('error(\"boom\")') return f()",
        "local ok, e = pcall(loadstring('local t = nil return t.x')) return e",
        "local f = loadstring('return nil + 1', 'mychunk') return f()",
        "local f = loadstring('return \"\\x41\"') return f()",
        "return {loadstring('goto x')}",
        "local f = loadstring(string.rep('x', 3)) return f",
        "return loadstring()",
        "return loadstring(1)",
        "return (loadstring('return 5'))()"
    };

    /** loadstring reads Lua 5.1's grammar and names its chunk [string "..."], as its errors show. */
    @Test
    void loadstringNamesItsChunkAsLua51() throws Exception {
        DifferentialRun.sameEvalReplies(LOADSTRING);
    }

    @Test
    void theBaseLibrariesAreLua51s() throws Exception {
        DifferentialRun.sameEvalReplies(BASE_LIBRARY);
    }

    private static final String[] RANDOM = {
        "return {tostring(math.random()), tostring(math.random()), math.random(1000000)}",
        "return {math.random(10), math.random(5, 7), math.random(-3, 3)}",
        "return math.random(0)",
        "return math.random(5, 1)",
        "return math.random(1, 2, 3)",
        "return math.random('x')",
        "return math.random('12')",
        "return math.random(1.9)",
        "return math.random(-2147483648, 2147483647)",
        "math.randomseed(42) return {math.random(1000), math.random(5, 10)}",
        "math.randomseed(-1) return math.random(1000)",
        "math.randomseed(2^40) return math.random(1000)",
        "return math.randomseed()",
        "return math.randomseed('x')",
        "return math.random(1000)"
    };

    /**
     * math.random is Redis's lrand48 port, from lrand48's default seed: fresh servers draw the same
     * numbers, EVAL and FCALL share the generator, and SCRIPT FLUSH does not reset it.
     */
    @Test
    void mathRandomDrawsRedissNumbers() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : RANDOM) {
                run.send("EVAL", script, "0");
            }
            run.send("SCRIPT", "FLUSH");
            run.send("EVAL", "return math.random(1000000)", "0");
            run.send("FUNCTION", "LOAD", "#!lua name=rnd\nredis.register_function('rnd', function() return math.random(1000000) end)");
            run.send("FCALL", "rnd", "0");
            run.send("FUNCTION", "FLUSH");
            run.send("EVAL", "return math.random(1000000)", "0");
        }
    }

    private static final String[] NUMBERS = {
        "redis.call('set', 'k', 1/3) return redis.call('get', 'k')",
        "redis.call('set', 'k', 1e300) return redis.call('get', 'k')",
        "redis.call('set', 'k', 2^53) return redis.call('get', 'k')",
        "return tostring(1/3)",
        "return 'x' .. 1/3",
        "return 'x' .. 2^63",
        "return tostring(-1e-5)",
        "return string.format('%s', 0.1)",
        "return tostring(2^53)",
        "return tostring(1e15)",
        "return tostring(123456789012345678)",
        "return tostring(-0.5)",
        "return tostring(1/0)",
        "return tostring(-1/0)",
        "return tostring(0/0)",
        "return string.len(1/3)",
        "return #tostring(1e100)",
        "return tonumber('1e5')",
        "return ('%d'):format(3.7)",
        "return string.rep(1/3, 2)",
        "return table.concat({1/3, 2}, ',')",
        "return (1/3) .. ''",
        // Numeric strings read as glibc's strtod reads them (hex, exponents, spaces, inf, nan).
        "return bit.band(' 0x10 ', 0xff)",
        "return bit.band('1e1', 0xff)",
        "return string.format('%d|%x', '0x1p4', ' 17 ')",
        "return string.format('%.1f', 'inf')",
        "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2), '0x1')}",
        "return struct.pack('>I2', '0x102')",
        "return bit.tobit('nan')",
        "return string.format('%s|%d|%5.1f', 1/3, 42, 2.25)",
        "return tostring(0.1 + 0.2)",
        "return tostring(100 / 7) .. ' ' .. tostring(-100 / 7)",
        "return tostring(1e-300) .. tostring(123.456e-7)",
        "return tostring(5 % 0) .. tostring(-(0/0))",
        "return tostring(math.huge - math.huge)",
        "return tostring(2^31) .. ',' .. tostring(-2^31) .. ',' .. tostring(2^31 - 0.5)",
        "return 99999999999999 .. ',' .. 100000000000000 .. ',' .. 1e14 + 0.5",
        "local ok, e = pcall(error, 1/3) return tostring(e)"
    };

    @Test
    void numbersBecomeTextAsLua51WritesThem() throws Exception {
        DifferentialRun.sameEvalReplies(NUMBERS);
    }

    private static final String[] BASE_FUNCTIONS = {
        // select, unpack (Lua's C stack limit), ipairs, assert, error, pcall (Redis's luaRedisPcall),
        // xpcall (the handler gets the raw error object), metamethods, tonumber's bases, coroutines.
        "return {select(-1, 'a', 'b', 'c')}",
        "return {select(-3, 'a', 'b', 'c')}",
        "return {pcall(select, -4, 'a', 'b', 'c')}",
        "return {pcall(select, 0, 'a')}",
        "return select('#', nil, nil)",
        "return {pcall(select, 'x')}",
        "return {unpack({1, 2, 3}, 2)}",
        "return {unpack({1, 2, 3}, -1, 1)}",
        "return {pcall(unpack, {}, 1, 1e8)}",
        "local t = {} for i, v in ipairs({1, 2, nil, 4}) do t[#t+1] = v end return t",
        "return {pcall(ipairs)}",
        "return {pcall(pairs, nil)}",
        "return {pcall(assert, false)}",
        "return {pcall(assert, nil, 'msg')}",
        "return {pcall(assert, false, {1})}",
        "return {pcall(assert, 1, 2, 3)}",
        "return {pcall(error)}",
        "return {pcall(error, nil)}",
        "return {pcall(error, {code = 1})}",
        "return {pcall(error, 'x', 0)}",
        "return {pcall(error, 'x', 2)}",
        "return {xpcall(function() error('boom') end, function(m) return 'handled: ' .. m end)}",
        "return {xpcall(function() return 1, 2 end, print)}",
        "return {pcall(xpcall)}",
        "local mt = {__index = function(t, k) return k .. '!' end} local t = setmetatable({}, mt) return t.foo",
        "local mt = {__call = function(self, a) return a * 2 end} local t = setmetatable({}, mt) return t(21)",
        "local mt = {__concat = function(a, b) return 'cat' end} local t = setmetatable({}, mt) return t .. 'x'",
        "local mt = {__eq = function() return true end} local a, b = setmetatable({}, mt), setmetatable({}, mt) return tostring(a == b)",
        "local mt = {__lt = function() return true end} local a, b = setmetatable({}, mt), setmetatable({}, mt) return tostring(a < b) .. tostring(a > b)",
        "local mt = {__le = function() return false end} local a, b = setmetatable({}, mt), setmetatable({}, mt) return tostring(a <= b)",
        "local mt = {__lt = function() return true end} local a, b = setmetatable({}, mt), setmetatable({}, mt) return tostring(a <= b)",
        "local mt = {__unm = function() return 'neg' end} return -setmetatable({}, mt)",
        "local mt = {__len = function() return 42 end} return #setmetatable({1, 2}, mt)",
        "local mt = {__tostring = function() return 'TS' end} return tostring(setmetatable({}, mt))",
        "local mt = {__metatable = 'locked'} local t = setmetatable({}, mt) return {getmetatable(t), pcall(setmetatable, t, {})}",
        "return tostring(rawequal('a', 'a')) .. tostring(rawequal({}, {}))",
        "return {pcall(rawequal, 1)}",
        "return type(getmetatable(''))",
        "return {pcall(setmetatable, 1, {})}",
        "return {pcall(setmetatable, {}, 1)}",
        "return {(\"abc\"):len(), (\"abc\"):upper(), #\"abc\"}",
        "local co = coroutine.create(function(a) local b = coroutine.yield(a + 1) return b * 2 end) local _, x = coroutine.resume(co, 1) local _, y = coroutine.resume(co, 10) return {x, y, coroutine.status(co)}",
        "local f = coroutine.wrap(function() coroutine.yield(1) coroutine.yield(2) end) return {f(), f()}",
        "return {coroutine.resume(coroutine.create(function() error('in co') end))}",
        "return {pcall(coroutine.resume, 1)}",
        "local co = coroutine.create(function() end) coroutine.resume(co) return {coroutine.resume(co)}",
        "return {pcall(coroutine.yield, 1)}",
        "return tostring(tonumber('10', 16)) .. tostring(tonumber('zz', 36)) .. tostring(tonumber('8', 8)) .. tostring(tonumber(' 11 ', 2))",
        "return {pcall(tonumber, '10', 1)}",
        "return {pcall(tonumber)}",
        "return tostring(tonumber(nil))",
        "return {pcall(tostring)}",
        "return {type(nil), type(print == nil), pcall(type)}",
        "return {getfenv and 1 or 0, setfenv and 1 or 0, newproxy and 1 or 0}",
        "return {pcall(getfenv, 0)}",
        "return {pcall(function() local t = setmetatable({}, {__newindex = function(t, k, v) rawset(t, k, v * 2) end}) t.x = 5 return t.x end)}",
        "return {pcall(string.rep)}",
        "return {pcall(next, {}, 'nokey')}",
        "local t = {} t[1.5] = 1 t[2] = 2 local n = 0 for k in pairs(t) do n = n + 1 end return n",
        "return {math.huge, -math.huge}",
        "return tostring(math.pi)",
        "return {pcall(function() return 1 < 'x' end)}",
        "return {pcall(function() return {} < {} end)}",
        "return {pcall(function() return 'a' .. {} end)}",
        "return {pcall(function() local a = nil; return a.b end)}",
        "return {pcall(function() return #nil end)}",
        "return {pcall(function() return -{} end)}",
        "return {xpcall(function() redis.call('nosuchcmd') end, function(m) return type(m) end)}",
        "return {xpcall(function() redis.call('nosuchcmd') end, function(m) return m end)}",
        "return {pcall(pcall)}",
        "return {pcall()}",
        "return {xpcall(function() return nil + 1 end, function(m) return m end, 'extra')}",
        "return {xpcall(function() error('x') end, function() end)}",
        "return {xpcall(function() error('x') end, function() return 1, 2 end)}",
        "return {xpcall(function() error({code = 1}) end, function(m) return type(m) .. m.code end)}",
        "return {xpcall(function() local x = nil; return x.y end, function(m) return m end)}",
        "return {xpcall(function() error('lvl0', 0) end, function(m) return m end)}",
        "return {xpcall(function() return 'fine', 2 end, function(m) return m end)}",
        "return {xpcall(function() error('x') end, function(m) error('handler fails') end)}",
        "return {xpcall(function() error('x') end, 'notafunction')}",
        "return {pcall(xpcall, function() end)}",
        "return xpcall()",
        "local t = {} for i = 1, 7997 do t[i] = i end return #{unpack(t, 1, 7997)}",
        "local t = {} return {pcall(unpack, t, 1, 7998)}",
        "local t = {} for i = 1, 7999 do t[i] = i end return #{unpack(t)}",
        "local t = {} for i = 1, 8000 do t[i] = i end return {pcall(unpack, t)}",
        "return {unpack({1, 2, 3}, 2.9, '3')}",
        "return {pcall(unpack)}",
        "return {pcall(unpack, {}, 'x')}",
        "return #{unpack({}, 2147483647, -2147483648)}",
        "return {pcall(unpack, {}, -2147483648, 2147483647)}",
        "return assert()",
        "return {pcall(assert)}",
        "return assert(false, 12.5)",
        "return assert(false, 'bad argument #1 to \\'x\\' (y)')",
        "local function f() return assert(false, 'tail') end return f()",
        "local a = assert return a(nil, 'aliased')",
        "return {assert(1, 2, 3)}",
        "return assert(false)",
        "return assert(nil, nil)",
        "return coroutine.yield(1)",
        "return {pcall(function() return coroutine.yield(1) end)}",
        "return coroutine.resume(1)",
        "return coroutine.status('x')",
        "return {pcall(coroutine.wrap, 1)}",
        "return {pcall(coroutine.create)}",
        "local co = coroutine.wrap(function(a) local b = coroutine.yield(a) return b end) return {co(1), co(2)}"
    };

    @Test
    void theBaseFunctionsCheckAndFailAsLua51() throws Exception {
        DifferentialRun.sameEvalReplies(BASE_FUNCTIONS);
    }

    private static final String[] STRINGS_AS_NUMBERS = {
        // Arithmetic and number arguments read a string as luaO_str2d (glibc's strtod) does.
        "return tostring(' 10 ' + 1) .. ' ' .. tostring('0x1p4' + 0) .. ' ' .. tostring(' -0x10 ' + 0)",
        "return tostring('inf' + 0) .. ' ' .. tostring('-inf' * 2) .. ' ' .. tostring('nan' + 0) .. ' ' .. tostring(-'nan')",
        "return tostring('\\t10\\n' * 2) .. ' ' .. tostring('1e2' / '4') .. ' ' .. tostring('5' % '3') .. ' ' .. tostring('2' ^ '0x3')",
        "return tostring(' ' + 1)",
        "return tostring('0x' + 0)",
        "return tostring('1e' - 1)",
        "return tostring('10' + '1e400') .. ' ' .. tostring('1' .. 2 + '3') .. ' ' .. tostring(-' 7 ')",
        "return string.rep('x', ' 3 ') .. string.rep('y', '0x2') .. string.sub('hello', '2', '0x3')",
        "return tostring(math.max('1e1', 3)) .. ' ' .. tostring(math.floor(' 2.5 '))",
        "return tostring('nan' == 'nan') .. tostring(('nan' + 0) == ('nan' + 0))",
        "local t = {} for i = '1', ' 3 ' do t[#t+1] = i end return t"
    };

    @Test
    void stringsInArithmeticReadAsStrtodReadsThem() throws Exception {
        DifferentialRun.sameEvalReplies(STRINGS_AS_NUMBERS);
    }

    private static final String[] STRING_ORDER = {
        // '<' on strings compares unsigned bytes (strcoll in the C locale), to the end past a '\0'.
        "return tostring('\\128' < 'a') .. tostring('a' < '\\255') .. tostring('\\127' < '\\128')",
        "return tostring('a\\0b' < 'a\\0c') .. tostring('a' < 'a\\0') .. tostring('\\0' < '')",
        "return tostring('\\195\\169' > 'z') .. tostring('Z' < 'a') .. tostring('abc' <= 'abd') .. tostring('b' >= 'ab')",
        "local t = {'zebra', '\\195\\169mile', 'apple', '\\195\\152re', 'banana', '\\200x'} "
            + "table.sort(t, function(a, b) return a < b end) return t",
        "local t = {'zebra', '\\195\\169mile', 'apple', '\\195\\152re', 'banana', '\\200x'} "
            + "table.sort(t, function(a, b) return a > b end) return t",
        "return tostring('abc' < 1)"
    };

    @Test
    void stringsCompareAsUnsignedBytes() throws Exception {
        DifferentialRun.sameEvalReplies(STRING_ORDER);
    }

    private static final String[] NEGATIVE_ZERO = {
        // Every Lua 5.1 number is a double: a computation that gives -0 keeps its sign.
        "local zero = 0 return tostring(-zero) .. ' ' .. tostring(zero * -3) .. ' ' .. tostring(-2.5 * zero)",
        "local z = -tonumber('0') return tostring(z) .. ' ' .. tostring(z + 0) .. ' ' .. tostring(z - 0) .. ' ' .. tostring(z + z)",
        "local z = -tonumber('0') return tostring(z == 0) .. tostring(z < 0) .. tostring(1 / z) .. tostring(-z)",
        "return tostring(tonumber('-0')) .. ' ' .. tostring(-'0') .. ' ' .. tostring(tonumber('-0x0'))",
        "local zero = 0 return tostring(zero / -1) .. ' ' .. tostring(math.ceil(-0.5)) .. ' ' .. tostring(math.floor(-zero))",
        "local z = -tonumber('0') return {z, 0}",
        "local z = -tonumber('0') return cjson.encode({z, 0, z}) .. cjson.encode(cjson.decode('[-0, 0, -0.0]'))",
        "local z = -tonumber('0') return string.format('%d %g %.1f %s %5.2f', z, z, z, z, z) .. (z .. '')",
        "local z = -tonumber('0') return {cmsgpack.unpack(cmsgpack.pack(z)) == 0, struct.unpack('d', struct.pack('d', z))}",
        "local z = -tonumber('0') redis.call('set', 'k', z) return redis.call('get', 'k')",
        "local z = -tonumber('0') redis.call('zadd', 'z', z, 'a') return redis.call('zscore', 'z', 'a')",
        "local z = -tonumber('0') return redis.call('incrbyfloat', 'f', z)",
        // As a table key -0 is 0, and the key keeps the sign it was first stored with.
        "local z = -tonumber('0') local t = {} t[z] = 1 t[0] = 2 local r = {} "
            + "for k, v in pairs(t) do r[#r+1] = tostring(k) .. '=' .. v end return r",
        "local z = -tonumber('0') local t = {} t[0] = 1 t[z] = 2 local r = {} "
            + "for k, v in pairs(t) do r[#r+1] = tostring(k) .. '=' .. v end return r",
        "local z = -tonumber('0') local t = {10, 20} t[z] = 1 return {#t, t[0], rawget(t, 0), tostring(next({[z] = 'x'}))}",
        "local z = -tonumber('0') local t = {} for i = z, 1 do t[#t+1] = tostring(i) end return t",
        "local z = -tonumber('0') return tostring(z % 1) .. ' ' .. tostring(-1 % 1) .. ' ' .. tostring(z ^ 1) .. ' ' .. tostring(z ^ -1)",
        "local z = -tonumber('0') return tostring(math.sqrt(z)) .. tostring(math.sin(z)) .. tostring(math.atan2(z, 1)) .. tostring(bit.tobit(z))",
        // Division and modulo as C computes them: the NaN of an operand comes through with its sign.
        "local n, zero = 0/0, 0 return tostring(n / 0) .. ' ' .. tostring(-n / 0) .. ' ' .. tostring((1/0) / (1/0)) .. ' ' "
            + ".. tostring(zero / zero) .. ' ' .. tostring(5 / zero) .. ' ' .. tostring(-5 / zero) .. ' ' .. tostring(n / n) .. ' ' .. tostring(-n)",
        "local n = -(0/0) return tostring(n / 0) .. ' ' .. tostring(n % 0) .. ' ' .. tostring(n * 0) .. ' ' .. tostring(5 % n) .. ' ' .. tostring(n % 2)",
        "local inf = 1/0 return tostring(inf % 2) .. ' ' .. tostring(5 % inf) .. ' ' .. tostring(-5 % inf) .. ' ' .. tostring(5 % 0) .. ' ' .. tostring(-7 % 3)"
    };

    @Test
    void negativeZeroIsADouble() throws Exception {
        DifferentialRun.sameEvalReplies(NEGATIVE_ZERO);
    }

    private static final String[] MATH = {
        "local z = -tonumber('0') return tostring(math.max(z, 0)) .. tostring(math.min(0, z))",
        "return tostring(math.max(0/0, 1)) .. ' ' .. tostring(math.max(1, 0/0)) .. ' ' .. tostring(math.min(0/0, 1))",
        "return tostring(math.max(3, 7, 5)) .. ' ' .. tostring(math.min(3, 7, -5)) .. ' ' .. tostring(math.max('5', 3))",
        "return math.max()",
        "return math.min(1, 'x')",
        "return tostring(math.fmod(5.5, 2)) .. ' ' .. tostring(math.fmod(-5.5, 2)) .. ' ' .. tostring(math.fmod(5.5, -2))",
        "return tostring(math.fmod(1e308, 3)) .. ' ' .. tostring(math.fmod(1, 0)) .. ' ' .. tostring(math.fmod(1/0, 1)) .. ' ' .. tostring(math.fmod(1, 1/0))",
        "local z = -tonumber('0') return tostring(math.fmod(z, 1)) .. ' ' .. tostring(math.fmod(-1, 1)) .. ' ' .. tostring(math.mod(-6, 3))",
        "return tostring(math.fmod(2^53, 10)) .. ' ' .. tostring(math.fmod(-2^60, 7))",
        "return math.fmod(1)",
        "return math.mod()",
        "return math.atan2()",
        "return math.pow()",
        "return math.ldexp()",
        "return math.ldexp(1, 'x')",
        "return {math.modf(3.7)}",
        "return tostring(select(2, math.modf(-3.7))) .. ' ' .. tostring(select(1, math.modf(-0.5))) .. ' ' .. tostring(select(2, math.modf(-5)))",
        "return tostring(select(1, math.modf(1/0))) .. ' ' .. tostring(select(2, math.modf(1/0))) .. ' ' .. tostring(select(2, math.modf(-1/0)))",
        "return tostring(math.ldexp(1, 1024)) .. ' ' .. tostring(math.ldexp(1, -1074)) .. ' ' .. tostring(math.ldexp(1, -1080)) "
            + ".. ' ' .. tostring(math.ldexp(3, 2.9)) .. ' ' .. tostring(math.ldexp(1e-310, 60)) .. ' ' .. tostring(math.ldexp(1, -1e10))",
        "return {math.frexp(1e-310)}",
        "return {math.frexp(4.9e-324)}",
        "return {math.frexp(-12.5)}",
        "return tostring(select(1, math.frexp(1/0))) .. ' ' .. tostring(select(2, math.frexp(1/0))) .. ' ' .. tostring(select(1, math.frexp(0/0)))",
        "local z = -tonumber('0') return tostring(select(1, math.frexp(z))) .. ' ' .. tostring(select(2, math.frexp(z)))",
        "return math.frexp()"
    };

    @Test
    void mathFunctionsAreCs() throws Exception {
        DifferentialRun.sameEvalReplies(MATH);
    }

    private static final String[] STRING_FORMAT = {
        "return string.format('%5.1f|%.2f|%f|%.0f|%#.0f', 2.25, 1/3, 1.5, 2.5, 3)",
        "return string.format('%.2f|%.2f|%.3f', 2.675, -0.005, 1e-10)",
        "return string.format('%e|%E|%.0e|%#.0e|%.3e', 12345.678, 0.00012, 5, 5, 0)",
        "return string.format('%g|%g|%g|%g|%g|%g', 100000, 1000000, 0.0001, 0.00001, 1/3, 1e100)",
        "return string.format('%G|%#g|%#.3g|%.0g|%.20g', 1e-10, 1, 1, 123, 0.1)",
        "return string.format('%10.3f|%-10.3f|%010.3f|%+.2f|% .2f|%+010.1f', 3.14159, 3.14159, -3.14159, 2, 2, -7.25)",
        "return string.format('%f|%5f|%05f|%-6f|%+f|%E', 1/0, -1/0, 1/0, 0/0, 1/0, 0/0)",
        "return string.format('%d|%5d|%-5d|%05d|%+d|% d|%.3d|%5.3d|%.0d', 42, 42, 42, -42, 42, 42, 7, -7, 0)",
        "return string.format('%d|%d|%d|%i', 2^40, -2^40, 3.99, -3.99)",
        "return string.format('%d|%d', 2^63, 0/0)",
        "return string.format('%x|%X|%#x|%#X|%o|%#o|%#o|%u|%x', 255, 255, 255, 0, 8, 8, 0, -1, -1)",
        "return string.format('%08.3x|%-8x|%#10x|%#010x', 10, 10, 255, 255)",
        "return string.format('%c%c%c|%5c|%-5c|', 72, 105, 33, 65, 66)",
        "return string.format('%s|%10s|%-10s|%.2s|%5.1s|%05s', 'abc', 'abc', 'abc', 'abc', 'abc', 'ab')",
        "return string.format('%s|%s|%s', 1/3, 10, -0.5)",
        "return string.format('%q', 'a\"b\\\\c\\nd\\re' .. string.char(0) .. 'f')",
        "return string.format('%s', string.rep('x', 150)) == string.rep('x', 150)",
        "return string.format('%.3s', 'ab' .. string.char(0) .. 'cd')",
        "return #string.format('%s', 'ab' .. string.char(0) .. 'cd')",
        "return #string.format('%s', string.rep('x', 99) .. string.char(0) .. 'cd')",
        "return string.format('%5%')",
        "return string.format('%y', 1)",
        "return string.format('%d')",
        "return string.format('%d', 'x')",
        "return string.format('%d', '12')",
        "return string.format('%s', {})",
        "return string.format('%s')",
        "return string.format('%------d', 1)",
        "return string.format('%-----d|', 1)",
        "return string.format('%123d', 1)",
        "return string.format('%1.123f', 1)",
        "return string.format('%99.99f', 1) == nil",
        "return string.format(12.5)",
        "return string.format()",
        "return ('%d-%s'):format(5, 'x')",
        "return string.format('%c', 0) .. '|' .. #string.format('%5c', 0) .. '|' .. #string.format('%-5c', 0)",
        "return string.format('%5.2s|', 'abc')",
        "return string.format('%.14g|%.17g|%.1g', 0.1, 0.1, 0.05)",
        "return string.format('%g|%g', 1e15, 123456789)",
        "return string.format('%i|%u', 1e19, 1e19)",
        "return string.format('%x', 2^64)",
        "return string.format('%.0f|%.0f|%.0f|%.0f', 0.5, 1.5, -0.5, -0.4)"
    };

    @Test
    void stringFormatWritesAsLua51OnGlibc() throws Exception {
        DifferentialRun.sameEvalReplies(STRING_FORMAT);
    }

    private static final String[] BIT = {
        "return bit.tohex(1, 0)",
        "return bit.tohex(255, -2)",
        "return bit.tohex(-1, 9)",
        "return bit.tohex(-1, -9)",
        "return bit.tohex(65535, 3)",
        "return bit.tohex(1, 2^31)",
        "return bit.tohex(1, -2^31)",
        "return bit.tohex(12)",
        "return bit.tohex(1, nil)",
        "return bit.tohex()",
        "return bit.band(1, 'x')",
        "return bit.band('7', 3)",
        "return bit.bor()",
        "return bit.lshift(1)",
        "return bit.rol(1, 33)",
        "return bit.tobit(2^32 + 5)",
        "return bit.tobit(-1.5)",
        "return bit.tobit(2.5)",
        "return bit.bswap(0x12345678)",
        "return bit.bnot(0)",
        "return bit.arshift(-256, 4)",
        "return bit.rshift(-256, 4)"
    };

    @Test
    void bitComputesAndFailsAsRedis() throws Exception {
        DifferentialRun.sameEvalReplies(BIT);
    }

    private static final String[] STRUCT = {
        "return struct.pack('>I2', 258)",
        "return struct.pack('<i4', -2)",
        "return struct.pack('>l', 1234567890123)",
        "return struct.pack('b', -1)",
        "return struct.pack('B', 255)",
        "return struct.pack('h', 300)",
        "return struct.pack('f', 1.5)",
        "return struct.pack('>d', 0.1)",
        "return struct.pack('s', 'abc')",
        "return struct.pack('c3', 'abcdef')",
        "return struct.pack('c0', 'abcdef')",
        "return struct.pack('!4 b i', 1, 2)",
        "return struct.pack('x')",
        "return struct.pack('>I3', 65536 + 2)",
        "return {struct.unpack('>I2', string.char(1, 2))}",
        "return {struct.unpack('<i4', string.char(254, 255, 255, 255))}",
        "return {struct.unpack('s', 'abc\\0def')}",
        "return {struct.unpack('c2 c1', 'abcdef')}",
        "return {struct.unpack('b', 'abc', 2)}",
        "return {struct.unpack('B', string.char(200))}",
        "return struct.size('>I2 i d !8 b')",
        "return struct.size('s')",
        "return struct.pack('i33', 1)",
        "return struct.pack('!3i', 1)",
        "return struct.pack('y', 1)",
        "return struct.unpack('>I4', 'ab')",
        "return struct.unpack('z', 'abc')",
        "return struct.pack('i')",
        "return struct.pack()",
        "return struct.unpack('b', 'a', 0)",
        "return {struct.unpack('c0', 'abc')}",
        "return {struct.unpack('bc0', string.char(2) .. 'abc')}",
        "return struct.pack('d', 1/0)",
        "return struct.pack('I8', 2^63)",
        "return struct.pack('i8', -2^63)",
        "return struct.pack('s', 12.5)",
        "local t = {} for i = 1, 9000 do t[i] = 'b' end return #{struct.unpack(table.concat(t), string.rep('a', 9000))}",
        "return struct.pack('>i', 2^31)",
        "return struct.pack('<I', -1)"
    };

    @Test
    void structPacksAndUnpacksAsRedis() throws Exception {
        DifferentialRun.sameEvalReplies(STRUCT);
    }

    @Test
    void cmsgpackPacksAndUnpacksAsRedis() throws Exception {
        DifferentialRun.sameEvalReplies(CMSGPACK);
    }
}
