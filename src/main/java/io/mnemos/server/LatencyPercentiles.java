package io.mnemos.server;

import java.util.Locale;

/** latency-tracking-info-percentiles: Redis's parser and its "%f, trailing zeros trimmed" rendering. */
public final class LatencyPercentiles {
    private LatencyPercentiles() {
    }

    /** setConfigLatencyTrackingInfoPercentilesOutputOption: "" is no percentiles at all. */
    static double[] parse(String value) throws ConfigException {
        if (value.isEmpty()) {
            return new double[0];
        }
        // A multi-argument config: CONFIG SET splits the value at each single space (sdssplitlen),
        // so a leading, trailing or doubled space makes an empty, invalid percentile.
        String[] words = value.split(" ", -1);
        double[] out = new double[words.length];
        for (int j = 0; j < words.length; j++) {
            Double p = io.mnemos.command.Args.parseDoubleOrNull(words[j].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (p == null || p.isNaN()) {
                throw new ConfigException("Invalid latency-tracking-info-percentiles parameters");
            }
            if (p > 100.0 || p < 0.0) {
                throw new ConfigException("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
            }
            out[j] = p;
        }
        return out;
    }

    static String format(double[] percentiles, String separator) {
        StringBuilder s = new StringBuilder();
        for (int j = 0; j < percentiles.length; j++) {
            s.append(j == 0 ? "" : separator).append(format(percentiles[j]));
        }
        return s.toString();
    }

    /** sprintf("%f") then trimDoubleString: 50 for 50.000000, 99.9 for 99.900000. */
    public static String format(double percentile) {
        String s = String.format(Locale.ROOT, "%f", percentile);
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }
}
