package io.mnemos.it;

import io.mnemos.testing.RedisCli;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The real redis-cli against Mnemos, including the docker-compose healthcheck idioms. */
class RedisCliIntegrationTest {
    private static RunningServer server;
    private static RunningServer secured;

    @BeforeAll
    static void start() {
        assumeTrue(RedisCli.available(), "redis-cli is not installed (apt-get install redis-tools)");
        server = RunningServer.start();
        secured = RunningServer.start("--requirepass", "s3cret");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            secured.close();
        }
    }

    private static String cli(RunningServer target, String stdin, String... args) throws IOException, InterruptedException {
        return RedisCli.run(target.port(), stdin, args).out();
    }

    @Test
    void rdbOptionTakesABackupOverTheWireThatLoadsIntoTheSameDataset(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        String digest;
        java.nio.file.Path backup = tmp.resolve("backup.rdb");
        try (RunningServer source = RunningServer.start("--dir", tmp.toString());
             io.mnemos.testing.RespConnection c = new io.mnemos.testing.RespConnection(source.host(), source.port())) {
            c.call("DEBUG", "POPULATE", "1000");
            c.call("RPUSH", "list", "a", "b");
            c.call("GEOADD", "geo", "13.361389", "38.115556", "Palermo");
            c.call("PEXPIRE", "list", "100000000");
            digest = c.call("DEBUG", "DIGEST");
            String out = cli(source, null, "--rdb", backup.toString());
            assertTrue(out.contains("Transfer finished with success"), out);
            assertEquals("+PONG\r\n", c.call("PING"));
        }
        java.nio.file.Path restored = java.nio.file.Files.createDirectories(tmp.resolve("restored"));
        java.nio.file.Files.copy(backup, restored.resolve("dump.rdb"));
        try (RunningServer copy = RunningServer.start("--dir", restored.toString());
             io.mnemos.testing.RespConnection c = new io.mnemos.testing.RespConnection(copy.host(), copy.port())) {
            for (int i = 0; i < 500 && c.call("DBSIZE").startsWith("-LOADING"); i++) {
                Thread.sleep(10); // the dump loads while the server already answers
            }
            assertEquals(":1002\r\n", c.call("DBSIZE"));
            assertEquals(digest, c.call("DEBUG", "DIGEST"));
        }
    }

    @Test
    void functionsRdbOptionSavesTheLibrariesWithoutTheKeys(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path backup = tmp.resolve("functions.rdb");
        try (RunningServer source = RunningServer.start("--dir", tmp.toString());
             io.mnemos.testing.RespConnection c = new io.mnemos.testing.RespConnection(source.host(), source.port())) {
            c.call("DEBUG", "POPULATE", "1000");
            c.call("FUNCTION", "LOAD", io.mnemos.persistence.FunctionPersistenceTest.LIBRARY);
            String out = cli(source, null, "--functions-rdb", backup.toString());
            assertTrue(out.contains("Transfer finished with success"), out);
        }
        java.nio.file.Path restored = java.nio.file.Files.createDirectories(tmp.resolve("restored"));
        java.nio.file.Files.copy(backup, restored.resolve("dump.rdb"));
        try (RunningServer copy = RunningServer.start("--dir", restored.toString());
             io.mnemos.testing.RespConnection c = new io.mnemos.testing.RespConnection(copy.host(), copy.port())) {
            for (int i = 0; i < 500 && c.call("DBSIZE").startsWith("-LOADING"); i++) {
                Thread.sleep(10);
            }
            assertEquals(":0\r\n", c.call("DBSIZE"));
            assertEquals("$9\r\nhello you\r\n", c.call("FCALL", "greet", "0", "you"));
        }
    }

    @Test
    void pingAnswersPong() throws Exception {
        assertEquals("PONG\n", cli(server, null, "ping"));
    }

    @Test
    void rawIncrHealthcheckIdiomCounts() throws Exception {
        String first = cli(server, null, "--raw", "incr", "ping");
        String second = cli(server, null, "--raw", "incr", "ping");
        assertEquals(Long.parseLong(first.trim()) + 1, Long.parseLong(second.trim()));
    }

    @Test
    void passwordHealthcheckWorksAndUnauthenticatedIsRefused() throws Exception {
        assertEquals("PONG\n", cli(secured, null, "--no-auth-warning", "-a", "s3cret", "ping"));
        assertEquals("NOAUTH Authentication required.", cli(secured, null, "ping").strip());
    }

    @Test
    void scriptedSessionThroughStdin() throws Exception {
        String out = cli(server, "SET greeting hello\nGET greeting\nSTRLEN greeting\nDEL greeting\nGET greeting\n");
        assertEquals("OK\nhello\n5\n1\n\n", out);
    }

    @Test
    void errorsAndTypesRenderLikeRedis() throws Exception {
        cli(server, null, "set", "word", "abc");
        assertEquals("(error) ERR value is not an integer or out of range",
                cli(server, null, "--no-raw", "incr", "word").strip());
        assertEquals("(integer) 3\n", cli(server, null, "--no-raw", "strlen", "word"));
        assertEquals("(nil)\n", cli(server, null, "--no-raw", "get", "nothing"));
    }

    @Test
    void pipeModeLoadsManyCommands() throws Exception {
        StringBuilder commands = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            commands.append("SET pipe:").append(i).append(' ').append(i).append("\r\n");
        }
        String out = cli(server, commands.toString(), "--pipe");
        assertTrue(out.contains("errors: 0, replies: 1000"), out);
        assertEquals("999\n", cli(server, null, "get", "pipe:999"));
    }

    @Test
    void infoAndConfigAreReadable() throws Exception {
        assertTrue(cli(server, null, "info", "server").contains("redis_version:7.0"));
        assertEquals("port\n" + server.port() + "\n", cli(server, null, "config", "get", "port"));
    }
}
