package io.mnemos.server;

import java.util.function.BiConsumer;

/**
 * The per-command latency histogram of Redis 7 (an HdrHistogram with lowest value 1 ns, highest
 * 1 s and 2 significant figures), with the same bucket layout so percentiles and the LATENCY
 * HISTOGRAM distribution come out exactly as Redis reports them.
 */
public final class LatencyHistogram {
    /** Redis's LATENCY_HISTOGRAM_MIN_VALUE / MAX_VALUE, in nanoseconds. */
    static final long MIN_VALUE = 1;
    static final long MAX_VALUE = 1_000_000_000L;
    /** 2 significant figures: 256 sub-buckets, half of which (128) repeat in every bucket. */
    private static final int SUB_BUCKET_HALF_COUNT_MAGNITUDE = 7;
    private static final int SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
    private static final int SUB_BUCKET_COUNT = SUB_BUCKET_HALF_COUNT * 2;
    private static final long SUB_BUCKET_MASK = SUB_BUCKET_COUNT - 1;
    private static final int BUCKET_COUNT = bucketsNeeded();

    private final long[] counts = new long[(BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT];
    private long totalCount;

    private static int bucketsNeeded() {
        long smallestUntrackable = SUB_BUCKET_COUNT;
        int buckets = 1;
        while (smallestUntrackable <= MAX_VALUE) {
            smallestUntrackable <<= 1;
            buckets++;
        }
        return buckets;
    }

    /** Records a duration in nanoseconds, clamped to the histogram's range as Redis does. */
    public void record(long nanos) {
        long v = Math.max(MIN_VALUE, Math.min(MAX_VALUE, nanos));
        counts[countsIndex(v)]++;
        totalCount++;
    }

    public long totalCount() {
        return totalCount;
    }

    private static int bucketIndex(long value) {
        int pow2ceiling = 64 - Long.numberOfLeadingZeros(value | SUB_BUCKET_MASK);
        return pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1);
    }

    private static int countsIndex(long value) {
        int bucket = bucketIndex(value);
        int sub = (int) (value >>> bucket);
        return ((bucket + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + (sub - SUB_BUCKET_HALF_COUNT);
    }

    private static long valueFromIndex(int index) {
        int bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) - 1;
        int sub = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if (bucket < 0) {
            sub -= SUB_BUCKET_HALF_COUNT;
            bucket = 0;
        }
        return (long) sub << bucket;
    }

    /** hdr's highest_equivalent_value: the last value sharing {@code value}'s bucket slot. */
    static long highestEquivalent(long value) {
        int bucket = bucketIndex(value);
        int sub = (int) (value >>> bucket);
        int adjusted = sub >= SUB_BUCKET_COUNT ? bucket + 1 : bucket;
        long lowest = (long) sub << bucket;
        return lowest + (1L << adjusted) - 1;
    }

    /** hdr_value_at_percentile. */
    public long valueAtPercentile(double percentile) {
        double requested = Math.min(percentile, 100.0);
        long countAtPercentile = (long) (requested / 100 * totalCount + 0.5);
        countAtPercentile = Math.max(countAtPercentile, 1);
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            total += counts[i];
            if (total >= countAtPercentile) {
                return highestEquivalent(valueFromIndex(i));
            }
        }
        return 0;
    }

    /**
     * LATENCY HISTOGRAM's distribution: at reporting levels 1024 ns, 2048 ns, ... the level's
     * highest equivalent value in microseconds and the cumulative count up to it, only where the
     * count grew (hdr's log iterator as Redis's fillCommandCDF uses it).
     */
    public void cumulativeDistribution(BiConsumer<Long, Long> microsAndCount) {
        long previous = 0;
        long cumulative = 0;
        int index = 0;
        for (long level = 1024; previous < totalCount; level <<= 1) {
            long limit = highestEquivalent(Math.min(level, MAX_VALUE));
            while (index < counts.length && valueFromIndex(index) <= limit) {
                cumulative += counts[index++];
            }
            if (level >= MAX_VALUE) {
                cumulative = totalCount;
            }
            if (cumulative > previous) {
                microsAndCount.accept(highestEquivalent(level) / 1000, cumulative);
            }
            previous = cumulative;
        }
    }
}
