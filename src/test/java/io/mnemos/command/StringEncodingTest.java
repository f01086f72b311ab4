package io.mnemos.command;

import io.mnemos.testing.DifferentialRun;
import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

/**
 * OBJECT ENCODING of strings as Redis 7.0.15 reports it: SET-like commands pick int/embstr/raw by
 * content (tryObjectEncoding); strings modified in place (APPEND, SETRANGE, SETBIT, BITFIELD, PFADD)
 * and BITOP results are "raw" whatever their length; INCR results are "int"; INCRBYFLOAT results
 * are never "int". Each script runs on Mnemos and, where installed, on a real redis-server.
 */
class StringEncodingTest {
    private static final String INT = "$3\r\nint\r\n";
    private static final String EMBSTR = "$6\r\nembstr\r\n";
    private static final String RAW = "$3\r\nraw\r\n";
    private static final String OK = "+OK\r\n";

    @Test
    void setPicksByContent() throws Exception {
        new ReplyScript()
                .expect(OK, "SET", "k", "abc").expect(EMBSTR, "OBJECT", "ENCODING", "k")
                .expect(OK, "SET", "k", "-123").expect(INT, "OBJECT", "ENCODING", "k")
                .expect(OK, "SET", "k", "3.0").expect(EMBSTR, "OBJECT", "ENCODING", "k")
                .expect(OK, "SET", "k", "x".repeat(45)).expect(RAW, "OBJECT", "ENCODING", "k")
                .expect(":1\r\n", "APPEND", "n", "7").expect(INT, "OBJECT", "ENCODING", "n")
                .verify();
    }

    @Test
    void inPlaceModificationsMakeRawStrings() throws Exception {
        new ReplyScript()
                .expect(OK, "SET", "k", "abc").expect(":4\r\n", "APPEND", "k", "d").expect(RAW, "OBJECT", "ENCODING", "k")
                .expect(OK, "SET", "k", "12").expect(":2\r\n", "APPEND", "k", "").expect(RAW, "OBJECT", "ENCODING", "k")
                .expect(":1\r\n", "OBJECT", "REFCOUNT", "k")
                .expect(OK, "SET", "k", "abc").expect(":3\r\n", "SETRANGE", "k", "0", "")
                .expect(EMBSTR, "OBJECT", "ENCODING", "k")
                .expect(":3\r\n", "SETRANGE", "k", "0", "x").expect(RAW, "OBJECT", "ENCODING", "k")
                .expect(":2\r\n", "SETRANGE", "r", "0", "12").expect(RAW, "OBJECT", "ENCODING", "r")
                .expect(":0\r\n", "SETBIT", "b", "1", "1").expect(RAW, "OBJECT", "ENCODING", "b")
                .expect(OK, "SET", "b", "12").expect(":0\r\n", "SETBIT", "b", "1", "0")
                .expect(RAW, "OBJECT", "ENCODING", "b")
                .expect(OK, "SET", "b", "12").expect("*1\r\n:49\r\n", "BITFIELD", "b", "GET", "u8", "0")
                .expect(INT, "OBJECT", "ENCODING", "b")
                .expect("*1\r\n:49\r\n", "BITFIELD", "b", "SET", "u8", "0", "49").expect(RAW, "OBJECT", "ENCODING", "b")
                .expect(OK, "SET", "x", "1").expect(":1\r\n", "BITOP", "OR", "d", "x").expect(RAW, "OBJECT", "ENCODING", "d")
                .expect(":1\r\n", "PFADD", "h", "a").expect(RAW, "OBJECT", "ENCODING", "h")
                .verify();
    }

    @Test
    void rawSurvivesKeyOperationsButNotANewValue() throws Exception {
        new ReplyScript()
                .expect(OK, "SET", "k", "abc").expect(":4\r\n", "APPEND", "k", "d")
                .expect(":1\r\n", "COPY", "k", "k2").expect(RAW, "OBJECT", "ENCODING", "k2")
                .expect(OK, "RENAME", "k", "k3").expect(RAW, "OBJECT", "ENCODING", "k3")
                .expect(":1\r\n", "EXPIRE", "k3", "100").expect("$4\r\nabcd\r\n", "GETEX", "k3", "PERSIST")
                .expect(RAW, "OBJECT", "ENCODING", "k3")
                .expect(":0\r\n", "SETNX", "k3", "1").expect(RAW, "OBJECT", "ENCODING", "k3")
                .expect("$4\r\nabcd\r\n", "GETSET", "k3", "xyz").expect(EMBSTR, "OBJECT", "ENCODING", "k3")
                .expect(":4\r\n", "APPEND", "k3", "w").expect(OK, "SET", "k3", "1", "XX")
                .expect(INT, "OBJECT", "ENCODING", "k3")
                .verify();
    }

    @Test
    void countersAreIntAndFloatsAreNot() throws Exception {
        new ReplyScript()
                .expect(OK, "SET", "k", "5").expect(":2\r\n", "APPEND", "k", "1").expect(":52\r\n", "INCR", "k")
                .expect(INT, "OBJECT", "ENCODING", "k")
                .expect(":3\r\n", "APPEND", "k", "1").expect(":518\r\n", "DECRBY", "k", "3")
                .expect(INT, "OBJECT", "ENCODING", "k")
                .expect(OK, "SET", "f", "10").expect("$2\r\n11\r\n", "INCRBYFLOAT", "f", "1")
                .expect(EMBSTR, "OBJECT", "ENCODING", "f").expect(":1\r\n", "OBJECT", "REFCOUNT", "f")
                .expect("$1\r\n3\r\n", "INCRBYFLOAT", "nf", "3").expect(EMBSTR, "OBJECT", "ENCODING", "nf")
                .expect("$49\r\n1234567890123456789033633598652534437793205583872\r\n",
                        "INCRBYFLOAT", "big", "1234567890123456789012345678901234567890123456789")
                .expect(RAW, "OBJECT", "ENCODING", "big")
                .expect(":4\r\n", "INCR", "nf").expect(INT, "OBJECT", "ENCODING", "nf")
                .verify();
    }

    @Test
    void encodingsMatchRealRedisUnderLfuToo() throws Exception {
        try (DifferentialRun run = DifferentialRun.start("--maxmemory-policy", "allkeys-lfu")) {
            run.send("SET", "k", "abc");
            run.send("APPEND", "k", "d");
            run.send("GET", "k");
            run.send("OBJECT", "ENCODING", "k");
            run.send("SET", "k", "12");
            run.send("OBJECT", "ENCODING", "k");
            run.send("SETRANGE", "k", "1", "9");
            run.send("OBJECT", "ENCODING", "k");
        }
    }
}
