package io.mnemos.metrics;

import io.mnemos.command.CommandSpec;
import io.mnemos.server.Server;
import io.mnemos.server.ServerStats;
import io.mnemos.store.Database;
import io.mnemos.store.Keyspace;
import io.mnemos.store.KeyspaceStats;

import java.util.ArrayList;
import java.util.List;

/**
 * The numbers one scrape exports, copied in one go on the keyspace thread (which owns them) so the
 * HTTP thread formats them without touching live server state. Taking it is O(commands + databases):
 * a few microseconds between two commands, never a pause in command execution.
 */
record ServerNumbers(
        long uptimeSeconds,
        long startTimeSeconds,
        long connectedClients,
        long blockedClients,
        long maxClients,
        long usedMemory,
        long usedMemoryPeak,
        long maxMemory,
        long commandsProcessed,
        long connectionsReceived,
        long rejectedConnections,
        long keyspaceHits,
        long keyspaceMisses,
        long expiredKeys,
        long evictedKeys,
        long netInputBytes,
        long netOutputBytes,
        long errorReplies,
        long instantaneousOps,
        long changesSinceLastSave,
        List<CommandStat> commands,
        List<DbStat> databases) {

    /** One command's INFO commandstats line: calls, usec, rejected_calls, failed_calls. */
    record CommandStat(String name, long calls, long micros, long rejected, long failed) {
    }

    /** One non-empty database's INFO keyspace line. */
    record DbStat(int index, long keys, long expires) {
    }

    /** Must run on the keyspace thread. */
    static ServerNumbers take(Server server) {
        ServerStats st = server.stats();
        Keyspace ks = server.keyspace();
        KeyspaceStats kst = ks.stats();
        List<CommandStat> commands = new ArrayList<>();
        for (CommandSpec spec : server.commandTable().all()) {
            addCommand(commands, spec);
            for (CommandSpec sub : spec.subcommands().values()) {
                addCommand(commands, sub);
            }
        }
        List<DbStat> dbs = new ArrayList<>();
        for (int i = 0; i < ks.count(); i++) {
            Database db = ks.db(i);
            if (db.size() > 0) {
                dbs.add(new DbStat(i, db.size(), db.volatileCount()));
            }
        }
        long used = server.usedMemory();
        long now = System.currentTimeMillis();
        return new ServerNumbers(
                (now - server.startMillis()) / 1000,
                server.startMillis() / 1000,
                server.connectedClients(),
                server.blockedClients().count() + server.dispatcher().postponedCount(),
                server.config().maxclients,
                used,
                server.sampler().notePeak(used),
                server.config().eviction.maxmemory,
                st.totalCommandsProcessed,
                st.totalConnectionsReceived,
                st.rejectedConnections,
                kst.hits,
                kst.misses,
                kst.expiredKeys,
                kst.evictedKeys,
                st.totalNetInputBytes(),
                st.totalNetOutputBytes(),
                st.totalErrorReplies,
                server.sampler().instantaneous(io.mnemos.server.StatsSampler.Metric.COMMANDS),
                kst.dirty,
                commands,
                dbs);
    }

    private static void addCommand(List<CommandStat> out, CommandSpec spec) {
        if (spec.calls() == 0 && spec.failedCalls() == 0 && spec.rejectedCalls() == 0) {
            return;
        }
        out.add(new CommandStat(spec.fullName(), spec.calls(), spec.micros(), spec.rejectedCalls(), spec.failedCalls()));
    }
}
