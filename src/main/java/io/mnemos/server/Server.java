package io.mnemos.server;

import io.mnemos.command.CommandDispatcher;
import io.mnemos.command.CommandTable;
import io.mnemos.command.Commands;
import io.mnemos.store.ActiveExpireCycle;
import io.mnemos.store.Clock;
import io.mnemos.store.Database;
import io.mnemos.store.Keyspace;
import io.mnemos.store.KeyspaceListener;
import io.mnemos.store.ValueType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The running server: configuration, keyspace, command table and the network. One Netty event
 * loop thread accepts connections, reads requests, runs every command and writes replies, so the
 * keyspace needs no locks, exactly as in Redis.
 */
public final class Server {
    private static final Logger log = LoggerFactory.getLogger(Server.class);
    public static final String REDIS_VERSION = "7.0.15";

    private final ServerConfig config;
    private final Keyspace keyspace;
    private final CommandDispatcher dispatcher;
    private final io.mnemos.acl.AclStore acl;
    private final ClientRegistry clients = new ClientRegistry();
    private final ClientEviction clientEviction = new ClientEviction(this);
    private final ClientsPeakMemory clientsPeakMemory = new ClientsPeakMemory();
    private final WatchedKeys watchedKeys;
    private final BlockedClients blockedClients;
    private final ServerStats stats = new ServerStats();
    private final SlowLog slowlog;
    private final ActiveExpireCycle activeExpire;
    private final PubSub pubsub = new PubSub(this);
    private final Tracking tracking;
    private final Monitors monitors = new Monitors();
    private final Notifier notifier;
    private final Map<String, Long> errorStats = new LinkedHashMap<>();
    private final long startMillis = System.currentTimeMillis();
    private final String runId = randomHex(40);
    private final StatsSampler sampler = new StatsSampler();
    private final LatencyMonitor latency;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final io.mnemos.scripting.Scripting scripting;
    private final MigrateSockets migrateSockets = new MigrateSockets();
    private final io.mnemos.replication.ReplicationMaster replication = new io.mnemos.replication.ReplicationMaster(this);
    /** The link to our master while this server is a replica (REPLICAOF). */
    private final io.mnemos.replication.MasterLink masterLink = new io.mnemos.replication.MasterLink(this);
    /** FAILOVER's state while this master hands over to a replica. */
    private final io.mnemos.replication.Failover failover = new io.mnemos.replication.Failover(this);
    private final ShutdownSequence shutdown = new ShutdownSequence(this);
    /** Where executed writes are propagated (the AOF listens); see io.mnemos.persistence. */
    private final io.mnemos.persistence.CommandPropagation propagation = new io.mnemos.persistence.CommandPropagation();
    private final io.mnemos.persistence.AppendOnlyFile aof;
    /**
     * clients_pending_write: connections whose replies go out in {@link #beforeSleep()}, at the end
     * of this event-loop iteration. Two lists swapped per iteration, so nothing is allocated.
     */
    private ArrayList<ClientHandler> pendingWrites = new ArrayList<>();
    private ArrayList<ClientHandler> writing = new ArrayList<>();
    private boolean beforeSleepScheduled;
    private final Runnable beforeSleepTask = this::beforeSleep;

    private EventLoopGroup group;
    private EventLoop keyspaceLoop;
    private final List<Channel> listeners = new ArrayList<>();
    /** The plain TCP listeners among {@link #listeners}: CONFIG SET port and bind replace them. */
    private List<Channel> tcpListeners = List.of();
    /** What binds listeners, kept for CONFIG SET port and bind. */
    private ServerBootstrap bootstrap;
    private int boundPort;
    /** The tls-port listener, null when tls-port is 0. */
    private TlsListener tlsListener;
    private volatile boolean stopping;
    private Runnable shutdownAction = () -> { };
    /** The metrics-port HTTP endpoint, when enabled. */
    private io.mnemos.metrics.MetricsServer metrics;
    private final io.mnemos.persistence.RdbPersistence persistence;

    public Server(ServerConfig config) {
        this(config, Clock.SYSTEM);
    }

