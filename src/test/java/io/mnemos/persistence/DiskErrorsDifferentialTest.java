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
             RespConnection c = new RespConnection(s.host(), s.port())) {
            List<String> replies = failBgsaveThenRun(c, ours);
            expectScript(replies);
            Path theirs = Files.createDirectories(tmp.resolve("redis"));
            if (RealRedis.available()) {
                try (RealRedis redis = RealRedis.start("--dir", theirs.toString(), "--save", "3600 1");
                     RespConnection r = new RespConnection("127.0.0.1", redis.port())) {
                    assertEquals(failBgsaveThenRun(r, theirs), replies);
                }
            }
        }
    }

    private static List<String> failBgsaveThenRun(RespConnection c, Path dir) throws Exception {
        assertEquals("+OK\r\n", c.call("SET", "k", "v"));
        deleteTree(dir);
        c.call("BGSAVE");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!c.call("INFO", "persistence").contains("rdb_last_bgsave_status:err")) {
            assertTrue(System.nanoTime() < deadline, "BGSAVE into a deleted directory did not fail");
            Thread.sleep(20);
        }
        List<String> replies = new ArrayList<>();
        for (int i = 0; i < AFTER_FAILED_BGSAVE.length; i += 2) {
            replies.add(c.call(AFTER_FAILED_BGSAVE[i]));
        }
        return replies;
    }

    private static void expectScript(List<String> replies) {
        for (int i = 0; i < replies.size(); i++) {
            String[] cmd = AFTER_FAILED_BGSAVE[2 * i];
            assertEquals(AFTER_FAILED_BGSAVE[2 * i + 1][0], replies.get(i), String.join(" ", cmd));
        }
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
        long deadline = System.nanoTime() + 10_000_000_000L;
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
