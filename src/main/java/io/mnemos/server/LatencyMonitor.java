package io.mnemos.server;

import io.mnemos.command.CommandFlag;
import io.mnemos.command.CommandSpec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Redis's latency monitor (latency.c): when latency-monitor-threshold is non-zero, events that
 * took at least that many milliseconds are kept per event name, at most one sample per second
 * (the worst), in a ring of 160 samples. Keyspace thread only.
 */
public final class LatencyMonitor {
    /** Redis's LATENCY_TS_LEN. */
    public static final int TS_LEN = 160;

    public record Sample(long time, long latency) {
    }

    /** One event's time series. */
    public static final class Series {
        final long[] times = new long[TS_LEN];
        final long[] latencies = new long[TS_LEN];
        int idx;
        long max;

        public long max() {
            return max;
        }

        /** The most recent sample. */
        public Sample latest() {
            int last = (idx + TS_LEN - 1) % TS_LEN;
            return new Sample(times[last], latencies[last]);
        }

        /** Samples oldest first. */
        public java.util.List<Sample> history() {
            java.util.List<Sample> out = new java.util.ArrayList<>();
            for (int j = 0; j < TS_LEN; j++) {
                int i = (idx + j) % TS_LEN;
                if (times[i] == 0) {
                    continue;
                }
                out.add(new Sample(times[i], latencies[i]));
            }
            return out;
        }
    }

    private final ServerConfig config;
    private final Map<String, Series> events = new LinkedHashMap<>();
    /**
     * The commands that have a latency histogram (INFO latencystats, LATENCY HISTOGRAM), created on
     * first call. Each lives on its CommandSpec, so recording one is a field read, not a map lookup.
     */
    private final java.util.List<CommandSpec> histograms = new java.util.ArrayList<>();
    private LongSupplier secondsClock = () -> System.currentTimeMillis() / 1000;

    public LatencyMonitor(ServerConfig config) {
        this.config = config;
    }

    /** For tests: the source of sample timestamps (Unix seconds). */
    public void secondsClock(LongSupplier clock) {
        this.secondsClock = clock;
    }

    /** Redis's latencyAddSampleIfNeeded: only when monitoring is on and the threshold is reached. */
    public void addSampleIfNeeded(String event, long millis) {
        long threshold = config.latencyMonitorThreshold;
        if (threshold > 0 && millis >= threshold) {
            addSample(event, millis);
        }
    }

    /**
     * After each command, as Redis's call(): a "fast-command" or "command" latency event if over the
     * threshold, and the command's latency histogram when latency-tracking is on.
     */
    public void commandExecuted(CommandSpec spec, long micros) {
        addSampleIfNeeded(spec.has(CommandFlag.FAST) ? "fast-command" : "command", micros / 1000);
        if (config.latencyTracking) {
            LatencyHistogram h = spec.latencyHistogram();
            if (h == null) {
                h = new LatencyHistogram();
                spec.latencyHistogram(h);
                histograms.add(spec);
            }
            h.record(micros * 1000);
        }
    }

    /** The command's latency histogram, or null if it has not run since the last reset. */
    public LatencyHistogram histogram(CommandSpec spec) {
        return spec.latencyHistogram();
    }

    /** CONFIG RESETSTAT drops the histograms with the other command statistics. */
    public void resetHistograms() {
        for (CommandSpec spec : histograms) {
            spec.latencyHistogram(null);
        }
        histograms.clear();
    }

    /** Redis's latencyAddSample: one sample per second per event, keeping the worst. */
    public void addSample(String event, long millis) {
        Series ts = events.computeIfAbsent(event, e -> new Series());
        long now = secondsClock.getAsLong();
        if (millis > ts.max) {
            ts.max = millis;
        }
        int prev = (ts.idx + TS_LEN - 1) % TS_LEN;
        if (ts.times[prev] == now) {
            if (millis > ts.latencies[prev]) {
                ts.latencies[prev] = millis;
            }
            return;
        }
        ts.times[ts.idx] = now;
        ts.latencies[ts.idx] = millis;
        ts.idx = (ts.idx + 1) % TS_LEN;
    }

    public Map<String, Series> events() {
        return events;
    }

    public Series series(String event) {
        return events.get(event);
    }

    /** LATENCY RESET: drops the named events (all when none are named); returns how many existed. */
    public int reset(java.util.List<String> names) {
        if (names.isEmpty()) {
            int n = events.size();
            events.clear();
            return n;
        }
        int n = 0;
        for (String name : names) {
            if (events.remove(name) != null) {
                n++;
            }
        }
        return n;
    }
}
