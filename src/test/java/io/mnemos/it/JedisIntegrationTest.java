package io.mnemos.it;

import io.mnemos.testing.RunningServer;
import io.mnemos.embedded.MnemosExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.args.ExpiryOption;
import redis.clients.jedis.args.FlushMode;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.GetExParams;
import redis.clients.jedis.params.LCSParams;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.params.SortingParams;
import redis.clients.jedis.resps.LCSMatchResult;
import redis.clients.jedis.resps.ScanResult;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis, unchanged, drives every core command over a real socket. */
class JedisIntegrationTest {
    @RegisterExtension
    static final MnemosExtension server = MnemosExtension.builder()
            .config("enable-debug-command", "local").build();
    private Jedis jedis;

    @BeforeEach
    void connect() {
        jedis = new Jedis(server.host(), server.port());
        jedis.flushAll();
    }

    @org.junit.jupiter.api.AfterEach
    void disconnect() {
        try {
            jedis.close();
        } catch (redis.clients.jedis.exceptions.JedisException alreadyClosed) {
            // administrativeCommandsThroughJedis ends with QUIT
        }
    }

    @Test
    void stringCommandsBehaveAsInRedis() {
        assertEquals("OK", jedis.set("s", "hello"));
        assertEquals("hello", jedis.get("s"));
        assertNull(jedis.set("s", "x", SetParams.setParams().nx()));
        assertEquals("hello", jedis.setGet("s", "world"));
        assertEquals(7, jedis.append("s", "!!"));
        assertEquals(7, jedis.strlen("s"));
        assertEquals("orld", jedis.getrange("s", 1, 4));
        assertEquals(7, jedis.setrange("s", 0, "W"));
        assertEquals("World!!", jedis.get("s"));
        assertEquals("World!!", jedis.substr("s", 0, -1));
        assertEquals(1, jedis.setnx("n", "10"));
        assertEquals(0, jedis.setnx("n", "11"));
        assertEquals(11, jedis.incr("n"));
        assertEquals(9, jedis.decrBy("n", 2));
        assertEquals(14, jedis.incrBy("n", 5));
        assertEquals(13, jedis.decr("n"));
        assertEquals(13.5, jedis.incrByFloat("n", 0.5));
        assertEquals("13.5", jedis.getSet("n", "1"));
        assertEquals("OK", jedis.setex("e", 100, "v"));
        assertTrue(jedis.ttl("e") > 90);
        assertEquals("OK", jedis.psetex("pe", 100000, "v"));
        assertTrue(jedis.pttl("pe") > 90000);
        assertEquals("v", jedis.getEx("e", GetExParams.getExParams().persist()));
        assertEquals(-1, jedis.ttl("e"));
        assertEquals("v", jedis.getDel("e"));
        assertFalse(jedis.exists("e"));
        assertEquals("OK", jedis.mset("a", "1", "b", "2"));
        assertEquals(java.util.Arrays.asList("1", "2", null), jedis.mget("a", "b", "missing"));
        assertEquals(0, jedis.msetnx("a", "9", "c", "3"));
        assertEquals(1, jedis.msetnx("c", "3", "d", "4"));
        jedis.set("l1", "ohmytext");
        jedis.set("l2", "mynewtext");
        assertEquals("mytext", jedis.lcs("l1", "l2", LCSParams.LCSParams()).getMatchString());
        LCSMatchResult idx = jedis.lcs("l1", "l2", LCSParams.LCSParams().idx().withMatchLen());
        assertEquals(6, idx.getLen());
        JedisDataException wrong = assertThrows(JedisDataException.class, () -> jedis.incr("s"));
        assertEquals("ERR value is not an integer or out of range", wrong.getMessage());
    }

