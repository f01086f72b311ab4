package io.mnemos.command;

import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

/**
 * Floating-point arguments read as Redis reads them: scores with strtod, hexadecimal included,
 * overflow and underflow refused; blocking timeouts as x87 long doubles times 1000, truncated.
 * Each script also runs against redis-server.
 */
class FloatArgumentsTest {
    private static final String NOT_FLOAT = "-ERR value is not a valid float\r\n";

    @Test
    void scoresTakeStrtodsHexadecimalForm() throws Exception {
        new ReplyScript()
                .expect(":1\r\n", "ZADD", "z", "0x10", "m")
                .expect("$2\r\n16\r\n", "ZSCORE", "z", "m")
                .expect("$2\r\n24\r\n", "ZINCRBY", "z", "0x1p3", "m")
                .expect(":1\r\n", "ZCOUNT", "z", "0x10", "+inf")
                .expect("*1\r\n$1\r\nm\r\n", "ZRANGEBYSCORE", "z", "(0x0", "+inf")
                .expect("*2\r\n$1\r\nm\r\n$2\r\n48\r\n", "ZUNION", "1", "z", "WEIGHTS", "0x2", "WITHSCORES")
                .expect(":1\r\n", "ZADD", "z", "-0x.8", "half")
                .expect(":1\r\n", "ZADD", "z", "0x1.8P1", "three")
                .expect(":1\r\n", "ZADD", "z", "0x0p-99999", "zero")
                .expect(NOT_FLOAT, "ZADD", "z", "0x1p99999", "overflow")
                .expect(NOT_FLOAT, "ZADD", "z", "0x1p-99999", "underflow")
                .expect(NOT_FLOAT, "ZADD", "z", "0x1p3d", "java-suffix")
                .expect(NOT_FLOAT, "ZADD", "z", "0x", "no-digits")
                .expect("*8\r\n$4\r\nhalf\r\n$4\r\n-0.5\r\n$4\r\nzero\r\n$1\r\n0\r\n$5\r\nthree\r\n$1\r\n3\r\n$1\r\nm\r\n$2\r\n24\r\n",
                        "ZRANGE", "z", "0", "-1", "WITHSCORES")
                .verify();
    }

    @Test
    void aTimeoutIsALongDoubleOfMillisecondsRoundedUp() throws Exception {
        new ReplyScript()
                .expect(":2\r\n", "RPUSH", "l", "a", "b")
                // -0.001 is a hair above -0.001 as a long double: times 1000 it rounds up to 0 ms.
                .expect("*2\r\n$1\r\nl\r\n$1\r\na\r\n", "BLPOP", "l", "-0.001")
                .expect("-ERR timeout is negative\r\n", "BLPOP", "l", "-0.002")
                .expect("*2\r\n$1\r\nl\r\n$1\r\nb\r\n", "BRPOP", "l", "0x1p-20")
                .expect("-ERR timeout is not a float or out of range\r\n", "BLPOP", "l", "1x")
                .expect("-ERR timeout is negative\r\n", "BLPOP", "l", "-inf")
                .expect("-ERR timeout is negative\r\n", "BLPOP", "l", "inf")
                .expect("-ERR timeout is negative\r\n", "BLPOP", "l", "1e300")
                .verify();
    }
}
