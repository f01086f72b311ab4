package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Redis's {@code cjson} library, lua-cjson 2.1.0: encode and decode with cjson's rules for arrays
 * (tables whose keys are exactly 1..n, not too sparse), {@code cjson.null}, numbers as "%.14g",
 * and its configuration functions, whose settings belong to one module table (Redis's, shared by
 * the scripts until SCRIPT FLUSH, or one {@code cjson.new()} made). The decoder is cjson's
 * tokenizer: numbers are read by strtod (so "0x10", "Infinity", "NaN", "+1" and "01" are numbers
 * unless decode_invalid_numbers is off), the text ends at its first '\0', and errors name the
 * token found ("Expected the end but found T_NUMBER at character 3").
 */
final class CJson {
    /** cjson.null: a light userdata in Redis, a unique userdata here, printed as Redis prints NULL. */
    static final LuaValue NULL = LuaValue.userdataOf(new Object() {
        @Override
        public String toString() {
            return "userdata: (nil)";
        }
    });

    /** json_config_t, with lua-cjson's defaults. */
    private static final class Config {
        boolean sparseConvert;
        int sparseRatio = 2;
        int sparseSafe = 10;
        int encodeMaxDepth = 1000;
        int decodeMaxDepth = 1000;
        /** 0 off (an error), 1 on ("nan", "inf"), 2 null. */
        int encodeInvalidNumbers;
        boolean decodeInvalidNumbers = true;
        boolean keepBuffer = true;
        int numberPrecision = 14;
    }

    private static final List<String> BOOLEAN_OPTIONS = List.of("off", "on");
    private static final List<String> INVALID_NUMBER_OPTIONS = List.of("off", "on", "null");

    private CJson() {
    }

    /** lua_cjson_new: a module table with its own configuration. */
    static LuaTable create() {
        Config cfg = new Config();
        LuaTable t = new LuaTable();
        t.rawset("encode", LuaConversions.function(args -> {
            expectOneArgument(args, "encode");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new Encoder(cfg, out).value(args.arg1(), 0);
            return LuaString.valueUsing(out.toByteArray());
        }));
        t.rawset("decode", LuaConversions.function(args -> {
            expectOneArgument(args, "decode");
            if (!args.arg1().isstring()) {
                throw LuaConversions.typeError(args, 1, "decode", "string");
            }
            return new Decoder(cfg, LuaConversions.bytes(args.arg1().checkstring())).document();
        }));
        t.rawset("encode_sparse_array", LuaConversions.function(args -> {
            argumentsAtMost(args, 3, "encode_sparse_array");
            LuaValue convert = booleanOption(args, 1, "encode_sparse_array", cfg.sparseConvert ? 1 : 0, BOOLEAN_OPTIONS,
                    v -> cfg.sparseConvert = v == 1);
            LuaValue ratio = integerOption(args, 2, "encode_sparse_array", 0, Integer.MAX_VALUE, cfg.sparseRatio,
                    v -> cfg.sparseRatio = v);
            LuaValue safe = integerOption(args, 3, "encode_sparse_array", 0, Integer.MAX_VALUE, cfg.sparseSafe,
                    v -> cfg.sparseSafe = v);
            return LuaValue.varargsOf(convert, ratio, safe);
        }));
        t.rawset("encode_max_depth", LuaConversions.function(args -> {
            argumentsAtMost(args, 1, "encode_max_depth");
            return integerOption(args, 1, "encode_max_depth", 1, Integer.MAX_VALUE, cfg.encodeMaxDepth, v -> cfg.encodeMaxDepth = v);
        }));
        t.rawset("decode_max_depth", LuaConversions.function(args -> {
            argumentsAtMost(args, 1, "decode_max_depth");
            return integerOption(args, 1, "decode_max_depth", 1, Integer.MAX_VALUE, cfg.decodeMaxDepth, v -> cfg.decodeMaxDepth = v);
        }));
        t.rawset("encode_number_precision", LuaConversions.function(args -> {
            argumentsAtMost(args, 1, "encode_number_precision");
            return integerOption(args, 1, "encode_number_precision", 1, 14, cfg.numberPrecision, v -> cfg.numberPrecision = v);
        }));
        t.rawset("encode_keep_buffer", LuaConversions.function(args -> {
            argumentsAtMost(args, 1, "encode_keep_buffer");
            return booleanOption(args, 1, "encode_keep_buffer", cfg.keepBuffer ? 1 : 0, BOOLEAN_OPTIONS, v -> cfg.keepBuffer = v == 1);
        }));
        t.rawset("encode_invalid_numbers", LuaConversions.function(args -> {
            argumentsAtMost(args, 1, "encode_invalid_numbers");
            return booleanOption(args, 1, "encode_invalid_numbers", cfg.encodeInvalidNumbers, INVALID_NUMBER_OPTIONS,
                    v -> cfg.encodeInvalidNumbers = v);
        }));
        t.rawset("decode_invalid_numbers", LuaConversions.function(args -> {
            argumentsAtMost(args, 1, "decode_invalid_numbers");
            return booleanOption(args, 1, "decode_invalid_numbers", cfg.decodeInvalidNumbers ? 1 : 0, BOOLEAN_OPTIONS,
                    v -> cfg.decodeInvalidNumbers = v == 1);
        }));
        t.rawset("new", LuaConversions.function(args -> {
            LuaTable fresh = create();
            ArgumentErrors.nameArguments(fresh, false);
            return fresh;
        }));
        t.rawset("null", NULL);
        t.rawset("_NAME", LuaValue.valueOf("cjson"));
        t.rawset("_VERSION", LuaValue.valueOf("2.1.0"));
        return t;
    }

