package io.mnemos.command;

import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

/**
 * Lex ranges over a small sorted set whose scores differ: Redis calls the result undefined but
 * answers deterministically for a listpack, from how it walks it; Mnemos walks the same way.
 * The script also runs against redis-server.
 */
class LexRangeMixedScoresTest {
    private static final String EMPTY = "*0\r\n";

    @Test
    void aListpackIsWalkedAsRedisWalksIt() throws Exception {
        new ReplyScript()
                .expect(":2\r\n", "ZADD", "z", "1", "b", "2", "a")
                .expect(EMPTY, "ZRANGEBYLEX", "z", "(a", "+")
                .expect(":0\r\n", "ZLEXCOUNT", "z", "[b", "+")
                .expect(EMPTY, "ZRANGE", "z", "+", "(a", "BYLEX", "REV")
                .expect("*2\r\n$1\r\na\r\n$1\r\nb\r\n", "ZREVRANGEBYLEX", "z", "+", "-")
                .expect(":0\r\n", "ZREMRANGEBYLEX", "z", "(a", "+")
                .expect(":2\r\n", "ZCARD", "z")
                .expect(":4\r\n", "ZADD", "m", "1", "c", "2", "a", "3", "d", "4", "b")
                .expect("*2\r\n$1\r\nc\r\n$1\r\na\r\n", "ZRANGEBYLEX", "m", "[b", "[c")
                .expect("*2\r\n$1\r\nb\r\n$1\r\nd\r\n", "ZREVRANGEBYLEX", "m", "[c", "[b")
                .expect("*2\r\n$1\r\na\r\n$1\r\nd\r\n", "ZRANGEBYLEX", "m", "-", "+", "LIMIT", "1", "2")
                .expect("*2\r\n$1\r\nd\r\n$1\r\na\r\n", "ZREVRANGEBYLEX", "m", "+", "-", "LIMIT", "1", "2")
                .expect(":2\r\n", "ZLEXCOUNT", "m", "[a", "[c")
                .expect(EMPTY, "ZRANGEBYLEX", "m", "[d", "+")
                .expect(":2\r\n", "ZREMRANGEBYLEX", "m", "[b", "[c")
                .expect("*2\r\n$1\r\nd\r\n$1\r\nb\r\n", "ZRANGE", "m", "0", "-1")
                // A LIMIT offset skips members whether in range or not, then the range goes on.
                .expect(":4\r\n", "ZADD", "o", "0", "x", "0", "a", "0", "d", "3", "3")
                .expect("*1\r\n$1\r\n3\r\n", "ZRANGEBYLEX", "o", "[-1", "[a", "LIMIT", "3", "5")
                .expect(EMPTY, "ZRANGEBYLEX", "o", "[-1", "[a", "LIMIT", "1", "5")
                .expect("*1\r\n$1\r\na\r\n", "ZREVRANGEBYLEX", "o", "[d", "[-", "LIMIT", "3", "1")
                .expect("*1\r\n$1\r\n3\r\n", "ZRANGE", "o", "[-1", "[a", "BYLEX", "LIMIT", "3", "1")
                .verify();
    }
}
