package io.jlvs.bench.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The formatter of docs/bench-pipeline.md: medians over forks, peers' ratios, gc metrics, errors with exit 2. */
class PipelineTableTest {
    private static final Path SAMPLE = Path.of("src/test/resources/jmh/pipeline-sample.json");

    /** What one run printed and returned. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PipelineTable.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsOneRowPerResultWithMediansRatiosAndGcMetrics() {
        Run run = run(SAMPLE.toString());
        assertEquals(0, run.status(), run.err());
        // hit: median of 90 95 100 105 110 120 over both forks = 102.5, ÷ copy's 20.5 = 5.00,
        // 82.0 more. miss: median of 290 300 310 = 300, ÷ copyStaged's 50 = 6.00; gc metrics under
        // their pre-1.37 names; a parameter it alone has (keys) gets its own column.
        // copyStaged: a single iteration, so JMH's error is NaN.
        assertEquals("""
                | benchmark | method | keys | median ns/op | ± (99.9 %) | min – max | peer | ÷ peer | − peer | B/op | GCs |
                |---|---|---|---:|---:|---:|---|---:|---:|---:|---:|
                | hit | dr |  | 102.5 | 12.3 | 90.0 – 120.0 | copy | 5.00 | 82.0 | 0.003 | 0 |
                | miss | dr | 65536 | 300.0 | 1,234.5 | 290.0 – 310.0 | copyStaged | 6.00 | 250.0 | 24.000 | 2 |
                | copy |  |  | 20.5 | 0.5 | 19.0 – 22.0 |  | — | — | — | — |
                | copyStaged |  |  | 50.0 | — | 50.0 – 50.0 |  | — | — | — | — |

                JMH 1.37, OpenJDK 64-Bit Server VM 25.0.3+9-LTS (JDK 25.0.3), avgt, 2 fork(s) × 3 × 1 s measured \
                after 5 × 1 s warm-up, 1 thread(s); JVM flags: `--enable-native-access=ALL-UNNAMED`
                """, run.out());
    }

    @Test
    void tableInTheDocsIsTheFormattersOutputForTheCommittedResults() throws IOException {
        Run run = run("../docs/bench-pipeline.json");
        assertEquals(0, run.status(), run.err());
        String doc = Files.readString(Path.of("../docs/bench-pipeline.md"), StandardCharsets.UTF_8);
        assertTrue(doc.contains(run.out()), "docs/bench-pipeline.md does not hold, unedited, the table PipelineTable "
                + "prints for docs/bench-pipeline.json:\n" + run.out());
    }

    @Test
    void medianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheTwoMiddle() {
        assertEquals(3.0, PipelineTable.median(new double[] {1, 3, 100}));
        assertEquals(2.5, PipelineTable.median(new double[] {1, 2, 3, 100}));
    }

    @Test
    void peerOfARowMissingFromTheFileShowsADash(@TempDir Path dir) throws IOException {
        String onlyHit = Files.readString(SAMPLE).replaceAll("(?s),\\s*\\{\\s*\"jmhVersion\".*\\]\\s*$", "\n]\n");
        Path file = dir.resolve("hit.json");
        Files.writeString(file, onlyHit);
        Run run = run(file.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("| hit | dr | 102.5 | 12.3 | 90.0 – 120.0 | copy | — | — | 0.003 | 0 |"), run.out());
    }

    @Test
    void withoutOneArgumentPrintsUsageAndExits2() {
        Run run = run();
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("usage: PipelineTable RESULT.json"), run.err());
    }

    @Test
    void aFileThatIsNotJmhJsonExits2NamingIt(@TempDir Path dir) throws IOException {
        Path notJson = dir.resolve("broken.json");
        Files.writeString(notJson, "[{\"benchmark\": ");
        Run broken = run(notJson.toString());
        assertEquals(2, broken.status());
        assertTrue(broken.err().startsWith(notJson + ": not JSON"), broken.err());

        Path object = dir.resolve("object.json");
        Files.writeString(object, "{}");
        Run notArray = run(object.toString());
        assertEquals(2, notArray.status());
        assertEquals(object + ": expected a non-empty JSON array of JMH results\n", notArray.err());

        Run missing = run(dir.resolve("absent.json").toString());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("cannot read"), missing.err());
    }
}
