package io.mnemos.persistence;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MISCONF: while the last BGSAVE failed (save points set, stop-writes-on-bgsave-error yes) or a
 * write to the AOF failed, writes and PING are refused and reads go on. The disks fail for real: the
 * data directory is deleted under a running server, and the AOF's incremental file is /dev/full.
 * Every reply is compared with redis-server 7.0's when it is installed, and checked on Mnemos alone
 * otherwise.
 */
class DiskErrorsDifferentialTest {
    private static final String BGSAVE_ERROR = "-" + DiskErrors.BGSAVE_ERROR + "\r\n";
    private static final String AOF_FULL = "-MISCONF Errors writing to the AOF file: No space left on device\r\n";

    @TempDir
    Path tmp;

    /** Commands and the replies Mnemos must give (Redis must give the same). */
    private static final String[][] AFTER_FAILED_BGSAVE = {
        {"SET", "a", "b"}, {BGSAVE_ERROR},
        {"GET", "k"}, {"$1\r\nv\r\n"},
        {"PING"}, {BGSAVE_ERROR},
        {"MULTI"}, {"+OK\r\n"},
        {"INCR", "n"}, {BGSAVE_ERROR},
        {"EXEC"}, {"-EXECABORT Transaction discarded because of previous errors.\r\n"},
        {"EVAL", "return redis.call('get','k')", "0"}, {"$1\r\nv\r\n"},
        {"EVAL", "#!lua\nreturn redis.call('get','k')", "0"}, {BGSAVE_ERROR},
        {"EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k')", "0"}, {"$1\r\nv\r\n"},
        {"PUBLISH", "c", "m"}, {":0\r\n"},
        {"CONFIG", "SET", "stop-writes-on-bgsave-error", "no"}, {"+OK\r\n"},
        {"SET", "a", "b"}, {"+OK\r\n"},
        {"CONFIG", "SET", "stop-writes-on-bgsave-error", "yes"}, {"+OK\r\n"},
        {"DEL", "a"}, {BGSAVE_ERROR},
    };

    @Test
    void aFailedBgsaveStopsWritesUntilItIsAllowedAgain() throws Exception {
        Path ours = Files.createDirectories(tmp.resolve("mnemos"));
        try (RunningServer s = RunningServer.start("--dir", ours.toString(), "--save", "3600 1");
             RespConnection c = new RespConnection(s.host(), s.port());
             RespConnection writer = new RespConnection(s.host(), s.port());
             RespConnection reader = new RespConnection(s.host(), s.port())) {
            List<String> replies = failBgsaveThenRun(c, ours, writer, reader);
            expectScript(replies);
            Path theirs = Files.createDirectories(tmp.resolve("redis"));
            if (RealRedis.available()) {
                try (RealRedis redis = RealRedis.start("--dir", theirs.toString(), "--save", "3600 1");
                     RespConnection r = new RespConnection("127.0.0.1", redis.port());
                     RespConnection rw = new RespConnection("127.0.0.1", redis.port());
                     RespConnection rr = new RespConnection("127.0.0.1", redis.port())) {
                    assertEquals(failBgsaveThenRun(r, theirs, rw, rr), replies);
                }
            }
        }
    }

    /**
     * Transactions queued before the BGSAVE failed: EXEC is a write when a queued script may
     * write (its shebang does not say no-writes, Redis's mstate.cmd_flags from getCommandFlags), and
     * is then refused as a whole; a queue of no-writes scripts runs.
     */
    private static List<String> execAfterTheFailure(RespConnection writer, RespConnection reader) throws IOException {
        return List.of(writer.call("EXEC"), reader.call("EXEC"));
    }

    private static void queueScripts(RespConnection writer, RespConnection reader) throws IOException {
        assertEquals("+OK\r\n", writer.call("MULTI"));
        assertEquals("+QUEUED\r\n", writer.call("EVAL", "#!lua\nreturn 1", "0"));
        assertEquals("+OK\r\n", reader.call("MULTI"));
        assertEquals("+QUEUED\r\n", reader.call("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','k')", "0"));
    }

