package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import org.junit.jupiter.api.Test;

/**
 * Scripts are read with Lua 5.1's grammar, as in Redis: a syntax error gets Lua 5.1's message (what
 * was expected, what it was near, the line of the construct left open), Lua 5.2's additions that
 * LuaJ's compiler accepts are refused, string escapes 5.1 does not know are the character itself,
 * valid scripts (every statement and expression form) load with the same SHA as in Redis, and
 * randomly broken ones fail with Redis's message.
 */
class Lua51SyntaxTest {
    private static final String[] BROKEN = {
        "return [[a[[b]]c]]",
        "return [[a[[b]]",
        "return [==[a[[b]]c]==]",
        "return cmsgpack.pack({{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}})",
        "do goto x end ::x:: return 1",
        "return 1 // 2",
        "return 1 +",
        "local x = = 1",
        "if x then",
        "if x then return 1",
        "while true do",
        "for i = 1 do end",
        "for i do end",
        "for 1 do end",
        "function f( end",
        "function f(a,) end",
        "function f(a b) end",
        "local function end",
        "local 1 = 2",
        "x = ",
        "x y",
        "f(",
        "f(1",
        "f(1,)",
        "return \"abc",
        "return 'abc",
        "return [[abc",
        "--[[ unfinished",
        "return [=[ x ]]",
        "return [==x",
        "return 0x",
        "return 1e",
        "return 3.4.5",
        "return 1..2",
        "return \"\\300\"",
        "return a.1",
        "return a:b",
        "return a:b c",
        "return {1, 2",
        "return {a = }",
        "return {[1] 2}",
        "local t = {} t.x.y",
        "(f)",
        "a, f() = 1, 2",
        "(a) = 1",
        "break",
        "return 1; return 2",
        "return ... ",
        "function f() return ... end",
        "local function f() while true do local g = function() break end end end",
        "x = 1 @",
        "x = `",
        "return 1 end",
        "until x",
        "else",
        "elseif",
        "end",
        "return not",
        "return -",
        "return 1 + * 2",
        "local a <const> = 1",
        "return a.b.c:d",
        "f",
        "(g)()",
        "return @",
        "a = {f = function() end, g = function( ) return end",
        "return 'a\\",
        "b'",
        "local a = 1\nif a then\n  return 2\n",
        "local t = {\n 1,\n 2\nreturn t",
        "local x = f\n(g)()",
        "local s = 'abc\ndef'",
        "return [[\nunfinished",
        "for i = 1, 3 do\n  if i then\n    break\n  end\nend\nbreak",
        "function f()\n  return 1\nend end",
        "local t = {a = 1,\n b = 2,\n c = }",
        "x = 1;; y = 2",
        "::top:: goto top",
        "return 1 +\n\n\n"
    };

    private static final String[] ESCAPES = {
        "return \"\\x41\"",
        "return \"a\\z   b\"",
        "return \"\\q\\w\\e\\y\\%\\[\\]\"",
        "return 'it\\'s \"\\x\" \\\\x \\\\\\x'",
        "return \"\\65\\066\\0677\"",
        "return #\"\\0\\00\\000\"",
        "return \"tab\\tnew\\\\n\"",
        "return 'x\\",
        "y'",
        "return {\"\\x\", '\\z', \"\\u{41}\"}",
        "local s = \"\\x41\" .. [[\\x41]] return s"
    };

    private static final String[] VALID = {
        "local a, b, c = 1, 'two', {3}; return #c",
        "local function f(...) local n = select('#', ...) return n end return f(1, nil, 3)",
        "local t = {1, 2, 3; x = 1, ['y'] = 2, [3 + 1] = 4,} return t[4]",
        "local s = 0 for i = 10, 1, -2 do s = s + i end return s",
        "local r = {} for k, v in pairs({a = 1}) do r[#r + 1] = k end return r",
        "local i = 0 repeat i = i + 1 until i >= 3 return i",
        "local i = 0 while true do i = i + 1 if i > 5 then break end end return i",
        "do local x = 1 end return nil",
        "if false then return 1 elseif nil then return 2 else return 3 end",
        "local t = {} function t.a() return 1 end function t:b() return self end return t.a()",
        "local o = {v = 1} function o.m(self, x) return self.v + x end return o:m(2)",
        "return ('x'):rep(3) .. [[long]] .. [==[ x ]] ]==]",
        "return -2 ^ 2, not nil, #'abc', 2 ^ 3 ^ 2, 1 .. 2 .. 3",
        "return 1 < 2 and 2 <= 2 and 3 > 2 and 3 >= 3 and 1 ~= 2 and 1 == 1 or false",
        "return 0x1F, 1e3, .5, 3., 1E-2",
        "local f = function(a, b) return a or b end return f(nil, 'b')",
        "return (function(...) return ... end)(1, 2)",
        "local t = {f = function() return {g = function() return 'deep' end} end} return t.f().g()",
        "local s = string.format('%d', 3) return s",
        "return redis.call('ping')",
        "print = nil",
        "-- a comment\n--[[ a\nlong comment ]] return 1 --[==[ x ]==]",
        "local a = {} a[1], a[2] = 1, 2 return a",
        "return table.concat{1, 2} --",
        "return string.upper'x'",
        "local t = {[[a]], 'b'} return t",
        "local function fact(n) if n <= 1 then return 1 end return n * fact(n - 1) end return fact(5)",
        "return 1;",
        "local x = 1; local y = 2; return x + y;",
        "for i = 1, 2 do local function g() return i end end return 0"
    };

    @Test
    void syntaxErrorsReadAsInRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : BROKEN) {
                run.send("EVAL", script, "0");
            }
            run.send("FUNCTION", "LOAD", "#!lua name=lib\nredis.register_function('f', function() return 1 + end)");
        }
    }

    @Test
    void unknownEscapesAreTheCharacterItself() throws Exception {
        DifferentialRun.sameEvalReplies(ESCAPES);
    }

    private static final String[] PIECES = {"end", "(", ")", "{", "}", "[", "]", "=", "==", ",", ";", ".", "..", "...",
        ":", "local", "function", "if", "then", "else", "return", "do", "while", "for", "in", "'", "\"", "[[", "]]", "--",
        "\n", "x", "1", "0x", "1e", "#", "not", "and", "+", "@", "\\", "goto", "::", "break", "until", "repeat"};

    /** Valid scripts with random tokens inserted or characters deleted: Redis's verdict and message for each. */
    @Test
    void mutatedScriptsLoadOrFailAsInRedis() throws Exception {
        java.util.Random rnd = new java.util.Random(20261208);
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < 400; i++) {
                String src = DifferentialRun.pick(rnd, VALID);
                for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
                    int p = rnd.nextInt(src.length() + 1);
                    int op = rnd.nextInt(10);
                    src = op < 4 ? src.substring(0, p) + DifferentialRun.pick(rnd, PIECES) + src.substring(p)
                        : op < 8 ? src.substring(0, p) + src.substring(Math.min(src.length(), p + 1 + rnd.nextInt(6)))
                        : src.substring(0, p) + " " + DifferentialRun.pick(rnd, PIECES) + " " + src.substring(p);
                }
                run.send("SCRIPT", "LOAD", src);
            }
        }
    }

    @Test
    void validScriptsLoadAsInRedis() throws Exception {
        try (DifferentialRun run = DifferentialRun.start()) {
            for (String script : VALID) {
                run.send("SCRIPT", "LOAD", script);
            }
        }
    }
}
