package io.mnemos.command;

import io.mnemos.server.LatencyMonitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** LATENCY DOCTOR and LATENCY GRAPH texts, as Redis's latency.c and sparkline.c render them. */
final class LatencyReport {
    /** Redis's LATENCY_GRAPH_COLS. */
    private static final int GRAPH_COLS = 80;
    private static final int GRAPH_ROWS = 4;
    private static final String CHARSET_FILL = "_o#";

    private LatencyReport() {
    }

    static String doctor(LatencyMonitor monitor, io.mnemos.server.ServerConfig config) {
        long threshold = config.latencyMonitorThreshold;
        Map<String, LatencyMonitor.Series> events = monitor.events();
        if (events.isEmpty() && threshold == 0) {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may "
                    + "use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't "
                    + "in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n";
        }
        if (events.isEmpty()) {
            return "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the "
                    + "slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think "
                    + "things over.\n";
        }
        StringBuilder sb = new StringBuilder("Dave, I have observed latency spikes in this Redis instance. "
                + "You don't mind talking about it, do you Dave?\n\n");
        long now = System.currentTimeMillis() / 1000;
        int n = 0;
        boolean slowlogEnabled = false;
        boolean slowlogTuning = false;
        boolean slowlogInspect = false;
        boolean largeObjects = false;
        for (Map.Entry<String, LatencyMonitor.Series> e : events.entrySet()) {
            if (e.getKey().equals("command")) {
                // Redis's advice for slow commands (the only event kind Mnemos records besides
                // fast-command and expire-cycle, for which it has no advice to give).
                if (config.slowlogLogSlowerThan < 0 || config.slowlogMaxLen == 0) {
                    slowlogEnabled = true;
                } else if (config.slowlogLogSlowerThan / 1000 > threshold) {
                    slowlogTuning = true;
                }
                slowlogInspect = true;
                largeObjects = true;
            }
            List<LatencyMonitor.Sample> samples = e.getValue().history();
            if (samples.isEmpty()) {
                continue;
            }
            long sum = 0;
            long oldest = now;
            for (LatencyMonitor.Sample s : samples) {
                sum += s.latency();
                oldest = Math.min(oldest, s.time());
            }
            long avg = sum / samples.size();
            long period = Math.max(1, now - oldest);
            long deviation = 0;
            for (LatencyMonitor.Sample s : samples) {
                deviation += Math.abs(avg - s.latency());
            }
            long mad = deviation / samples.size();
            sb.append(String.format(Locale.ROOT, "%d. %s: %d latency spikes (average %dms, mean deviation %dms, "
                            + "period %.2f sec). Worst all time event %dms.\n", ++n, e.getKey(), samples.size(), avg, mad,
                    (double) period / samples.size(), e.getValue().max()));
        }
        if (!slowlogInspect) {
            sb.append("\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the "
                    + "Redis community to get some help, providing this report in your help request.\n");
            return sb.toString();
        }
        sb.append("\nI have a few advices for you:\n\n");
        if (slowlogEnabled) {
            sb.append("- There are latency issues with potentially slow commands you are using. Try to enable the Slow "
                    + "Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than ").append(threshold * 1000)
                    .append("'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n");
        }
        if (slowlogTuning) {
            sb.append("- Your current Slow Log configuration only logs events that are slower than your configured "
                    + "latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than ")
                    .append(threshold * 1000).append("'.\n");
        }
        sb.append("- Check your Slow Log to understand what are the commands you are running which are too slow to "
                + "execute. Please check https://redis.io/commands/slowlog for more information.\n");
        if (largeObjects) {
            sb.append("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking "
                    + "operation. If you have very large objects that are often deleted, expired, or evicted, try to "
                    + "fragment those objects into multiple smaller objects.\n");
        }
        return sb.toString();
    }

    private record Point(long value, String label) {
    }

    /** Redis's latencyCommandGenSparkeline. */
    static String graph(String event, LatencyMonitor.Series series, long nowSeconds) {
        List<Point> points = new ArrayList<>();
        long min = 0;
        long max = 0;
        for (LatencyMonitor.Sample s : series.history()) {
            if (points.isEmpty()) {
                min = max = s.latency();
            } else {
                max = Math.max(max, s.latency());
                min = Math.min(min, s.latency());
            }
            long elapsed = nowSeconds - s.time();
            String label;
            if (elapsed < 60) {
                label = elapsed + "s";
            } else if (elapsed < 3600) {
                label = (elapsed / 60) + "m";
            } else if (elapsed < 3600 * 24) {
                label = (elapsed / 3600) + "h";
            } else {
                label = (elapsed / (3600 * 24)) + "d";
            }
            points.add(new Point(s.latency(), label));
        }
        StringBuilder sb = new StringBuilder();
        sb.append(event).append(" - high ").append(max).append(" ms, low ").append(min)
                .append(" ms (all time high ").append(series.max()).append(" ms)\n");
        sb.append("-".repeat(GRAPH_COLS)).append('\n');
        for (int j = 0; j < points.size(); j += GRAPH_COLS) {
            if (j != 0) {
                sb.append('\n');
            }
            renderRange(sb, points, min, max, j, Math.min(GRAPH_COLS, points.size() - j));
        }
        return sb.toString();
    }

    /** sparkline.c's sparklineRenderRange with SPARKLINE_FILL. */
    private static void renderRange(StringBuilder out, List<Point> points, long min, long max, int offset, int len) {
        double relmax = max - min;
        if (relmax == 0) {
            relmax = 1;
        }
        int charsetLen = CHARSET_FILL.length();
        int steps = charsetLen * GRAPH_ROWS;
        int row = 0;
        boolean loop = true;
        char[] chars = new char[len];
        while (loop) {
            loop = false;
            java.util.Arrays.fill(chars, ' ');
            for (int j = 0; j < len; j++) {
                Point p = points.get(j + offset);
                double relval = p.value() - min;
                int step = (int) ((double) (int) (relval * steps) / relmax);
                step = Math.max(0, Math.min(steps - 1, step));
                if (row < GRAPH_ROWS) {
                    int charidx = step - ((GRAPH_ROWS - row - 1) * charsetLen);
                    loop = true;
                    if (charidx >= 0 && charidx < charsetLen) {
                        chars[j] = CHARSET_FILL.charAt(charidx);
                    } else if (charidx >= charsetLen) {
                        chars[j] = '|';
                    }
                } else {
                    // One blank row between the graph and the labels (label_margin_top).
                    if (row - GRAPH_ROWS < 1) {
                        loop = true;
                        break;
                    }
                    int labelChar = row - GRAPH_ROWS - 1;
                    if (p.label().length() > labelChar) {
                        loop = true;
                        chars[j] = p.label().charAt(labelChar);
                    }
                }
            }
            if (loop) {
                row++;
                out.append(chars).append('\n');
            }
        }
    }
}
