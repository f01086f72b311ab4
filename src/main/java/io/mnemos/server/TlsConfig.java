package io.mnemos.server;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Redis 7.0's TLS settings ({@code tls-port}, {@code tls-cert-file}, {@code tls-key-file},
 * {@code tls-key-file-pass}, {@code tls-ca-cert-file}, {@code tls-ca-cert-dir},
 * {@code tls-auth-clients}, {@code tls-protocols}, {@code tls-ciphers}, {@code tls-ciphersuites},
 * {@code tls-prefer-server-ciphers}, {@code tls-session-caching}, {@code tls-session-cache-size},
 * {@code tls-session-cache-timeout}) and the Netty {@link SslContext} built from them, as Redis's
 * tls.c tlsConfigure does. OpenSSL (BoringSSL through netty-tcnative) is used when its native
 * library loads, the JDK's provider otherwise; {@code -Dmnemos.tls.provider=jdk|openssl} forces one.
 */
public final class TlsConfig {
    private static final Logger log = LoggerFactory.getLogger(TlsConfig.class);
    /** When tls-ciphers or tls-ciphersuites is set alone, the other protocol version keeps these. */
    private static final List<String> DEFAULT_TLS13_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    private static final List<String> DEFAULT_TLS12_CIPHERS = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public int port = 0;
    public String certFile = "";
    public String keyFile = "";
    public String keyFilePass = "";
    public String caCertFile = "";
    public String caCertDir = "";
    /** "yes", "no" or "optional", read for every new connection as Redis does. */
    public String authClients = "yes";
    public String protocols = "";
    public String ciphers = "";
    public String ciphersuites = "";
    public boolean preferServerCiphers = false;
    public boolean sessionCaching = true;
    public long sessionCacheSize = 20 * 1024;
    public long sessionCacheTimeout = 300;
    public String clientCertFile = "";
    public String clientKeyFile = "";
    public String clientKeyFilePass = "";
    public String dhParamsFile = "";
    public boolean replication = false;
    public boolean cluster = false;

    /**
     * The contexts new TLS connections use, accepted ones and the replica's link to its master;
     * replaced when CONFIG SET changes a file or setting.
     */
    private volatile Contexts context;

    /** Redis's two SSL_CTXs: one for connections it accepts, one for those it makes. */
    record Contexts(SslContext server, SslContext client) {
    }
    /** Set once the server runs: from then on a changed setting rebuilds the context at once. */
    private volatile boolean live;

    static void register(ServerConfig config, TlsConfig tls) {
        ConfigOption portParser = ConfigOption.integer("tls-port", true, 0, 65535, () -> (long) tls.port,
                v -> tls.port = v.intValue());
        config.register(ConfigOption.of("tls-port", true, portParser::get, v -> {
            int old = tls.port;
            portParser.set(v);
            if (tls.live && tls.port != old) {
                // applyTLSPort: TLS that was never set up must build first, with its own error.
                if (tls.context == null) {
                    try {
                        tls.context = tls.build();
                    } catch (TlsException e) {
                        log.warn("{}", e.getMessage());
                        tls.port = old;
                        throw new ConfigException("Unable to update TLS configuration. Check server logs.");
                    }
                }
                // Redis rebinds here; Mnemos binds tls-port at startup only.
                tls.port = old;
                log.warn("tls-port can only be changed with a restart");
                throw new ConfigException("Unable to listen on this port. Check server logs.");
            }
        }));
        file(config, tls, "tls-cert-file", () -> tls.certFile, v -> tls.certFile = v);
        file(config, tls, "tls-key-file", () -> tls.keyFile, v -> tls.keyFile = v);
        file(config, tls, "tls-key-file-pass", () -> tls.keyFilePass, v -> tls.keyFilePass = v);
        file(config, tls, "tls-ca-cert-file", () -> tls.caCertFile, v -> tls.caCertFile = v);
        file(config, tls, "tls-ca-cert-dir", () -> tls.caCertDir, v -> tls.caCertDir = v);
        text(config, tls, "tls-protocols", () -> tls.protocols, v -> tls.protocols = v);
        text(config, tls, "tls-ciphers", () -> tls.ciphers, v -> tls.ciphers = v);
        text(config, tls, "tls-ciphersuites", () -> tls.ciphersuites, v -> tls.ciphersuites = v);
        // The certificate a replica presents to its master (tls-replication).
        file(config, tls, "tls-client-cert-file", () -> tls.clientCertFile, v -> tls.clientCertFile = v);
        file(config, tls, "tls-client-key-file", () -> tls.clientKeyFile, v -> tls.clientKeyFile = v);
        file(config, tls, "tls-client-key-file-pass", () -> tls.clientKeyFilePass, v -> tls.clientKeyFilePass = v);
        // Kept for CONFIG GET/SET compatibility: the provider picks DH parameters.
        config.register(ConfigOption.string("tls-dh-params-file", true, () -> tls.dhParamsFile, v -> tls.dhParamsFile = v));
        config.register(ConfigOption.choice("tls-auth-clients", true, new String[]{"no", "yes", "optional"},
                () -> tls.authClients, v -> tls.authClients = v));
        flag(config, tls, "tls-prefer-server-ciphers", () -> tls.preferServerCiphers, v -> tls.preferServerCiphers = v);
        flag(config, tls, "tls-session-caching", () -> tls.sessionCaching, v -> tls.sessionCaching = v);
        flag(config, tls, "tls-replication", () -> tls.replication, v -> tls.replication = v);
        flag(config, tls, "tls-cluster", () -> tls.cluster, v -> tls.cluster = v);
        number(config, tls, "tls-session-cache-size", () -> tls.sessionCacheSize, v -> tls.sessionCacheSize = v);
        number(config, tls, "tls-session-cache-timeout", () -> tls.sessionCacheTimeout, v -> tls.sessionCacheTimeout = v);
    }

