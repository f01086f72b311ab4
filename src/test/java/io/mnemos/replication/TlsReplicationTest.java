package io.mnemos.replication;

import io.mnemos.testing.RealRedis;
import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.mnemos.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import static io.mnemos.replication.ReplicationSync.await;
import static io.mnemos.replication.ReplicationSync.awaitInSync;
import static io.mnemos.replication.ReplicationSync.field;
import static io.mnemos.replication.ReplicationSync.linkStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * tls-replication: the replica's link to its master is TLS, with the certificates of a CA made for
 * the test, against a real redis-server on either end. The replica presents tls-client-cert-file
 * (or tls-cert-file) to a master that requires client certificates, and checks the master's
 * certificate against its CAs.
 */
class TlsReplicationTest {
    private static final TestPki pki = TestPki.shared();

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** TLS settings for either server; tls-auth-clients stays yes (the default): peers need a certificate. */
    private static List<String> tls(String... extra) {
        List<String> args = new ArrayList<>(List.of("--tls-cert-file", pki.serverCert.toString(),
                "--tls-key-file", pki.serverKey.toString(), "--tls-ca-cert-file", pki.caCert.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    /**
     * A replica's: tls-replication, and the client certificate it presents (the server certificate
     * is for serverAuth only, which a master checking client certificates refuses).
     */
    private static List<String> replicaTls(String... extra) {
        List<String> args = tls("--tls-replication", "yes", "--tls-client-cert-file", pki.clientCert.toString(),
                "--tls-client-key-file", pki.clientKey.toString());
        args.addAll(List.of(extra));
        return args;
    }

    private static String[] array(List<String> args) {
        return args.toArray(new String[0]);
    }

    @Test
    void aMnemosReplicaFollowsARedisMasterOverTlsWithItsClientCertificate() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        int tlsPort = freePort();
        try (RealRedis redis = MasterLinkTest.redisMaster(array(tls("--tls-port", Integer.toString(tlsPort))));
             RespConnection m = new RespConnection("127.0.0.1", redis.port())) {
            m.call("DEBUG", "POPULATE", "1000");
            try (RunningServer replica = RunningServer.start(array(replicaTls(
                         "--replicaof", "127.0.0.1", Integer.toString(tlsPort))));
                 RespConnection r = new RespConnection(replica.host(), replica.port())) {
                // The link breaks and continues from the master's backlog, over TLS again.
                MasterLinkTest.followsEveryWriteAndContinuesAfterALinkLoss(m, r);
            }
        }
    }

    @Test
    void aRedisReplicaWithTlsReplicationFollowsAMnemosMastersTlsPort() throws Exception {
        assumeTrue(RealRedis.available(), "redis-server not on PATH");
        int tlsPort = freePort();
        try (RunningServer master = RunningServer.start(array(tls("--tls-port", Integer.toString(tlsPort),
                     "--repl-diskless-sync-delay", "0")));
             RespConnection m = new RespConnection(master.host(), master.port())) {
            // An RDB of many TLS-sized chunks, read from the dump file as the socket drains.
            m.call("DEBUG", "POPULATE", "20000");
            try (RealRedis replica = RealRedis.start(array(replicaTls(
                         "--enable-debug-command", "yes", "--replicaof", "127.0.0.1", Integer.toString(tlsPort))));
                 RespConnection r = new RespConnection("127.0.0.1", replica.port())) {
                awaitInSync(m, r);
                MasterLinkTest.writeEveryKind(m);
                awaitInSync(m, r);
                assertEquals(m.call("DEBUG", "DIGEST"), r.call("DEBUG", "DIGEST"));
            }
        }
    }

    @Test
    void aMasterCertificateFromAnotherCaIsRefusedUntilTheRightCaIsConfigured() throws Exception {
        int tlsPort = freePort();
        try (RunningServer master = RunningServer.start(array(tls("--tls-port", Integer.toString(tlsPort),
                     "--repl-diskless-sync-delay", "0")));
             RespConnection m = new RespConnection(master.host(), master.port());
             RunningServer replica = RunningServer.start(array(replicaTls(
                     "--tls-ca-cert-file", pki.otherCaCert.toString(),
                     "--replicaof", "127.0.0.1", Integer.toString(tlsPort))));
             RespConnection r = new RespConnection(replica.host(), replica.port())) {
            m.call("SET", "k", "v");
            await("a refused handshake", () -> Integer.parseInt(field(m.call("INFO", "stats"),
                    "total_connections_received")) >= 3);
            assertEquals("down", linkStatus(r));
            assertEquals("0", field(m.call("INFO", "replication"), "connected_slaves"));
            // CONFIG SET rebuilds the context at once; the cron's next attempt uses it.
            assertEquals("+OK\r\n", r.call("CONFIG", "SET", "tls-ca-cert-file", pki.caCert.toString()));
            awaitInSync(m, r);
            assertEquals("$1\r\nv\r\n", r.call("GET", "k"));
            assertTrue(field(m.call("INFO", "replication"), "slave0").startsWith("ip=127.0.0.1"));
        }
    }
}
