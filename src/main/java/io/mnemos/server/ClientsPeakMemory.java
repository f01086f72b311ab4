package io.mnemos.server;

import io.mnemos.command.ClientCommands;

import java.util.Arrays;

/**
 * Redis's clientsCronTrackExpansiveClients: the biggest input and output buffers any client held
 * when the cron looked, one slot per second of the last eight, for INFO's
 * client_recent_max_input_buffer and client_recent_max_output_buffer (what exporters graph to
 * spot a client sending huge requests or not reading its replies).
 */
final class ClientsPeakMemory {
    /** CLIENTS_PEAK_MEM_USAGE_SLOTS: "recent" is the last eight seconds. */
    private static final int SLOTS = 8;

    private final long[] input = new long[SLOTS];
    private final long[] output = new long[SLOTS];
    private int slot;

    /** One cron pass over the clients. */
    void track(Iterable<Client> clients, long unixSeconds) {
        startSecond(unixSeconds);
        for (Client c : clients) {
            observe(ClientCommands.inputBufferMemory(c), c.outputBufferBytes());
        }
    }

    /**
     * Samples from now on go to this second's slot. The next second's slot is cleared, so that
     * when the clock reaches it, it holds only what that second saw.
     */
    void startSecond(long unixSeconds) {
        slot = (int) (unixSeconds % SLOTS);
        int next = (slot + 1) % SLOTS;
        input[next] = 0;
        output[next] = 0;
    }

    void observe(long inputBytes, long outputBytes) {
        input[slot] = Math.max(input[slot], inputBytes);
        output[slot] = Math.max(output[slot], outputBytes);
    }

    long recentMaxInput() {
        return Arrays.stream(input).max().orElse(0);
    }

    long recentMaxOutput() {
        return Arrays.stream(output).max().orElse(0);
    }
}
