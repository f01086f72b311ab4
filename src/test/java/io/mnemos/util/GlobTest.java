package io.mnemos.util;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobTest {
    /**
     * Pattern, string, and whether redis-server 7.0.15 matches them (checked with KEYS on a key of
     * exactly that name). The empty string against "*" is stringmatchlen's own answer: KEYS and
     * SCAN never ask it, they treat "*" as match-all.
     */
    static Stream<Object[]> caseSensitiveCases() {
        return Stream.of(new Object[][]{
                {"*", "anything", true},
                {"*", "", false},
                {"?", "a", true},
                {"?", "", false},
                {"?", "ab", false},
                {"a?c", "abc", true},
                {"a?c", "ac", false},
                {"a*", "a", true},
                {"a*b", "ab", true},
                {"a*b", "axxb", true},
                {"a*b", "axxbc", false},
                {"a*b*c", "aXbYc", true},
                {"a*b*c", "aXbY", false},
                {"*a", "ba", true},
                {"**a**", "xax", true},
                {"h[ae]llo", "hallo", true},
                {"h[ae]llo", "hillo", false},
                {"h[^e]llo", "hallo", true},
                {"h[^e]llo", "hello", false},
                {"h[a-b]llo", "hbllo", true},
                {"h[a-b]llo", "hcllo", false},
                {"h[b-a]llo", "hallo", true},
                {"[a-]", "-", false},
                {"[a-]", "a", true},
                {"[-a]", "-", true},
                {"[]", "x", false},
                {"[", "[", false},
                {"[abc", "c", true},
                {"[abc", "d", false},
                {"[^", "x", true},
                {"[\\]]", "]", true},
                {"[\\-]", "-", true},
                {"[a\\-c]", "b", false},
                {"[a\\-c]", "-", true},
                {"\\*", "*", true},
                {"\\*", "a", false},
                {"a\\", "a\\", true},
                {"\\", "\\", true},
                {"a\\?", "a?", true},
                {"a\\?", "ab", false},
                {"[*]", "*", true},
                {"[?]", "a", false},
                {"x[a-c]*y", "xbzzzy", true},
                {"*?", "", false},
                {"*?", "a", true},
                {"[[]", "[", true},
                {"[]]", "]", false},
                {"[]]", "x", false},
                {"a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
                {"[^a-z]", "A", true},
                {"[^a-z]", "q", false},
        });
    }

    private static boolean match(String pattern, String string, boolean nocase) {
        return Glob.matches(pattern.getBytes(StandardCharsets.ISO_8859_1),
                string.getBytes(StandardCharsets.ISO_8859_1), nocase);
    }

    @ParameterizedTest(name = "\"{0}\" vs \"{1}\" -> {2}")
    @MethodSource("caseSensitiveCases")
    void matchesLikeRedis(String pattern, String string, boolean expected) {
        assertEquals(expected, match(pattern, string, false));
    }

    @Test
    void nocaseFoldsLettersInLiteralsAndClassesAndRanges() {
        assertTrue(match("HeLLo", "hello", true));
        assertFalse(match("HeLLo", "hello", false));
        assertTrue(match("h[AE]llo", "hello", true));
        assertTrue(match("h[A-F]llo", "hello", true));
        assertTrue(match("h[a-f]llo", "HELLO", true));
        assertFalse(match("h[^E]llo", "hello", true));
        assertTrue(match("*WORLD", "hello world", true));
    }

    @Test
    void escapesInsideClassesCompareExactlyEvenWithNocase() {
        assertTrue(match("[\\a]", "a", true));
        assertFalse(match("[\\A]", "a", true));
    }

    @Test
    void rangesCompareSignedBytesLikeC() {
        // 'a' (97) to 0xff (-1 as a signed char) swaps to -1..97: NUL..'a' and 0xff, not 'z'.
        assertTrue(match("[a-\u00ff]", "0", false));
        assertTrue(match("[a-\u00ff]", "\u00ff", false));
        assertFalse(match("[a-\u00ff]", "z", false));
        assertFalse(match("[a-\u00ff]", "\u0080", false));
    }

    @Test
    void stringConvenienceIsCaseInsensitive() {
        assertTrue(Glob.matches("maxmemory*", "MAXMEMORY-policy"));
    }

    @Test
    void pathologicalPatternsFinishQuickly() {
        String pattern = "a*".repeat(60) + "b";
        String string = "a".repeat(5000);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertFalse(match(pattern, string, false)));
    }
}
