package io.mnemos.replication;

import io.mnemos.server.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FAILOVER on a master (Redis 7.0's failoverCommand, updateFailoverStatus and abortFailover): writes
 * are paused, and once a replica (the one named with TO, or any) acknowledged the whole stream, this
 * server becomes its replica with {@code PSYNC <replid> <offset> FAILOVER}, which promotes it. Its
 * +CONTINUE (or +FULLRESYNC) ends the failover and the pause; a refusal, or a TIMEOUT without FORCE,
 * aborts it: this server is a master again. Keyspace thread only.
 */
public final class Failover {
    private static final Logger log = LoggerFactory.getLogger(Failover.class);

    /** server.failover_state, as INFO's master_failover_state names it. */
    enum State {
        NONE("no-failover"), WAIT_FOR_SYNC("waiting-for-sync"), IN_PROGRESS("failover-in-progress");

        final String info;

        State(String info) {
            this.info = info;
        }
    }

    private final Server server;
    private State state = State.NONE;
    private String targetHost;
    private int targetPort;
    /** failover_end_time: when the wait for the replica ends (0: no TIMEOUT). */
    private long endMillis;
    private boolean force;

    public Failover(Server server) {
        this.server = server;
    }

    /** INFO replication's master_failover_state. */
    public String stateName() {
        return state.info;
    }

    public boolean active() {
        return state != State.NONE;
    }

    /** The PSYNC of a master handing over to its replica carries FAILOVER. */
    boolean inProgress() {
        return state == State.IN_PROGRESS;
    }

    /**
     * failoverCommand once parsed: the error text Redis answers, or null when the failover started
     * ({@code host} null: to any replica; {@code timeoutMillis} 0: no timeout).
     */
    public String start(String host, int port, long timeoutMillis, boolean force) {
        if (active()) {
            return "FAILOVER already in progress.";
        }
        if (server.isReplica()) {
            return "FAILOVER is not valid when server is a replica.";
        }
        ReplicationMaster master = server.replication();
        if (master.replicas().isEmpty()) {
            return "FAILOVER requires connected replicas.";
        }
        if (force && (timeoutMillis == 0 || host == null)) {
            return "FAILOVER with force option requires both a timeout and target HOST and IP.";
        }
        if (host != null) {
            ReplicationMaster.Replica replica = master.find(host, port);
            if (replica == null) {
                return "FAILOVER target HOST and PORT is not a replica.";
            }
            if (replica.state != ReplicationMaster.State.ONLINE) {
                return "FAILOVER target replica is not online.";
            }
            targetHost = host;
            targetPort = port;
            log.info("FAILOVER requested to {}:{}.", host, port);
        } else {
            log.info("FAILOVER requested to any replica.");
        }
        endMillis = timeoutMillis == 0 ? 0 : System.currentTimeMillis() + timeoutMillis;
        this.force = force;
        state = State.WAIT_FOR_SYNC;
        server.dispatcher().pauseWrites(io.mnemos.command.CommandDispatcher.WritePause.FAILOVER, true);
        return null;
    }

    /** FAILOVER ABORT: the error text, or null once aborted. */
    public String abortByRequest() {
        if (!active()) {
            return "No failover in progress.";
        }
        abort("Failover manually aborted");
        return null;
    }

    /**
     * updateFailoverStatus, from the cron and on each acknowledgement: the timeout, then a replica
     * whose acknowledged offset is ours becomes the target, and this server its replica.
     */
    void update(long now) {
        if (state != State.WAIT_FOR_SYNC) {
            return;
        }
        if (endMillis != 0 && endMillis <= now) {
            if (force) {
                log.info("FAILOVER to {}:{} time out exceeded, failing over.", targetHost, targetPort);
                handOver();
            } else {
                abort("Replica never caught up before timeout");
            }
            return;
        }
        ReplicationMaster master = server.replication();
        ReplicationMaster.Replica replica = targetHost != null ? master.find(targetHost, targetPort)
                : master.caughtUp();
        if (replica == null || replica.ackOffset != master.offset()) {
            return;
        }
        if (targetHost == null) {
            targetHost = replica.client.peerIp();
            targetPort = Integer.parseInt(replica.client.listeningPort());
        }
        log.info("Failover target {}:{} is synced, failing over.", targetHost, targetPort);
        handOver();
    }

    private void handOver() {
        state = State.IN_PROGRESS;
        server.masterLink().follow(targetHost, targetPort);
    }

    /** The target answered our PSYNC ... FAILOVER: accepted (it is the master now) or refused. */
    void psyncAnswered(boolean accepted) {
        if (state != State.IN_PROGRESS) {
            return;
        }
        if (accepted) {
            clear();
        } else {
            abort("Failover target rejected psync request");
        }
    }

    /** abortFailover: a failover already handed over makes this server a master again. */
    private void abort(String why) {
        if (targetHost != null) {
            log.info("FAILOVER to {}:{} aborted: {}", targetHost, targetPort, why);
        } else {
            log.info("FAILOVER to any replica aborted: {}", why);
        }
        boolean handedOver = state == State.IN_PROGRESS;
        clear();
        if (handedOver) {
            server.masterLink().unfollow();
        }
    }

    /** clearFailoverState: writes go on. */
    private void clear() {
        state = State.NONE;
        targetHost = null;
        targetPort = 0;
        endMillis = 0;
        force = false;
        server.dispatcher().pauseWrites(io.mnemos.command.CommandDispatcher.WritePause.FAILOVER, false);
    }
}
