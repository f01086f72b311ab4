package io.mnemos.scripting;

import io.mnemos.protocol.RedisDoubles;
import io.mnemos.protocol.ReplyWriter;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.nio.charset.StandardCharsets;

/**
 * Redis's conversions between RESP replies and Lua values (script_lua.c): a command's reply
 * becomes a Lua value for redis.call, and a script's return value becomes the caller's reply.
 */
public final class LuaConversions {
    static final LuaString ERR = LuaValue.valueOf("err");
    static final LuaString OK = LuaValue.valueOf("ok");
    static final LuaString DOUBLE = LuaValue.valueOf("double");
    /** The NaN an x86 FPU produces for 0/0 or inf-inf: sign bit set, printed "-nan". */
    private static final double X86_DEFAULT_NAN = Double.longBitsToDouble(0xfff8000000000000L);
    static final LuaString BIG_NUMBER = LuaValue.valueOf("big_number");
    static final LuaString MAP = LuaValue.valueOf("map");
    static final LuaString SET = LuaValue.valueOf("set");
    static final LuaString VERBATIM = LuaValue.valueOf("verbatim_string");
    static final LuaString FORMAT = LuaValue.valueOf("format");
    static final LuaString STRING = LuaValue.valueOf("string");
    /** Marks an error table made from a command's error reply (already counted in errorstats). */
    static final LuaString IGNORE_STATS = LuaValue.valueOf("ignore_error_stats_update");

    private LuaConversions() {
    }

    // ---- RESP -> Lua -------------------------------------------------------------------------

    /** Parses one RESP2/RESP3 reply as redisProtocolToLuaType does. */
    public static LuaValue toLua(byte[] reply) {
        Parser p = new Parser(reply);
        return p.parse();
    }

    private static final class Parser {
        private final byte[] b;
        private int pos;

        Parser(byte[] b) {
            this.b = b;
        }

        private String line() {
            int start = pos;
            while (b[pos] != '\r') {
                pos++;
            }
            String s = new String(b, start, pos - start, StandardCharsets.ISO_8859_1);
            pos += 2;
            return s;
        }

