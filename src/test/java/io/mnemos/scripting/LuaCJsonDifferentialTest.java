package io.mnemos.scripting;

import io.mnemos.testing.DifferentialRun;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * cjson (lua-cjson 2.1.0) as in Redis, script by script against real Redis: the decoder's tokens
 * and error texts (numbers read by strtod, hex, NaN and Infinity accepted unless
 * decode_invalid_numbers is off, escapes, surrogate pairs, the nesting limit, a '\0' ending the
 * text), the encoder's rules (sparse arrays, invalid numbers, precision, depth) and the
 * configuration functions with their checks, on cjson and on tables cjson.new() makes. Besides the
 * hand-written cases, seeded random JSON texts, valid and broken, decoded and encoded again.
 */
class LuaCJsonDifferentialTest {
    private static final String[] CASES = {
        "local t = {} for k in pairs(cjson) do t[#t+1] = k end table.sort(t) return t",
        "return {cjson._NAME, cjson._VERSION, type(cjson.version)}",
        "return {pcall(cjson.decode, '1 2')}",
        "return {pcall(cjson.decode, '\\0')}",
        "return {pcall(cjson.decode, 'a\\0')}",
        "return {pcall(cjson.decode, '')}",
        "return {pcall(cjson.decode, '  ')}",
        "return cjson.decode('1\\0garbage')",
        "return {pcall(cjson.decode, '\"abc')}",
        "return {pcall(cjson.decode, '\"a\\\\qb\"')}",
        "return {pcall(cjson.decode, '\"\\\\u12\"')}",
        "return {pcall(cjson.decode, '\"\\\\udc00\"')}",
        "return {pcall(cjson.decode, '\"\\\\ud800x\"')}",
        "return {pcall(cjson.decode, '\"\\\\ud800\\\\u0041\"')}",
        "return cjson.decode('\"\\\\ud83d\\\\ude00 \\\\u00e9 \\\\u0041 \\\\/ \\\\b\\\\f\\\\n\\\\r\\\\t\"')",
        "return cjson.encode(cjson.decode('[0x10, 1e2, -0, 01, +1, Infinity, -Infinity, 1.]'):sub(1))",
        "return {pcall(cjson.decode, 'NaN')}",
        "local v = cjson.decode('[NaN, nan, -nan, inf, -inf, infinity, InFiNiTy]') local t = {} for i = 1, #v do t[i] = tostring(v[i]) end return t",
        "return {pcall(cjson.decode, 'Infnity')}",
        "return {pcall(cjson.decode, '[1, 2')}",
        "return {pcall(cjson.decode, '{\"a\" 1}')}",
        "return {pcall(cjson.decode, '{\"a\": 1,}')}",
        "return {pcall(cjson.decode, '{1: 2}')}",
        "return {pcall(cjson.decode, '[1,]')}",
        "return {pcall(cjson.decode, 'truex')}",
        "return {pcall(cjson.decode, 'tru')}",
        "return {pcall(cjson.decode, '-')}",
        "return {pcall(cjson.decode, '-a')}",
        "return {pcall(cjson.decode, '.5')}",
        "return {pcall(cjson.decode, '[1e]')}",
        "return {pcall(cjson.decode, string.rep('[', 1001) .. string.rep(']', 1001))}",
        "return {pcall(cjson.decode, string.rep('{\"a\":', 1001) .. '1' .. string.rep('}', 1001))}",
        "return {pcall(cjson.decode)}",
        "return {pcall(cjson.decode, 1, 2)}",
        "return cjson.decode(123)",
        "return {pcall(cjson.decode, {})}",
        "return {cjson.decode_invalid_numbers(), cjson.decode_max_depth(), cjson.encode_max_depth(), cjson.encode_number_precision(), cjson.encode_keep_buffer(), cjson.encode_invalid_numbers(), cjson.encode_sparse_array()}",
        "local c = cjson.new() c.decode_invalid_numbers(false) return {pcall(c.decode, '0x10'), pcall(c.decode, 'NaN'), pcall(c.decode, '01'), pcall(c.decode, '-Infinity'), pcall(c.decode, '1.5')}",
        "local c = cjson.new() c.decode_max_depth(3) return {pcall(c.decode, '[[[1]]]'), pcall(c.decode, '[[[[1]]]]')}",
        "local c = cjson.new() c.encode_max_depth(2) return {pcall(c.encode, {{1}}), pcall(c.encode, {{{1}}})}",
        "local c = cjson.new() c.encode_number_precision(3) return c.encode({1/3, 12345.678, 2^60, 0.1})",
        "local c = cjson.new() return {c.encode_invalid_numbers('on'), c.encode({1/0, -1/0, 0/0})}",
        "local c = cjson.new() return {c.encode_invalid_numbers('null'), c.encode({1/0, -1/0, 0/0})}",
        "local c = cjson.new() return {c.encode_invalid_numbers(true), c.encode_invalid_numbers(false), c.encode_invalid_numbers()}",
        "local c = cjson.new() return {pcall(c.encode_invalid_numbers, 'maybe')}",
        "local c = cjson.new() return {pcall(c.encode_number_precision, 15)}",
        "local c = cjson.new() return {pcall(c.encode_number_precision, 0)}",
        "local c = cjson.new() return {pcall(c.encode_max_depth, 'x')}",
        "local c = cjson.new() return {pcall(c.encode_max_depth, 1, 2)}",
        "local c = cjson.new() return {pcall(c.encode_sparse_array, true, 2, 10, 1)}",
        "local c = cjson.new() return {c.encode_sparse_array(true, 3, 5)}",
        "local c = cjson.new() c.encode_sparse_array(true) return c.encode({[1] = 1, [20] = 2})",
        "local c = cjson.new() return {pcall(c.encode, {[1] = 1, [20] = 2})}",
        "local c = cjson.new() c.encode_sparse_array(false, 0) return c.encode({[1] = 1, [2000] = 2}):len()",
        "local c = cjson.new() return {pcall(c.encode_sparse_array, true, -1)}",
        "local c = cjson.new() return {c.encode_keep_buffer('off'), c.encode_keep_buffer('on'), c.encode({1, 'a'})}",
        "local c = cjson.new() return {pcall(c.decode_invalid_numbers, 2)}",
        "local c = cjson.new() return {c.decode_invalid_numbers('off'), c.decode_invalid_numbers('on')}",
        "return {pcall(cjson.encode, {[1e300] = 1})}",
        "return cjson.encode({[1e300] = 1, [1] = 2})",
        "return cjson.encode({[2^31] = 1})",
        "return {pcall(cjson.encode, {[true] = 1})}",
        "return {pcall(cjson.encode, function() end)}",
        "return {pcall(cjson.encode, 0/0)}",
        "return {pcall(cjson.encode, {a = 1/0})}",
        "return {pcall(cjson.encode, {[0/0 ~= 0/0 and 1 or 2] = 1})}",
        "return {pcall(cjson.encode)}",
        "return cjson.encode({1, 2, 3, nil, 5})",
        "return cjson.encode({[1] = 'a', [3] = 'c'})",
        "return cjson.encode({a = {b = {c = {}}}, [1.5] = 'x'})",
        "return cjson.encode('\\0\\1\\31\\127 \"\\\\/')",
        "return cjson.encode(cjson.null)",
        "return {pcall(cjson.encode, setmetatable({}, {__index = function() return 1 end}))}",
        "local c = cjson.new() c.encode_max_depth(1) return {pcall(c.encode, {}), pcall(c.encode, {{}})}",
        "return {pcall(function() local x = cjson.encode_max_depth(5) local r = {pcall(cjson.encode, {{{{{{1}}}}}})} cjson.encode_max_depth(1000) return r end)}"
    };

