package io.mnemos.command;

import io.mnemos.server.Server;
import io.mnemos.server.ServerConfig;
import io.mnemos.server.ServerStats;
import io.mnemos.server.StatsSampler;
import io.mnemos.store.Database;
import io.mnemos.store.Keyspace;
import io.mnemos.store.KeyspaceStats;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The text of INFO, section by section in Redis 7.0.15's order and field names (genRedisInfoString).
 * Where Mnemos has no counterpart of a Redis mechanism (forks, replication, allocator) the field
 * shows what is true for Mnemos: nothing happened, so zero, or the JVM's equivalent.
 */
public final class InfoReport {
    /** Redis's default_sections (module_list is reported as the "# Modules" section). */
    static final List<String> DEFAULT_SECTIONS = List.of("server", "clients", "memory", "persistence", "stats",
            "replication", "cpu", "module_list", "errorstats", "cluster", "keyspace");

    private InfoReport() {
    }

    /**
     * @param sections requested section names, lower case
     * @param all every Redis section ("all")
     * @param everything all plus extra sections ("everything"): Mnemos's "jvm"
     */
    public static String generate(Server server, Set<String> sections, boolean all, boolean everything) {
        StringBuilder sb = new StringBuilder(4096);
        Section out = new Section(sb);
        for (SectionSpec spec : SECTIONS) {
            if ((spec.inAll() ? all : everything) || spec.names().stream().anyMatch(sections::contains)) {
                out.header(spec.header());
                spec.body().write(out, server);
            }
        }
        return sb.toString();
    }

    @FunctionalInterface
    private interface SectionBody {
        void write(Section out, Server server);
    }

    /**
     * One section: its "# Header", the names that request it, whether "all" includes it (else only
     * "everything" does), and what it writes.
     */
    private record SectionSpec(String header, List<String> names, boolean inAll, SectionBody body) {
    }

    private static SectionSpec section(String header, String name, SectionBody body) {
        return new SectionSpec(header, List.of(name), true, body);
    }

    /** The sections in Redis's order, then Mnemos's own. */
    private static final List<SectionSpec> SECTIONS = List.of(
            section("Server", "server", InfoReport::server),
            section("Clients", "clients", InfoReport::clients),
            section("Memory", "memory", InfoReport::memory),
            section("Persistence", "persistence", InfoReport::persistence),
            section("Stats", "stats", InfoReport::stats),
            section("Replication", "replication", InfoReport::replication),
            section("CPU", "cpu", (out, server) -> cpu(out)),
            new SectionSpec("Modules", List.of("module_list", "modules"), true, (out, server) -> { }),
            section("Commandstats", "commandstats", InfoReport::commandstats),
            section("Errorstats", "errorstats", InfoReport::errorstats),
            section("Latencystats", "latencystats", InfoReport::latencystats),
            section("Cluster", "cluster", (out, server) -> out.field("cluster_enabled", 0)),
            section("Keyspace", "keyspace", InfoReport::keyspace),
            new SectionSpec("JVM", List.of("jvm"), false, InfoReport::jvm));

    /** Lines "name:value\r\n", sections "# Name\r\n" separated by a blank line. */
    private static final class Section {
        private final StringBuilder sb;
        private int count;

        Section(StringBuilder sb) {
            this.sb = sb;
        }

        void header(String name) {
            if (count++ > 0) {
                sb.append("\r\n");
            }
            sb.append("# ").append(name).append("\r\n");
        }

        void field(String name, Object value) {
            sb.append(name).append(':').append(value).append("\r\n");
        }
    }

    // ------------------------------------------------------------------ sections

