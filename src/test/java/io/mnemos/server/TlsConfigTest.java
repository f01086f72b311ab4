package io.mnemos.server;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.mnemos.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tls-* options: parsing, Redis's startup checks and CONFIG SET on a live server. */
class TlsConfigTest {
    @TempDir
    Path dir;

    @Test
    void tlsProtocolsAcceptsRedisNamesInAnyCase() throws Exception {
        assertArrayEquals(new String[]{"TLSv1.3", "TLSv1.2"}, TlsConfig.parseProtocols(""));
        assertArrayEquals(new String[]{"TLSv1.2", "TLSv1.3"}, TlsConfig.parseProtocols("tlsv1.2 TLSv1.3"));
        TlsConfig.TlsException e = assertThrows(TlsConfig.TlsException.class, () -> TlsConfig.parseProtocols("SSLv3"));
        assertEquals("Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.",
                e.getMessage());
    }

    @Test
    void theOptionsHaveRedisDefaults() {
        ServerConfig c = new ServerConfig();
        assertEquals("0", c.option("tls-port").get());
        assertEquals("yes", c.option("tls-auth-clients").get());
        assertEquals("", c.option("tls-cert-file").get());
        assertEquals("", c.option("tls-protocols").get());
        assertEquals("20480", c.option("tls-session-cache-size").get());
        assertEquals("300", c.option("tls-session-cache-timeout").get());
        assertEquals("yes", c.option("tls-session-caching").get());
        assertEquals("no", c.option("tls-replication").get());
        for (String name : new String[]{"tls-client-cert-file", "tls-client-key-file", "tls-client-key-file-pass",
                "tls-dh-params-file", "tls-ciphers", "tls-ciphersuites", "tls-key-file-pass", "tls-ca-cert-dir"}) {
            assertEquals("", c.option(name).get(), name);
        }
        assertEquals("no", c.option("tls-prefer-server-ciphers").get());
        assertEquals("no", c.option("tls-cluster").get());
    }

    @Test
    void startingWithoutCertificatesFailsAsRedisDoes() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> RunningServer.start("--tls-port", "1"));
        assertEquals("Failed to configure TLS. Check logs for more info.", e.getMessage());
        assertEquals("No tls-cert-file configured!", e.getCause().getMessage());
    }

    @Test
    void clientAuthenticationNeedsACa() throws Exception {
        TestPki pki = new TestPki(dir);
        TlsConfig tls = new TlsConfig();
        tls.certFile = pki.serverCert.toString();
        tls.keyFile = pki.serverKey.toString();
        TlsConfig.TlsException e = assertThrows(TlsConfig.TlsException.class, tls::build);
        assertEquals("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                + "tls-replication or tls-auth-clients are enabled!", e.getMessage());
        tls.authClients = "no";
        tls.build();
    }

    @Test
    void aTraditionalPkcs1RsaKeyAsOpenSsl11WritesItIsAccepted() throws Exception {
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("RSA");
        gen.initialize(2048);
        java.security.KeyPair pair = gen.generateKeyPair();
        Path key = dir.resolve("rsa.key");
        try (java.io.Writer w = java.nio.file.Files.newBufferedWriter(key);
             org.bouncycastle.openssl.jcajce.JcaPEMWriter pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(w)) {
            pem.writeObject(pair); // BouncyCastle writes a KeyPair as "BEGIN RSA PRIVATE KEY"
        }
        assertTrue(java.nio.file.Files.readString(key).startsWith("-----BEGIN RSA PRIVATE KEY-----"));
        java.security.PrivateKey read = TlsConfig.readPkcs1RsaKey(key);
        assertArrayEquals(pair.getPrivate().getEncoded(), read.getEncoded());
        assertEquals(null, TlsConfig.readPkcs1RsaKey(new TestPki(dir).serverKey));
    }

    @Test
    void configSetOfABadFileOnALiveServerIsRefusedAndKeepsTheOldSetting() throws Exception {
        TestPki pki = new TestPki(dir);
        int tlsPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            tlsPort = s.getLocalPort();
        }
        try (RunningServer server = RunningServer.start("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", pki.serverCert.toString(), "--tls-key-file", pki.serverKey.toString(),
                "--tls-ca-cert-file", pki.caCert.toString());
             RespConnection c = new RespConnection(server.host(), server.port())) {
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'tls-cert-file') - "
                            + "Unable to update TLS configuration. Check server logs.\r\n",
                    c.call("CONFIG", "SET", "tls-cert-file", dir.resolve("missing.crt").toString()));
            assertEquals("*2\r\n$13\r\ntls-cert-file\r\n$" + pki.serverCert.toString().length() + "\r\n"
                    + pki.serverCert + "\r\n", c.call("CONFIG", "GET", "tls-cert-file"));
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'tls-protocols') - "
                            + "Unable to update TLS configuration. Check server logs.\r\n",
                    c.call("CONFIG", "SET", "tls-protocols", "SSLv2"));
            // A good change is taken by the next connection.
            assertEquals("+OK\r\n", c.call("CONFIG", "SET", "tls-protocols", "TLSv1.2 TLSv1.3"));
            assertEquals(tlsPort, server.server().tlsPort());
            assertEquals("-ERR CONFIG SET failed (possibly related to argument 'tls-port') - "
                            + "Unable to listen on this port. Check server logs.\r\n",
                    c.call("CONFIG", "SET", "tls-port", "0"));
            assertEquals("*2\r\n$8\r\ntls-port\r\n$" + Integer.toString(tlsPort).length() + "\r\n" + tlsPort + "\r\n",
                    c.call("CONFIG", "GET", "tls-port"));
        }
    }
}
