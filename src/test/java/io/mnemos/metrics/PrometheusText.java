package io.mnemos.metrics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4: every line must be a HELP, a TYPE
 * or a sample; a family's TYPE comes before its samples and only once; a sample's name must belong
 * to a declared family (counter samples end in _total, etc.); label values are properly escaped;
 * values are Go floats; no series appears twice. Throws on any violation.
 */
final class PrometheusText {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final String LABEL = "[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\"";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(\\{(?:" + LABEL + "(?:," + LABEL + ")*,?)?\\})? "
                    + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\\.[0-9]+(?:[eE][-+]?[0-9]+)?|NaN|Inf))"
                    + "(?: -?[0-9]+)?");

    /** series ("name{labels}") to value. */
    final Map<String, Double> samples = new LinkedHashMap<>();
    /** family name to type. */
    final Map<String, String> types = new LinkedHashMap<>();

    static PrometheusText parse(String text) {
        PrometheusText out = new PrometheusText();
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("exposition must end with a newline");
        }
        String currentFamily = null;
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty() && n == text.split("\n", -1).length) {
                break;
            }
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                continue;
            }
            if ((m = TYPE.matcher(line)).matches()) {
                if (out.types.put(m.group(1), m.group(2)) != null) {
                    throw new IllegalArgumentException("line " + n + ": second TYPE for " + m.group(1));
                }
                currentFamily = m.group(1);
                continue;
            }
            if (!(m = SAMPLE.matcher(line)).matches()) {
                throw new IllegalArgumentException("line " + n + " is not valid exposition format: " + line);
            }
            String name = m.group(1);
            if (currentFamily == null || !belongs(name, currentFamily, out.types.get(currentFamily))) {
                throw new IllegalArgumentException("line " + n + ": sample " + name + " outside its family " + currentFamily);
            }
            String series = name + (m.group(2) == null ? "" : m.group(2));
            String v = m.group(3);
            double value = v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
                    : Double.parseDouble(v);
            if (out.samples.put(series, value) != null) {
                throw new IllegalArgumentException("line " + n + ": duplicate series " + series);
            }
        }
        return out;
    }

    private static boolean belongs(String sample, String family, String type) {
        return switch (type) {
            case "counter" -> sample.equals(family) && family.endsWith("_total")
                    || sample.equals(family + "_total") || sample.equals(family + "_created");
            case "histogram" -> sample.equals(family + "_bucket") || sample.equals(family + "_sum")
                    || sample.equals(family + "_count") || sample.equals(family + "_created");
            case "summary" -> sample.equals(family) || sample.equals(family + "_sum")
                    || sample.equals(family + "_count") || sample.equals(family + "_created");
            default -> sample.equals(family);
        };
    }

    double value(String series) {
        Double v = samples.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in " + samples.keySet());
        }
        return v;
    }
}
