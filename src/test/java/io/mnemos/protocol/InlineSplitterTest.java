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
        return args == null ? null : strings(args);
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
    void aRangeOfALargerArraySplitsAsTheSameLineAlone() {
        byte[] read = "*1\r\n$4\r\nPING\r\nset \"a b\" c\r\nGET k\r\n".getBytes(StandardCharsets.ISO_8859_1);
        int quoted = "*1\r\n$4\r\nPING\r\n".length();
        int unquoted = quoted + "set \"a b\" c\r\n".length();
        assertEquals(List.of("set", "a b", "c"), strings(InlineSplitter.split(read, quoted, unquoted - 2)));
        assertEquals(List.of("GET", "k"), strings(InlineSplitter.split(read, unquoted, read.length - 2)));
        assertNull(InlineSplitter.split(read, quoted, quoted + 6));
    }

    private static List<String> strings(byte[][] args) {
        return Arrays.stream(args).map(a -> new String(a, StandardCharsets.ISO_8859_1)).toList();
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
