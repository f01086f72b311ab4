package io.mnemos.store;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ListpackTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void roundTrips(byte[] s) {
        byte[] enc = Listpack.encode(s);
        assertEquals(enc.length, Listpack.entrySize(enc, 0));
        assertEquals(enc.length, Listpack.encodedSize(s));
        assertArrayEquals(s, Listpack.decode(enc, 0));
        assertEquals(s.length, Listpack.stringLength(enc, 0));
    }

    @Test
    void canonicalIntegersArePackedAndDecodeToTheSameText() {
        for (String s : new String[]{"0", "1", "-1", "127", "128", "-128", "-129", "32767", "65536", "123456789",
                "9223372036854775807", "-9223372036854775808"}) {
            assertTrue(Listpack.isCanonicalLong(b(s)), s);
            byte[] enc = Listpack.encode(b(s));
            assertTrue(Listpack.isInt(enc, 0), s);
            assertTrue(enc.length <= 9, s);
            roundTrips(b(s));
        }
        assertEquals(3, Listpack.encode(b("12345")).length, "tag and two bytes");
    }

    @Test
    void nonCanonicalNumbersStayStrings() {
        for (String s : new String[]{"", "-", "-0", "00", "01", "+1", " 1", "1 ", "1.0", "9223372036854775808",
                "-9223372036854775809", "123456789012345678901", "1e3", "0x10"}) {
            assertFalse(Listpack.isCanonicalLong(b(s)), s);
            byte[] enc = Listpack.encode(b(s));
            assertFalse(Listpack.isInt(enc, 0), s);
            roundTrips(b(s));
        }
    }

    @Test
    void stringsOfEveryLengthClassAndBinaryBytesRoundTrip() {
        Random rnd = new Random(1);
        for (int len : new int[]{0, 1, 63, 64, 191, 192, 193, 255, 256, 8191, 8192, 70_000}) {
            byte[] s = new byte[len];
            rnd.nextBytes(s);
            roundTrips(s);
        }
        roundTrips(new byte[]{0, (byte) 0xFF, '\r', '\n', 0});
    }

    @Test
    void equalStringsHaveEqualEncodings() {
        assertArrayEquals(Listpack.encode(b("42")), Listpack.encode(b("42")));
        assertFalse(java.util.Arrays.equals(Listpack.encode(b("42")), Listpack.encode(b("042"))));
    }

    @Test
    void scoresRoundTripIncludingInfinities() {
        double[] scores = {0, 1, -1, 1.5, 1e300, -1e-300, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                9007199254740992.0, 9007199254740994.0, 123456, Double.MIN_VALUE};
        for (double d : scores) {
            byte[] out = new byte[Listpack.scoreSize(d)];
            assertEquals(out.length, Listpack.writeScore(out, 0, d));
            assertEquals(out.length, Listpack.entrySize(out, 0));
            assertEquals(Double.doubleToRawLongBits(d), Double.doubleToRawLongBits(Listpack.readScore(out, 0)), "" + d);
        }
        assertEquals(4, Listpack.scoreSize(123456), "small whole scores take an integer entry");
        byte[] zero = new byte[Listpack.scoreSize(-0.0)];
        Listpack.writeScore(zero, 0, -0.0);
        assertEquals(0L, Double.doubleToRawLongBits(Listpack.readScore(zero, 0)), "-0 packs as 0, as in Redis");
    }

    @Test
    void comparesLikeMemcmp() {
        byte[] enc = Listpack.encode(b("abc"));
        assertTrue(Listpack.compareString(enc, 0, b("abd")) < 0);
        assertTrue(Listpack.compareString(enc, 0, b("ab")) > 0);
        assertEquals(0, Listpack.compareString(enc, 0, b("abc")));
        byte[] num = Listpack.encode(b("10"));
        assertTrue(Listpack.compareString(num, 0, b("9")) < 0, "integers compare as their text");
        assertTrue(Listpack.compareString(Listpack.encode(new byte[]{(byte) 0x80}), 0, b("a")) > 0, "unsigned");
    }
}
