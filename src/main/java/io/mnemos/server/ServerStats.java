package io.mnemos.server;

/** Server-wide counters for INFO stats; written only by the keyspace thread. */
public final class ServerStats {
    public long totalConnectionsReceived;
    public long totalCommandsProcessed;
    public long rejectedConnections;
    /** Bytes read from and written to clients, the replication link's aside. */
    public long netInputBytes;
    public long netOutputBytes;
    /** What a replica read from its master, what a master wrote to its replicas (from the RDB on). */
    public long netReplInputBytes;
    public long netReplOutputBytes;
    public long totalErrorReplies;
    public long unexpectedErrorReplies;
    /** Socket reads and reply writes (flushes), INFO's total_reads/writes_processed. */
    public long totalReadsProcessed;
    public long totalWritesProcessed;
    /** Clients closed for their client-output-buffer-limit (not in Redis 7.0's INFO; logged). */
    public long clientOutputBufferLimitDisconnections;
    /** Clients closed by client eviction (maxmemory-clients), INFO's evicted_clients. */
    public long evictedClients;
    /** Reply buffers the cron shrank or grew, INFO's reply_buffer_shrinks/expands. */
    public long replyBufferShrinks;
    public long replyBufferExpands;

    /** INFO's total_net_input_bytes: replication traffic included. */
    public long totalNetInputBytes() {
        return netInputBytes + netReplInputBytes;
    }

    public long totalNetOutputBytes() {
        return netOutputBytes + netReplOutputBytes;
    }

    public void reset() {
        totalConnectionsReceived = 0;
        totalCommandsProcessed = 0;
        rejectedConnections = 0;
        netInputBytes = 0;
        netOutputBytes = 0;
        netReplInputBytes = 0;
        netReplOutputBytes = 0;
        totalErrorReplies = 0;
        unexpectedErrorReplies = 0;
        totalReadsProcessed = 0;
        totalWritesProcessed = 0;
        clientOutputBufferLimitDisconnections = 0;
        evictedClients = 0;
        replyBufferShrinks = 0;
        replyBufferExpands = 0;
    }
}