    public Server(ServerConfig config, Clock clock) {
        this.config = config;
        this.notifier = new Notifier(config, pubsub);
        this.keyspace = new Keyspace(config.databases, clock,
                KeyspaceListener.both(notifier, transactionHooks()), config.eviction);
        this.watchedKeys = new WatchedKeys(keyspace);
        this.blockedClients = new BlockedClients(keyspace);
        this.tracking = new Tracking(clients, pubsub, config, this::scheduleBeforeSleep);
        this.dispatcher = new CommandDispatcher(this, new CommandTable(Commands.families()));
        // ACL works on the original command table (server.orig_commands), before rename-command.
        this.acl = io.mnemos.acl.AclConfig.createStore(config, dispatcher.table());
        this.scripting = new io.mnemos.scripting.Scripting(this);
        this.slowlog = new SlowLog(config);
        this.activeExpire = new ActiveExpireCycle(keyspace);
        this.latency = new LatencyMonitor(config);
        config.onChange("slowlog-max-len", slowlog::trimToMax);
        config.onChange("loglevel", () -> Logging.applyLevel(config.loglevel));
        config.onChange("maxmemory", this::maxmemoryChanged);
        config.listeners = this::relisten;
        keyspace.evictor().extraMemory(this::clientsMemory);
        sampler.startupMemory(usedMemory());
        this.persistence = new io.mnemos.persistence.RdbPersistence(this, config.rdb);
        this.aof = new io.mnemos.persistence.AppendOnlyFile(this);
    }

    public io.mnemos.persistence.CommandPropagation propagation() {
        return propagation;
    }

    public io.mnemos.persistence.AppendOnlyFile aof() {
        return aof;
    }

    /**
     * Replies are written as Redis writes them: every connection that was ready is read and its
     * commands run first, then beforeSleep writes the AOF (and with appendfsync always fsyncs it)
     * and only then the replies (handleClientsWithPendingWrites), one write per connection. So an
     * acknowledged write is always in the AOF first, and a benchmark client (or any client with
     * many connections) is woken once per burst of replies rather than once per connection. Returns
     * false when there is no event loop to defer to: write now.
     */
    boolean queueReplies(ClientHandler handler) {
        if (keyspaceLoop == null || stopping) {
            return false;
        }
        pendingWrites.add(handler);
        scheduleBeforeSleep();
        return true;
    }

    /**
     * The wall-clock time of this event-loop iteration, read at its first read: what a connection's
     * last interaction is stamped with (Redis stamps it with its cached server time), one clock
     * read per iteration rather than one per connection read. beforeSleep, which follows every
     * iteration with reads, clears it.
     */
    long iterationMillis() {
        if (iterationMillis == 0) {
            iterationMillis = System.currentTimeMillis();
        }
        return iterationMillis;
    }

    private long iterationMillis;

    /**
     * freeClient's bookkeeping: the client leaves every registry at once (the client list, client
     * eviction, its blocked wait, watches, tracking, MONITOR, its subscriptions) and loses its
     * unsent replies. Harmless a second time.
     */
    public void releaseClient(Client c) {
        clients.remove(c);
        clientEviction.remove(c);
        dispatcher.forget(c);
        pubsub.unsubscribeAll(c);
        c.reply().discard();
    }

    /** freeClient (CLIENT KILL): released now, and its connection closed without pending output. */
    public void freeClient(Client c) {
        releaseClient(c);
        c.closeAfterReply();
        if (c.channel() != null) {
            c.channel().close();
        }
    }

    /** Redis's unblocked_clients: the rest of a connection's requests, to run once its wait ended. */
    private final java.util.ArrayDeque<Runnable> unblocked = new java.util.ArrayDeque<>();

    /**
     * A connection's wait ended (its blocking command was answered, a pause is over): its held
     * requests run in this iteration's beforeSleep, before any reply is written, as Redis's
     * processUnblockedClients does. A chain of clients unblocking one another therefore completes
     * before the writes (a client killed along the way gets none of its replies).
     */
    public void resumeBeforeSleep(Runnable resume) {
        unblocked.add(resume);
        scheduleBeforeSleep();
    }

