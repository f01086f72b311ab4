package io.mnemos.command;

import io.mnemos.testing.RespConnection;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.mnemos.testing.PortScenario.onMnemosAndRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * INFO's total_eviction_exceeded_time and current_eviction_exceeded_time (milliseconds used memory
 * stayed over maxmemory), on Mnemos and Redis 7.0: a stretch starts when eviction cannot bring
 * memory under the limit and ends at the first eviction check that finds it under; with maxmemory
 * 0 nothing checks, so a stretch begun before goes on.
 */
class EvictionExceededTimeDifferentialTest {
    private static String stretch(RespConnection c) throws Exception {
        String info = c.call("INFO", "stats");
        long total = field(info, "total_eviction_exceeded_time");
        long current = field(info, "current_eviction_exceeded_time");
        String state = current >= 100 ? "over for 100 ms or more" : current == 0 ? "not over" : "over for " + current + " ms";
        return state + (total >= current ? "" : ", total below current") + (total >= 200 ? ", total 200 ms or more" : "");
    }

    private static long field(String info, String name) {
        int at = info.indexOf(name + ":");
        return Long.parseLong(info.substring(at + name.length() + 1, info.indexOf('\r', at)));
    }

    @Test
    void theTimeOverMaxmemoryIsCountedUntilAnEvictionCheckFindsMemoryUnderIt() throws Exception {
        List<String> seen = onMnemosAndRedis(port -> {
            List<String> out = new ArrayList<>();
            try (RespConnection c = new RespConnection("127.0.0.1", port)) {
                c.call("CONFIG", "SET", "maxmemory-policy", "noeviction");
                c.call("SET", "k", "v");
                out.add(stretch(c));
                // Below what is used: nothing can be evicted, the stretch starts.
                out.add(c.call("CONFIG", "SET", "maxmemory", "1"));
                Thread.sleep(150);
                out.add(stretch(c));
                out.add(c.call("SET", "more", "v"));
                // No limit: no eviction check runs, not even before commands.
                out.add(c.call("CONFIG", "SET", "maxmemory", "0"));
                out.add(c.call("PING"));
                Thread.sleep(100);
                out.add(stretch(c));
                // A limit memory fits ends it.
                out.add(c.call("CONFIG", "SET", "maxmemory", "1gb"));
                out.add(stretch(c));
                out.add(c.call("CONFIG", "RESETSTAT"));
                out.add(stretch(c));
            }
            return out;
        });
        assertEquals(List.of("not over", "+OK\r\n", "over for 100 ms or more",
                "-OOM command not allowed when used memory > 'maxmemory'.\r\n", "+OK\r\n", "+PONG\r\n",
                "over for 100 ms or more, total 200 ms or more", "+OK\r\n", "not over, total 200 ms or more",
                "+OK\r\n", "not over"), seen);
    }
}