    private static void server(Section out, Server server) {
        ServerConfig config = server.config();
        long now = System.currentTimeMillis();
        long uptime = (now - server.startMillis()) / 1000;
        Instant instant = Instant.now();
        out.field("redis_version", Server.REDIS_VERSION);
        out.field("redis_git_sha1", "00000000");
        out.field("redis_git_dirty", 0);
        out.field("redis_build_id", buildId());
        out.field("redis_mode", "standalone");
        out.field("os", os());
        out.field("arch_bits", System.getProperty("sun.arch.data.model", "64"));
        out.field("monotonic_clock", "POSIX clock_gettime");
        out.field("multiplexing_api", server.epoll() ? "epoll" : "nio");
        out.field("atomicvar_api", "java");
        out.field("gcc_version", "0.0.0");
        out.field("process_id", ProcessHandle.current().pid());
        out.field("process_supervised", "no");
        out.field("run_id", server.runId());
        out.field("tcp_port", server.port() > 0 ? server.port() : config.port);
        out.field("server_time_usec", instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000);
        out.field("uptime_in_seconds", uptime);
        out.field("uptime_in_days", uptime / 86400);
        out.field("hz", config.hz);
        out.field("configured_hz", config.hz);
        out.field("lru_clock", (now / 1000) & ((1 << 24) - 1));
        out.field("executable", ProcessHandle.current().info().command().orElse(""));
        out.field("config_file", config.configFile);
        out.field("io_threads_active", 0);
        if (server.shutdown().initiated()) {
            out.field("shutdown_in_milliseconds", server.shutdown().remainingMillis());
        }
    }

    private static void clients(Section out, Server server) {
        out.field("connected_clients", server.connectedClients());
        out.field("cluster_connections", 0);
        out.field("maxclients", server.config().maxclients);
        out.field("client_recent_max_input_buffer", server.recentMaxInputBuffer());
        out.field("client_recent_max_output_buffer", server.recentMaxOutputBuffer());
        out.field("blocked_clients", server.blockedClients().count() + server.dispatcher().postponedCount());
        out.field("tracking_clients", server.tracking().clientCount());
        out.field("clients_in_timeout_table", server.blockedClients().withTimeout());
    }

