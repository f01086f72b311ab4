package io.mnemos.protocol;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Inline command lines split as Redis's sdssplitargs splits them. */
class InlineSplitterTest {
    private static List<String> split(String line) {
        byte[][] args = InlineSplitter.split(line.getBytes(StandardCharsets.ISO_8859_1));
        return args == null ? null : Arrays.stream(args).map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void blanksSeparateArgumentsWithoutQuotes() {
        assertEquals(List.of("PING"), split("PING"));
        assertEquals(List.of("set", "a", "b"), split("  set \t a\rb \f"));
        // A vertical tab or form feed is skipped before a word but does not end one (sdssplitargs).
        assertEquals(List.of("a\u000bb", "c"), split("\u000b a\u000bb \fc"));
        assertEquals(List.of(), split("   "));
        assertEquals(List.of(), split(""));
    }

    @Test
    void aNulEndsTheLineAsInACString() {
        assertEquals(List.of("get", "k"), split("get k\0ignored rest"));
        assertEquals(List.of("get", "k"), split("get k\0\"unbalanced"));
    }

    @Test
    void quotesAndEscapesWhereTheyAppear() {
        assertEquals(List.of("set", "a b", "c\n"), split("set \"a b\" \"c\\n\""));
        assertEquals(List.of("x", "it's"), split("x 'it\\'s'"));
        assertEquals(List.of("ab c"), split("a\"b c\""));
        assertNull(split("set \"a"));
        assertNull(split("set \"a\"b"));
    }

    @Test
    void unquotedAndQuotedPathsAgreeOnPlainLines() {
        // The same plain words, once forced through the quote-aware path by a trailing quoted word.
        String plain = " alpha  be\u000bta\tgamma ";
        List<String> fast = split(plain);
        List<String> slow = split(plain + "\"delta\"");
        assertEquals(fast, slow.subList(0, 3));
        assertEquals("delta", slow.get(3));
    }
}
