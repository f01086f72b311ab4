package io.mnemos.command;

import io.mnemos.store.Entry;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.mnemos.command.ListCommandsTest.NOT_INTEGER;
import static io.mnemos.command.ListCommandsTest.OK;
import static io.mnemos.command.ListCommandsTest.SYNTAX;
import static io.mnemos.command.ListCommandsTest.WRONGTYPE;
import static io.mnemos.command.ListCommandsTest.arity;
import static io.mnemos.command.ListCommandsTest.bulk;
import static io.mnemos.command.ListCommandsTest.err;
import static io.mnemos.command.ListCommandsTest.num;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Bitmap commands, reply for reply. Every script runs on Mnemos and, when redis-server is
 * installed, on a real Redis 7.0 too (the expected replies were taken from Redis 7.0.15).
 */
class BitmapCommandsTest {
    static final String BAD_OFFSET = err("bit offset is not an integer or out of range");
    static final String BAD_BIT = err("bit is not an integer or out of range");
    static final String BAD_TYPE =
            err("Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.");
    private static RealRedis redis;

    static void verify(ReplyScript script) throws Exception {
        script.runOn(new CommandHarness());
        if (RealRedis.available()) {
            synchronized (BitmapCommandsTest.class) {
                if (redis == null) {
                    redis = RealRedis.start();
                }
            }
            script.runOn("127.0.0.1", redis.port());
        }
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    @Test
    void setbitAndGetbitAddressBitsFromTheMostSignificantBitOfTheFirstByte() throws Exception {
        verify(new ReplyScript()
                .expect(num(0), "SETBIT", "b", "7", "1")
                .expect(num(1), "SETBIT", "b", "7", "1")
                .expect(num(1), "GETBIT", "b", "7")
                .expect(num(0), "GETBIT", "b", "6")
                .expect(num(0), "GETBIT", "b", "100")
                .expect(num(1), "STRLEN", "b")
                .expect(num(0), "SETBIT", "b", "100", "1")
                .expect(num(13), "STRLEN", "b")
                .expect(num(1), "GETBIT", "b", "100")
                .expect(num(1), "SETBIT", "b", "100", "0")
                .expect(num(0), "GETBIT", "b", "100")
                .expect(num(0), "GETBIT", "nokey", "0")
                .expect(num(0), "EXISTS", "nokey")
                .expect(num(0), "SETBIT", "new", "0", "0")
                .expect(num(1), "EXISTS", "new")
                .expect(num(1), "STRLEN", "new")
                // an existing string is edited bit by bit, zero padded when the offset is past its end
                .expect(OK, "SET", "s", "foobar")
                .expect(num(0), "SETBIT", "s", "7", "1")
                .expect(bulk("goobar"), "GET", "s")
                .expect(num(0), "SETBIT", "s", "55", "1")
                .expect(bulk("goobar\u0001"), "GET", "s")
                // integers are strings of digits
                .expect(OK, "SET", "n", "12345")
                .expect(num(1), "GETBIT", "n", "2")
                .expect(num(1), "GETBIT", "n", "3")
                .expect(num(0), "SETBIT", "n", "6", "0")
                .expect(bulk("12345"), "GET", "n")
                // errors: the offset is checked first, then the bit, then the type
                .expect(BAD_OFFSET, "SETBIT", "b", "-1", "1")
                .expect(BAD_OFFSET, "SETBIT", "b", "x", "1")
                .expect(BAD_OFFSET, "SETBIT", "b", "1.5", "1")
                .expect(BAD_OFFSET, "SETBIT", "b", "4294967296", "1")
                .expect(BAD_BIT, "SETBIT", "b", "1", "2")
                .expect(BAD_BIT, "SETBIT", "b", "1", "-1")
                .expect(BAD_BIT, "SETBIT", "b", "1", "x")
                .expect(BAD_OFFSET, "SETBIT", "b", "x", "x")
                .expect(BAD_OFFSET, "GETBIT", "b", "-1")
                .expect(BAD_OFFSET, "GETBIT", "b", "x")
                .expect(BAD_OFFSET, "GETBIT", "b", "4294967296")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "SETBIT", "l", "0", "1")
                .expect(BAD_OFFSET, "SETBIT", "l", "x", "1")
                .expect(BAD_BIT, "SETBIT", "l", "0", "2")
                .expect(WRONGTYPE, "GETBIT", "l", "0")
                .expect(BAD_OFFSET, "GETBIT", "l", "x")
                .expect(arity("setbit"), "SETBIT", "b", "1")
                .expect(arity("getbit"), "GETBIT", "b")
                .expect(arity("getbit"), "GETBIT", "b", "1", "2"));
    }