        private LuaString lineBytes() {
            int start = pos;
            while (b[pos] != '\r') {
                pos++;
            }
            LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, start, pos));
            pos += 2;
            return s;
        }

        private LuaString bulkBody(int len) {
            LuaString s = LuaString.valueOf(java.util.Arrays.copyOfRange(b, pos, pos + len));
            pos += len + 2;
            return s;
        }

        LuaValue parse() {
            char type = (char) b[pos++];
            switch (type) {
                case '+': {
                    LuaTable t = new LuaTable();
                    t.rawset(OK, lineBytes());
                    return t;
                }
                case '-':
                    return errorTable("-" + new String(lineBytes().m_bytes, StandardCharsets.ISO_8859_1), true);
                case ':':
                    return LuaValue.valueOf((double) Long.parseLong(line()));
                case '$': {
                    int len = Integer.parseInt(line());
                    return len < 0 ? LuaValue.FALSE : bulkBody(len);
                }
                case '*': {
                    int len = Integer.parseInt(line());
                    if (len < 0) {
                        return LuaValue.FALSE;
                    }
                    LuaTable t = new LuaTable();
                    for (int i = 1; i <= len; i++) {
                        t.rawset(i, parse());
                    }
                    return t;
                }
                case '%': {
                    int len = Integer.parseInt(line());
                    LuaTable map = new LuaTable();
                    for (int i = 0; i < len; i++) {
                        LuaValue k = parse();
                        LuaValue v = parse();
                        if (!k.isnil()) {
                            map.rawset(k, v);
                        }
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(MAP, map);
                    return t;
                }
                case '~': {
                    int len = Integer.parseInt(line());
                    LuaTable set = new LuaTable();
                    for (int i = 0; i < len; i++) {
                        LuaValue k = parse();
                        if (!k.isnil()) {
                            set.rawset(k, LuaValue.TRUE);
                        }
                    }
                    LuaTable t = new LuaTable();
                    t.rawset(SET, set);
                    return t;
                }
                case '_':
                    pos += 2;
                    return LuaValue.NIL;
                case '#': {
                    boolean v = b[pos] == 't';
                    pos += 3;
                    return LuaValue.valueOf(v);
                }
                case ',': {
                    String text = line();
                    double d = switch (text) {
                        case "inf" -> Double.POSITIVE_INFINITY;
                        case "-inf" -> Double.NEGATIVE_INFINITY;
                        case "nan" -> Double.NaN;
                        default -> Double.parseDouble(text);
                    };
                    LuaTable t = new LuaTable();
                    t.rawset(DOUBLE, LuaValue.valueOf(d));
                    return t;
                }
                case '(': {
                    LuaTable t = new LuaTable();
                    t.rawset(BIG_NUMBER, lineBytes());
                    return t;
                }
                case '=': {
                    int len = Integer.parseInt(line());
                    LuaString body = bulkBody(len);
                    LuaTable v = new LuaTable();
                    v.rawset(STRING, body.substring(4, body.length()));
                    v.rawset(FORMAT, body.substring(0, 3));
                    LuaTable t = new LuaTable();
                    t.rawset(VERBATIM, v);
                    return t;
                }
                case '>': {
                    int len = Integer.parseInt(line());
                    LuaTable t = new LuaTable();
                    for (int i = 1; i <= len; i++) {
                        t.rawset(i, parse());
                    }
                    return t;
                }
                case '|': {
                    int len = Integer.parseInt(line());
                    for (int i = 0; i < 2 * len; i++) {
                        parse();
                    }
                    return parse();
                }
                default:
                    throw new IllegalStateException("unexpected reply type " + type);
            }
        }
    }

    /**
     * luaPushErrorBuff: "-CODE msg" keeps its code, a message without one gets "ERR"; the result
     * is a table {err="CODE msg"}.
     */
    public static LuaTable errorTable(String error, boolean ignoreStats) {
        String code;
        String msg;
        if (error.startsWith("-")) {
            int space = error.indexOf(' ');
            if (space < 0) {
                code = "ERR";
                msg = error.substring(1);
            } else {
                code = error.substring(1, space);
                msg = error.substring(space + 1);
            }
        } else {
            code = "ERR";
            msg = error;
        }
        msg = trimCrLf(msg);
        LuaTable t = new LuaTable();
        t.rawset(ERR, LuaString.valueOf((code + " " + msg).getBytes(StandardCharsets.ISO_8859_1)));
        if (ignoreStats) {
            t.rawset(IGNORE_STATS, LuaValue.TRUE);
        }
        return t;
    }

    private static String trimCrLf(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && (s.charAt(start) == '\r' || s.charAt(start) == '\n')) {
            start++;
        }
        while (end > start && (s.charAt(end - 1) == '\r' || s.charAt(end - 1) == '\n')) {
            end--;
        }
        return s.substring(start, end);
    }

    // ---- Lua -> RESP -------------------------------------------------------------------------

    /** The bytes of a Lua string (or a number's Lua string form). */
    public static byte[] bytes(LuaValue v) {
        LuaString s = v.checkstring();
        byte[] out = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, out, 0, s.m_length);
        return out;
    }

    /**
     * lauxlib's luaL_typerror as a library function raises it: argument {@code n} of
     * {@code function} is not a {@code expected} ("no value" when the call passed fewer).
     */
    static LuaError typeError(Varargs args, int n, String function, String expected) {
        return new LuaError("bad argument #" + n + " to '" + function + "' (" + expected + " expected, got "
                + (args.narg() < n ? "no value" : args.arg(n).typename()) + ")");
    }

    /** luaL_checkany: argument {@code n} of {@code function} was passed (nil counts). */
    static LuaValue checkAny(Varargs args, int n, String function) {
        if (args.narg() < n) {
            throw new LuaError("bad argument #" + n + " to '" + function + "' (value expected)");
        }
        return args.arg(n);
    }

    /** luaL_checknumber: argument {@code n} of {@code function}, a number or a string Lua reads as one. */
    static double checkNumber(Varargs args, int n, String function) {
        Double d = LuaNumbers.toNumber(args.arg(n));
        if (d == null) {
            throw typeError(args, n, function, "number");
        }
        return d;
    }

    /** luaL_checkinteger: {@link #checkNumber} cast to lua_Integer as x86-64 casts. */
    static long checkInteger(Varargs args, int n, String function) {
        return LuaNumbers.toLongX86(checkNumber(args, n, function));
    }

    /** luaL_optinteger: {@code defaultValue} for none or nil, else {@link #checkInteger}. */
    static long optInteger(Varargs args, int n, long defaultValue, String function) {
        return args.arg(n).isnil() ? defaultValue : checkInteger(args, n, function);
    }

    /** luaL_checklstring: argument {@code n} of {@code function}, a string or a number as Lua writes it. */
    static byte[] checkString(Varargs args, int n, String function) {
        if (!args.arg(n).isstring()) {
            throw typeError(args, n, function, "string");
        }
        return bytes(args.arg(n).checkstring());
    }

    /** A library function of any arguments and results, as a lambda. */
    static org.luaj.vm2.lib.VarArgFunction function(java.util.function.Function<Varargs, Varargs> body) {
        return new org.luaj.vm2.lib.VarArgFunction() {
            @Override
            public Varargs invoke(Varargs args) {
                return body.apply(args);
            }
        };
    }

    static String latin1(LuaValue v) {
        return new String(bytes(v), StandardCharsets.ISO_8859_1);
    }

    /**
     * luaReplyToRedisReply: the script's return value as the caller's reply. {@code scriptResp}
     * is the protocol the script selected with redis.setresp (booleans depend on it).
     */
    public static void toReply(LuaValue v, ReplyWriter out, int scriptResp, ErrorSink errors, int depth) {
        if (depth > 1000) {
            // Redis: "reached lua stack limit" once the nesting is too deep for its C stack.
            errors.error(out, "-ERR reached lua stack limit", false);
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> out.bulk(bytes(v));
            case LuaValue.TBOOLEAN -> {
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        out.integer(1);
                    } else {
                        out.nullBulk();
                    }
                } else {
                    out.bool(v.toboolean());
                }
            }
            case LuaValue.TNUMBER -> out.integer(toLongLong(v.todouble()));
            case LuaValue.TTABLE -> tableReply((LuaTable) v, out, scriptResp, errors, depth);
            default -> out.nullBulk();
        }
    }

    /** C's (long long) cast of a double as x86-64 does it: out of range and NaN give LLONG_MIN. */
    static long toLongLong(double d) {
        if (Double.isNaN(d) || d >= 9.223372036854775807E18 || d < -9.223372036854775808E18) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    private static void tableReply(LuaTable t, ReplyWriter out, int resp, ErrorSink errors, int depth) {
        LuaValue err = t.rawget(ERR);
        if (err.type() == LuaValue.TSTRING) {
            errors.error(out, "-" + latin1(err), t.rawget(IGNORE_STATS).toboolean());
            return;
        }
        LuaValue ok = t.rawget(OK);
        if (ok.type() == LuaValue.TSTRING) {
            String status = latin1(ok).replace('\r', ' ').replace('\n', ' ');
            out.raw(("+" + status + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            return;
        }
        LuaValue dbl = t.rawget(DOUBLE);
        if (dbl.type() == LuaValue.TNUMBER) {
            double d = dbl.todouble();
            // LuaJ answers 0/0 with Java's positive NaN; Lua on x86 computes the negative one.
            out.doubleValue(Double.isNaN(d) ? X86_DEFAULT_NAN : d);
            return;
        }
        LuaValue big = t.rawget(BIG_NUMBER);
        if (big.type() == LuaValue.TSTRING) {
            String num = latin1(big).replace('\r', ' ').replace('\n', ' ');
            if (out.resp3()) {
                out.raw(("(" + num + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            } else {
                out.bulk(num.getBytes(StandardCharsets.ISO_8859_1));
            }
            return;
        }
        LuaValue verbatim = t.rawget(VERBATIM);
        if (verbatim.type() == LuaValue.TTABLE) {
            LuaValue format = verbatim.rawget(FORMAT);
            LuaValue string = verbatim.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && string.type() == LuaValue.TSTRING) {
                byte[] body = bytes(string);
                if (out.resp3()) {
                    byte[] fmt = bytes(format);
                    byte[] head = ("=" + (body.length + 4) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                    byte[] all = new byte[head.length + 4 + body.length + 2];
                    System.arraycopy(head, 0, all, 0, head.length);
                    for (int i = 0; i < 3; i++) {
                        all[head.length + i] = i < fmt.length ? fmt[i] : 0;
                    }
                    all[head.length + 3] = ':';
                    System.arraycopy(body, 0, all, head.length + 4, body.length);
                    all[all.length - 2] = '\r';
                    all[all.length - 1] = '\n';
                    out.raw(all);
                } else {
                    out.bulk(body);
                }
                return;
            }
        }
        LuaValue map = t.rawget(MAP);
        if (map.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) map;
            int n = 0;
            for (Varargs e = m.next(LuaValue.NIL); !e.arg1().isnil(); e = m.next(e.arg1())) {
                n++;
            }
            out.mapHeader(n);
            for (Varargs e = m.next(LuaValue.NIL); !e.arg1().isnil(); e = m.next(e.arg1())) {
                toReply(e.arg1(), out, resp, errors, depth + 1);
                toReply(e.arg(2), out, resp, errors, depth + 1);
            }
            return;
        }
        LuaValue set = t.rawget(SET);
        if (set.type() == LuaValue.TTABLE) {
            LuaTable s = (LuaTable) set;
            int n = 0;
            for (Varargs e = s.next(LuaValue.NIL); !e.arg1().isnil(); e = s.next(e.arg1())) {
                n++;
            }
            out.setHeader(n);
            for (Varargs e = s.next(LuaValue.NIL); !e.arg1().isnil(); e = s.next(e.arg1())) {
                toReply(e.arg1(), out, resp, errors, depth + 1);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        out.arrayHeader(n);
        for (int j = 1; j <= n; j++) {
            toReply(t.rawget(j), out, resp, errors, depth + 1);
        }
    }

    /** A Lua number as redis.call passes it: "%.17g". */
    static byte[] numberArg(double d) {
        // As for {double=}: a NaN is the one x86 computes for 0/0, which glibc prints "-nan".
        return RedisDoubles.format(Double.isNaN(d) ? X86_DEFAULT_NAN : d).getBytes(StandardCharsets.US_ASCII);
    }

    /** How an error reply from a script's return value is written (and counted). */
    public interface ErrorSink {
        void error(ReplyWriter out, String dashMessage, boolean alreadyCounted);
    }
}
