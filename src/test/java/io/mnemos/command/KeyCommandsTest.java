package io.mnemos.command;

import io.mnemos.server.ConfigOption;
import io.mnemos.server.ServerConfig;
import io.mnemos.store.KeyspaceStats;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.FakeList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Expected replies were taken from redis-server 7.0.15. */
class KeyCommandsTest {
    private static final String OK = "+OK\r\n";
    private static final String NIL = "$-1\r\n";
    private static final String ZERO = ":0\r\n";
    private static final String ONE = ":1\r\n";
    private static final String SYNTAX = "-ERR syntax error\r\n";
    private static final String NOT_INT = "-ERR value is not an integer or out of range\r\n";
    private static final String SAME_OBJECT = "-ERR source and destination objects are the same\r\n";
    private static final String DB_OUT_OF_RANGE = "-ERR DB index is out of range\r\n";
    private static final String NOT_INT32 = "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n";

    private CommandHarness h;

    @BeforeEach
    void setUp() {
        h = new CommandHarness();
    }

    private KeyspaceStats stats() {
        return h.server().keyspace().stats();
    }

    private long dirty() {
        return stats().dirty;
    }

    /** Runs a command and asserts that it added {@code changes} to the dirty counter; returns its reply. */
    private String execAddingDirty(long changes, String... argv) {
        long before = dirty();
        String reply = h.exec(argv);
        assertEquals(before + changes, dirty(), "dirty after " + String.join(" ", argv));
        return reply;
    }

    private static String bulk(String s) {
        return "$" + s.length() + "\r\n" + s + "\r\n";
    }

    /** SET key value, then EXPIRE key seconds. */
    private void setWithTtl(String key, String value, int seconds) {
        h.exec("SET", key, value);
        h.exec("EXPIRE", key, Integer.toString(seconds));
    }

    /** A key whose 5 ms TTL has passed (the clock moves 6 ms) but that is still stored, to be lazily expired. */
    private void setExpiredKey(String key, String value) {
        h.exec("SET", key, value);
        h.exec("PEXPIRE", key, "5");
        h.clock().advance(6);
    }

    private static String arity(String name) {
        return "-ERR wrong number of arguments for '" + name + "' command\r\n";
    }

    /** The keys of a multi-bulk reply, order ignored. */
    private static Set<String> keysOf(String reply) {
        Set<String> keys = new HashSet<>();
        String[] lines = reply.split("\r\n");
        for (int i = 1; i < lines.length; i += 2) {
            keys.add(lines[i + 1]);
        }
        return keys;
    }

    @Nested
    class DelAndUnlink {
        @Test
        void countsOnlyKeysThatExistedAndAddsThemToDirty() {
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "2");
            assertEquals(":2\r\n", execAddingDirty(2, "DEL", "a", "b", "a", "missing"));
            assertEquals(NIL, h.exec("GET", "a"));
        }

        @Test
        void unlinkBehavesLikeDel() {
            h.exec("SET", "a", "1");
            assertEquals(ONE, h.exec("UNLINK", "a", "missing"));
            assertEquals(ZERO, h.exec("UNLINK", "a"));
        }

        @Test
        void anExpiredKeyIsNotCountedAsDeleted() {
            h.exec("SET", "a", "1");
            h.exec("PEXPIRE", "a", "100");
            h.clock().advance(101);
            assertEquals(ZERO, execAddingDirty(0, "DEL", "a"));
            assertEquals(1, stats().expiredKeys);
        }

