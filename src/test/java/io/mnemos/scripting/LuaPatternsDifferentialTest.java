package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Lua 5.1's pattern matching (string.find, match, gmatch, gsub) and case mapping (lower, upper),
 * script by script against real Redis: character classes in the C locale, sets, frontiers,
 * balanced matches, back references, position captures, anchors, the replacement forms of gsub
 * (string with %0-%9 and a final '%', table, function) and the errors of malformed patterns.
 * Besides the hand-written cases, seeded random patterns over random subjects, each tried with
 * every function (LuaJ's matcher disagreed with Redis on 44% of them).
 */
class LuaPatternsDifferentialTest {
    private static final String[] PATTERNS = {
        "return {string.find(\"a b\", \"%g\")}",
        "return {string.find(\"a\\0b\", \"%z\")}",
        "return {string.find(\"THE (quick) fox\", \"%f[%a]%a+\")}",
        "return {string.find(\"hello\", \"l\", 10)}",
        "return {string.find(\"hello\", \"\", 10)}",
        "return {string.find(\"hello\", \"\", 6)}",
        "return {string.find(\"hello\", \"\", -10)}",
        "return {string.match(\"hello\", \"()ll()\")}",
        "return string.format(\"%q\", \"a\\0b\\r\\n\\t\\\"\\\\\\026z\")",
        "return string.format(\"%q\", 1/3)",
        "return string.format(\"%5.2s|\", \"abc\")",
        "return string.gsub(\"hello world\", \"o\", {o = \"0\"})",
        "return string.gsub(\"hello world\", \"%w+\", \"%0 %0\", 1)",
        "return string.gsub(\"abc\", \"\", \"-\")",
        "return string.gsub(\"hello\", \"(l)(l)\", \"%2%1%3\")",
        "return string.gsub(\"hello\", \"l\", \"%\")",
        "return string.gsub(\"hello\", \"(\", \"x\")",
        "return string.gsub(\"hello\", \"[a\", \"x\")",
        "return string.gsub(\"hello\", \"%\", \"x\")",
        "return {string.byte(\"hello\", -3, -1)}",
        "return {string.byte(\"hello\", 0)}",
        "return {string.byte(\"hello\", 10)}",
        "return string.char(256)",
        "return string.char(-1)",
        "return string.char()",
        "return string.rep(\"ab\", 3, \",\")",
        "return string.upper(\"h\\195\\169llo\") .. string.lower(\"H\\195\\137LLO\")",
        "return string.reverse(\"\") .. string.reverse(\"abc\")",
        "return {string.find(\"a.b\", \".\", 1, true)}",
        "return {string.find(\"abc\", \"b\", nil, nil)}",
        "return string.sub(\"hello\", 2.7, 3.9)",
        "return string.sub(\"hello\", -100, 100)",
        "return {(\"x\"):rep(0), (\"x\"):rep(-1)}",
        "return tostring(string.find(\"abc\", \"[%a-z]\"))",
        "return {string.match(\"  key = value  \", \"^%s*(%S+)%s*=%s*(%S+)%s*$\")}",
        "return {string.match(\"2024-01-05\", \"(%d+)-(%d+)-(%d+)\")}",
        "local t = {} for k, v in string.gmatch(\"a=1, b=2\", \"(%w+)=(%w+)\") do t[#t+1] = k .. v end return t",
        "local t = {} for w in string.gmatch(\"one two\", \"%a+\") do t[#t+1] = w end return t",
        "return string.gsub(\"abc\", \"%w\", \"%%1\")",
        "return string.gsub(\"abc\", \"b\", \"%9\")",
        "return string.format(\"%s %s\", 1, true)",
        "return string.format(\"%s\", nil)",
        "return string.format(\"%d\", \"x\")",
        "return string.format(\"%c%c\", 72, 105)",
        "return string.format(\"%i\", 42)",
        "return string.format(\"%5.1s|%-5s|\", \"xyz\", \"ab\")",
        "return string.format(\"%x %X %o %e %E %G\", 255, 255, 8, 12345.678, 0.00012, 1e20)",
        "return string.format(\"%\")",
        "return string.format(\"%10\")",
        "return string.format(\"%y\", 1)",
        "return string.format(\"%-+ #010.3f\", 3.14159)",
        "return string.format(\"%.99f\", 1)",
        "return string.format(\"%100d\", 1)",
        "return tostring(string.len(\"\\0\\0\"))",
        "return string.gsub(\"abc\", \".\", {a = true})",
        "return string.gsub(\"abc\", \".\", {a = false})",
        "return string.gsub(\"abc\", \".\", function(c) if c == \"b\" then return nil end return c:upper() end)",
        "return string.gsub(\"abc\", \".\", function(c) return {} end)",
        "return string.gsub(\"hello\", \"l+\", 5)",
        "return {string.find(\"aaa\", \"a-\", 2)}",
        "return {string.find(\"aaa\", \"^a*$\")}",
        "return {string.match(\"key\", \"((k)(e))\")}",
        "return string.gsub(\"a,b,,c\", \",\", \";\", 2.5)",
        "return string.gsub(\"abc\", \"%f[%w]\", \"|\")",
        "return string.gsub(\"x\", \"x\", \"%1\")",
        "return {pcall(string.gsub, \"x\", \"(x\", \"\")}",
        "return {pcall(string.find, \"x\", \"%b\")}",
        "return {string.find(\"(foo(bar))baz\", \"%b()\")}",
        "return string.format(\"%s\", setmetatable({}, {__tostring = function() return \"T\" end}))",
        "return tostring(setmetatable({}, {__tostring = function() return 42 end}))"
    };

    @Test
    void patternsMatchAsLua51() throws Exception {
        DifferentialRun.sameEvalReplies(PATTERNS);
    }

    /** Every function on one subject (ARGV[1]), pattern (ARGV[2]), replacement (ARGV[3]) and init (ARGV[4]). */
    private static final String ALL_FUNCTIONS = String.join("\n",
        "local S, P, R, I = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])",
        "local function ser(...) local t = {} for i = 1, select('#', ...) do t[#t+1] = tostring((select(i, ...))) end "
            + "return table.concat(t, '|') end",
        "local out = {}",
        "out[#out+1] = ser(pcall(string.find, S, P, I))",
        "out[#out+1] = ser(pcall(string.find, S, P, I, true))",
        "out[#out+1] = ser(pcall(string.match, S, P, I))",
        "out[#out+1] = ser(pcall(string.gsub, S, P, R))",
        "out[#out+1] = ser(pcall(string.gsub, S, P, R, 2))",
        "out[#out+1] = ser(pcall(string.gsub, S, P, function(a, b) if a == 'a' then return nil end "
            + "return '[' .. tostring(a) .. ',' .. tostring(b) .. ']' end))",
        "out[#out+1] = ser(pcall(string.gsub, S, P, {a = 'A', ['1'] = 1, b = false}))",
        "local ok, e = pcall(function() local t = {} local n = 0 for a, b in string.gmatch(S, P) do n = n + 1 "
            + "if n > 50 then break end t[#t+1] = tostring(a) .. ',' .. tostring(b) end return table.concat(t, ';') end)",
        "out[#out+1] = tostring(ok) .. '|' .. tostring(e)",
        "out[#out+1] = ser(pcall(string.upper, S)) .. ser(pcall(string.lower, S))",
        "return out");

    private static final String[] ATOMS = {"a", "b", "c", "1", " ", ".", "%a", "%d", "%s", "%w", "%p", "%x", "%l", "%u",
        "%c", "%z", "%A", "%D", "%S", "%W", "[abc]", "[^a-c]", "[%d_]", "[a-]", "[]]", "[^]]", "[%a%d]", "%.", "%%",
        "%(", "%)", "%]", "%-", "x", "\0", "%g", "()", "%b()", "%f[%w]", "%f[%s]", "%1"};
    private static final String[] BROKEN = {"[", "%", "(", ")", "[a", "%b", "%b(", "%f", "%fa", "%2", "(()", "[%", "%f["};
    private static final String[] REPLACEMENTS = {"%0", "%1", "x%2y", "%%", "%", "<%1>", "", "r", "%a", "7"};
    private static final String[] INITS = {"1", "1", "1", "2", "-2", "0", "5", "20", "-20"};

    @Test
    void randomPatternsMatchAsInRedis() throws Exception {
        Random rnd = new Random(20261208);
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < 400; i++) {
                run.send("EVAL", ALL_FUNCTIONS, "0", randomSubject(rnd), randomPattern(rnd),
                        DifferentialRun.pick(rnd, REPLACEMENTS), DifferentialRun.pick(rnd, INITS));
            }
        }
    }

    private static String randomPattern(Random rnd) {
        StringBuilder p = new StringBuilder();
        if (rnd.nextInt(7) == 0) {
            p.append('^');
        }
        p.append(randomPieces(rnd, 4));
        if (rnd.nextInt(7) == 0) {
            p.append('$');
        }
        if (rnd.nextInt(12) == 0) {
            p.insert(rnd.nextInt(p.length() + 1), DifferentialRun.pick(rnd, BROKEN));
        }
        return p.toString();
    }

    private static String randomPieces(Random rnd, int most) {
        StringBuilder s = new StringBuilder();
        for (int n = 1 + rnd.nextInt(most); n > 0; n--) {
            s.append(rnd.nextInt(16) == 0 ? "(" + randomPieces(rnd, 2) + ")" : DifferentialRun.pick(rnd, ATOMS));
            switch (rnd.nextInt(12)) {
                case 0, 1 -> s.append('*');
                case 2 -> s.append('+');
                case 3 -> s.append('-');
                case 4 -> s.append('?');
                default -> { }
            }
        }
        return s.toString();
    }

    private static String randomSubject(Random rnd) {
        String alphabet = "abc1 2().-%_xX\0\t";
        StringBuilder s = new StringBuilder();
        for (int n = rnd.nextInt(15); n > 0; n--) {
            s.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return s.toString();
    }
}
