package io.mnemos.command;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * MULTI/EXEC/WATCH edge cases played on Mnemos and a real redis-server with two connections each
 * ("A" runs the transaction, "B" interferes); every raw reply must be identical.
 */
class TransactionCommandsDifferentialTest {
    /** Steps: "A CMD ARGS..." or "B CMD ARGS..."; "SLEEP ms" waits on both. */
    private static final String[] SCRIPT = {
        "A FLUSHALL",
        "A EXEC", "A DISCARD", "A UNWATCH", "A WATCH",
        "A MULTI", "A MULTI", "A WATCH k", "A SET k 1", "A INCR k", "A LPUSH k x", "A GET k", "A EXEC",
        "A MULTI", "A NOSUCHCOMMAND a b", "A SET k 2", "A EXEC", "A GET k",
        "A MULTI", "A GET", "A EXEC",
        "A MULTI", "A SET k 3", "A DISCARD", "A GET k",
        "A WATCH k", "B SET k 4", "A MULTI", "A GET k", "A EXEC",
        "A WATCH k", "B SET k 4 NX", "A MULTI", "A GET k", "A EXEC",
        "A WATCH k", "A UNWATCH", "B SET k 5", "A MULTI", "A GET k", "A EXEC",
        "A WATCH k other", "B DEL other", "A MULTI", "A PING", "A EXEC",
        "A WATCH k", "B EXPIRE k 100", "A MULTI", "A PING", "A EXEC",
        "A WATCH k", "B PERSIST k", "A MULTI", "A PING", "A EXEC",
        "A WATCH k", "B RENAME k k2", "A MULTI", "A PING", "A EXEC",
        "A WATCH k2", "B SELECT 1", "B SET k2 other-db", "A MULTI", "A PING", "A EXEC",
        "A WATCH k2", "B FLUSHDB", "A MULTI", "A PING", "A EXEC",
        "B SELECT 0", "A WATCH k2", "B FLUSHDB", "A MULTI", "A PING", "A EXEC",
        "A WATCH nothing", "B FLUSHALL", "A MULTI", "A PING", "A EXEC",
        "A SET s 1", "A WATCH s", "B SWAPDB 0 1", "A MULTI", "A PING", "A EXEC", "B SWAPDB 0 1",
        "A WATCH s", "A SET s 2", "A MULTI", "A GET s", "A EXEC",
        "A RPUSH l a b", "A WATCH l", "B LPOP l", "A MULTI", "A LRANGE l 0 -1", "A EXEC",
        "A WATCH l", "B LPOP l 0", "A MULTI", "A LRANGE l 0 -1", "A EXEC",
        "A HSET h f v", "A WATCH h", "B HSET h f v", "A MULTI", "A PING", "A EXEC",
        "A WATCH h", "B HSETNX h f v", "A MULTI", "A PING", "A EXEC",
        "A SET e 1 PX 50", "A WATCH e", "SLEEP 100", "A MULTI", "A PING", "A EXEC",
        "A SET e 1 PX 50", "SLEEP 100", "A WATCH e", "A MULTI", "A PING", "A EXEC",
        "A MULTI", "A BLPOP nolist 0", "A BRPOPLPUSH nolist d 0", "A BLMPOP 0 1 nolist LEFT", "A EXEC",
        "A MULTI", "A SET x 1", "A UNWATCH", "A CLIENT LIST x", "A EXEC",
        "A MULTI", "A EXEC",
        "A MULTI", "A SET a 1", "A EXEC x", "A EXEC", "A MULTI", "A DISCARD x", "A EXEC",
        "A SET mv 1", "A WATCH mv", "B SELECT 1", "B SET mv 2", "B MOVE mv 0", "B SELECT 0", "A MULTI", "A EXEC",
        "A SELECT 1", "A WATCH mv", "A SELECT 0", "B MOVE mv 1", "A MULTI", "A EXEC",
        "A SET cp 1", "A SELECT 1", "A WATCH cp2", "A SELECT 0", "B COPY cp cp2 DB 1", "A MULTI", "A EXEC",
        // COPY ... DB writes only the other database's key: a key of that name watched here stays clean.
        "A SET cp3 1", "A WATCH cp3", "B COPY cp cp3 DB 1 REPLACE", "A MULTI", "A GET cp3", "A EXEC",
        "A DEL x1 x2", "A SET x1 1", "A WATCH x2", "B DEL x1 x2", "A MULTI", "A EXEC",
        "A SET x2 1", "A WATCH x2", "B UNLINK x1 x2", "A MULTI", "A EXEC",
        "A RPUSH p1 a", "A RPUSH p2 b", "A WATCH p2", "B LMPOP 2 p1 p2 LEFT", "A MULTI", "A EXEC",
        "A RPUSH p1 a", "A WATCH p2", "B BLPOP p1 p2 0", "A MULTI", "A EXEC",
        "A WATCH p2", "B BRPOP p1 p2 0", "A MULTI", "A EXEC",
        "A RPUSH p1 a b", "A WATCH p1", "B BLMPOP 0 2 p1 p2 LEFT COUNT 1", "A MULTI", "A EXEC",
        "A HELLO 3", "A MULTI", "A SET k 1", "A HGETALL h", "A EXEC",
        "A WATCH k", "B SET k 9", "A MULTI", "A EXEC",
        "A MULTI", "A FOO", "A EXEC",
        // A doomed transaction keeps nothing it is sent, so its EXEC is no write: a write pause lets it answer.
        "A WATCH k", "A MULTI", "B SET k 10", "A SET x 1", "B CLIENT PAUSE 100000 WRITE", "A EXEC", "B CLIENT UNPAUSE",
        "A MULTI", "A NOSUCH", "A SET y 1", "B CLIENT PAUSE 100000 WRITE", "A EXEC", "B CLIENT UNPAUSE",
        "A HELLO 2",
        "A WATCH k", "A MULTI", "A RESET", "A EXEC",
        // Inside EXEC a client may not block: SSUBSCRIBE is refused there (SUBSCRIBE still runs).
        "A MULTI", "A SSUBSCRIBE sx", "A EXEC",
        // Any refused EXEC says EXECABORT, in a transaction or not (RESP2 subscribed mode here).
        "A SUBSCRIBE sub", "A EXEC", "A UNSUBSCRIBE sub",
        // Over maxmemory nothing is queued (the queue would grow); DISCARD and EXEC still run.
        "A CONFIG SET maxmemory 1", "A MULTI", "A GET k", "A PING", "A EXEC", "A MULTI", "A DISCARD", "A EXEC",
        "A CONFIG SET maxmemory 0",
        // A command that only reads a watched key leaves the transaction alone, whatever it writes.
        "A SADD src b", "A ZADD zsrc 1 a", "A SET bsrc x", "A PFADD hsrc a",
        "A WATCH src zsrc bsrc hsrc", "B SINTERSTORE d1 src", "B SUNIONSTORE d2 src", "B SDIFFSTORE d3 src",
        "B ZUNIONSTORE d4 1 zsrc", "B ZRANGESTORE d5 zsrc 0 -1", "B BITOP NOT d6 bsrc", "B PFMERGE d7 hsrc",
        "B COPY src d8", "A MULTI", "A PING", "A EXEC",
        "A WATCH d1", "B SINTERSTORE d1 src nokey", "A MULTI", "A PING", "A EXEC",
        "A WATCH d8", "B COPY zsrc d8 REPLACE", "A MULTI", "A PING", "A EXEC",
        // SORT ... STORE signals its destination only; sorting (even converting a sorted set) is a read.
        "A WATCH src zsrc", "B SORT src ALPHA STORE d9", "B SORT zsrc ALPHA", "A MULTI", "A PING", "A EXEC",
        "A WATCH d9", "B SORT src ALPHA STORE d9", "A MULTI", "A PING", "A EXEC",
        "A WATCH d9", "B SORT nokey STORE d9", "A MULTI", "A PING", "A EXEC",
        "A WATCH d9", "B SORT nokey STORE d9", "A MULTI", "A PING", "A EXEC",
        // Geo stores write their destination only (GEORADIUS's is the last STORE/STOREDIST key).
        "A GEOADD gsrc 1 1 a", "A WATCH gsrc", "B GEOSEARCHSTORE gd gsrc FROMLONLAT 1 1 BYRADIUS 1 km",
        "B GEORADIUS gsrc 1 1 1 km STORE gd2 STOREDIST gd3", "B GEORADIUS gsrc 1 1 1 km", "A MULTI", "A PING", "A EXEC",
        "A WATCH gd", "B GEOSEARCHSTORE gd gsrc FROMLONLAT 50 50 BYRADIUS 1 km", "A MULTI", "A PING", "A EXEC",
        "A WATCH gd2", "B GEORADIUS gsrc 1 1 1 km STOREDIST gd3 STORE gd2", "A MULTI", "A PING", "A EXEC",
        "A WATCH gd3", "B GEORADIUS gsrc 1 1 1 km STOREDIST gd3 STORE gd2", "A MULTI", "A PING", "A EXEC",
        "A WATCH gsrc", "B GEOADD gsrc 1 1 a", "A MULTI", "A PING", "A EXEC",
        "A WATCH gsrc", "B GEOADD gsrc 2 2 a", "A MULTI", "A PING", "A EXEC",
    };