    // ---- configuration functions (json_arg_init, json_enum_option, json_integer_option) ---------

    private static void expectOneArgument(Varargs args, String function) {
        if (args.narg() != 1) {
            throw new LuaError("bad argument #1 to '" + function + "' (expected 1 argument)");
        }
    }

    private static void argumentsAtMost(Varargs args, int most, String function) {
        if (args.narg() > most) {
            throw new LuaError("bad argument #" + (most + 1) + " to '" + function + "' (found too many arguments)");
        }
    }

    /**
     * json_enum_option with bool_true 1: true/false or one of the option names sets it; answers a
     * boolean for settings 0 and 1, else the option's name.
     */
    private static LuaValue booleanOption(Varargs args, int n, String function, int setting, List<String> options,
                                          java.util.function.IntConsumer set) {
        LuaValue v = args.arg(n);
        if (!v.isnil()) {
            if (v.isboolean()) {
                setting = v.toboolean() ? 1 : 0;
            } else {
                String name = LuaConversions.latin1(LuaValue.valueOf(LuaConversions.checkString(args, n, function)));
                setting = options.indexOf(name);
                if (setting < 0) {
                    throw new LuaError("bad argument #" + n + " to '" + function + "' (invalid option '" + name + "')");
                }
            }
            set.accept(setting);
        }
        return setting <= 1 ? LuaValue.valueOf(setting == 1) : LuaValue.valueOf(options.get(setting));
    }

    /** json_integer_option: an integer within [min, max] (its range error says argument #1, as cjson's does). */
    private static LuaValue integerOption(Varargs args, int n, String function, int min, int max, int setting,
                                          java.util.function.IntConsumer set) {
        if (!args.arg(n).isnil()) {
            int value = (int) LuaConversions.checkInteger(args, n, function);
            if (value < min || value > max) {
                throw new LuaError("bad argument #1 to '" + function + "' (expected integer between " + min + " and " + max + ")");
            }
            setting = value;
            set.accept(setting);
        }
        return LuaValue.valueOf(setting);
    }

    // ---- encoding ------------------------------------------------------------------------------

    private static final class Encoder {
        private final Config cfg;
        private final ByteArrayOutputStream out;

        Encoder(Config cfg, ByteArrayOutputStream out) {
            this.cfg = cfg;
            this.out = out;
        }

        private void write(String ascii) {
            out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
        }

        /** json_append_data. */
        void value(LuaValue v, int depth) {
            switch (v.type()) {
                case LuaValue.TNIL -> write("null");
                case LuaValue.TBOOLEAN -> write(v.toboolean() ? "true" : "false");
                case LuaValue.TNUMBER -> number(v.todouble(), "number");
                case LuaValue.TSTRING -> string(v.checkstring());
                case LuaValue.TTABLE -> {
                    depth++;
                    if (depth > cfg.encodeMaxDepth) {
                        throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
                    }
                    LuaTable t = (LuaTable) v;
                    int length = arrayLength(t);
                    if (length > 0) {
                        array(t, length, depth);
                    } else {
                        object(t, depth);
                    }
                }
                case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                    if (v != NULL) {
                        throw new LuaError("Cannot serialise userdata: type not supported");
                    }
                    write("null");
                }
                default -> throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
            }
        }