    private static void memory(Section out, Server server) {
        StatsSampler sampler = server.sampler();
        Keyspace ks = server.keyspace();
        long used = server.usedMemory();
        long peak = sampler.notePeak(used);
        long startup = sampler.startupMemory();
        long heap = StatsSampler.heapUsed();
        long rss = residentSetSize();
        long committed = Runtime.getRuntime().totalMemory();
        long totalSystem = totalSystemMemory();
        long maxmemory = server.config().eviction.maxmemory;
        long clientsMemory = server.clientsMemory();
        long overhead = startup + clientsMemory;
        for (int i = 0; i < ks.count(); i++) {
            overhead += ks.db(i).hashtableOverhead() + ks.db(i).expiresOverhead();
        }
        overhead = Math.min(overhead, used);
        long dataset = used - overhead;
        long net = used - startup;
        out.field("used_memory", used);
        out.field("used_memory_human", bytesToHuman(used));
        out.field("used_memory_rss", rss);
        out.field("used_memory_rss_human", bytesToHuman(rss));
        out.field("used_memory_peak", peak);
        out.field("used_memory_peak_human", bytesToHuman(peak));
        out.field("used_memory_peak_perc", percent(used, peak) + "%");
        out.field("used_memory_overhead", overhead);
        out.field("used_memory_startup", startup);
        out.field("used_memory_dataset", dataset);
        out.field("used_memory_dataset_perc", percent(dataset, net > 0 ? net : 0) + "%");
        out.field("allocator_allocated", heap);
        out.field("allocator_active", committed);
        out.field("allocator_resident", rss);
        out.field("total_system_memory", totalSystem);
        out.field("total_system_memory_human", bytesToHuman(totalSystem));
        io.mnemos.scripting.Scripting scripting = server.scripting();
        long vmEval = scripting.evalVmMemory();
        long vmFunctions = scripting.functions().vmMemory();
        long scriptsEval = scripting.evalScriptsMemory();
        long functionsMemory = scripting.functions().codeMemory();
        out.field("used_memory_lua", vmEval);
        out.field("used_memory_vm_eval", vmEval);
        out.field("used_memory_lua_human", bytesToHuman(vmEval));
        out.field("used_memory_scripts_eval", scriptsEval);
        out.field("number_of_cached_scripts", scripting.cachedScripts());
        out.field("number_of_functions", scripting.functions().functionCount());
        out.field("number_of_libraries", scripting.functions().libraryCount());
        out.field("used_memory_vm_functions", vmFunctions);
        out.field("used_memory_vm_total", vmEval + vmFunctions);
        out.field("used_memory_vm_total_human", bytesToHuman(vmEval + vmFunctions));
        out.field("used_memory_functions", functionsMemory);
        out.field("used_memory_scripts", scriptsEval + functionsMemory);
        out.field("used_memory_scripts_human", bytesToHuman(scriptsEval + functionsMemory));
        out.field("maxmemory", maxmemory);
        out.field("maxmemory_human", bytesToHuman(maxmemory));
        out.field("maxmemory_policy", server.config().eviction.policy.configName());
        out.field("allocator_frag_ratio", ratio(committed, heap));
        out.field("allocator_frag_bytes", committed - heap);
        out.field("allocator_rss_ratio", ratio(rss, committed));
        out.field("allocator_rss_bytes", rss - committed);
        out.field("rss_overhead_ratio", "1.00");
        out.field("rss_overhead_bytes", 0);
        // Mnemos's fragmentation: the JVM heap in use (live data, garbage not yet collected and the
        // server's own objects) against the data's accounting.
        out.field("mem_fragmentation_ratio", ratio(heap, used));
        out.field("mem_fragmentation_bytes", heap - used);
        out.field("mem_not_counted_for_evict", 0);
        long[] replicationBuffer = server.replication().replicationBufferMemory();
        out.field("mem_replication_backlog", replicationBuffer[0]);
        out.field("mem_total_replication_buffers", replicationBuffer[1]);
        out.field("mem_clients_slaves", replicationBuffer[2]);
        out.field("mem_clients_normal", clientsMemory);
        out.field("mem_cluster_links", 0);
        out.field("mem_aof_buffer", 0);
        out.field("mem_allocator", "jvm");
        out.field("active_defrag_running", 0);
        out.field("lazyfree_pending_objects", 0);
        out.field("lazyfreed_objects", 0);
    }

    private static void persistence(Section out, Server server) {
        server.persistence().info(out::field);
        server.aof().infoFields(out::field);
        out.field("aof_last_cow_size", 0);
        out.field("module_fork_in_progress", 0);
        out.field("module_fork_last_cow_size", 0);
        server.aof().infoSizes(out::field);
    }