    @Test
    void transactionEdgeCasesMatchRealRedis() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        try (RealRedis redis = RealRedis.start();
             RunningServer mnemos = RunningServer.start();
             RespConnection realA = new RespConnection("127.0.0.1", redis.port());
             RespConnection realB = new RespConnection("127.0.0.1", redis.port());
             RespConnection oursA = new RespConnection(mnemos.host(), mnemos.port());
             RespConnection oursB = new RespConnection(mnemos.host(), mnemos.port())) {
            List<String> done = new ArrayList<>();
            for (String step : SCRIPT) {
                String[] parts = step.split(" ");
                if (parts[0].equals("SLEEP")) {
                    Thread.sleep(Long.parseLong(parts[1]));
                    continue;
                }
                String[] cmd = java.util.Arrays.copyOfRange(parts, 1, parts.length);
                boolean a = parts[0].equals("A");
                String expected = (a ? realA : realB).call(cmd);
                String actual = (a ? oursA : oursB).call(cmd);
                done.add(step);
                if (step.contains("HELLO")) {
                    continue; // server identity differs (id, version fields are compared elsewhere)
                }
                assertEquals(expected, actual, "at " + step + " after " + String.join(" | ", done));
            }
        }
    }

    /**
     * CLIENT REPLY inside a transaction acts at once, as Redis's client flag: OFF silences the rest
     * of the EXEC (its array header announces replies that never come), ON in it answers, SKIP
     * skips the command after the EXEC. Each case is sent in one piece, then CLIENT REPLY ON and
     * ECHO end, and everything up to "end" is compared.
     */
    @Test
    void clientReplyInsideATransactionActsAtOnce() throws Exception {
        String[][][] cases = {
            {{"MULTI"}, {"CLIENT", "REPLY", "OFF"}, {"ECHO", "x"}, {"EXEC"}, {"PING"}},
            {{"MULTI"}, {"CLIENT", "REPLY", "SKIP"}, {"ECHO", "x"}, {"EXEC"}, {"PING"}, {"PING"}},
            {{"MULTI"}, {"CLIENT", "REPLY", "OFF"}, {"CLIENT", "REPLY", "ON"}, {"ECHO", "x"}, {"EXEC"}},
            {{"CLIENT", "REPLY", "OFF"}, {"MULTI"}, {"CLIENT", "REPLY", "ON"}, {"ECHO", "x"}, {"EXEC"}},
            {{"CLIENT", "REPLY", "SKIP"}, {"MULTI"}, {"ECHO", "x"}, {"EXEC"}, {"PING"}},
            {{"MULTI"}, {"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "ON"}, {"EXEC"}, {"PING"}, {"ECHO", "y"}},
            {{"CLIENT", "REPLY", "SKIP"}, {"CLIENT", "REPLY", "ON"}, {"PING"}},
        };
        List<String> seen = io.mnemos.testing.PortScenario.onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            for (String[][] commands : cases) {
                try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                    for (String[] command : commands) {
                        bytes.writeBytes(RespConnection.encode(command));
                    }
                    bytes.writeBytes(RespConnection.encode("CLIENT", "REPLY", "ON"));
                    bytes.writeBytes(RespConnection.encode("ECHO", "end"));
                    c.sendRaw(bytes.toByteArray());
                    StringBuilder replies = new StringBuilder();
                    while (!replies.toString().endsWith("$3\r\nend\r\n")) {
                        replies.append(c.readReply());
                    }
                    out.add(replies.toString());
                }
            }
            return out;
        });
        assertEquals("+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+OK\r\n$3\r\nend\r\n", seen.get(0));
    }
}