    /** Redis's applyTlsCfg: a runtime change rebuilds the context, or is undone with Redis's error. */
    private static void file(ServerConfig config, TlsConfig tls, String name,
                             java.util.function.Supplier<String> get, java.util.function.Consumer<String> set) {
        config.register(ConfigOption.of(name, true, get, v -> {
            String old = get.get();
            set.accept(v);
            tls.applyOrRevert(() -> set.accept(old));
        }));
    }

    private static void text(ServerConfig config, TlsConfig tls, String name,
                             java.util.function.Supplier<String> get, java.util.function.Consumer<String> set) {
        file(config, tls, name, get, set);
    }

    private static void flag(ServerConfig config, TlsConfig tls, String name,
                             java.util.function.Supplier<Boolean> get, java.util.function.Consumer<Boolean> set) {
        ConfigOption parser = ConfigOption.bool(name, true, get, set);
        config.register(ConfigOption.of(name, true, parser::get, v -> {
            boolean old = get.get();
            parser.set(v);
            tls.applyOrRevert(() -> set.accept(old));
        }));
    }

    private static void number(ServerConfig config, TlsConfig tls, String name,
                               java.util.function.Supplier<Long> get, java.util.function.Consumer<Long> set) {
        ConfigOption parser = ConfigOption.integer(name, true, 0, Integer.MAX_VALUE, get, set::accept);
        config.register(ConfigOption.of(name, true, parser::get, v -> {
            long old = get.get();
            parser.set(v);
            tls.applyOrRevert(() -> set.accept(old));
        }));
    }

    /** applyTlsCfg: TLS counts as on with a tls-port, tls-replication or tls-cluster. */
    private void applyOrRevert(Runnable revert) throws ConfigException {
        if (!live || (port == 0 && !replication && !cluster)) {
            return;
        }
        try {
            context = build();
        } catch (TlsException e) {
            log.warn("{}", e.getMessage());
            revert.run();
            throw new ConfigException("Unable to update TLS configuration. Check server logs.");
        }
    }

    /** A TLS setup problem, with the text Redis logs for it. */
    public static final class TlsException extends Exception {
        TlsException(String message) {
            super(message);
        }
    }

    /** Builds the context for the current settings and makes it the live one (server startup). */
    void configure() throws TlsException {
        context = build();
        live = true;
    }

    /** The server is running: tls-port is fixed from now on, other changes apply at once. */
    void started() {
        live = true;
    }

    SslContext context() {
        return context.server();
    }

    /**
     * The context of the master link with tls-replication: null until TLS is configured (a server
     * started with neither tls-port nor tls-replication).
     */
    public SslContext clientContext() {
        Contexts c = context;
        return c == null ? null : c.client();
    }