    @Test
    void bitOffsetsAreLimitedByProtoMaxBulkLen() throws Exception {
        verify(new ReplyScript()
                .expect(OK, "CONFIG", "SET", "proto-max-bulk-len", "1mb")
                .expect(BAD_OFFSET, "SETBIT", "b", "8388608", "1")
                .expect(BAD_OFFSET, "GETBIT", "b", "8388608")
                .expect(BAD_OFFSET, "BITFIELD", "b", "GET", "u8", "8388608")
                .expect(BAD_OFFSET, "BITFIELD", "b", "GET", "u8", "#1048576")
                .expect(num(0), "SETBIT", "b", "8388607", "1")
                .expect(num(1048576), "STRLEN", "b")
                .expect(OK, "CONFIG", "SET", "proto-max-bulk-len", "512mb"));
    }

    @Test
    void bitcountCountsBytesOrBitRangesWithNegativeIndexes() throws Exception {
        verify(new ReplyScript()
                .expect(OK, "SET", "s", "foobar")
                .expect(num(26), "BITCOUNT", "s")
                .expect(num(4), "BITCOUNT", "s", "0", "0")
                .expect(num(6), "BITCOUNT", "s", "1", "1")
                .expect(num(6), "BITCOUNT", "s", "1", "1", "BYTE")
                .expect(num(6), "BITCOUNT", "s", "1", "1", "byte")
                .expect(num(17), "BITCOUNT", "s", "5", "30", "BIT")
                .expect(num(17), "BITCOUNT", "s", "5", "30", "bit")
                .expect(num(26), "BITCOUNT", "s", "0", "-1")
                .expect(num(7), "BITCOUNT", "s", "-2", "-1")
                .expect(num(26), "BITCOUNT", "s", "-100", "100")
                .expect(num(0), "BITCOUNT", "s", "-1", "-2")
                .expect(num(0), "BITCOUNT", "s", "3", "1")
                .expect(num(0), "BITCOUNT", "s", "6", "10")
                .expect(num(0), "BITCOUNT", "s", "0", "0", "BIT")
                .expect(num(1), "BITCOUNT", "s", "1", "1", "BIT")
                .expect(num(0), "BITCOUNT", "s", "-1", "-1", "BIT")
                .expect(num(4), "BITCOUNT", "s", "-8", "-1", "BIT")
                .expect(num(1), "BITCOUNT", "s", "3", "5", "BIT")
                .expect(num(0), "BITCOUNT", "s", "47", "1000", "BIT")
                .expect(num(0), "BITCOUNT", "s", "48", "1000", "BIT")
                .expect(num(0), "BITCOUNT", "s", "9223372036854775807", "-9223372036854775808")
                .expect(num(26), "BITCOUNT", "s", "-9223372036854775808", "9223372036854775807", "BIT")
                .expect(OK, "SET", "n", "12345")
                .expect(num(17), "BITCOUNT", "n")
                .expect(num(7), "BITCOUNT", "n", "1", "2")
                .expect(OK, "SET", "e", "")
                .expect(num(0), "BITCOUNT", "e")
                .expect(num(0), "BITCOUNT", "e", "0", "-1")
                .expect(num(0), "BITCOUNT", "e", "0", "-1", "BIT")
                // a missing key counts zero before any argument is parsed
                .expect(num(0), "BITCOUNT", "nokey")
                .expect(num(0), "BITCOUNT", "nokey", "x", "y")
                .expect(num(0), "BITCOUNT", "nokey", "1")
                .expect(num(0), "BITCOUNT", "nokey", "1", "2", "foo")
                // errors, parsed after the lookup
                .expect(SYNTAX, "BITCOUNT", "s", "1")
                .expect(SYNTAX, "BITCOUNT", "s", "1", "2", "3", "4")
                .expect(NOT_INTEGER, "BITCOUNT", "s", "x", "1")
                .expect(NOT_INTEGER, "BITCOUNT", "s", "1", "x")
                .expect(SYNTAX, "BITCOUNT", "s", "1", "2", "foo")
                .expect(num(0), "BITCOUNT", "s", "-1", "-2", "foo")
                .expect(NOT_INTEGER, "BITCOUNT", "s", "x", "2", "foo")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "BITCOUNT", "l")
                .expect(WRONGTYPE, "BITCOUNT", "l", "x")
                .expect(arity("bitcount"), "BITCOUNT"));
    }

    @Test
    void bitposFindsTheFirstSetOrClearBit() throws Exception {
        verify(new ReplyScript()
                .expect("*1\r\n:0\r\n", "BITFIELD", "k", "SET", "u24", "0", "16773120")
                .expect(num(12), "BITPOS", "k", "0")
                .expect(num(0), "BITPOS", "k", "1")
                .expect(num(-1), "BITPOS", "k", "1", "2")
                .expect(num(16), "BITPOS", "k", "0", "2")
                .expect(num(16), "BITPOS", "k", "0", "-1")
                .expect("*1\r\n:0\r\n", "BITFIELD", "z", "SET", "u24", "0", "65520")
                .expect(num(8), "BITPOS", "z", "1", "0")
                .expect(num(16), "BITPOS", "z", "1", "2")
                .expect(num(16), "BITPOS", "z", "1", "2", "-1", "BYTE")
                .expect(num(8), "BITPOS", "z", "1", "7", "15", "BIT")
                .expect(num(8), "BITPOS", "z", "1", "7", "-3", "BIT")
                .expect(num(8), "BITPOS", "z", "1", "7", "-3", "bit")
                .expect(num(20), "BITPOS", "z", "0", "8", "-1", "BIT")
                .expect(num(-1), "BITPOS", "z", "1", "20", "-1", "BIT")
                .expect(num(20), "BITPOS", "z", "0", "20", "-1", "BIT")
                .expect(num(-1), "BITPOS", "z", "1", "21", "23", "BIT")
                .expect(num(-1), "BITPOS", "z", "1", "3", "2")
                .expect(num(-1), "BITPOS", "z", "1", "-1", "-2")
                // all ones: without an end the string is taken as zero padded on the right
                .expect("*1\r\n:0\r\n", "BITFIELD", "ones", "SET", "u24", "0", "16777215")
                .expect(num(24), "BITPOS", "ones", "0")
                .expect(num(24), "BITPOS", "ones", "0", "1")
                .expect(num(24), "BITPOS", "ones", "0", "-1")
                .expect(num(-1), "BITPOS", "ones", "0", "0", "-1")
                .expect(num(-1), "BITPOS", "ones", "0", "0", "1")
                .expect(NOT_INTEGER, "BITPOS", "ones", "0", "3", "BIT")
                .expect(num(-1), "BITPOS", "ones", "0", "3", "-1", "BIT")
                .expect(num(-1), "BITPOS", "ones", "0", "3", "100", "BIT")
                .expect(num(-1), "BITPOS", "ones", "0", "0", "100")
                .expect(num(0), "BITPOS", "ones", "1")
                .expect(num(16), "BITPOS", "ones", "1", "-1")
                .expect(num(5), "BITPOS", "ones", "1", "5", "5", "BIT")
                // all zeros
                .expect(num(0), "SETBIT", "zeros", "23", "0")
                .expect(num(-1), "BITPOS", "zeros", "1")
                .expect(num(0), "BITPOS", "zeros", "0")
                .expect(num(8), "BITPOS", "zeros", "0", "1", "1")
                .expect(num(-1), "BITPOS", "zeros", "1", "0", "-1", "BIT")
                .expect(num(9), "BITPOS", "zeros", "0", "9", "-1", "BIT")
                .expect(OK, "SET", "e", "")
                .expect(num(-1), "BITPOS", "e", "0")
                .expect(num(-1), "BITPOS", "e", "1")
                .expect(num(-1), "BITPOS", "e", "0", "0")
                .expect(OK, "SET", "n", "12345")
                .expect(num(2), "BITPOS", "n", "1")
                .expect(num(8), "BITPOS", "n", "0", "1")
                // a missing key answers before the range is parsed
                .expect(num(0), "BITPOS", "nokey", "0")
                .expect(num(-1), "BITPOS", "nokey", "1")
                .expect(num(0), "BITPOS", "nokey", "0", "x", "y", "foo")
                .expect(err("The bit argument must be 1 or 0."), "BITPOS", "nokey", "2")
                .expect(NOT_INTEGER, "BITPOS", "nokey", "x")
                // errors
                .expect(err("The bit argument must be 1 or 0."), "BITPOS", "k", "2")
                .expect(err("The bit argument must be 1 or 0."), "BITPOS", "k", "-1")
                .expect(NOT_INTEGER, "BITPOS", "k", "x")
                .expect(NOT_INTEGER, "BITPOS", "k", "0", "x")
                .expect(NOT_INTEGER, "BITPOS", "k", "0", "1", "x")
                .expect(SYNTAX, "BITPOS", "k", "0", "1", "2", "foo")
                .expect(NOT_INTEGER, "BITPOS", "k", "0", "x", "2", "foo")
                .expect(SYNTAX, "BITPOS", "k", "0", "1", "x", "foo")
                .expect(SYNTAX, "BITPOS", "k", "0", "1", "2", "BIT", "extra")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "BITPOS", "l", "0")
                .expect(err("The bit argument must be 1 or 0."), "BITPOS", "l", "2")
                .expect(WRONGTYPE, "BITPOS", "l", "0", "x")
                .expect(arity("bitpos"), "BITPOS", "k"));
    }

    @Test
    void bitopCombinesStringsZeroPaddedToTheLongest() throws Exception {
        verify(new ReplyScript()
                .expect(OK, "SET", "a", "foobar")
                .expect(OK, "SET", "b", "abcdef")
                .expect(OK, "SET", "c", "xy")
                .expect(num(6), "BITOP", "AND", "d", "a", "b")
                .expect(bulk("`bc`ab"), "GET", "d")
                .expect(num(6), "BITOP", "OR", "d", "a", "b")
                .expect(bulk("goofev"), "GET", "d")
                .expect(num(6), "BITOP", "XOR", "d", "a", "b")
                .expect(bulk("\u0007\r\u000c\u0006\u0004\u0014"), "GET", "d")
                .expect(num(6), "BITOP", "and", "d", "a", "b", "c")
                .expect(bulk("``\u0000\u0000\u0000\u0000"), "GET", "d")
                .expect(num(6), "BITOP", "or", "d", "c", "a")
                .expect(bulk("~\u007fobar"), "GET", "d")
                .expect(num(6), "BITOP", "xor", "d", "c", "a", "b")
                .expect(bulk("\u007ft\u000c\u0006\u0004\u0014"), "GET", "d")
                .expect(num(6), "BITOP", "AND", "d", "a", "nokey")
                .expect(num(6), "STRLEN", "d")
                .expect(num(0), "BITCOUNT", "d")
                .expect(num(2), "BITOP", "OR", "d", "nokey", "c")
                .expect(bulk("xy"), "GET", "d")
                .expect(num(2), "BITOP", "NOT", "d", "c")
                .expect("*1\r\n:34694\r\n", "BITFIELD", "d", "GET", "u16", "0")
                .expect(num(2), "BITOP", "not", "d", "d")
                .expect(bulk("xy"), "GET", "d")
                .expect(num(6), "BITOP", "AND", "a", "a")
                .expect(bulk("foobar"), "GET", "a")
                // the destination is overwritten whatever it held, and loses its TTL
                .expect(num(1), "RPUSH", "dl", "x")
                .expect(num(6), "BITOP", "OR", "dl", "a")
                .expect("+string\r\n", "TYPE", "dl")
                .expect(num(1), "EXPIRE", "dl", "100")
                .expect(num(2), "BITOP", "OR", "dl", "c")
                .expect(num(-1), "TTL", "dl")
                // only missing (or empty) sources: the destination is deleted
                .expect(num(0), "BITOP", "AND", "dl", "nokey", "nokey2")
                .expect(num(0), "EXISTS", "dl")
                .expect(OK, "SET", "e", "")
                .expect(OK, "SET", "d2", "x")
                .expect(num(0), "BITOP", "OR", "d2", "e")
                .expect(num(0), "EXISTS", "d2")
                .expect(num(0), "BITOP", "XOR", "nodest", "nokey")
                .expect(num(0), "EXISTS", "nodest")
                // errors
                .expect(err("BITOP NOT must be called with a single source key."), "BITOP", "NOT", "d", "a", "b")
                .expect(arity("bitop"), "BITOP", "NOT", "d")
                .expect(SYNTAX, "BITOP", "NAND", "d", "a")
                .expect(SYNTAX, "BITOP", "ANDX", "d", "a")
                .expect(num(1), "RPUSH", "l", "x")
                .expect(WRONGTYPE, "BITOP", "AND", "d", "a", "l")
                .expect(WRONGTYPE, "BITOP", "NOT", "d", "l")
                .expect(SYNTAX, "BITOP", "FOO", "d", "l")
                .expect(num(6), "BITOP", "AND", "l", "a")
                .expect("+string\r\n", "TYPE", "l")
                .expect(arity("bitop"), "BITOP", "AND", "d"));
    }

    @Test
    void bitfieldGetSetIncrbyWithOverflowControl() throws Exception {
        verify(new ReplyScript()
                .expect("*4\r\n:0\r\n:6\r\n:4\r\n:100\r\n", "BITFIELD", "k", "SET", "i8", "0", "100", "GET", "u4", "0", "GET", "u4", "4", "GET", "i8", "0")
                .expect("*2\r\n:1\r\n:6\r\n", "BITFIELD", "k", "INCRBY", "i5", "100", "1", "GET", "u4", "0")
                .expect(num(14), "STRLEN", "k")
                .expect("*2\r\n:1\r\n:1\r\n", "BITFIELD", "k", "GET", "i5", "100", "GET", "u5", "100")
                .expect("*5\r\n:0\r\n:255\r\n:-1\r\n:25855\r\n:0\r\n", "BITFIELD", "k", "SET", "u8", "#1", "255", "GET", "u8", "8", "GET", "i8", "#1", "GET", "u16", "0", "GET", "u8", "#2")
                .expect("*3\r\n:100\r\n:100\r\n:3\r\n", "BITFIELD", "k", "get", "u8", "0", "set", "u8", "0", "1", "incrby", "u8", "0", "2")
                .expect("*0\r\n", "BITFIELD", "k")
                .expect("*5\r\n:0\r\n:143974450587500544\r\n:287948901175001088\r\n:287948901175001088\r\n:2145386496\r\n", "BITFIELD", "k", "GET", "u1", "0", "GET", "u63", "0", "GET", "i64", "0", "GET", "i63", "1", "GET", "u32", "5")
                // overflow control: WRAP (the default), SAT and FAIL apply to the INCRBY/SET that follow
                .expect("*1\r\n:0\r\n", "BITFIELD", "o", "SET", "u2", "0", "3")
                .expect("*1\r\n:0\r\n", "BITFIELD", "o", "INCRBY", "u2", "0", "1")
                .expect("*2\r\n:3\r\n:0\r\n", "BITFIELD", "o", "OVERFLOW", "SAT", "INCRBY", "u2", "0", "5", "INCRBY", "u2", "0", "-10")
                .expect("*3\r\n$-1\r\n:0\r\n:0\r\n", "BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "4", "GET", "u2", "0", "OVERFLOW", "WRAP", "INCRBY", "u2", "0", "4")
                .expect("*3\r\n$-1\r\n$-1\r\n:0\r\n", "BITFIELD", "o", "overflow", "fail", "set", "u2", "0", "4", "set", "u2", "0", "-1", "set", "u2", "0", "2")
                .expect("*4\r\n:2\r\n:3\r\n:3\r\n:1\r\n", "BITFIELD", "o", "OVERFLOW", "SAT", "SET", "u2", "0", "9", "SET", "u2", "0", "-1", "OVERFLOW", "WRAP", "SET", "u2", "0", "9", "SET", "u2", "0", "-1")
                .expect("*4\r\n:0\r\n:-128\r\n:127\r\n:-2\r\n", "BITFIELD", "o", "SET", "i8", "8", "127", "INCRBY", "i8", "8", "1", "INCRBY", "i8", "8", "-1", "INCRBY", "i8", "8", "-129")
                .expect("*4\r\n:127\r\n:-128\r\n:-128\r\n:127\r\n", "BITFIELD", "o", "OVERFLOW", "SAT", "INCRBY", "i8", "8", "1000", "INCRBY", "i8", "8", "-1000", "SET", "i8", "8", "200", "SET", "i8", "8", "-200")
                .expect("*4\r\n$-1\r\n$-1\r\n:-128\r\n$-1\r\n", "BITFIELD", "o", "OVERFLOW", "FAIL", "INCRBY", "i8", "8", "1000", "SET", "i8", "8", "128", "SET", "i8", "8", "-128", "INCRBY", "i8", "8", "-1")
                .expect("*3\r\n:-128\r\n:-56\r\n:100\r\n", "BITFIELD", "o", "OVERFLOW", "WRAP", "SET", "i8", "8", "200", "SET", "i8", "8", "-200", "INCRBY", "i8", "8", "300")
                .expect("*3\r\n:0\r\n:9223372036854775807\r\n:-9223372036854775808\r\n", "BITFIELD", "w", "SET", "i64", "0", "-9223372036854775808", "INCRBY", "i64", "0", "-1", "INCRBY", "i64", "0", "1")
                .expect("*3\r\n:-1\r\n:0\r\n:-9223372036854775808\r\n", "BITFIELD", "w", "OVERFLOW", "SAT", "INCRBY", "i64", "0", "9223372036854775807", "INCRBY", "i64", "0", "1", "INCRBY", "i64", "0", "-9223372036854775808")
                .expect("*3\r\n:-9223372036854775807\r\n:-9223372036854775808\r\n:-9223372036854775808\r\n", "BITFIELD", "w", "OVERFLOW", "FAIL", "INCRBY", "i64", "0", "1", "INCRBY", "i64", "0", "-1", "GET", "i64", "0")
                .expect("*4\r\n:0\r\n:0\r\n:0\r\n:9223372036854775807\r\n", "BITFIELD", "w", "SET", "u63", "64", "9223372036854775807", "INCRBY", "u63", "64", "1", "SET", "u63", "64", "-1", "GET", "u63", "64")
                .expect("*3\r\n:9223372036854775802\r\n:0\r\n:0\r\n", "BITFIELD", "w", "OVERFLOW", "SAT", "INCRBY", "u63", "64", "-5", "INCRBY", "u63", "64", "-9223372036854775808", "SET", "u63", "64", "-1")
                .expect("*4\r\n:0\r\n:1\r\n:0\r\n:1\r\n", "BITFIELD", "w", "SET", "i1", "200", "-1", "GET", "u1", "200", "INCRBY", "i1", "200", "1", "INCRBY", "u1", "200", "1")
                .expect(num(26), "STRLEN", "w")
                // a missing key reads as zeros; writes create it zero padded up to the farthest bit written
                .expect("*2\r\n:0\r\n:0\r\n", "BITFIELD", "nokey", "GET", "u8", "0", "GET", "i64", "1000")
                .expect(num(0), "EXISTS", "nokey")
                .expect("*0\r\n", "BITFIELD", "nokey2")
                .expect(num(0), "EXISTS", "nokey2")
                .expect("*2\r\n:0\r\n:0\r\n", "BITFIELD", "grow", "SET", "u8", "100", "1", "GET", "u8", "0")
                .expect(num(14), "STRLEN", "grow")
                .expect("*1\r\n$-1\r\n", "BITFIELD", "grow2", "OVERFLOW", "FAIL", "INCRBY", "u2", "30", "10")
                .expect(num(1), "EXISTS", "grow2")
                .expect(num(4), "STRLEN", "grow2")
                .expect(OK, "SET", "s", "foobar")
                .expect("*6\r\n:102\r\n:114\r\n:24946\r\n:32\r\n:0\r\n:0\r\n", "BITFIELD", "s", "GET", "u8", "0", "GET", "i8", "#5", "GET", "u16", "#2", "GET", "u8", "44", "GET", "u8", "47", "GET", "u8", "48")
                .expect("*1\r\n:102\r\n", "BITFIELD", "s", "SET", "u8", "#0", "70")
                .expect(bulk("Foobar"), "GET", "s")
                .expect(OK, "SET", "n", "12345")
                .expect("*2\r\n:49\r\n:53\r\n", "BITFIELD", "n", "GET", "u8", "0", "GET", "u8", "#4")
                // errors: everything is parsed before the key is looked up
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "u64", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "i65", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "u0", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "i0", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "I8", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "U8", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "x8", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "i", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "u08", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "u-8", "0")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "", "0")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "-1")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "x")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "#-1")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "#x")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "##1")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "#")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "4294967296")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "#536870912")
                .expect(BAD_OFFSET, "BITFIELD", "k", "GET", "u8", "#1152921504606846976")
                .expect(NOT_INTEGER, "BITFIELD", "k", "SET", "u8", "0", "x")
                .expect(NOT_INTEGER, "BITFIELD", "k", "INCRBY", "u8", "0", "1.5")
                .expect(BAD_OFFSET, "BITFIELD", "k", "SET", "u8", "x", "x")
                .expect(err("Invalid OVERFLOW type specified"), "BITFIELD", "k", "OVERFLOW", "FOO")
                .expect(SYNTAX, "BITFIELD", "k", "OVERFLOW")
                .expect(SYNTAX, "BITFIELD", "k", "GET", "u8")
                .expect(SYNTAX, "BITFIELD", "k", "SET", "u8", "0")
                .expect(SYNTAX, "BITFIELD", "k", "INCRBY", "u8", "0")
                .expect(SYNTAX, "BITFIELD", "k", "FOO", "u8", "0")
                .expect(SYNTAX, "BITFIELD", "k", "GET", "u8", "0", "GET")
                .expect(BAD_TYPE, "BITFIELD", "k", "GET", "u8", "0", "SET", "u64", "0", "1")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "BITFIELD", "l", "GET", "u8", "0")
                .expect(WRONGTYPE, "BITFIELD", "l", "SET", "u8", "0", "1")
                .expect(WRONGTYPE, "BITFIELD", "l")
                .expect(BAD_TYPE, "BITFIELD", "l", "GET", "u64", "0")
                .expect(arity("bitfield"), "BITFIELD"));
    }

    @Test
    void bitfieldRoOnlyReads() throws Exception {
        verify(new ReplyScript()
                .expect("*1\r\n:0\r\n", "BITFIELD", "k", "SET", "u8", "0", "200")
                .expect("*3\r\n:200\r\n:-56\r\n:8\r\n", "BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i8", "0", "get", "u4", "#1")
                .expect("*0\r\n", "BITFIELD_RO", "k")
                .expect("*1\r\n:0\r\n", "BITFIELD_RO", "nokey", "GET", "u8", "0")
                .expect(num(0), "EXISTS", "nokey")
                .expect(err("BITFIELD_RO only supports the GET subcommand"), "BITFIELD_RO", "k", "SET", "u8", "0", "1")
                .expect(err("BITFIELD_RO only supports the GET subcommand"), "BITFIELD_RO", "k", "INCRBY", "u8", "0", "1")
                .expect(err("BITFIELD_RO only supports the GET subcommand"), "BITFIELD_RO", "k", "GET", "u8", "0", "INCRBY", "u8", "0", "1")
                .expect(NOT_INTEGER, "BITFIELD_RO", "k", "SET", "u8", "0", "x")
                .expect(BAD_TYPE, "BITFIELD_RO", "k", "SET", "u64", "0", "1")
                .expect("*1\r\n:200\r\n", "BITFIELD_RO", "k", "OVERFLOW", "SAT", "GET", "u8", "0")
                .expect(err("Invalid OVERFLOW type specified"), "BITFIELD_RO", "k", "OVERFLOW", "x")
                .expect(SYNTAX, "BITFIELD_RO", "k", "FOO")
                .expect(err("BITFIELD_RO only supports the GET subcommand"), "BITFIELD_RO", "nokey", "SET", "u8", "0", "1")
                .expect(num(0), "EXISTS", "nokey")
                .expect(num(1), "RPUSH", "l", "a")
                .expect(WRONGTYPE, "BITFIELD_RO", "l", "GET", "u8", "0")
                .expect(err("BITFIELD_RO only supports the GET subcommand"), "BITFIELD_RO", "l", "SET", "u8", "0", "1")
                .expect(WRONGTYPE, "BITFIELD_RO", "l")
                .expect(arity("bitfield_ro"), "BITFIELD_RO"));
    }

    @Test
    void bitfieldFailureIsANullInBothProtocols() throws Exception {
        verify(new ReplyScript()
                .resp3()
                .expect("*3\r\n_\r\n:0\r\n:1\r\n", "BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "10", "SET", "u2", "0", "1", "GET", "u2", "0")
                .expect("*1\r\n:1\r\n", "BITFIELD_RO", "k", "GET", "u2", "0"));
    }

    // ---------------------------------------------------------------- beyond replies

    private static long dirty(CommandHarness h) {
        return h.server().keyspace().stats().dirty;
    }

    private static byte[] value(CommandHarness h, String key) {
        Entry e = h.server().keyspace().db(0).lookupQuiet(key.getBytes(StandardCharsets.UTF_8));
        return e == null ? null : (byte[]) e.value();
    }

    @Test
    void writesCountAsChangesOnlyWhenTheStringChanges() {
        CommandHarness h = new CommandHarness();
        long d0 = dirty(h);
        h.exec("SETBIT", "b", "3", "1");
        assertEquals(d0 + 1, dirty(h), "new key");
        h.exec("SETBIT", "b", "3", "1");
        assertEquals(d0 + 1, dirty(h), "same bit");
        h.exec("SETBIT", "b", "3", "0");
        assertEquals(d0 + 2, dirty(h), "bit cleared");
        h.exec("SETBIT", "b", "20", "0");
        assertEquals(d0 + 3, dirty(h), "string grown");
        h.exec("BITFIELD", "b", "SET", "u8", "0", "0", "SET", "u8", "0", "0");
        assertEquals(d0 + 3, dirty(h), "same values");
        h.exec("BITFIELD", "b", "SET", "u8", "0", "7", "INCRBY", "u8", "0", "1", "GET", "u8", "0");
        assertEquals(d0 + 5, dirty(h), "two changed fields");
        h.exec("BITFIELD", "b", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9");
        assertEquals(d0 + 5, dirty(h), "failed increment");
        h.exec("BITFIELD", "b", "SET", "u8", "100", "0", "SET", "u8", "100", "0");
        assertEquals(d0 + 7, dirty(h), "after growing every write counts");
        h.exec("BITOP", "NOT", "c", "b");
        assertEquals(d0 + 8, dirty(h), "bitop stores");
        h.exec("BITOP", "AND", "c", "missing");
        assertEquals(d0 + 9, dirty(h), "bitop deletes");
        h.exec("BITOP", "AND", "c", "missing");
        assertEquals(d0 + 9, dirty(h), "nothing to delete");
    }

    @Test
    void writesStoreANewArrayAndLeaveTheOldValueUntouched() {
        CommandHarness h = new CommandHarness();
        h.exec("SET", "k", "abc");
        byte[] before = value(h, "k");
        byte[] copy = before.clone();
        h.exec("SETBIT", "k", "0", "1");
        h.exec("BITFIELD", "k", "SET", "u8", "8", "0");
        assertArrayEquals(copy, before);
        assertArrayEquals(new byte[] {(byte) 0xe1, 0, 'c'}, value(h, "k"));
    }

    @Test
    void readsCountKeyspaceHitsAndMisses() {
        CommandHarness h = new CommandHarness();
        h.exec("SET", "k", "abc");
        long hits = h.server().keyspace().stats().hits;
        long misses = h.server().keyspace().stats().misses;
        h.exec("GETBIT", "k", "1");
        h.exec("BITCOUNT", "k");
        h.exec("BITPOS", "k", "1");
        h.exec("BITFIELD_RO", "k", "GET", "u8", "0");
        h.exec("BITOP", "AND", "d", "k", "nokey");
        h.exec("GETBIT", "nokey", "1");
        assertEquals(hits + 5, h.server().keyspace().stats().hits);
        assertEquals(misses + 2, h.server().keyspace().stats().misses);
    }

    @Test
    void bitcountCountsWordsAndTheBytesAroundThemAlike() {
        java.util.Random rnd = new java.util.Random(7);
        CommandHarness h = new CommandHarness();
        for (int round = 0; round < 300; round++) {
            byte[] value = new byte[rnd.nextInt(40) + 1];
            rnd.nextBytes(value);
            h.exec(h.client(), new byte[][]{"SET".getBytes(StandardCharsets.US_ASCII), {'b'}, value});
            long start = rnd.nextInt(value.length * 8 + 4) - 2;
            long end = rnd.nextInt(value.length * 8 + 4) - 2;
            long first = Math.max(0, start < 0 ? value.length * 8L + start : start);
            long last = Math.min(value.length * 8L - 1, end < 0 ? value.length * 8L + end : end);
            long expected = 0;
            for (long bit = first; bit <= last; bit++) {
                expected += (value[(int) (bit >>> 3)] >> (7 - (int) (bit & 7))) & 1;
            }
            if (start < 0 && end < 0 && start > end) {
                expected = 0;
            }
            assertEquals(num(expected), h.exec("BITCOUNT", "b", Long.toString(start), Long.toString(end), "BIT"),
                    "range " + start + ".." + end + " of " + value.length + " bytes");
        }
    }

    @Test
    void bitposSkipsWholeWordsAndStillFindsTheFirstBit() {
        java.util.Random rnd = new java.util.Random(11);
        CommandHarness h = new CommandHarness();
        for (int round = 0; round < 300; round++) {
            byte[] value = new byte[rnd.nextInt(60) + 1];
            int fill = rnd.nextBoolean() ? 0 : 0xff;
            java.util.Arrays.fill(value, (byte) fill);
            if (rnd.nextBoolean()) {
                value[rnd.nextInt(value.length)] ^= (byte) (1 << rnd.nextInt(8)); // one odd bit somewhere
            }
            h.exec(h.client(), new byte[][]{"SET".getBytes(StandardCharsets.US_ASCII), {'b'}, value});
            int bit = rnd.nextInt(2);
            long start = rnd.nextInt(value.length * 8);
            long end = start + rnd.nextInt(value.length * 8 - (int) start);
            long expected = -1;
            for (long pos = start; pos <= end && expected < 0; pos++) {
                if (((value[(int) (pos >>> 3)] >> (7 - (int) (pos & 7))) & 1) == bit) {
                    expected = pos;
                }
            }
            assertEquals(num(expected), h.exec("BITPOS", "b", Integer.toString(bit), Long.toString(start),
                    Long.toString(end), "BIT"), "bit " + bit + " in " + start + ".." + end);
        }
    }

    @Test
    void bitopFoldsSourcesOfEveryLengthAsBytesWould() {
        java.util.Random rnd = new java.util.Random(5);
        CommandHarness h = new CommandHarness();
        String[] ops = {"AND", "OR", "XOR", "NOT"};
        for (int round = 0; round < 200; round++) {
            String op = ops[rnd.nextInt(4)];
            int n = op.equals("NOT") ? 1 : rnd.nextInt(3) + 1;
            byte[][] src = new byte[n][];
            int max = 0;
            for (int i = 0; i < n; i++) {
                src[i] = new byte[rnd.nextInt(30) + 1];
                rnd.nextBytes(src[i]);
                max = Math.max(max, src[i].length);
                h.exec(h.client(), new byte[][]{"SET".getBytes(StandardCharsets.US_ASCII), {(byte) ('a' + i)}, src[i]});
            }
            byte[] expected = new byte[max];
            for (int j = 0; j < max; j++) {
                int out = j < src[0].length ? src[0][j] : 0;
                for (int i = 1; i < n; i++) {
                    int b = j < src[i].length ? src[i][j] : 0;
                    out = op.equals("AND") ? out & b : op.equals("OR") ? out | b : out ^ b;
                }
                expected[j] = (byte) (op.equals("NOT") ? ~out : out);
            }
            String[] args = new String[3 + n];
            args[0] = "BITOP";
            args[1] = op;
            args[2] = "d"; // from the second round on, often a result of the same length to write over
            for (int i = 0; i < n; i++) {
                args[3 + i] = String.valueOf((char) ('a' + i));
            }
            assertEquals(num(max), h.exec(args));
            assertArrayEquals(expected, (byte[]) h.client().db().peek(new byte[]{'d'}).value(), op + " of " + n);
        }
    }

    @Test
    void bitopOverItsOwnSourceOrALiveDestinationIsStillRedis() throws Exception {
        verify(new ReplyScript()
                .expect(OK, "SET", "a", "\001\002\003").expect(OK, "SET", "b", "\020\040\060")
                .expect(num(3), "BITOP", "OR", "d", "a", "b").expect(bulk("\021\042\063"), "GET", "d")
                .expect(num(1), "EXPIRE", "d", "100")
                .expect(num(3), "BITOP", "AND", "d", "a", "b").expect(bulk("\000\000\000"), "GET", "d")
                .expect(num(-1), "TTL", "d")
                .expect(num(3), "BITOP", "OR", "a", "b", "a").expect(bulk("\021\042\063"), "GET", "a")
                .expect(num(3), "BITOP", "XOR", "d", "a", "b").expect(bulk("\001\002\003"), "GET", "d"));
    }
}