    private void processUnblockedClients() {
        Runnable resume;
        while ((resume = unblocked.poll()) != null) {
            resume.run();
        }
    }

    /**
     * Runs {@link #beforeSleep()} once the connections ready in this event-loop iteration are read
     * (or, for a write from a timer, once the current task is done).
     */
    public void scheduleBeforeSleep() {
        if (!beforeSleepScheduled && keyspaceLoop != null && !stopping) {
            beforeSleepScheduled = true;
            keyspaceLoop.execute(beforeSleepTask);
        }
    }

    /**
     * Redis's beforeSleep, in its order: the fast expire cycle, the AOF write, then the queued
     * replies. Netty runs tasks after the I/O events of an iteration, so this follows every read of
     * the iteration.
     */
    private void beforeSleep() {
        beforeSleepScheduled = false;
        iterationMillis = 0;
        try {
            processUnblockedClients();
            // activeExpireCycle: the dataset stays as it is while clients are paused; a replica
            // leaves expired keys to its master's DEL (Redis runs a master's cycle only).
            if (!scripting.busy() && !dispatcher.paused() && !isReplica()) {
                activeExpire.runFast();
            }
            // Keys the cycles and the cron deleted: group readers of a deleted stream are answered.
            dispatcher.handleBlockedClients();
            processUnblockedClients();
            // Keys modified under BCAST prefixes since the last iteration, as Redis's beforeSleep.
            tracking.broadcast();
        } finally {
            // Whatever went wrong above, queued connections are written: none waits forever.
            aof.flush();
            writeQueuedReplies();
            replication.replicasWritten();
            clientEviction.evict();
        }
    }

