package dev.taskq.bench;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the figures, each beside its same-run baseline, and writes results.json and results.md. */
final class Report {

    /**
     * One figure. {@code id} is stable across runs (e.g. {@code drain.c4}), for tools that compare runs;
     * {@code ratio} is taskq / baseline (for latencies and sizes, higher is worse);
     * {@code target} is the goal in words, empty when there is none; {@code met} is null without a target.
     */
    record Row(String id, String section, String measurement, double taskq, double baseline, String unit, String baselineName,
               String target, Boolean met) {

        double ratio() {
            return baseline == 0 ? Double.NaN : taskq / baseline;
        }
    }

    private final Instant startedAt = Instant.now();
    private final double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    private final List<Row> rows = new ArrayList<>();
    private final JsonObjectBuilder details = Json.createObjectBuilder();

    void add(Row row) {
        rows.add(row);
        System.out.printf(Locale.ROOT, "[bench] %s | %s: %.2f %s vs %s %.2f (ratio %.2f)%s%n", row.id(),
                row.measurement(), row.taskq(), row.unit(), row.baselineName(), row.baseline(), row.ratio(),
                row.target().isEmpty() ? "" : " target " + row.target() + (row.met() ? " MET" : " NOT MET"));
    }

    /** Extra numbers that explain a figure (commands per task, bytes per key, …). */
    void detail(String name, Number value) {
        details.add(name, value.doubleValue());
        System.out.printf(Locale.ROOT, "[bench] detail %s = %s%n", name, value);
    }

    void write(Path directory, Map<String, String> parameters) throws IOException {
        Files.createDirectories(directory);
        Instant finishedAt = Instant.now();
        double loadAtEnd = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        JsonObjectBuilder machine = Json.createObjectBuilder()
                .add("cores", Runtime.getRuntime().availableProcessors())
                .add("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"))
                .add("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"))
                .add("maxHeapMiB", Runtime.getRuntime().maxMemory() / (1024 * 1024))
                .add("loadAverageAtStart", loadAtStart)
                .add("loadAverageAtEnd", loadAtEnd);
        JsonObjectBuilder params = Json.createObjectBuilder();
        parameters.forEach(params::add);
        JsonArrayBuilder figures = Json.createArrayBuilder();
        for (Row row : rows) {
            JsonObjectBuilder figure = Json.createObjectBuilder()
                    .add("id", row.id())
                    .add("section", row.section())
                    .add("measurement", row.measurement())
                    .add("unit", row.unit())
                    .add("taskq", row.taskq())
                    .add("baselineName", row.baselineName())
                    .add("baseline", row.baseline())
                    .add("ratio", Double.isNaN(row.ratio()) ? 0 : row.ratio())
                    .add("target", row.target());
            if (row.met() != null) {
                figure.add("met", row.met());
            }
            figures.add(figure);
        }
        JsonObject results = Json.createObjectBuilder()
                .add("startedAt", startedAt.toString())
                .add("finishedAt", finishedAt.toString())
                .add("machine", machine)
                .add("parameters", params)
                .add("figures", figures)
                .add("details", details)
                .build();
        StringWriter json = new StringWriter();
        JsonWriterFactory writers = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        try (JsonWriter writer = writers.createWriter(json)) {
            writer.write(results);
        }
        Files.writeString(directory.resolve("results.json"), json + "\n");
        Files.writeString(directory.resolve("results.md"), markdown(results, finishedAt));
    }

    private String markdown(JsonObject results, Instant finishedAt) {
        JsonObject machine = results.getJsonObject("machine");
        StringBuilder md = new StringBuilder()
                .append("# taskq benchmark\n\n")
                .append(String.format(Locale.ROOT, "%s to %s · %d cores · %s · %s · load average %.2f → %.2f%n%n",
                        startedAt, finishedAt, machine.getInt("cores"), machine.getString("jdk"),
                        machine.getString("os"), loadAtStart,
                        machine.getJsonNumber("loadAverageAtEnd").doubleValue()))
                .append("Every figure is beside its baseline measured in the same run on the same machine; "
                        + "ratio = taskq / baseline.\n\n")
                .append("| id | measurement | taskq | baseline (same run) | ratio | target |\n")
                .append("|---|---|---:|---|---:|---|\n");
        for (Row row : rows) {
            String target = row.target().isEmpty() ? "" : row.target() + (row.met() ? " ✅" : " ❌");
            md.append(String.format(Locale.ROOT, "| `%s` | %s | %s %s | %s: %s %s | %.2f | %s |%n", row.id(),
                    row.measurement(), number(row.taskq()), row.unit(), row.baselineName(), number(row.baseline()),
                    row.unit(), row.ratio(), target));
        }
        md.append("\nDetails:\n\n");
        results.getJsonObject("details").forEach((name, value) -> md.append("- ").append(name).append(": ")
                .append(number(Double.parseDouble(value.toString()))).append('\n'));
        md.append("\nParameters: ").append(results.getJsonObject("parameters")).append('\n');
        return md.toString();
    }

    private static String number(double value) {
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%,.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
