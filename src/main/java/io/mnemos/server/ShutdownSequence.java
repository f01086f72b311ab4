package io.mnemos.server;

import io.mnemos.replication.ReplicationMaster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Redis 7's shutdown sequence (prepareForShutdown, finishShutdown, abortShutdown): before the final
 * save and exit, replicas that have not acknowledged the whole replication stream get up to
 * {@code shutdown-timeout} seconds to catch up, so a shutdown loses no acknowledged write on them.
 * Meanwhile writes are paused, the replicas are asked for an acknowledgement, the SHUTDOWN callers
 * wait (blocked), {@code SHUTDOWN ABORT} cancels, and INFO shows {@code shutdown_in_milliseconds}.
 * SHUTDOWN and SIGTERM/SIGINT both come through here. Runs on the keyspace thread.
 */
public final class ShutdownSequence {
    private static final Logger log = LoggerFactory.getLogger(ShutdownSequence.class);

    /** SHUTDOWN's flags, or those shutdown-on-sigterm / shutdown-on-sigint give a signal. */
    public record Flags(boolean save, boolean nosave, boolean now, boolean force) {
        public static Flags of(List<String> words) {
            return new Flags(words.contains("save"), words.contains("nosave"), words.contains("now"),
                    words.contains("force"));
        }
    }

    private static final String FAILED = "ERR Errors trying to SHUTDOWN. Check logs.";

    private final Server server;
    /** When the wait for replicas ends (Redis's shutdown_mstime); 0 while no shutdown is initiated. */
    private long deadlineMillis;
    private Flags flags;
    /** The server is stopping: nothing more to do. */
    private boolean finished;
    /** SHUTDOWN callers waiting for the sequence: answered only if it is cancelled. */
    private final List<Client> callers = new ArrayList<>();

    ShutdownSequence(Server server) {
        this.server = server;
    }

    public boolean initiated() {
        return deadlineMillis != 0;
    }

    /** INFO's shutdown_in_milliseconds: what is left of the wait for replicas. */
    public long remainingMillis() {
        return deadlineMillis - System.currentTimeMillis();
    }

    /**
     * SHUTDOWN without ABORT. The caller is blocked: it gets no reply if the server exits, and an
     * error if the shutdown is cancelled (a failed save, SHUTDOWN ABORT).
     */
    public void requestedBy(Client caller, Flags flags) {
        server.blockedClients().block(caller, List.of(), null, 0);
        callers.add(caller);
        prepare(flags);
    }

    /** SIGTERM / SIGINT: the same sequence with the signal's configured flags. */
    public void requestedBySignal(Flags flags) {
        if (!initiated()) {
            prepare(flags);
        }
    }

    /** prepareForShutdown: wait for lagging replicas, or finish at once. */
    private void prepare(Flags requested) {
        if (initiated() || finished) {
            return;
        }
        // Loading: no save, it would overwrite the dump with half of it.
        flags = server.persistence().loading()
                ? new Flags(false, true, requested.now(), requested.force()) : requested;
        log.warn("User requested shutdown...");
        long timeout = Long.parseLong(server.config().option("shutdown-timeout").get());
        if (!flags.now() && timeout != 0 && !replicasInSync()) {
            deadlineMillis = System.currentTimeMillis() + timeout * 1000;
            if (!server.dispatcher().paused()) {
                server.replication().requestAcks();
            }
            server.dispatcher().pauseWrites(io.mnemos.command.CommandDispatcher.WritePause.SHUTDOWN, true);
            log.info("Waiting for replicas before shutting down.");
            return;
        }
        finish();
    }

    /** serverCron's part: finish once every replica caught up or the time is up. */
    void cron(long now) {
        if (initiated() && !finished && (now >= deadlineMillis || replicasInSync())) {
            finish();
        }
    }

    /** SHUTDOWN ABORT: false when no shutdown is in progress. */
    public boolean abort() {
        if (!initiated()) {
            return false;
        }
        cancel();
        log.info("Shutdown manually aborted.");
        return true;
    }

    /** isReadyToShutdown: every replica acknowledged the whole stream. */
    private boolean replicasInSync() {
        return laggingReplicas().isEmpty();
    }

    /** The replicas that have not acknowledged the whole replication stream. */
    private List<ReplicationMaster.ReplicaInfo> laggingReplicas() {
        long offset = server.replication().offset();
        return server.replication().describe().stream().filter(r -> r.offset() != offset).toList();
    }

    /** finishShutdown: report lagging replicas, save as the flags say, then stop the server. */
    private void finish() {
        long offset = server.replication().offset();
        List<ReplicationMaster.ReplicaInfo> replicas = server.replication().describe();
        List<ReplicationMaster.ReplicaInfo> lagging = laggingReplicas();
        for (ReplicationMaster.ReplicaInfo r : lagging) {
            log.warn("Lagging replica {}:{} reported offset {} behind master, lag={}, state={}.", r.ip(),
                    r.port(), offset - r.offset(), r.state().equals("online") ? r.lagSeconds() : 0, r.state());
        }
        if (!replicas.isEmpty()) {
            log.info("{} of {} replicas are in sync when shutting down.", replicas.size() - lagging.size(),
                    replicas.size());
        }
        if (!server.persistence().saveForShutdown(flags.save(), flags.nosave(), flags.force())) {
            log.warn("Errors trying to shut down the server. Check the logs for more information.");
            cancel();
            return;
        }
        finished = true;
        server.exitAfterStop();
    }

    /** cancelShutdown: the waiting callers get an error, writes resume. */
    private void cancel() {
        deadlineMillis = 0;
        flags = null;
        for (Client caller : callers) {
            server.blockedClients().unblock(caller, (c, b) -> server.dispatcher().answerBlocked(c, b, () -> {
                server.recordError(FAILED);
                c.reply().error(FAILED);
            }));
        }
        callers.clear();
        server.dispatcher().pauseWrites(io.mnemos.command.CommandDispatcher.WritePause.SHUTDOWN, false);
    }
}
