package io.mnemos.persistence;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Function libraries are part of the dataset on disk, as in Redis 7: an RDB file holds them before
 * the keys (RDB_OPCODE_FUNCTION2), an AOF base written as commands starts with a FUNCTION LOAD per
 * library, and files move between Mnemos and redis-server with their libraries.
 */
public class FunctionPersistenceTest {
    public static final String LIBRARY = "#!lua name=mylib\n"
            + "redis.register_function('greet', function(keys, args) return 'hello ' .. args[1] end)\n"
            + "redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end,"
            + " flags={'no-writes'}}";

    @TempDir
    Path dir;

    private static void loadLibrary(RespConnection c) throws Exception {
        assertEquals("$5\r\nmylib\r\n", c.call("FUNCTION", "LOAD", LIBRARY));
        assertEquals("+OK\r\n", c.call("SET", "k", "v"));
    }

    private static void assertLibraryWorks(RespConnection c) throws Exception {
        RdbPersistenceTest.awaitLoaded(c);
        assertEquals("$9\r\nhello you\r\n", c.call("FCALL", "greet", "0", "you"));
        assertEquals("$1\r\nv\r\n", c.call("FCALL_RO", "peek", "1", "k"));
        assertTrue(c.call("FUNCTION", "LIST", "WITHCODE").contains(LIBRARY.substring(0, 20)));
    }

    @Test
    void librariesSurviveARestartThroughTheRdbFile() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            loadLibrary(c);
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertLibraryWorks(c);
        }
    }

    @Test
    void debugReloadKeepsLibrariesAndFlushallLeavesThem() throws Exception {
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            loadLibrary(c);
            // Reloading empties the libraries too, so the file's copy does not clash with them.
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD"));
            assertLibraryWorks(c);
            assertEquals("+OK\r\n", c.call("FLUSHALL"));
            assertEquals("$9\r\nhello you\r\n", c.call("FCALL", "greet", "0", "you"));
        }
    }

    @Test
    void aLoadedLibraryIsLoggedToTheAppendOnlyFile() throws Exception {
        try (RunningServer s = RunningServer.withAof(dir);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            loadLibrary(c);
        }
        try (RunningServer s = RunningServer.withAof(dir);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertLibraryWorks(c);
        }
    }

    @ParameterizedTest(name = "aof-use-rdb-preamble {0}")
    @ValueSource(strings = {"yes", "no"})
    void librariesSurviveAnAofRewriteAndARestart(String preamble) throws Exception {
        try (RunningServer s = RunningServer.withAof(dir, "--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            loadLibrary(c);
            assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
            String done = "aof_rewrite_in_progress:0\r\n";
            assertEquals(done, AofRewriteTest.awaitInfo(c, done));
        }
        Path aofDir = dir.resolve("appendonlydir");
        try (var files = Files.list(aofDir)) {
            Path base = files.filter(p -> p.getFileName().toString().contains(".base.")).findFirst().orElseThrow();
            String text = new String(Files.readAllBytes(base), StandardCharsets.ISO_8859_1);
            assertTrue(text.contains("name=mylib"), "the base holds the library: " + base);
            if (preamble.equals("no")) {
                assertTrue(text.startsWith("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n"), text);
            }
        }
        try (RunningServer s = RunningServer.withAof(dir, "--aof-use-rdb-preamble", preamble);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertLibraryWorks(c);
        }
    }

    @Test
    void librariesMoveBetweenRedisAndMnemosRdbFilesBothWays(@TempDir Path redisDir) throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        String dump;
        try (RealRedis redis = RealRedis.start("--dir", redisDir.toString());
             RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
            loadLibrary(c);
            dump = c.call("FUNCTION", "DUMP");
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        Files.copy(redisDir.resolve("dump.rdb"), dir.resolve("dump.rdb"));
        try (RunningServer s = RunningServer.start("--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertLibraryWorks(c);
            assertEquals(dump, c.call("FUNCTION", "DUMP"));
            assertEquals("+OK\r\n", c.call("SAVE"));
        }
        Files.copy(dir.resolve("dump.rdb"), redisDir.resolve("dump.rdb"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (RealRedis redis = RealRedis.start("--dir", redisDir.toString());
             RespConnection c = new RespConnection("127.0.0.1", redis.port())) {
            assertLibraryWorks(c);
            assertEquals(dump, c.call("FUNCTION", "DUMP"));
        }
    }

    @Test
    void aLibraryThatCannotBeCreatedIsAFatalLoadErrorWithRedisText() throws Exception {
        RdbWriter w = new RdbWriter(Files.newOutputStream(dir.resolve("dump.rdb")), false, true);
        w.header();
        w.functions(java.util.List.of(LIBRARY.getBytes(StandardCharsets.UTF_8),
                LIBRARY.getBytes(StandardCharsets.UTF_8)));
        w.finish();
        try (RunningServer s = RunningServer.start("--dir", dir.toString())) {
            for (int i = 0; i < 500 && s.server().persistence().loadError() == null; i++) {
                Thread.sleep(10);
            }
            assertEquals("Failed loading library, Library 'mylib' already exists",
                    s.server().persistence().loadError());
        }
    }

    @Test
    void aPreReleaseFunctionRecordIsRefusedAsRedisDoes() {
        byte[] rdb = {'R', 'E', 'D', 'I', 'S', '0', '0', '1', '0', (byte) Rdb.OPCODE_FUNCTION, 0};
        RdbFormatException e = org.junit.jupiter.api.Assertions.assertThrows(RdbFormatException.class,
                () -> RdbReader.load(new java.io.ByteArrayInputStream(rdb), null, false, (db, key, value, at) -> {
                }));
        assertEquals("Pre-release function format not supported.", e.getMessage());
    }
}