    @Test
    void keyCommandsBehaveAsInRedis() {
        jedis.set("k1", "v");
        jedis.set("k2", "v");
        assertEquals(2, jedis.exists("k1", "k2", "nope"));
        assertEquals("string", jedis.type("k1"));
        assertEquals("none", jedis.type("nope"));
        assertEquals(1, jedis.expire("k1", 100));
        assertEquals(0, jedis.expire("k1", 50, ExpiryOption.GT));
        assertEquals(1, jedis.pexpire("k1", 200000));
        assertTrue(jedis.ttl("k1") > 190);
        assertTrue(jedis.expireTime("k1") > System.currentTimeMillis() / 1000);
        assertTrue(jedis.pexpireTime("k1") > System.currentTimeMillis());
        assertEquals(1, jedis.persist("k1"));
        assertEquals(-1, jedis.ttl("k1"));
        assertEquals(-2, jedis.ttl("nope"));
        assertEquals(1, jedis.expireAt("k2", System.currentTimeMillis() / 1000 + 100));
        assertEquals(1, jedis.pexpireAt("k2", System.currentTimeMillis() + 100000));
        assertEquals(Set.of("k1", "k2"), jedis.keys("k*"));
        assertTrue(Set.of("k1", "k2").contains(jedis.randomKey()));
        assertEquals("OK", jedis.rename("k1", "k3"));
        assertEquals(0, jedis.renamenx("k3", "k2"));
        assertTrue(jedis.copy("k3", "k4", false));
        assertEquals(2, jedis.touch("k3", "k4"));
        assertEquals(1, jedis.unlink("k4"));
        assertEquals(2, jedis.dbSize());
        assertEquals("embstr", jedis.objectEncoding("k3"));
        jedis.set("int", "12345");
        assertEquals("int", jedis.objectEncoding("int"));
        assertEquals(1, jedis.objectRefcount("int"));
        assertTrue(jedis.objectIdletime("int") >= 0);
        assertEquals(1, jedis.move("int", 1));
        jedis.select(1);
        assertEquals("12345", jedis.get("int"));
        assertEquals("OK", jedis.swapDB(0, 1));
        assertEquals(2, jedis.dbSize());
        assertEquals("OK", jedis.flushDB());
        assertEquals(0, jedis.dbSize());
        jedis.select(0);
        assertEquals("12345", jedis.get("int"));
        assertEquals("OK", jedis.flushAll(FlushMode.SYNC));
        assertEquals(3, jedis.del("nothing", "here", "x") + 3);
    }

    @Test
    void sortThroughJedis() {
        jedis.rpush("ids", "3", "1", "2");
        jedis.mset("name_1", "carol", "name_2", "alice", "name_3", "bob");
        jedis.hset("user_1", "age", "30");
        jedis.hset("user_2", "age", "25");
        jedis.hset("user_3", "age", "35");
        assertEquals(List.of("1", "2", "3"), jedis.sort("ids"));
        SortingParams byName = new SortingParams().by("name_*").alpha().get("#", "name_*");
        assertEquals(List.of("2", "alice", "3", "bob", "1", "carol"), jedis.sort("ids", byName));
        assertEquals(List.of("35", "30"),
                jedis.sortReadonly("ids", new SortingParams().by("user_*->age").desc().limit(0, 2).get("user_*->age")));
        assertEquals(3, jedis.sort("ids", new SortingParams().desc(), "sorted"));
        assertEquals(List.of("3", "2", "1"), jedis.lrange("sorted", 0, -1));
        jedis.set("s", "x");
        JedisDataException wrong = assertThrows(JedisDataException.class, () -> jedis.sort("s"));
        assertTrue(wrong.getMessage().startsWith("WRONGTYPE"));
    }

    @Test
    void scanReturnsEveryKeyOnce() {
        for (int i = 0; i < 500; i++) {
            jedis.set("scan:" + i, "v");
        }
        jedis.set("other", "v");
        Set<String> seen = new HashSet<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = jedis.scan(cursor, new ScanParams().match("scan:*").count(50));
            seen.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertEquals(500, seen.size());
        assertFalse(seen.contains("other"));
    }

    @Test
    void connectionAndServerCommands() {
        assertEquals("PONG", jedis.ping());
        assertEquals("hi", jedis.echo("hi"));
        assertEquals("OK", jedis.clientSetname("jedis-test"));
        assertEquals("jedis-test", jedis.clientGetname());
        assertTrue(jedis.clientList().contains("name=jedis-test"));
        assertTrue(jedis.clientInfo().contains("name=jedis-test"));
        assertTrue(jedis.clientId() > 0);
        assertTrue(jedis.info("server").contains("redis_version:7."));
        assertTrue(jedis.info().contains("# Keyspace"));
        Map<String, String> config = jedis.configGet("maxclients");
        assertEquals("10000", config.get("maxclients"));
        assertEquals("OK", jedis.configSet("hz", "20"));
        assertEquals("20", jedis.configGet("hz").get("hz"));
        assertEquals("OK", jedis.configResetStat());
        assertTrue(jedis.commandCount() > 50);
        assertEquals(2, jedis.time().size());
        assertTrue(jedis.lastsave() > 0);
        assertEquals("master", jedis.role().get(0).toString().contains("master") ? "master" : jedis.role().get(0));
        jedis.set("mem", "value");
        assertTrue(jedis.memoryUsage("mem") > 0);
        assertEquals("OK", jedis.slowlogReset());
        assertEquals(0, jedis.slowlogLen());
    }

