package io.mnemos.server;

import io.mnemos.command.ClientCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Redis 7.0's client eviction ({@code evictClients} and {@code getClientEvictionLimit} in
 * networking.c): while the normal and Pub/Sub clients together use at least maxmemory-clients,
 * the largest evictable ones are closed, each logged with its CLIENT LIST line and counted in
 * INFO's evicted_clients. Replicas, the master link and CLIENT NO-EVICT clients are never evicted,
 * but their memory counts; when only they are left over the limit, Redis's warning is logged.
 *
 * <p>Redis keeps running per-type totals and log2 size buckets so that it can check before every
 * command; Mnemos checks at the end of each event-loop iteration and in the cron, after the
 * replies were written, summing the clients only when a limit is set. A client's memory is its
 * CLIENT LIST tot-mem: a request still arriving and replies the socket did not take included.
 */
final class ClientEviction {
    private static final Logger log = LoggerFactory.getLogger(ClientEviction.class);
    /** A smaller maxmemory-clients would leave no room to talk to the server at all. */
    static final long MIN_LIMIT = 128 * 1024;

    private ClientEviction() {
    }

    /** getClientEvictionLimit: bytes, 0 when client eviction is off. */
    static long limit(ServerConfig config) {
        long setting = config.maxmemoryClients;
        long bytes;
        if (setting < 0 && config.eviction.maxmemory > 0) {
            bytes = (long) ((double) config.eviction.maxmemory * -setting / 100);
        } else if (setting > 0) {
            bytes = setting;
        } else {
            return 0;
        }
        return Math.max(bytes, MIN_LIMIT);
    }

    /** evictClients: closes the largest evictable clients until the rest fits the limit. */
    static void evict(Server server) {
        long limit = limit(server.config());
        if (limit == 0) {
            return;
        }
        long total = 0;
        List<Candidate> evictable = new ArrayList<>();
        for (Client c : server.clients().all()) {
            if (c.closing() || c.master() || OutputBufferLimits.classOf(c) == ServerConfig.CLIENT_CLASS_REPLICA) {
                continue;
            }
            long used = ClientCommands.totalMemory(c, null);
            total += used;
            if (!c.noEvict()) {
                evictable.add(new Candidate(c, used));
            }
        }
        if (total < limit) {
            return;
        }
        evictable.sort(Comparator.comparingLong(Candidate::memory).reversed());
        for (Candidate candidate : evictable) {
            if (total < limit) {
                return;
            }
            log.info("Evicting client: {}", ClientCommands.describe(candidate.client()));
            server.stats().evictedClients++;
            total -= candidate.memory();
            candidate.client().closeAsap();
        }
        if (total >= limit) {
            log.warn("Over client maxmemory after evicting all evictable clients");
        }
    }

    private record Candidate(Client client, long memory) {
    }
}