    private static void stats(Section out, Server server) {
        ServerStats st = server.stats();
        KeyspaceStats ks = server.keyspace().stats();
        StatsSampler sampler = server.sampler();
        out.field("total_connections_received", st.totalConnectionsReceived);
        out.field("total_commands_processed", st.totalCommandsProcessed);
        out.field("instantaneous_ops_per_sec", sampler.instantaneous(StatsSampler.Metric.COMMANDS));
        out.field("total_net_input_bytes", st.totalNetInputBytes());
        out.field("total_net_output_bytes", st.totalNetOutputBytes());
        out.field("total_net_repl_input_bytes", st.netReplInputBytes);
        out.field("total_net_repl_output_bytes", st.netReplOutputBytes);
        out.field("instantaneous_input_kbps", fixed2(sampler.instantaneousExact(StatsSampler.Metric.NET_INPUT) / 1024));
        out.field("instantaneous_output_kbps", fixed2(sampler.instantaneousExact(StatsSampler.Metric.NET_OUTPUT) / 1024));
        out.field("instantaneous_input_repl_kbps", fixed2(sampler.instantaneousExact(StatsSampler.Metric.NET_INPUT_REPLICATION) / 1024));
        out.field("instantaneous_output_repl_kbps", fixed2(sampler.instantaneousExact(StatsSampler.Metric.NET_OUTPUT_REPLICATION) / 1024));
        out.field("rejected_connections", st.rejectedConnections);
        out.field("sync_full", server.replication().syncFull());
        out.field("sync_partial_ok", server.replication().syncPartialOk());
        out.field("sync_partial_err", server.replication().syncPartialErr());
        out.field("expired_keys", ks.expiredKeys);
        out.field("expired_stale_perc", fixed2(ks.expiredStalePercent));
        out.field("expired_time_cap_reached_count", ks.expiredTimeCapReached);
        out.field("expire_cycle_cpu_milliseconds", ks.expireCycleMicros / 1000);
        out.field("evicted_keys", ks.evictedKeys);
        out.field("evicted_clients", st.evictedClients);
        long exceeding = ks.evictionExceedingMicros(System.nanoTime());
        out.field("total_eviction_exceeded_time", (ks.evictionExceededMicros + exceeding) / 1000);
        out.field("current_eviction_exceeded_time", exceeding / 1000);
        out.field("keyspace_hits", ks.hits);
        out.field("keyspace_misses", ks.misses);
        out.field("pubsub_channels", server.pubsub().size(io.mnemos.server.PubSub.Kind.CHANNEL));
        out.field("pubsub_patterns", server.pubsub().size(io.mnemos.server.PubSub.Kind.PATTERN));
        out.field("pubsubshard_channels", server.pubsub().size(io.mnemos.server.PubSub.Kind.SHARD));
        out.field("latest_fork_usec", 0);
        out.field("total_forks", 0);
        out.field("migrate_cached_sockets", server.migrateSockets().size());
        out.field("slave_expires_tracked_keys", server.keyspace().replicaKeysWithExpire().size());
        out.field("active_defrag_hits", 0);
        out.field("active_defrag_misses", 0);
        out.field("active_defrag_key_hits", 0);
        out.field("active_defrag_key_misses", 0);
        out.field("total_active_defrag_time", 0);
        out.field("current_active_defrag_time", 0);
        out.field("tracking_total_keys", server.tracking().totalKeys());
        out.field("tracking_total_items", server.tracking().totalItems());
        out.field("tracking_total_prefixes", server.tracking().totalPrefixes());
        out.field("unexpected_error_replies", st.unexpectedErrorReplies);
        out.field("total_error_replies", st.totalErrorReplies);
        out.field("dump_payload_sanitizations", 0);
        out.field("total_reads_processed", st.totalReadsProcessed);
        out.field("total_writes_processed", st.totalWritesProcessed);
        out.field("io_threaded_reads_processed", 0);
        out.field("io_threaded_writes_processed", 0);
        out.field("reply_buffer_shrinks", st.replyBufferShrinks);
        out.field("reply_buffer_expands", st.replyBufferExpands);
    }

    private static void replication(Section out, Server server) {
        io.mnemos.replication.ReplicationMaster repl = server.replication();
        List<io.mnemos.replication.ReplicationMaster.ReplicaInfo> replicas = repl.describe();
        if (server.isReplica()) {
            out.field("role", "slave");
            for (Object[] f : server.masterLink().info()) {
                out.field((String) f[0], f[1]);
            }
            io.mnemos.server.ServerConfig config = server.config();
            out.field("slave_priority", config.option("replica-priority").get());
            out.field("slave_read_only", config.option("replica-read-only").get().equals("yes") ? 1 : 0);
            out.field("replica_announced", config.option("replica-announced").get().equals("yes") ? 1 : 0);
        } else {
            out.field("role", "master");
        }
        out.field("connected_slaves", replicas.size());
        if (server.config().minReplicasToWrite > 0 && server.config().minReplicasMaxLag > 0) {
            out.field("min_slaves_good_slaves", server.replication().goodReplicas());
        }
        int n = 0;
        for (io.mnemos.replication.ReplicationMaster.ReplicaInfo r : replicas) {
            out.field("slave" + n++, "ip=" + r.ip() + ",port=" + r.port() + ",state=" + r.state() + ",offset="
                    + r.offset() + ",lag=" + r.lagSeconds());
        }
        out.field("master_failover_state", server.failover().stateName());
        out.field("master_replid", server.masterReplId());
        out.field("master_replid2", repl.replid2());
        out.field("master_repl_offset", repl.offset());
        out.field("second_repl_offset", repl.secondReplOffset());
        long[] backlog = repl.backlogInfo();
        out.field("repl_backlog_active", backlog[0]);
        out.field("repl_backlog_size", backlog[1]);
        out.field("repl_backlog_first_byte_offset", backlog[2]);
        out.field("repl_backlog_histlen", backlog[3]);
    }

