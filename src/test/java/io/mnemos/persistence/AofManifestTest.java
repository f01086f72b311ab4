package io.mnemos.persistence;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AofManifestTest {
    @Test
    void newFilesFollowRedisNamingAndTheManifestListsBaseHistoryThenIncr() {
        AofManifest m = new AofManifest();
        assertEquals("appendonly.aof.1.base.aof", m.newBase("appendonly.aof", false));
        assertEquals("appendonly.aof.1.incr.aof", m.newIncr("appendonly.aof"));
        assertEquals("appendonly.aof.2.incr.aof", m.newIncr("appendonly.aof"));
        assertEquals("appendonly.aof.2.base.rdb", m.newBase("appendonly.aof", true));
        m.markIncrsAsHistoryExceptFrom(2);
        assertEquals("""
                file appendonly.aof.2.base.rdb seq 2 type b
                file appendonly.aof.1.base.aof seq 1 type h
                file appendonly.aof.1.incr.aof seq 1 type h
                file appendonly.aof.2.incr.aof seq 2 type i
                """, m.format());
    }

    @Test
    void parsesWhatRedisWritesAndWhatItFormatsItself() throws Exception {
        String text = "file appendonly.aof.3.base.aof seq 3 type b\n"
                + "file appendonly.aof.5.incr.aof seq 5 type h\n"
                + "file appendonly.aof.6.incr.aof seq 6 type i\n"
                + "file appendonly.aof.7.incr.aof seq 7 type i\n";
        AofManifest m = AofManifest.parse(text);
        assertEquals("appendonly.aof.3.base.aof", m.base().name());
        assertEquals(2, m.incrs().size());
        assertEquals(1, m.history().size());
        assertEquals(7, m.currentIncrSeq());
        assertEquals(3, m.currentBaseSeq());
        assertEquals(text, m.format());
        assertEquals("appendonly.aof.8.incr.aof", m.newIncr("appendonly.aof"));
        assertEquals("appendonly.aof.4.base.aof", m.newBase("appendonly.aof", false));
    }

    @Test
    void commentsAreSkippedAndKeysAreCaseInsensitiveInAnyOrder() throws Exception {
        AofManifest m = AofManifest.parse("# a comment\nTYPE i SEQ 1 FILE x.1.incr.aof\n");
        assertNull(m.base());
        assertEquals("x.1.incr.aof", m.incrs().get(0).name());
    }

    @Test
    void fileNamesWithSpacesAreQuotedAsSdscatreprAndReadBack() throws Exception {
        AofManifest m = new AofManifest();
        m.newBase("my aof", false);
        String text = m.format();
        assertEquals("file \"my aof.1.base.aof\" seq 1 type b\n", text);
        assertEquals("my aof.1.base.aof", AofManifest.parse(text).base().name());
    }

    @Test
    void rejectsMalformedManifestsWithRedisMessages() {
        assertMessage("Found an empty AOF manifest", "");
        assertMessage("Invalid AOF manifest file format", "file a seq 1\n");
        assertMessage("Invalid AOF manifest file format", "file a seq 0 type b\n");
        assertMessage("Found duplicate base file information", "file a seq 1 type b\nfile b seq 2 type b\n");
        assertMessage("Found a non-monotonic sequence number", "file a seq 2 type i\nfile b seq 2 type i\n");
        assertMessage("Unknown AOF file type", "file a seq 1 type x\n");
        assertMessage("File can't be a path, just a filename", "file ../a seq 1 type b\n");
    }

    private static void assertMessage(String expected, String text) {
        AofManifest.FormatException e = assertThrows(AofManifest.FormatException.class, () -> AofManifest.parse(text));
        assertTrue(e.getMessage().endsWith(expected), e.getMessage());
    }
}