        @Test
        void needsAtLeastOneKey() {
            assertEquals(arity("del"), h.exec("DEL"));
            assertEquals(arity("unlink"), h.exec("UNLINK"));
        }
    }

    @Nested
    class ExistsTypeTouch {
        @Test
        void existsCountsRepeatedKeysEachTime() {
            h.exec("SET", "a", "1");
            assertEquals(":3\r\n", h.exec("EXISTS", "a", "a", "b", "a"));
            assertEquals(ZERO, h.exec("EXISTS", "b"));
            assertEquals(arity("exists"), h.exec("EXISTS"));
        }

        @Test
        void existsCountsHitsAndMisses() {
            h.exec("SET", "a", "1");
            long hits = stats().hits;
            long misses = stats().misses;
            h.exec("EXISTS", "a", "b");
            assertEquals(hits + 1, stats().hits);
            assertEquals(misses + 1, stats().misses);
        }

        @Test
        void typeNamesStringOrNone() {
            h.exec("SET", "a", "1");
            assertEquals("+string\r\n", h.exec("TYPE", "a"));
            assertEquals("+none\r\n", h.exec("TYPE", "b"));
            assertEquals(arity("type"), h.exec("TYPE"));
            assertEquals(arity("type"), h.exec("TYPE", "a", "b"));
        }

        @Test
        void touchCountsExistingKeysAndResetsIdleTime() {
            h.exec("SET", "a", "1");
            h.clock().advance(5000);
            assertEquals(":5\r\n", h.exec("OBJECT", "IDLETIME", "a"));
            assertEquals(":2\r\n", h.exec("TOUCH", "a", "b", "a"));
            assertEquals(ZERO, h.exec("OBJECT", "IDLETIME", "a"));
            assertEquals(arity("touch"), h.exec("TOUCH"));
        }

        @Test
        void existsAndTypeDoNotResetIdleTime() {
            h.exec("SET", "a", "1");
            h.clock().advance(3000);
            h.exec("EXISTS", "a");
            h.exec("TYPE", "a");
            h.exec("TTL", "a");
            assertEquals(":3\r\n", h.exec("OBJECT", "IDLETIME", "a"));
            h.exec("GET", "a");
            assertEquals(ZERO, h.exec("OBJECT", "IDLETIME", "a"));
        }
    }

    @Nested
    class Expire {
        @Test
        void setsATtlInSecondsOrMilliseconds() {
            h.exec("SET", "a", "1");
            assertEquals(ONE, h.exec("EXPIRE", "a", "100"));
            assertEquals(":100\r\n", h.exec("TTL", "a"));
            assertEquals(":100000\r\n", h.exec("PTTL", "a"));
            assertEquals(ONE, h.exec("PEXPIRE", "a", "1500"));
            assertEquals(":2\r\n", h.exec("TTL", "a"), "seconds round to the nearest");
            assertEquals(":1500\r\n", h.exec("PTTL", "a"));
            h.clock().advance(1001);
            assertEquals(ZERO, h.exec("TTL", "a"));
            assertEquals(":499\r\n", h.exec("PTTL", "a"));
        }

        @Test
        void absoluteTimesAndExpireTime() {
            long now = h.clock().millis();
            long at = now / 1000 + 50;
            h.exec("SET", "a", "1");
            assertEquals(ONE, h.exec("EXPIREAT", "a", Long.toString(at)));
            assertEquals(":" + at + "\r\n", h.exec("EXPIRETIME", "a"));
            assertEquals(":" + at * 1000 + "\r\n", h.exec("PEXPIRETIME", "a"));
            assertEquals(ONE, h.exec("PEXPIREAT", "a", Long.toString(now + 1499)));
            assertEquals(":" + (now + 1499) + "\r\n", h.exec("PEXPIRETIME", "a"));
            assertEquals(":" + (now + 1499 + 500) / 1000 + "\r\n", h.exec("EXPIRETIME", "a"));
            assertEquals(ONE, h.exec("PEXPIREAT", "a", Long.toString(Long.MAX_VALUE)));
            assertEquals(":9223372036854776\r\n", h.exec("EXPIRETIME", "a"));
        }

        @Test
        void ttlRepliesMinusTwoWithoutKeyAndMinusOneWithoutTtl() {
            h.exec("SET", "a", "1");
            for (String cmd : List.of("TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME")) {
                assertEquals(":-2\r\n", h.exec(cmd, "missing"), cmd);
                assertEquals(":-1\r\n", h.exec(cmd, "a"), cmd);
                assertEquals(arity(cmd.toLowerCase()), h.exec(cmd), cmd);
            }
        }

        @Test
        void missingKeyRepliesZero() {
            assertEquals(ZERO, h.exec("EXPIRE", "missing", "10"));
            assertEquals(ZERO, h.exec("PEXPIREAT", "missing", "10"));
        }

        @Test
        void aTimeInThePastDeletesTheKeyAndRepliesOne() {
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "1");
            h.exec("SET", "c", "1");
            long before = dirty();
            assertEquals(ONE, h.exec("EXPIRE", "a", "-1"));
            assertEquals(ONE, h.exec("PEXPIRE", "b", "0"));
            assertEquals(ONE, h.exec("EXPIREAT", "c", "1"));
            assertEquals(":-2\r\n", h.exec("TTL", "a"));
            assertEquals(ZERO, h.exec("EXISTS", "a", "b", "c"));
            assertEquals(before + 3, dirty());
        }

        @Test
        void theKeyLivesThroughItsExpiryMillisecond() {
            h.exec("SET", "a", "1");
            h.exec("PEXPIRE", "a", "10");
            h.clock().advance(10);
            assertEquals(ZERO, h.exec("PTTL", "a"));
            assertEquals(bulk("1"), h.exec("GET", "a"));
            h.clock().advance(1);
            assertEquals(NIL, h.exec("GET", "a"));
        }

        @Test
        void nxOnlyWithoutTtlXxOnlyWithTtl() {
            h.exec("SET", "a", "1");
            assertEquals(ZERO, h.exec("EXPIRE", "a", "10", "XX"));
            assertEquals(ONE, h.exec("EXPIRE", "a", "10", "nx"));
            assertEquals(ZERO, h.exec("EXPIRE", "a", "20", "NX"));
            assertEquals(ONE, h.exec("EXPIRE", "a", "20", "xx"));
            assertEquals(":20\r\n", h.exec("TTL", "a"));
        }

        @Test
        void gtTreatsNoTtlAsInfiniteLtAlwaysSetsOnPersistentKey() {
            h.exec("SET", "a", "1");
            assertEquals(ZERO, h.exec("EXPIRE", "a", "10", "GT"));
            assertEquals(ONE, h.exec("EXPIRE", "a", "100", "LT"));
            assertEquals(ZERO, h.exec("EXPIRE", "a", "50", "GT"));
            assertEquals(ZERO, h.exec("EXPIRE", "a", "100", "GT"), "equal is not greater");
            assertEquals(ONE, h.exec("EXPIRE", "a", "200", "GT"));
            assertEquals(ZERO, h.exec("EXPIRE", "a", "300", "LT"));
            assertEquals(ZERO, h.exec("EXPIRE", "a", "200", "LT"), "equal is not less");
            assertEquals(ONE, h.exec("EXPIRE", "a", "50", "LT", "XX"));
            assertEquals(":50\r\n", h.exec("TTL", "a"));
        }

        @Test
        void optionsAreCheckedBeforeTheTime() {
            assertEquals("-ERR Unsupported option foo\r\n", h.exec("EXPIRE", "a", "abc", "foo"));
            assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
                    h.exec("EXPIRE", "a", "10", "NX", "XX"));
            assertEquals("-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
                    h.exec("PEXPIRE", "a", "10", "NX", "LT"));
            assertEquals("-ERR GT and LT options at the same time are not compatible\r\n",
                    h.exec("EXPIREAT", "a", "10", "GT", "LT"));
            assertEquals(NOT_INT, h.exec("EXPIRE", "a", "abc"));
            assertEquals(NOT_INT, h.exec("EXPIRE", "a", "1.5"));
        }

        @Test
        void overflowingTimesAreInvalid() {
            h.exec("SET", "a", "1");
            assertEquals("-ERR invalid expire time in 'expire' command\r\n",
                    h.exec("EXPIRE", "a", "9223372036854775807"));
            assertEquals("-ERR invalid expire time in 'expire' command\r\n",
                    h.exec("EXPIRE", "a", "-9223372036854775808"));
            assertEquals("-ERR invalid expire time in 'pexpire' command\r\n",
                    h.exec("PEXPIRE", "a", "9223372036854775807"));
            assertEquals("-ERR invalid expire time in 'expireat' command\r\n",
                    h.exec("EXPIREAT", "a", "9223372036854775807"));
            assertEquals(ONE, h.exec("PEXPIREAT", "a", "9223372036854775807"));
            assertEquals(":9223372036854775807\r\n", h.exec("PEXPIRETIME", "a"));
        }

        @Test
        void needsKeyAndTime() {
            assertEquals(KeyCommandsTest.arity("expire"), h.exec("EXPIRE", "a"));
            assertEquals(KeyCommandsTest.arity("pexpireat"), h.exec("PEXPIREAT"));
        }

        @Test
        void persistRemovesTheTtlOnce() {
            setWithTtl("a", "1", 10);
            long before = dirty();
            assertEquals(ONE, h.exec("PERSIST", "a"));
            assertEquals(ZERO, h.exec("PERSIST", "a"));
            assertEquals(ZERO, h.exec("PERSIST", "missing"));
            assertEquals(":-1\r\n", h.exec("TTL", "a"));
            assertEquals(before + 1, dirty());
            assertEquals(KeyCommandsTest.arity("persist"), h.exec("PERSIST"));
        }

        @Test
        void setClearsTheTtl() {
            setWithTtl("a", "1", 10);
            h.exec("SET", "a", "2");
            assertEquals(":-1\r\n", h.exec("TTL", "a"));
        }
    }

    @Nested
    class KeysAndRandomKey {
        @Test
        void keysMatchesCaseSensitiveGlobs() {
            for (String k : List.of("hello", "hallo", "hxllo", "Hello", "hllo", "heeeello", "h[llo")) {
                h.exec("SET", k, "1");
            }
            assertEquals(Set.of("hello", "hallo", "hxllo", "h[llo"), keysOf(h.exec("KEYS", "h?llo")));
            assertEquals(Set.of("hello", "heeeello"), keysOf(h.exec("KEYS", "he*llo")));
            assertEquals(Set.of("hello", "hallo"), keysOf(h.exec("KEYS", "h[ae]llo")));
            assertEquals(Set.of("hallo", "hxllo", "h[llo"), keysOf(h.exec("KEYS", "h[^e]llo")));
            assertEquals(Set.of("hallo"), keysOf(h.exec("KEYS", "h[a-b]llo")));
            assertEquals(Set.of("h[llo"), keysOf(h.exec("KEYS", "h\\[llo")));
            assertEquals(7, keysOf(h.exec("KEYS", "*")).size());
            assertEquals("*0\r\n", h.exec("KEYS", "nothing*"));
            assertEquals(KeyCommandsTest.arity("keys"), h.exec("KEYS"));
            assertEquals(KeyCommandsTest.arity("keys"), h.exec("KEYS", "a", "b"));
        }

        @Test
        void keysLeavesOutExpiredKeys() {
            h.exec("SET", "a", "1");
            setExpiredKey("b", "1");
            assertEquals("*1\r\n$1\r\na\r\n", h.exec("KEYS", "*"));
        }

        @Test
        void randomKeyReturnsALiveKeyOrNil() {
            assertEquals(NIL, h.exec("RANDOMKEY"));
            h.exec("SET", "a", "1");
            assertEquals(bulk("a"), h.exec("RANDOMKEY"));
            setExpiredKey("b", "1");
            for (int i = 0; i < 20; i++) {
                assertEquals(bulk("a"), h.exec("RANDOMKEY"));
            }
            h.exec("PEXPIRE", "a", "5");
            h.clock().advance(6);
            assertEquals(NIL, h.exec("RANDOMKEY"), "all keys expired");
            assertEquals(ZERO, h.exec("DBSIZE"));
            assertEquals(KeyCommandsTest.arity("randomkey"), h.exec("RANDOMKEY", "x"));
        }
    }

    @Nested
    class Scan {
        /** Runs a whole SCAN iteration and returns every key seen. */
        private List<String> fullScan(String... options) {
            List<String> seen = new java.util.ArrayList<>();
            String cursor = "0";
            do {
                String[] args = new String[2 + options.length];
                args[0] = "SCAN";
                args[1] = cursor;
                System.arraycopy(options, 0, args, 2, options.length);
                String[] lines = h.exec(args).split("\r\n");
                assertEquals("*2", lines[0]);
                cursor = lines[2];
                for (int i = 5; i < lines.length; i += 2) {
                    seen.add(lines[i]);
                }
            } while (!cursor.equals("0"));
            return seen;
        }

        @Test
        void aFullIterationReturnsEveryKeyOnce() {
            for (int i = 0; i < 500; i++) {
                h.exec("SET", "key:" + i, "v");
            }
            List<String> seen = fullScan("COUNT", "7");
            assertEquals(500, seen.size());
            assertEquals(500, new HashSet<>(seen).size());
        }

        @Test
        void matchAndTypeFilter() {
            for (int i = 0; i < 30; i++) {
                h.exec("SET", (i % 2 == 0 ? "even:" : "odd:") + i, "v");
            }
            List<String> even = fullScan("MATCH", "even:*");
            assertEquals(15, even.size());
            assertTrue(even.stream().allMatch(k -> k.startsWith("even:")));
            assertEquals(30, fullScan("type", "STRING", "match", "*").size());
            assertEquals(0, fullScan("TYPE", "list").size());
            assertEquals(0, fullScan("TYPE", "nosuchtype").size());
        }

        @Test
        void expiredKeysAreLeftOutAndDeleted() {
            h.exec("SET", "a", "1");
            setExpiredKey("b", "1");
            assertEquals(List.of("a"), fullScan());
            assertEquals(ONE, h.exec("DBSIZE"));
        }

        @Test
        void emptyDatabaseRepliesCursorZeroAndNoKeys() {
            assertEquals("*2\r\n$1\r\n0\r\n*0\r\n", h.exec("SCAN", "0"));
        }

        @Test
        void cursorIsAnUnsignedDecimalParsedLikeStrtoul() {
            h.exec("SET", "a", "1");
            assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", h.exec("SCAN", ""));
            assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\na\r\n", h.exec("SCAN", "+0"));
            assertTrue(h.exec("SCAN", "18446744073709551615").startsWith("*2\r\n"));
            assertTrue(h.exec("SCAN", "-1").startsWith("*2\r\n"));
            String invalid = "-ERR invalid cursor\r\n";
            assertEquals(invalid, h.exec("SCAN", " 0"));
            assertEquals(invalid, h.exec("SCAN", "-"));
            assertEquals(invalid, h.exec("SCAN", "abc"));
            assertEquals(invalid, h.exec("SCAN", "1x"));
            assertEquals(invalid, h.exec("SCAN", "18446744073709551616"));
            assertEquals(invalid, h.exec("SCAN", "99999999999999999999"));
        }

        @Test
        void optionErrors() {
            assertEquals(SYNTAX, h.exec("SCAN", "0", "COUNT", "0"));
            assertEquals(NOT_INT, h.exec("SCAN", "0", "COUNT", "x"));
            assertEquals(SYNTAX, h.exec("SCAN", "0", "MATCH"));
            assertEquals(SYNTAX, h.exec("SCAN", "0", "TYPE"));
            assertEquals(SYNTAX, h.exec("SCAN", "0", "foo", "bar"));
            assertEquals("-ERR invalid cursor\r\n", h.exec("SCAN", "x", "foo"), "cursor is parsed first");
            assertEquals(KeyCommandsTest.arity("scan"), h.exec("SCAN"));
        }

        @Test
        void typeFilterCountsLookups() {
            h.exec("SET", "a", "1");
            long hits = stats().hits;
            h.exec("SCAN", "0", "TYPE", "string");
            assertEquals(hits + 1, stats().hits);
        }
    }

    @Nested
    class RenameCopyMove {
        @Test
        void renameMovesValueAndTtl() {
            setWithTtl("a", "1", 100);
            assertEquals(OK, execAddingDirty(1, "RENAME", "a", "b"));
            assertEquals(NIL, h.exec("GET", "a"));
            assertEquals(bulk("1"), h.exec("GET", "b"));
            assertEquals(":100\r\n", h.exec("TTL", "b"));
        }

        @Test
        void renameOverwritesAndDropsTheTargetsTtl() {
            h.exec("SET", "a", "1");
            setWithTtl("b", "2", 100);
            assertEquals(OK, h.exec("RENAME", "a", "b"));
            assertEquals(":-1\r\n", h.exec("TTL", "b"));
            assertEquals(bulk("1"), h.exec("GET", "b"));
        }

        @Test
        void renameTouchesTheKeyLikeEveryWriteLookup() {
            // Redis 7.0.15: RENAME's lookupKeyWrite refreshes the LRU clock, so the idle time restarts.
            h.exec("SET", "a", "1");
            h.clock().advance(7000);
            h.exec("RENAME", "a", "b");
            assertEquals(":0\r\n", h.exec("OBJECT", "IDLETIME", "b"));
            h.clock().advance(3000);
            assertEquals(":3\r\n", h.exec("OBJECT", "IDLETIME", "b"));
        }

        @Test
        void renameOfMissingKeyOrSameKey() {
            assertEquals("-ERR no such key\r\n", h.exec("RENAME", "a", "b"));
            assertEquals("-ERR no such key\r\n", h.exec("RENAMENX", "a", "b"));
            assertEquals("-ERR no such key\r\n", h.exec("RENAME", "a", "a"));
            h.exec("SET", "a", "1");
            long before = dirty();
            assertEquals(OK, h.exec("RENAME", "a", "a"));
            assertEquals(ZERO, h.exec("RENAMENX", "a", "a"));
            assertEquals(before, dirty());
            assertEquals(arity("rename"), h.exec("RENAME", "a"));
            assertEquals(arity("renamenx"), h.exec("RENAMENX", "a", "b", "c"));
        }

        @Test
        void renamenxOnlyWhenTargetIsAbsent() {
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "2");
            assertEquals(ZERO, h.exec("RENAMENX", "a", "b"));
            assertEquals(ONE, h.exec("RENAMENX", "a", "c"));
            assertEquals(bulk("1"), h.exec("GET", "c"));
        }

        @Test
        void renameOntoAnExpiredKey() {
            h.exec("SET", "a", "1");
            setExpiredKey("b", "2");
            assertEquals(ONE, h.exec("RENAMENX", "a", "b"));
        }

        @Test
        void copyDuplicatesValueAndTtl() {
            setWithTtl("a", "1", 100);
            assertEquals(ONE, execAddingDirty(1, "COPY", "a", "b"));
            assertEquals(bulk("1"), h.exec("GET", "b"));
            assertEquals(":100\r\n", h.exec("TTL", "b"));
            assertEquals(ZERO, h.exec("COPY", "a", "b"));
            h.exec("SET", "a", "2");
            assertEquals(ONE, h.exec("COPY", "a", "b", "REPLACE"));
            assertEquals(bulk("2"), h.exec("GET", "b"));
            assertEquals(":-1\r\n", h.exec("TTL", "b"));
            assertEquals(ZERO, h.exec("COPY", "missing", "b"));
        }

        @Test
        void copyToAnotherDatabase() {
            h.exec("SET", "a", "1");
            assertEquals(ONE, h.exec("COPY", "a", "a", "DB", "3"));
            assertEquals(ZERO, h.exec("COPY", "a", "a", "db", "3"));
            assertEquals(ONE, h.exec("COPY", "a", "a", "db", "3", "replace"));
            h.client().select(3);
            assertEquals(bulk("1"), h.exec("GET", "a"));
        }

        @Test
        void copyErrors() {
            h.exec("SET", "a", "1");
            assertEquals(SAME_OBJECT, h.exec("COPY", "a", "a"));
            assertEquals(SAME_OBJECT, h.exec("COPY", "a", "a", "DB", "0"));
            assertEquals(DB_OUT_OF_RANGE, h.exec("COPY", "a", "b", "DB", "99"));
            assertEquals(DB_OUT_OF_RANGE, h.exec("COPY", "a", "b", "DB", "-1"));
            assertEquals(NOT_INT, h.exec("COPY", "a", "b", "DB", "x"));
            assertEquals(NOT_INT32,
                    h.exec("COPY", "a", "b", "DB", "2147483648"));
            assertEquals(SYNTAX, h.exec("COPY", "a", "b", "DB"));
            assertEquals(SYNTAX, h.exec("COPY", "a", "b", "foo"));
            assertEquals(arity("copy"), h.exec("COPY", "a"));
        }

        @Test
        void moveTransfersKeyWithTtl() {
            setWithTtl("a", "1", 100);
            assertEquals(ONE, execAddingDirty(1, "MOVE", "a", "1"));
            assertEquals(ZERO, h.exec("EXISTS", "a"));
            h.client().select(1);
            assertEquals(":100\r\n", h.exec("TTL", "a"));
            h.exec("SET", "b", "x");
            h.client().select(0);
            h.exec("SET", "b", "y");
            assertEquals(ZERO, h.exec("MOVE", "b", "1"), "target exists");
            assertEquals(ZERO, h.exec("MOVE", "missing", "1"));
        }

        @Test
        void moveErrors() {
            h.exec("SET", "a", "1");
            assertEquals(SAME_OBJECT, h.exec("MOVE", "a", "0"));
            assertEquals(DB_OUT_OF_RANGE, h.exec("MOVE", "a", "16"));
            assertEquals(NOT_INT, h.exec("MOVE", "a", "x"));
            assertEquals(NOT_INT32,
                    h.exec("MOVE", "a", "-2147483649"));
            assertEquals(arity("move"), h.exec("MOVE", "a"));
        }
    }

    @Nested
    class ObjectCommand {
        @Test
        void encodingOfStrings() {
            h.exec("SET", "n", "123");
            h.exec("SET", "neg", "-9223372036854775808");
            h.exec("SET", "lead", "0123");
            h.exec("SET", "e44", "a".repeat(44));
            h.exec("SET", "e45", "a".repeat(45));
            assertEquals("$3\r\nint\r\n", h.exec("OBJECT", "ENCODING", "n"));
            assertEquals("$3\r\nint\r\n", h.exec("OBJECT", "encoding", "neg"));
            assertEquals("$6\r\nembstr\r\n", h.exec("OBJECT", "ENCODING", "lead"));
            assertEquals("$6\r\nembstr\r\n", h.exec("OBJECT", "ENCODING", "e44"));
            assertEquals("$3\r\nraw\r\n", h.exec("OBJECT", "ENCODING", "e45"));
            assertEquals(NIL, h.exec("OBJECT", "ENCODING", "missing"));
        }

        @Test
        void refcountOfSharedIntegersAndOtherStrings() {
            h.exec("SET", "n", "123");
            h.exec("SET", "big", "10000");
            h.exec("SET", "s", "abc");
            assertEquals(":2147483647\r\n", h.exec("OBJECT", "REFCOUNT", "n"));
            assertEquals(ONE, h.exec("OBJECT", "REFCOUNT", "big"));
            assertEquals(ONE, h.exec("OBJECT", "REFCOUNT", "s"));
            assertEquals(NIL, h.exec("OBJECT", "REFCOUNT", "missing"));
        }

        @Test
        void aCopyOfASharedIntegerIsAnObjectOfItsOwn() {
            // Redis 7.0.15: COPY's dupStringObject makes a new int-encoded object (refcount 1); a
            // write that makes the value again shares it again.
            h.exec("SET", "n", "12");
            assertEquals(ONE, h.exec("COPY", "n", "m"));
            assertEquals(ONE, h.exec("OBJECT", "REFCOUNT", "m"));
            assertEquals("$3\r\nint\r\n", h.exec("OBJECT", "ENCODING", "m"));
            assertEquals(":2147483647\r\n", h.exec("OBJECT", "REFCOUNT", "n"));
            h.exec("INCR", "m");
            assertEquals(":2147483647\r\n", h.exec("OBJECT", "REFCOUNT", "m"));
        }

        @Test
        void idletimeAndFreqUnderDefaultPolicy() {
            h.exec("SET", "a", "1");
            h.clock().advance(12_345);
            assertEquals(":12\r\n", h.exec("OBJECT", "IDLETIME", "a"));
            assertEquals("-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note "
                    + "that when switching between policies at runtime LRU and LFU data will take some time to "
                    + "adjust.\r\n", h.exec("OBJECT", "FREQ", "a"));
            assertEquals(NIL, h.exec("OBJECT", "FREQ", "missing"), "the key is looked up first");
            assertEquals(NIL, h.exec("OBJECT", "IDLETIME", "missing"));
        }

        @Test
        void idletimeIsRefusedUnderAnLfuPolicy() {
            CommandHarness lfu = new CommandHarness();
            assertEquals("+OK\r\n", lfu.exec("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
            lfu.exec("SET", "a", "1");
            assertEquals("-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                    + "switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
                    lfu.exec("OBJECT", "IDLETIME", "a"));
            assertTrue(lfu.exec("OBJECT", "FREQ", "a").startsWith(":"));
        }

        @Test
        void help() {
            String reply = h.exec("OBJECT", "HELP");
            assertTrue(reply.startsWith("*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"
                    + "+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store "
                    + "the value\r\n"), reply);
            assertTrue(reply.endsWith("+HELP\r\n+    Prints this help.\r\n"), reply);
            assertEquals(arity("object|help"), h.exec("OBJECT", "HELP", "x"));
        }

        @Test
        void containerErrors() {
            assertEquals(arity("object"), h.exec("OBJECT"));
            assertEquals(arity("object|encoding"), h.exec("OBJECT", "ENCODING"));
            assertEquals(arity("object|freq"), h.exec("OBJECT", "FREQ", "a", "b"));
            assertEquals("-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n", h.exec("OBJECT", "foo", "a"));
        }
    }

    @Nested
    class NonStringValues {
        @Test
        void typeEncodingAndScanTypeComeFromTypedValue() {
            h.server().keyspace().db(0).add("l".getBytes(), new FakeList(List.of("a")));
            h.exec("SET", "s", "1");
            assertEquals("+list\r\n", h.exec("TYPE", "l"));
            assertEquals("$8\r\nlistpack\r\n", h.exec("OBJECT", "ENCODING", "l"));
            assertEquals(ONE, h.exec("OBJECT", "REFCOUNT", "l"));
            assertEquals("*2\r\n$1\r\n0\r\n*1\r\n$1\r\nl\r\n", h.exec("SCAN", "0", "TYPE", "LIST"));
        }

        @Test
        void copyDuplicatesTheValue() {
            FakeList original = new FakeList(new java.util.ArrayList<>(List.of("a")));
            h.server().keyspace().db(0).add("l".getBytes(), original);
            assertEquals(ONE, h.exec("COPY", "l", "m"));
            Object copied = h.server().keyspace().db(0).lookupQuiet("m".getBytes()).value();
            assertEquals(original, copied);
            assertFalse(copied == original, "COPY must not share the value");
            assertEquals("+list\r\n", h.exec("TYPE", "m"));
        }
    }

    @Nested
    class Databases {
        @Test
        void dbsizeCountsTheSelectedDatabase() {
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "1");
            assertEquals(":2\r\n", h.exec("DBSIZE"));
            h.client().select(1);
            assertEquals(ZERO, h.exec("DBSIZE"));
            assertEquals(arity("dbsize"), h.exec("DBSIZE", "x"));
        }

        @Test
        void flushdbEmptiesOnlyTheCurrentDatabaseAndCountsRemovedKeys() {
            h.exec("SET", "a", "1");
            h.exec("SET", "b", "1");
            h.client().select(1);
            h.exec("SET", "c", "1");
            long before = dirty();
            assertEquals(OK, h.exec("FLUSHDB"));
            assertEquals(before + 1, dirty());
            assertEquals(OK, h.exec("FLUSHDB", "ASYNC"));
            assertEquals(before + 1, dirty(), "an empty flush changes nothing");
            h.client().select(0);
            assertEquals(":2\r\n", h.exec("DBSIZE"));
            assertEquals(OK, h.exec("flushdb", "sync"));
            assertEquals(ZERO, h.exec("DBSIZE"));
        }

        @Test
        void flushallEmptiesEveryDatabase() {
            assertEquals(OK, h.exec("CONFIG", "SET", "save", ""));
            h.exec("SET", "a", "1");
            h.client().select(2);
            h.exec("SET", "b", "1");
            h.exec("SET", "c", "1");
            long before = dirty();
            assertEquals(OK, h.exec("FLUSHALL", "SYNC"));
            assertEquals(before + 3, dirty());
            assertEquals(OK, h.exec("FLUSHALL"));
            assertEquals(before + 3, dirty());
            assertEquals(0, h.server().keyspace().totalKeys());
        }

        @Test
        void flushallWithSavePointsSavesTheEmptiedDataset() {
            h.exec("SET", "a", "1");
            assertEquals(OK, h.exec("FLUSHALL"));
            assertEquals(0, dirty(), "rdbSave resets the changes since the last save");
            assertTrue(java.nio.file.Files.isRegularFile(
                    java.nio.file.Path.of(h.server().config().dir, "dump.rdb")));
        }

        @Test
        void flushArgumentErrors() {
            assertEquals(SYNTAX, h.exec("FLUSHDB", "foo"));
            assertEquals(SYNTAX, h.exec("FLUSHDB", "SYNC", "x"));
            assertEquals(SYNTAX, h.exec("FLUSHALL", "now"));
            assertEquals(SYNTAX, h.exec("FLUSHALL", "ASYNC", "ASYNC"));
        }

        @Test
        void swapdbExchangesContents() {
            setWithTtl("a", "1", 100);
            long before = dirty();
            assertEquals(OK, h.exec("SWAPDB", "0", "1"));
            assertEquals(before + 1, dirty());
            assertEquals(ZERO, h.exec("DBSIZE"));
            h.client().select(1);
            assertEquals(":100\r\n", h.exec("TTL", "a"));
            assertEquals(OK, h.exec("SWAPDB", "1", "1"));
            assertEquals(before + 2, dirty(), "swapping a database with itself still counts");
        }

        @Test
        void swapdbErrors() {
            assertEquals("-ERR invalid first DB index\r\n", h.exec("SWAPDB", "a", "1"));
            assertEquals("-ERR invalid second DB index\r\n", h.exec("SWAPDB", "0", "b"));
            assertEquals("-ERR invalid first DB index\r\n", h.exec("SWAPDB", "2147483648", "b"));
            assertEquals(DB_OUT_OF_RANGE, h.exec("SWAPDB", "0", "16"));
            assertEquals(DB_OUT_OF_RANGE, h.exec("SWAPDB", "-1", "0"));
            assertEquals(arity("swapdb"), h.exec("SWAPDB", "0"));
        }
    }

    @Nested
    class CommandTableEntries {
        private CommandSpec spec(String name) {
            return h.server().commandTable().lookup(name);
        }

        @Test
        void arityFlagsAndKeysFollowRedis() {
            assertEquals(-2, spec("del").arity());
            assertEquals(Set.of(CommandFlag.WRITE, CommandFlag.FAST), spec("unlink").flags());
            assertEquals(Set.of(CommandFlag.WRITE, CommandFlag.DENYOOM), spec("copy").flags());
            assertEquals(List.of(1, 2), spec("rename").keyPositions(3));
            assertEquals(List.of(1, 2, 3), spec("touch").keyPositions(4));
            assertEquals(List.of(), spec("keys").keyPositions(2));
            assertEquals("server", spec("swapdb").group());
            assertEquals("7.0.0", spec("expiretime").since());
            assertEquals("3.2.1", spec("touch").since());
            CommandSpec object = spec("object");
            assertEquals(Set.of("encoding", "freq", "help", "idletime", "refcount"), object.subcommands().keySet());
            assertEquals(3, object.subcommands().get("encoding").arity());
            assertEquals(List.of(2), object.subcommands().get("encoding").keyPositions(3));
            assertEquals("4.0.0", object.subcommands().get("freq").since());
            assertTrue(spec("keys").aclCategories().contains("dangerous"));
            assertTrue(spec("dbsize").aclCategories().contains("keyspace"));
            assertFalse(spec("dbsize").aclCategories().contains("dangerous"));
            assertEquals(Arrays.asList("object|help"), List.of(object.subcommands().get("help").fullName()));
        }
    }
}
