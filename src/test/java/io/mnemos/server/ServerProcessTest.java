package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server as a separate process, started the way users start it: config file, flags, signals. */
class ServerProcessTest {
    private static int freePort() throws IOException {
        return ServerProcess.freePort();
    }

    @TempDir
    Path dir;

    @Test
    void configFileAndFlagsConfigureTheServerAndSigtermStopsItCleanly() throws Exception {
        int port = freePort();
        Path conf = dir.resolve("mnemos.conf");
        Files.writeString(conf, """
                # a redis.conf-style file
                port 1
                bind 127.0.0.1
                databases 4
                hz 20
                requirepass "s3cret"
                """);
        Path pidfile = dir.resolve("mnemos.pid");
        try (ServerProcess server = new ServerProcess(conf.toString(), "--port", Integer.toString(port),
                "--pidfile", pidfile.toString())) {
            server.awaitReady();
            assertEquals(server.process.pid() + "\n", Files.readString(pidfile), "pidfile holds the server's pid");
            assertTrue(server.output().contains("Ready to accept connections tcp on port " + port), server.output());
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "k"));
                assertEquals("+OK\r\n", c.call("AUTH", "s3cret"));
                assertEquals("*2\r\n$9\r\ndatabases\r\n$1\r\n4\r\n", c.call("CONFIG", "GET", "databases"));
                assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n20\r\n", c.call("CONFIG", "GET", "hz"));
            }
            // SIGTERM through the handle: Process.destroy() would also close our end of its output pipe.
            server.process.toHandle().destroy();
            assertTrue(server.awaitExit(), "exits after SIGTERM");
            assertEquals(0, server.process.exitValue(), "exit status like redis-server after SIGTERM");
            assertTrue(server.output().contains("Received SIGTERM"), server.output());
            assertTrue(server.output().contains("bye bye"), server.output());
            assertTrue(Files.notExists(pidfile), "pidfile removed on exit");
        }
    }

    @Test
    void shutdownCommandEndsTheProcess() throws Exception {
        int port = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                c.sendRaw(RespConnection.encode(new byte[][]{"SHUTDOWN".getBytes(), "NOSAVE".getBytes()}));
                assertTrue(c.closedByServer(), "SHUTDOWN closes the connection without a reply");
            }
            assertTrue(server.awaitExit(), "exits after SHUTDOWN");
            assertEquals(0, server.process.exitValue());
            assertTrue(server.output().contains("User requested shutdown"), server.output());
        }
    }

    @Test
    void sigtermWaitsForALaggingReplicaUpToShutdownTimeoutThenExits() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.mnemos.testing.RealRedis.available(), "redis-server not on PATH");
        int port = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--shutdown-timeout", "1");
             io.mnemos.testing.RealRedis replica = io.mnemos.testing.RealRedis.start(
                     "--replicaof", "127.0.0.1", Integer.toString(port))) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                long deadline = System.currentTimeMillis() + 20_000;
                while (!c.call("INFO", "replication").contains("state=online")) {
                    assertTrue(System.currentTimeMillis() < deadline, "the replica never came online");
                    Thread.sleep(20);
                }
                replica.suspend();
                try {
                    c.call("SET", "unacknowledged", "1");
                    server.process.toHandle().destroy();
                    assertTrue(server.awaitExit(), "exits once shutdown-timeout has passed");
                } finally {
                    replica.resume();
                }
            }
            assertEquals(0, server.process.exitValue());
            String out = server.output();
            assertTrue(out.contains("Waiting for replicas before shutting down."), out);
            assertTrue(out.contains("Lagging replica 127.0.0.1:" + replica.port() + " reported offset"), out);
            assertTrue(out.contains("0 of 1 replicas are in sync when shutting down."), out);
            assertTrue(out.contains("bye bye"), out);
        }
    }

    @Test
    void badConfigFileIsRejectedWithRedisStyleMessage() throws Exception {
        Path conf = dir.resolve("bad.conf");
        Files.writeString(conf, "port 6379\nno-such-directive 1\n");
        try (ServerProcess server = new ServerProcess(conf.toString())) {
            assertTrue(server.awaitExit());
            assertEquals(1, server.process.exitValue());
            assertTrue(server.output().contains("Bad directive or wrong number of arguments"), server.output());
            assertTrue(server.output().contains(">>> 'no-such-directive 1'"), server.output());
        }
    }

    /** INFO's fields, "name:value" lines of all sections. */
    private static java.util.Map<String, String> info(RespConnection c, String section) throws IOException {
        java.util.Map<String, String> fields = new java.util.HashMap<>();
        for (String line : c.call("INFO", section).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("$")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    /** A dump of {@code keys} string keys "key:N" = "value:N", as DEBUG POPULATE makes them. */
    private static long writeDump(Path file, int keys) throws IOException {
        try (java.io.OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            io.mnemos.persistence.RdbWriter w = new io.mnemos.persistence.RdbWriter(out, true, true);
            w.header();
            w.selectDb(0);
            w.resizeDb(keys, 0);
            for (int i = 0; i < keys; i++) {
                w.keyValue(("key:" + i).getBytes(StandardCharsets.US_ASCII),
                        ("value:" + i).getBytes(StandardCharsets.US_ASCII), -1);
            }
            w.finish();
        }
        return Files.size(file);
    }

    @Test
    void whileALargeDumpLoadsClientsGetLoadingAndInfoShowsProgressButNoKeyspaceEventFires() throws Exception {
        int keys = 1_000_000;
        long size = writeDump(dir.resolve("dump.rdb"), keys);
        int port = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--notify-keyspace-events", "KEAn")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port);
                 RespConnection events = new RespConnection("127.0.0.1", port)) {
                // The ready line comes once loading has started; a million keys take a while.
                assertEquals("-LOADING Redis is loading the dataset in memory\r\n", c.call("GET", "key:1"));
                java.util.Map<String, String> loading = info(c, "persistence");
                assertEquals("1", loading.get("loading"), loading.toString());
                assertEquals("0", loading.get("async_loading"));
                assertEquals(Long.toString(size), loading.get("loading_total_bytes"));
                for (String field : List.of("loading_start_time", "loading_rdb_used_mem", "loading_loaded_bytes",
                        "loading_loaded_perc", "loading_eta_seconds")) {
                    assertTrue(loading.containsKey(field), field + " in " + loading);
                }
                // Subscribing is allowed while loading (as in Redis); the load itself must publish nothing.
                assertTrue(events.call("PSUBSCRIBE", "__key*__:*").contains("psubscribe"));

                String dbsize = c.call("DBSIZE");
                for (int i = 0; i < 3000 && dbsize.startsWith("-LOADING"); i++) {
                    Thread.sleep(10);
                    dbsize = c.call("DBSIZE");
                }
                assertEquals(":" + keys + "\r\n", dbsize);
                java.util.Map<String, String> loaded = info(c, "persistence");
                assertEquals("0", loaded.get("loading"));
                assertTrue(!loaded.containsKey("loading_total_bytes"), loaded.toString());
                assertEquals(Integer.toString(keys), loaded.get("rdb_last_load_keys_loaded"));
                assertEquals("$7\r\nvalue:1\r\n", c.call("GET", "key:1"));

                assertEquals("+OK\r\n", c.call("SET", "after-load", "1"));
                assertEquals("*4\r\n$8\r\npmessage\r\n$10\r\n__key*__:*\r\n$25\r\n__keyspace@0__:after-load\r\n"
                        + "$3\r\nnew\r\n", events.readReply(), "the first event is the first write's, not the load's");
            }
        }
    }

    @Test
    void sigtermWithSavePointsWritesTheDumpBeforeExitingAndTheNextStartLoadsIt() throws Exception {
        int port = freePort();
        Path dump = dir.resolve("dump.rdb");
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "3600 1000")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("+OK\r\n", c.call("SET", "greeting", "hello"));
                assertEquals(":3\r\n", c.call("RPUSH", "list", "a", "b", "c"));
                assertEquals("+OK\r\n", c.call("SET", "ttl", "x", "EX", "3600"));
            }
            assertTrue(Files.notExists(dump), "one change is far from the save point");
            server.process.toHandle().destroy();
            assertTrue(server.awaitExit(), "exits after SIGTERM");
            assertEquals(0, server.process.exitValue());
            assertTrue(server.output().contains("Saving the final RDB snapshot before exiting."), server.output());
            assertTrue(server.output().contains("DB saved on disk"), server.output());
        }
        assertTrue(Files.exists(dump), "the final save wrote " + dump);
        int port2 = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port2), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port2)) {
                String dbsize = c.call("DBSIZE");
                for (int i = 0; i < 500 && dbsize.startsWith("-LOADING"); i++) {
                    Thread.sleep(10);
                    dbsize = c.call("DBSIZE");
                }
                assertEquals(":3\r\n", dbsize);
                assertEquals("$5\r\nhello\r\n", c.call("GET", "greeting"));
                assertEquals("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n", c.call("LRANGE", "list", "0", "-1"));
                String ttl = c.call("TTL", "ttl");
                assertTrue(ttl.startsWith(":35") || ttl.startsWith(":36"), ttl);
            }
        }
    }

    @Test
    void shutdownOnSigtermDecidesTheFinalSaveAsInRedis() throws Exception {
        // nosave: save points are configured, yet SIGTERM exits without writing the dump.
        Path nosaveDir = Files.createDirectory(dir.resolve("nosave"));
        int port = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", nosaveDir.toString(), "--save", "3600 1000", "--shutdown-on-sigterm", "nosave")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("+OK\r\n", c.call("SET", "k", "v"));
                assertEquals("*2\r\n$19\r\nshutdown-on-sigterm\r\n$6\r\nnosave\r\n",
                        c.call("CONFIG", "GET", "shutdown-on-sigterm"));
            }
            server.process.toHandle().destroy();
            assertTrue(server.awaitExit(), "exits after SIGTERM");
            assertEquals(0, server.process.exitValue());
        }
        assertTrue(Files.notExists(nosaveDir.resolve("dump.rdb")), "shutdown-on-sigterm nosave skips the final save");

        // save: no save points, and SIGTERM saves all the same.
        Path saveDir = Files.createDirectory(dir.resolve("save"));
        int port2 = freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port2), "--bind", "127.0.0.1",
                "--dir", saveDir.toString(), "--save", "", "--shutdown-on-sigterm", "save")) {
            server.awaitReady();
            try (RespConnection c = new RespConnection("127.0.0.1", port2)) {
                assertEquals("+OK\r\n", c.call("SET", "k", "v"));
            }
            server.process.toHandle().destroy();
            assertTrue(server.awaitExit(), "exits after SIGTERM");
        }
        assertTrue(Files.exists(saveDir.resolve("dump.rdb")), "shutdown-on-sigterm save writes the dump");
    }

    @Test
    void aRedisConfFullOfOptionsMnemosDoesNotActOnStartsItAndDaemonizeIsIgnoredWithAWarning() throws Exception {
        int port = freePort();
        Path conf = dir.resolve("redis.conf");
        // Directives of the redis.conf Redis 7.0 ships (and Debian installs), with their values there.
        Files.writeString(conf, """
                bind 127.0.0.1 -::1
                protected-mode yes
                port %d
                tcp-backlog 128
                timeout 0
                tcp-keepalive 300
                daemonize yes
                pidfile %s
                loglevel notice
                always-show-logo no
                set-proc-title yes
                proc-title-template "{title} {listen-addr} {server-mode}"
                stop-writes-on-bgsave-error yes
                rdbcompression yes
                rdbchecksum yes
                dbfilename dump.rdb
                rdb-del-sync-files no
                dir %s
                replica-serve-stale-data yes
                replica-read-only yes
                repl-diskless-sync yes
                repl-diskless-sync-delay 5
                repl-diskless-sync-max-replicas 0
                repl-diskless-load disabled
                repl-disable-tcp-nodelay no
                replica-priority 100
                acllog-max-len 128
                lazyfree-lazy-eviction no
                lazyfree-lazy-expire no
                lazyfree-lazy-server-del no
                replica-lazy-flush no
                lazyfree-lazy-user-del no
                lazyfree-lazy-user-flush no
                oom-score-adj no
                oom-score-adj-values 0 200 800
                disable-thp yes
                appendonly no
                appendfilename "appendonly.aof"
                appenddirname "appendonlydir"
                appendfsync everysec
                no-appendfsync-on-rewrite no
                auto-aof-rewrite-percentage 100
                auto-aof-rewrite-min-size 64mb
                aof-load-truncated yes
                aof-use-rdb-preamble yes
                aof-timestamp-enabled no
                slowlog-log-slower-than 10000
                slowlog-max-len 128
                latency-monitor-threshold 0
                notify-keyspace-events ""
                hash-max-listpack-entries 512
                hash-max-listpack-value 64
                list-max-listpack-size -2
                list-compress-depth 0
                set-max-intset-entries 512
                zset-max-listpack-entries 128
                zset-max-listpack-value 64
                hll-sparse-max-bytes 3000
                stream-node-max-bytes 4096
                stream-node-max-entries 100
                activerehashing yes
                client-output-buffer-limit normal 0 0 0
                client-output-buffer-limit replica 256mb 64mb 60
                client-output-buffer-limit pubsub 32mb 8mb 60
                hz 10
                dynamic-hz yes
                aof-rewrite-incremental-fsync yes
                rdb-save-incremental-fsync yes
                jemalloc-bg-thread yes
                """.formatted(port, dir.resolve("redis.pid"), dir));
        try (ServerProcess server = new ServerProcess(conf.toString())) {
            server.awaitReady();
            assertTrue(server.output().contains("daemonize yes is ignored: Mnemos stays in the foreground"), server.output());
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                assertEquals("*2\r\n$11\r\ntcp-backlog\r\n$3\r\n128\r\n", c.call("CONFIG", "GET", "tcp-backlog"));
                assertEquals("*2\r\n$20\r\noom-score-adj-values\r\n$9\r\n0 200 800\r\n",
                        c.call("CONFIG", "GET", "oom-score-adj-values"));
                assertEquals("+OK\r\n", c.call("CONFIG", "SET", "lazyfree-lazy-user-flush", "yes"));
                assertEquals("+PONG\r\n", c.call("PING"));
            }
        }
    }

    @Test
    void valuesThatWouldMakeItAClusterNodeOrAUnixSocketServerAreRefusedAtStartup() throws Exception {
        String[][] refused = {
                {"--cluster-enabled", "yes", "Mnemos has no cluster mode: cluster-enabled must be no"},
                {"--unixsocket", "/tmp/mnemos.sock", "Mnemos listens on TCP only: unixsocket is not supported"},
        };
        for (String[] flag : refused) {
            try (ServerProcess server = new ServerProcess("--port", Integer.toString(freePort()), flag[0], flag[1])) {
                assertTrue(server.awaitExit(), String.join(" ", flag));
                assertEquals(1, server.process.exitValue(), String.join(" ", flag));
                assertTrue(server.output().contains("*** FATAL CONFIG FILE ERROR"), server.output());
                assertTrue(server.output().contains(flag[2]), server.output());
            }
        }
    }
}