    @Test
    void cjsonEncodesDecodesAndIsConfiguredAsInRedis() throws Exception {
        DifferentialRun.sameEvalReplies(CASES);
    }

    /** Decodes ARGV[1], then encodes what it decoded. */
    private static final String ROUND_TRIP = String.join("\n",
        "local ok, v = pcall(cjson.decode, ARGV[1])",
        "if not ok then return 'E:' .. tostring(v) end",
        "local ok2, s = pcall(cjson.encode, v)",
        "return 'D:' .. type(v) .. ':' .. tostring(ok2) .. ':' .. tostring(s)");

    private static final String[] SCALARS = {"1", "-0", "0.5", "1e5", "-1.5E-3", "12345678901234567890", "1e400", "\"s\"",
        "\"\\u00e9\"", "\"a\\nb\"", "\"\\ud83d\\ude00\"", "true", "false", "null", "\"\"", "\"\\/\"", "0x10", "01", ".5",
        "1.", "\"\\x\"", "NaN", "Infinity", "-Infinity", "\"\\u12\"", "\"tab\there\"", "1e-400", "-", "+1", "nan"};
    private static final String[] KEYS = {"a", "b", "key", "1", "", "a b"};
    private static final String[] INSERTED = {"[", "]", "{", "}", ",", ":", "\"", "\\", " ", "0", "a", "-", "e", "."};

    @Test
    void randomJsonDecodesAsInRedis() throws Exception {
        Random rnd = new Random(20261208);
        try (DifferentialRun run = DifferentialRun.start()) {
            for (int i = 0; i < 400; i++) {
                run.send("EVAL", ROUND_TRIP, "0", mutate(rnd, value(rnd, 0)));
            }
        }
    }

    private static String value(Random rnd, int depth) {
        int kind = depth > 3 ? 0 : rnd.nextInt(3);
        if (kind == 0) {
            return DifferentialRun.pick(rnd, SCALARS);
        }
        StringBuilder s = new StringBuilder(kind == 1 ? "[" : "{");
        for (int n = rnd.nextInt(5), i = 0; i < n; i++) {
            if (i > 0) {
                s.append(',');
            }
            if (kind == 2) {
                s.append('"').append(DifferentialRun.pick(rnd, KEYS)).append("\":");
            }
            s.append(value(rnd, depth + 1));
        }
        return s.append(kind == 1 ? "]" : "}").toString();
    }

    /** Most texts stay valid; the others lose a character, gain one, or are cut short. */
    private static String mutate(Random rnd, String json) {
        if (json.isEmpty() || rnd.nextInt(5) < 3) {
            return json;
        }
        int i = rnd.nextInt(json.length());
        return switch (rnd.nextInt(5)) {
            case 0, 1 -> json.substring(0, i) + json.substring(i + 1);
            case 2, 3 -> json.substring(0, i) + DifferentialRun.pick(rnd, INSERTED) + json.substring(i);
            default -> json.substring(0, i);
        };
    }
}
