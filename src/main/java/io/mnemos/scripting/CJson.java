package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Redis's {@code cjson} library (lua-cjson 2.1): encode and decode with cjson's rules for arrays
 * (tables whose keys are exactly 1..n), {@code cjson.null}, and its number format (%.14g).
 */
final class CJson {
    /** cjson.null: a light userdata in Redis, a unique userdata here, printed as Redis prints NULL. */
    static final LuaValue NULL = LuaValue.userdataOf(new Object() {
        @Override
        public String toString() {
            return "userdata: (nil)";
        }
    });

    private CJson() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("null", NULL);
        t.rawset("encode", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError("bad argument #1 to 'encode' (expected 1 argument)");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                encode(args.arg1(), out, 0);
                return LuaString.valueOf(out.toByteArray());
            }
        });
        t.rawset("decode", new VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                if (args.narg() != 1) {
                    throw new LuaError("bad argument #1 to 'decode' (expected 1 argument)");
                }
                byte[] text = LuaConversions.bytes(args.arg1().checkstring());
                Decoder d = new Decoder(text);
                LuaValue v = d.value(0);
                d.skipWhitespace();
                if (d.pos < text.length) {
                    throw d.error("the end");
                }
                return v;
            }
        });
        return t;
    }

    private static void encode(LuaValue v, ByteArrayOutputStream out, int depth) {
        if (depth > 1000) {
            throw new LuaError("Cannot serialise, excessive nesting (1001)");
        }
        switch (v.type()) {
            case LuaValue.TNIL -> out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
            case LuaValue.TBOOLEAN -> out.writeBytes((v.toboolean() ? "true" : "false").getBytes(StandardCharsets.US_ASCII));
            case LuaValue.TNUMBER -> {
                double d = v.todouble();
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new LuaError("Cannot serialise number: must not be NaN or Inf");
                }
                out.writeBytes(LuaNumbers.number14(d).getBytes(StandardCharsets.US_ASCII));
            }
            case LuaValue.TSTRING -> string(LuaConversions.bytes(v), out);
            case LuaValue.TTABLE -> table((LuaTable) v, out, depth);
            case LuaValue.TUSERDATA, LuaValue.TLIGHTUSERDATA -> {
                if (v == NULL) {
                    out.writeBytes("null".getBytes(StandardCharsets.US_ASCII));
                } else {
                    throw new LuaError("Cannot serialise userdata: type not supported");
                }
            }
            default -> throw new LuaError("Cannot serialise " + v.typename() + ": type not supported");
        }
    }

    private static void table(LuaTable t, ByteArrayOutputStream out, int depth) {
        // lua_array_length: every key a positive integer, no excessive sparseness.
        int max = 0;
        int items = 0;
        boolean array = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (k.type() == LuaValue.TNUMBER && k.todouble() == Math.floor(k.todouble()) && k.todouble() >= 1) {
                max = Math.max(max, (int) k.todouble());
                items++;
            } else {
                array = false;
                break;
            }
        }
        if (array && max > items * 2 && max > 10) {
            throw new LuaError("Cannot serialise table: excessively sparse array");
        }
        if (array && (items > 0 || max == 0)) {
            if (items == 0) {
                out.writeBytes("{}".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            out.write('[');
            for (int i = 1; i <= max; i++) {
                if (i > 1) {
                    out.write(',');
                }
                encode(t.rawget(i), out, depth + 1);
            }
            out.write(']');
            return;
        }
        out.write('{');
        boolean first = true;
        for (Varargs e = t.next(LuaValue.NIL); !e.arg1().isnil(); e = t.next(e.arg1())) {
            LuaValue k = e.arg1();
            if (!first) {
                out.write(',');
            }
            first = false;
            if (k.type() == LuaValue.TSTRING) {
                string(LuaConversions.bytes(k), out);
            } else if (k.type() == LuaValue.TNUMBER) {
                string(LuaNumbers.number14(k.todouble()).getBytes(StandardCharsets.US_ASCII), out);
            } else {
                throw new LuaError("Cannot serialise " + k.typename() + ": table key must be a number or string");
            }
            out.write(':');
            encode(e.arg(2), out, depth + 1);
        }
        out.write('}');
    }

    private static void string(byte[] s, ByteArrayOutputStream out) {
        out.write('"');
        for (byte b : s) {
            int c = b & 0xff;
            switch (c) {
                case '"' -> out.writeBytes("\\\"".getBytes(StandardCharsets.US_ASCII));
                case '\\' -> out.writeBytes("\\\\".getBytes(StandardCharsets.US_ASCII));
                case '/' -> out.writeBytes("\\/".getBytes(StandardCharsets.US_ASCII));
                case '\b' -> out.writeBytes("\\b".getBytes(StandardCharsets.US_ASCII));
                case '\f' -> out.writeBytes("\\f".getBytes(StandardCharsets.US_ASCII));
                case '\n' -> out.writeBytes("\\n".getBytes(StandardCharsets.US_ASCII));
                case '\r' -> out.writeBytes("\\r".getBytes(StandardCharsets.US_ASCII));
                case '\t' -> out.writeBytes("\\t".getBytes(StandardCharsets.US_ASCII));
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.writeBytes(String.format("\\u%04x", c).getBytes(StandardCharsets.US_ASCII));
                    } else {
                        out.write(c);
                    }
                }
            }
        }
        out.write('"');
    }

    private static final class Decoder {
        final byte[] s;
        int pos;

        Decoder(byte[] s) {
            this.s = s;
        }

        void skipWhitespace() {
            while (pos < s.length && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\n' || s[pos] == '\r')) {
                pos++;
            }
        }

        LuaError error(String expected) {
            String found = pos >= s.length ? "the end" : "'" + (char) s[pos] + "'";
            return new LuaError("Expected " + expected + " but found " + (pos >= s.length ? "T_END" : "invalid token")
                    + " at character " + (pos + 1));
        }

        LuaValue value(int depth) {
            if (depth > 1000) {
                throw new LuaError("Found too many nested data structures (1001) at character " + (pos + 1));
            }
            skipWhitespace();
            if (pos >= s.length) {
                throw error("value");
            }
            byte c = s[pos];
            switch (c) {
                case '{' -> {
                    pos++;
                    LuaTable t = new LuaTable();
                    skipWhitespace();
                    if (pos < s.length && s[pos] == '}') {
                        pos++;
                        return t;
                    }
                    while (true) {
                        skipWhitespace();
                        if (pos >= s.length || s[pos] != '"') {
                            throw error("object key string");
                        }
                        LuaValue k = string();
                        skipWhitespace();
                        if (pos >= s.length || s[pos] != ':') {
                            throw error("colon");
                        }
                        pos++;
                        t.rawset(k, value(depth + 1));
                        skipWhitespace();
                        if (pos < s.length && s[pos] == ',') {
                            pos++;
                        } else if (pos < s.length && s[pos] == '}') {
                            pos++;
                            return t;
                        } else {
                            throw error("comma or object end");
                        }
                    }
                }
                case '[' -> {
                    pos++;
                    LuaTable t = new LuaTable();
                    skipWhitespace();
                    if (pos < s.length && s[pos] == ']') {
                        pos++;
                        return t;
                    }
                    for (int i = 1; ; i++) {
                        t.rawset(i, value(depth + 1));
                        skipWhitespace();
                        if (pos < s.length && s[pos] == ',') {
                            pos++;
                        } else if (pos < s.length && s[pos] == ']') {
                            pos++;
                            return t;
                        } else {
                            throw error("comma or array end");
                        }
                    }
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    if (match("true")) {
                        return LuaValue.TRUE;
                    }
                    if (match("false")) {
                        return LuaValue.FALSE;
                    }
                    if (match("null")) {
                        return NULL;
                    }
                    int start = pos;
                    while (pos < s.length && "+-0123456789.eE".indexOf(s[pos]) >= 0) {
                        pos++;
                    }
                    if (start == pos) {
                        throw error("value");
                    }
                    try {
                        return LuaValue.valueOf(Double.parseDouble(new String(s, start, pos - start,
                                StandardCharsets.US_ASCII)));
                    } catch (NumberFormatException e) {
                        pos = start;
                        throw error("value");
                    }
                }
            }
        }

        private boolean match(String word) {
            byte[] w = word.getBytes(StandardCharsets.US_ASCII);
            if (pos + w.length > s.length) {
                return false;
            }
            for (int i = 0; i < w.length; i++) {
                if (s[pos + i] != w[i]) {
                    return false;
                }
            }
            pos += w.length;
            return true;
        }

        private LuaValue string() {
            pos++; // opening quote
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos >= s.length) {
                    throw new LuaError("Expected value but found unexpected end of string at character " + (pos + 1));
                }
                byte c = s[pos++];
                if (c == '"') {
                    return LuaString.valueOf(out.toByteArray());
                }
                if (c != '\\') {
                    out.write(c);
                    continue;
                }
                byte e = s[pos++];
                switch (e) {
                    case 'b' -> out.write('\b');
                    case 'f' -> out.write('\f');
                    case 'n' -> out.write('\n');
                    case 'r' -> out.write('\r');
                    case 't' -> out.write('\t');
                    case 'u' -> {
                        int cp = Integer.parseInt(new String(s, pos, 4, StandardCharsets.US_ASCII), 16);
                        pos += 4;
                        if (cp >= 0xD800 && cp <= 0xDBFF && pos + 6 <= s.length && s[pos] == '\\' && s[pos + 1] == 'u') {
                            int lo = Integer.parseInt(new String(s, pos + 2, 4, StandardCharsets.US_ASCII), 16);
                            pos += 6;
                            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        }
                        out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                    }
                    default -> out.write(e);
                }
            }
        }
    }
}
