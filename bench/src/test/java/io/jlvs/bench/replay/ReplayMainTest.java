package io.jlvs.bench.replay;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay tool: all §5 scenarios pass --check; mismatches exit 1; bad input exits 2 with its place. */
class ReplayMainTest {
    private static final Path SCENARIOS = Path.of("src/test/resources/scenarios");

    /** What one run printed and returned. */
    private record Run(int status, String out, String err) {
    }

    private static Run replay(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        int status = ReplayMain.run(args, in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String scenario(String id, String events) {
        return """
                {"id": "%s", "scheduler": "rr", "service": {"vip": "10.0.0.100", "vport": 80},
                 "setup": [
                  {"op": "add_dest", "server": "A", "addr": "192.168.1.1", "port": 80, "weight": 1},
                  {"op": "add_dest", "server": "B", "addr": "192.168.1.2", "port": 80, "weight": 1}],
                 "events": [%s]}
                """.formatted(id, events);
    }

    private static final String PICK_B = "{\"op\": \"schedule\", \"client\": \"192.0.2.1\", \"cport\": 1, \"expect\": \"B\"}";
    private static final String PICK_A = "{\"op\": \"schedule\", \"client\": \"192.0.2.1\", \"cport\": 2, \"expect\": \"A\"}";

    @Test
    void everySpecScenarioPassesCheck() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(SCENARIOS)) {
            files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(30, files.size(), "one file per worked example of IPVS-SEMANTICS §5");
        String[] args = Stream.concat(Stream.of("--check"), files.stream().map(Path::toString)).toArray(String[]::new);
        Run r = replay("", args);
        assertEquals("", r.err());
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().matches("replay: 30 scenarios, \\d+ picks, 0 mismatches\\n"), r.out());
    }

    @Test
    void printsOnePickPerLine() {
        Run r = replay("[" + scenario("two", PICK_B + "," + PICK_A + "," + PICK_B) + "]", "-");
        assertEquals(0, r.status(), r.err());
        assertEquals("B\nA\nB\n", r.out());
    }

    @Test
    void printsNoneWhenNothingCanBePicked() {
        String s = """
                {"id": "empty", "scheduler": "wlc", "events": [
                 {"op": "schedule", "client": "192.0.2.1", "cport": 1, "expect": null}]}
                """;
        Run r = replay(s, "--check", "-");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("none\n", replay(s, "-").out());
    }

    @Test
    void counterModelBindsEachPickSoUpperThresholdSetsOverload() {
        // B (-x 1) admits exactly one connection (IPVS-SEMANTICS §2.9), then rr skips it
        String s = scenario("thresholds", PICK_B + "," + PICK_A + "," + PICK_A.replace("\"cport\": 2", "\"cport\": 3"))
                .replace("\"weight\": 1}]", "\"weight\": 1, \"u_threshold\": 1}]")
                .replace("\"rr\",", "\"rr\", \"counter_model\": \"inactive\",");
        Run r = replay(s, "--check", "-");
        assertEquals(0, r.status(), r.out() + r.err());
        assertEquals("B\nA\nA\n", replay(s, "-").out());
    }

    @Test
    void checkReportsFirstMismatchAndExitsOne() {
        String wrong = PICK_A.replace("\"A\"", "\"B\"");
        Run r = replay(scenario("rr-wrong", PICK_B + "," + wrong + "," + wrong), "--check", "-");
        assertEquals(1, r.status());
        assertEquals("""
                MISMATCH scenario 'rr-wrong' events[1] (pick 2): expected B, got A
                  expected: B B
                  got:      B A
                replay: 1 scenarios, 3 picks, 1 mismatches
                """, r.out());
    }

    @Test
    void checkDetectsAWrongExpectationInASpecFile(@TempDir Path dir) throws IOException {
        String text = Files.readString(SCENARIOS.resolve("wrr-gcd2.json"));
        int last = text.lastIndexOf("\"expect\": \"A\"");
        Path broken = dir.resolve("wrr-gcd2.json");
        Files.writeString(broken, text.substring(0, last) + "\"expect\": \"B\"" + text.substring(last + 13));
        Run r = replay("", "--check", broken.toString());
        assertEquals(1, r.status());
        assertTrue(r.out().startsWith("MISMATCH scenario 'wrr-gcd2' events[5] (pick 6): expected B, got A"), r.out());
    }

    @Test
    void unknownOpNamesScenarioAndEvent() {
        Run r = replay(scenario("bad-op", PICK_B + ", {\"op\": \"frobnicate\"}"), "--check", "-");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("replay: scenario 'bad-op' events[1]: unknown op 'frobnicate'"), r.err());
    }

    @Test
    void unknownServerNamesScenarioAndEvent() {
        Run r = replay(scenario("bad-server", "{\"op\": \"del_dest\", \"server\": \"Z\"}"), "-");
        assertEquals(2, r.status());
        assertEquals("replay: scenario 'bad-server' events[0]: unknown server 'Z': the service has A, B\n", r.err());
    }

    @Test
    void unknownSchedulerListsValidNames() {
        Run r = replay(scenario("bad-sched", PICK_B).replace("\"rr\"", "\"foo\""), "-");
        assertEquals(2, r.status());
        assertEquals("replay: scenario 'bad-sched' scenario: unknown scheduler 'foo': valid names are "
                + "dh, fo, lblc, lblcr, lc, mh, nq, ovf, rr, sed, sh, wlc, wrr\n", r.err());
    }

    @Test
    void malformedEventNamesScenarioAndEvent() {
        Run r = replay(scenario("bad-event", PICK_B + ", {\"op\": \"schedule\", \"client\": \"192.0.2.300\"}"), "-");
        assertEquals(2, r.status());
        assertEquals("replay: scenario 'bad-event' events[1]: 'client': not an IPv4 address: '192.0.2.300'\n", r.err());
    }

    @Test
    void malformedJsonNamesFileAndPositionAndExitsTwo(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"id\": \"x\",\n \"scheduler\": rr}");
        Run r = replay("", "--check", bad.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("replay: " + bad + ": malformed JSON at line 2, column"), r.err());
    }

    @Test
    void incompatibleSchedulerFlagIsRefused() {
        Run r = replay(scenario("bad-flag", PICK_B).replace("\"scheduler\": \"rr\"",
                "\"scheduler\": \"rr\", \"sched_flags\": [\"sh-port\"]"), "-");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("incompatible scheduler flag 'sh-port'"), r.err());
    }

    @Test
    void missingFileAndNoArgumentsExitTwo() {
        assertEquals(2, replay("", "--check", "/nonexistent/scenario.json").status());
        assertEquals(2, replay("").status());
    }
}