    private void writeQueuedReplies() {
        ArrayList<ClientHandler> batch = pendingWrites;
        pendingWrites = writing;
        writing = batch;
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).writeQueuedReplies();
            } catch (RuntimeException e) {
                log.warn("Writing a connection's replies failed", e);
            }
        }
        batch.clear();
    }

    /** RDB snapshots: SAVE, BGSAVE, save points, loading at startup. */
    public io.mnemos.persistence.RdbPersistence persistence() {
        return persistence;
    }

    /**
     * hasActiveChildProcess: a BGSAVE or an AOF rewrite is writing a snapshot. They share the
     * keyspace's access hook, so one waits (or is scheduled) while the other runs.
     */
    public boolean backgroundJobActive() {
        return persistence.bgsaveInProgress() || aof.rewriteInProgress();
    }

    /** True once {@link #start} has set up the event loop. */
    public boolean started() {
        return keyspaceLoop != null;
    }

    /** Redis's per-client estimate for used_memory: the client object and its buffers. */
    public static final long CLIENT_MEMORY = 16 * 1024;

    /** mem_clients_normal: an estimate of the connections' buffers and state. */
    public long clientsMemory() {
        return clients.size() * CLIENT_MEMORY;
    }

    /** used_memory: the data's accounting plus the clients' estimate. */
    public long usedMemory() {
        return keyspace.evictor().usedMemory();
    }

    /** updateMaxmemory: warn when the new limit is below current usage, and evict right away. */
    private void maxmemoryChanged() {
        if (config.eviction.limited()) {
            long used = usedMemory();
            if (config.eviction.effectiveLimit() < used) {
                log.warn("WARNING: the new maxmemory value set via CONFIG SET ({}) is smaller than the current memory "
                        + "usage ({}). This will result in key eviction and/or the inability to accept new write "
                        + "commands depending on the maxmemory-policy.", config.eviction.maxmemory, used);
            }
            dispatcher.performEvictions();
        }
    }

    /**
     * What the keyspace itself changes that WATCH and blocked clients care about: expired keys,
     * flushed and swapped databases (Redis's signalModifiedKey, touchAllWatchedKeysInDb and
     * scanDatabaseForReadyKeys in those paths), and the two changes that make a key ready for its
     * blocked clients wherever they happen, as in Redis: a key created (dbAdd's signalKeyAsReady)
     * and a stream removed. A write to an existing key readies nothing (XADD and XGROUP DESTROY
     * signal their stream themselves), so keys become ready in Redis's order.
     */
    private KeyspaceListener transactionHooks() {
        return new KeyspaceListener() {
            @Override
            public void expired(Database db, byte[] key) {
                removedByServer(db, key);
            }

            @Override
            public void evicted(Database db, byte[] key) {
                removedByServer(db, key);
            }

            /** A key expired or evicted: dbGenericDelete's signals (a stream's in {@link #streamRemoved}). */
            private void removedByServer(Database db, byte[] key) {
                watchedKeys.touch(db, key);
                if (tracking.any()) {
                    tracking.invalidateKey(null, key, true);
                }
                propagation.deleted(db, key);
            }

            @Override
            public void added(Database db, byte[] key) {
                if (blockedClients.any()) {
                    blockedClients.signalKeyAsReady(db, key, db.peek(key).type());
                }
            }

            @Override
            public void streamRemoved(Database db, byte[] key) {
                blockedClients.signalKeyAsReady(db, key, ValueType.STREAM);
            }

            @Override
            public void flushing(Database db) {
                watchedKeys.touchDb(db, null);
                blockedClients.signalFlushing(db);
            }

            @Override
            public void swapping(Database a, Database b) {
                watchedKeys.touchDb(a, b);
                watchedKeys.touchDb(b, a);
                blockedClients.signalSwapping(a, b);
            }
        };
    }

    /** EVAL's script cache and FUNCTION's libraries, and the script running now. */
    public io.mnemos.scripting.Scripting scripting() {
        return scripting;
    }

    /** Client side caching: the tracking table and BCAST prefixes. */
    public Tracking tracking() {
        return tracking;
    }

    public MigrateSockets migrateSockets() {
        return migrateSockets;
    }

    /** SHUTDOWN and SIGTERM/SIGINT: the wait for replicas, the final save, the exit. */
    public ShutdownSequence shutdown() {
        return shutdown;
    }

    public io.mnemos.replication.ReplicationMaster replication() {
        return replication;
    }

    public io.mnemos.replication.MasterLink masterLink() {
        return masterLink;
    }

    public io.mnemos.replication.Failover failover() {
        return failover;
    }

    /** server.masterhost != NULL: this server follows a master (REPLICAOF host port). */
    public boolean isReplica() {
        return config.masterHost != null;
    }

    /** The keyspace event loop, for connections the server makes itself (the master link). */
    public EventLoop eventLoop() {
        return keyspaceLoop;
    }

    /** INFO's connected_clients: replicas are not counted, as Redis lists them apart. */
    public int connectedClients() {
        return clients.size() - replication.replicas().size();
    }

    /** WATCHed keys of all clients. */
    public WatchedKeys watchedKeys() {
        return watchedKeys;
    }

    /** Clients blocked in BLPOP and the like. */
    public BlockedClients blockedClients() {
        return blockedClients;
    }

    public ServerConfig config() {
        return config;
    }

    public Keyspace keyspace() {
        return keyspace;
    }

    /**
     * Redis's emptyData: empties every database and, as signalFlushedDb does, tells every tracking
     * client that all its keys are invalid. Keyspace thread only.
     *
     * @param withFunctions drop the function libraries too (what reloading a file needs; FLUSHALL
     *                      passes EMPTYDB_NOFUNCTIONS and keeps them)
     */
    public void emptyData(boolean withFunctions) {
        keyspace.flushAll();
        tracking.invalidateOnFlush();
        if (withFunctions) {
            scripting.functions().flush();
        }
    }

    /** ACL users, the ACL log and the permission check. */
    public io.mnemos.acl.AclStore acl() {
        return acl;
    }

    public CommandDispatcher dispatcher() {
        return dispatcher;
    }

    public CommandTable commandTable() {
        return dispatcher.table();
    }

    /** Pub/Sub channels, patterns and their subscribers. */
    /** Clients in MONITOR mode. */
    public Monitors monitors() {
        return monitors;
    }

    public PubSub pubsub() {
        return pubsub;
    }

    /** Keyspace notifications: {@code notifier().notify(Notifier.GENERIC, "del", key, dbId)}. */
    public Notifier notifier() {
        return notifier;
    }

    /** clientsCron's per-client work: reply buffers resized, then the memory peaks tracked. */
    private void clientsCron(long nowMillis) {
        for (Client c : clients.all()) {
            c.resizeQueryBuffer();
            int resized = c.resizeReplyBuffer(nowMillis);
            if (resized < 0) {
                stats.replyBufferShrinks++;
            } else if (resized > 0) {
                stats.replyBufferExpands++;
            }
        }
        clientsPeakMemory.track(clients.all(), nowMillis / 1000);
    }

    /** INFO client_recent_max_input_buffer: the biggest query buffer of the last 8 seconds. */
    public long recentMaxInputBuffer() {
        return clientsPeakMemory.recentMaxInput();
    }

    /** INFO client_recent_max_output_buffer: the biggest reply backlog of the last 8 seconds. */
    public long recentMaxOutputBuffer() {
        return clientsPeakMemory.recentMaxOutput();
    }

    /** evictClients: the largest clients go while together they hold maxmemory-clients or more. */
    public void evictClients() {
        clientEviction.evict();
    }

    /** maxmemory-clients: connections report their clients' memory after reads and writes. */
    ClientEviction clientEviction() {
        return clientEviction;
    }

    public ClientRegistry clients() {
        return clients;
    }

    public ServerStats stats() {
        return stats;
    }

    public SlowLog slowlog() {
        return slowlog;
    }

    public ActiveExpireCycle activeExpire() {
        return activeExpire;
    }

    public long startMillis() {
        return startMillis;
    }

    public String runId() {
        return runId;
    }

    /** master_replid: the replication history this server's data belongs to. */
    public String masterReplId() {
        return replication.replid();
    }

    /** Instantaneous ops/sec and kbps samples and the memory peak, for INFO. */
    public StatsSampler sampler() {
        return sampler;
    }

    /** LATENCY's event samples (latency-monitor-threshold). */
    public LatencyMonitor latency() {
        return latency;
    }

    public int port() {
        return boundPort;
    }

    /** The bound tls-port, 0 when TLS is off. */
    public int tlsPort() {
        return tlsListener == null ? 0 : tlsListener.port();
    }

    /** The metrics endpoint's bound port, 0 when metrics are off. */
    public int metricsPort() {
        return metrics == null ? 0 : metrics.port();
    }

    public boolean epoll() {
        return Epoll.isAvailable();
    }

    public long lastSaveSeconds() {
        return persistence.lastSaveSeconds();
    }

    /** Errors replied, by their code (the first word), for INFO errorstats. */
    public Map<String, Long> errorStats() {
        return errorStats;
    }

    public void recordError(String message) {
        stats.totalErrorReplies++;
        // afterErrorReply: the code is the first word if a space comes within 32 bytes of the "-",
        // else ERR ("-My" and a one-word error count as ERR).
        int space = message.indexOf(' ');
        String code = space < 0 || space >= 31 ? "ERR" : message.substring(0, space);
        errorStats.merge(code, 1L, Long::sum);
    }

    /** What SHUTDOWN does after the server has stopped (the launcher exits the JVM). */
    public void onShutdown(Runnable action) {
        this.shutdownAction = action;
    }

    /** Binds the configured addresses and starts serving; returns once listening. */
    public Server start() throws InterruptedException {
        limitMaxclientsToOpenFiles();
        // ACLLoadUsersAtStartup: users from the config file or the ACL file (not both).
        io.mnemos.acl.AclConfig.loadUsersAtStartup(config, acl);
        // Load the append-only file (when appendonly is yes) before accepting any command.
        aof.startup();
        long heap = Runtime.getRuntime().maxMemory();
        if (config.eviction.maxmemory == 0) {
            log.info("maxmemory is 0: data is limited to {} bytes derived from the {} byte max heap (OOM errors, "
                    + "or eviction by maxmemory-policy, beyond it)", config.eviction.defaultCeiling, heap);
        } else if (config.eviction.effectiveLimit() > heap / 10 * 9) {
            log.warn("WARNING: maxmemory ({}) is close to or above the JVM's max heap ({}); raise -Xmx or lower "
                    + "maxmemory, or the JVM may run out of heap before maxmemory is reached",
                    Long.toUnsignedString(config.eviction.maxmemory), heap);
        }
        boolean useEpoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(1, new KeyspaceThreadFactory(),
                useEpoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        keyspaceLoop = group.next();
        Class<? extends ServerChannel> channelType = useEpoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bootstrap = new ServerBootstrap()
                .group(keyspaceLoop)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, config.tcpBacklog)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // EOF is an event, not a close: replies to the last requests go out first (ClientHandler).
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // Netty 4.2's default adaptive allocator costs ~15% more CPU per request here than
                // the pooled one (bench/compare.sh, redis-benchmark -P 16 GET/INCR).
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new SharedReadBuffer())
                .childOption(ChannelOption.SO_KEEPALIVE, config.tcpKeepAliveSeconds > 0)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ClientHandler(Server.this));
                    }
                });
        if (useEpoll && config.tcpKeepAliveSeconds > 0) {
            int idle = (int) config.tcpKeepAliveSeconds;
            bootstrap.childOption(EpollChannelOption.TCP_KEEPIDLE, idle)
                    .childOption(EpollChannelOption.TCP_KEEPINTVL, Math.max(1, idle / 3))
                    .childOption(EpollChannelOption.TCP_KEEPCNT, 3);
        }
        try {
            tcpListeners = bindAll(config.bind, config.port);
        } catch (IllegalStateException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
        listeners.addAll(tcpListeners);
        int port = ((InetSocketAddress) tcpListeners.get(0).localAddress()).getPort();
        boundPort = port;
        try {
            if (config.tls.port != 0) {
                tlsListener = new TlsListener(this);
                listeners.addAll(tlsListener.start(bootstrap));
            } else if (config.tls.replication || config.tls.cluster) {
                config.tls.configure(); // the master link's context
            }
        } catch (TlsConfig.TlsException e) {
            log.warn("{}", e.getMessage());
            for (Channel ch : listeners) {
                ch.close();
            }
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("Failed to configure TLS. Check logs for more info.", e);
        }
        config.tls.started();
        config.running = true;
        if (config.port == 0) {
            // An ephemeral port: CONFIG GET port and INFO report the one actually bound.
            config.port = port;
        }
        if (config.metricsPort > 0) {
            try {
                metrics = io.mnemos.metrics.MetricsServer.start(this,
                        io.mnemos.metrics.MetricsServer.hostFor(config.bind), config.metricsPort);
            } catch (java.io.IOException e) {
                listeners.forEach(Channel::close);
                group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                throw new IllegalStateException("Could not bind metrics port " + config.metricsPort + ": " + e.getMessage(), e);
            }
        }
        scheduleCron();
        // loadDataFromDisk: the AOF (loaded above) when appendonly is yes, the RDB dump otherwise.
        if (!config.aof.appendonly) {
            persistence.loadOnStartup();
        }
        log.info("Server initialized ({} transport)", useEpoll ? "epoll" : "nio");
        log.info("Ready to accept connections tcp on port {}", boundPort);
        // replicaof in the configuration: connect once serving, as Redis's first replicationCron.
        keyspaceLoop.execute(masterLink::startup);
        return this;
    }

    /**
     * A listener on every address of {@code bind} at {@code port} (0 at startup: one ephemeral port
     * for all). An address marked optional ({@code -::1}) that cannot be bound is skipped; any other
     * failure closes what was bound and throws.
     */
    private List<Channel> bindAll(String bind, int port) {
        List<Channel> bound = new ArrayList<>();
        for (BindAddress address : BindAddress.parse(bind)) {
            String host = address.host();
            try {
                Channel ch = bindNow(new InetSocketAddress(host, port));
                bound.add(ch);
                port = ((InetSocketAddress) ch.localAddress()).getPort();
            } catch (Exception e) {
                if (address.optional()) {
                    log.debug("Skipping optional bind address {}: {}", host, e.toString());
                    continue;
                }
                String reason = String.valueOf(e.getMessage());
                log.warn("Warning: Could not create server TCP listening socket {}:{}: bind: {}", host, port,
                        reason.substring(reason.lastIndexOf(": ") + 1).strip());
                bound.forEach(Channel::close);
                throw new IllegalStateException("Could not bind " + host + ":" + port + ": " + e.getMessage(), e);
            }
        }
        if (bound.isEmpty()) {
            throw new IllegalStateException("Failed listening on port " + port + ", no address could be bound");
        }
        return bound;
    }

    /**
     * Binds one listener and waits for the outcome. On the keyspace thread (CONFIG SET) waiting on a
     * future would deadlock, but there registering and binding a channel of this very loop complete
     * inline, as Redis's listenToPort does.
     */
    private Channel bindNow(InetSocketAddress address) throws Exception {
        if (!keyspaceLoop.inEventLoop()) {
            return bootstrap.bind(address).sync().channel();
        }
        Channel ch = bootstrap.register().channel();
        ChannelFuture bound = ch.bind(address);
        if (!bound.isDone() || !bound.isSuccess()) {
            ch.close();
            Throwable cause = bound.cause();
            throw cause instanceof Exception e ? e : new java.io.IOException("bind of " + address + " did not complete");
        }
        return ch;
    }

    /**
     * changeListenPort / changeBindAddr (CONFIG SET port, bind): the new listeners are bound before
     * the old ones close, so on a failure the server goes on listening where it did. Connected
     * clients are not affected.
     */
    void relisten(String bind, int port, String failure) throws ConfigException {
        if (bootstrap == null || !keyspaceLoop.inEventLoop()) {
            return;
        }
        List<Channel> bound;
        if (port == 0) {
            // Redis's port 0: no TCP listener at all (TLS or nothing).
            bound = List.of();
        } else {
            try {
                bound = bindAll(bind, port);
            } catch (IllegalStateException e) {
                throw new ConfigException(failure);
            }
        }
        for (Channel old : tcpListeners) {
            old.close();
            listeners.remove(old);
        }
        tcpListeners = bound;
        listeners.addAll(bound);
        boundPort = port;
    }

    /** Runs a task on the keyspace thread. */
    public void execute(Runnable task) {
        keyspaceLoop.execute(task);
    }

    /**
     * Runs a task on the keyspace thread after the current work, or never when the server is not
     * started (tests drive the keyspace directly).
     */
    public void executeLater(Runnable task) {
        if (keyspaceLoop != null && !stopping) {
            keyspaceLoop.execute(task);
        }
    }

    /**
     * Runs a task on the keyspace thread at its next turn, after the pending network reads (a
     * zero-delay scheduled task: Netty picks those up once per loop iteration, so a task that keeps
     * rescheduling itself lets clients be served in between). Never when not started or stopping.
     */
    public void executeAfterIo(Runnable task) {
        executeAfterIo(task, 0);
    }

    /** {@link #executeAfterIo(Runnable)} after at least {@code delayMicros}. Call it on the keyspace thread. */
    public void executeAfterIo(Runnable task, long delayMicros) {
        if (keyspaceLoop != null && !stopping) {
            keyspaceLoop.schedule(task, delayMicros, TimeUnit.MICROSECONDS);
        }
    }

    private void scheduleCron() {
        keyspaceLoop.schedule(() -> {
            if (stopping) {
                return;
            }
            try {
                cron();
            } catch (RuntimeException e) {
                log.warn("Server cron failed", e);
            }
            scheduleCron();
        }, Math.max(1, 1000 / config.hz), TimeUnit.MILLISECONDS);
    }

    /** Redis's serverCron: active expiry and idle-client timeouts, {@code hz} times a second. */
    void cron() {
        if (scripting.busy()) {
            return; // like Redis, no time events while a script is past busy-reply-threshold
        }
        if (!dispatcher.paused() && !isReplica()) {
            long cycleStart = System.nanoTime();
            activeExpire.runSlow(config.hz);
            latency.addSampleIfNeeded("expire-cycle", (System.nanoTime() - cycleStart) / 1_000_000);
        } else if (isReplica() && activeExpire.enabled()) {
            // databasesCron: a replica expires only the keys its own clients gave a TTL.
            keyspace.replicaKeysWithExpire().expire(keyspace, keyspace.clock()::millis);
        }
        sampler.cronTick(stats, System.currentTimeMillis());
        sampler.notePeak(usedMemory());
        dispatcher.evictBetweenCommands();
        dispatcher.handleBlockedClients(); // keys the cycle expired or eviction removed
        aof.cron();
        persistence.cron();
        migrateSockets.closeIdle(System.currentTimeMillis());
        clientsCron(System.currentTimeMillis());
        clientEviction.refreshAll();
        clientEviction.evict();
        replication.cron(System.currentTimeMillis());
        masterLink.cron(System.currentTimeMillis());
        shutdown.cron(System.currentTimeMillis());
        // Also when idle, so that a lowered tracking-table-max-keys applies without a next command.
        if (tracking.clientCount() > 0) {
            tracking.limitUsedSlots();
        }
        if (config.timeoutSeconds > 0) {
            long now = System.currentTimeMillis();
            for (Client c : List.copyOf(clients.all())) {
                // clientsCronHandleTimeout: monitors, blocked and Pub/Sub clients never time out.
                if (now - c.lastInteraction() > config.timeoutSeconds * 1000 && c.channel() != null
                        && !monitors.contains(c) && !c.blocked() && !pubsub.subscribed(c)
                        && !replication.isReplica(c) && !c.master()) {
                    log.debug("Closing idle client");
                    c.channel().close();
                }
            }
        }
    }

    /**
     * Stops serving: closes listeners and clients and ends the event loop. Safe to call from any
     * thread and more than once.
     */
    public void stop() {
        if (stopping) {
            terminated.join();
            return;
        }
        stopping = true;
        if (metrics != null) {
            metrics.close();
        }
        if (keyspaceLoop != null && !keyspaceLoop.inEventLoop()) {
            keyspaceLoop.submit(() -> {
                persistence.abortBgsave();
                aof.abortRewrite();
            }).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        for (Channel ch : listeners) {
            ch.close().syncUninterruptibly();
        }
        if (keyspaceLoop != null && !keyspaceLoop.inEventLoop()) {
            // Close client connections on the keyspace thread, which owns the client registry.
            keyspaceLoop.submit(() -> {
                for (Client c : List.copyOf(clients.all())) {
                    if (c.channel() != null) {
                        c.channel().close();
                    }
                }
                migrateSockets.closeIdle(Long.MAX_VALUE);
            }).awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        aof.shutdown();
        log.info("Mnemos is now ready to exit, bye bye...");
        terminated.complete(null);
    }

    /** adjustOpenFilesLimit at startup: maxclients is lowered to what the open-files limit allows. */
    private void limitMaxclientsToOpenFiles() {
        long possible = OpenFilesLimit.maxClients();
        if (config.maxclients > possible) {
            log.warn("You requested maxclients of {} requiring at least {} max file descriptors.", config.maxclients,
                    config.maxclients + OpenFilesLimit.RESERVED);
            log.warn("Current maximum open files is {}. maxclients has been reduced to {} to compensate for low "
                    + "ulimit. If you need higher maxclients increase 'ulimit -n'.", possible + OpenFilesLimit.RESERVED,
                    possible);
            config.maxclients = possible;
        }
    }

    /** The end of a shutdown: stop the server without blocking the keyspace thread, then run the shutdown action. */
    void exitAfterStop() {
        Thread stopper = new Thread(() -> {
            stop();
            shutdownAction.run();
        }, "mnemos-shutdown");
        stopper.start();
    }

    public void awaitTermination() {
        terminated.join();
    }

    public boolean stopping() {
        return stopping;
    }

    /** getRandomHexChars: run IDs, replication IDs, a diskless transfer's EOF mark. */
    public static String randomHex(int length) {
        StringBuilder sb = new StringBuilder(length);
        java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < length; i++) {
            sb.append(Character.forDigit(rnd.nextInt(16), 16));
        }
        return sb.toString();
    }
}
