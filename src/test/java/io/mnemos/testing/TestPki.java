package io.mnemos.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away PKI for TLS tests, generated with BouncyCastle into a directory: a CA, a server
 * certificate for localhost/127.0.0.1 and a client certificate both signed by it, and a second,
 * unknown CA with a client certificate of its own. EC P-256 keys (fast to generate), PEM files as
 * Redis's gen-test-certs.sh writes them (PKCS#8 keys).
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    public final Path dir;
    public final Path caCert;
    public final Path serverCert;
    public final Path serverKey;
    public final Path clientCert;
    public final Path clientKey;
    public final Path otherCaCert;
    public final Path strangerCert;
    public final Path strangerKey;

    private final X509Certificate ca;
    private final X509Certificate client;
    private final KeyPair clientPair;
    private final X509Certificate stranger;
    private final KeyPair strangerPair;

    private static TestPki shared;

    /**
     * One PKI for the whole test run, in a temporary directory removed when the JVM exits (the
     * certificates never change, and making keys is the slow part).
     */
    public static synchronized TestPki shared() {
        if (shared == null) {
            try {
                Path dir = java.nio.file.Files.createTempDirectory("mnemos-pki");
                shared = new TestPki(dir);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
            } catch (Exception e) {
                throw new IllegalStateException("cannot make the test PKI", e);
            }
        }
        return shared;
    }

    private static void deleteTree(Path dir) {
        try (var paths = java.nio.file.Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temporary directory: best effort
        }
    }

    public TestPki(Path dir) throws Exception {
        this.dir = dir;
        KeyPair caPair = keyPair();
        ca = sign("CN=Mnemos Test CA", caPair, "CN=Mnemos Test CA", caPair, true, null);
        KeyPair serverPair = keyPair();
        X509Certificate server = sign("CN=localhost", serverPair, "CN=Mnemos Test CA", caPair, false,
                KeyPurposeId.id_kp_serverAuth);
        clientPair = keyPair();
        client = sign("CN=mnemos-client", clientPair, "CN=Mnemos Test CA", caPair, false, KeyPurposeId.id_kp_clientAuth);
        KeyPair otherPair = keyPair();
        X509Certificate other = sign("CN=Unknown CA", otherPair, "CN=Unknown CA", otherPair, true, null);
        strangerPair = keyPair();
        stranger = sign("CN=stranger", strangerPair, "CN=Unknown CA", otherPair, false, KeyPurposeId.id_kp_clientAuth);

        caCert = pem("ca.crt", ca);
        serverCert = pem("server.crt", server);
        serverKey = pem("server.key", serverPair);
        clientCert = pem("client.crt", client);
        clientKey = pem("client.key", clientPair);
        otherCaCert = pem("other-ca.crt", other);
        strangerCert = pem("stranger.crt", stranger);
        strangerKey = pem("stranger.key", strangerPair);
    }

    /** Key store with the client's key and certificate, for JDK clients (Jedis). */
    public KeyStore clientKeyStore(boolean stranger) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("client", stranger ? strangerPair.getPrivate() : clientPair.getPrivate(), new char[0],
                new java.security.cert.Certificate[]{stranger ? this.stranger : client});
        return ks;
    }

    /** Trust store holding the test CA. */
    public KeyStore trustStore() throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", ca);
        return ks;
    }

    /** An SSLContext trusting the test CA and presenting the client (or the stranger) certificate, or none. */
    public javax.net.ssl.SSLContext clientContext(Boolean stranger) throws Exception {
        javax.net.ssl.TrustManagerFactory tmf =
                javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore());
        javax.net.ssl.KeyManager[] keyManagers = null;
        if (stranger != null) {
            javax.net.ssl.KeyManagerFactory kmf =
                    javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(clientKeyStore(stranger), new char[0]);
            // Present the certificate whatever CAs the server names, as redis-cli --cert does.
            javax.net.ssl.X509ExtendedKeyManager km = (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
            keyManagers = new javax.net.ssl.KeyManager[]{new AlwaysPresent(km)};
        }
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(keyManagers, tmf.getTrustManagers(), new SecureRandom());
        return ctx;
    }

    /** A key manager that offers its one certificate even to a server asking for other issuers. */
    private static final class AlwaysPresent extends javax.net.ssl.X509ExtendedKeyManager {
        private final javax.net.ssl.X509ExtendedKeyManager delegate;

        AlwaysPresent(javax.net.ssl.X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getClientAliases(String keyType, java.security.Principal[] issuers) {
            return new String[]{"client"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, java.security.Principal[] issuers,
                                              javax.net.ssl.SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getServerAliases(String keyType, java.security.Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, java.security.Principal[] issuers, java.net.Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public java.security.PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    private static KeyPair keyPair() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        return gen.generateKeyPair();
    }

    private static X509Certificate sign(String subject, KeyPair subjectPair, String issuer, KeyPair issuerPair,
                                        boolean isCa, KeyPurposeId purpose) throws Exception {
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), new Date(now - 3_600_000L),
                new Date(now + 86_400_000L * 30), new X500Name(subject), subjectPair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (purpose == KeyPurposeId.id_kp_serverAuth) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
            }
        }
        X509CertificateHolder holder = b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerPair.getPrivate()));
        return new JcaX509CertificateConverter().getCertificate(holder);
    }

    private Path pem(String name, Object object) throws IOException {
        Path file = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            if (object instanceof KeyPair pair) {
                pem.writeObject(new JcaPKCS8Generator(pair.getPrivate(), null));
            } else {
                pem.writeObject(object);
            }
        }
        return file;
    }
}
