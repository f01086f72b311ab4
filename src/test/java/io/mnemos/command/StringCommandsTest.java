package io.mnemos.command;

import io.mnemos.store.Database;
import io.mnemos.store.Entry;
import io.mnemos.testing.CommandHarness;
import io.mnemos.testing.FakeList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static io.mnemos.command.CommandFlag.DENYOOM;
import static io.mnemos.command.CommandFlag.FAST;
import static io.mnemos.command.CommandFlag.READONLY;
import static io.mnemos.command.CommandFlag.WRITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** String commands, with the exact replies of redis 7.0.15. */
class StringCommandsTest {
    private static final String OK = "+OK\r\n";
    private static final String NIL = "$-1\r\n";
    private static final String EMPTY = "$0\r\n\r\n";
    private static final String WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
    private static final String SYNTAX = "-ERR syntax error\r\n";
    private static final String NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
    private static final String NOT_FLOAT = "-ERR value is not a valid float\r\n";
    private static final long NOW = 1_700_000_000_000L;

    private CommandHarness h;

    @BeforeEach
    void setUp() {
        h = new CommandHarness();
    }

    private static String bulk(String s) {
        return "$" + s.getBytes(StandardCharsets.UTF_8).length + "\r\n" + s + "\r\n";
    }

    private Database db() {
        return h.client().db();
    }

    private long dirty() {
        return h.server().keyspace().stats().dirty;
    }

    private long ttl(String key) {
        Entry e = db().lookupQuiet(key.getBytes(StandardCharsets.UTF_8));
        assertNotNull(e, key + " exists");
        return db().ttlMillis(e);
    }

    private boolean exists(String key) {
        return db().lookupQuiet(key.getBytes(StandardCharsets.UTF_8)) != null;
    }

    /** A list stand-in: Mnemos has no list commands here, but wrong-type paths must still match Redis. */
    private void putList(String key) {
        db().add(key.getBytes(StandardCharsets.UTF_8), new FakeList(List.of()));
    }

    @Nested
    class GetCommand {
        @Test
        void returnsTheValueOrNil() {
            assertEquals(NIL, h.exec("GET", "k"));
            h.exec("SET", "k", "hello");
            assertEquals(bulk("hello"), h.exec("GET", "k"));
        }

        @Test
        void wrongTypeAndArity() {
            putList("l");
            assertEquals(WRONGTYPE, h.exec("GET", "l"));
            assertEquals("-ERR wrong number of arguments for 'get' command\r\n", h.exec("GET", "a", "b"));
        }

        @Test
        void isNullInResp3() {
            h.client().protocol(3);
            assertEquals("_\r\n", h.exec("GET", "k"));
        }
    }

    @Nested
    class SetCommand {
        @Test
        void storesAndOverwritesAnyType() {
            assertEquals(OK, h.exec("SET", "k", "v"));
            putList("l");
            assertEquals(OK, h.exec("SET", "l", "v"));
            assertEquals(bulk("v"), h.exec("GET", "l"));
            assertEquals(2, dirty());
        }