    /** The BGSAVE's reply, what INFO says of it once it failed, then the replies to the script. */
    private static List<String> failBgsaveThenRun(RespConnection c, Path dir, RespConnection writer,
                                                  RespConnection reader) throws Exception {
        assertEquals("+OK\r\n", c.call("SET", "k", "v"));
        queueScripts(writer, reader);
        deleteTree(dir);
        List<String> replies = new ArrayList<>();
        replies.add(c.call("BGSAVE"));
        replies.add(awaitInfo(c, "rdb_last_bgsave_status:err"));
        replies.add(infoFields(c, "rdb_saves", "rdb_bgsave_in_progress"));
        // Timed like any ended BGSAVE (0 s here, or 1 when Redis reaps its child across a second).
        replies.add("timed: " + !infoFields(c, "rdb_last_bgsave_time_sec").endsWith(":-1"));
        replies.addAll(execAfterTheFailure(writer, reader));
        for (int i = 0; i < AFTER_FAILED_BGSAVE.length; i += 2) {
            replies.add(c.call(AFTER_FAILED_BGSAVE[i]));
        }
        return replies;
    }

    private static void expectScript(List<String> replies) {
        // The child fails to open its temporary file, not the parent: the BGSAVE did start.
        assertEquals(List.of("+Background saving started\r\n", "rdb_last_bgsave_status:err",
                "rdb_saves:1 rdb_bgsave_in_progress:0", "timed: true",
                "-EXECABORT Transaction discarded because of: " + BGSAVE_ERROR.substring(1), "*1\r\n$1\r\nv\r\n"),
                replies.subList(0, 6));
        for (int i = 6; i < replies.size(); i++) {
            String[] cmd = AFTER_FAILED_BGSAVE[2 * (i - 6)];
            assertEquals(AFTER_FAILED_BGSAVE[2 * (i - 6) + 1][0], replies.get(i), String.join(" ", cmd));
        }
    }

    @Test
    void aDeletedDataDirectoryFailsSaveAndAofRewriteWithoutStoppingWrites() throws Exception {
        Path ours = Files.createDirectories(tmp.resolve("mnemos"));
        List<String> replies;
        try (RunningServer s = RunningServer.start("--dir", ours.toString(), "--save", "");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            replies = saveIntoADeletedDirectory(c, ours);
        }
        assertEquals(List.of("-ERR\r\n",
                "rdb_saves:1 rdb_last_bgsave_status:ok",
                "errorstat_ERR:count=1 rejected_calls=0,failed_calls=1",
                "-ERR Can't execute an AOF background rewriting. Please check the server logs for more information.\r\n",
                "aof_last_bgrewrite_status:err aof_rewrites:0",
                "+OK\r\n", "+OK\r\n", "rdb_saves:1 rdb_last_bgsave_status:ok"), replies);
        assertTrue(Files.notExists(ours), "the data directory was created again");
        if (RealRedis.available()) {
            Path theirs = Files.createDirectories(tmp.resolve("redis"));
            try (RealRedis redis = RealRedis.start("--dir", theirs.toString(), "--save", "");
                 RespConnection r = new RespConnection("127.0.0.1", redis.port())) {
                assertEquals(replies, saveIntoADeletedDirectory(r, theirs));
            }
        }
    }

    /**
     * SAVE counts in rdb_saves even when it fails, but only a failed BGSAVE stops writes; the AOF
     * directory is not created where the data directory is gone. FLUSHALL's own save (save points
     * set) fails quietly.
     */
    private static List<String> saveIntoADeletedDirectory(RespConnection c, Path dir) throws Exception {
        assertEquals("+OK\r\n", c.call("SET", "k", "v"));
        deleteTree(dir);
        List<String> replies = new ArrayList<>();
        replies.add(c.call("SAVE"));
        replies.add(infoFields(c, "rdb_saves", "rdb_last_bgsave_status"));
        // shared.err is an error reply like any other: errorstats and the command's failed_calls count it.
        String errors = c.call("INFO", "errorstats");
        String stats = c.call("INFO", "commandstats");
        int save = stats.indexOf("cmdstat_save:");
        replies.add(errors.substring(errors.indexOf("errorstat_"), errors.indexOf("\r\n", errors.indexOf("errorstat_")))
                + " " + stats.substring(stats.indexOf("rejected_calls", save), stats.indexOf("\r\n", save)));
        replies.add(c.call("BGREWRITEAOF"));
        replies.add(infoFields(c, "aof_last_bgrewrite_status", "aof_rewrites"));
        replies.add(c.call("CONFIG", "SET", "save", "3600 1"));
        replies.add(c.call("FLUSHALL"));
        replies.add(infoFields(c, "rdb_saves", "rdb_last_bgsave_status"));
        return replies;
    }