    /** The provider in use: OpenSSL when netty-tcnative loads, unless mnemos.tls.provider says otherwise. */
    static SslProvider provider() {
        String wanted = System.getProperty("mnemos.tls.provider", "").toLowerCase(Locale.ROOT);
        return switch (wanted) {
            case "jdk" -> SslProvider.JDK;
            case "openssl" -> SslProvider.OPENSSL;
            default -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    /** tls-auth-clients as Netty's client authentication mode. */
    ClientAuth clientAuth() {
        return switch (authClients) {
            case "no" -> ClientAuth.NONE;
            case "optional" -> ClientAuth.OPTIONAL;
            default -> ClientAuth.REQUIRE;
        };
    }

    /**
     * Redis's tlsConfigure checks and the creation of both contexts. The client one presents
     * tls-client-cert-file and tls-client-key-file when both are set, tls-cert-file and tls-key-file
     * otherwise, and checks the master's certificate against the CAs but not its host name, as Redis.
     */
    Contexts build() throws TlsException {
        if (certFile.isEmpty()) {
            throw new TlsException("No tls-cert-file configured!");
        }
        if (keyFile.isEmpty()) {
            throw new TlsException("No tls-key-file configured!");
        }
        if ((!authClients.equals("no") || replication || cluster) && caCertFile.isEmpty() && caCertDir.isEmpty()) {
            throw new TlsException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                    + "tls-replication or tls-auth-clients are enabled!");
        }
        String[] enabledProtocols = parseProtocols(protocols);
        SslContextBuilder server = keyed(true, certFile, keyFile, keyFilePass);
        boolean ownClientCert = !clientCertFile.isEmpty() && !clientKeyFile.isEmpty();
        SslContextBuilder client = ownClientCert
                ? keyed(false, clientCertFile, clientKeyFile, clientKeyFilePass)
                : keyed(false, certFile, keyFile, keyFilePass);
        List<X509Certificate> cas = trustedCertificates();
        List<String> cipherList = cipherList();
        for (SslContextBuilder builder : List.of(server, client)) {
            if (!cas.isEmpty()) {
                builder.trustManager(cas.toArray(new X509Certificate[0]));
            }
            builder.sslProvider(provider())
                    .protocols(enabledProtocols)
                    .ciphers(cipherList, SupportedCipherSuiteFilter.INSTANCE);
        }
        // Set per connection from tls-auth-clients (see TlsListener); OPTIONAL asks for one.
        server.clientAuth(cas.isEmpty() ? ClientAuth.NONE : ClientAuth.OPTIONAL)
                .sessionCacheSize(sessionCaching ? sessionCacheSize : 1)
                .sessionTimeout(sessionCacheTimeout);
        client.endpointIdentificationAlgorithm(null);
        return new Contexts(built(server, keyFile), built(client, ownClientCert ? clientKeyFile : keyFile));
    }

    /** A server or client context builder holding a certificate chain and its key. */
    private static SslContextBuilder keyed(boolean forServer, String cert, String key, String pass) throws TlsException {
        try {
            java.security.PrivateKey pkcs1 = readPkcs1RsaKey(Path.of(key));
            if (pkcs1 != null) {
                X509Certificate[] chain = readCertificates(Path.of(cert)).toArray(new X509Certificate[0]);
                return forServer ? SslContextBuilder.forServer(pkcs1, chain)
                        : SslContextBuilder.forClient().keyManager(pkcs1, chain);
            }
            File certs = new File(cert);
            File privateKey = new File(key);
            String password = pass.isEmpty() ? null : pass;
            return forServer ? SslContextBuilder.forServer(certs, privateKey, password)
                    : SslContextBuilder.forClient().keyManager(certs, privateKey, password);
        } catch (IllegalArgumentException | IOException | java.security.GeneralSecurityException e) {
            throw new TlsException("Failed to load certificate: " + cert + ": " + rootMessage(e));
        }
    }

    /** tls-ca-cert-file and the certificates of tls-ca-cert-dir (files that are not certificates skipped). */
    private List<X509Certificate> trustedCertificates() throws TlsException {
        List<X509Certificate> cas = new ArrayList<>();
        try {
            if (!caCertFile.isEmpty()) {
                cas.addAll(readCertificates(Path.of(caCertFile)));
            }
            if (!caCertDir.isEmpty()) {
                try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of(caCertDir))) {
                    for (Path p : dir) {
                        if (Files.isRegularFile(p)) {
                            try {
                                cas.addAll(readCertificates(p));
                            } catch (CertificateException | IOException e) {
                                log.debug("Skipping {} in tls-ca-cert-dir: {}", p, e.getMessage());
                            }
                        }
                    }
                }
            }
        } catch (CertificateException | IOException e) {
            throw new TlsException("Failed to configure CA certificate(s) file/directory: " + rootMessage(e));
        }
        return cas;
    }

    private static SslContext built(SslContextBuilder builder, String keyFile) throws TlsException {
        try {
            return builder.build();
        } catch (Exception e) {
            throw new TlsException("Failed to load private key: " + keyFile + ": " + rootMessage(e));
        }
    }

    /** tls-ciphers (TLS 1.2 and below) and tls-ciphersuites (TLS 1.3), colon separated; null: provider defaults. */
    private List<String> cipherList() {
        if (ciphers.isBlank() && ciphersuites.isBlank()) {
            return null;
        }
        Set<String> all = new LinkedHashSet<>();
        all.addAll(ciphers.isBlank() ? DEFAULT_TLS12_CIPHERS : split(ciphers));
        all.addAll(ciphersuites.isBlank() ? DEFAULT_TLS13_SUITES : split(ciphersuites));
        return new ArrayList<>(all);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split("[:,\\s]+")).filter(s -> !s.isEmpty()).toList();
    }

    /** Redis's parseProtocolsConfig: a space separated combination; empty means TLSv1.2 and TLSv1.3. */
    static String[] parseProtocols(String text) throws TlsException {
        if (text.isBlank()) {
            return new String[]{"TLSv1.3", "TLSv1.2"};
        }
        Set<String> result = new LinkedHashSet<>();
        for (String p : text.trim().split("\\s+")) {
            switch (p.toLowerCase(Locale.ROOT)) {
                case "tlsv1" -> result.add("TLSv1");
                case "tlsv1.1" -> result.add("TLSv1.1");
                case "tlsv1.2" -> result.add("TLSv1.2");
                case "tlsv1.3" -> result.add("TLSv1.3");
                default -> throw new TlsException("Invalid tls-protocols specified. "
                        + "Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            }
        }
        return result.toArray(new String[0]);
    }

    /**
     * An unencrypted "BEGIN RSA PRIVATE KEY" (PKCS#1, what OpenSSL 1.1's genrsa writes), which the
     * JDK cannot read, wrapped into PKCS#8; null for any other kind of key file.
     */
    static java.security.PrivateKey readPkcs1RsaKey(Path file) throws IOException, java.security.GeneralSecurityException {
        String pem = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        String begin = "-----BEGIN RSA PRIVATE KEY-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf("-----END RSA PRIVATE KEY-----");
        if (from < 0 || to < 0 || pem.contains("ENCRYPTED")) {
            return null;
        }
        byte[] pkcs1 = java.util.Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        // PrivateKeyInfo: SEQUENCE { INTEGER 0, SEQUENCE { rsaEncryption OID, NULL }, OCTET STRING pkcs1 }
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
                0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octets = der(0x04, pkcs1);
        byte[] body = new byte[version.length + algorithm.length + octets.length];
        System.arraycopy(version, 0, body, 0, version.length);
        System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
        System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
        return java.security.KeyFactory.getInstance("RSA")
                .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der(0x30, body)));
    }

    private static byte[] der(int tag, byte[] content) {
        int n = content.length;
        byte[] length = n < 0x80 ? new byte[]{(byte) n}
                : n < 0x100 ? new byte[]{(byte) 0x81, (byte) n}
                : n < 0x10000 ? new byte[]{(byte) 0x82, (byte) (n >> 8), (byte) n}
                : new byte[]{(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
        byte[] out = new byte[1 + length.length + n];
        out[0] = (byte) tag;
        System.arraycopy(length, 0, out, 1, length.length);
        System.arraycopy(content, 0, out, 1 + length.length, n);
        return out;
    }

    private static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> certs = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (java.security.cert.Certificate c : factory.generateCertificates(in)) {
                certs.add((X509Certificate) c);
            }
        }
        if (certs.isEmpty()) {
            throw new CertificateException("no certificate in " + file);
        }
        return certs;
    }

    /** The message of the innermost cause: what went wrong, under the layers that reported it. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }
}