    @Test
    void administrativeCommandsThroughJedis() {
        jedis.set("obj", "value");
        assertEquals("hello", new String((byte[]) jedis.sendCommand(Protocol.Command.ECHO, "hello")));
        assertTrue(str(jedis.sendCommand(DEBUG, "OBJECT", "obj")).contains("encoding:embstr"));
        assertEquals("OK", str(jedis.sendCommand(DEBUG, "POPULATE", "10", "pop", "8")));
        assertEquals(11, jedis.dbSize());
        assertEquals("OK", str(jedis.sendCommand(DEBUG, "SET-ACTIVE-EXPIRE", "1")));
        assertEquals("OK", str(jedis.sendCommand(DEBUG, "SLEEP", "0")));
        assertEquals("OK", str(jedis.sendCommand(DEBUG, "LOG", "hello from the test")));
        assertEquals("OK", jedis.functionFlush());
        assertTrue(jedis.functionList().isEmpty());
        JedisDataException freq = assertThrows(JedisDataException.class, () -> jedis.objectFreq("obj"));
        assertTrue(freq.getMessage().startsWith("ERR An LFU maxmemory policy is not selected"));
        assertTrue(jedis.objectHelp().size() > 3);
        assertEquals(List.of("obj"), jedis.scan("0", new ScanParams().count(1000),
                "string").getResult().stream().filter("obj"::equals).toList());

        jedis.configSet("slowlog-log-slower-than", "0");
        jedis.get("obj");
        assertFalse(jedis.slowlogGet(5).isEmpty());
        jedis.configSet("slowlog-log-slower-than", "10000");
        assertEquals("OK", jedis.slowlogReset());
        assertTrue(jedis.latencyLatest().isEmpty());
        assertEquals("OK", jedis.clientNoEvictOn());
        assertEquals("OK", jedis.clientNoEvictOff());
        assertEquals("OK", jedis.clientPause(10));
        assertEquals("OK", jedis.clientUnpause());
        assertEquals("OK", str(jedis.sendCommand(Protocol.Command.CLIENT, "SETINFO", "LIB-NAME", "mnemos-test")));

        try (Jedis victim = new Jedis(server.host(), server.port())) {
            victim.clientSetname("victim");
            long id = victim.clientId();
            assertEquals(1, jedis.clientKill(new redis.clients.jedis.params.ClientKillParams().id(Long.toString(id))));
            assertThrows(redis.clients.jedis.exceptions.JedisConnectionException.class, victim::ping);
        }

        jedis.select(3);
        assertEquals("RESET", str(jedis.sendCommand(RESET)));
        assertEquals("obj", jedis.randomKey().equals("obj") || jedis.exists("obj") ? "obj" : "");
        assertEquals("OK", str(jedis.sendCommand(QUIT)));
        assertThrows(redis.clients.jedis.exceptions.JedisConnectionException.class, jedis::ping);
    }

    private static final ProtocolCommand DEBUG = () -> "DEBUG".getBytes();
    private static final ProtocolCommand RESET = () -> "RESET".getBytes();
    private static final ProtocolCommand QUIT = () -> "QUIT".getBytes();

    private static String str(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes) : String.valueOf(reply);
    }

    @Test
    void authenticationWithRequirepass() {
        try (RunningServer secured = RunningServer.start("--requirepass", "s3cret");
             Jedis client = new Jedis(secured.host(), secured.port())) {
            JedisDataException noauth = assertThrows(JedisDataException.class, () -> client.get("k"));
            assertEquals("NOAUTH Authentication required.", noauth.getMessage());
            JedisDataException wrong = assertThrows(JedisDataException.class, () -> client.auth("nope"));
            assertEquals("WRONGPASS invalid username-password pair or user is disabled.", wrong.getMessage());
            assertEquals("OK", client.auth("s3cret"));
            assertEquals("OK", client.auth("default", "s3cret"));
            assertEquals("OK", client.set("k", "v"));
        }
        try (RunningServer secured = RunningServer.start("--requirepass", "s3cret");
             Jedis client = new Jedis(new HostAndPort(secured.host(), secured.port()),
                     DefaultJedisClientConfig.builder().password("s3cret").protocol(RedisProtocol.RESP3).build())) {
            assertEquals("PONG", client.ping(), "HELLO 3 AUTH default s3cret on connect");
        }
    }

    @Test
    void resp3ConnectionWorks() {
        try (Jedis resp3 = new Jedis(new HostAndPort(server.host(), server.port()),
                DefaultJedisClientConfig.builder().protocol(RedisProtocol.RESP3).clientName("r3").build())) {
            assertEquals("OK", resp3.set("r3", "v"));
            assertEquals("v", resp3.get("r3"));
            assertEquals(3.5, resp3.incrByFloat("f", 3.5));
            assertEquals("10000", resp3.configGet("maxclients").get("maxclients"));
            assertEquals("r3", resp3.clientGetname());
        }
    }
}