    private static String awaitInfo(RespConnection c, String field) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.call("INFO", "persistence").contains(field)) {
            assertTrue(System.nanoTime() < deadline, "INFO never showed " + field);
            Thread.sleep(20);
        }
        return field;
    }

    /** The named INFO persistence lines, space-separated, in the order asked. */
    private static String infoFields(RespConnection c, String... names) throws IOException {
        String info = c.call("INFO", "persistence");
        List<String> out = new ArrayList<>();
        for (String name : names) {
            int at = info.indexOf("\r\n" + name + ":");
            assertTrue(at >= 0, name + " missing from INFO persistence");
            out.add(info.substring(at + 2, info.indexOf("\r\n", at + 2)));
        }
        return String.join(" ", out);
    }

    @Test
    void aFailedAofWriteStopsWritesAndPing() throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/full")), "no /dev/full on this system");
        Path ours = Files.createDirectories(tmp.resolve("mnemos"));
        try (RunningServer s = RunningServer.withAof(ours)) {
            // creates the manifest and the incremental file
        }
        pointIncrementalFileAtDevFull(ours);
        List<String> replies;
        try (RunningServer s = RunningServer.withAof(ours);
             RespConnection c = new RespConnection(s.host(), s.port())) {
            replies = writeIntoAFullDisk(c);
        }
        assertEquals(List.of("+OK\r\n", AOF_FULL, AOF_FULL, "$1\r\n1\r\n",
                "-MISCONF Errors writing to the AOF file: No space left on device script: "
                        + "ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6, on @user_script:1.\r\n"), replies);
        if (RealRedis.available()) {
            Path theirs = Files.createDirectories(tmp.resolve("redis"));
            try (RealRedis redis = RealRedis.start("--dir", theirs.toString(), "--appendonly", "yes")) {
                try (RespConnection r = new RespConnection("127.0.0.1", redis.port())) {
                    r.call("SET", "x", "y");
                }
            }
            pointIncrementalFileAtDevFull(theirs);
            try (RealRedis redis = RealRedis.start("--dir", theirs.toString(), "--appendonly", "yes");
                 RespConnection r = new RespConnection("127.0.0.1", redis.port())) {
                assertEquals(writeIntoAFullDisk(r), replies);
            }
        }
    }

    private static void pointIncrementalFileAtDevFull(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("appendonlydir"))) {
            Path incr = files.filter(p -> p.getFileName().toString().endsWith(".incr.aof")).findFirst().orElseThrow();
            Files.delete(incr);
            Files.createSymbolicLink(incr, Path.of("/dev/full"));
        }
    }

    /** The first write is acknowledged (the AOF write follows its reply); the failed write stops the next ones. */
    private static List<String> writeIntoAFullDisk(RespConnection c) throws Exception {
        List<String> replies = new ArrayList<>();
        replies.add(c.call("SET", "a", "1"));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!c.call("INFO", "persistence").contains("aof_last_write_status:err")) {
            assertTrue(System.nanoTime() < deadline, "a write to /dev/full did not fail");
            Thread.sleep(20);
        }
        replies.add(c.call("SET", "b", "2"));
        replies.add(c.call("PING"));
        replies.add(c.call("GET", "a"));
        replies.add(c.call("EVAL", "return redis.call('set','a','b')", "0"));
        return replies;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
