package io.mnemos.command;

import io.mnemos.store.Keyspace;
import io.mnemos.testing.CommandHarness;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** maxmemory and each maxmemory-policy with a known access pattern. */
class EvictionTest {
    private static final String OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
    private static final String VALUE = "x".repeat(1000);

    private final CommandHarness h = new CommandHarness();
    private final Keyspace ks = h.server().keyspace();

    /** One key with a 1000-byte value, as the accounting counts it. */
    private long keyCost() {
        long before = ks.usedMemory();
        h.exec("SET", "__probe__", VALUE);
        long cost = ks.usedMemory() - before;
        h.exec("DEL", "__probe__");
        return cost;
    }

    /** Sets maxmemory to the current usage plus room for {@code keys} more 1000-byte keys. */
    private void limitToCurrentPlus(int keys) {
        long limit = ks.usedMemory() + keys * keyCost();
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "maxmemory", Long.toString(limit)));
    }

    private boolean exists(String key) {
        return h.exec("EXISTS", key).equals(":1\r\n");
    }

    private Map<String, String> info(String section) {
        Map<String, String> m = new TreeMap<>();
        for (String line : h.exec("INFO", section).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("$")) {
                m.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return m;
    }

    private long evicted() {
        return Long.parseLong(info("stats").get("evicted_keys"));
    }

    private int count(String prefix, int n) {
        int alive = 0;
        for (int i = 0; i < n; i++) {
            if (exists(prefix + i)) {
                alive++;
            }
        }
        return alive;
    }

    @Test
    void configHasRedisNamesAndDefaults() {
        assertEquals("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n", h.exec("CONFIG", "GET", "maxmemory"));
        assertEquals("*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n", h.exec("CONFIG", "GET", "maxmemory-policy"));
        assertEquals("*2\r\n$17\r\nmaxmemory-samples\r\n$1\r\n5\r\n", h.exec("CONFIG", "GET", "maxmemory-samples"));
        assertEquals("*2\r\n$27\r\nmaxmemory-eviction-tenacity\r\n$2\r\n10\r\n",
                h.exec("CONFIG", "GET", "maxmemory-eviction-tenacity"));
        assertEquals("*2\r\n$14\r\nlfu-log-factor\r\n$2\r\n10\r\n", h.exec("CONFIG", "GET", "lfu-log-factor"));
        assertEquals("*2\r\n$14\r\nlfu-decay-time\r\n$1\r\n1\r\n", h.exec("CONFIG", "GET", "lfu-decay-time"));
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "maxmemory", "100mb"));
        assertEquals("*2\r\n$9\r\nmaxmemory\r\n$9\r\n104857600\r\n", h.exec("CONFIG", "GET", "maxmemory"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be "
                + "one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, "
                + "allkeys-lfu, allkeys-random, noeviction\r\n", h.exec("CONFIG", "SET", "maxmemory-policy", "foo"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory "
                + "value\r\n", h.exec("CONFIG", "SET", "maxmemory", "-1"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-samples') - argument must be "
                + "between 1 and 2147483647 inclusive\r\n", h.exec("CONFIG", "SET", "maxmemory-samples", "0"));
        assertEquals("-ERR CONFIG SET failed (possibly related to argument 'maxmemory-eviction-tenacity') - argument "
                + "must be between 0 and 100 inclusive\r\n", h.exec("CONFIG", "SET", "maxmemory-eviction-tenacity", "101"));
        assertEquals("+OK\r\n", h.exec("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU"));
        assertEquals("allkeys-lru", info("memory").get("maxmemory_policy"));
        assertEquals("104857600", info("memory").get("maxmemory"));
        assertEquals("100.00M", info("memory").get("maxmemory_human"));
    }

    @Nested
    class Noeviction {
        @Test
        void writesGetOomWhileReadsAndDelKeepWorking() {
            for (int i = 0; i < 20; i++) {
                h.exec("SET", "k" + i, VALUE);
            }
            limitToCurrentPlus(3);
            h.exec("SET", "a", VALUE);
            h.exec("SET", "b", VALUE);
            h.exec("SET", "c", VALUE);
            assertEquals("+OK\r\n", h.exec("SET", "d", VALUE)); // now over: the check runs before a command
            assertEquals(OOM, h.exec("SET", "e", VALUE));
            assertEquals(OOM, h.exec("RPUSH", "l", "x"));
            assertEquals(OOM, h.exec("HSET", "h", "f", "v"));
            assertEquals("$1000\r\n" + VALUE + "\r\n", h.exec("GET", "k0"));
            assertEquals(":1\r\n", h.exec("EXISTS", "k1"));
            assertEquals(":1\r\n", h.exec("DEL", "k0")); // DEL is not DENYOOM
            assertEquals(":1\r\n", h.exec("DEL", "k1"));
            assertEquals("+OK\r\n", h.exec("SET", "e", VALUE));
            assertEquals(0, evicted());
            assertTrue(h.exec("INFO", "errorstats").contains("errorstat_OOM:count=3"));
            assertTrue(h.exec("INFO", "commandstats").contains("cmdstat_set:calls="));
            assertTrue(h.exec("INFO", "commandstats").contains("rejected_calls=1,failed_calls=0\r\n"));
        }
    }

    @Nested
    class AllkeysLru {
        @Test
        void theHotSetSurvives() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            for (int i = 0; i < 200; i++) {
                h.exec("SET", "cold" + i, VALUE);
            }
            h.clock().advance(100_000);
            for (int i = 0; i < 20; i++) {
                h.exec("SET", "hot" + i, VALUE);
            }
            limitToCurrentPlus(0);
            for (int i = 0; i < 100; i++) {
                h.clock().advance(1000);
                for (int j = 0; j < 20; j++) {
                    h.exec("GET", "hot" + j);
                }
                assertEquals("+OK\r\n", h.exec("SET", "new" + i, VALUE));
            }
            assertEquals(20, count("hot", 20));
            int cold = count("cold", 200);
            assertTrue(cold <= 105, "cold keys left: " + cold);
            assertTrue(ks.usedMemory() <= h.server().config().eviction.maxmemory);
            assertEquals(200 + 20 + 100 - ks.totalKeys(), evicted());
        }

        @Test
        void objectIdletimeIsTheLruClockAge() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            h.exec("SET", "k", "v");
            h.clock().advance(42_000);
            assertEquals(":42\r\n", h.exec("OBJECT", "IDLETIME", "k"));
            h.exec("GET", "k");
            assertEquals(":0\r\n", h.exec("OBJECT", "IDLETIME", "k"));
        }
    }

    @Nested
    class AllkeysLfu {
        @Test
        void frequentlyUsedKeysSurvive() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
            for (int i = 0; i < 20; i++) {
                h.exec("SET", "hot" + i, VALUE);
            }
            for (int i = 0; i < 200; i++) {
                h.exec("SET", "cold" + i, VALUE);
            }
            for (int n = 0; n < 50; n++) {
                for (int i = 0; i < 20; i++) {
                    h.exec("GET", "hot" + i);
                }
            }
            limitToCurrentPlus(0);
            for (int i = 0; i < 100; i++) {
                h.exec("SET", "new" + i, VALUE);
            }
            assertEquals(20, count("hot", 20));
            assertTrue(evicted() >= 90, "evicted " + evicted());
        }

        @Test
        void objectFreqIsTheDecayedCounter() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu");
            h.exec("SET", "k", "v");
            assertEquals(":5\r\n", h.exec("OBJECT", "FREQ", "k"));
            h.exec("GET", "k"); // counter 5 always grows
            assertEquals(":6\r\n", h.exec("OBJECT", "FREQ", "k"));
            h.exec("CONFIG", "SET", "lfu-log-factor", "0");
            for (int i = 0; i < 10; i++) {
                h.exec("GET", "k");
            }
            assertEquals(":16\r\n", h.exec("OBJECT", "FREQ", "k"));
            h.clock().advance(3 * 60_000);
            assertEquals(":13\r\n", h.exec("OBJECT", "FREQ", "k"));
            assertTrue(h.exec("OBJECT", "IDLETIME", "k").startsWith("-ERR An LFU maxmemory policy is selected"));
        }
    }

    @Nested
    class VolatilePolicies {
        @Test
        void volatileTtlEvictsTheSoonestExpiringFirst() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "volatile-ttl");
            h.exec("CONFIG", "SET", "maxmemory-samples", "10");
            for (int i = 0; i < 50; i++) {
                h.exec("SET", "persistent" + i, VALUE);
            }
            for (int i = 1; i <= 100; i++) {
                h.exec("SET", "ttl" + i, VALUE, "EX", Integer.toString(1000 * i));
            }
            limitToCurrentPlus(0);
            for (int i = 0; i < 40; i++) {
                h.exec("SET", "new" + i, VALUE);
            }
            assertEquals(50, count("persistent", 50));
            assertEquals(40, evicted());
            // Sampling is approximate, the order is not: the longest-lived keys are all there.
            for (int i = 61; i <= 100; i++) {
                assertTrue(exists("ttl" + i), "ttl" + i + " was evicted");
            }
            int shortLived = 0;
            for (int i = 1; i <= 40; i++) {
                shortLived += exists("ttl" + i) ? 0 : 1;
            }
            assertTrue(shortLived >= 25, "only " + shortLived + " of the 40 soonest-expiring keys went");
        }

        @Test
        void volatilePoliciesNeverEvictPersistentKeysAndOomWhenNothingIsVolatile() {
            for (String policy : new String[]{"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
                h.exec("FLUSHALL");
                h.exec("CONFIG", "SET", "maxmemory", "0");
                h.exec("CONFIG", "SET", "maxmemory-policy", policy);
                for (int i = 0; i < 30; i++) {
                    h.exec("SET", "p" + i, VALUE);
                }
                for (int i = 0; i < 10; i++) {
                    h.exec("SET", "v" + i, VALUE, "EX", "1000");
                }
                limitToCurrentPlus(0);
                for (int i = 0; i < 10; i++) {
                    assertEquals("+OK\r\n", h.exec("SET", "n" + i, VALUE), policy);
                }
                assertEquals(30, count("p", 30), policy);
                assertEquals(0, count("v", 10), policy);
                assertEquals("+OK\r\n", h.exec("SET", "last", VALUE), policy);
                assertEquals(OOM, h.exec("SET", "more", VALUE), policy);
                assertEquals("$1000\r\n" + VALUE + "\r\n", h.exec("GET", "p0"), policy);
            }
        }
    }

    @Nested
    class RandomPolicies {
        @Test
        void allkeysRandomEvictsAnyKeyAcrossDatabases() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
            for (int i = 0; i < 50; i++) {
                h.exec("SET", "a" + i, VALUE);
            }
            h.exec("SELECT", "5");
            for (int i = 0; i < 50; i++) {
                h.exec("SET", "b" + i, VALUE);
            }
            limitToCurrentPlus(0);
            for (int i = 0; i < 30; i++) {
                assertEquals("+OK\r\n", h.exec("SET", "c" + i, VALUE));
            }
            assertTrue(evicted() >= 29, "evicted " + evicted());
            assertEquals(130 - evicted(), ks.totalKeys());
            assertTrue(ks.usedMemory() <= h.server().config().eviction.maxmemory);
        }

        @Test
        void volatileRandomEvictsOnlyKeysWithATtl() {
            h.exec("CONFIG", "SET", "maxmemory-policy", "volatile-random");
            for (int i = 0; i < 20; i++) {
                h.exec("SET", "p" + i, VALUE);
                h.exec("SET", "v" + i, VALUE, "PX", "100000");
            }
            limitToCurrentPlus(0);
            for (int i = 0; i < 10; i++) {
                assertEquals("+OK\r\n", h.exec("SET", "n" + i, VALUE));
            }
            assertEquals(20, count("p", 20));
            assertTrue(count("v", 20) <= 11);
        }
    }

    @Test
    void infoCountsHitsMissesAndEvictionsOfTheWorkload() {
        h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
        for (int i = 0; i < 30; i++) {
            h.exec("SET", "k" + i, VALUE);
        }
        for (int i = 0; i < 40; i++) {
            h.exec("GET", "k" + i); // 30 hits, 10 misses
        }
        limitToCurrentPlus(0);
        for (int i = 0; i < 5; i++) {
            h.exec("SET", "n" + i, VALUE);
        }
        Map<String, String> stats = info("stats");
        assertEquals("30", stats.get("keyspace_hits"));
        assertEquals("10", stats.get("keyspace_misses"));
        assertEquals(Long.toString(35 - ks.totalKeys()), stats.get("evicted_keys"));
        assertTrue(Long.parseLong(stats.get("evicted_keys")) >= 4);
        h.exec("CONFIG", "RESETSTAT");
        assertEquals("0", info("stats").get("evicted_keys"));
    }

    @Test
    void loweringMaxmemoryEvictsRightAway() {
        h.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
        // Unlimited time budget: with the default 500 us a loaded machine would leave the rest to
        // the event loop's eviction task, which the harness does not run.
        h.exec("CONFIG", "SET", "maxmemory-eviction-tenacity", "100");
        for (int i = 0; i < 100; i++) {
            h.exec("SET", "k" + i, VALUE);
        }
        long half = ks.usedMemory() / 2;
        h.exec("CONFIG", "SET", "maxmemory", Long.toString(half));
        assertTrue(ks.usedMemory() <= half);
        assertTrue(ks.totalKeys() < 55);
    }

    @Test
    void theHeapCeilingAppliesWhileMaxmemoryIsZero() {
        h.server().config().eviction.defaultCeiling = ks.usedMemory() + 10 * keyCost();
        for (int i = 0; i < 10; i++) {
            h.exec("SET", "k" + i, VALUE);
        }
        h.exec("SET", "over", VALUE);
        assertEquals(OOM, h.exec("SET", "refused", VALUE));
        assertEquals("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n", h.exec("CONFIG", "GET", "maxmemory"));
        assertTrue(info("jvm").containsKey("maxmemory_effective"));
    }
}
