package io.mnemos.command;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandMetadataTest {
    @Test
    void coversEveryRedis70CommandAndSubcommand() {
        long topLevel = CommandMetadata.names().stream().filter(n -> !n.contains("|")).count();
        assertEquals(240, topLevel, "redis 7.0.15 answers COMMAND COUNT with 240");
        assertTrue(CommandMetadata.known("client|list"));
        assertFalse(CommandMetadata.known("nosuch"));
        for (String name : CommandMetadata.names()) {
            assertNotNull(CommandMetadata.explicitCategories(name), name);
            assertNotNull(CommandMetadata.field(name, "tips"), name);
            assertNotNull(CommandMetadata.field(name, "keyspecs"), name);
            assertNotNull(CommandMetadata.field(name, "summary"), name);
        }
    }

    @Test
    void keepsTheCategoriesRedisDoesNotDeriveFromFlags() {
        assertEquals(List.of("string"), CommandMetadata.explicitCategories("get"));
        assertEquals(List.of("keyspace", "dangerous"), CommandMetadata.explicitCategories("flushall"));
        assertEquals(List.of("transaction"), CommandMetadata.explicitCategories("exec"));
        assertNull(CommandMetadata.explicitCategories("nosuch"));
    }

    @Test
    void keySpecsAreParsedResp3Trees() {
        CommandMetadata.Node specs = CommandMetadata.field("xreadgroup", "keyspecs");
        assertEquals('~', specs.type());
        CommandMetadata.Node beginSearch = specs.items().get(0).get("begin_search");
        assertEquals("keyword", beginSearch.get("type").text());
        assertEquals("STREAMS", beginSearch.get("spec").get("keyword").text());
        assertEquals(4, beginSearch.get("spec").get("startfrom").number());
    }
}
