package io.mnemos.command;

import io.mnemos.server.Client;
import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.util.Sds;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static io.mnemos.command.CommandSpec.command;

/**
 * Bitmap commands (Redis 7.0's bitops.c) on string values, reply for reply and error for error,
 * with Redis's order of argument parsing, key lookup and type checks (which is why no
 * {@code keyType} is declared: each handler checks the type where Redis does).
 *
 * <p>Bit 0 is the most significant bit of the first byte. Strings are never edited in place: a
 * write stores a new array (stored arrays may be shared, e.g. with the slow log's argv).
 */
public final class BitmapCommands implements CommandFamily {
    private static final byte[] EMPTY = new byte[0];
    /** Eight bytes of a string as one long, for the word-at-a-time work of BITCOUNT, BITPOS and BITOP. */
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final CommandError BAD_OFFSET = CommandError.err("bit offset is not an integer or out of range");
    private static final String BAD_BIT = "bit is not an integer or out of range";
    private static final CommandError BAD_TYPE = CommandError.err(
            "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    private static final String BITFIELD_COMPLEXITY = "O(1) for each subcommand specified";

    private static final int OP_GET = 0;
    private static final int OP_SET = 1;
    private static final int OP_INCRBY = 2;
    private static final int OVERFLOW_WRAP = 0;
    private static final int OVERFLOW_SAT = 1;
    private static final int OVERFLOW_FAIL = 2;

    @Override
    public List<CommandSpec> commands() {
        return List.of(
                command("setbit", 4).flags(WRITE, DENYOOM).keys(1, 1, 1).group("bitmap").since("2.2.0")
                        .summary("Sets or clears the bit at offset in the string value stored at key")
                        .complexity("O(1)").handler(BitmapCommands::setbit).build(),
                command("getbit", 3).flags(READONLY, FAST).keys(1, 1, 1).group("bitmap").since("2.2.0")
                        .summary("Returns the bit value at offset in the string value stored at key")
                        .complexity("O(1)").handler(BitmapCommands::getbit).build(),
                command("bitcount", -2).flags(READONLY).keys(1, 1, 1).group("bitmap").since("2.6.0")
                        .summary("Count set bits in a string").complexity("O(N)")
                        .handler(BitmapCommands::bitcount).build(),
                command("bitpos", -3).flags(READONLY).keys(1, 1, 1).group("bitmap").since("2.8.7")
                        .summary("Find first bit set or clear in a string").complexity("O(N)")
                        .handler(BitmapCommands::bitpos).build(),
                command("bitop", -4).flags(WRITE, DENYOOM).keys(2, -1, 1).group("bitmap").since("2.6.0")
                        .summary("Perform bitwise operations between strings").complexity("O(N)")
                        .handler(BitmapCommands::bitop).build(),
                command("bitfield", -2).flags(WRITE, DENYOOM).keys(1, 1, 1).group("bitmap").since("3.2.0")
                        .summary("Perform arbitrary bitfield integer operations on strings")
                        .complexity(BITFIELD_COMPLEXITY).handler(c -> bitfield(c, false)).build(),
                command("bitfield_ro", -2).flags(READONLY, FAST).keys(1, 1, 1).group("bitmap").since("6.0.0")
                        .summary("Perform arbitrary bitfield integer operations on strings. Read-only variant of "
                                + "BITFIELD")
                        .complexity(BITFIELD_COMPLEXITY).handler(c -> bitfield(c, true)).build());
    }

    // ---------------------------------------------------------------- helpers

    private static void dirty(Client c, long n) {
        c.server().keyspace().stats().dirty += n;
    }

    /** The argument as C sees it through its char pointer (strcasecmp, strlen): up to the first NUL. */
    private static byte[] cstr(byte[] arg) {
        for (int i = 0; i < arg.length; i++) {
            if (arg[i] == 0) {
                return Arrays.copyOf(arg, i);
            }
        }
        return arg;
    }

    /** WRONGTYPE unless the entry, if any, holds a string. */
    private static void checkString(Entry e) {
        if (e != null && !e.isString()) {
            throw CommandError.WRONG_TYPE;
        }
    }

    /** The string value of an entry, or WRONGTYPE; null for a missing key. */
    private static byte[] stringOf(Entry e) {
        if (e == null) {
            return null;
        }
        if (!(e.value() instanceof byte[] s)) {
            throw CommandError.WRONG_TYPE;
        }
        return s;
    }

    /**
     * Redis's getBitOffsetFromArgument: a non-negative bit offset whose byte is below
     * proto-max-bulk-len; with {@code hash}, "#N" means N times the field width.
     */
    private static long bitOffset(Client c, byte[] arg, boolean hash, int bits) {
        boolean useHash = arg.length > 0 && arg[0] == '#' && hash && bits > 0;
        Long parsed = Args.parseLongOrNull(useHash ? Arrays.copyOfRange(arg, 1, arg.length) : arg);
        if (parsed == null) {
            throw BAD_OFFSET;
        }
        long offset = parsed;
        if (useHash) {
            offset *= bits;
        }
        if (offset < 0 || (offset >> 3) >= c.server().config().protoMaxBulkLen) {
            throw BAD_OFFSET;
        }
        // Beyond what a Java array can hold (only reachable with a raised proto-max-bulk-len).
        if ((offset >> 3) >= Integer.MAX_VALUE - 16) {
            throw BAD_OFFSET;
        }
        return offset;
    }

    private static int bitAt(byte[] s, long bitOffset) {
        long byteIndex = bitOffset >>> 3;
        if (s == null || byteIndex >= s.length) {
            return 0;
        }
        return (s[(int) byteIndex] >> (7 - (int) (bitOffset & 7))) & 1;
    }

    // ---------------------------------------------------------------- SETBIT / GETBIT

    private static void setbit(Client c) {
        long offset = bitOffset(c, c.arg(2), false, 0);
        long on = Args.parseLong(c.arg(3), BAD_BIT);
        if ((on & ~1L) != 0) {
            throw CommandError.err(BAD_BIT);
        }
        Database db = c.db();
        Entry e = db.lookupWrite(c.arg(1));
        checkString(e);
        int byteIndex = (int) (offset >>> 3);
        boolean created = e == null;
        int oldLength = created ? 0 : e.stringLength();
        int newLength = Math.max(oldLength, byteIndex + 1);
        boolean grown = created || newLength != oldLength;
        // lookupStringForBitCommand: a new sds made to measure, or the string unshared and grown
        byte[] s = created ? new byte[newLength] : db.editString(e, newLength);
        if (created) {
            e = db.add(c.arg(1), s);
            e.rawString(Sds.MADE_TO_MEASURE);
        } else {
            e.growRawString(oldLength, newLength);
        }
        int shift = 7 - (int) (offset & 7);
        int byteval = s[byteIndex] & 0xff;
        int bitval = (byteval >> shift) & 1;
        if (grown || bitval != on) {
            s[byteIndex] = (byte) ((byteval & ~(1 << shift)) | ((int) on << shift));
            dirty(c, 1);
            Events.string(c, "setbit", c.arg(1));
        }
        c.reply().integer(bitval);
    }

    private static void getbit(Client c) {
        long offset = bitOffset(c, c.arg(2), false, 0);
        Entry e = c.db().lookupRead(c.arg(1));
        checkString(e);
        // Past the string's length its bytes read as zeros, as bits past the end do.
        c.reply().integer(e == null ? 0 : bitAt(e.stringBytes(), offset));
    }

    // ---------------------------------------------------------------- BITCOUNT / BITPOS

    /** BITCOUNT key [start end [BYTE|BIT]]: the key is looked up before the arguments are parsed. */
    private static void bitcount(Client c) {
        Entry e = c.db().lookupRead(c.arg(1));
        checkString(e);
        if (e == null) {
            c.reply().integer(0);
            return;
        }
        byte[] s = e.stringBytes(); // read where it is, a string with spare room included
        long totlen = e.stringLength();
        int argc = c.argc();
        long startBit;
        long endBit;
        if (argc == 4 || argc == 5) {
            long start = Args.parseLong(c.arg(2));
            long end = Args.parseLong(c.arg(3));
            if (start < 0 && end < 0 && start > end) {
                c.reply().integer(0);
                return;
            }
            boolean isBit = argc == 5 && isBitUnit(c.arg(4));
            long[] range = bitRange(start, end, totlen, isBit);
            if (range == null) {
                c.reply().integer(0);
                return;
            }
            startBit = range[0];
            endBit = range[1];
        } else if (argc == 2) {
            startBit = 0;
            endBit = totlen * 8 - 1;
        } else {
            throw CommandError.SYNTAX;
        }
        c.reply().integer(startBit > endBit ? 0 : countBits(s, startBit, endBit));
    }

    /** The optional BYTE|BIT unit of BITCOUNT and BITPOS: true for BIT, else a syntax error. */
    private static boolean isBitUnit(byte[] arg) {
        byte[] unit = cstr(arg);
        if (Args.is(unit, "bit")) {
            return true;
        } else if (!Args.is(unit, "byte")) {
            throw CommandError.SYNTAX;
        }
        return false;
    }

    /**
     * The inclusive bit range {startBit, endBit} of a BITCOUNT/BITPOS start..end in BYTE or BIT
     * units over a string of {@code byteLength} bytes: negative ends count from the end, then both
     * are clamped into the string as Redis does; null if the range is empty.
     */
    private static long[] bitRange(long start, long end, long byteLength, boolean isBit) {
        long totlen = isBit ? byteLength << 3 : byteLength;
        if (start < 0) {
            start = totlen + start;
        }
        if (end < 0) {
            end = totlen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (end < 0) {
            end = 0;
        }
        if (end >= totlen) {
            end = totlen - 1;
        }
        if (start > end) {
            return null;
        }
        return isBit ? new long[] {start, end} : new long[] {start * 8, end * 8 + 7};
    }

    /** Set bits in the inclusive bit range (both ends inside the string). */
    private static long countBits(byte[] s, long startBit, long endBit) {
        int first = (int) (startBit >>> 3);
        int last = (int) (endBit >>> 3);
        long count = 0;
        int i = first;
        // Eight bytes at a time (one POPCNT each), as redisPopcount works through words.
        for (; i + 8 <= last + 1; i += 8) {
            count += Long.bitCount((long) WORDS.get(s, i));
        }
        for (; i <= last; i++) {
            count += Integer.bitCount(s[i] & 0xff);
        }
        int headMask = ~((1 << (8 - (int) (startBit & 7))) - 1) & 0xff; // bits before the range
        int tailMask = (1 << (7 - (int) (endBit & 7))) - 1;              // bits after the range
        count -= Integer.bitCount(s[first] & headMask);
        count -= Integer.bitCount(s[last] & tailMask);
        return count;
    }

    /**
     * BITPOS key bit [start [end [BYTE|BIT]]]. The bit is parsed first, then the key looked up,
     * then the range. Not finding a clear bit without an explicit end answers the first bit past
     * the range (the string is taken as zero padded on the right); with an explicit end, -1.
     */
    private static void bitpos(Client c) {
        long bit = Args.parseLong(c.arg(2));
        if (bit != 0 && bit != 1) {
            throw CommandError.err("The bit argument must be 1 or 0.");
        }
        Entry e = c.db().lookupRead(c.arg(1));
        checkString(e);
        if (e == null) {
            c.reply().integer(bit == 1 ? -1 : 0);
            return;
        }
        byte[] s = e.stringBytes(); // read where it is, a string with spare room included
        long totlen = e.stringLength();
        int argc = c.argc();
        boolean endGiven = false;
        long startBit;
        long endBit;
        if (argc == 4 || argc == 5 || argc == 6) {
            long start = Args.parseLong(c.arg(3));
            boolean isBit = argc == 6 && isBitUnit(c.arg(5));
            long end;
            if (argc >= 5) {
                end = Args.parseLong(c.arg(4));
                endGiven = true;
            } else {
                end = isBit ? (totlen << 3) + 7 : totlen - 1;
            }
            long[] range = bitRange(start, end, totlen, isBit);
            if (range == null) {
                c.reply().integer(-1);
                return;
            }
            startBit = range[0];
            endBit = range[1];
        } else if (argc == 3) {
            startBit = 0;
            endBit = totlen * 8 - 1;
        } else {
            throw CommandError.SYNTAX;
        }
        if (startBit > endBit) {
            c.reply().integer(-1);
            return;
        }
        long pos = findBit(s, startBit, endBit, (int) bit);
        if (pos < 0 && bit == 0 && !endGiven) {
            pos = endBit + 1;
        }
        c.reply().integer(pos);
    }

    /** Four words from {@code i} folded into one that has a 1 (bit 1) or a 0 (bit 0) where any has. */
    private static long fourWords(byte[] s, int i, int bit) {
        long a = (long) WORDS.get(s, i);
        long b = (long) WORDS.get(s, i + 8);
        long c = (long) WORDS.get(s, i + 16);
        long d = (long) WORDS.get(s, i + 24);
        return bit == 1 ? a | b | c | d : a & b & c & d;
    }

    /** The first bit equal to {@code bit} in the inclusive range, or -1. */
    private static long findBit(byte[] s, long startBit, long endBit, int bit) {
        long skipWord = bit == 1 ? 0L : -1L;
        int skip = bit == 1 ? 0 : 0xff;
        long pos = startBit;
        while (pos <= endBit) {
            if ((pos & 7) == 0) {
                // Whole words, then a whole byte, without the bit: as redisBitpos skips words
                // (four at a time while the range holds four: a cache line per test).
                while (pos + 255 <= endBit && fourWords(s, (int) (pos >>> 3), bit) == skipWord) {
                    pos += 256;
                }
                while (pos + 63 <= endBit && (long) WORDS.get(s, (int) (pos >>> 3)) == skipWord) {
                    pos += 64;
                }
                if (pos + 7 <= endBit && (s[(int) (pos >>> 3)] & 0xff) == skip) {
                    pos += 8;
                    continue;
                }
            }
            if (bitAt(s, pos) == bit) {
                return pos;
            }
            pos++;
        }
        return -1;
    }

    // ---------------------------------------------------------------- BITOP

    private static final int BITOP_AND = 0;
    private static final int BITOP_OR = 1;
    private static final int BITOP_XOR = 2;
    private static final int BITOP_NOT = 3;

    /** {@code res[0, n) = res op other} (NOT ignores res), a word at a time. */
    private static void fold(byte[] res, byte[] other, int n, int op) {
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            long a = (long) WORDS.get(res, j);
            long b = (long) WORDS.get(other, j);
            long folded = switch (op) {
                case BITOP_AND -> a & b;
                case BITOP_OR -> a | b;
                case BITOP_XOR -> a ^ b;
                default -> ~b;
            };
            WORDS.set(res, j, folded);
        }
        for (; j < n; j++) {
            int a = res[j];
            int b = other[j];
            res[j] = (byte) switch (op) {
                case BITOP_AND -> a & b;
                case BITOP_OR -> a | b;
                case BITOP_XOR -> a ^ b;
                default -> ~b;
            };
        }
    }

    /**
     * The destination's own array, to write the result into, when it is a raw string of exactly the
     * result's length and not also a source (a BITOP run again over the same keys); else null. Its
     * lookup comes first, so a running snapshot takes the old value before it changes.
     */
    private static byte[] ownArrayOf(Client c, Database db, int length) {
        byte[] target = c.arg(2);
        for (int j = 3; j < c.argc(); j++) {
            if (Arrays.equals(c.arg(j), target)) {
                return null;
            }
        }
        Entry d = db.lookupWrite(target);
        if (d == null || !d.isString() || !d.isRawString() || d.stringLength() != length) {
            return null;
        }
        return (byte[]) d.value();
    }

    private static void bitop(Client c) {
        byte[] opname = cstr(c.arg(1));
        int op;
        if (Args.is(opname, "and")) {
            op = BITOP_AND;
        } else if (Args.is(opname, "or")) {
            op = BITOP_OR;
        } else if (Args.is(opname, "xor")) {
            op = BITOP_XOR;
        } else if (Args.is(opname, "not")) {
            op = BITOP_NOT;
        } else {
            throw CommandError.SYNTAX;
        }
        if (op == BITOP_NOT && c.argc() != 4) {
            throw CommandError.err("BITOP NOT must be called with a single source key.");
        }
        Database db = c.db();
        int numkeys = c.argc() - 3;
        byte[][] src = new byte[numkeys][];
        int maxlen = 0;
        for (int j = 0; j < numkeys; j++) {
            byte[] s = stringOf(db.lookupRead(c.arg(j + 3)));
            src[j] = s == null ? EMPTY : s;
            maxlen = Math.max(maxlen, src[j].length);
        }
        byte[] target = c.arg(2);
        if (maxlen > 0) {
            // The first source, then each other folded in word by word; a source shorter than
            // the result counts as zeros past its end, as in Redis.
            byte[] res = ownArrayOf(c, db, maxlen);
            if (res == null) {
                res = Arrays.copyOf(src[0], maxlen);
            } else {
                System.arraycopy(src[0], 0, res, 0, src[0].length);
                Arrays.fill(res, src[0].length, maxlen, (byte) 0);
            }
            if (op == BITOP_NOT) {
                fold(res, res, maxlen, BITOP_NOT);
            }
            for (int i = 1; i < numkeys; i++) {
                fold(res, src[i], src[i].length, op);
                if (op == BITOP_AND) {
                    Arrays.fill(res, src[i].length, maxlen, (byte) 0);
                }
            }
            db.put(target, res, false).stringEncoding(Entry.STRING_RAW); // createObject(OBJ_STRING, sds)
            dirty(c, 1);
            Events.string(c, "set", target);
        } else if (db.delete(target)) {
            dirty(c, 1);
            Events.generic(c, "del", target);
        }
        c.reply().integer(maxlen);
    }

    // ---------------------------------------------------------------- BITFIELD

    private record BitfieldOp(int opcode, long offset, long value, int owtype, int bits, boolean signed) {
    }

    /**
     * BITFIELD and BITFIELD_RO: every operation is parsed (and rejected) before the key is looked
     * up; a write creates or zero-pads the string up to the farthest bit written before running the
     * operations in order.
     */
    private static void bitfield(Client c, boolean readOnlyCommand) {
        int argc = c.argc();
        List<BitfieldOp> ops = new ArrayList<>();
        int owtype = OVERFLOW_WRAP;
        boolean readonly = true;
        long highestWriteOffset = 0;
        for (int j = 2; j < argc; j++) {
            int remargs = argc - j - 1;
            byte[] sub = cstr(c.arg(j));
            int opcode;
            if (Args.is(sub, "get") && remargs >= 2) {
                opcode = OP_GET;
            } else if (Args.is(sub, "set") && remargs >= 3) {
                opcode = OP_SET;
            } else if (Args.is(sub, "incrby") && remargs >= 3) {
                opcode = OP_INCRBY;
            } else if (Args.is(sub, "overflow") && remargs >= 1) {
                byte[] name = cstr(c.arg(++j));
                if (Args.is(name, "wrap")) {
                    owtype = OVERFLOW_WRAP;
                } else if (Args.is(name, "sat")) {
                    owtype = OVERFLOW_SAT;
                } else if (Args.is(name, "fail")) {
                    owtype = OVERFLOW_FAIL;
                } else {
                    throw CommandError.err("Invalid OVERFLOW type specified");
                }
                continue;
            } else {
                throw CommandError.SYNTAX;
            }
            byte[] type = c.arg(j + 1);
            boolean signed;
            if (type.length > 0 && type[0] == 'i') {
                signed = true;
            } else if (type.length > 0 && type[0] == 'u') {
                signed = false;
            } else {
                throw BAD_TYPE;
            }
            Long bits = Args.parseLongOrNull(cstr(Arrays.copyOfRange(type, 1, type.length)));
            if (bits == null || bits < 1 || (signed && bits > 64) || (!signed && bits > 63)) {
                throw BAD_TYPE;
            }
            long offset = bitOffset(c, c.arg(j + 2), true, bits.intValue());
            long value = 0;
            if (opcode != OP_GET) {
                readonly = false;
                highestWriteOffset = Math.max(highestWriteOffset, offset + bits - 1);
                value = Args.parseLong(c.arg(j + 3));
            }
            ops.add(new BitfieldOp(opcode, offset, value, owtype, bits.intValue(), signed));
            j += 3 - (opcode == OP_GET ? 1 : 0);
        }

        Database db = c.db();
        Entry e;
        byte[] s;
        boolean grown = false;
        if (readonly) {
            e = db.lookupRead(c.arg(1));
            checkString(e);
            // Reads only, and past the string's length its bytes read as zeros.
            s = e == null ? null : e.stringBytes();
        } else {
            if (readOnlyCommand) {
                throw CommandError.err("BITFIELD_RO only supports the GET subcommand");
            }
            e = db.lookupWrite(c.arg(1));
            checkString(e);
            int needed = (int) (highestWriteOffset >>> 3) + 1;
            // lookupStringForBitCommand: a new sds made to measure, or the string unshared and grown
            if (e == null) {
                s = new byte[needed];
                e = db.add(c.arg(1), s);
                e.rawString(Sds.MADE_TO_MEASURE);
                grown = true;
            } else {
                int oldLength = e.stringLength();
                int newLength = Math.max(oldLength, needed);
                s = db.editString(e, newLength);
                grown = newLength != oldLength;
                e.growRawString(oldLength, newLength);
            }
        }

        c.reply().arrayHeader(ops.size());
        long changes = 0;
        long[] wrapped = new long[1];
        for (BitfieldOp op : ops) {
            if (op.opcode == OP_GET) {
                long v = getUnsigned(s, op.offset, op.bits);
                c.reply().integer(op.signed ? signExtend(v, op.bits) : v);
                continue;
            }
            long oldval;
            long newval;
            long retval;
            int overflow;
            if (op.signed) {
                oldval = signExtend(getUnsigned(s, op.offset, op.bits), op.bits);
                if (op.opcode == OP_INCRBY) {
                    overflow = checkSignedOverflow(oldval, op.value, op.bits, op.owtype, wrapped);
                    newval = overflow != 0 ? wrapped[0] : oldval + op.value;
                    retval = newval;
                } else {
                    newval = op.value;
                    overflow = checkSignedOverflow(newval, 0, op.bits, op.owtype, wrapped);
                    if (overflow != 0) {
                        newval = wrapped[0];
                    }
                    retval = oldval;
                }
            } else {
                oldval = getUnsigned(s, op.offset, op.bits);
                if (op.opcode == OP_INCRBY) {
                    newval = oldval + op.value;
                    overflow = checkUnsignedOverflow(oldval, op.value, op.bits, op.owtype, wrapped);
                    if (overflow != 0) {
                        newval = wrapped[0];
                    }
                    retval = newval;
                } else {
                    newval = op.value;
                    overflow = checkUnsignedOverflow(newval, 0, op.bits, op.owtype, wrapped);
                    if (overflow != 0) {
                        newval = wrapped[0];
                    }
                    retval = oldval;
                }
            }
            if (overflow != 0 && op.owtype == OVERFLOW_FAIL) {
                c.reply().nullBulk();
            } else {
                c.reply().integer(retval);
                setUnsigned(s, op.offset, op.bits, newval);
                if (grown || oldval != newval) {
                    changes++;
                }
            }
        }
        if (changes > 0) {
            dirty(c, changes);
            Events.string(c, "setbit", c.arg(1));
        }
    }

    /** Redis's getUnsignedBitfield, reading zeros past the end of the string. */
    private static long getUnsigned(byte[] s, long offset, int bits) {
        long value = 0;
        for (int j = 0; j < bits; j++) {
            value = (value << 1) | bitAt(s, offset + j);
        }
        return value;
    }

    private static long signExtend(long value, int bits) {
        if (bits < 64 && (value & (1L << (bits - 1))) != 0) {
            value |= -1L << bits;
        }
        return value;
    }

    /** Redis's setUnsignedBitfield (signed values are stored as their two's complement bits). */
    private static void setUnsigned(byte[] s, long offset, int bits, long value) {
        for (int j = 0; j < bits; j++) {
            long bitval = (value >>> (bits - 1 - j)) & 1;
            int byteIndex = (int) (offset >>> 3);
            int shift = 7 - (int) (offset & 7);
            int byteval = s[byteIndex] & 0xff;
            byteval &= ~(1 << shift);
            byteval |= (int) bitval << shift;
            s[byteIndex] = (byte) byteval;
            offset++;
        }
    }

    /** Redis's checkUnsignedBitfieldOverflow (bits is at most 63). */
    private static int checkUnsignedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = (1L << bits) - 1;
        long maxincr = max - value;
        long minincr = -value;
        if (Long.compareUnsigned(value, max) > 0 || (incr > 0 && incr > maxincr)) {
            if (owtype == OVERFLOW_WRAP) {
                limit[0] = (value + incr) & ~(-1L << bits);
            } else if (owtype == OVERFLOW_SAT) {
                limit[0] = max;
            }
            return 1;
        } else if (incr < 0 && incr < minincr) {
            if (owtype == OVERFLOW_WRAP) {
                limit[0] = (value + incr) & ~(-1L << bits);
            } else if (owtype == OVERFLOW_SAT) {
                limit[0] = 0;
            }
            return -1;
        }
        return 0;
    }

    /** Redis's checkSignedBitfieldOverflow. */
    private static int checkSignedOverflow(long value, long incr, int bits, int owtype, long[] limit) {
        long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
        long min = -max - 1;
        long maxincr = max - value;
        long minincr = min - value;
        int result;
        long sat;
        if (value > max || (bits != 64 && incr > maxincr) || (value >= 0 && incr > 0 && incr > maxincr)) {
            result = 1;
            sat = max;
        } else if (value < min || (bits != 64 && incr < minincr) || (value < 0 && incr < 0 && incr < minincr)) {
            result = -1;
            sat = min;
        } else {
            return 0;
        }
        if (owtype == OVERFLOW_WRAP) {
            long msb = 1L << (bits - 1);
            long r = value + incr;
            if (bits < 64) {
                long mask = -1L << bits;
                r = (r & msb) != 0 ? r | mask : r & ~mask;
            }
            limit[0] = r;
        } else if (owtype == OVERFLOW_SAT) {
            limit[0] = sat;
        }
        return result;
    }
}