    private static void errorstats(Section out, Server server) {
        for (Map.Entry<String, Long> e : new TreeMap<>(server.errorStats()).entrySet()) {
            out.field("errorstat_" + e.getKey(), "count=" + e.getValue());
        }
    }

    private static void latencystats(Section out, Server server) {
        for (CommandSpec spec : server.commandTable().all()) {
            latencystat(out, server, spec);
            for (CommandSpec sub : spec.subcommands().values()) {
                latencystat(out, server, sub);
            }
        }
    }

    private static void keyspace(Section out, Server server) {
        Keyspace ks = server.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            Database db = ks.db(i);
            if (db.size() > 0) {
                out.field("db" + i, "keys=" + db.size() + ",expires=" + db.volatileCount()
                        + ",avg_ttl=" + db.averageTtl());
            }
        }
    }

    private static void cpu(Section out) {
        double[] process = processCpuSeconds();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double threadTotal = 0;
        double threadUser = 0;
        if (threads.isCurrentThreadCpuTimeSupported()) {
            threadTotal = Math.max(0, threads.getCurrentThreadCpuTime()) / 1e9;
            threadUser = Math.max(0, threads.getCurrentThreadUserTime()) / 1e9;
        }
        out.field("used_cpu_sys", fixed6(process[0]));
        out.field("used_cpu_user", fixed6(process[1]));
        out.field("used_cpu_sys_children", "0.000000");
        out.field("used_cpu_user_children", "0.000000");
        out.field("used_cpu_sys_main_thread", fixed6(Math.max(0, threadTotal - threadUser)));
        out.field("used_cpu_user_main_thread", fixed6(threadUser));
    }

    private static void commandstats(Section out, Server server) {
        for (CommandSpec spec : server.commandTable().all()) {
            commandstat(out, spec);
            for (CommandSpec sub : spec.subcommands().values()) {
                commandstat(out, sub);
            }
        }
    }

    private static void commandstat(Section out, CommandSpec spec) {
        if (spec.calls() == 0 && spec.failedCalls() == 0 && spec.rejectedCalls() == 0) {
            return;
        }
        double perCall = spec.calls() == 0 ? 0 : (double) (float) ((float) spec.micros() / spec.calls());
        out.field("cmdstat_" + spec.fullName(), "calls=" + spec.calls() + ",usec=" + spec.micros()
                + ",usec_per_call=" + fixed2(perCall) + ",rejected_calls=" + spec.rejectedCalls()
                + ",failed_calls=" + spec.failedCalls());
    }

    /** fillPercentileDistributionLatencies: p&lt;percentile&gt;=&lt;ms&gt; for each latency-tracking-info-percentile. */
    private static void latencystat(Section out, Server server, CommandSpec spec) {
        io.mnemos.server.LatencyHistogram h = server.latency().histogram(spec);
        if (h == null) {
            return;
        }
        double[] percentiles = server.config().latencyTrackingPercentiles;
        StringBuilder line = new StringBuilder();
        for (int j = 0; j < percentiles.length; j++) {
            line.append(j == 0 ? "p" : ",p").append(io.mnemos.server.LatencyPercentiles.format(percentiles[j]))
                    .append('=').append(String.format(Locale.ROOT, "%.3f", h.valueAtPercentile(percentiles[j]) / 1000.0));
        }
        out.field("latency_percentiles_usec_" + spec.fullName(), line.toString());
    }

    /** Mnemos's own section: the JVM's heap and garbage collectors. */
    private static void jvm(Section out, Server server) {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        out.field("jvm_version", Runtime.version());
        out.field("jvm_vendor", System.getProperty("java.vm.vendor", ""));
        out.field("jvm_heap_used", heap.getUsed());
        out.field("jvm_heap_committed", heap.getCommitted());
        out.field("jvm_heap_max", heap.getMax());
        out.field("jvm_nonheap_used", nonHeap.getUsed());
        long count = 0;
        long time = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            time += Math.max(0, gc.getCollectionTime());
        }
        out.field("jvm_gc_count", count);
        out.field("jvm_gc_time_ms", time);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            String name = gc.getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
            out.field("jvm_gc_" + name, "count=" + Math.max(0, gc.getCollectionCount())
                    + ",time_ms=" + Math.max(0, gc.getCollectionTime()));
        }
        // The limit eviction works against: maxmemory, or while it is 0 the heap-derived ceiling.
        out.field("maxmemory_effective", server.config().eviction.effectiveLimit());
        out.field("maxmemory_effective_human", bytesToHuman(server.config().eviction.effectiveLimit()));
        out.field("jvm_threads", ManagementFactory.getThreadMXBean().getThreadCount());
        out.field("jvm_available_processors", Runtime.getRuntime().availableProcessors());
    }

    // ------------------------------------------------------------------ helpers

    /** Redis's bytesToHuman. */
    /** Redis's bytesToHuman of an unsigned long long (maxmemory may be one beyond a long). */
    static String bytesToHuman(long n) {
        if (Long.compareUnsigned(n, 1024) < 0) {
            return n + "B";
        }
        String[] units = {"K", "M", "G", "T", "P"};
        for (int i = 0; i < units.length; i++) {
            if (Long.compareUnsigned(n, 1L << (10 * (i + 2))) < 0) {
                return String.format(Locale.ROOT, "%.2f%s", n / (double) (1L << (10 * (i + 1))), units[i]);
            }
        }
        return Long.toUnsignedString(n) + "B"; // "Let's hope we never need this"
    }

    private static String fixed2(double d) {
        return String.format(Locale.ROOT, "%.2f", d);
    }

    private static String fixed6(double d) {
        return String.format(Locale.ROOT, "%.6f", d);
    }

    private static String percent(long part, long whole) {
        return fixed2(whole == 0 ? 0 : part * 100.0 / whole);
    }

    private static String ratio(long a, long b) {
        return fixed2(b == 0 ? 0 : (double) a / b);
    }

    private static String os() {
        String arch = System.getProperty("os.arch", "");
        if (arch.equals("amd64")) {
            arch = "x86_64";
        }
        return System.getProperty("os.name", "") + " " + System.getProperty("os.version", "") + " " + arch;
    }

    private static String buildId() {
        String v = InfoReport.class.getPackage().getImplementationVersion();
        return Integer.toHexString((v == null ? "dev" : v).hashCode());
    }

    /** The process's resident set size from /proc (Linux); the committed heap elsewhere. */
    static long residentSetSize() {
        try {
            String[] statm = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
            return Long.parseLong(statm[1]) * 4096;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().totalMemory();
        }
    }

    private static long totalSystemMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }

    /** {system, user} CPU seconds of the whole process, from /proc/self/stat where available. */
    private static double[] processCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command name: f[0] is field 3 (state); utime is field 14, stime field 15.
            double user = Long.parseLong(f[11]) / 100.0;
            double sys = Long.parseLong(f[12]) / 100.0;
            return new double[]{sys, user};
        } catch (IOException | RuntimeException e) {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
                return new double[]{0, Math.max(0, os.getProcessCpuTime()) / 1e9};
            }
            return new double[]{0, 0};
        }
    }
}
