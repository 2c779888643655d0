package io.jlvs.director.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Prometheus text exposition (format 0.0.4) read strictly, for tests: every family opens
 * with {@code # HELP} and {@code # TYPE}, every sample belongs to the family declared above
 * it, a family appears once, and anything else is an {@link IllegalArgumentException} naming
 * the line. Only counters and gauges are read: they are all {@code /metrics} writes.
 *
 * <pre>
 * # HELP jlvs_server_up 1 when the server's health check passes
 * # TYPE jlvs_server_up gauge
 * jlvs_server_up{service="TCP 10.0.0.1:80",server="10.0.0.2:80"} 1
 * </pre>
 */
public final class Exposition {

    /** One family: its name, {@code counter} or {@code gauge}, its help text and its samples. */
    public record Family(String name, String type, String help, List<Sample> samples) { }

    /** One sample: its labels in the order written, and its value. */
    public record Sample(Map<String, String> labels, double value) { }

    private final Map<String, Family> families;

    private Exposition(Map<String, Family> families) {
        this.families = families;
    }

    /** The families of {@code text} by name, in the order written. */
    public Map<String, Family> families() {
        return families;
    }

    /** The first sample of {@code family} that carries all of {@code labels}, if any. */
    public Optional<Sample> sample(String family, Map<String, String> labels) {
        Family f = families.get(family);
        if (f == null) {
            return Optional.empty();
        }
        return f.samples().stream().filter(s -> s.labels().entrySet().containsAll(labels.entrySet())).findFirst();
    }

    /** Reads {@code text}; throws {@link IllegalArgumentException} at the first line that breaks the format. */
    public static Exposition parse(String text) {
        Map<String, Family> families = new LinkedHashMap<>();
        String help = null;
        String helpName = null;
        Family current = null;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int n = i + 1;
            if (line.isEmpty()) {
                if (i != lines.length - 1) {
                    throw error(n, "empty line", line);
                }
            } else if (line.startsWith("# HELP ")) {
                String rest = line.substring("# HELP ".length());
                int space = rest.indexOf(' ');
                helpName = space < 0 ? rest : rest.substring(0, space);
                help = space < 0 ? "" : rest.substring(space + 1);
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).split(" ");
                if (parts.length != 2 || !(parts[1].equals("counter") || parts[1].equals("gauge"))) {
                    throw error(n, "expected '# TYPE <name> counter|gauge'", line);
                }
                if (!parts[0].equals(helpName) || help == null || help.isBlank()) {
                    throw error(n, "TYPE without a HELP line of the same name before it", line);
                }
                if (families.containsKey(parts[0])) {
                    throw error(n, "family " + parts[0] + " declared twice", line);
                }
                current = new Family(parts[0], parts[1], help, new ArrayList<>());
                families.put(current.name(), current);
                help = null;
                helpName = null;
            } else if (line.startsWith("#")) {
                throw error(n, "unexpected comment", line);
            } else {
                if (current == null) {
                    throw error(n, "sample before any TYPE line", line);
                }
                current.samples().add(sample(current.name(), line, n));
            }
        }
        return new Exposition(families);
    }

    private static Sample sample(String family, String line, int n) {
        int nameEnd = 0;
        while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') {
            nameEnd++;
        }
        if (!line.substring(0, nameEnd).equals(family)) {
            throw error(n, "sample of another family than " + family, line);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int at = nameEnd;
        if (at < line.length() && line.charAt(at) == '{') {
            at++;
            while (line.charAt(at) != '}') {
                int eq = line.indexOf("=\"", at);
                if (eq < 0) {
                    throw error(n, "expected label=\"value\"", line);
                }
                String name = line.substring(at, eq);
                if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                    throw error(n, "bad label name '" + name + "'", line);
                }
                StringBuilder value = new StringBuilder();
                at = eq + 2;
                for (char c; (c = charAt(line, at, n)) != '"'; at++) {
                    if (c == '\\') {
                        char e = charAt(line, ++at, n);
                        value.append(switch (e) {
                            case '\\' -> '\\';
                            case '"' -> '"';
                            case 'n' -> '\n';
                            default -> throw error(n, "bad escape \\" + e, line);
                        });
                    } else {
                        value.append(c);
                    }
                }
                if (labels.put(name, value.toString()) != null) {
                    throw error(n, "label " + name + " twice", line);
                }
                at++;
                if (charAt(line, at, n) == ',') {
                    at++;
                }
            }
            at++;
        }
        if (at >= line.length() || line.charAt(at) != ' ') {
            throw error(n, "expected a space before the value", line);
        }
        try {
            return new Sample(labels, Double.parseDouble(line.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw error(n, "bad value", line);
        }
    }

    private static char charAt(String line, int at, int n) {
        if (at >= line.length()) {
            throw error(n, "line ends inside the labels", line);
        }
        return line.charAt(at);
    }

    private static IllegalArgumentException error(int line, String what, String text) {
        return new IllegalArgumentException("line " + line + ": " + what + ": " + text);
    }
}
