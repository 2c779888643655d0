package io.jlvs.director.lab;

import static io.jlvs.director.lab.Scripts.jlvsdLog;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.director.control.ControlRequest;
import io.jlvs.director.control.ControlResponse;
import io.jlvs.director.control.Jlvsadm;
import io.jlvs.director.metrics.Exposition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane in the lab, with nginx on the real servers and jlvsd driven through its
 * control socket as {@code jlvsadm} drives it.
 *
 * <p>Reload: during a 30 s {@code wrk} keep-alive run through the NAT lab, twenty reloads of a
 * changing service file (weights, wrr → wlc → wrr, rs3 added, rs2 removed and restored twice)
 * each show in {@code -Ln} at once, and wrk ends with no socket error, timeout or non-2xx
 * answer. While rs2 is removed its connections' packets are dropped, as IPVS drops them; the
 * restore revives the same server, and its connections carry on (their packet count grows).
 *
 * <p>Health: in the DR lab with an HTTP check every 0.5 s and 3 retries, stopping rs1's nginx
 * while requests flow quiesces rs1 within interval × retries (weight 0 in {@code -Ln},
 * {@code jlvs_server_up 0} and {@code jlvs_server_weight 0} in {@code /metrics}, read with a
 * Prometheus text parser), new connections all go to rs2, and starting nginx again restores
 * rs1 in both, with one transition each way counted and logged.
 *
 * <p>Uses this run's own namespaces ({@link Scripts#PREFIX}), so a lab that is up is left alone; needs root, curl,
 * nginx and wrk, and skips naming what is missing.
 */
