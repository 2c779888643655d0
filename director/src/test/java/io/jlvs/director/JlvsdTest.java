package io.jlvs.director;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** jlvsd's start-up checks: the service file, the dry run, the packet-socket probe. */
class JlvsdTest {
    private static final Path EXAMPLES = Path.of("..", "config", "src", "test", "resources", "examples");

    /** Exit status, standard output and standard error of one run. */
    private record Run(int status, String out, String err) {
    }

    /** One line of jlvsd's log in the text format: time, level, {@code jlvsd: } and the message. */
    private static final Pattern LOG_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARN |INFO |DEBUG) jlvsd: (.*)");

    /** The messages of a stream of text log lines, each line checked to be one. */
    private static List<String> messages(String stream) {
        return stream.lines().map(line -> {
            Matcher m = LOG_LINE.matcher(line);
            assertTrue(m.matches(), "not a log line: " + line);
            return m.group(2);
        }).toList();
    }

    private static Run run(Supplier<Throwable> probe, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
        Jlvsd jlvsd = new Jlvsd(new PrintStream(out, true, StandardCharsets.UTF_8), errors, probe);
        // picocli's own messages (a bad option) go where jlvsd's errors go, as on a terminal.
        int status = new CommandLine(jlvsd).setErr(new PrintWriter(errors, true)).execute(args);
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run dryRun(Path file) {
        return run(() -> {
            throw new AssertionError("a dry run must not probe packet sockets");
        }, "--config", file.toString(), "--dry-run");
    }

    @Test
    void dryRunOfTheNatExamplePrintsItsServicesAndExitsZero() {
        Run r = dryRun(EXAMPLES.resolve("nat.yaml"));
        assertEquals(0, r.status(), r.err());
        List<String> lines = messages(r.out());
        assertTrue(lines.contains("TCP 192.168.10.100:80 wrr -> 192.168.188.81:80 nat w3, 192.168.188.82:80 nat w1"),
                r.out());
        assertTrue(lines.contains("TCP 192.168.10.100:6379 wlc persistent 600 mask 255.255.255.0 -> "
                + "192.168.188.81:6379 nat w1 x1000 y800, 192.168.188.82:6379 nat w1 x1000"), r.out());
        assertTrue(r.out().contains("jlvsd: dry run: would start 2 workers on eth0, eth1, connection table of 1048576"
                + " entries, timeouts (tcp tcpfin udp) 900 120 300"), r.out());
        assertTrue(r.out().contains("no socket opened"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void dryRunOfEveryDocumentedExampleSucceeds() throws IOException {
        try (var files = Files.list(EXAMPLES)) {
            List<Path> examples = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertEquals(3, examples.size(), "dr, nat and tun examples");
            for (Path example : examples) {
                Run r = dryRun(example);
                assertEquals(0, r.status(), example + ": " + r.err());
                long services = messages(r.out()).stream().filter(l -> l.startsWith("TCP ") || l.startsWith("UDP ")
                        || l.startsWith("FWM ")).count();
                assertTrue(services >= 2, example + " lists its services:\n" + r.out());
            }
        }
    }

    @Test
    void dryRunOfTheDrExampleMarksTheFwmarkServiceAsNotMatched() {
        Run r = dryRun(EXAMPLES.resolve("dr.yaml"));
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("FWM 1 mh flags mh-fallback persistent 1800 -> 192.168.188.81:0 dr w1, 192.168.188.82:0 dr w2"
                + " (not matched"), r.out());
    }

    @Test
    void aBrokenFileGivesEveryErrorOnItsOwnLineAndExitTwo(@TempDir Path dir) throws IOException {
        Path broken = dir.resolve("services.yaml");
        Files.writeString(broken, """
                global:
                  interfaces: [eth0]
                services:
                  - protocol: tcp
                    vip: 192.168.10.300
                    port: 80
                    servers:
                      - {address: 192.168.188.81, wieght: 3}
                """);
        for (String[] args : List.of(new String[] {"--config", broken.toString(), "--dry-run"},
                new String[] {"--config", broken.toString()})) {
            Run r = run(() -> {
                throw new AssertionError("an invalid file must stop jlvsd before any socket");
            }, args);
            assertEquals(2, r.status());
            assertEquals("", r.out(), "nothing started, no service printed");
            List<String> errors = messages(r.err());
            assertEquals(2, errors.size(), r.err());
            assertTrue(errors.get(0).startsWith(broken + ":5 services[0].vip: "), r.err());
            assertTrue(errors.get(1).startsWith(broken + ":8 services[0].servers[0].wieght: unknown key"), r.err());
        }
    }

    @Test
    void withoutPacketSocketsItSaysWhyOnOneLineAndExitsTwo() {
        Run r = run(() -> new IllegalStateException("socket(AF_PACKET, SOCK_RAW, ETH_P_ALL): EPERM (1)"),
                "--config", EXAMPLES.resolve("dr.yaml").toString());
        assertEquals(2, r.status());
        assertEquals(List.of("cannot open packet sockets (socket(AF_PACKET, SOCK_RAW, ETH_P_ALL): EPERM (1));"
                + " run as root or with CAP_NET_RAW"), messages(r.err()));
    }

    @Test
    void refusesAMalformedNeighbour() {
        Run r = run(() -> null, "--config", EXAMPLES.resolve("dr.yaml").toString(), "--dry-run",
                "--neighbour", "192.168.188.81=02:00:zz:00:00:81");
        assertEquals(2, r.status());
        assertTrue(messages(r.err()).getFirst().startsWith("not a MAC address: '02:00:zz:00:00:81'"), r.err());
    }

    @Test
    void aTableTooLargeForTheMachinesMemoryIsRefusedWithTheFiguresNotAStackTrace(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("big.yaml");
        Files.writeString(file, "global:\n  interfaces: [eth0]\n  connection-table-capacity: 268435456\nservices: []\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Jlvsd jlvsd = new Jlvsd(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), () -> null, () -> 8L << 30);
        int status = new CommandLine(jlvsd).execute("--config", file.toString(), "--dry-run");
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, text);
        assertEquals(List.of("connection-table-capacity 268435456 needs 15.7 GiB of memory and 8.0 GiB is"
                + " available; choose a smaller capacity (each entry takes 62.9 bytes)"), messages(text));
    }

    @Test
    void theConnectionTablesMemoryIsPrintedAtStartAndTenMillionEntriesTakeAtMost640MiB(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("ten-million.yaml");
        Files.writeString(file, "global:\n  interfaces: [eth0]\n  connection-table-capacity: 10000000\nservices: []\n");
        Run r = dryRun(file);
        assertEquals(0, r.status(), r.err());
        Matcher m = Pattern.compile(
                "jlvsd: connection table: 10000000 entries, ([0-9.]+) bytes each, ([0-9.]+) MiB\n").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertTrue(Double.parseDouble(m.group(1)) <= 64, r.out());
        assertTrue(Double.parseDouble(m.group(2)) <= 640, r.out());
        assertEquals("connection table: 10000000 entries, 62.9 bytes each, 599.5 MiB", Jlvsd.tableSize(10_000_000));
    }

    @Test
    void capacitiesAboveTheTablesLimitAreRefusedByTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("huge.yaml");
        Files.writeString(file, "global:\n  interfaces: [eth0]\n  connection-table-capacity: 1073741824\nservices: []\n");
        Run r = dryRun(file);
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("must be 1024..268435456, was 1073741824"), r.err());
        assertTrue(!r.err().contains("Exception"), r.err());
    }

    @Test
    void theStatusFileNeverWritesThroughALinkPlantedBesideIt(@TempDir Path dir) throws IOException {
        Path victim = Files.writeString(dir.resolve("victim"), "precious\n");
        Path status = dir.resolve("jlvsd.status");
        Path temporary = dir.resolve("jlvsd.status.tmp");
        Files.createSymbolicLink(status, victim);
        Files.createSymbolicLink(temporary, victim);
        Jlvsd.writeStatusOnce(temporary, status, "IP Virtual Server version 1.2.1 (size=1024)\n");
        assertEquals("precious\n", Files.readString(victim), "the links' target is untouched");
        assertTrue(!Files.isSymbolicLink(status), "the link was replaced by the file");
        assertEquals("IP Virtual Server version 1.2.1 (size=1024)\n", Files.readString(status));
        assertTrue(!Files.exists(temporary, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void logLevelWarnKeepsTheStartQuietAndJsonLinesCarryTimeLevelAndMessage(@TempDir Path dir) throws IOException {
        Run quiet = run(() -> {
            throw new AssertionError("a dry run must not probe packet sockets");
        }, "--config", EXAMPLES.resolve("nat.yaml").toString(), "--dry-run", "--log-level", "warn");
        assertEquals(0, quiet.status(), quiet.err());
        assertEquals("", quiet.out(), "no info line at --log-level warn");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "global:\n  interfaces: [eth0]\nservices:\n  - {protocol: tcp, vip: nope, port: 80}\n");
        Run r = run(() -> null, "--config", broken.toString(), "--dry-run", "--log-format", "json");
        assertEquals(2, r.status());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        JsonNode event = new ObjectMapper().readTree(lines.getFirst());
        List<String> keys = new ArrayList<>();
        event.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("ts", "level", "msg"), keys);
        assertTrue(event.get("ts").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"), lines.getFirst());
        assertEquals("error", event.get("level").asText());
        assertTrue(event.get("msg").asText().startsWith(broken + ":4 services[0].vip: "), lines.getFirst());
    }

    @Test
    void aBadLogOptionIsRefusedWithItsChoicesAndNoStackTrace() {
        for (String[] args : List.of(new String[] {"--log-level", "verbose"}, new String[] {"--log-format", "xml"})) {
            List<String> command = new ArrayList<>(List.of("--config", EXAMPLES.resolve("dr.yaml").toString(),
                    "--dry-run"));
            command.addAll(List.of(args));
            Run r = run(() -> null, command.toArray(String[]::new));
            assertEquals(2, r.status(), r.err());
            String expected = args[0].equals("--log-level")
                    ? "log level must be error, warn, info or debug, was 'verbose'"
                    : "log format must be text, logfmt or json, was 'xml'";
            assertTrue(r.err().contains(expected), r.err());
            assertTrue(!r.err().contains("Exception") && !r.err().contains("\tat "), r.err());
        }
    }
}
