package io.mnemos.testing;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A scenario a test plays against a server's port (its own connections, sockets, CONFIG SET), whose
 * observations must be the same on Mnemos and on Redis 7.0.
 */
@FunctionalInterface
public interface PortScenario {
    List<String> run(int port) throws Exception;

    /** The observations on a fresh Mnemos, after asserting a fresh redis-server (where installed) observes the same. */
    static List<String> onMnemosAndRedis(PortScenario scenario) throws Exception {
        List<String> ours;
        try (RunningServer mnemos = RunningServer.start()) {
            ours = scenario.run(mnemos.port());
        }
        if (RealRedis.available()) {
            try (RealRedis redis = RealRedis.start()) {
                assertEquals(scenario.run(redis.port()), ours, "Redis observed otherwise");
            }
        }
        return ours;
    }
}