@Privileged
class LabControlTest {
    private static final Path SERVICE_FILE = Scripts.RUN.resolve("director.yaml");
    private static final String NAT_VIP = "192.168.10.100";
    private static final String DR_VIP = "192.168.188.100";
    private static final int RELOADS = 20;
    private static final long RELOAD_EVERY_MS = 1_400;
    /** The check's interval and retries, as the service file below says them. */
    private static final long HEALTH_INTERVAL_MS = 500;
    private static final int HEALTH_RETRIES = 3;

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab control test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab control test", "curl", "curl", "nginx", "nginx-light", "wrk", "wrk");
    }

    @AfterEach
    void labDown() {
        Scripts.labDownIfUp();
    }

    // ------------------------------------------------------------------ reload

    /** One version of the service file: the scheduler and the servers (lab name → weight) in file order. */
    private record Version(String scheduler, Map<String, Integer> weights) {
    }

    /**
     * Reload {@code i} (0-based): rs1's weight cycles 1..5, rs2's through 1..7 and rs2 is absent in
     * reloads 5 and 12 (removed, restored by the next), rs3 joins at reload 3, and reloads 8-11
     * switch the scheduler to wlc.
     */
    private static Version version(int i) {
        Map<String, Integer> weights = new LinkedHashMap<>();
        weights.put("rs1", 1 + i % 5);
        if (i != 5 && i != 12) {
            weights.put("rs2", 1 + i * 3 % 7);
        }
        if (i >= 3) {
            weights.put("rs3", 2 + i % 3);
        }
        return new Version(i >= 8 && i <= 11 ? "wlc" : "wrr", weights);
    }

    @Test
    void twentyReloadsDuringThirtySecondsOfWrkLoseNoConnectionAndEachShowsInTheListing() throws Exception {
        up("nat", "--servers", "3", "--scheduler", "wrr", "--backend", "nginx");
        String global = Scripts.globalSection();
        Path socket = Scripts.controlSocket(global);
        Version initial = new Version("wrr", new TreeMap<>(Map.of("rs1", 1, "rs2", 1)));
        reload(socket, global, initial);
        assertListing(socket, initial);

        Path output = Files.createTempFile("jlvs-wrk", ".out");
        ProcessBuilder builder = new ProcessBuilder("bash", Scripts.LAB.toString(), "exec", "client", "--", "wrk",
                "-t", "1", "-c", "8", "-d", "30s", "--timeout", "10s", "http://" + NAT_VIP + "/")
                .redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(Scripts.LAB_ENV);
        Process wrk = builder.start();
        try {
            long startNs = System.nanoTime();
            long rs2PacketsAtRestore = -1;
            for (int i = 0; i < RELOADS; i++) {
                sleepUntil(startNs, 1_000 + i * RELOAD_EVERY_MS);
                Version v = version(i);
                reload(socket, global, v);
                assertListing(socket, v);
                if (i == 6) {
                    rs2PacketsAtRestore = inPackets(socket, "rs2");
                }
                assertTrue(wrk.isAlive(), () -> "wrk ended early: " + Scripts.readQuietly(output));
            }
            assertTrue(wrk.waitFor(60, TimeUnit.SECONDS), "wrk ends after its 30 s");
            String result = Files.readString(output);
            System.out.println("wrk during " + RELOADS + " reloads:\n" + result);
            assertEquals(0, wrk.exitValue(), result);
            Matcher requests = Pattern.compile("(\\d+) requests in 30").matcher(result);
            assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 1_000, result);
            assertFalse(result.contains("Socket errors"), result);
            assertFalse(result.contains("Non-2xx"), result);
            long restored = rs2PacketsAtRestore;
            long rs2Packets = inPackets(socket, "rs2");
            assertTrue(rs2Packets > restored + 100, () -> "rs2's keep-alive connections carried on after "
                    + "its restore: InPkts " + restored + " then " + rs2Packets);
            assertListing(socket, version(RELOADS - 1));
            assertMetricsAgreeWithStats(socket);
        } finally {
            wrk.destroyForcibly();
            Files.deleteIfExists(output);
        }
    }

    private static void reload(Path socket, String global, Version v) throws IOException {
        Files.writeString(SERVICE_FILE, global + service(NAT_VIP, v.scheduler(), "nat", v.weights(), ""));
        ControlResponse r = Scripts.adm(socket, "--reload");
        assertEquals(0, r.exitCode(), () -> "reload to " + v + ": " + r.stderr() + jlvsdLog());
        assertTrue(r.stdout().contains("jlvsd: reloaded"), r::stdout);
    }

    /** {@code -Ln} lists the service with the version's scheduler and exactly its servers and weights. */
    private static void assertListing(Path socket, Version v) throws IOException {
        String listing = Scripts.adm(socket, "-Ln").stdout();
        List<String> expected = new ArrayList<>();
        expected.add("TCP  " + NAT_VIP + ":80 " + v.scheduler());
        for (String rs : List.of("rs1", "rs2", "rs3")) {
            Integer weight = v.weights().get(rs);
            if (weight != null) {
                expected.add("  -> %-28s %-7s %-6d".formatted(address("nat", rs) + ":80", "Masq", weight));
            }
        }
        // A server row up to its weight: "  -> %-28s %-7s %-6d" is 48 characters (IPVS-SEMANTICS §4.2).
        List<String> rows = listing.lines().skip(3).map(l -> l.startsWith("  -> ") && l.length() > 48
                ? l.substring(0, 48) : l).toList();
        assertEquals(expected, rows, () -> v + ":\n" + listing);
    }

    /** The real server's InPkts from {@code -Ln --stats --exact}. */
    private static long inPackets(Path socket, String rs) throws IOException {
        String stats = Scripts.adm(socket, "-Ln", "--stats", "--exact").stdout();
        Matcher m = Pattern.compile("(?m)^  -> " + Pattern.quote(address("nat", rs) + ":80") + " +\\d+ +(\\d+) ")
                .matcher(stats);
        assertTrue(m.find(), stats);
        return Long.parseLong(m.group(1));
    }

    /**
     * Once the traffic has settled, every row of {@code -Ln --stats --exact} (the service and each
     * server: Conns, InPkts, OutPkts, InBytes, OutBytes) equals the counters in /metrics.
     */
    private static void assertMetricsAgreeWithStats(Path socket) throws IOException, InterruptedException {
        String[] names = {"connections", "in_packets", "out_packets", "in_bytes", "out_bytes"};
        Pattern row = Pattern.compile(
                "(?m)^(?:TCP  (\\S+)|  -> (\\S+))\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$");
        String settled = "";
        Exposition scraped = Exposition.parse("");
        for (int attempt = 0; attempt < 20; attempt++) {
            settled = Scripts.adm(socket, "-Ln", "--stats", "--exact").stdout();
            scraped = scrape();
            if (settled.equals(Scripts.adm(socket, "-Ln", "--stats", "--exact").stdout())) {
                break;
            }
            Thread.sleep(500);
        }
        String stats = settled;
        Exposition families = scraped;
        Matcher m = row.matcher(stats);
        int rows = 0;
        String service = null;
        while (m.find()) {
            rows++;
            String kind;
            Map<String, String> labels;
            if (m.group(1) != null) {
                service = "TCP " + m.group(1);
                kind = "service";
                labels = Map.of("service", service);
            } else {
                kind = "server";
                labels = Map.of("service", service, "server", m.group(2));
            }
            for (int i = 0; i < names.length; i++) {
                String family = "jlvs_" + kind + "_" + names[i] + "_total";
                Exposition.Sample sample = families.sample(family, labels).orElse(null);
                assertTrue(sample != null, () -> family + " " + labels + " missing from /metrics");
                assertEquals(Long.parseLong(m.group(3 + i)), (long) sample.value(),
                        family + " " + labels + " against --stats:\n" + stats);
            }
        }
        assertEquals(4, rows, () -> "the service and its three servers in --stats:\n" + stats);
    }

    // ------------------------------------------------------------------ ipvsadm round trip

    @Test
    void seedCommandLinesThenSaveClearRestoreGiveTheSameListingFromTheLabsJlvsd() throws Exception {
        up("dr", "--scheduler", "rr", "--backend", "nginx");
        Path socket = Scripts.controlSocket(Scripts.globalSection());
        String seeds;
        try (var in = LabControlTest.class.getResourceAsStream("/io/jlvs/director/adm/seed-commands.txt")) {
            assertTrue(in != null, "the seed command lines are a test resource of the adm package");
            seeds = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(0, Scripts.adm(socket, "-C").exitCode(), "the lab's own service goes first");
        int accepted = 0;
        int roundTrips = 0;
        boolean forwarded = false;
        for (String line : seeds.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String source = line.split("\\|")[0].trim();
            String words = line.split("\\|")[1].trim();
            String[] args = words.isEmpty() ? new String[0] : words.split(" ");
            if (words.equals("-C") && !Scripts.adm(socket, "-Sn").stdout().isEmpty()) {
                forwarded |= roundTrip(socket, source);
                roundTrips++;
            }
            // Refusals (a misspelt option, a server for a service that does not exist) are the
            // control socket test's subject; here the accepted lines build the tables.
            if (Scripts.adm(socket, args).exitCode() == 0) {
                accepted++;
            }
        }
        forwarded |= roundTrip(socket, "end");
        assertTrue(accepted > 0 && roundTrips >= 5, "accepted " + accepted + ", round trips " + roundTrips);
        assertTrue(forwarded, "a restored table held the lab's service, and the VIP answered through it");
    }

    /**
     * {@code -Ln} and {@code -Sn}, then {@code -C} and {@code -R} of the saved rules: the listing
     * and the rules are as before. When the table holds the DR lab's own service (the DR
     * tutorial's), a request to the VIP is answered through the restored table.
     *
     * @return whether the VIP answered through the restored table
     */
    private static boolean roundTrip(Path socket, String where) throws IOException {
        String listing = Scripts.adm(socket, "-Ln").stdout();
        String saved = Scripts.adm(socket, "-Sn").stdout();
        assertEquals(0, Scripts.adm(socket, "-C").exitCode(), where);
        assertEquals("", Scripts.adm(socket, "-Sn").stdout(), where + ": cleared");
        ControlResponse restored = Jlvsadm.call(socket, new ControlRequest(List.of("-R"), saved));
        assertEquals(0, restored.exitCode(), () -> where + ": " + restored.stderr());
        assertEquals(listing, Scripts.adm(socket, "-Ln").stdout(), where);
        assertEquals(saved, Scripts.adm(socket, "-Sn").stdout(), where);
        if (!saved.contains("-a -t " + DR_VIP + ":80 -r " + address("dr", "rs1") + ":80 -g")) {
            return false;
        }
        String answer = curl();
        assertTrue(answer.equals("rs1") || answer.equals("rs2"), () -> where + ": the VIP answered '" + answer + "'"
                + jlvsdLog());
        return true;
    }

    // ------------------------------------------------------------------ health

    @Test
    void stoppingNginxOnRs1QuiescesItWithinIntervalTimesRetriesAndStartingItRestoresIt() throws Exception {
        up("dr", "--scheduler", "rr", "--backend", "nginx");
        String global = Scripts.globalSection();
        Path socket = Scripts.controlSocket(global);
        String check = "health-check: {type: http, path: /, interval: 0.5, timeout: 0.4, retries: 3}";
        Files.writeString(SERVICE_FILE, global + service(DR_VIP, "rr", "dr", new TreeMap<>(Map.of("rs1", 1, "rs2", 1)), check));
        ControlResponse reloaded = Scripts.adm(socket, "--reload");
        assertEquals(0, reloaded.exitCode(), reloaded::stderr);
        Scripts.await("both servers checked and up", () -> gauge("jlvs_server_up", "rs1") == 1
                && gauge("jlvs_server_up", "rs2") == 1 && gauge("jlvs_server_health_checked", "rs1") == 1);
        assertEquals(1, weightInListing(socket, "rs1"));

        Traffic traffic = new Traffic();
        Thread flow = Thread.ofPlatform().name("lab-traffic").start(traffic);
        Process nginx = null;
        try {
            long nginxPid = Scripts.labPid("rs1-nginx");
            assertEquals(0, Scripts.run(Map.of(), List.of("kill", "-TERM", Long.toString(nginxPid))).exitCode());
            long stoppedNs = System.nanoTime();
            Scripts.await("rs1 quiesced in -Ln", () -> weightInListing(socket, "rs1") == 0);
            long downMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedNs);
            long quiescedNs = System.nanoTime();
            System.out.println("rs1 quiesced " + downMs + " ms after its nginx stopped (interval x retries = "
                    + HEALTH_INTERVAL_MS * HEALTH_RETRIES + " ms)");
            assertEquals(0, gauge("jlvs_server_up", "rs1"), "/metrics: rs1 down");
            assertEquals(0, gauge("jlvs_server_weight", "rs1"), "/metrics: rs1 at weight 0");
            assertEquals(1, weightInListing(socket, "rs2"));
            for (int i = 0; i < 6; i++) {
                assertEquals("rs2", curl(), "a new connection while rs1 is down");
            }
            assertTrue(Scripts.readQuietly(Scripts.RUN.resolve("director-jlvsd.log")).contains(
                    "real server " + address("dr", "rs1") + ":80 of TCP " + DR_VIP + ":80: down after 3 failures"),
                    Scripts::jlvsdLog);

            nginx = new ProcessBuilder("ip", "netns", "exec", Scripts.ns("rs1"), "nginx", "-c",
                    Scripts.RUN.resolve("rs1/nginx.conf").toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Scripts.await("rs1 restored in -Ln and /metrics", () -> weightInListing(socket, "rs1") == 1
                    && gauge("jlvs_server_up", "rs1") == 1 && gauge("jlvs_server_weight", "rs1") == 1);
            long restoredNs = System.nanoTime();
            // The traffic stops first: with two clients taking turns, rr could hand each one server.
            traffic.stop = true;
            flow.join(10_000);
            List<String> answers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                answers.add(curl());
            }
            assertEquals(List.of("rs1", "rs2"), answers.stream().distinct().sorted().toList(), answers::toString);
            assertEquals(1, counter("jlvs_server_health_transitions_total", "rs1", "down"));
            assertEquals(1, counter("jlvs_server_health_transitions_total", "rs1", "up"));
            assertEquals(0, counter("jlvs_server_health_transitions_total", "rs2", "down"));
            assertTrue(Scripts.readQuietly(Scripts.RUN.resolve("director-jlvsd.log")).contains(
                    "real server " + address("dr", "rs1") + ":80 of TCP " + DR_VIP + ":80: up after 1 success"),
                    Scripts::jlvsdLog);

            List<String> whileDown = traffic.answersBetween(quiescedNs, restoredNs - TimeUnit.MILLISECONDS.toNanos(
                    HEALTH_INTERVAL_MS));
            // On a busy machine the background traffic may make no request in that window: the six
            // curls above are the outcome asserted; the traffic's answers, if any, must agree.
            assertTrue(whileDown.stream().allMatch("rs2"::equals),
                    "the traffic's new connections while rs1 was down: " + whileDown);
        } finally {
            traffic.stop = true;
            flow.join(10_000);
            if (nginx != null) {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A request at a time from the client to the VIP, each a new connection, until stopped. */
    private static final class Traffic implements Runnable {
        private final List<Answer> answers = new ArrayList<>();
        private volatile boolean stop;

        /** A request's start ({@link System#nanoTime()}) and the server that answered it. */
        private record Answer(long startNs, String server) {
        }

        @Override
        public void run() {
            while (!stop) {
                long startNs = System.nanoTime();
                String server = curl();
                synchronized (this) {
                    answers.add(new Answer(startNs, server));
                }
            }
        }

        /** The answers to requests started in [fromNs, toNs). */
        synchronized List<String> answersBetween(long fromNs, long toNs) {
            return answers.stream().filter(a -> a.startNs() >= fromNs && a.startNs() < toNs).map(Answer::server)
                    .toList();
        }
    }

    /** One request from the client to the DR VIP: the answering server's name, or "" on failure. */
    private static String curl() {
        Scripts.Result r = Scripts.inNamespace(Scripts.ns("client"), Map.of(), "curl", "-s", "--max-time", "2",
                "http://" + DR_VIP + "/");
        return r.exitCode() == 0 ? r.output().strip() : "";
    }

    /** The real server's weight in {@code -Ln}, or -1 when it is not listed. */
    private static int weightInListing(Path socket, String rs) throws IOException {
        String listing = Scripts.adm(socket, "-Ln").stdout();
        Matcher m = Pattern.compile("(?m)^  -> " + Pattern.quote(address("dr", rs) + ":80") + " +Route +(\\d+) ")
                .matcher(listing);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static double gauge(String family, String rs) throws IOException {
        return scrape().sample(family, Map.of("server", address("dr", rs) + ":80"))
                .map(Exposition.Sample::value).orElse(-1.0);
    }

    private static double counter(String family, String rs, String direction) throws IOException {
        return scrape().sample(family, Map.of("server", address("dr", rs) + ":80", "direction", direction))
                .map(Exposition.Sample::value).orElse(-1.0);
    }

    /** jlvsd's /metrics, fetched with curl in the director's namespace and parsed; empty while unreachable. */
    private static Exposition scrape() throws IOException {
        Scripts.Result r = Scripts.inNamespace(Scripts.ns("director"), Map.of(), "curl", "-s", "--max-time", "2",
                "http://127.0.0.1:9180/metrics");
        return Exposition.parse(r.exitCode() == 0 ? r.output() : "");
    }

    // ------------------------------------------------------------------ the lab

    private static void up(String... args) {
        List<String> command = new ArrayList<>(List.of("up"));
        command.addAll(List.of(args));
        Scripts.Result up = Scripts.lab(command.toArray(String[]::new));
        assertEquals(0, up.exitCode(), up::toString);
        assertTrue(up.output().contains("runs: jlvsd (pid"), up::toString);
    }


    /** One TCP port-80 service in the service file's syntax, with {@code extra} as a line of its own when given. */
    private static String service(String vip, String scheduler, String method, Map<String, Integer> weights,
                                  String extra) {
        String mode = method.equals("nat") ? "nat" : "dr";
        StringBuilder s = new StringBuilder("  - protocol: tcp\n    vip: " + vip + "\n    port: 80\n    scheduler: "
                + scheduler + "\n");
        if (!extra.isEmpty()) {
            s.append("    ").append(extra).append('\n');
        }
        s.append("    servers:\n");
        weights.forEach((rs, weight) -> s.append("      - {address: ").append(address(mode, rs)).append(", method: ")
                .append(method).append(", weight: ").append(weight).append("}\n"));
        return s.toString();
    }

    /** A lab real server's address (lab.sh: NAT 192.168.188.81+N, DR 192.168.188.80+N). */
    private static String address(String mode, String rs) {
        int n = Integer.parseInt(rs.substring(2));
        return "192.168.188." + ((mode.equals("nat") ? 81 : 80) + n);
    }

    private static void sleepUntil(long startNs, long afterMs) throws InterruptedException {
        long waitMs = afterMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        if (waitMs > 0) {
            Thread.sleep(waitMs);
        }
    }


}
