package io.mnemos.store;

/**
 * The keyspace's used memory kept as a running sum (every database's keys and values plus their
 * bucket and expiry arrays), so that eviction can compare it with the limit before every command
 * in O(1), as Redis reads zmalloc's counter.
 */
final class MemoryTotal {
    long bytes;
}
