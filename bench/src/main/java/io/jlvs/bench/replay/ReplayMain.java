package io.jlvs.bench.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code jlvs replay [--check] FILE|DIR|- ...}: replays scheduler scenarios and prints, for
 * each {@code schedule} event, the picked server's name or {@code none}. With
 * {@code --check} it compares each pick with the event's {@code expect}, prints the first
 * mismatch of each scenario and a summary line.
 *
 * <p>Exit status: 0 all picks as expected (or printed), 1 some pick differs, 2 a file or
 * scenario could not be run (malformed JSON, unknown op, server or scheduler).
 */
public final class ReplayMain {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayMain() {
    }

    /** Runs the tool and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /**
     * Runs the tool.
     *
     * @return the exit status: 0 ok, 1 mismatch, 2 error
     */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        boolean check = false;
        List<String> files = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "--check" -> check = true;
                case "-h", "--help" -> {
                    usage(out);
                    return 0;
                }
                default -> {
                    if (a.startsWith("--")) {
                        err.println("replay: unknown option '" + a + "'");
                        usage(err);
                        return 2;
                    }
                    files.add(a);
                }
            }
        }
        if (files.isEmpty()) {
            usage(err);
            return 2;
        }
        int scenarios = 0;
        int picks = 0;
        int mismatches = 0;
        boolean failed = false;
        for (String file : files) {
            List<Source> sources;
            try {
                sources = expand(file);
            } catch (IOException e) {
                err.println("replay: " + file + ": " + e.getMessage());
                failed = true;
                continue;
            }
            for (Source source : sources) {
                List<ScenarioRunner> runners;
                try {
                    runners = read(source, stdin);
                } catch (ScenarioException e) {
                    err.println("replay: " + e.getMessage());
                    failed = true;
                    continue;
                }
                for (ScenarioRunner r : runners) {
                    scenarios++;
                    try {
                        r.run();
                    } catch (ScenarioException e) {
                        err.println("replay: " + e.getMessage());
                        failed = true;
                        continue;
                    } finally {
                        picks += r.picks().size();
                    }
                    if (!check) {
                        for (ScenarioRunner.Pick p : r.picks()) {
                            out.println(p.got());
                        }
                    } else if (reportMismatch(r, out)) {
                        mismatches++;
                    }
                }
            }
        }
        if (check) {
            out.println("replay: " + scenarios + " scenarios, " + picks + " picks, " + mismatches + " mismatches"
                    + (failed ? " (and errors above)" : ""));
        }
        return failed ? 2 : mismatches > 0 ? 1 : 0;
    }

    /** Prints the first mismatch of the scenario, if any; returns whether there was one. */
    private static boolean reportMismatch(ScenarioRunner r, PrintStream out) {
        List<ScenarioRunner.Pick> picks = r.picks();
        for (int i = 0; i < picks.size(); i++) {
            ScenarioRunner.Pick p = picks.get(i);
            if (!p.matches()) {
                StringBuilder expected = new StringBuilder();
                StringBuilder got = new StringBuilder();
                for (int j = 0; j <= i; j++) {
                    ScenarioRunner.Pick q = picks.get(j);
                    expected.append(q.hasExpect() ? q.expected() : "?").append(' ');
                    got.append(q.got()).append(' ');
                }
                out.println("MISMATCH scenario '" + r.id() + "' " + p.where() + " (pick " + (i + 1) + "): expected "
                        + p.expected() + ", got " + p.got());
                out.println("  expected: " + expected.toString().strip());
                out.println("  got:      " + got.toString().strip());
                return true;
            }
        }
        return false;
    }

    /** One input: a file, or stdin when {@code path} is null. */
    private record Source(String name, Path path) {
    }

    private static List<Source> expand(String file) throws IOException {
        if (file.equals("-")) {
            return List.of(new Source("<stdin>", null));
        }
        Path p = Path.of(file);
        if (Files.isDirectory(p)) {
            try (Stream<Path> s = Files.list(p)) {
                return s.filter(f -> f.toString().endsWith(".json")).sorted()
                        .map(f -> new Source(f.toString(), f)).toList();
            }
        }
        if (!Files.isRegularFile(p)) {
            throw new IOException("no such file");
        }
        return List.of(new Source(file, p));
    }

    private static List<ScenarioRunner> read(Source source, InputStream stdin) throws ScenarioException {
        JsonNode root;
        try {
            root = source.path() == null ? JSON.readTree(stdin) : JSON.readTree(source.path().toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ScenarioException(source.name() + ": malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ScenarioException(source.name() + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            throw new ScenarioException(source.name() + ": empty input, expected a scenario object or an array");
        }
        List<ScenarioRunner> runners = new ArrayList<>();
        if (root.isObject()) {
            runners.add(new ScenarioRunner(idOf(root, source.name()), root));
        } else if (root.isArray()) {
            for (int i = 0; i < root.size(); i++) {
                JsonNode s = root.get(i);
                String name = source.name() + "[" + i + "]";
                if (!s.isObject()) {
                    throw new ScenarioException(name + ": a scenario must be a JSON object");
                }
                runners.add(new ScenarioRunner(idOf(s, name), s));
            }
        } else {
            throw new ScenarioException(source.name() + ": expected a scenario object or an array of them");
        }
        return runners;
    }

    private static String idOf(JsonNode scenario, String fallback) {
        JsonNode id = scenario.get("id");
        return id != null && id.isTextual() ? id.asText() : fallback;
    }

    private static void usage(PrintStream out) {
        out.println("usage: jlvs replay [--check] FILE|DIR|- ...");
        out.println("  Replays scheduler scenarios (IPVS-SEMANTICS §5 JSON: one object or an array)");
        out.println("  and prints each pick, or 'none'. A directory means its *.json files.");
        out.println("  --check  compare with each event's \"expect\"; exit 1 on a mismatch");
        out.println("  exit status: 0 ok, 1 mismatch, 2 bad input");
    }
}