        @Test
        void nxAndXx() {
            assertEquals(NIL, h.exec("SET", "k", "v", "XX"));
            assertEquals(OK, h.exec("SET", "k", "v", "nx"));
            assertEquals(NIL, h.exec("SET", "k", "v2", "NX"));
            assertEquals(OK, h.exec("SET", "k", "v3", "xx"));
            assertEquals(bulk("v3"), h.exec("GET", "k"));
            assertEquals(2, dirty());
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "NX", "XX"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "XX", "NX"));
            assertEquals(bulk("v3"), h.exec("SET", "k", "v", "NX", "NX", "GET"));
        }

        @Test
        void getReturnsTheOldValue() {
            assertEquals(NIL, h.exec("SET", "k", "v", "GET"));
            assertEquals(bulk("v"), h.exec("SET", "k", "v2", "GET"));
            // With NX the old value is still returned while nothing is set.
            assertEquals(bulk("v2"), h.exec("SET", "k", "v3", "NX", "GET"));
            assertEquals(NIL, h.exec("SET", "k2", "v", "XX", "GET"));
            assertEquals(bulk("v2"), h.exec("GET", "k"));
            assertEquals(NIL, h.exec("GET", "k2"));
        }

        @Test
        void getOnAnotherTypeIsWrongTypeAndSetsNothing() {
            putList("l");
            assertEquals(WRONGTYPE, h.exec("SET", "l", "v", "GET"));
            assertEquals(WRONGTYPE, h.exec("SET", "l", "v", "NX", "GET"));
            assertEquals(WRONGTYPE, h.exec("GET", "l"));
            // The expire time is validated before the type.
            assertEquals("-ERR invalid expire time in 'set' command\r\n", h.exec("SET", "l", "v", "EX", "0", "GET"));
            assertEquals(0, dirty());
        }

        @Test
        void expiryOptions() {
            h.exec("SET", "ex", "v", "EX", "10");
            h.exec("SET", "px", "v", "px", "1500");
            h.exec("SET", "exat", "v", "EXAT", Long.toString(NOW / 1000 + 20));
            h.exec("SET", "pxat", "v", "PXAT", Long.toString(NOW + 2500));
            assertEquals(10_000, ttl("ex"));
            assertEquals(1_500, ttl("px"));
            assertEquals(20_000, ttl("exat"));
            assertEquals(2_500, ttl("pxat"));
            // Stepping over the exact expiry millisecond, whose treatment is the keyspace's business.
            h.clock().advance(1_499);
            assertEquals(bulk("v"), h.exec("GET", "px"));
            h.clock().advance(2);
            assertEquals(NIL, h.exec("GET", "px"));
            assertEquals(bulk("v"), h.exec("GET", "ex"));
            h.clock().advance(8_500);
            assertEquals(NIL, h.exec("GET", "ex"));
        }

        @Test
        void repeatedExpiryOptionOfTheSameKindTakesTheLast() {
            assertEquals(OK, h.exec("SET", "k", "v", "EX", "10", "EX", "20"));
            assertEquals(20_000, ttl("k"));
        }

        @Test
        void setClearsTheTtlUnlessKeepTtl() {
            h.exec("SET", "k", "v", "EX", "100");
            assertEquals(OK, h.exec("SET", "k", "v2", "KEEPTTL"));
            assertEquals(100_000, ttl("k"));
            assertEquals(OK, h.exec("SET", "k", "v3"));
            assertEquals(-1, ttl("k"));
        }

        @Test
        void absoluteTimeInThePastRemovesTheKey() {
            h.exec("SET", "k", "old");
            assertEquals(OK, h.exec("SET", "k", "v", "EXAT", "1"));
            assertEquals(NIL, h.exec("GET", "k"));
            assertEquals(OK, h.exec("SET", "k", "v", "PXAT", Long.toString(NOW - 1)));
            assertEquals(NIL, h.exec("GET", "k"));
            assertEquals(3, dirty());
        }

        @Test
        void optionConflictsAreSyntaxErrors() {
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "KEEPTTL", "PX", "100"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "EX", "100", "KEEPTTL"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "EX", "100", "PXAT", "100"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "PX", "100", "EX", "100"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "EXAT", "100", "PX", "100"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "GET", "EX"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "PERSIST"));
            assertEquals(SYNTAX, h.exec("SET", "k", "v", "bogus"));
            assertEquals(0, dirty());
            assertEquals(NIL, h.exec("GET", "k"));
        }

        @Test
        void optionsAreReadAsCStrings() {
            // Redis compares option bytes up to the first NUL.
            byte[][] argv = {"SET".getBytes(), "k".getBytes(), "v".getBytes(), "NX\0junk".getBytes()};
            assertEquals(OK, h.exec(h.client(), argv));
        }

        @Test
        void invalidExpireTimes() {
            String err = "-ERR invalid expire time in 'set' command\r\n";
            assertEquals(NOT_INTEGER, h.exec("SET", "k", "v", "EX", "abc"));
            assertEquals(NOT_INTEGER, h.exec("SET", "k", "v", "PX", "1.5"));
            assertEquals(err, h.exec("SET", "k", "v", "EX", "0"));
            assertEquals(err, h.exec("SET", "k", "v", "PX", "-5"));
            assertEquals(err, h.exec("SET", "k", "v", "EXAT", "0"));
            assertEquals(err, h.exec("SET", "k", "v", "PXAT", "-1"));
            // Seconds that overflow when multiplied by 1000, relative times that overflow when added to now.
            assertEquals(err, h.exec("SET", "k", "v", "EX", "9223372036854776"));
            assertEquals(err, h.exec("SET", "k", "v", "EX", "9223372036854775"));
            assertEquals(err, h.exec("SET", "k", "v", "PX", "9223372036854775807"));
            assertEquals(err, h.exec("SET", "k", "v", "EXAT", "9223372036854776"));
            assertEquals(OK, h.exec("SET", "k", "v", "PXAT", "9223372036854775807"));
            assertEquals(OK, h.exec("SET", "k", "v", "EXAT", "9223372036854775"));
        }

        @Test
        void arity() {
            assertEquals("-ERR wrong number of arguments for 'set' command\r\n", h.exec("SET", "k"));
        }
    }

    @Nested
    class SetNxSetExPSetEx {
        @Test
        void setnxRepliesOneOrZeroAndIgnoresTheType() {
            assertEquals(":1\r\n", h.exec("SETNX", "k", "v"));
            assertEquals(":0\r\n", h.exec("SETNX", "k", "v2"));
            putList("l");
            assertEquals(":0\r\n", h.exec("SETNX", "l", "v"));
            assertEquals(bulk("v"), h.exec("GET", "k"));
            assertEquals(1, dirty());
        }

        @Test
        void setexAndPsetex() {
            assertEquals(OK, h.exec("SETEX", "k", "100", "v"));
            assertEquals(100_000, ttl("k"));
            assertEquals(OK, h.exec("PSETEX", "p", "1500", "v"));
            assertEquals(1_500, ttl("p"));
            assertEquals(bulk("v"), h.exec("GET", "p"));
            assertEquals(2, dirty());
        }

        @Test
        void setexErrorsNameTheCommand() {
            assertEquals(NOT_INTEGER, h.exec("SETEX", "k", "abc", "v"));
            assertEquals("-ERR invalid expire time in 'setex' command\r\n", h.exec("SETEX", "k", "0", "v"));
            assertEquals("-ERR invalid expire time in 'setex' command\r\n",
                    h.exec("SETEX", "k", "9223372036854775", "v"));
            assertEquals("-ERR invalid expire time in 'psetex' command\r\n", h.exec("PSETEX", "k", "-1", "v"));
            assertEquals("-ERR wrong number of arguments for 'setex' command\r\n", h.exec("SETEX", "k", "1"));
            assertEquals(0, dirty());
        }
    }

    @Nested
    class GetSetGetDel {
        @Test
        void getsetReturnsOldValueAndClearsTtl() {
            assertEquals(NIL, h.exec("GETSET", "k", "v"));
            h.exec("SET", "k", "v", "EX", "100");
            assertEquals(bulk("v"), h.exec("GETSET", "k", "nv"));
            assertEquals(-1, ttl("k"));
            assertEquals(bulk("nv"), h.exec("GET", "k"));
            putList("l");
            assertEquals(WRONGTYPE, h.exec("GETSET", "l", "v"));
        }

        @Test
        void getdel() {
            h.exec("SET", "k", "v");
            long before = dirty();
            assertEquals(bulk("v"), h.exec("GETDEL", "k"));
            assertEquals(NIL, h.exec("GETDEL", "k"));
            assertEquals(before + 1, dirty());
            putList("l");
            assertEquals(WRONGTYPE, h.exec("GETDEL", "l"));
            assertEquals(true, exists("l"));
        }
    }

    @Nested
    class GetEx {
        @Test
        void withoutOptionsIsGet() {
            h.exec("SET", "k", "v", "EX", "100");
            assertEquals(bulk("v"), h.exec("GETEX", "k"));
            assertEquals(100_000, ttl("k"));
            assertEquals(NIL, h.exec("GETEX", "missing"));
        }

        @Test
        void setsOrRemovesTheTtl() {
            h.exec("SET", "k", "v");
            long before = dirty();
            assertEquals(bulk("v"), h.exec("GETEX", "k", "EX", "100"));
            assertEquals(100_000, ttl("k"));
            assertEquals(bulk("v"), h.exec("GETEX", "k", "px", "500"));
            assertEquals(500, ttl("k"));
            assertEquals(bulk("v"), h.exec("GETEX", "k", "EXAT", Long.toString(NOW / 1000 + 7)));
            assertEquals(7_000, ttl("k"));
            assertEquals(bulk("v"), h.exec("GETEX", "k", "PXAT", Long.toString(NOW + 9)));
            assertEquals(9, ttl("k"));
            assertEquals(bulk("v"), h.exec("GETEX", "k", "PERSIST"));
            assertEquals(-1, ttl("k"));
            assertEquals(before + 5, dirty());
            // PERSIST on a key without TTL changes nothing.
            assertEquals(bulk("v"), h.exec("GETEX", "k", "PERSIST"));
            assertEquals(before + 5, dirty());
        }

        @Test
        void absoluteTimeInThePastDeletesTheKeyAtOnce() {
            h.exec("SET", "k", "v");
            long before = dirty();
            assertEquals(bulk("v"), h.exec("GETEX", "k", "PXAT", "1"));
            assertEquals(false, exists("k"));
            assertEquals(0, db().size());
            assertEquals(before + 1, dirty());
        }

        @Test
        void optionErrors() {
            h.exec("SET", "k", "v");
            assertEquals(SYNTAX, h.exec("GETEX", "k", "EX", "100", "PX", "100"));
            assertEquals(SYNTAX, h.exec("GETEX", "k", "PX", "100", "EX", "100"));
            assertEquals(SYNTAX, h.exec("GETEX", "k", "PERSIST", "EX", "100"));
            assertEquals(SYNTAX, h.exec("GETEX", "k", "KEEPTTL"));
            assertEquals(SYNTAX, h.exec("GETEX", "k", "NX"));
            assertEquals(SYNTAX, h.exec("GETEX", "k", "GET"));
            assertEquals(SYNTAX, h.exec("GETEX", "k", "EX"));
            assertEquals(NOT_INTEGER, h.exec("GETEX", "k", "EX", "abc"));
            assertEquals("-ERR invalid expire time in 'getex' command\r\n", h.exec("GETEX", "k", "EX", "0"));
            assertEquals("-ERR wrong number of arguments for 'getex' command\r\n", h.exec("GETEX"));
        }

        @Test
        void missingKeyIsNilEvenWithABadExpireButNotWithBadSyntax() {
            assertEquals(NIL, h.exec("GETEX", "missing", "EX", "0"));
            assertEquals(SYNTAX, h.exec("GETEX", "missing", "foo"));
        }

        @Test
        void wrongTypeComesAfterSyntaxButBeforeTheExpireValue() {
            putList("l");
            assertEquals(SYNTAX, h.exec("GETEX", "l", "foo"));
            assertEquals(WRONGTYPE, h.exec("GETEX", "l", "EX", "0"));
            assertEquals(WRONGTYPE, h.exec("GETEX", "l"));
        }
    }

    @Nested
    class MgetMsetMsetnx {
        @Test
        void mgetReturnsNilForMissingAndOtherTypes() {
            h.exec("SET", "a", "1");
            putList("l");
            assertEquals("*3\r\n$1\r\n1\r\n$-1\r\n$-1\r\n", h.exec("MGET", "a", "l", "missing"));
            h.client().protocol(3);
            assertEquals("*2\r\n$1\r\n1\r\n_\r\n", h.exec("MGET", "a", "missing"));
        }

        @Test
        void msetSetsAllAndCountsEachKeyDirty() {
            h.exec("SET", "a", "x", "EX", "100");
            long before = dirty();
            assertEquals(OK, h.exec("MSET", "a", "1", "b", "2", "a", "3"));
            assertEquals(before + 3, dirty());
            assertEquals("*2\r\n$1\r\n3\r\n$1\r\n2\r\n", h.exec("MGET", "a", "b"));
            assertEquals(-1, ttl("a"));
        }

        @Test
        void msetOddArgumentsIsAnArityError() {
            assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", h.exec("MSET", "a", "1", "b"));
            assertEquals("-ERR wrong number of arguments for 'msetnx' command\r\n", h.exec("MSETNX", "a", "1", "b"));
            assertEquals("-ERR wrong number of arguments for 'mset' command\r\n", h.exec("MSET", "a"));
        }

        @Test
        void msetnxSetsNothingIfAnyKeyExists() {
            h.exec("SET", "a", "1");
            long before = dirty();
            assertEquals(":0\r\n", h.exec("MSETNX", "c", "3", "a", "2"));
            assertEquals(NIL, h.exec("GET", "c"));
            assertEquals(before, dirty());
            assertEquals(":1\r\n", h.exec("MSETNX", "c", "3", "d", "4"));
            assertEquals(before + 2, dirty());
            putList("l");
            assertEquals(":0\r\n", h.exec("MSETNX", "l", "v"));
        }
    }

    @Nested
    class AppendStrlen {
        @Test
        void appendCreatesOrExtends() {
            assertEquals(":5\r\n", h.exec("APPEND", "k", "hello"));
            assertEquals(":11\r\n", h.exec("APPEND", "k", " world"));
            assertEquals(bulk("hello world"), h.exec("GET", "k"));
            assertEquals(":11\r\n", h.exec("APPEND", "k", ""));
            assertEquals(3, dirty());
        }

        @Test
        void appendKeepsTheTtl() {
            h.exec("SET", "k", "a", "EX", "100");
            h.exec("APPEND", "k", "b");
            assertEquals(100_000, ttl("k"));
        }

        @Test
        void strlen() {
            assertEquals(":0\r\n", h.exec("STRLEN", "k"));
            h.exec("SET", "k", "h\u00e9llo");
            assertEquals(":6\r\n", h.exec("STRLEN", "k"));
        }

        @Test
        void wrongType() {
            putList("l");
            assertEquals(WRONGTYPE, h.exec("APPEND", "l", "x"));
            assertEquals(WRONGTYPE, h.exec("STRLEN", "l"));
        }
    }

    @Nested
    class IncrDecr {
        @Test
        void countsFromZero() {
            assertEquals(":1\r\n", h.exec("INCR", "i"));
            assertEquals(":2\r\n", h.exec("INCR", "i"));
            assertEquals(":1\r\n", h.exec("DECR", "i"));
            assertEquals(":11\r\n", h.exec("INCRBY", "i", "10"));
            assertEquals(":-9\r\n", h.exec("DECRBY", "i", "20"));
            assertEquals(bulk("-9"), h.exec("GET", "i"));
            assertEquals(5, dirty());
        }

        @Test
        void keepsTheTtl() {
            h.exec("SET", "i", "5", "EX", "100");
            h.exec("INCR", "i");
            assertEquals(100_000, ttl("i"));
        }

        @Test
        void rejectsNonIntegers() {
            assertEquals(NOT_INTEGER, h.exec("INCRBY", "i", "abc"));
            assertEquals(NOT_INTEGER, h.exec("DECRBY", "i", "1.5"));
            assertEquals(NOT_INTEGER, h.exec("INCRBY", "i", "9223372036854775808"));
            for (String bad : new String[] {"abc", " 1", "1 ", "+1", "-0", "01", "1.0", ""}) {
                h.exec("SET", "s", bad);
                assertEquals(NOT_INTEGER, h.exec("INCR", "s"), bad);
            }
        }

        @Test
        void overflow() {
            h.exec("SET", "i", "9223372036854775807");
            assertEquals("-ERR increment or decrement would overflow\r\n", h.exec("INCR", "i"));
            h.exec("SET", "i", "-9223372036854775808");
            assertEquals("-ERR increment or decrement would overflow\r\n", h.exec("DECR", "i"));
            assertEquals("-ERR increment or decrement would overflow\r\n",
                    h.exec("DECRBY", "i", "9223372036854775807"));
            assertEquals("-ERR decrement would overflow\r\n", h.exec("DECRBY", "i", "-9223372036854775808"));
            assertEquals(":-1\r\n", h.exec("INCRBY", "i", "9223372036854775807"));
        }

        @Test
        void wrongTypeComesAfterTheIncrementIsParsed() {
            putList("l");
            assertEquals(WRONGTYPE, h.exec("INCR", "l"));
            assertEquals(WRONGTYPE, h.exec("DECR", "l"));
            assertEquals(NOT_INTEGER, h.exec("INCRBY", "l", "abc"));
            assertEquals(WRONGTYPE, h.exec("INCRBY", "l", "1"));
            assertEquals(NOT_INTEGER, h.exec("DECRBY", "l", "abc"));
            assertEquals(WRONGTYPE, h.exec("DECRBY", "l", "1"));
        }
    }

    @Nested
    class IncrByFloat {
        @Test
        void formatsLikeRedisLongDouble() {
            h.exec("SET", "f", "10.5");
            assertEquals(bulk("10.6"), h.exec("INCRBYFLOAT", "f", "0.1"));
            assertEquals(bulk("-4989.39999999999999991"), h.exec("INCRBYFLOAT", "f", "-5.0e3"));
            assertEquals(bulk("3000"), h.exec("INCRBYFLOAT", "n", "3.0e3"));
            assertEquals(bulk("3010.60000000000000009"), h.exec("INCRBYFLOAT", "n", "10.6"));
            assertEquals(bulk("16"), h.exec("INCRBYFLOAT", "h", "0x10"));
            assertEquals(bulk("16.000015"), h.exec("INCRBYFLOAT", "h", "1.5e-5"));
            assertEquals(bulk("5200"), h.exec("INCRBYFLOAT", "m", "5200"));
            assertEquals(bulk("3010.60000000000000009"), h.exec("GET", "n"));
        }

        @Test
        void tinyAndHugeValuesUseFixedNotation() {
            assertEquals(bulk("0"), h.exec("INCRBYFLOAT", "t", "1e-20"));
            assertEquals(bulk("0"), h.exec("INCRBYFLOAT", "u", "-1e-20"));
            String r = h.exec("INCRBYFLOAT", "big", "1e400");
            assertEquals("$401\r\n"
                    + "100000000000000000002818806839475865145864534336290520386259106935396855340086298620393639"
                    + "948483241605220940539273176162002958227772592557340238289765933406610177974474345461739178"
                    + "624481166749717237789438243915933380474706750262466844013592375136038303437354855052449559"
                    + "649790218250382800910684149474024568986530409510175126580926158275889201834725116433165913"
                    + "62664138176309734806343732497430221946880"
                    + "\r\n", r);
        }

        @Test
        void rejectsInvalidFloats() {
            h.exec("SET", "s", "abc");
            long before = dirty();
            for (String bad : new String[] {"abc", "", " 1", "1 ", "1e", "nan", "1e5000", "1e-5000", "0x", "1,5"}) {
                assertEquals(NOT_FLOAT, h.exec("INCRBYFLOAT", "f", bad), bad);
            }
            assertEquals(NOT_FLOAT, h.exec("INCRBYFLOAT", "s", "1"));
            byte[][] nul = {"INCRBYFLOAT".getBytes(), "f".getBytes(), "1\0x".getBytes()};
            assertEquals(NOT_FLOAT, h.exec(h.client(), nul));
            assertEquals(before, dirty());
        }

        @Test
        void infinityIsParsedButRefused() {
            String err = "-ERR increment would produce NaN or Infinity\r\n";
            assertEquals(err, h.exec("INCRBYFLOAT", "f", "inf"));
            assertEquals(err, h.exec("INCRBYFLOAT", "f", "-Infinity"));
            h.exec("SET", "i", "inf");
            assertEquals(err, h.exec("INCRBYFLOAT", "i", "-inf"));
            assertEquals(err, h.exec("INCRBYFLOAT", "i", "1"));
        }

        @Test
        void wrongTypeBeforeParsing() {
            putList("l");
            assertEquals(WRONGTYPE, h.exec("INCRBYFLOAT", "l", "abc"));
        }

        @Test
        void keepsTheTtl() {
            h.exec("SET", "f", "1", "PX", "5000");
            assertEquals(bulk("1.5"), h.exec("INCRBYFLOAT", "f", "0.5"));
            assertEquals(5_000, ttl("f"));
        }
    }

    @Nested
    class GetRangeSubstr {
        @BeforeEach
        void value() {
            h.exec("SET", "s", "This is a string");
        }

        @Test
        void ranges() {
            assertEquals(bulk("This"), h.exec("GETRANGE", "s", "0", "3"));
            assertEquals(bulk("ing"), h.exec("GETRANGE", "s", "-3", "-1"));
            assertEquals(bulk("This is a string"), h.exec("GETRANGE", "s", "0", "-1"));
            assertEquals(bulk("string"), h.exec("GETRANGE", "s", "10", "100"));
            assertEquals(bulk("This is a string"), h.exec("GETRANGE", "s", "-100", "100"));
            assertEquals(EMPTY, h.exec("GETRANGE", "s", "5", "3"));
            assertEquals(EMPTY, h.exec("GETRANGE", "s", "-1", "-5"));
            assertEquals(EMPTY, h.exec("GETRANGE", "s", "100", "200"));
            assertEquals(bulk("T"), h.exec("GETRANGE", "s", "-9223372036854775808", "0"));
            assertEquals(EMPTY, h.exec("GETRANGE", "missing", "0", "10"));
            assertEquals(bulk("This"), h.exec("SUBSTR", "s", "0", "3"));
            h.exec("SET", "e", "");
            assertEquals(EMPTY, h.exec("GETRANGE", "e", "0", "-1"));
        }

        @Test
        void outOfRangeIndexesLikeTheRedisTestSuite() {
            h.exec("SET", "m", "Hello World");
            assertEquals(bulk("H"), h.exec("GETRANGE", "m", "0", "-100"));
            assertEquals(EMPTY, h.exec("GETRANGE", "m", "1", "-100"));
            assertEquals(EMPTY, h.exec("GETRANGE", "m", "-1", "-100"));
            assertEquals(bulk("H"), h.exec("GETRANGE", "m", "-100", "-99"));
            assertEquals(bulk("H"), h.exec("GETRANGE", "m", "-100", "-100"));
            assertEquals(EMPTY, h.exec("GETRANGE", "m", "-100", "-101"));
            h.exec("SET", "foo", "bar");
            assertEquals(bulk("bar"), h.exec("GETRANGE", "foo", "0", "4294967297"));
        }

        @Test
        void errorsInRedisOrder() {
            assertEquals(NOT_INTEGER, h.exec("GETRANGE", "s", "a", "1"));
            assertEquals(NOT_INTEGER, h.exec("GETRANGE", "s", "0", "b"));
            putList("l");
            assertEquals(NOT_INTEGER, h.exec("GETRANGE", "l", "a", "0"));
            assertEquals(WRONGTYPE, h.exec("GETRANGE", "l", "0", "1"));
            assertEquals(WRONGTYPE, h.exec("SUBSTR", "l", "0", "1"));
            assertEquals("-ERR wrong number of arguments for 'substr' command\r\n", h.exec("SUBSTR", "s", "0"));
        }
    }

    @Nested
    class SetRange {
        @Test
        void padsWithZeroBytes() {
            assertEquals(":11\r\n", h.exec("SETRANGE", "k", "6", "Redis"));
            assertEquals(bulk("\0\0\0\0\0\0Redis"), h.exec("GET", "k"));
            h.exec("SET", "h", "Hello World");
            assertEquals(":11\r\n", h.exec("SETRANGE", "h", "6", "Redis"));
            assertEquals(bulk("Hello Redis"), h.exec("GET", "h"));
            assertEquals(":13\r\n", h.exec("SETRANGE", "h", "10", "!!!"));
            assertEquals(bulk("Hello Redi!!!"), h.exec("GET", "h"));
        }

        @Test
        void emptyValueChangesNothing() {
            long before = dirty();
            assertEquals(":0\r\n", h.exec("SETRANGE", "k", "0", ""));
            assertEquals(false, exists("k"));
            h.exec("SET", "h", "hello");
            assertEquals(":5\r\n", h.exec("SETRANGE", "h", "100", ""));
            assertEquals(":5\r\n", h.exec("SETRANGE", "h", "536870912", ""));
            assertEquals(before + 1, dirty());
        }

        @Test
        void errors() {
            h.exec("SET", "h", "hello");
            assertEquals("-ERR offset is out of range\r\n", h.exec("SETRANGE", "h", "-1", "x"));
            assertEquals(NOT_INTEGER, h.exec("SETRANGE", "h", "a", "x"));
            String tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
            assertEquals(tooBig, h.exec("SETRANGE", "h", "536870912", "x"));
            assertEquals(tooBig, h.exec("SETRANGE", "new", "536870912", "x"));
            assertEquals(tooBig, h.exec("SETRANGE", "h", "9223372036854775807", "x"));
            assertEquals(false, exists("new"));
            putList("l");
            assertEquals("-ERR offset is out of range\r\n", h.exec("SETRANGE", "l", "-1", "x"));
            assertEquals(WRONGTYPE, h.exec("SETRANGE", "l", "0", ""));
            assertEquals(WRONGTYPE, h.exec("SETRANGE", "l", "0", "x"));
        }

        @Test
        void honoursProtoMaxBulkLen() {
            h.server().config().protoMaxBulkLen = 1024 * 1024;
            assertEquals(":1048576\r\n", h.exec("SETRANGE", "k", "1048575", "x"));
            assertEquals("-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
                    h.exec("APPEND", "k", "y"));
        }
    }

    @Nested
    class Lcs {
        @BeforeEach
        void values() {
            h.exec("SET", "key1", "ohmytext");
            h.exec("SET", "key2", "mynewtext");
        }

        @Test
        void stringAndLength() {
            assertEquals(bulk("mytext"), h.exec("LCS", "key1", "key2"));
            assertEquals(":6\r\n", h.exec("LCS", "key1", "key2", "LEN"));
            assertEquals(EMPTY, h.exec("LCS", "key1", "missing"));
            assertEquals(":0\r\n", h.exec("LCS", "missing", "missing", "len"));
        }

        @Test
        void indexes() {
            assertEquals("*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n"
                    + "*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
                    h.exec("LCS", "key1", "key2", "IDX"));
            assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
                    h.exec("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"));
            assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
                    + "$3\r\nlen\r\n:6\r\n",
                    h.exec("LCS", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"));
            assertEquals("*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", h.exec("LCS", "key1", "missing", "IDX"));
        }

        @Test
        void theTableIsBoundedByProtoMaxBulkLen() {
            h.exec("CONFIG", "SET", "proto-max-bulk-len", "1048576");
            h.exec("SET", "a", "a".repeat(600));
            h.exec("SET", "b", "b".repeat(600));
            // 601 * 601 cells of 4 bytes exceed 1 MiB (Redis 7.0.15's reply)
            assertEquals("-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
                    h.exec("LCS", "a", "b", "LEN"));
            h.exec("SET", "b", "b".repeat(400));
            assertEquals(":0\r\n", h.exec("LCS", "a", "b", "LEN"));
        }

        @Test
        void redisTestSuiteRnaSequences() {
            h.exec("SET", "v1", "CACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGCTGTCACTCGGCTG"
                    + "CATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGCTTACGGTTTCGT"
                    + "CCGTGTTGCAGCCGATCATCAGCACATCTAGGTTTCGTCCGGGTGTG");
            h.exec("SET", "v2", "ATTAAAGGTTTATACCTTCCCAGGTAACAAACCAACCAACTTTCGATCTCTTGTAGATCTGTTCTCTAAACGAACTTTAAAATCTGTGTGGC"
                    + "TGTCACTCGGCTGCATGCTTAGTGCACTCACGCAGTATAATTAATAACTAATTACTGTCGTTGACAGGACACGAGTAACTCGTCTATCTTCTGCAGGCTGC"
                    + "TTACGGTTTCGTCCGTGTTGCAGCCGATCATCAGCACATCTAGGTTT");
            assertEquals("*4\r\n$7\r\nmatches\r\n*5\r\n"
                    + "*3\r\n*2\r\n:238\r\n:238\r\n*2\r\n:239\r\n:239\r\n:1\r\n"
                    + "*3\r\n*2\r\n:236\r\n:236\r\n*2\r\n:238\r\n:238\r\n:1\r\n"
                    + "*3\r\n*2\r\n:229\r\n:230\r\n*2\r\n:236\r\n:237\r\n:2\r\n"
                    + "*3\r\n*2\r\n:224\r\n:224\r\n*2\r\n:235\r\n:235\r\n:1\r\n"
                    + "*3\r\n*2\r\n:1\r\n:222\r\n*2\r\n:13\r\n:234\r\n:222\r\n"
                    + "$3\r\nlen\r\n:227\r\n", h.exec("LCS", "v1", "v2", "IDX", "WITHMATCHLEN"));
            assertEquals("*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:1\r\n:222\r\n*2\r\n:13\r\n:234\r\n:222\r\n"
                    + "$3\r\nlen\r\n:227\r\n", h.exec("LCS", "v1", "v2", "IDX", "WITHMATCHLEN", "MINMATCHLEN", "5"));
        }

        @Test
        void indexesAreAMapInResp3() {
            h.client().protocol(3);
            assertEquals("%2\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n"
                    + "*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
                    h.exec("LCS", "key1", "key2", "IDX", "WITHMATCHLEN"));
            assertEquals("%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n", h.exec("LCS", "key1", "missing", "IDX"));
        }

        @Test
        void errors() {
            assertEquals("-ERR If you want both the length and indexes, please just use IDX.\r\n",
                    h.exec("LCS", "key1", "key2", "IDX", "LEN"));
            assertEquals(SYNTAX, h.exec("LCS", "key1", "key2", "foo"));
            assertEquals(SYNTAX, h.exec("LCS", "key1", "key2", "MINMATCHLEN"));
            assertEquals(NOT_INTEGER, h.exec("LCS", "key1", "key2", "MINMATCHLEN", "x"));
            assertEquals("-ERR wrong number of arguments for 'lcs' command\r\n", h.exec("LCS", "key1"));
            putList("l");
            assertEquals("-ERR The specified keys must contain string values\r\n", h.exec("LCS", "l", "key1"));
            assertEquals("-ERR The specified keys must contain string values\r\n",
                    h.exec("LCS", "key1", "l", "IDX", "LEN"));
        }
    }

    @Nested
    class KeyspaceStatistics {
        @Test
        void readLookupsCountHitsAndMissesWriteLookupsDoNot() {
            // The same sequence gives keyspace_hits:8 and keyspace_misses:5 on redis 7.0.15.
            for (String[] cmd : new String[][] {
                {"SET", "a", "1"}, {"SET", "a", "2", "GET"}, {"SET", "b", "1", "GET"}, {"GET", "a"},
                {"MGET", "a", "x", "y"}, {"INCR", "a"}, {"APPEND", "a", "x"}, {"SETRANGE", "a", "0", "y"},
                {"GETEX", "a"}, {"GETDEL", "a"}, {"GETSET", "a", "v"}, {"STRLEN", "a"}, {"GETRANGE", "a", "0", "1"},
                {"LCS", "a", "zz"}, {"INCRBYFLOAT", "f", "1"}, {"SETNX", "a", "1"}, {"MSETNX", "a", "1"},
                {"SET", "a", "1", "NX"}}) {
                h.exec(cmd);
            }
            assertEquals(8, h.server().keyspace().stats().hits);
            assertEquals(5, h.server().keyspace().stats().misses);
        }

        @Test
        void wrongTypeReadsStillCountAHit() {
            putList("l");
            for (String[] cmd : new String[][] {
                {"GET", "l"}, {"STRLEN", "l"}, {"GETSET", "l", "v"}, {"GETDEL", "l"}, {"GETRANGE", "l", "0", "1"},
                {"GETEX", "l"}, {"SET", "l", "v", "GET"}, {"MGET", "l"}}) {
                h.exec(cmd);
            }
            // keyspace_hits:8 keyspace_misses:0 on redis 7.0.15.
            assertEquals(8, h.server().keyspace().stats().hits);
            assertEquals(0, h.server().keyspace().stats().misses);
        }
    }

    @Nested
    class Dirty {
        @Test
        void countsChangesExactlyAsRedis() {
            // The same sequence gives rdb_changes_since_last_save:22 on redis 7.0.15.
            for (String[] cmd : new String[][] {
                {"SET", "a", "1"}, {"SET", "a", "1", "NX"}, {"SET", "a", "2", "XX", "GET"}, {"SET", "a", "1", "PXAT", "1"},
                {"SETNX", "a", "1"}, {"SETNX", "a", "1"}, {"SETEX", "b", "100", "v"}, {"PSETEX", "b", "0", "v"},
                {"GETSET", "b", "v"}, {"GETDEL", "b"}, {"GETDEL", "b"}, {"SET", "c", "v"}, {"GETEX", "c"},
                {"GETEX", "c", "EX", "100"}, {"GETEX", "c", "PERSIST"}, {"GETEX", "c", "PERSIST"},
                {"GETEX", "c", "PXAT", "1"}, {"MSET", "a", "1", "b", "2", "c", "3"}, {"MSETNX", "a", "1", "d", "2"},
                {"MSETNX", "d", "1", "e", "2"}, {"APPEND", "a", "x"}, {"APPEND", "a", ""}, {"INCR", "n"},
                {"INCRBY", "n", "abc"}, {"DECRBY", "n", "5"}, {"INCRBYFLOAT", "n", "1.5"},
                {"INCRBYFLOAT", "n", "inf"}, {"SETRANGE", "a", "0", ""}, {"SETRANGE", "a", "0", "z"},
                {"SETRANGE", "z", "0", ""}, {"LCS", "a", "b"}, {"GETRANGE", "a", "0", "1"}}) {
                h.exec(cmd);
            }
            assertEquals(22, dirty());
        }
    }

    @Nested
    class Encoding {
        @Test
        void intEmbstrRawFromTheBytes() {
            assertEquals("int", KeyCommands.encoding((Object) "12345".getBytes()));
            assertEquals("int", KeyCommands.encoding((Object) "-9223372036854775808".getBytes()));
            assertEquals("embstr", KeyCommands.encoding((Object) "12345678901234567890".getBytes()));
            assertEquals("embstr", KeyCommands.encoding((Object) "-0".getBytes()));
            assertEquals("embstr", KeyCommands.encoding((Object) "a".repeat(44).getBytes()));
            assertEquals("raw", KeyCommands.encoding((Object) "a".repeat(45).getBytes()));
        }
    }

    @Nested
    class Table {
        private void check(String name, int arity, Set<CommandFlag> flags, int first, int last, int step,
                           String since) {
            CommandSpec s = h.server().commandTable().lookup(name);
            assertNotNull(s, name);
            assertEquals(arity, s.arity(), name);
            assertEquals(flags, s.flags(), name);
            assertEquals(first, s.firstKey(), name);
            assertEquals(last, s.lastKey(), name);
            assertEquals(step, s.keyStep(), name);
            assertEquals("string", s.group(), name);
            assertEquals(since, s.since(), name);
        }

        @Test
        void matchesRedisCommandInfo() {
            Set<CommandFlag> wdf = EnumSet.of(WRITE, DENYOOM, FAST);
            Set<CommandFlag> wd = EnumSet.of(WRITE, DENYOOM);
            check("get", 2, EnumSet.of(READONLY, FAST), 1, 1, 1, "1.0.0");
            check("set", -3, wd, 1, 1, 1, "1.0.0");
            check("setnx", 3, wdf, 1, 1, 1, "1.0.0");
            check("setex", 4, wd, 1, 1, 1, "2.0.0");
            check("psetex", 4, wd, 1, 1, 1, "2.6.0");
            check("getset", 3, wdf, 1, 1, 1, "1.0.0");
            check("getdel", 2, EnumSet.of(WRITE, FAST), 1, 1, 1, "6.2.0");
            check("getex", -2, EnumSet.of(WRITE, FAST), 1, 1, 1, "6.2.0");
            check("mget", -2, EnumSet.of(READONLY, FAST), 1, -1, 1, "1.0.0");
            check("mset", -3, wd, 1, -1, 2, "1.0.1");
            check("msetnx", -3, wd, 1, -1, 2, "1.0.1");
            check("append", 3, wdf, 1, 1, 1, "2.0.0");
            check("strlen", 2, EnumSet.of(READONLY, FAST), 1, 1, 1, "2.2.0");
            check("incr", 2, wdf, 1, 1, 1, "1.0.0");
            check("decr", 2, wdf, 1, 1, 1, "1.0.0");
            check("incrby", 3, wdf, 1, 1, 1, "1.0.0");
            check("decrby", 3, wdf, 1, 1, 1, "1.0.0");
            check("incrbyfloat", 3, wdf, 1, 1, 1, "2.6.0");
            check("getrange", 4, EnumSet.of(READONLY), 1, 1, 1, "2.4.0");
            check("substr", 4, EnumSet.of(READONLY), 1, 1, 1, "1.0.0");
            check("setrange", 4, wd, 1, 1, 1, "2.2.0");
            check("lcs", -3, EnumSet.of(READONLY), 1, 2, 1, "7.0.0");
        }

        @Test
        void typeIsOnlyDeclaredWhereRedisChecksItFirst() {
            for (String name : new String[] {"get", "strlen", "getset", "getdel", "set", "setnx", "setex", "psetex", "mset", "msetnx", "mget", "getex",
                "incrby", "decrby", "getrange", "substr", "setrange", "lcs"}) {
                assertNull(h.server().commandTable().lookup(name).keyType(), name);
            }
        }
    }
}
