package io.mnemos.it;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every ACL rule kind enforced over real TCP connections, with Redis 7.0.15's replies. */
class AclIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();
    private final List<RespConnection> open = new ArrayList<>();

    static final String OK = "+OK\r\n";
    static final String WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
    static final String NOPERM_KEY = "-NOPERM this user has no permissions to access one of the keys used as arguments\r\n";
    static final String NOPERM_CHANNEL =
            "-NOPERM this user has no permissions to access one of the channels used as arguments\r\n";

    static String noperm(String command) {
        return "-NOPERM this user has no permissions to run the '" + command + "' command\r\n";
    }

    private RespConnection admin() throws IOException {
        return connect();
    }

    private RespConnection connect() throws IOException {
        RespConnection c = new RespConnection(server.host(), server.port());
        open.add(c);
        return c;
    }

    /** A connection authenticated as {@code user} with password "pw". */
    private RespConnection as(String user) throws IOException {
        RespConnection c = connect();
        assertEquals(OK, c.call("AUTH", user, "pw"));
        return c;
    }

    @AfterEach
    void cleanUp() throws IOException {
        try (RespConnection c = new RespConnection(server.host(), server.port())) {
            String users = c.call("ACL", "USERS");
            for (String line : users.split("\r\n")) {
                if (!line.startsWith("*") && !line.startsWith("$") && !line.equals("default")) {
                    c.call("ACL", "DELUSER", line);
                }
            }
            c.call("ACL", "SETUSER", "default", "reset", "on", "nopass", "~*", "&*", "+@all");
            c.call("ACL", "LOG", "RESET");
            c.call("FLUSHALL");
        }
        for (RespConnection c : open) {
            c.close();
        }
    }

    @Test
    void singleCommandsAreAllowedAndDenied() throws IOException {
        assertEquals(OK, admin().call("ACL", "SETUSER", "u", "on", ">pw", "allkeys", "+get", "+set"));
        RespConnection u = as("u");
        assertEquals(OK, u.call("SET", "k", "v"));
        assertEquals("$1\r\nv\r\n", u.call("GET", "k"));
        assertEquals(noperm("del"), u.call("DEL", "k"));
        assertEquals(OK, admin().call("ACL", "SETUSER", "u", "-set"));
        assertEquals(noperm("set"), u.call("SET", "k", "v"), "rules apply to connected clients at once");
    }

    @Test
    void categoriesAllowAndRemoveWholeGroups() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "allkeys", "+@string", "-@write", "+@hash", "-hdel");
        RespConnection u = as("u");
        assertEquals("$-1\r\n", u.call("GET", "s"));
        assertEquals(noperm("set"), u.call("SET", "s", "1"));
        assertEquals(":1\r\n", u.call("HSET", "h", "f", "v"));
        assertEquals(noperm("hdel"), u.call("HDEL", "h", "f"));
        assertEquals(noperm("lpush"), u.call("LPUSH", "l", "x"));
    }

    @Test
    void subcommandsAndFirstArguments() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "allkeys", "-@all", "+client|id", "+select|0", "+config|get");
        RespConnection u = as("u");
        assertTrue(u.call("CLIENT", "ID").startsWith(":"));
        assertEquals(noperm("client|list"), u.call("CLIENT", "LIST"));
        assertEquals(OK, u.call("SELECT", "0"));
        assertEquals(noperm("select"), u.call("SELECT", "1"));
        assertTrue(u.call("CONFIG", "GET", "port").startsWith("*2"));
        assertEquals(noperm("config|set"), u.call("CONFIG", "SET", "hz", "10"));
        assertEquals("-ERR Error in ACL SETUSER modifier '+config|get|x': Allowing first-arg of a subcommand is not "
                + "supported\r\n", admin().call("ACL", "SETUSER", "u", "+config|get|x"));
    }

    @Test
    void keyPatternsWithReadAndWritePermissions() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+@all", "~app:*", "%R~ro:*", "%W~wo:*");
        RespConnection u = as("u");
        assertEquals(OK, u.call("SET", "app:1", "x"));
        assertEquals(NOPERM_KEY, u.call("SET", "other", "x"));
        assertEquals("$-1\r\n", u.call("GET", "ro:1"));
        assertEquals(NOPERM_KEY, u.call("SET", "ro:1", "x"));
        assertEquals(OK, u.call("SET", "wo:1", "x"));
        assertEquals(NOPERM_KEY, u.call("GET", "wo:1"));
        assertEquals(":0\r\n", u.call("COPY", "ro:1", "app:2"), "COPY only reads its source");
        assertEquals(NOPERM_KEY, u.call("COPY", "app:1", "ro:2"), "and writes its destination");
        assertEquals(NOPERM_KEY, u.call("MSET", "app:1", "1", "other", "2"));
    }

    @Test
    void channelsForPublishSubscribeAndPatterns() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+@all", "allkeys", "resetchannels", "&news.*");
        RespConnection u = as("u");
        assertEquals(":0\r\n", u.call("PUBLISH", "news.today", "x"));
        assertEquals(NOPERM_CHANNEL, u.call("PUBLISH", "sport", "x"));
        assertEquals(NOPERM_CHANNEL, u.call("PSUBSCRIBE", "news.t*"), "patterns are compared literally");
        assertEquals(NOPERM_CHANNEL, u.call("SUBSCRIBE", "news.a", "sport"));
        assertTrue(u.call("PSUBSCRIBE", "news.*").startsWith("*3\r\n$10\r\npsubscribe"));
    }

    @Test
    void revokingChannelsDisconnectsSubscribersOfThatUser() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+@all", "allkeys", "resetchannels", "&a", "&b");
        RespConnection u = as("u");
        assertTrue(u.call("SUBSCRIBE", "a").startsWith("*3"));
        assertEquals(OK, admin().call("ACL", "SETUSER", "u", "resetchannels", "&b"));
        assertTrue(u.closedByServer());
    }

    @Test
    void onOffAndPasswords() throws IOException {
        RespConnection a = admin();
        a.call("ACL", "SETUSER", "u", "off", ">pw", "+@all");
        assertEquals(WRONGPASS, connect().call("AUTH", "u", "pw"), "a disabled user cannot log in");
        a.call("ACL", "SETUSER", "u", "on");
        assertEquals(OK, connect().call("AUTH", "u", "pw"));
        assertEquals(WRONGPASS, connect().call("AUTH", "u", "bad"));
        a.call("ACL", "SETUSER", "u", ">second", "<pw");
        assertEquals(WRONGPASS, connect().call("AUTH", "u", "pw"));
        assertEquals(OK, connect().call("AUTH", "u", "second"));
        String hash = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8"; // sha256("password")
        assertEquals(OK, a.call("ACL", "SETUSER", "u", "#" + hash));
        assertEquals(OK, connect().call("AUTH", "u", "password"));
        assertEquals(OK, a.call("ACL", "SETUSER", "u", "!" + hash));
        assertEquals(WRONGPASS, connect().call("AUTH", "u", "password"));
        assertEquals("-ERR Error in ACL SETUSER modifier '!" + hash + "': The password you are trying to remove from "
                + "the user does not exist\r\n", a.call("ACL", "SETUSER", "u", "!" + hash));
        assertEquals(OK, a.call("ACL", "SETUSER", "u", "nopass"));
        assertEquals(OK, connect().call("AUTH", "u", "anything"));
        assertEquals(OK, a.call("ACL", "SETUSER", "u", "resetpass"));
        assertEquals(WRONGPASS, connect().call("AUTH", "u", "anything"));
        assertEquals(OK, a.call("ACL", "SETUSER", "u", "reset"));
        assertTrue(a.call("ACL", "LIST").contains("user u off sanitize-payload resetchannels -@all\r\n"));
    }

    @Test
    void selectorsGrantAlternativePermissions() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+get", "~a*", "(+set ~b*)");
        RespConnection u = as("u");
        assertEquals("$-1\r\n", u.call("GET", "a1"));
        assertEquals(OK, u.call("SET", "b1", "x"));
        assertEquals(NOPERM_KEY, u.call("SET", "a1", "x"));
        assertEquals(NOPERM_KEY, u.call("GET", "b1"));
        assertEquals(noperm("del"), u.call("DEL", "a1"));
    }

    @Test
    void aclLogRecordsDeniedCommandsKeysChannelsAndAuth() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+get", "+publish", "~k", "resetchannels");
        RespConnection u = as("u");
        u.call("SET", "k", "v");
        u.call("SET", "k", "v");
        u.call("GET", "nope");
        u.call("PUBLISH", "ch", "m");
        connect().call("AUTH", "u", "wrong");
        String log = admin().call("ACL", "LOG");
        assertTrue(log.startsWith("*4\r\n*14\r\n$5\r\ncount\r\n:1\r\n$6\r\nreason\r\n$4\r\nauth\r\n$7\r\ncontext\r\n"
                + "$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nAUTH\r\n$8\r\nusername\r\n$1\r\nu\r\n$11\r\nage-seconds\r\n"), log);
        assertTrue(log.contains("$6\r\nreason\r\n$7\r\nchannel\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$2\r\nch\r\n"));
        assertTrue(log.contains("$6\r\nreason\r\n$3\r\nkey\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n$6\r\nobject\r\n$4\r\nnope\r\n"));
        assertTrue(log.contains("$5\r\ncount\r\n:2\r\n$6\r\nreason\r\n$7\r\ncommand\r\n$7\r\ncontext\r\n$8\r\ntoplevel\r\n"
                + "$6\r\nobject\r\n$3\r\nset\r\n"), "repeated denials are grouped");
        assertTrue(log.contains("cmd=set user=u"));
        assertEquals("*1\r\n", admin().call("ACL", "LOG", "1").substring(0, 4));
        assertEquals(OK, admin().call("ACL", "LOG", "RESET"));
        assertEquals("*0\r\n", admin().call("ACL", "LOG"));
    }

    @Test
    void deniedInsideMultiIsLoggedWithMultiContextAndAbortsExec() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+multi", "+exec", "+get", "allkeys");
        RespConnection u = as("u");
        assertEquals(OK, u.call("MULTI"));
        assertEquals(noperm("set"), u.call("SET", "k", "v"));
        assertEquals("-EXECABORT Transaction discarded because of previous errors.\r\n", u.call("EXEC"));
        assertTrue(admin().call("ACL", "LOG").contains("$7\r\ncontext\r\n$5\r\nmulti\r\n"));
    }

    @Test
    void execChecksAgainRulesThatChangedAfterQueueing() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+multi", "+exec", "+get", "+set", "allkeys");
        RespConnection u = as("u");
        assertEquals(OK, u.call("MULTI"));
        assertEquals("+QUEUED\r\n", u.call("SET", "k", "v"));
        assertEquals("+QUEUED\r\n", u.call("GET", "k"));
        assertEquals(OK, admin().call("ACL", "SETUSER", "u", "-set"));
        assertEquals("*2\r\n-NOPERM ACLs rules changed between the moment the transaction was accumulated and the "
                + "EXEC call. This command is no longer allowed for the following reason: no permission to execute "
                + "the command or subcommand\r\n$-1\r\n", u.call("EXEC"));
    }

    @Test
    void authAndHelloWithUsernames() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+@all", "allkeys");
        RespConnection c = connect();
        assertEquals("$7\r\ndefault\r\n", c.call("ACL", "WHOAMI"));
        String hello = c.call("HELLO", "3", "AUTH", "u", "pw");
        assertTrue(hello.startsWith("%7\r\n"), hello);
        assertEquals("$1\r\nu\r\n", c.call("ACL", "WHOAMI"));
        assertTrue(c.call("CLIENT", "INFO").contains(" user=u "));
        assertEquals(WRONGPASS, c.call("HELLO", "3", "AUTH", "u", "bad"));
        assertEquals("+RESET\r\n", c.call("RESET"));
        assertEquals("$7\r\ndefault\r\n", c.call("ACL", "WHOAMI"));
        assertEquals("-ERR AUTH <password> called without any password configured for the default user. Are you sure "
                + "your configuration is correct?\r\n", c.call("AUTH", "pw"));
    }

    @Test
    void deletingAUserDisconnectsItsClients() throws IOException {
        admin().call("ACL", "SETUSER", "u", "on", ">pw", "+@all", "allkeys");
        RespConnection u = as("u");
        assertEquals(":1\r\n", admin().call("ACL", "DELUSER", "u", "nosuch"));
        assertTrue(u.closedByServer());
        assertEquals("-ERR The 'default' user cannot be removed\r\n", admin().call("ACL", "DELUSER", "default"));
    }

    @Test
    void theDefaultUserWithAPasswordRequiresAuth() throws IOException {
        RespConnection a = admin();
        assertEquals(OK, a.call("ACL", "SETUSER", "default", ">secret"));
        assertEquals(OK, a.call("ACL", "SETUSER", "default", "resetpass", ">secret"));
        RespConnection c = connect();
        assertEquals("-NOAUTH Authentication required.\r\n", c.call("GET", "k"));
        assertEquals(WRONGPASS, c.call("AUTH", "nope"));
        assertEquals(OK, c.call("AUTH", "secret"));
        assertEquals("$-1\r\n", c.call("GET", "k"));
        assertEquals(OK, a.call("ACL", "SETUSER", "default", "nopass"));
    }

    @Test
    void requirepassIsTheDefaultUsersPassword() throws Exception {
        try (RunningServer s = RunningServer.start("--requirepass", "hunter2");
             RespConnection c = new RespConnection(s.host(), s.port())) {
            assertEquals("-NOAUTH Authentication required.\r\n", c.call("PING"));
            assertEquals(OK, c.call("AUTH", "default", "hunter2"));
            String list = c.call("ACL", "LIST");
            assertTrue(list.contains("user default on #f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7 "
                    + "~* &* +@all"), list);
            assertEquals(OK, c.call("CONFIG", "SET", "requirepass", ""));
            assertTrue(c.call("ACL", "LIST").contains("user default on nopass ~* &* +@all"));
        }
    }
}