        /** lua_array_length: the largest key if every key is a positive integer, -1 if not or too sparse. */
        private int arrayLength(LuaTable t) {
            int max = 0;
            int items = 0;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                LuaValue k = e.arg1();
                double d = k.type() == LuaValue.TNUMBER ? k.todouble() : 0;
                if (d == 0 || Math.floor(d) != d || d < 1) {
                    return -1;
                }
                if (d > max) {
                    max = d < 0x1p31 ? (int) d : Integer.MIN_VALUE; // C's (int) of a double past INT_MAX on x86
                }
                items++;
            }
            if (cfg.sparseRatio > 0 && max > (long) items * cfg.sparseRatio && max > cfg.sparseSafe) {
                if (!cfg.sparseConvert) {
                    throw new LuaError("Cannot serialise table: excessively sparse array");
                }
                return -1;
            }
            return max;
        }

        private void array(LuaTable t, int length, int depth) {
            out.write('[');
            for (int i = 1; i <= length; i++) {
                if (i > 1) {
                    out.write(',');
                }
                value(t.rawget(i), depth);
            }
            out.write(']');
        }

        private void object(LuaTable t, int depth) {
            out.write('{');
            boolean comma = false;
            for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
                if (comma) {
                    out.write(',');
                }
                comma = true;
                LuaValue k = e.arg1();
                if (k.type() == LuaValue.TNUMBER) {
                    out.write('"');
                    number(k.todouble(), "number");
                    write("\":");
                } else if (k.type() == LuaValue.TSTRING) {
                    string(k.checkstring());
                    out.write(':');
                } else {
                    throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
                }
                value(e.arg(2), depth);
            }
            out.write('}');
        }

        /** json_append_number: NaN and infinities as encode_invalid_numbers says, else "%.{precision}g". */
        private void number(double d, String typename) {
            boolean invalid = Double.isNaN(d) || Double.isInfinite(d);
            if (cfg.encodeInvalidNumbers == 0 && invalid) {
                throw new LuaError("Cannot serialise " + typename + ": must not be NaN or Inf");
            }
            if (cfg.encodeInvalidNumbers == 1 && Double.isNaN(d)) {
                write("nan");
                return;
            }
            if (cfg.encodeInvalidNumbers == 2 && invalid) {
                write("null");
                return;
            }
            write(cfg.numberPrecision == 14 ? LuaNumbers.number14(d)
                    : io.mnemos.protocol.RedisDoubles.general(d, cfg.numberPrecision, false));
        }

        /** json_append_string: cjson's escapes (control characters, '"', '\\', '/', DEL). */
        private void string(LuaString s) {
            out.write('"');
            for (int i = 0; i < s.m_length; i++) {
                int c = s.m_bytes[s.m_offset + i] & 0xff;
                switch (c) {
                    case '"' -> write("\\\"");
                    case '\\' -> write("\\\\");
                    case '/' -> write("\\/");
                    case '\b' -> write("\\b");
                    case '\f' -> write("\\f");
                    case '\n' -> write("\\n");
                    case '\r' -> write("\\r");
                    case '\t' -> write("\\t");
                    default -> {
                        if (c < 0x20 || c == 0x7f) {
                            write(String.format("\\u%04x", c));
                        } else {
                            out.write(c);
                        }
                    }
                }
            }
            out.write('"');
        }
    }

    // ---- decoding ------------------------------------------------------------------------------

    private enum TokenType { T_OBJ_BEGIN, T_OBJ_END, T_ARR_BEGIN, T_ARR_END, T_STRING, T_NUMBER, T_BOOLEAN, T_NULL,
        T_COLON, T_COMMA, T_END, T_ERROR }

    /** json_parse_t and its tokenizer; the text reads as '\0' past its end, as the C string does. */
    private static final class Decoder {
        private final Config cfg;
        private final byte[] data;
        private int ptr;
        private int depth;
        // the current token (json_token_t)
        private TokenType type;
        private int index;
        private String error;
        private LuaValue value;

        Decoder(Config cfg, byte[] data) {
            this.cfg = cfg;
            this.data = data;
        }

        private int at(int i) {
            return i < data.length ? data[i] & 0xff : 0;
        }

        /** json_decode: one value, then nothing but the end. */
        LuaValue document() {
            if (data.length >= 2 && (data[0] == 0 || data[1] == 0)) {
                throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
            }
            next();
            LuaValue result = processValue();
            next();
            if (type != TokenType.T_END) {
                throw parseError("the end");
            }
            return result;
        }

        private LuaError parseError(String expected) {
            String found = type == TokenType.T_ERROR ? error : type.name();
            return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
        }

        private void tokenError(String message) {
            type = TokenType.T_ERROR;
            index = ptr;
            error = message;
        }

        /** json_next_token. */
        private void next() {
            int ch = at(ptr);
            while (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
                ch = at(++ptr);
            }
            index = ptr;
            TokenType single = switch (ch) {
                case '{' -> TokenType.T_OBJ_BEGIN;
                case '}' -> TokenType.T_OBJ_END;
                case '[' -> TokenType.T_ARR_BEGIN;
                case ']' -> TokenType.T_ARR_END;
                case ',' -> TokenType.T_COMMA;
                case ':' -> TokenType.T_COLON;
                default -> null;
            };
            if (single != null) {
                type = single;
                ptr++;
                return;
            }
            if (ch == 0) {
                type = TokenType.T_END;
                return;
            }
            if (ch == '"') {
                string();
            } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
                if (!cfg.decodeInvalidNumbers && invalidNumber()) {
                    tokenError("invalid number");
                    return;
                }
                number();
            } else if (startsWith("true")) {
                type = TokenType.T_BOOLEAN;
                value = LuaValue.TRUE;
                ptr += 4;
            } else if (startsWith("false")) {
                type = TokenType.T_BOOLEAN;
                value = LuaValue.FALSE;
                ptr += 5;
            } else if (startsWith("null")) {
                type = TokenType.T_NULL;
                ptr += 4;
            } else if ("iInN+".indexOf(ch) >= 0 && cfg.decodeInvalidNumbers && invalidNumber()) {
                number();
            } else {
                tokenError("invalid token");
            }
        }

        private boolean startsWith(String word) {
            for (int i = 0; i < word.length(); i++) {
                if (at(ptr + i) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private boolean startsWithIgnoreCase(int p, String word) {
            for (int i = 0; i < word.length(); i++) {
                if ((at(p + i) | 0x20) != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        /** json_is_invalid_number: what strtod reads but JSON does not allow (+, hex, leading zeros, inf, nan). */
        private boolean invalidNumber() {
            int p = ptr;
            if (at(p) == '+') {
                return true;
            }
            if (at(p) == '-') {
                p++;
            }
            if (at(p) == '0') {
                int ch2 = at(p + 1);
                return (ch2 | 0x20) == 'x' || (ch2 >= '0' && ch2 <= '9');
            }
            if (at(p) <= '9') {
                return false;
            }
            return startsWithIgnoreCase(p, "inf") || startsWithIgnoreCase(p, "nan");
        }

        /** json_next_number_token: strtod from here. */
        private void number() {
            // strtod reads no further than letters, digits and "._+-()" (hex digits, exponents, inf,
            // nan(...)): bound it there rather than have it look for the text's end at every number.
            int span = ptr;
            while (span < data.length && (Character.isLetterOrDigit(data[span]) || "._+-()".indexOf(data[span]) >= 0)) {
                span++;
            }
            double[] number = new double[1];
            int end = LuaNumbers.strtod(data, ptr, span - ptr, number);
            if (end < 0) {
                tokenError("invalid number");
                return;
            }
            type = TokenType.T_NUMBER;
            value = LuaValue.valueOf(number[0]);
            ptr = end;
        }

        /** json_next_string_token. */
        private void string() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ptr++; // the opening quote
            int ch;
            while ((ch = at(ptr)) != '"') {
                if (ch == 0) {
                    tokenError("unexpected end of string");
                    return;
                }
                if (ch == '\\') {
                    int escaped = switch (at(ptr + 1)) {
                        case '"' -> '"';
                        case '\\' -> '\\';
                        case '/' -> '/';
                        case 'b' -> '\b';
                        case 't' -> '\t';
                        case 'n' -> '\n';
                        case 'f' -> '\f';
                        case 'r' -> '\r';
                        case 'u' -> 'u';
                        default -> 0;
                    };
                    if (escaped == 'u') {
                        if (!unicodeEscape(out)) {
                            tokenError("invalid unicode escape code");
                            return;
                        }
                        continue;
                    }
                    if (escaped == 0) {
                        tokenError("invalid escape code");
                        return;
                    }
                    ch = escaped;
                    ptr++; // the backslash
                }
                out.write(ch);
                ptr++;
            }
            ptr++; // the closing quote
            type = TokenType.T_STRING;
            value = LuaString.valueUsing(out.toByteArray());
        }

        private int hex4(int p) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int d = Character.digit(at(p + i), 16);
                if (d < 0) {
                    return -1;
                }
                v = (v << 4) | d;
            }
            return v;
        }

        /** json_append_unicode_escape: \\uXXXX, a surrogate pair as one code point, written as UTF-8. */
        private boolean unicodeEscape(ByteArrayOutputStream out) {
            int escapeLength = 6;
            int codepoint = hex4(ptr + 2);
            if (codepoint < 0) {
                return false;
            }
            if ((codepoint & 0xF800) == 0xD800) {
                if ((codepoint & 0x400) != 0) {
                    return false; // a low surrogate first
                }
                if (at(ptr + 6) != '\\' || at(ptr + 7) != 'u') {
                    return false;
                }
                int low = hex4(ptr + 8);
                if (low < 0 || (low & 0xFC00) != 0xDC00) {
                    return false;
                }
                codepoint = (((codepoint & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
                escapeLength = 12;
            }
            if (codepoint <= 0x7F) {
                out.write(codepoint);
            } else if (codepoint <= 0x7FF) {
                out.write((codepoint >> 6) | 0xC0);
                out.write((codepoint & 0x3F) | 0x80);
            } else if (codepoint <= 0xFFFF) {
                out.write((codepoint >> 12) | 0xE0);
                out.write(((codepoint >> 6) & 0x3F) | 0x80);
                out.write((codepoint & 0x3F) | 0x80);
            } else {
                out.write((codepoint >> 18) | 0xF0);
                out.write(((codepoint >> 12) & 0x3F) | 0x80);
                out.write(((codepoint >> 6) & 0x3F) | 0x80);
                out.write((codepoint & 0x3F) | 0x80);
            }
            ptr += escapeLength;
            return true;
        }

        /** json_decode_descend: the nesting limit, reported at the character after the bracket. */
        private void descend() {
            if (++depth > cfg.decodeMaxDepth) {
                throw new LuaError("Found too many nested data structures (" + depth + ") at character " + ptr);
            }
        }

        /** json_process_value: the current token as a value. */
        private LuaValue processValue() {
            return switch (type) {
                case T_STRING, T_NUMBER, T_BOOLEAN -> value;
                case T_NULL -> NULL;
                case T_OBJ_BEGIN -> object();
                case T_ARR_BEGIN -> array();
                default -> throw parseError("value");
            };
        }

        private LuaTable object() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == TokenType.T_OBJ_END) {
                depth--;
                return t;
            }
            while (true) {
                if (type != TokenType.T_STRING) {
                    throw parseError("object key string");
                }
                LuaValue key = value;
                next();
                if (type != TokenType.T_COLON) {
                    throw parseError("colon");
                }
                next();
                t.rawset(key, processValue());
                next();
                if (type == TokenType.T_OBJ_END) {
                    depth--;
                    return t;
                }
                if (type != TokenType.T_COMMA) {
                    throw parseError("comma or object end");
                }
                next();
            }
        }

        private LuaTable array() {
            descend();
            LuaTable t = new LuaTable();
            next();
            if (type == TokenType.T_ARR_END) {
                depth--;
                return t;
            }
            for (int i = 1; ; i++) {
                t.rawset(i, processValue());
                next();
                if (type == TokenType.T_ARR_END) {
                    depth--;
                    return t;
                }
                if (type != TokenType.T_COMMA) {
                    throw parseError("comma or array end");
                }
                next();
            }
        }
    }
}
