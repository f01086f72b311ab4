package io.mnemos.metrics;

import io.mnemos.server.Server;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's INFO numbers under the names of the widely used redis_exporter
 * (github.com/oliver006/redis_exporter), so Redis dashboards and alert rules work unchanged:
 * {@code redis_up}, {@code redis_connected_clients}, {@code redis_memory_used_bytes},
 * {@code redis_commands_total{cmd="get"}}, {@code redis_db_keys{db="db0"}} and so on.
 * Each scrape takes one {@link ServerNumbers} on the keyspace thread; if that thread does not
 * answer within the timeout (server stopping or wedged) only {@code redis_up 0} is exported.
 */
public final class RedisCollector implements MultiCollector {
    static final long SNAPSHOT_TIMEOUT_MILLIS = 2000;
    private final Server server;

    public RedisCollector(Server server) {
        this.server = server;
    }

    /** The snapshot, or null when the keyspace thread does not answer in time. */
    ServerNumbers snapshot() {
        if (server.stopping()) {
            return null;
        }
        CompletableFuture<ServerNumbers> future = new CompletableFuture<>();
        try {
            server.execute(() -> {
                try {
                    future.complete(ServerNumbers.take(server));
                } catch (RuntimeException e) {
                    future.completeExceptionally(e);
                }
            });
            return future.get(SNAPSHOT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    @Override
    public MetricSnapshots collect() {
        ServerNumbers s = snapshot();
        List<MetricSnapshot> out = new ArrayList<>();
        out.add(gauge("redis_up", "Information about the Redis instance", s == null ? 0 : 1));
        if (s == null) {
            return new MetricSnapshots(out);
        }
        out.add(GaugeSnapshot.builder().name("redis_instance_info").help("Information about the Redis instance")
                .dataPoint(GaugeDataPointSnapshot.builder().value(1).labels(Labels.of(
                        "redis_version", Server.REDIS_VERSION, "redis_mode", "standalone", "role", "master",
                        "server", "mnemos", "tcp_port", Integer.toString(server.port()))).build()).build());
        out.add(gauge("redis_uptime_in_seconds", "uptime_in_seconds metric", s.uptimeSeconds()));
        out.add(gauge("redis_start_time_seconds", "Start time of the Redis instance since unix epoch in seconds.",
                s.startTimeSeconds()));
        out.add(gauge("redis_connected_clients", "connected_clients metric", s.connectedClients()));
        out.add(gauge("redis_blocked_clients", "blocked_clients metric", s.blockedClients()));
        out.add(gauge("redis_config_maxclients", "config_maxclients metric", s.maxClients()));
        out.add(gauge("redis_memory_used_bytes", "memory_used_bytes metric", s.usedMemory()));
        out.add(gauge("redis_memory_used_peak_bytes", "memory_used_peak_bytes metric", s.usedMemoryPeak()));
        out.add(gauge("redis_memory_max_bytes", "memory_max_bytes metric", s.maxMemory()));
        out.add(gauge("redis_instantaneous_ops_per_sec", "instantaneous_ops_per_sec metric", s.instantaneousOps()));
        out.add(gauge("redis_rdb_changes_since_last_save", "rdb_changes_since_last_save metric",
                s.changesSinceLastSave()));
        out.add(counter("redis_commands_processed", "commands_processed_total metric", s.commandsProcessed()));
        out.add(counter("redis_connections_received", "connections_received_total metric", s.connectionsReceived()));
        out.add(counter("redis_rejected_connections", "rejected_connections_total metric", s.rejectedConnections()));
        out.add(counter("redis_keyspace_hits", "keyspace_hits_total metric", s.keyspaceHits()));
        out.add(counter("redis_keyspace_misses", "keyspace_misses_total metric", s.keyspaceMisses()));
        out.add(counter("redis_expired_keys", "expired_keys_total metric", s.expiredKeys()));
        out.add(counter("redis_evicted_keys", "evicted_keys_total metric", s.evictedKeys()));
        out.add(counter("redis_net_input_bytes", "net_input_bytes_total metric", s.netInputBytes()));
        out.add(counter("redis_net_output_bytes", "net_output_bytes_total metric", s.netOutputBytes()));
        out.add(counter("redis_errors", "total_error_replies metric", s.errorReplies()));

        CounterSnapshot.Builder calls = CounterSnapshot.builder().name("redis_commands")
                .help("Total number of calls per command");
        CounterSnapshot.Builder seconds = CounterSnapshot.builder().name("redis_commands_duration_seconds")
                .help("Total amount of time in seconds spent per command");
        CounterSnapshot.Builder rejected = CounterSnapshot.builder().name("redis_commands_rejected_calls")
                .help("Total number of errors prior command execution per command");
        CounterSnapshot.Builder failed = CounterSnapshot.builder().name("redis_commands_failed_calls")
                .help("Total number of errors within command execution per command");
        for (ServerNumbers.CommandStat c : s.commands()) {
            Labels labels = Labels.of("cmd", c.name());
            calls.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(c.calls()).build());
            seconds.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(c.micros() / 1e6).build());
            rejected.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(c.rejected()).build());
            failed.dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(c.failed()).build());
        }
        out.add(calls.build());
        out.add(seconds.build());
        out.add(rejected.build());
        out.add(failed.build());

        GaugeSnapshot.Builder keys = GaugeSnapshot.builder().name("redis_db_keys").help("Total number of keys by DB");
        GaugeSnapshot.Builder expiring = GaugeSnapshot.builder().name("redis_db_keys_expiring")
                .help("Total number of expiring keys by DB");
        for (ServerNumbers.DbStat db : s.databases()) {
            Labels labels = Labels.of("db", "db" + db.index());
            keys.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(db.keys()).build());
            expiring.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(db.expires()).build());
        }
        out.add(keys.build());
        out.add(expiring.build());
        return new MetricSnapshots(out);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    private static CounterSnapshot counter(String name, String help, double value) {
        return CounterSnapshot.builder().name(name).help(help)
                .dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }
}
