package io.mnemos.server;

import io.mnemos.command.ClientCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Redis 7.0's client eviction ({@code evictClients}, {@code getClientEvictionLimit} and the client
 * memory accounting of networking.c): while the normal and Pub/Sub clients together use at least
 * maxmemory-clients, the largest evictable ones are closed, each logged with its CLIENT LIST line
 * and counted in INFO's evicted_clients. Replicas and the master link do not count; CLIENT NO-EVICT
 * clients count but are never evicted, and when only they are left over the limit Redis's warning
 * is logged.
 *
 * <p>As Redis keeps per-type totals, a running total is kept: a connection updates its client's
 * figure after each read and each write, the cron refreshes every client (Redis's clientsCron), and
 * the end of each event-loop iteration compares the total with the limit, so a set limit costs no
 * walk over the clients until it is reached. A client's figure is its CLIENT LIST tot-mem: a
 * request still arriving and replies the socket did not take included. Nothing is tracked while
 * maxmemory-clients is 0, its default.
 */
final class ClientEviction {
    private static final Logger log = LoggerFactory.getLogger(ClientEviction.class);
    /** A smaller maxmemory-clients would leave no room to talk to the server at all. */
    static final long MIN_LIMIT = 128 * 1024;

    private final Server server;
    /** The sum of the normal and Pub/Sub clients' last figures. */
    private long total;

    ClientEviction(Server server) {
        this.server = server;
    }

    /** getClientEvictionLimit: bytes, 0 when client eviction is off. */
    static long limit(ServerConfig config) {
        long setting = config.maxmemoryClients;
        long bytes;
        if (setting < 0 && config.eviction.limited()) {
            long max = config.eviction.maxmemory;
            // (double) of an unsigned long long.
            bytes = (long) ((max < 0 ? 0x1p64 + max : max) * -setting / 100);
        } else if (setting > 0) {
            bytes = setting;
        } else {
            return 0;
        }
        return Math.max(bytes, MIN_LIMIT);
    }

    /** updateClientMemUsage: the client's figure after it read or was written to. */
    void update(Client c) {
        if (server.config().maxmemoryClients != 0) {
            account(c);
            c.evictionTracked(true);
        }
    }

    /** The client is gone: its figure leaves the total. */
    void remove(Client c) {
        total -= c.evictionMemory();
        c.evictionMemory(0);
    }

    /** clientsCron: every client's figure anew (idle query buffers go, Pub/Sub output grows). */
    void refreshAll() {
        if (server.config().maxmemoryClients == 0) {
            if (total != 0) {
                server.clients().all().forEach(c -> c.evictionMemory(0));
                total = 0;
            }
            return;
        }
        for (Client c : server.clients().all()) {
            account(c);
            c.evictionTracked(true);
        }
    }

    private long account(Client c) {
        long used = counted(c) ? ClientCommands.totalMemory(c, null) : 0;
        total += used - c.evictionMemory();
        c.evictionMemory(used);
        return used;
    }

    /** Normal and Pub/Sub clients; a replica or the master link is of another type. */
    private static boolean counted(Client c) {
        return !c.closing() && !c.master() && OutputBufferLimits.classOf(c) != ServerConfig.CLIENT_CLASS_REPLICA;
    }

    /** evictClients: closes the largest evictable clients until the rest fits the limit. */
    void evict() {
        long limit = limit(server.config());
        if (limit == 0 || total < limit) {
            return;
        }
        List<Client> evictable = new ArrayList<>();
        for (Client c : server.clients().all()) {
            account(c);
            // Redis's buckets hold a client once its memory was recorded (after a command, or by
            // the cron): one running its first command cannot be evicted yet.
            if (counted(c) && !c.noEvict() && c.evictionTracked()) {
                evictable.add(c);
            }
        }
        evictable.sort(Comparator.comparingLong((Client c) -> c.evictionMemory()).reversed());
        for (Client c : evictable) {
            if (total < limit) {
                return;
            }
            log.info("Evicting client: {}", ClientCommands.describe(c));
            server.stats().evictedClients++;
            // freeClient, as Redis's evictClients: gone from every list, subscription and wait now.
            server.freeClient(c);
        }
        if (total >= limit) {
            log.warn("Over client maxmemory after evicting all evictable clients");
        }
    }
}
