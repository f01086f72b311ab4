package io.mnemos.replication;

import io.mnemos.testing.RespConnection;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Polling helpers of the replication tests: INFO fields, a condition, a replica caught up. */
final class ReplicationSync {
    private ReplicationSync() {
    }

    /** A condition polled until it holds; it may talk to servers. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /** An INFO field's value (the text after "name:" on its line), or null. */
    static String field(String info, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + ":(\\S*)").matcher(info);
        return m.find() ? m.group(1) : null;
    }

    static void await(String what, Check condition) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!condition.holds()) {
            assertTrue(System.currentTimeMillis() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    /** The replica's link is up and it applied the master's whole stream. */
    static void awaitInSync(RespConnection master, RespConnection replica) throws Exception {
        String[] last = new String[2];
        await("the replica to be in sync", () -> {
            last[0] = master.call("INFO", "replication");
            last[1] = replica.call("INFO", "replication");
            return "up".equals(field(last[1], "master_link_status"))
                    && field(last[0], "master_repl_offset").equals(field(last[1], "slave_repl_offset"));
        });
    }

    /** INFO replication's master_link_status of a replica. */
    static String linkStatus(RespConnection replica) throws Exception {
        return field(replica.call("INFO", "replication"), "master_link_status");
    }
}
