package io.mnemos.it;

import io.mnemos.testing.ServerPerClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisMonitor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jedis's MONITOR support, unchanged: it reads the stream line by line while another client works. */
class MonitorIntegrationTest {
    @RegisterExtension
    static final ServerPerClass server = new ServerPerClass();

    /** The next line, past Jedis's connection set-up (CLIENT SETINFO, HELLO) that may come first. */
    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        while (true) {
            String line = lines.poll(5, TimeUnit.SECONDS);
            if (line == null || !(line.contains("] \"CLIENT\" ") || line.contains("] \"HELLO\""))) {
                return line;
            }
        }
    }

    @Test
    void jedisMonitorReceivesOtherClientsCommands() throws Exception {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Jedis monitoring = new Jedis(server.host(), server.port(), 10_000);
        Thread reader = new Thread(() -> {
            try {
                monitoring.monitor(new JedisMonitor() {
                    @Override
                    public void onCommand(String command) {
                        lines.add(command);
                    }
                });
            } catch (RuntimeException closed) {
                // the connection is closed at the end of the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        try (Jedis worker = new Jedis(server.host(), server.port(), 10_000)) {
            long deadline = System.currentTimeMillis() + 5000;
            while (!worker.clientList().contains("flags=O")) {
                assertTrue(System.currentTimeMillis() < deadline, "MONITOR never started");
                Thread.sleep(5);
            }
            worker.set("greeting", "hello \"world\"");
            worker.select(3);
            worker.get("greeting");
            String info = worker.clientInfo();
            int at = info.indexOf("addr=127.0.0.1:") + "addr=127.0.0.1:".length();
            String port = info.substring(at, info.indexOf(' ', at));
            String set = next(lines);
            assertNotNull(set);
            assertTrue(set.matches("\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:" + port
                    + "] \"SET\" \"greeting\" \"hello \\\\\"world\\\\\"\""), set);
            assertTrue(next(lines).endsWith("[3 127.0.0.1:" + port + "] \"SELECT\" \"3\""));
            assertTrue(next(lines).endsWith("\"GET\" \"greeting\""));
            assertEquals(1, server.server().monitors().count());
        } finally {
            monitoring.close();
            reader.join(5000);
        }
    }
}
