package io.mnemos.util;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LzfTest {
    @Test
    void aRunBecomesALiteralPairAndOneLongBackReference() {
        byte[] in = "x".repeat(21).getBytes(StandardCharsets.US_ASCII);
        // 000LLLLL literal run of 2, then 111ooooo LLLLLLLL oooooooo: 17+2 octets at distance 1.
        assertArrayEquals(new byte[]{1, 'x', 'x', (byte) 0xE0, 10, 0}, Lzf.compress(in, in.length - 4));
    }

    @Test
    void incompressibleInputDoesNotFit() {
        byte[] in = "abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
        assertNull(Lzf.compress(in, in.length - 4));
    }

    @Test
    void emptyInputOrNoRoomIsNotCompressed() {
        assertNull(Lzf.compress(new byte[0], 10));
        assertNull(Lzf.compress(new byte[]{1, 2, 3}, 0));
    }
}
