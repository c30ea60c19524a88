package dev.taskq.admin.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for the tests (the Prometheus Java client has
 * writers but no parser). It rejects what Prometheus would reject: a sample without a TYPE, a malformed name,
 * label or value, a duplicate series, a counter not ending in {@code _total} (the naming rule), histogram buckets that are
 * not cumulative or whose {@code +Inf} bucket differs from {@code _count}.
 */
final class PrometheusText {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, List<Sample> samples) {

        /** The one sample with this metric name and these labels (others may exist), if any. */
        Optional<Double> value(String sampleName, Map<String, String> labels) {
            return samples.stream().filter(sample -> sample.name().equals(sampleName)
                            && sample.labels().entrySet().containsAll(labels.entrySet())
                            && sample.labels().size() == labels.size())
                    .map(Sample::value).findFirst();
        }
    }

    private PrometheusText() {
    }

    static Map<String, Family> parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        Map<String, Boolean> series = new TreeMap<>();
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new IllegalArgumentException("the exposition must end with a line feed");
        }
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isEmpty()) {
                continue;
            }
            String where = "line " + lineNumber + ": " + line;
            if (line.startsWith("#")) {
                Matcher type = TYPE.matcher(line);
                if (type.matches()) {
                    if (families.containsKey(type.group(1))) {
                        throw new IllegalArgumentException("second TYPE for a family, " + where);
                    }
                    families.put(type.group(1), new Family(type.group(1), type.group(2), new ArrayList<>()));
                } else if (!HELP.matcher(line).matches() && (line.startsWith("# TYPE") || line.startsWith("# HELP"))) {
                    throw new IllegalArgumentException("malformed comment, " + where);
                }
                continue;
            }
            Sample sample = sample(line, where);
            Family family = familyOf(families, sample.name())
                    .orElseThrow(() -> new IllegalArgumentException("sample without TYPE, " + where));
            // Format 0.0.4 names the counter's family with its _total, OpenMetrics without: take both, demand _total.
            if (family.type().equals("counter") && !sample.name().endsWith("_total")) {
                throw new IllegalArgumentException("counter sample must end in _total, " + where);
            }
            if (series.put(sample.name() + sample.labels(), true) != null) {
                throw new IllegalArgumentException("duplicate series, " + where);
            }
            family.samples().add(sample);
        }
        families.values().stream().filter(family -> family.type().equals("histogram"))
                .forEach(PrometheusText::checkHistogram);
        return families;
    }

    private static Optional<Family> familyOf(Map<String, Family> families, String sampleName) {
        for (String suffix : new String[] {"", "_total", "_bucket", "_sum", "_count"}) {
            if (sampleName.endsWith(suffix)) {
                Family family = families.get(sampleName.substring(0, sampleName.length() - suffix.length()));
                if (family != null && (suffix.isEmpty() || !family.type().equals("gauge"))) {
                    return Optional.of(family);
                }
            }
        }
        return Optional.empty();
    }

    private static Sample sample(String line, String where) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("bad metric name, " + where);
        }
        Map<String, String> labels = new TreeMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String label = line.substring(i, eq);
                if (!LABEL_NAME.matcher(label).matches() || line.charAt(eq + 1) != '"') {
                    throw new IllegalArgumentException("bad label, " + where);
                }
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case '\\' -> '\\';
                            case '"' -> '"';
                            default -> throw new IllegalArgumentException("bad escape, " + where);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(label, value.toString()) != null) {
                    throw new IllegalArgumentException("duplicate label, " + where);
                }
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                } else if (line.charAt(i) != '}') {
                    throw new IllegalArgumentException("bad label list, " + where);
                }
            }
            i++;
        }
        if (i >= line.length() || line.charAt(i) != ' ') {
            throw new IllegalArgumentException("no value, " + where);
        }
        String[] rest = line.substring(i + 1).split(" ");
        if (rest.length > 2) {
            throw new IllegalArgumentException("trailing text, " + where);
        }
        if (rest.length == 2 && !rest[1].matches("-?\\d+")) {
            throw new IllegalArgumentException("bad timestamp, " + where);
        }
        return new Sample(name, labels, number(rest[0], where));
    }

    private static double number(String text, String where) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                if (!text.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?")) {
                    throw new IllegalArgumentException("bad value, " + where);
                }
                yield Double.parseDouble(text);
            }
        };
    }

    private static void checkHistogram(Family family) {
        Map<Map<String, String>, List<Sample>> bySeries = new LinkedHashMap<>();
        for (Sample sample : family.samples()) {
            if (sample.name().endsWith("_bucket")) {
                Map<String, String> rest = new TreeMap<>(sample.labels());
                rest.remove("le");
                bySeries.computeIfAbsent(rest, key -> new ArrayList<>()).add(sample);
            }
        }
        bySeries.forEach((labels, buckets) -> {
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample bucket : buckets) {
                double bound = number(bucket.labels().get("le"), family.name() + " le");
                if (bound <= previousBound || bucket.value() < previousCount) {
                    throw new IllegalArgumentException(family.name() + ": buckets not in order or not cumulative");
                }
                previousBound = bound;
                previousCount = bucket.value();
            }
            if (previousBound != Double.POSITIVE_INFINITY) {
                throw new IllegalArgumentException(family.name() + ": no +Inf bucket");
            }
            double count = family.value(family.name() + "_count", labels)
                    .orElseThrow(() -> new IllegalArgumentException(family.name() + ": no _count"));
            if (count != previousCount) {
                throw new IllegalArgumentException(family.name() + ": +Inf bucket differs from _count");
            }
        });
    }
}
