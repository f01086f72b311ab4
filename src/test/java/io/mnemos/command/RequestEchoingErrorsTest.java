package io.mnemos.command;

import io.mnemos.testing.ReplyScript;
import org.junit.jupiter.api.Test;

/**
 * Errors whose text Redis builds from the request: how much of an unknown command's arguments it
 * echoes (printf's {@code %.*s}: 128 bytes in all, each argument up to a NUL byte), and which check
 * comes first where a request is wrong in two ways. Each script also runs against redis-server.
 */
class RequestEchoingErrorsTest {
    private static final String A128 = "a".repeat(128);
    private static final String E65 = "\u00e9".repeat(65); // 130 bytes in UTF-8

    @Test
    void unknownCommandsEchoTheirArgumentsUpTo128BytesAndANul() throws Exception {
        new ReplyScript()
                .expect("-ERR unknown command 'NOSUCH', with args beginning with: '" + A128 + "' \r\n", "NOSUCH", A128)
                .expect("-ERR unknown command 'NOSUCH', with args beginning with: '" + "a".repeat(124) + "' 'b' \r\n",
                        "NOSUCH", "a".repeat(124), "b", "c")
                .expect("-ERR unknown command 'NOSUCH', with args beginning with: '" + "\u00e9".repeat(64) + "' \r\n",
                        "NOSUCH", E65)
                .expect("-ERR unknown command 'NOSUCH', with args beginning with: 'a' 'c' \r\n", "NOSUCH", "a\u0000b", "c")
                .expect("-ERR unknown subcommand '" + "\u00e9".repeat(64) + "'. Try CLIENT HELP.\r\n", "CLIENT", E65)
                .verify();
    }

    @Test
    void whichOfTwoMistakesIsReported() throws Exception {
        new ReplyScript()
                // SELECT parses an int first (getIntFromObjectOrReply), then checks the database.
                .expect("-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
                        "SELECT", "4294967296")
                .expect("-ERR value is not an integer or out of range\r\n", "SELECT", "x")
                .expect("-ERR DB index is out of range\r\n", "SELECT", "2147483647")
                // CLIENT KILL ID has one message for garbage, zero and negative ids.
                .expect("-ERR client-id should be greater than 0\r\n", "CLIENT", "KILL", "ID", "abc")
                .expect("-ERR client-id should be greater than 0\r\n", "CLIENT", "KILL", "ID", "-3")
                // EVALSHA: a SHA that is not 40 characters long cannot match, before numkeys is read.
                .expect("-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA", "abc", "x")
                .expect("-ERR value is not an integer or out of range\r\n", "EVALSHA", "f".repeat(40), "x")
                .expect("-NOSCRIPT No matching script. Please use EVAL.\r\n", "EVALSHA", "f".repeat(40), "0")
                .verify();
    }
}
