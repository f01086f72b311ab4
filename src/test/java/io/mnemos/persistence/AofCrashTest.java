package io.mnemos.persistence;

import io.mnemos.testing.RespConnection;
import io.mnemos.testing.RunningServer;
import io.mnemos.testing.ServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server process killed with SIGKILL while clients write: after a restart from the AOF, every
 * write acknowledged under appendfsync always is there; under everysec at most about the last
 * second is lost.
 */
class AofCrashTest {
    private static final int WRITERS = 4;

    @TempDir
    Path dir;

    /** One writer thread's acknowledged writes: counter values and SET keys, with the time of each ack. */
    private static final class Writer extends Thread {
        final int id;
        final int port;
        final List<long[]> acks = new ArrayList<>(); // {nanoTime, counter value, set index}
        volatile boolean stop;

        Writer(int id, int port) {
            this.id = id;
            this.port = port;
        }

        @Override
        public void run() {
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                for (int i = 0; !stop; i++) {
                    String r = c.call("INCR", "counter:" + id);
                    long value = Long.parseLong(r.substring(1, r.length() - 2));
                    String s = c.call("SET", "key:" + id + ":" + i, "value-" + i);
                    if (!s.equals("+OK\r\n")) {
                        throw new IllegalStateException(s);
                    }
                    synchronized (acks) {
                        acks.add(new long[]{System.nanoTime(), value, i});
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the server was killed
            }
        }
    }

    /** Runs the writers against a child server, kills it with SIGKILL mid-stream, returns the kill time. */
    private long crash(String fsync, List<Writer> writers) throws Exception {
        int port = ServerProcess.freePort();
        try (ServerProcess server = new ServerProcess("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--appendonly", "yes", "--appendfsync", fsync, "--dir", dir.toString())) {
            Process p = server.process;
            server.awaitReady(60);
            for (int i = 0; i < WRITERS; i++) {
                writers.add(new Writer(i, port));
            }
            writers.forEach(Thread::start);
            Thread.sleep(2500);
            long killedAt = System.nanoTime();
            p.destroyForcibly(); // SIGKILL: no shutdown hook, no final flush
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
            for (Writer w : writers) {
                w.stop = true;
                w.join(10_000);
            }
            assertEquals(137, p.exitValue(), server.output());
            return killedAt;
        }
    }

    @Test
    void withAppendfsyncAlwaysEveryAcknowledgedWriteSurvivesSigkill() throws Exception {
        List<Writer> writers = new ArrayList<>();
        crash("always", writers);
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            long total = 0;
            for (Writer w : writers) {
                assertTrue(w.acks.size() > 10, "writer " + w.id + " made progress");
                long[] last = w.acks.get(w.acks.size() - 1);
                String counter = c.call("GET", "counter:" + w.id);
                long value = Long.parseLong(counter.substring(counter.indexOf('\n') + 1, counter.length() - 2));
                // The unacknowledged INCR or SET in flight may or may not be there; every acknowledged one is.
                assertTrue(value >= last[1] && value <= last[1] + 1, "counter " + w.id + ": " + value + " acked " + last[1]);
                for (long[] ack : w.acks) {
                    int i = (int) ack[2];
                    assertEquals("$" + ("value-" + i).length() + "\r\nvalue-" + i + "\r\n", c.call("GET", "key:" + w.id + ":" + i));
                }
                total += w.acks.size();
            }
            assertTrue(total > 40, "writes were acknowledged: " + total);
        }
    }

    @Test
    void withAppendfsyncEverysecAtMostAboutTheLastSecondIsLost() throws Exception {
        List<Writer> writers = new ArrayList<>();
        long killedAt = crash("everysec", writers);
        long horizon = killedAt - TimeUnit.MILLISECONDS.toNanos(1500);
        try (RunningServer s = RunningServer.start("--appendonly", "yes", "--dir", dir.toString());
             RespConnection c = new RespConnection(s.host(), s.port())) {
            for (Writer w : writers) {
                long mustHave = 0;
                int mustHaveKey = -1;
                for (long[] ack : w.acks) {
                    if (ack[0] < horizon) {
                        mustHave = ack[1];
                        mustHaveKey = (int) ack[2];
                    }
                }
                String counter = c.call("GET", "counter:" + w.id);
                long value = counter.equals("$-1\r\n") ? 0
                        : Long.parseLong(counter.substring(counter.indexOf('\n') + 1, counter.length() - 2));
                assertTrue(value >= mustHave, "counter " + w.id + ": " + value + " but " + mustHave + " acked >1.5 s before the kill");
                if (mustHaveKey >= 0) {
                    assertEquals(":1\r\n", c.call("EXISTS", "key:" + w.id + ":" + mustHaveKey));
                }
            }
        }
    }
}
