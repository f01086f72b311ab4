package io.mnemos.server;

/**
 * Redis's instantaneous metrics: every 100 ms the cron records how fast a counter grew since the
 * previous sample, in a ring of 16 samples; INFO reports the ring's mean (ops/sec, kbps). Also
 * tracks the peak of used memory, which Redis updates from the cron as well.
 */
public final class StatsSampler {
    /** Redis's STATS_METRIC_SAMPLES. */
    static final int SAMPLES = 16;
    /** Redis samples with run_with_period(100). */
    static final long PERIOD_MILLIS = 100;

    public enum Metric { COMMANDS, NET_INPUT, NET_OUTPUT, NET_INPUT_REPLICATION, NET_OUTPUT_REPLICATION }

    private final long[][] samples = new long[Metric.values().length][SAMPLES];
    private final int[] index = new int[Metric.values().length];
    private final long[] lastCount = new long[Metric.values().length];
    private final long[] lastTime = new long[Metric.values().length];
    private long lastSampleMillis = Long.MIN_VALUE;
    private long peakMemory;
    private long startupMemory;

    public StatsSampler() {
    }

    /** used_memory right after startup (used_memory_startup), also the first peak. */
    public void startupMemory(long used) {
        startupMemory = used;
        peakMemory = Math.max(peakMemory, used);
    }

    /** The JVM heap in use (INFO's fragmentation ratio compares it with the accounted used_memory). */
    public static long heapUsed() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Called from the server cron on every tick; samples at most every 100 ms. */
    public void cronTick(ServerStats stats, long nowMillis) {
        if (lastSampleMillis != Long.MIN_VALUE && nowMillis - lastSampleMillis < PERIOD_MILLIS) {
            return;
        }
        lastSampleMillis = nowMillis;
        track(Metric.COMMANDS, stats.totalCommandsProcessed, nowMillis);
        track(Metric.NET_INPUT, stats.totalNetInputBytes(), nowMillis);
        track(Metric.NET_OUTPUT, stats.totalNetOutputBytes(), nowMillis);
        track(Metric.NET_INPUT_REPLICATION, stats.netReplInputBytes, nowMillis);
        track(Metric.NET_OUTPUT_REPLICATION, stats.netReplOutputBytes, nowMillis);
    }

    /** Redis's trackInstantaneousMetric. */
    public void track(Metric metric, long currentReading, long nowMillis) {
        int m = metric.ordinal();
        if (lastTime[m] == 0) {
            // First reading: nothing to compare with yet.
            lastTime[m] = nowMillis;
            lastCount[m] = currentReading;
            return;
        }
        long t = nowMillis - lastTime[m];
        long ops = currentReading - lastCount[m];
        samples[m][index[m]] = t > 0 ? ops * 1000 / t : 0;
        index[m] = (index[m] + 1) % SAMPLES;
        lastTime[m] = nowMillis;
        lastCount[m] = currentReading;
    }

    /** Redis's getInstantaneousMetric: the mean of the ring, in units per second. */
    public long instantaneous(Metric metric) {
        long sum = 0;
        for (long s : samples[metric.ordinal()]) {
            sum += s;
        }
        return sum / SAMPLES;
    }

    /** The same mean as a double, for the kbps fields (Redis divides the float mean by 1024). */
    public double instantaneousExact(Metric metric) {
        long sum = 0;
        for (long s : samples[metric.ordinal()]) {
            sum += s;
        }
        return (double) sum / SAMPLES;
    }

    /** Counters restart from the current readings, as CONFIG RESETSTAT does in Redis. */
    public void reset() {
        for (int m = 0; m < samples.length; m++) {
            java.util.Arrays.fill(samples[m], 0);
            index[m] = 0;
            lastTime[m] = 0;
            lastCount[m] = 0;
        }
        lastSampleMillis = Long.MIN_VALUE;
    }

    /** Records a reading of used memory; returns the peak. */
    public long notePeak(long used) {
        if (used > peakMemory) {
            peakMemory = used;
        }
        return peakMemory;
    }

    public long peakMemory() {
        return peakMemory;
    }

    /** used_memory_startup: the accounting of the empty server. */
    public long startupMemory() {
        return startupMemory;
    }
}
