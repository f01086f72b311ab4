package io.mnemos.command;

import io.mnemos.server.LatencyMonitor;
import io.mnemos.server.ServerConfig;
import io.mnemos.server.StatsSampler;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ServerCommandsTest {
    private final CommandHarness h = new CommandHarness();

    /** The text of a bulk or verbatim INFO reply. */
    private static String body(String reply) {
        if (reply.startsWith("=")) {
            int start = reply.indexOf("\r\n") + 2 + 4; // skip "txt:"
            return reply.substring(start, reply.length() - 2);
        }
        assertTrue(reply.startsWith("$"), reply);
        int start = reply.indexOf("\r\n") + 2;
        int length = Integer.parseInt(reply.substring(1, start - 2));
        assertEquals(reply.length(), start + length + 2, "bulk length matches the payload");
        return reply.substring(start, start + length);
    }

    private String info(String... sections) {
        String[] argv = new String[sections.length + 1];
        argv[0] = "INFO";
        System.arraycopy(sections, 0, argv, 1, sections.length);
        return body(h.exec(argv));
    }

    private static List<String> headers(String info) {
        List<String> out = new ArrayList<>();
        for (String line : info.split("\r\n")) {
            if (line.startsWith("# ")) {
                out.add(line.substring(2));
            }
        }
        return out;
    }

    /** All "name:value" fields of an INFO text. */
    private static Map<String, String> fields(String info) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : info.split("\r\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            out.put(line.substring(0, colon), line.substring(colon + 1));
        }
        return out;
    }

    @Nested
    class Info {
        @Test
        void withoutArgumentsShowsRedisDefaultSectionsInOrder() {
            assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Errorstats", "Cluster", "Keyspace"), headers(info()));
            assertEquals(info().replaceAll("\\d", "0").split("\r\n").length,
                    info("default").replaceAll("\\d", "0").split("\r\n").length);
        }

        @Test
        void allAddsCommandstatsAndEverythingAddsTheJvmSection() {
            assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace"), headers(info("all")));
            assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Commandstats", "Errorstats", "Latencystats", "Cluster", "Keyspace", "JVM"),
                    headers(info("everything")));
        }

        @Test
        void everyLineIsAHeaderABlankSeparatorOrAField() {
            String text = info("everything");
            assertTrue(text.startsWith("# Server\r\n"));
            assertTrue(text.endsWith("\r\n"));
            assertFalse(text.replace("\r\n", "").contains("\n"), "no bare newlines");
            String[] lines = text.split("\r\n", -1);
            Pattern field = Pattern.compile("[a-z0-9_|\\-.]+:[^\r\n]*");
            for (int i = 0; i < lines.length - 1; i++) {
                String line = lines[i];
                if (line.isEmpty()) {
                    assertTrue(lines[i + 1].startsWith("# "), "a blank line only precedes a section: " + lines[i + 1]);
                } else if (!line.startsWith("# ")) {
                    assertTrue(field.matcher(line).matches(), line);
                }
            }
        }

        @Test
        void sectionsAreCaseInsensitiveAndKeepRedisOrderWhateverTheRequestOrder() {
            assertEquals(List.of("Server", "CPU"), headers(info("cpu", "SERVER")));
            assertEquals(List.of("Modules"), headers(info("modules")));
            assertEquals(List.of("JVM"), headers(info("jvm")));
            assertEquals(List.of("Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU",
                    "Modules", "Commandstats", "Errorstats", "Cluster", "Keyspace"),
                    headers(info("default", "commandstats")));
        }

        @Test
        void unknownSectionGivesAnEmptyStringVerbatimInResp3() {
            assertEquals("$0\r\n\r\n", h.exec("INFO", "nosuchsection"));
            h.client().protocol(3);
            assertEquals("=4\r\ntxt:\r\n", h.exec("INFO", "nosuchsection"));
            String cpu = h.exec("INFO", "cpu");
            assertTrue(cpu.startsWith("="), cpu);
            assertTrue(cpu.contains("txt:# CPU\r\n"), cpu);
        }

        @Test
        void serverSectionHasRedisFields() {
            Map<String, String> f = fields(info("server"));
            assertEquals(List.of("redis_version", "redis_git_sha1", "redis_git_dirty", "redis_build_id", "redis_mode",
                    "os", "arch_bits", "monotonic_clock", "multiplexing_api", "atomicvar_api", "gcc_version",
                    "process_id", "process_supervised", "run_id", "tcp_port", "server_time_usec", "uptime_in_seconds",
                    "uptime_in_days", "hz", "configured_hz", "lru_clock", "executable", "config_file",
                    "io_threads_active"), List.copyOf(f.keySet()));
            assertEquals("7.0.15", f.get("redis_version"));
            assertEquals("standalone", f.get("redis_mode"));
            assertEquals("64", f.get("arch_bits"));
            assertEquals(Long.toString(ProcessHandle.current().pid()), f.get("process_id"));
            assertEquals(h.server().runId(), f.get("run_id"));
            assertEquals("6379", f.get("tcp_port"));
            assertEquals("10", f.get("hz"));
            assertEquals("", f.get("config_file"));
            assertTrue(f.get("os").startsWith(System.getProperty("os.name")));
            assertTrue(Long.parseLong(f.get("uptime_in_seconds")) >= 0);
            long usec = Long.parseLong(f.get("server_time_usec"));
            assertTrue(Math.abs(usec / 1000 - System.currentTimeMillis()) < 60_000);
        }

        @Test
        void clientsAndReplicationSectionsDescribeAStandaloneMaster() {
            Map<String, String> c = fields(info("clients"));
            assertEquals("10000", c.get("maxclients"));
            assertEquals("0", c.get("blocked_clients"));
            assertTrue(c.containsKey("connected_clients"));
            Map<String, String> r = fields(info("replication"));
            assertEquals("master", r.get("role"));
            assertEquals("0", r.get("connected_slaves"));
            assertEquals("0", r.get("master_repl_offset"));
            assertTrue(r.get("master_replid").matches("[0-9a-f]{40}"));
            assertEquals("-1", r.get("second_repl_offset"));
        }

        @Test
        void memorySectionReportsHeapBasedUsageInRedisFormat() {
            Map<String, String> m = fields(info("memory"));
            long used = Long.parseLong(m.get("used_memory"));
            assertTrue(used > 0);
            assertTrue(m.get("used_memory_human").matches("\\d+(\\.\\d\\d[KMGTP]|B)"), m.get("used_memory_human"));
            assertTrue(Long.parseLong(m.get("used_memory_peak")) >= used);
            assertTrue(m.get("used_memory_peak_perc").matches("\\d+\\.\\d\\d%"));
            assertEquals("0", m.get("maxmemory"));
            assertEquals("0B", m.get("maxmemory_human"));
            assertEquals("noeviction", m.get("maxmemory_policy"));
            assertTrue(m.get("mem_fragmentation_ratio").matches("\\d+\\.\\d\\d"));
        }

        @Test
        void bytesToHumanFollowsRedis() {
            assertEquals("0B", InfoReport.bytesToHuman(0));
            assertEquals("1023B", InfoReport.bytesToHuman(1023));
            assertEquals("1.00K", InfoReport.bytesToHuman(1024));
            assertEquals("918.91K", InfoReport.bytesToHuman(940968));
            assertEquals("23.54G", InfoReport.bytesToHuman(25276026880L));
            assertEquals("1.50M", InfoReport.bytesToHuman(1536 * 1024));
            assertEquals("1024.00P", InfoReport.bytesToHuman((1L << 60) - 1));
            // From 2^60 bytes the count itself, unsigned (maxmemory is an unsigned long long).
            assertEquals("1152921504606846976B", InfoReport.bytesToHuman(1L << 60));
            assertEquals("18446744073709551615B", InfoReport.bytesToHuman(-1));
        }

        @Test
        void anUnsignedMaxmemoryBeyondALongIsShownAsRedisShowsIt() {
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "maxmemory", "18446744073709551615kb"));
            assertEquals("*2\r\n$9\r\nmaxmemory\r\n$20\r\n18446744073709550592\r\n",
                    h.exec("CONFIG", "GET", "maxmemory"));
            Map<String, String> m = fields(info("memory"));
            assertEquals("-1024", m.get("maxmemory"));
            assertEquals("18446744073709550592B", m.get("maxmemory_human"));
            assertEquals("+OK\r\n", h.exec("SET", "k", "v"), "a limit beyond any heap never refuses a write");
        }

        @Test
        void persistenceSectionIsHonestAboutHavingNoPersistence() {
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "2");
            Map<String, String> p = fields(info("persistence"));
            assertEquals("0", p.get("loading"));
            assertEquals("2", p.get("rdb_changes_since_last_save"));
            assertEquals("0", p.get("rdb_bgsave_in_progress"));
            assertEquals(Long.toString(h.server().lastSaveSeconds()), p.get("rdb_last_save_time"));
            assertEquals("0", p.get("aof_enabled"));
            assertEquals("ok", p.get("rdb_last_bgsave_status"));
        }

        @Test
        void statsCountCommandsHitsMissesAndErrors() {
            h.exec("SET", "k", "v");
            h.exec("GET", "k");
            h.exec("GET", "missing");
            h.exec("GET");
            Map<String, String> s = fields(info("stats"));
            assertEquals("3", s.get("total_commands_processed"));
            assertEquals("1", s.get("keyspace_hits"));
            assertEquals("1", s.get("keyspace_misses"));
            assertEquals("1", s.get("total_error_replies"));
            assertEquals("0", s.get("evicted_keys"));
            assertEquals("0", s.get("instantaneous_ops_per_sec"));
            assertEquals("0.00", s.get("instantaneous_input_kbps"));
            assertTrue(s.containsKey("expired_keys"));
            assertTrue(s.containsKey("rejected_connections"));
        }

        @Test
        void cpuSectionHasSixDecimalSeconds() {
            Map<String, String> c = fields(info("cpu"));
            assertEquals(List.of("used_cpu_sys", "used_cpu_user", "used_cpu_sys_children", "used_cpu_user_children",
                    "used_cpu_sys_main_thread", "used_cpu_user_main_thread"), List.copyOf(c.keySet()));
            for (String v : c.values()) {
                assertTrue(v.matches("\\d+\\.\\d{6}"), v);
            }
        }

        @Test
        void keyspaceSectionListsNonEmptyDatabases() {
            assertEquals("# Keyspace\r\n", info("keyspace"));
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "2");
            h.client().db().setExpire(h.client().db().lookupWrite("b".getBytes()), h.clock().millis() + 100_000);
            h.exec("SELECT", "3");
            h.exec("SET", "c", "3");
            assertEquals("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\ndb3:keys=1,expires=0,avg_ttl=0\r\n",
                    info("keyspace"));
        }

        @Test
        void commandstatsCountCallsRejectionsAndFailures() {
            h.exec("SET", "k", "v");
            h.exec("SET", "k", "w");
            h.exec("GET", "k");
            h.exec("GET");
            h.exec("CONFIG", "SET", "hz", "abc");
            Map<String, String> f = fields(info("commandstats"));
            Pattern stat = Pattern.compile("calls=(\\d+),usec=(\\d+),usec_per_call=(\\d+\\.\\d\\d),"
                    + "rejected_calls=(\\d+),failed_calls=(\\d+)");
            Matcher set = stat.matcher(f.get("cmdstat_set"));
            assertTrue(set.matches(), f.get("cmdstat_set"));
            assertEquals("2", set.group(1));
            assertEquals(String.format(java.util.Locale.ROOT, "%.2f", Long.parseLong(set.group(2)) / 2.0f),
                    set.group(3));
            assertTrue(f.get("cmdstat_get").startsWith("calls=1,"));
            assertTrue(f.get("cmdstat_get").endsWith(",rejected_calls=1,failed_calls=0"));
            assertTrue(f.get("cmdstat_config|set").startsWith("calls=1,"));
            assertTrue(f.get("cmdstat_config|set").endsWith(",rejected_calls=0,failed_calls=1"));
            assertFalse(f.containsKey("cmdstat_del"), "commands never called are not listed");
            assertFalse(f.containsKey("cmdstat_info"), "INFO is counted after it replies");
        }

        @Test
        void errorstatsCountErrorReplyCodesSorted() {
            h.exec("GET");
            h.exec("NOSUCHCOMMAND");
            h.exec("CONFIG", "SET", "foo", "bar");
            assertEquals("# Errorstats\r\nerrorstat_ERR:count=3\r\n", info("errorstats"));
        }

        @Test
        void jvmSectionReportsHeapAndGc() {
            Map<String, String> j = fields(info("jvm"));
            assertTrue(Long.parseLong(j.get("jvm_heap_used")) > 0);
            assertTrue(Long.parseLong(j.get("jvm_heap_committed")) > 0);
            assertTrue(Long.parseLong(j.get("jvm_gc_count")) >= 0);
            assertTrue(Long.parseLong(j.get("jvm_gc_time_ms")) >= 0);
        }

        @Test
        void instantaneousOpsAreTheMeanOfSixteenSamples() {
            StatsSampler sampler = new StatsSampler();
            sampler.track(StatsSampler.Metric.COMMANDS, 0, 1000);
            sampler.track(StatsSampler.Metric.COMMANDS, 160, 1100); // 1600 ops/sec for 100 ms
            assertEquals(100, sampler.instantaneous(StatsSampler.Metric.COMMANDS));
            for (int i = 2; i <= 17; i++) {
                sampler.track(StatsSampler.Metric.COMMANDS, 160L * i, 1000 + 100L * i);
            }
            assertEquals(1600, sampler.instantaneous(StatsSampler.Metric.COMMANDS));
            sampler.reset();
            assertEquals(0, sampler.instantaneous(StatsSampler.Metric.COMMANDS));
        }

        @Test
        void cronSamplesAtMostEveryHundredMilliseconds() {
            StatsSampler sampler = new StatsSampler();
            io.mnemos.server.ServerStats stats = new io.mnemos.server.ServerStats();
            sampler.cronTick(stats, 1000);
            stats.totalCommandsProcessed = 50;
            sampler.cronTick(stats, 1050); // too early: ignored
            stats.totalCommandsProcessed = 160;
            sampler.cronTick(stats, 1100);
            assertEquals(100, sampler.instantaneous(StatsSampler.Metric.COMMANDS));
        }
    }

    @Nested
    class Config {
        @Test
        void getReturnsAFlatArrayInResp2AndAMapInResp3() {
            assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.exec("CONFIG", "GET", "hz"));
            h.client().protocol(3);
            assertEquals("%1\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.exec("CONFIG", "GET", "hz"));
            assertEquals("%0\r\n", h.exec("CONFIG", "GET", "nosuchparam"));
        }

        @Test
        void getMatchesGlobsCaseInsensitivelyAndListsEachParameterOnce() {
            assertEquals("*4\r\n$23\r\nslowlog-log-slower-than\r\n$5\r\n10000\r\n$15\r\nslowlog-max-len\r\n$3\r\n128\r\n",
                    h.exec("CONFIG", "GET", "slowlog*", "slowlog-max-len"));
            assertEquals("*2\r\n$2\r\nhz\r\n$2\r\n10\r\n", h.exec("CONFIG", "GET", "hz", "HZ", "H?"));
            // An exact name is echoed as given, as Redis does.
            assertEquals("*2\r\n$2\r\nHZ\r\n$2\r\n10\r\n", h.exec("CONFIG", "GET", "HZ"));
            assertEquals("*0\r\n", h.exec("CONFIG", "GET", "nothing*"));
            assertEquals("-ERR wrong number of arguments for 'config|get' command\r\n", h.exec("CONFIG", "GET"));
        }

        @Test
        void setRoundTripsSeveralParametersAtOnce() {
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "hz", "20", "slowlog-max-len", "5"));
            assertEquals("*4\r\n$2\r\nhz\r\n$2\r\n20\r\n$15\r\nslowlog-max-len\r\n$1\r\n5\r\n",
                    h.exec("CONFIG", "GET", "hz", "slowlog-max-len"));
            assertEquals(20, h.server().config().hz);
        }

        @Test
        void setIsAtomicWhenALaterValueIsInvalid() {
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument couldn't be "
                    + "parsed into an integer\r\n", h.exec("CONFIG", "SET", "hz", "12", "maxclients", "x"));
            assertEquals(10, h.server().config().hz);
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between "
                    + "0 and 2147483647 inclusive\r\n", h.exec("CONFIG", "SET", "hz", "12", "timeout", "-1"));
            assertEquals(10, h.server().config().hz);
        }

        @Test
        void setErrorsUseRedisTexts() {
            assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
                    h.exec("CONFIG", "SET", "foo", "1"));
            assertEquals("-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
                    h.exec("CONFIG", "SET", "hz", "10", "foo", "2"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
                    + "into an integer\r\n", h.exec("CONFIG", "SET", "HZ", "abc"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed "
                    + "into an integer\r\n", h.exec("CONFIG", "SET", "hz", "+5"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter\r\n",
                    h.exec("CONFIG", "SET", "hz", "15", "HZ", "16"));
            assertEquals("-ERR syntax error\r\n", h.exec("CONFIG", "SET", "hz", "11", "maxclients"));
            assertEquals("-ERR wrong number of arguments for 'config|set' command\r\n", h.exec("CONFIG", "SET", "hz"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable "
                    + "config\r\n", h.exec("CONFIG", "SET", "databases", "3"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config\r\n",
                    h.exec("CONFIG", "SET", "dir", "/tmp"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be "
                    + "between 1 and 4294967295 inclusive\r\n", h.exec("CONFIG", "SET", "maxclients", "0"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one "
                    + "of the following: debug, verbose, notice, warning\r\n", h.exec("CONFIG", "SET", "loglevel", "x"));
            // An earlier immutable parameter is reported even when a later one is unknown.
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'databases') - can't set immutable "
                    + "config\r\n", h.exec("CONFIG", "SET", "databases", "1", "foo", "1"));
        }

        @Test
        void saveTakesRedisSavePointsAndAppendonlyTellsClientsThereIsNoAof() {
            assertEquals("*4\r\n$4\r\nsave\r\n$23\r\n3600 1 300 100 60 10000\r\n$10\r\nappendonly\r\n$2\r\nno\r\n",
                    h.exec("CONFIG", "GET", "save", "appendonly"));
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "save", "", "appendonly", "no"));
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "save", "3600 1"));
            assertEquals("*2\r\n$4\r\nsave\r\n$6\r\n3600 1\r\n", h.exec("CONFIG", "GET", "save"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters\r\n",
                    h.exec("CONFIG", "SET", "save", "1 2 3"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'appendonly') - argument must be 'yes' "
                    + "or 'no'\r\n", h.exec("CONFIG", "SET", "appendonly", "maybe"));
            // appendonly yes is accepted since the AOF exists: see io.mnemos.persistence.AppendOnlyFileTest.
        }

        @Test
        void hzIsClampedToRedisLimitsAndDrivesTheCron() {
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "hz", "0"));
            assertEquals("*2\r\n$2\r\nhz\r\n$1\r\n1\r\n", h.exec("CONFIG", "GET", "hz"));
            assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "hz", "501"));
            assertEquals("*2\r\n$2\r\nhz\r\n$3\r\n500\r\n", h.exec("CONFIG", "GET", "hz"));
            assertEquals("500", fields(info("server")).get("hz"));
            assertEquals("500", fields(info("server")).get("configured_hz"));
        }

        @Test
        void setRunsChangeListeners() {
            h.exec("CONFIG", "SET", "slowlog-log-slower-than", "0");
            for (int i = 0; i < 5; i++) {
                h.exec("GET", "k" + i);
            }
            h.exec("CONFIG", "SET", "slowlog-max-len", "2");
            assertEquals(":2\r\n", h.exec("SLOWLOG", "LEN"));
        }

        @Test
        void resetstatClearsStatsCommandstatsAndErrorstats() {
            h.exec("SET", "k", "v");
            h.exec("GET", "k");
            h.exec("GET", "nokey");
            h.exec("GET");
            assertEquals("+OK\r\n", h.exec("CONFIG", "RESETSTAT"));
            Map<String, String> s = fields(info("stats"));
            assertEquals("0", s.get("keyspace_hits"));
            assertEquals("0", s.get("keyspace_misses"));
            assertEquals("0", s.get("total_error_replies"));
            assertEquals("1", s.get("total_commands_processed"), "RESETSTAT itself, as in Redis");
            assertEquals("# Errorstats\r\n", info("errorstats"));
            Map<String, String> cmd = fields(info("commandstats"));
            assertFalse(cmd.containsKey("cmdstat_get"));
            assertFalse(cmd.containsKey("cmdstat_set"));
            assertTrue(cmd.containsKey("cmdstat_config|resetstat"), "counted after it ran, as in Redis");
            assertEquals("1", fields(info("persistence")).get("rdb_changes_since_last_save"),
                    "dirty is not a statistic");
        }

        @Test
        void rewriteNeedsAConfigFile() {
            assertEquals("-ERR The server is running without a config file\r\n", h.exec("CONFIG", "REWRITE"));
        }

        @Test
        void rewriteUpdatesTheFileKeepingCommentsAndAppendingChangedOptions(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("mnemos.conf");
            Files.writeString(file, "# my config\nhz 15\n\nhz 16\ntimeout 0\n");
            ServerConfig config = new ServerConfig();
            config.load("hz 15\ntimeout 0");
            config.configFile = file.toString();
            CommandHarness withFile = new CommandHarness(config);
            assertEquals(file.toString(), fields(body(withFile.exec("INFO", "server"))).get("config_file"));
            withFile.exec("CONFIG", "SET", "hz", "42", "maxclients", "77", "requirepass", "p w");
            assertEquals("+OK\r\n", withFile.exec("CONFIG", "REWRITE"));
            // As Redis: the repeated hz line is blanked and the blank lines collapse; the working
            // directory, the save points and the users are always written, even at their defaults.
            assertEquals("# my config\nhz 42\n\ntimeout 0\n\n"
                            + "# Generated by CONFIG REWRITE\n"
                            + "requirepass \"p w\"\nmaxclients 77\n"
                            + "dir " + io.mnemos.util.Repr.of(config.dir) + "\n"
                            + "save 3600 1\nsave 300 100\nsave 60 10000\n"
                            + withFile.exec("ACL", "LIST").split("\r\n")[2] + "\n",
                    Files.readString(file));
            ServerConfig reread = ServerConfig.fromArgs(new String[]{file.toString()});
            assertEquals(42, reread.hz);
            assertEquals(77, reread.maxclients);
            assertEquals("p w", reread.requirepass);
        }

        @Test
        void helpAndUnknownSubcommand() {
            assertEquals("*11\r\n+CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+GET <pattern>\r\n"
                    + "+    Return parameters matching the glob-like <pattern> and their values.\r\n"
                    + "+SET <directive> <value>\r\n"
                    + "+    Set the configuration <directive> to <value>.\r\n"
                    + "+RESETSTAT\r\n"
                    + "+    Reset statistics reported by the INFO command.\r\n"
                    + "+REWRITE\r\n"
                    + "+    Rewrite the configuration file.\r\n"
                    + "+HELP\r\n"
                    + "+    Prints this help.\r\n", h.exec("config", "help"));
            assertEquals("-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n", h.exec("CONFIG", "foo"));
            assertEquals("-ERR wrong number of arguments for 'config|resetstat' command\r\n",
                    h.exec("CONFIG", "RESETSTAT", "x"));
        }
    }

    @Nested
    class TimeLastsaveRole {
        @Test
        void timeIsSecondsAndMicrosecondsAsBulkStrings() {
            String reply = h.exec("TIME");
            Matcher m = Pattern.compile("\\*2\r\n\\$\\d+\r\n(\\d+)\r\n\\$\\d+\r\n(\\d+)\r\n").matcher(reply);
            assertTrue(m.matches(), reply);
            assertTrue(Math.abs(Long.parseLong(m.group(1)) - System.currentTimeMillis() / 1000) <= 2);
            assertTrue(Long.parseLong(m.group(2)) < 1_000_000);
            assertEquals("-ERR wrong number of arguments for 'time' command\r\n", h.exec("TIME", "x"));
        }

        @Test
        void lastsaveIsTheServersLastSaveTime() {
            assertEquals(":" + h.server().lastSaveSeconds() + "\r\n", h.exec("LASTSAVE"));
            assertEquals("-ERR wrong number of arguments for 'lastsave' command\r\n", h.exec("LASTSAVE", "x"));
        }

        @Test
        void roleIsAMasterWithoutReplicas() {
            assertEquals("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n", h.exec("ROLE"));
            assertEquals("-ERR wrong number of arguments for 'role' command\r\n", h.exec("ROLE", "x"));
        }
    }

    @Nested
    class Slowlog {
        @Test
        void recordsEveryCommandWithThresholdZero() {
            h.exec("CONFIG", "SET", "slowlog-log-slower-than", "0");
            h.client().name("worker");
            h.exec("SET", "key", "value");
            String reply = h.exec("SLOWLOG", "GET", "1");
            Matcher m = Pattern.compile("\\*1\r\n\\*6\r\n:(\\d+)\r\n:(\\d+)\r\n:(\\d+)\r\n"
                    + "\\*3\r\n\\$3\r\nSET\r\n\\$3\r\nkey\r\n\\$5\r\nvalue\r\n\\$0\r\n\r\n\\$6\r\nworker\r\n").matcher(reply);
            assertTrue(m.matches(), reply);
            assertEquals("1", m.group(1), "the CONFIG SET itself is entry 0");
            assertTrue(Math.abs(Long.parseLong(m.group(2)) - System.currentTimeMillis() / 1000) <= 2);
            assertEquals(":3\r\n", h.exec("SLOWLOG", "LEN"));
            assertTrue(h.exec("SLOWLOG", "GET").startsWith("*4\r\n"));
            assertTrue(h.exec("SLOWLOG", "GET", "-1").startsWith("*5\r\n"));
            assertEquals("*0\r\n", h.exec("SLOWLOG", "GET", "0"));
            assertEquals("+OK\r\n", h.exec("SLOWLOG", "RESET"));
            assertEquals(":1\r\n", h.exec("SLOWLOG", "LEN"), "RESET itself is logged after it ran");
        }

        @Test
        void nothingIsRecordedWithTheDefaultThreshold() {
            h.exec("SET", "k", "v");
            assertEquals(":0\r\n", h.exec("SLOWLOG", "LEN"));
            assertEquals("*0\r\n", h.exec("SLOWLOG", "GET"));
        }

        @Test
        void configSetRedactsSecrets() {
            h.exec("CONFIG", "SET", "slowlog-log-slower-than", "0");
            h.exec("CONFIG", "SET", "requirepass", "secret");
            String reply = h.exec("SLOWLOG", "GET", "1");
            assertTrue(reply.contains("$11\r\nrequirepass\r\n$10\r\n(redacted)\r\n"), reply);
            assertFalse(reply.contains("secret"));
            assertEquals("secret", h.server().config().requirepass);
        }

        @Test
        void errorsAndHelp() {
            assertEquals("-ERR count should be greater than or equal to -1\r\n", h.exec("SLOWLOG", "GET", "-2"));
            assertEquals("-ERR count should be greater than or equal to -1\r\n", h.exec("SLOWLOG", "GET", "abc"));
            assertEquals("-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n",
                    h.exec("slowlog", "get", "1", "2"));
            assertEquals("-ERR wrong number of arguments for 'slowlog|len' command\r\n", h.exec("SLOWLOG", "LEN", "x"));
            assertEquals("-ERR wrong number of arguments for 'slowlog|reset' command\r\n",
                    h.exec("SLOWLOG", "RESET", "x"));
            assertEquals("-ERR unknown subcommand 'foo'. Try SLOWLOG HELP.\r\n", h.exec("SLOWLOG", "foo"));
            assertEquals("*12\r\n+SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+GET [<count>]\r\n"
                    + "+    Return top <count> entries from the slowlog (default: 10, -1 mean all).\r\n"
                    + "+    Entries are made of:\r\n"
                    + "+    id, timestamp, time in microseconds, arguments array, client IP and port,\r\n"
                    + "+    client name\r\n"
                    + "+LEN\r\n"
                    + "+    Return the length of the slowlog.\r\n"
                    + "+RESET\r\n"
                    + "+    Reset the slowlog.\r\n"
                    + "+HELP\r\n"
                    + "+    Prints this help.\r\n", h.exec("SLOWLOG", "HELP"));
        }
    }

    @Nested
    class Latency {
        private static final String DISABLED = "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in "
                + "this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to "
                + "enable it. If we weren't in a deep space mission I'd suggest to take a look at "
                + "https://redis.io/topics/latency-monitor.\n";

        @Test
        void withMonitoringDisabledNothingIsReported() {
            h.exec("SET", "k", "v");
            h.server().latency().addSampleIfNeeded("command", 500);
            assertEquals("*0\r\n", h.exec("LATENCY", "LATEST"));
            assertEquals("*0\r\n", h.exec("LATENCY", "HISTORY", "command"));
            assertEquals("$" + DISABLED.length() + "\r\n" + DISABLED + "\r\n", h.exec("LATENCY", "DOCTOR"));
            h.client().protocol(3);
            assertEquals("=" + (DISABLED.length() + 4) + "\r\ntxt:" + DISABLED + "\r\n", h.exec("LATENCY", "DOCTOR"));
            assertEquals(":0\r\n", h.exec("LATENCY", "RESET"));
            assertEquals("-ERR No samples available for event 'command'\r\n", h.exec("LATENCY", "GRAPH", "command"));
        }

        @Test
        void withAThresholdEventsAreSampledOncePerSecondKeepingTheWorst() {
            long[] now = {1_000};
            io.mnemos.server.LatencyMonitor monitor = h.server().latency();
            monitor.secondsClock(() -> now[0]);
            // A threshold no real command in this test reaches (10 s), so only these samples count.
            h.exec("CONFIG", "SET", "latency-monitor-threshold", "10000");
            monitor.addSampleIfNeeded("my-event", 5_000); // under the threshold
            monitor.addSampleIfNeeded("my-event", 20_000);
            monitor.addSampleIfNeeded("my-event", 30_000);
            now[0] = 1_002;
            monitor.addSampleIfNeeded("my-event", 15_000);
            assertEquals("*1\r\n*4\r\n$8\r\nmy-event\r\n:1002\r\n:15000\r\n:30000\r\n", h.exec("LATENCY", "LATEST"));
            assertEquals("*2\r\n*2\r\n:1000\r\n:30000\r\n*2\r\n:1002\r\n:15000\r\n",
                    h.exec("LATENCY", "HISTORY", "my-event"));
            String graph = body(h.exec("LATENCY", "GRAPH", "my-event"));
            assertTrue(graph.startsWith("my-event - high 30000 ms, low 15000 ms (all time high 30000 ms)\n"
                    + "-".repeat(80) + "\n"), graph);
            assertTrue(body(h.exec("LATENCY", "DOCTOR")).startsWith("Dave, I have observed latency spikes"));
            assertEquals(":0\r\n", h.exec("LATENCY", "RESET", "nosuchevent"));
            assertEquals(":1\r\n", h.exec("LATENCY", "RESET", "my-event", "other"));
            assertEquals("*0\r\n", h.exec("LATENCY", "LATEST"));
            assertEquals("Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things "
                    + "over.\n", body(h.exec("LATENCY", "DOCTOR")));
        }

        @Test
        void slowCommandsAreCommandOrFastCommandEvents() {
            h.exec("CONFIG", "SET", "latency-monitor-threshold", "10000");
            io.mnemos.server.LatencyMonitor monitor = h.server().latency();
            monitor.commandExecuted(h.server().commandTable().lookup("get"), 12_000_000);
            monitor.commandExecuted(h.server().commandTable().lookup("set"), 11_000_000);
            assertEquals(12_000, monitor.series("fast-command").max());
            assertEquals(11_000, monitor.series("command").max());
            // Text measured on Redis 7.0.15 after one 32 ms command with threshold 1 ms (here 10 s).
            String doctor = body(h.exec("LATENCY", "DOCTOR"));
            assertTrue(doctor.startsWith("Dave, I have observed latency spikes in this Redis instance. You don't mind "
                    + "talking about it, do you Dave?\n\n1. fast-command: 1 latency spikes (average 12000ms, mean "
                    + "deviation 0ms, period "), doctor);
            assertTrue(doctor.endsWith(" Worst all time event 11000ms.\n\nI have a few advices for you:\n\n"
                    + "- Check your Slow Log to understand what are the commands you are running which are too slow to "
                    + "execute. Please check https://redis.io/commands/slowlog for more information.\n"
                    + "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
                    + "operation. If you have very large objects that are often deleted, expired, or evicted, try to "
                    + "fragment those objects into multiple smaller objects.\n"), doctor);
            h.exec("CONFIG", "SET", "slowlog-log-slower-than", "-1");
            assertTrue(body(h.exec("LATENCY", "DOCTOR")).contains("\n\nI have a few advices for you:\n\n- There are "
                    + "latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis "
                    + "feature using the command 'CONFIG SET slowlog-log-slower-than 10000000'. If the Slow log is "
                    + "disabled Redis is not able to log slow commands execution for you.\n- Check your Slow Log"));
        }

        @Test
        void graphDrawsASparklineWithAgeLabels() {
            io.mnemos.server.ServerConfig config = new io.mnemos.server.ServerConfig();
            config.latencyMonitorThreshold = 1;
            LatencyMonitor monitor = new LatencyMonitor(config);
            long[] now = {100};
            monitor.secondsClock(() -> now[0]);
            monitor.addSample("e", 10);
            now[0] = 160;
            monitor.addSample("e", 40);
            String graph = LatencyReport.graph("e", monitor.series("e"), 170);
            // As Redis's sparkline: the max reaches the top row ('#'), the min sits on the bottom row
            // ('_'), a blank row, then each sample's age ("1m", "10s") written vertically.
            assertEquals("e - high 40 ms, low 10 ms (all time high 40 ms)\n" + "-".repeat(80) + "\n"
                    + " #\n |\n |\n_|\n  \n11\nm0\n s\n", graph);
        }

        @Test
        void histogramReportsCumulativeCountsPerCommandLikeRedis() {
            io.mnemos.server.LatencyMonitor monitor = h.server().latency();
            CommandSpec get = h.server().commandTable().lookup("get");
            CommandSpec configSet = h.server().commandTable().lookup("config").subcommands().get("set");
            monitor.commandExecuted(get, 2);   // 2000 ns: the 2048 ns level, shown as 2 us
            monitor.commandExecuted(get, 5);   // 5000 ns: the 8192 ns level
            monitor.commandExecuted(get, 6);
            monitor.commandExecuted(configSet, 30);
            assertEquals("*2\r\n$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:3\r\n$14\r\nhistogram_usec\r\n"
                    + "*4\r\n:2\r\n:1\r\n:8\r\n:3\r\n", h.exec("LATENCY", "HISTOGRAM", "GET", "nosuchcommand"));
            h.client().protocol(3);
            assertEquals("%1\r\n$10\r\nconfig|set\r\n%2\r\n$5\r\ncalls\r\n:1\r\n$14\r\nhistogram_usec\r\n"
                    + "%1\r\n:33\r\n:1\r\n", h.exec("LATENCY", "HISTOGRAM", "config"));
            // get, config|set and the LATENCY HISTOGRAM calls just made.
            assertTrue(h.exec("LATENCY", "HISTOGRAM").startsWith("%3\r\n"), "all commands with data");
        }

        @Test
        void latencystatsShowPercentilesOfTheHistogram() {
            io.mnemos.server.LatencyMonitor monitor = h.server().latency();
            CommandSpec set = h.server().commandTable().lookup("set");
            monitor.commandExecuted(set, 23);
            // Redis 7.0.15 reports a single 23 us SET as p50=23.039 (2 significant digits, highest equivalent).
            assertEquals("# Latencystats\r\nlatency_percentiles_usec_set:p50=23.039,p99=23.039,p99.9=23.039\r\n",
                    info("latencystats"));
            for (int i = 0; i < 99; i++) {
                monitor.commandExecuted(set, 1);
            }
            assertTrue(info("latencystats").contains(
                    "\r\nlatency_percentiles_usec_set:p50=1.003,p99=1.003,p99.9=23.039\r\n"));
            h.exec("CONFIG", "RESETSTAT");
            String afterReset = info("latencystats");
            assertFalse(afterReset.contains("usec_set:"), afterReset);
            assertTrue(afterReset.startsWith("# Latencystats\r\nlatency_percentiles_usec_config|resetstat:p50="),
                    "RESETSTAT is recorded after it ran: " + afterReset);
        }

        @Test
        void latencyTrackingCanBeSwitchedOff() {
            assertEquals("*2\r\n$16\r\nlatency-tracking\r\n$3\r\nyes\r\n", h.exec("CONFIG", "GET", "latency-tracking"));
            h.exec("CONFIG", "SET", "latency-tracking", "no");
            h.exec("CONFIG", "RESETSTAT");
            h.exec("SET", "k", "v");
            assertEquals("# Latencystats\r\n", info("latencystats"));
        }

        @Test
        void errorsAndHelp() {
            assertEquals("-ERR wrong number of arguments for 'latency|history' command\r\n",
                    h.exec("LATENCY", "HISTORY"));
            assertEquals("-ERR unknown subcommand 'foo'. Try LATENCY HELP.\r\n", h.exec("LATENCY", "foo"));
            String help = h.exec("LATENCY", "HELP");
            assertTrue(help.startsWith("*17\r\n+LATENCY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+DOCTOR\r\n"), help);
            assertTrue(help.endsWith("+HELP\r\n+    Prints this help.\r\n"));
        }
    }

    @Nested
    class Memory {
        @Test
        void usageEstimatesLikeRedisWithJemalloc() {
            // Expected values measured on Redis 7.0.15 (jemalloc 5.3.0).
            h.exec("SET", "a", "hello");
            h.exec("SET", "b", "12345");
            h.exec("SET", "c", "x".repeat(100));
            h.exec("SET", "d", "x".repeat(1000));
            h.exec("SET", "longkeyname_abcdefghijklmnopqrstuvwxyz", "x".repeat(50));
            assertEquals(":64\r\n", h.exec("MEMORY", "USAGE", "a"));
            assertEquals(":48\r\n", h.exec("MEMORY", "USAGE", "b"));
            assertEquals(":160\r\n", h.exec("MEMORY", "USAGE", "c"));
            assertEquals(":1072\r\n", h.exec("MEMORY", "USAGE", "d"));
            assertEquals(":152\r\n", h.exec("MEMORY", "USAGE", "longkeyname_abcdefghijklmnopqrstuvwxyz"));
            assertEquals(":64\r\n", h.exec("MEMORY", "USAGE", "a", "SAMPLES", "0"));
        }

        @Test
        void usageOfAMissingKeyIsNull() {
            assertEquals("$-1\r\n", h.exec("MEMORY", "USAGE", "nokey"));
            h.client().protocol(3);
            assertEquals("_\r\n", h.exec("MEMORY", "USAGE", "nokey"));
        }

        @Test
        void usageErrors() {
            h.exec("SET", "a", "1");
            assertEquals("-ERR syntax error\r\n", h.exec("MEMORY", "USAGE", "a", "SAMPLES"));
            assertEquals("-ERR syntax error\r\n", h.exec("MEMORY", "USAGE", "a", "foo", "1"));
            assertEquals("-ERR syntax error\r\n", h.exec("MEMORY", "USAGE", "a", "SAMPLES", "-1"));
            assertEquals("-ERR value is not an integer or out of range\r\n",
                    h.exec("MEMORY", "USAGE", "a", "SAMPLES", "x"));
            assertEquals("-ERR wrong number of arguments for 'memory|usage' command\r\n", h.exec("MEMORY", "USAGE"));
            assertEquals("-ERR unknown subcommand 'foo'. Try MEMORY HELP.\r\n", h.exec("MEMORY", "foo"));
        }

        @Test
        void jemallocSizeClasses() {
            assertEquals(8, MemoryEstimate.jemallocSize(1));
            assertEquals(16, MemoryEstimate.jemallocSize(9));
            assertEquals(32, MemoryEstimate.jemallocSize(25));
            assertEquals(48, MemoryEstimate.jemallocSize(42));
            assertEquals(128, MemoryEstimate.jemallocSize(128));
            assertEquals(160, MemoryEstimate.jemallocSize(129));
            assertEquals(1024, MemoryEstimate.jemallocSize(1006));
            assertEquals(1280, MemoryEstimate.jemallocSize(1025));
        }

        @Test
        void doctorStatsPurgeAndMallocStats() {
            String doctor = h.exec("MEMORY", "DOCTOR");
            assertTrue(body(doctor).startsWith("Hi Sam, "), doctor);
            assertTrue(body(doctor).endsWith("\n"));
            h.exec("SET", "k", "v");
            String stats = h.exec("MEMORY", "STATS");
            assertTrue(stats.startsWith("*56\r\n$14\r\npeak.allocated\r\n:"), stats); // 27 fields and db.0
            assertTrue(stats.contains("$4\r\ndb.0\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n:"), stats);
            assertTrue(stats.contains("$10\r\nkeys.count\r\n:1\r\n"), stats);
            h.client().protocol(3);
            assertTrue(h.exec("MEMORY", "STATS").startsWith("%28\r\n"));
            assertEquals("+OK\r\n", h.exec("MEMORY", "PURGE"));
            assertEquals("=49\r\ntxt:Stats not supported for the current allocator\r\n", h.exec("MEMORY", "MALLOC-STATS"));
            assertEquals("-ERR wrong number of arguments for 'memory|doctor' command\r\n",
                    h.exec("MEMORY", "DOCTOR", "x"));
        }

        @Test
        void help() {
            assertEquals("*14\r\n+MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+DOCTOR\r\n"
                    + "+    Return memory problems reports.\r\n"
                    + "+MALLOC-STATS\r\n"
                    + "+    Return internal statistics report from the memory allocator.\r\n"
                    + "+PURGE\r\n"
                    + "+    Attempt to purge dirty pages for reclamation by the allocator.\r\n"
                    + "+STATS\r\n"
                    + "+    Return information about the memory usage of the server.\r\n"
                    + "+USAGE <key> [SAMPLES <count>]\r\n"
                    + "+    Return memory in bytes used by <key> and its value. Nested values are\r\n"
                    + "+    sampled up to <count> times (default: 5, 0 means sample all).\r\n"
                    + "+HELP\r\n"
                    + "+    Prints this help.\r\n", h.exec("MEMORY", "HELP"));
        }
    }

    @Nested
    class OverTcp {
        @Test
        void infoCountsConnectionsAndNetworkBytes() throws Exception {
            try (RunningServer server = RunningServer.start();
                 RespConnection c = new RespConnection(server.host(), server.port())) {
                c.call("SET", "k", "v");
                String info = body(c.call("INFO", "stats", "server", "clients"));
                Map<String, String> f = fields(info);
                assertEquals(Integer.toString(server.port()), f.get("tcp_port"));
                assertEquals("*2\r\n$4\r\nport\r\n$" + Integer.toString(server.port()).length() + "\r\n"
                        + server.port() + "\r\n", c.call("CONFIG", "GET", "port"), "the ephemeral port bound");
                assertEquals("1", f.get("connected_clients"));
                assertEquals("1", f.get("total_connections_received"));
                assertTrue(Long.parseLong(f.get("total_net_input_bytes")) > 0);
                assertEquals("5", f.get("total_net_output_bytes"), "+OK\\r\\n so far");
                assertEquals("2", f.get("total_reads_processed"));
                assertEquals("1", f.get("total_writes_processed"));
            }
        }

        /** Replies that must be byte-identical to Redis 7.0.15's. */
        @Test
        void errorAndReplyTextsMatchRealRedis() throws Exception {
            assumeTrue(RealRedis.available(), "redis-server not on PATH");
            String[][] commands = {
                {"CONFIG", "SET", "foo", "1"}, {"CONFIG", "SET", "hz", "abc"}, {"CONFIG", "SET", "hz", "0"},
                {"CONFIG", "GET", "hz"}, {"CONFIG", "SET", "hz", "10", "hz", "20"}, {"CONFIG", "SET", "hz", "11", "x"},
                {"CONFIG", "SET", "databases", "2"}, {"CONFIG", "SET", "dir", "/tmp"},
                {"CONFIG", "SET", "timeout", "-1"}, {"CONFIG", "SET", "hz", "12", "maxclients", "x"},
                {"CONFIG", "GET", "hz"}, {"CONFIG", "SET", "hz", "10"}, {"CONFIG", "GET", "slowlog-max*"},
                {"CONFIG", "GET", "HZ", "hz"}, {"CONFIG", "GET", "nonexistent"}, {"CONFIG", "GET"},
                {"CONFIG", "GET", "save"}, {"CONFIG", "GET", "appendonly"}, {"CONFIG", "SET", "appendonly", "x"},
                {"CONFIG", "REWRITE"}, {"CONFIG", "HELP"}, {"CONFIG", "nope"}, {"CONFIG", "RESETSTAT"},
                {"SLOWLOG", "HELP"}, {"SLOWLOG", "GET", "-2"}, {"SLOWLOG", "GET", "1", "2"}, {"SLOWLOG", "LEN", "x"},
                {"SLOWLOG", "RESET"}, {"SLOWLOG", "LEN"}, {"SLOWLOG", "GET"},
                {"LATENCY", "LATEST"}, {"LATENCY", "HISTORY", "command"}, {"LATENCY", "DOCTOR"},
                {"LATENCY", "RESET"}, {"LATENCY", "GRAPH", "command"}, {"LATENCY", "nope"},
                {"SET", "a", "hello"}, {"MEMORY", "USAGE", "a"}, {"MEMORY", "USAGE", "a", "SAMPLES", "-1"},
                {"MEMORY", "USAGE", "a", "SAMPLES"}, {"MEMORY", "USAGE", "nokey"}, {"MEMORY", "HELP"},
                {"MEMORY", "DOCTOR"}, {"MEMORY", "PURGE"}, {"ROLE"}, {"TIME", "x"}, {"LASTSAVE", "x"},
                {"INFO", "nosuchsection"}, {"INFO", "errorstats"},
            };
            try (RealRedis redis = RealRedis.start();
                 RunningServer mnemos = RunningServer.start();
                 RespConnection r = new RespConnection("127.0.0.1", redis.port());
                 RespConnection m = new RespConnection(mnemos.host(), mnemos.port())) {
                for (String[] command : commands) {
                    assertEquals(r.call(command), m.call(command), String.join(" ", command));
                }
                // Same sections and field names, in the same order (values differ by nature).
                String redisInfo = body(r.call("INFO", "default"));
                String mnemosInfo = body(m.call("INFO", "default"));
                assertEquals(fields(redisInfo).keySet().stream().toList(), fields(mnemosInfo).keySet().stream().toList());
                assertEquals(headers(redisInfo), headers(mnemosInfo));
            }
        }
    }

    @Test
    void commandMetadataFollowsRedis() {
        CommandSpec config = h.server().commandTable().lookup("config");
        assertEquals(-2, config.arity());
        assertEquals(-4, config.subcommands().get("set").arity());
        assertEquals("config|set", config.subcommands().get("set").fullName());
        CommandSpec usage = h.server().commandTable().lookup("memory").subcommands().get("usage");
        assertEquals(2, usage.firstKey());
        assertTrue(usage.has(CommandFlag.READONLY));
        CommandSpec info = h.server().commandTable().lookup("info");
        assertTrue(info.aclCategories().contains("dangerous"));
    }
}
