package io.mnemos.persistence;

import io.mnemos.server.ServerConfig;
import io.mnemos.testing.ConfigFilePair;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The save directive as Redis 7.0 reads, reports and rewrites it, checked against a real
 * redis-server given the same config file: repeated lines add up (the first replaces the
 * defaults, {@code save ""} clears), CONFIG GET shows every point, CONFIG SET replaces them with
 * Redis's validation, and CONFIG REWRITE puts one line per point where the old save lines were.
 * Save points also make FLUSHALL save the emptied dataset at once.
 */
class SaveConfigDifferentialTest {
    private static final String CONFIG = """
            # persistence
            save 900 1
            appendonly no
            save 300 10
            save ""
            save 60 5
            save 30 7 20 8
            """;

    @TempDir
    Path dir;

    @Test
    void repeatedSaveLinesAccumulateAndRewriteLikeRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        Path mnemosConf;
        try (ConfigFilePair both = ConfigFilePair.start(dir, CONFIG, "--save", "10 1")) {
            RespConnection real = both.real;
            RespConnection ours = both.ours;
            Path redisConf = both.redisConf;
            mnemosConf = both.mnemosConf;
            String get = real.call("CONFIG", "GET", "save");
            assertEquals("*2\r\n$4\r\nsave\r\n$19\r\n60 5 30 7 20 8 10 1\r\n", get, "the reference itself");
            assertEquals(get, ours.call("CONFIG", "GET", "save"));

            rewriteBoth(real, ours, redisConf, mnemosConf, "fewer points than old save lines");
            for (String value : new String[]{"0 2", "5 -1", "5 x", " 5  5 ", "1", "5 1 7", "+5 1", "5 ", "1 2"}) {
                assertEquals(real.call("CONFIG", "SET", "save", value), ours.call("CONFIG", "SET", "save", value),
                        "CONFIG SET save '" + value + "'");
                assertEquals(real.call("CONFIG", "GET", "save"), ours.call("CONFIG", "GET", "save"), "after " + value);
            }
            real.call("CONFIG", "SET", "save", "5 5 6 6 7 7 8 8 9 9");
            ours.call("CONFIG", "SET", "save", "5 5 6 6 7 7 8 8 9 9");
            rewriteBoth(real, ours, redisConf, mnemosConf, "more points than old save lines");
            real.call("CONFIG", "SET", "save", "");
            ours.call("CONFIG", "SET", "save", "");
            assertEquals(real.call("CONFIG", "GET", "save"), ours.call("CONFIG", "GET", "save"));
            rewriteBoth(real, ours, redisConf, mnemosConf, "no save points");
        }
        ServerConfig reread = ServerConfig.fromArgs(new String[]{mnemosConf.toString()});
        assertArrayEquals(new long[0], reread.rdb.savePoints, "save \"\" keeps the defaults away");
    }

    @Test
    void flushallSavesTheEmptiedDatasetOnlyWhenSavePointsAreSet() throws Exception {
        List<String> ours;
        Path mine = Files.createDirectories(dir.resolve("mnemos"));
        try (io.mnemos.testing.RunningServer s = io.mnemos.testing.RunningServer.start("--dir", mine.toString(),
                "--save", "3600 1");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            ours = flushThenReload(c);
        }
        assertEquals(List.of(
                "rdb_changes_since_last_save:0 rdb_saves:1", ":0\r\n", // FLUSHALL wrote an empty dump.rdb
                "rdb_changes_since_last_save:3 rdb_saves:2", ":1\r\n", // without save points it does not
                "rdb_saves:2 aof_rewrites:1", "rdb_saves:0 aof_rewrites:0"), ours);
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        Path theirs = Files.createDirectories(dir.resolve("redis"));
        try (RealRedis redis = RealRedis.start("--dir", theirs.toString(), "--save", "3600 1",
                "--enable-debug-command", "local");
             RespConnection r = new RespConnection("127.0.0.1", redis.port())) {
            assertEquals(flushThenReload(r), ours);
        }
    }

    /** After each FLUSHALL, the changes since the last save and rdb_saves, then the size of what the file holds. */
    private static List<String> flushThenReload(RespConnection c) throws Exception {
        List<String> out = new ArrayList<>();
        for (String save : new String[]{"3600 1", ""}) {
            c.call("CONFIG", "SET", "save", save);
            c.call("SET", "k", "v");
            assertEquals("+OK\r\n", c.call("SAVE"));
            c.call("SET", "k2", "v");
            c.call("FLUSHALL");
            out.add(infoFields(c, "rdb_changes_since_last_save", "rdb_saves"));
            assertEquals("+OK\r\n", c.call("DEBUG", "RELOAD", "NOSAVE"));
            out.add(c.call("DBSIZE"));
        }
        assertEquals("+Background append only file rewriting started\r\n", c.call("BGREWRITEAOF"));
        for (int i = 0; i < 500 && !c.call("INFO", "persistence").contains("aof_rewrite_in_progress:0"); i++) {
            Thread.sleep(10);
        }
        out.add(infoFields(c, "rdb_saves", "aof_rewrites"));
        c.call("CONFIG", "RESETSTAT"); // resetServerStats zeroes both counters
        out.add(infoFields(c, "rdb_saves", "aof_rewrites"));
        return out;
    }

    private static String infoFields(RespConnection c, String... names) throws Exception {
        String info = c.call("INFO", "persistence");
        List<String> out = new ArrayList<>();
        for (String name : names) {
            int at = info.indexOf("\r\n" + name + ":");
            out.add(info.substring(at + 2, info.indexOf("\r\n", at + 2)));
        }
        return String.join(" ", out);
    }

    private static void rewriteBoth(RespConnection real, RespConnection ours, Path redisConf, Path mnemosConf,
                                    String when) throws Exception {
        assertEquals(real.call("CONFIG", "REWRITE"), ours.call("CONFIG", "REWRITE"), when);
        List<String> expected = saveLayout(redisConf);
        assertEquals(expected, saveLayout(mnemosConf), when + ": " + Files.readString(mnemosConf));
    }

    /**
     * The file's lines from before the generated section, without blank ones (left-over save lines
     * become blank), then the save lines of the generated section.
     */
    private static List<String> saveLayout(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        boolean generated = false;
        for (String line : Files.readAllLines(file)) {
            if (line.equals("# Generated by CONFIG REWRITE")) {
                generated = true;
                out.add(line);
            } else if (!line.isBlank() && (!generated || line.startsWith("save "))) {
                out.add(line);
            }
        }
        return out;
    }
}
