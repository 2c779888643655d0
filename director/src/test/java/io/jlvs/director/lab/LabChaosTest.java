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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Chaos during one wrk run, in the NAT lab with three real servers: wrk holds 8 keep-alive
 * connections to VIP:80 (rs1 and rs2) while, one after the other,
 * <ol>
 *   <li>20 000 hostile frames reach the director from the client's LAN ({@link HostileFrames}:
 *       every kind of broken frame, then mutations of them);</li>
 *   <li>a SYN flood from 65 536 random sources (50 000 frames/s for 4 s, over the table's 65 536
 *       entries, with {@code drop-entry} on);</li>
 *   <li>the real server of VIP:8080 (rs3, HTTP-checked) is killed and restored: the check takes
 *       it down and up again, and it answers through the VIP afterwards;</li>
 *   <li>5 reloads of the service file (rs1's weight changing);</li>
 *   <li>100 cycles of {@code jlvsadm -C} then {@code jlvsadm -R} of the saved rules.</li>
 * </ol>
 * Then: wrk's connections saw no error of any kind (connect, read, write, timeout, non-2xx),
 * no worker error was counted, the listing is what it was, and jlvsd's resident memory grew by
 * less than 20 %.
 *
 * <p>Uses the lab's fixed namespaces, so it skips when a lab is up already; needs root, curl,
 * nginx and wrk.
 */
@Privileged
class LabChaosTest {
    private static final String VIP = "192.168.10.100";
    private static final Path SERVICE_FILE = Scripts.RUN.resolve("director.yaml");
    private static final int HOSTILE_FRAMES = 20_000;
    private static final int FLOOD_RATE = 50_000;
    private static final int FLOOD_SECONDS = 4;
    private static final int RELOADS = 5;
    private static final int CYCLES = 100;
    /** How long wrk may run at most; the test stops it (SIGINT, which makes it report) when done. */
    private static final int WRK_LIMIT_SECONDS = 600;
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");

    private final Scripts.Started started = new Scripts.Started();

    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab chaos test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab chaos test", "curl", "curl", "nginx", "nginx-light", "wrk", "wrk");
    }

    @AfterEach
    void labDown() throws InterruptedException {
        started.close();
        Scripts.labDownIfUp();
    }

    @Test
    void establishedConnectionsSeeNoErrorThroughHostileFramesAFloodAServerKilledReloadsAndClearRestoreCycles()
            throws Exception {
        Scripts.Result up = Scripts.lab("up", "nat", "--servers", "3", "--scheduler", "rr", "--backend", "nginx");
        assertEquals(0, up.exitCode(), up::toString);
        long jlvsd = Scripts.labPid("director-jlvsd");
        String global = Scripts.globalSection().replace("  connection-table-capacity: 65536\n",
                "  connection-table-capacity: 65536\n  defense: {drop-entry: 1}\n");
        Path socket = Scripts.controlSocket(global);
        Files.writeString(SERVICE_FILE, global + services(1));
        ok(Scripts.adm(socket, "--reload"));
        Scripts.await("rs3 checked and up", () -> Scripts.metric("jlvs_server_up", "192.168.188.84:80") == 1
                && Scripts.metric("jlvs_server_health_checked", "192.168.188.84:80") == 1);
        assertEquals("rs3", curl(8080), "VIP:8080 answers from rs3" + jlvsdLog());
        String saved = ok(Scripts.adm(socket, "-Sn"));
        String listing = ok(Scripts.adm(socket, "-Ln"));
        long workerErrorsBefore = Scripts.metric("jlvs_worker_errors_total", "");

        Path wrkOut = Files.createTempFile("jlvs-chaos-wrk", ".out");
        Process wrk = started.start(wrkOut, List.of("ip", "netns", "exec", Scripts.ns("client"), "wrk", "-t1", "-c8",
                "-d" + WRK_LIMIT_SECONDS + "s", "--timeout", "10s", "http://" + VIP + "/"));
        Scripts.await("wrk's connections established", () -> activeConnections(socket) >= 8);
        long rssBefore = Scripts.rssKb(jlvsd);
        String clientMac = Scripts.mac(Scripts.ns("client"), "eth0");
        String directorMac = Scripts.mac(Scripts.ns("director"), "eth1");

        // 1. Hostile frames.
        long malformedBefore = Scripts.metric("jlvs_worker_frames_by_reason_total", "reason=\"malformed\"");
        Scripts.Result hostile = inClient(Scripts.javaCommand(128, HostileFrames.class.getName(), "eth0", clientMac, directorMac,
                VIP, Integer.toString(HOSTILE_FRAMES), "7"));
        assertEquals(0, hostile.exitCode(), hostile::toString);
        long malformed = Scripts.metric("jlvs_worker_frames_by_reason_total", "reason=\"malformed\"") - malformedBefore;
        assertTrue(malformed > 0, "the hostile frames reached jlvsd's parser and were counted as malformed");
        assertTrue(wrk.isAlive(), () -> "wrk ended early: " + Scripts.readQuietly(wrkOut));

        // 2. A SYN flood from random sources.
        long evictedBefore = Scripts.metric("jlvs_defense_evicted_total", "");
        Scripts.Result flood = inClient(Scripts.javaCommand(128, "io.jlvs.director.JlvsTool", "flood", "--interface", "eth0",
                "--dst-mac", directorMac, "--src", "10.200.0.0", "--sources", "65536", "--flows", "1000000",
                "--dst", VIP, "--rate", Integer.toString(FLOOD_RATE), "--seconds", Integer.toString(FLOOD_SECONDS)));
        assertEquals(0, flood.exitCode(), flood::toString);
        long evicted = Scripts.metric("jlvs_defense_evicted_total", "") - evictedBefore;

        // 3. A real server killed and restored.
        Scripts.killNginx("rs3");
        Scripts.await("rs3 down", () -> Scripts.metric("jlvs_server_up", "192.168.188.84:80") == 0);
        started.start(Files.createTempFile("jlvs-chaos-nginx", ".out"), List.of("ip", "netns", "exec", Scripts.ns("rs3"), "nginx",
                "-c", Scripts.RUN.resolve("rs3/nginx.conf").toString()));
        Scripts.await("rs3 up again", () -> Scripts.metric("jlvs_server_up", "192.168.188.84:80") == 1);
        assertEquals("rs3", curl(8080), "VIP:8080 answers from rs3 after its restore" + jlvsdLog());

        // 4. Reloads.
        for (int i = 0; i < RELOADS; i++) {
            int weight = 2 + i % 2;
            Files.writeString(SERVICE_FILE, global + services(weight));
            ok(Scripts.adm(socket, "--reload"));
            String reloaded = ok(Scripts.adm(socket, "-Ln"));
            assertTrue(Pattern.compile("(?m)^  -> 192\\.168\\.188\\.82:80 +Masq +" + weight + " ").matcher(reloaded).find(),
                    () -> "reload " + weight + " applied:\n" + reloaded);
        }
        Files.writeString(SERVICE_FILE, global + services(1));
        ok(Scripts.adm(socket, "--reload"));

        // 5. Clear and restore.
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            ok(Scripts.adm(socket, "-C"));
            ok(Jlvsadm.call(socket, new ControlRequest(List.of("-R"), saved)));
        }
        assertEquals(withoutCounts(listing), withoutCounts(ok(Scripts.adm(socket, "-Ln"))), "the listing after the cycles");
        assertTrue(wrk.isAlive(), () -> "wrk ended early: " + Scripts.readQuietly(wrkOut));

        assertEquals(0, Scripts.run(Map.of(), List.of("kill", "-INT", Long.toString(wrk.pid()))).exitCode());
        assertTrue(wrk.waitFor(60, TimeUnit.SECONDS), "wrk reports and ends on SIGINT");
        String report = Files.readString(wrkOut, StandardCharsets.UTF_8);
        long rssAfter = Scripts.rssKb(jlvsd);
        long workerErrors = Scripts.metric("jlvs_worker_errors_total", "") - workerErrorsBefore;
        System.out.printf("lab chaos: %s (%d dropped as malformed); %s; %d embryonic entries evicted;"
                        + " jlvsd RSS %d -> %d kB; worker errors %d; wrk: %s%n", hostile.output().strip(), malformed,
                flood.output().strip(), evicted,
                rssBefore, rssAfter, workerErrors, report.lines()
                        .filter(l -> l.contains("requests in") || l.contains("Latency") || l.contains("Socket errors"))
                        .map(String::strip).toList());
        Matcher requests = REQUESTS.matcher(report);
        assertTrue(requests.find() && Long.parseLong(requests.group(1)) > 1_000, report);
        assertFalse(report.contains("Socket errors"), "wrk's connections saw errors:\n" + report + jlvsdLog());
        assertFalse(report.contains("Non-2xx"), report);
        assertEquals(0, workerErrors, "worker errors" + jlvsdLog());
        assertTrue(Scripts.isLive(jlvsd), "jlvsd still runs");
        assertTrue(rssAfter <= rssBefore * 1.20, "jlvsd's RSS " + rssBefore + " -> " + rssAfter + " kB");

        // The exposition after all that, as Prometheus's own linter reads it.
        assumeTrue(Scripts.installed("promtool"), "the promtool half skipped: promtool is not installed"
                + " (Debian package prometheus; bin/test installs it)");
        Path metrics = Files.createTempFile("jlvs-chaos-metrics", ".txt");
        Files.writeString(metrics, Scripts.metricsText());
        Scripts.Result lint = Scripts.run(Map.of(), List.of("sh", "-c", "promtool check metrics < " + metrics));
        Files.deleteIfExists(metrics);
        assertEquals(new Scripts.Result(0, ""), lint, "promtool check metrics on /metrics of the running lab");
    }

    /** VIP:80 on rs1 (weight {@code rs1Weight}) and rs2; VIP:8080 on rs3:80 with an HTTP check. */
    private static String services(int rs1Weight) {
        return """
                  - protocol: tcp
                    vip: %1$s
                    port: 80
                    scheduler: rr
                    servers:
                      - {address: 192.168.188.82, method: nat, weight: %2$d}
                      - {address: 192.168.188.83, method: nat, weight: 1}
                  - protocol: tcp
                    vip: %1$s
                    port: 8080
                    scheduler: rr
                    health-check: {type: http, path: /, interval: 0.5, timeout: 0.4, retries: 2}
                    servers:
                      - {address: 192.168.188.84, port: 80, method: nat, weight: 1}
                """.formatted(VIP, rs1Weight);
    }

    /** A {@code -Ln} listing without its ActiveConn and InActConn columns, which traffic changes. */
    private static String withoutCounts(String listing) {
        return listing.replaceAll("(?m)^(  -> \\S+ +\\S+ +\\d+) .*$", "$1");
    }


    private static String ok(ControlResponse r) {
        assertEquals(0, r.exitCode(), r::stderr);
        return r.stdout();
    }

    /** The ActiveConn column of VIP:80 in {@code -Ln}, summed over its servers. */
    private static int activeConnections(Path socket) throws IOException {
        int sum = 0;
        Matcher m = Pattern.compile("(?m)^  -> 192\\.168\\.188\\.8[23]:80 +Masq +\\d+ +(\\d+) ")
                .matcher(ok(Scripts.adm(socket, "-Ln")));
        while (m.find()) {
            sum += Integer.parseInt(m.group(1));
        }
        return sum;
    }


    private static Scripts.Result inClient(List<String> command) {
        return Scripts.inNamespace(Scripts.ns("client"), Map.of(), command.toArray(String[]::new));
    }

    /** One new connection from the client to VIP:{@code port}: the answering server's name, or "". */
    private static String curl(int port) {
        Scripts.Result r = Scripts.inNamespace(Scripts.ns("client"), Map.of(), "curl", "-s", "--max-time", "5",
                "http://" + VIP + ":" + port + "/");
        return r.exitCode() == 0 ? r.output().strip() : "";
    }


}
