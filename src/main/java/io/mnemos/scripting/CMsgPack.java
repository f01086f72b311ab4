package io.mnemos.scripting;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Redis's {@code cmsgpack} library (lua-cmsgpack 0.4.0, deps/lua/src/lua_cmsgpack.c): pack any
 * number of values into one MessagePack stream, unpack a stream into as many values, unpack_one and
 * unpack_limit to walk a stream by offset. Numbers are Lua 5.1's doubles: integral ones within
 * int64 pack as the smallest integer type, others as a float when that keeps the value exactly, else
 * a double; uint 64 above int64 unpacks wrapped, as the C cast does. A table whose keys are exactly
 * 1..n packs as an array, any other as a map; tables nested 16 deep pack as nil (cycles end there).
 * The C library's Lua stack limit is kept: unpacking more than about 8000 values at once fails as
 * it does in Redis, with its advice to use unpack_one or unpack_limit.
 */
final class CMsgPack {
    /** LUACMSGPACK_MAX_NESTING. */
    private static final int MAX_NESTING = 16;
    /** Lua 5.1's LUAI_MAXCSTACK: the stack slots a C function may use (lua_checkstack). */
    private static final int MAX_C_STACK = 8000;

    private CMsgPack() {
    }

    static LuaTable create() {
        LuaTable t = new LuaTable();
        t.rawset("pack", LuaConversions.function(CMsgPack::pack));
        t.rawset("unpack", LuaConversions.function(args -> unpack(args, "unpack", 0, 0, args.narg())));
        t.rawset("unpack_one", LuaConversions.function(args ->
                unpack(args, "unpack_one", 1, LuaConversions.optInteger(args, 2, 0, "unpack_one"), 1)));
        t.rawset("unpack_limit", LuaConversions.function(args -> {
            long limit = LuaConversions.checkInteger(args, 2, "unpack_limit");
            return unpack(args, "unpack_limit", limit, LuaConversions.optInteger(args, 3, 0, "unpack_limit"), 1);
        }));
        t.rawset("_NAME", "cmsgpack");
        t.rawset("_VERSION", "lua-cmsgpack 0.4.0");
        t.rawset("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
        t.rawset("_DESCRIPTION", "MessagePack C implementation for Lua");
        return t;
    }

    // ------------------------------------------------------------------ arguments (lauxlib)

    // ------------------------------------------------------------------ encoding

    private static Varargs pack(Varargs args) {
        int nargs = args.narg();
        if (nargs == 0) {
            throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)");
        }
        // lua_checkstack(L, nargs): the arguments are on the stack already.
        if (nargs + nargs > MAX_C_STACK) {
            throw new LuaError("bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 1; i <= nargs; i++) {
            encode(args.arg(i), out, 0);
        }
        return LuaString.valueOf(out.toByteArray());
    }

    private static void encode(LuaValue v, ByteArrayOutputStream out, int level) {
        switch (v.type()) {
            case LuaValue.TSTRING -> encodeBytes(LuaConversions.bytes(v.checkstring()), out);
            case LuaValue.TBOOLEAN -> out.write(v.toboolean() ? 0xc3 : 0xc2);
            case LuaValue.TNUMBER -> encodeNumber(v.todouble(), out);
            case LuaValue.TTABLE -> {
                if (level == MAX_NESTING) {
                    out.write(0xc0);
                } else {
                    encodeTable((LuaTable) v, out, level);
                }
            }
            default -> out.write(0xc0);
        }
    }

    private static void encodeBytes(byte[] s, ByteArrayOutputStream out) {
        int len = s.length;
        if (len < 32) {
            out.write(0xa0 | len);
        } else if (len <= 0xff) {
            out.write(0xd9);
            out.write(len);
        } else if (len <= 0xffff) {
            out.write(0xda);
            writeBigEndian(out, len, 2);
        } else {
            out.write(0xdb);
            writeBigEndian(out, len, 4);
        }
        out.write(s, 0, len);
    }

    /** mp_encode_lua_number: IS_INT64_EQUIVALENT, as the C cast and comparison decide it. */
    private static void encodeNumber(double n, ByteArrayOutputStream out) {
        // (int64_t)n of a value out of range gives INT64_MIN on x86, never equal to it.
        if (n >= -0x1p63 && n < 0x1p63 && (long) n == n) {
            encodeInt((long) n, out);
        } else {
            encodeDouble(n, out);
        }
    }

    private static void encodeDouble(double d, ByteArrayOutputStream out) {
        float f = (float) d;
        if (d == (double) f) {
            out.write(0xca);
            writeBigEndian(out, Float.floatToRawIntBits(f), 4);
        } else {
            out.write(0xcb);
            writeBigEndian(out, Double.doubleToRawLongBits(d), 8);
        }
    }

    private static void encodeInt(long n, ByteArrayOutputStream out) {
        if (n >= 0) {
            if (n <= 127) {
                out.write((int) n);
            } else if (n <= 0xff) {
                out.write(0xcc);
                out.write((int) n);
            } else if (n <= 0xffff) {
                out.write(0xcd);
                writeBigEndian(out, n, 2);
            } else if (n <= 0xffffffffL) {
                out.write(0xce);
                writeBigEndian(out, n, 4);
            } else {
                out.write(0xcf);
                writeBigEndian(out, n, 8);
            }
        } else if (n >= -32) {
            out.write((int) n & 0xff);
        } else if (n >= -128) {
            out.write(0xd0);
            out.write((int) n & 0xff);
        } else if (n >= -32768) {
            out.write(0xd1);
            writeBigEndian(out, n, 2);
        } else if (n >= -2147483648L) {
            out.write(0xd2);
            writeBigEndian(out, n, 4);
        } else {
            out.write(0xd3);
            writeBigEndian(out, n, 8);
        }
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long n, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (n >>> shift) & 0xff);
        }
    }

    /** A collection header: fix (up to 15, {@code fix} | n), 16-bit or 32-bit length. */
    private static void encodeLength(ByteArrayOutputStream out, long n, int fix, int type16, int type32) {
        if (n <= 15) {
            out.write(fix | (int) n);
        } else if (n <= 65535) {
            out.write(type16);
            writeBigEndian(out, n, 2);
        } else {
            out.write(type32);
            writeBigEndian(out, n, 4);
        }
    }

    private static void encodeTable(LuaTable t, ByteArrayOutputStream out, int level) {
        if (isArray(t)) {
            int len = t.rawlen();
            encodeLength(out, len, 0x90, 0xdc, 0xdd);
            for (int j = 1; j <= len; j++) {
                encode(t.get(j), out, level + 1);
            }
            return;
        }
        long count = 0;
        for (LuaValue k = t.next(LuaValue.NIL).arg1(); !k.isnil(); k = t.next(k).arg1()) {
            count++;
        }
        encodeLength(out, count, 0x80, 0xde, 0xdf);
        Varargs entry = t.next(LuaValue.NIL);
        while (!entry.arg1().isnil()) {
            encode(entry.arg1(), out, level + 1);
            encode(entry.arg(2), out, level + 1);
            entry = t.next(entry.arg1());
        }
    }

    /**
     * table_is_an_array: every key a number that is a positive int, and the largest one equal to
     * their count (keys 1..n without a hole).
     */
    private static boolean isArray(LuaTable t) {
        long count = 0;
        double max = 0;
        for (Varargs entry = t.next(LuaValue.NIL); !entry.arg1().isnil(); entry = t.next(entry.arg1())) {
            LuaValue k = entry.arg1();
            if (k.type() != LuaValue.TNUMBER) {
                return false;
            }
            double n = k.todouble();
            // IS_INT_EQUIVALENT: (int)n == n, which an out-of-range n never passes.
            if (n <= 0 || n >= 0x1p31 || (int) n != n) {
                return false;
            }
            max = Math.max(max, n);
            count++;
        }
        return max == count;
    }

    // ------------------------------------------------------------------ decoding

    /** mp_unpack_full; {@code slots}: the Lua stack slots the arguments hold when decoding starts. */
    private static Varargs unpack(Varargs args, String function, long limit, long offset, int slots) {
        byte[] s = LuaConversions.checkString(args, 1, function);
        boolean decodeAll = limit == 0 && offset == 0;
        if (offset < 0 || limit < 0) {
            // Redis's text prints the input's length where it says limit.
            throw new LuaError("Invalid request to unpack with offset of " + (int) offset + " and limit of "
                    + s.length + ".");
        } else if (offset > s.length) {
            throw new LuaError("Start offset " + (int) offset + " greater than input length " + s.length + ".");
        }
        if (decodeAll) {
            limit = Integer.MAX_VALUE;
        }
        Decoder d = new Decoder(s, (int) offset, slots);
        List<LuaValue> values = new ArrayList<>();
        for (int count = 0; d.pos < s.length && count < limit; count++) {
            values.add(d.value());
            d.slots++;
        }
        if (!decodeAll) {
            values.add(0, LuaValue.valueOf(d.pos == s.length ? -1 : d.pos));
        }
        return LuaValue.varargsOf(values.toArray(new LuaValue[0]));
    }

    /** Ends a decode: MP_CUR_ERROR_EOF or MP_CUR_ERROR_BADFMT. */
    private static final class DecodeError extends RuntimeException {
        DecodeError(String message) {
            super(message, null, false, false);
        }
    }

    private static final DecodeError EOF = new DecodeError("Missing bytes in input.");
    private static final DecodeError BAD_FORMAT = new DecodeError("Bad data format in input.");

    private static final class Decoder {
        private final byte[] s;
        int pos;
        /** Lua stack slots in use, for lua_checkstack's limit. */
        int slots;

        Decoder(byte[] s, int pos, int slots) {
            this.s = s;
            this.pos = pos;
            this.slots = slots;
        }

        LuaValue value() {
            try {
                return decode();
            } catch (DecodeError e) {
                throw new LuaError(e.getMessage());
            }
        }

        private void need(long n) {
            if (s.length - pos < n) {
                throw EOF;
            }
        }

        private void checkStack(String message) {
            if (slots + 1 > MAX_C_STACK) {
                throw new LuaError("stack overflow (" + message + ")");
            }
        }

        private int u8(int at) {
            return s[at] & 0xff;
        }

        private long bigEndian(int at, int bytes) {
            long v = 0;
            for (int i = 0; i < bytes; i++) {
                v = (v << 8) | u8(at + i);
            }
            return v;
        }

        private LuaValue number(int header, long value) {
            pos += header;
            return LuaValue.valueOf((double) value);
        }

        private LuaValue string(int header, long length) {
            need(header + length);
            LuaValue v = LuaString.valueOf(Arrays.copyOfRange(s, pos + header, pos + header + (int) length));
            pos += header + (int) length;
            return v;
        }

        /** mp_decode_to_lua_type: one value, which the caller leaves on its stack (one slot). */
        private LuaValue decode() {
            need(1);
            checkStack("too many return values at once; use unpack_one or unpack_limit instead.");
            int b = u8(pos);
            switch (b) {
                case 0xcc -> {
                    need(2);
                    return number(2, u8(pos + 1));
                }
                case 0xd0 -> {
                    need(2);
                    return number(2, s[pos + 1]);
                }
                case 0xcd -> {
                    need(3);
                    return number(3, bigEndian(pos + 1, 2));
                }
                case 0xd1 -> {
                    need(3);
                    return number(3, (short) bigEndian(pos + 1, 2));
                }
                case 0xce -> {
                    need(5);
                    return number(5, bigEndian(pos + 1, 4));
                }
                case 0xd2 -> {
                    need(5);
                    return number(5, (int) bigEndian(pos + 1, 4));
                }
                case 0xcf, 0xd3 -> {
                    // uint 64 goes through lua_pushinteger: above int64 it wraps, as the C cast does.
                    need(9);
                    return number(9, bigEndian(pos + 1, 8));
                }
                case 0xc0 -> {
                    pos++;
                    return LuaValue.NIL;
                }
                case 0xc3 -> {
                    pos++;
                    return LuaValue.TRUE;
                }
                case 0xc2 -> {
                    pos++;
                    return LuaValue.FALSE;
                }
                case 0xca -> {
                    need(5);
                    float f = Float.intBitsToFloat((int) bigEndian(pos + 1, 4));
                    pos += 5;
                    return LuaValue.valueOf((double) f);
                }
                case 0xcb -> {
                    need(9);
                    double d = Double.longBitsToDouble(bigEndian(pos + 1, 8));
                    pos += 9;
                    return LuaValue.valueOf(d);
                }
                case 0xd9 -> {
                    need(2);
                    return string(2, u8(pos + 1));
                }
                case 0xda -> {
                    need(3);
                    return string(3, bigEndian(pos + 1, 2));
                }
                case 0xdb -> {
                    need(5);
                    return string(5, bigEndian(pos + 1, 4));
                }
                case 0xdc -> {
                    need(3);
                    return array(3, bigEndian(pos + 1, 2));
                }
                case 0xdd -> {
                    need(5);
                    return array(5, bigEndian(pos + 1, 4));
                }
                case 0xde -> {
                    need(3);
                    return map(3, bigEndian(pos + 1, 2));
                }
                case 0xdf -> {
                    need(5);
                    return map(5, bigEndian(pos + 1, 4));
                }
                default -> {
                    if ((b & 0x80) == 0) {
                        return number(1, b);
                    } else if ((b & 0xe0) == 0xe0) {
                        return number(1, (byte) b);
                    } else if ((b & 0xe0) == 0xa0) {
                        return string(1, b & 0x1f);
                    } else if ((b & 0xf0) == 0x90) {
                        return array(1, b & 0xf);
                    } else if ((b & 0xf0) == 0x80) {
                        return map(1, b & 0xf);
                    }
                    throw BAD_FORMAT;
                }
            }
        }

        /**
         * mp_decode_to_lua_array, after a header of that many bytes: the table, then for each
         * element its index and itself.
         */
        private LuaValue array(int header, long n) {
            pos += header;
            LuaTable t = new LuaTable();
            slots++;
            checkStack("in function mp_decode_to_lua_array");
            for (long i = 1; i <= n; i++) {
                slots++;
                LuaValue v = decode();
                slots--;
                t.set((int) i, v);
            }
            slots--;
            return t;
        }

        /** mp_decode_to_lua_hash, after a header of that many bytes: the table, its key, then its value. */
        private LuaValue map(int header, long n) {
            pos += header;
            LuaTable t = new LuaTable();
            slots++;
            for (long i = 0; i < n; i++) {
                LuaValue key = decode();
                slots++;
                LuaValue value = decode();
                slots--;
                try {
                    t.rawset(key, value);
                } catch (LuaError e) {
                    // lua_settable's "table index is nil/NaN", raised inside the C function: no script position.
                    throw new PositionlessError(e.getMessage());
                }
            }
            slots--;
            return t;
        }
    }
}
