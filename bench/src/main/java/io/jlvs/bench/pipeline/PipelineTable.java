package io.jlvs.bench.pipeline;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prints the markdown table of docs/bench-pipeline.md from a JMH result file
 * ({@code -rf json}), so that the figures there are never typed by hand.
 *
 * <pre>
 * java -cp bench/target/jlvs-bench.jar io.jlvs.bench.pipeline.PipelineTable pipeline.json
 * </pre>
 *
 * One row per benchmark and parameter set, in the file's order: the median of every
 * measurement iteration of every fork, JMH's 99.9 % error of the mean, the range, the ratio
 * of the median to its peer's median and their difference (the peers are
 * {@link PipelinePeerBench}, measured in the same run), {@code gc.alloc.rate.norm} and
 * {@code gc.count} from {@code -prof gc}. A
 * line under the table gives the JMH, JVM and iteration settings read from the file.
 */
public final class PipelineTable {
    /** The peer each benchmark is divided by, by benchmark method name. */
    static final Map<String, String> PEERS = Map.of(
            "hit", "copy",
            "natReply", "copy",
            "miss", "copyStaged",
            "parse", "copy");

    private PipelineTable() {
    }

    /** Prints the table of the result file named by the one argument. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * The program: 0 when the table was printed, 2 (with a message on {@code err}) for a
     * missing argument or an unreadable or malformed file.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1) {
            err.println("usage: PipelineTable RESULT.json   (a JMH result file written with -rf json -rff RESULT.json)");
            return 2;
        }
        Path file = Path.of(args[0]);
        try {
            JsonNode results = new ObjectMapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
            out.print(table(results));
            return 0;
        } catch (JacksonException e) {
            err.println(file + ": not JSON: " + e.getOriginalMessage());
            return 2;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println(file + ": " + e.getMessage());
            return 2;
        }
    }

    /** One benchmark with one parameter set, as the table shows it. */
    record Row(String name, Map<String, String> params, double median, double error, double min, double max,
            String unit, double bytesPerOp, double gcCount) {
    }

    /** The markdown table (and the settings line) of a JMH JSON result array. */
    static String table(JsonNode results) {
        if (!results.isArray() || results.isEmpty()) {
            throw new IllegalArgumentException("expected a non-empty JSON array of JMH results");
        }
        List<Row> rows = new ArrayList<>();
        Set<String> paramNames = new LinkedHashSet<>();
        Set<String> settings = new LinkedHashSet<>();
        for (JsonNode result : results) {
            Row row = row(result);
            rows.add(row);
            paramNames.addAll(row.params().keySet());
            settings.add(settings(result));
        }
        StringBuilder md = new StringBuilder();
        md.append("| benchmark |");
        for (String p : paramNames) {
            md.append(' ').append(p).append(" |");
        }
        String unit = rows.getFirst().unit();
        md.append(" median ").append(unit).append(" | ± (99.9 %) | min – max | peer | ÷ peer | − peer | B/op | GCs |\n");
        md.append("|---|");
        md.append("---|".repeat(paramNames.size()));
        md.append("---:|---:|---:|---|---:|---:|---:|---:|\n");
        for (Row row : rows) {
            md.append("| ").append(row.name()).append(" |");
            for (String p : paramNames) {
                md.append(' ').append(row.params().getOrDefault(p, "")).append(" |");
            }
            String peerName = PEERS.get(row.name());
            Row peer = peerName == null ? null
                    : rows.stream().filter(r -> r.name().equals(peerName)).findFirst().orElse(null);
            md.append(' ').append(fixed(row.median(), 1))
                    .append(" | ").append(Double.isNaN(row.error()) ? "—" : fixed(row.error(), 1))
                    .append(" | ").append(fixed(row.min(), 1)).append(" – ").append(fixed(row.max(), 1))
                    .append(" | ").append(peerName == null ? "" : peerName)
                    .append(" | ").append(peer == null ? "—" : fixed(row.median() / peer.median(), 2))
                    .append(" | ").append(peer == null ? "—" : fixed(row.median() - peer.median(), 1))
                    .append(" | ").append(Double.isNaN(row.bytesPerOp()) ? "—" : fixed(row.bytesPerOp(), 3))
                    .append(" | ").append(Double.isNaN(row.gcCount()) ? "—" : fixed(row.gcCount(), 0))
                    .append(" |\n");
        }
        md.append('\n');
        for (String s : settings) {
            md.append(s).append('\n');
        }
        return md.toString();
    }

    private static Row row(JsonNode result) {
        String benchmark = text(result, "benchmark");
        JsonNode primary = result.path("primaryMetric");
        double[] samples = samples(benchmark, primary.path("rawData"));
        Map<String, String> params = new LinkedHashMap<>();
        result.path("params").properties().forEach(e -> params.put(e.getKey(), e.getValue().asText()));
        JsonNode secondary = result.path("secondaryMetrics");
        return new Row(benchmark.substring(benchmark.lastIndexOf('.') + 1), params, median(samples),
                number(primary.path("scoreError")), samples[0], samples[samples.length - 1],
                text(primary, "scoreUnit"), number(metric(secondary, "gc.alloc.rate.norm").path("score")),
                number(metric(secondary, "gc.count").path("score")));
    }

    /** Every measurement iteration of every fork, sorted. */
    private static double[] samples(String benchmark, JsonNode rawData) {
        List<Double> all = new ArrayList<>();
        for (JsonNode fork : rawData) {
            for (JsonNode iteration : fork) {
                all.add(iteration.asDouble());
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException(benchmark + ": primaryMetric.rawData holds no iteration");
        }
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }

    /** Median of sorted values: the middle one, or the mean of the two middle ones. */
    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** A {@code -prof gc} metric by name; JMH before 1.37 put a "·" in front of it. */
    private static JsonNode metric(JsonNode secondary, String name) {
        JsonNode m = secondary.path(name);
        return m.isMissingNode() ? secondary.path("·" + name) : m;
    }

    private static String settings(JsonNode r) {
        return String.format(Locale.ROOT,
                "JMH %s, %s %s (JDK %s), %s, %d fork(s) × %d × %s measured after %d × %s warm-up, %d thread(s); JVM flags: `%s`",
                r.path("jmhVersion").asText("?"), r.path("vmName").asText("?"), r.path("vmVersion").asText("?"),
                r.path("jdkVersion").asText("?"), r.path("mode").asText("?"), r.path("forks").asInt(),
                r.path("measurementIterations").asInt(), r.path("measurementTime").asText("?"),
                r.path("warmupIterations").asInt(), r.path("warmupTime").asText("?"), r.path("threads").asInt(),
                String.join(" ", r.path("jvmArgs").valueStream().map(JsonNode::asText).toList()));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("a result without the text field \"" + field + "\"");
        }
        return v.asText();
    }

    /** A number; NaN when missing or written as "NaN" (JMH's error with a single iteration). */
    private static double number(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", value);
    }
}
