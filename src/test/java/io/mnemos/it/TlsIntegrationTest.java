package io.mnemos.it;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.mnemos.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TLS on tls-port next to the plain port, with a CA and certificates generated for the test:
 * a raw TLS socket, redis-cli --tls, Jedis and Lettuce; client certificates required, optional
 * or not asked for; a certificate from an unknown CA refused; both the OpenSSL and JDK providers.
 */
class TlsIntegrationTest {
    private static final TestPki pki = TestPki.shared();

    @AfterAll
    static void clearProvider() {
        System.clearProperty("mnemos.tls.provider");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static RunningServer tlsServer(String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--tls-port", Integer.toString(freePort()),
                "--tls-cert-file", pki.serverCert.toString(), "--tls-key-file", pki.serverKey.toString(),
                "--tls-ca-cert-file", pki.caCert.toString()));
        args.addAll(List.of(extra));
        return RunningServer.start(args.toArray(new String[0]));
    }

    /** A TLS socket to tls-port presenting the client certificate (true: the stranger's; null: none). */
    static SSLSocket tlsSocket(RunningServer server, Boolean stranger, String... protocols) throws Exception {
        SSLSocket s = (SSLSocket) pki.clientContext(stranger).getSocketFactory()
                .createSocket("127.0.0.1", server.server().tlsPort());
        s.setSoTimeout(5000);
        if (protocols.length > 0) {
            s.setEnabledProtocols(protocols);
        }
        s.startHandshake();
        return s;
    }

    static String call(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new java.io.EOFException("closed after " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    /** The server refuses the connection: the handshake or the first exchange fails. */
    static void assertRefused(RunningServer server, Boolean stranger, String... protocols) {
        assertThrows(IOException.class, () -> {
            try (SSLSocket s = tlsSocket(server, stranger, protocols)) {
                // With TLS 1.3 the client learns about a refused certificate on its first read.
                call(s, "PING\r\n");
            }
        });
    }

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"openssl", "jdk"})
    void aClientWithACertificateFromTheCaIsServedOnTheTlsPortAndThePlainPortStillWorks(String provider) throws Exception {
        if (provider.equals("openssl")) {
            assumeTrue(io.netty.handler.ssl.OpenSsl.isAvailable(), "netty-tcnative not available on this platform");
        }
        System.setProperty("mnemos.tls.provider", provider);
        try (RunningServer server = tlsServer();
             SSLSocket tls = tlsSocket(server, false);
             RespConnection plain = new RespConnection(server.host(), server.port())) {
            assertEquals("+PONG\r\n", call(tls, "PING\r\n"));
            assertEquals("+OK\r\n", call(tls, "SET shared tls\r\n"));
            // Same keyspace on both ports.
            assertEquals("$3\r\ntls\r\n", plain.call("GET", "shared"));
            assertEquals("TLSv1.3", tls.getSession().getProtocol());
        } finally {
            System.clearProperty("mnemos.tls.provider");
        }
    }

    @ParameterizedTest(name = "provider {0}")
    @ValueSource(strings = {"openssl", "jdk"})
    void aCertificateFromAnUnknownCaIsRefusedWithTlsAuthClientsYes(String provider) throws Exception {
        if (provider.equals("openssl")) {
            assumeTrue(io.netty.handler.ssl.OpenSsl.isAvailable(), "netty-tcnative not available on this platform");
        }
        System.setProperty("mnemos.tls.provider", provider);
        try (RunningServer server = tlsServer("--tls-auth-clients", "yes");
             RespConnection plain = new RespConnection(server.host(), server.port())) {
            assertRefused(server, true);
            assertRefused(server, null);
            // Only that connection went: the server serves the others.
            try (SSLSocket good = tlsSocket(server, false)) {
                assertEquals("+PONG\r\n", call(good, "PING\r\n"));
            }
            assertEquals("+PONG\r\n", plain.call("PING"));
        } finally {
            System.clearProperty("mnemos.tls.provider");
        }
    }

    @Test
    void withTlsAuthClientsOptionalOrNoAClientWithoutCertificateIsServed() throws Exception {
        try (RunningServer server = tlsServer("--tls-auth-clients", "optional")) {
            try (SSLSocket anonymous = tlsSocket(server, null)) {
                assertEquals("+PONG\r\n", call(anonymous, "PING\r\n"));
            }
            // Optional still checks a certificate that is presented.
            assertRefused(server, true);
            // CONFIG SET applies to the next connection, as in Redis.
            try (SSLSocket admin = tlsSocket(server, false)) {
                assertEquals("+OK\r\n", call(admin, "CONFIG SET tls-auth-clients yes\r\n"));
            }
            assertRefused(server, null);
        }
        try (RunningServer server = RunningServer.start("--tls-port", Integer.toString(freePort()),
                "--tls-cert-file", pki.serverCert.toString(), "--tls-key-file", pki.serverKey.toString(),
                "--tls-auth-clients", "no");
             SSLSocket anonymous = tlsSocket(server, null)) {
            assertEquals("+PONG\r\n", call(anonymous, "PING\r\n"));
        }
    }

    @Test
    void tlsProtocolsLimitsTheVersionsOffered() throws Exception {
        try (RunningServer server = tlsServer("--tls-protocols", "TLSv1.2")) {
            try (SSLSocket s = tlsSocket(server, false, "TLSv1.2", "TLSv1.3")) {
                assertEquals("TLSv1.2", s.getSession().getProtocol());
                assertEquals("+PONG\r\n", call(s, "PING\r\n"));
            }
            assertThrows(IOException.class, () -> tlsSocket(server, false, "TLSv1.3").close());
        }
    }

    @Test
    void tlsCiphersuitesAndTlsCiphersChooseTheSuites() throws Exception {
        try (RunningServer server = tlsServer("--tls-ciphersuites", "TLS_AES_256_GCM_SHA384",
                "--tls-ciphers", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384")) {
            try (SSLSocket s = tlsSocket(server, false)) {
                assertEquals("TLS_AES_256_GCM_SHA384", s.getSession().getCipherSuite());
            }
            try (SSLSocket s = tlsSocket(server, false, "TLSv1.2")) {
                assertEquals("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", s.getSession().getCipherSuite());
                assertEquals("+PONG\r\n", call(s, "PING\r\n"));
            }
        }
    }

    @Test
    void aCaDirectoryWorksLikeACaFile() throws Exception {
        Path cas = pki.dir.resolve("cas");
        java.nio.file.Files.createDirectories(cas);
        java.nio.file.Files.copy(pki.caCert, cas.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        java.nio.file.Files.writeString(cas.resolve("README"), "not a certificate");
        try (RunningServer server = RunningServer.start("--tls-port", Integer.toString(freePort()),
                "--tls-cert-file", pki.serverCert.toString(), "--tls-key-file", pki.serverKey.toString(),
                "--tls-ca-cert-dir", cas.toString());
             SSLSocket s = tlsSocket(server, false)) {
            assertEquals("+PONG\r\n", call(s, "PING\r\n"));
            assertRefused(server, true);
        }
    }

    @Test
    void plainTextOnTheTlsPortClosesThatConnectionOnly() throws Exception {
        try (RunningServer server = tlsServer();
             Socket raw = new Socket("127.0.0.1", server.server().tlsPort())) {
            raw.setSoTimeout(5000);
            raw.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = raw.getInputStream();
            // Whatever alert comes back, the stream ends.
            byte[] buf = new byte[1024];
            int n;
            do {
                n = in.read(buf);
            } while (n > 0);
            assertEquals(-1, n);
            try (SSLSocket good = tlsSocket(server, false)) {
                assertEquals("+PONG\r\n", call(good, "PING\r\n"));
            }
        }
    }

    @Test
    void redisCliConnectsWithTls() throws Exception {
        assumeTrue(io.mnemos.testing.RedisCli.available(), "redis-cli is not installed");
        try (RunningServer server = tlsServer()) {
            String tlsPort = Integer.toString(server.server().tlsPort());
            List<String> cmd = List.of("redis-cli", "-h", "127.0.0.1", "-p", tlsPort, "--tls",
                    "--cacert", pki.caCert.toString(), "--cert", pki.clientCert.toString(),
                    "--key", pki.clientKey.toString());
            assertEquals("PONG\n", run(cmd, "PING"));
            assertEquals("OK\n", run(cmd, "SET", "k", "from-cli"));
            assertEquals("from-cli\n", run(cmd, "GET", "k"));
            // Without a client certificate the server refuses it.
            String refused = run(List.of("redis-cli", "-h", "127.0.0.1", "-p", tlsPort, "--tls",
                    "--cacert", pki.caCert.toString()), "PING");
            assertTrue(!refused.contains("PONG"), refused);
        }
    }

    private static String run(List<String> base, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(base);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void jedisOverTls() throws Exception {
        try (RunningServer server = tlsServer();
             Jedis jedis = new Jedis(new HostAndPort("localhost", server.server().tlsPort()),
                     DefaultJedisClientConfig.builder().ssl(true)
                             .sslSocketFactory(pki.clientContext(false).getSocketFactory()).build())) {
            assertEquals("PONG", jedis.ping());
            jedis.set("jedis", "over tls");
            assertEquals("over tls", jedis.get("jedis"));
            byte[] big = new byte[1 << 20];
            java.util.Arrays.fill(big, (byte) 'z');
            jedis.set("big".getBytes(), big);
            assertEquals(big.length, jedis.get("big".getBytes()).length);
        }
    }

    @Test
    void lettuceOverTlsWithBothProtocols() throws Exception {
        try (RunningServer server = tlsServer()) {
            SslOptions ssl = SslOptions.builder().jdkSslProvider()
                    .keyManager(pki.clientCert.toFile(), pki.clientKey.toFile(), null)
                    .trustManager(pki.caCert.toFile()).build();
            RedisURI uri = RedisURI.builder().withHost("localhost").withPort(server.server().tlsPort())
                    .withSsl(true).withVerifyPeer(true).build();
            RedisClient client = RedisClient.create(uri);
            try {
                for (io.lettuce.core.protocol.ProtocolVersion version : io.lettuce.core.protocol.ProtocolVersion.values()) {
                    client.setOptions(ClientOptions.builder().sslOptions(ssl).protocolVersion(version).build());
                    try (StatefulRedisConnection<String, String> c = client.connect()) {
                        assertEquals("PONG", c.sync().ping());
                        c.sync().set("lettuce", version.name());
                        assertEquals(version.name(), c.sync().get("lettuce"));
                    }
                }
            } finally {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }
}
