package io.mnemos.command;

import java.util.List;

import static io.mnemos.command.CommandFlag.ADMIN;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.LOADING;
import static io.mnemos.command.CommandFlag.NOSCRIPT;
import static io.mnemos.command.CommandFlag.NO_ASYNC_LOADING;
import static io.mnemos.command.CommandFlag.STALE;
import static io.mnemos.command.CommandSpec.command;

/**
 * CLUSTER, READONLY, READWRITE and ASKING as a Redis 7.0 started without cluster-enabled answers
 * them: every one (CLUSTER HELP too) with "This instance has cluster support disabled", after the
 * table's arity and subcommand checks. Clients probe CLUSTER INFO / CLUSTER SLOTS to tell a cluster
 * from a standalone server, and that error is the answer they expect from the latter.
 */
public final class ClusterCommands implements CommandFamily {
    static final String DISABLED = "This instance has cluster support disabled";

    private static final CommandHandler REFUSE = c -> {
        throw CommandError.err(DISABLED);
    };

    @Override
    public List<CommandSpec> commands() {
        CommandSpec.Builder cluster = command("cluster", -2).group("cluster").since("3.0.0");
        // name, arity, since, flags: the subcommands of Redis 7.0's cluster container.
        sub(cluster, "addslots", -3, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "addslotsrange", -4, "7.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "bumpepoch", 2, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "count-failure-reports", 3, "3.0.0", ADMIN, STALE);
        sub(cluster, "countkeysinslot", 3, "3.0.0", STALE);
        sub(cluster, "delslots", -3, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "delslotsrange", -4, "7.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "failover", -2, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "flushslots", 2, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "forget", 3, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "getkeysinslot", 4, "3.0.0", STALE);
        sub(cluster, "help", 2, "5.0.0", LOADING, STALE);
        sub(cluster, "info", 2, "3.0.0", STALE);
        sub(cluster, "keyslot", 3, "3.0.0", STALE);
        sub(cluster, "links", 2, "7.0.0", STALE);
        sub(cluster, "meet", -4, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "myid", 2, "3.0.0", STALE);
        sub(cluster, "nodes", 2, "3.0.0", STALE);
        sub(cluster, "replicas", 3, "5.0.0", ADMIN, STALE);
        sub(cluster, "replicate", 3, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "reset", -2, "3.0.0", ADMIN, NOSCRIPT, STALE);
        sub(cluster, "saveconfig", 2, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "set-config-epoch", 3, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "setslot", -4, "3.0.0", ADMIN, STALE, NO_ASYNC_LOADING);
        sub(cluster, "shards", 2, "7.0.0", STALE);
        sub(cluster, "slaves", 3, "3.0.0", ADMIN, STALE);
        sub(cluster, "slots", 2, "3.0.0", STALE);
        return List.of(
                cluster.build(),
                command("readonly", 1).flags(LOADING, STALE, FAST).group("cluster").since("3.0.0")
                        .handler(REFUSE).build(),
                command("readwrite", 1).flags(LOADING, STALE, FAST).group("cluster").since("3.0.0")
                        .handler(REFUSE).build(),
                command("asking", 1).flags(FAST).group("cluster").since("3.0.0").handler(REFUSE).build());
    }

    private static void sub(CommandSpec.Builder container, String name, int arity, String since, CommandFlag... flags) {
        container.subcommand(command(name, arity).flags(flags).since(since).handler(REFUSE));
    }
}
