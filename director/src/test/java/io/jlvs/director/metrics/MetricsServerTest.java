package io.jlvs.director.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlvs.config.ConfigException;
import io.jlvs.config.model.Endpoint;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.config.yaml.ServiceFileLoader;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.io.IoCounters;
import io.jlvs.dataplane.io.IoDropReason;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.worker.WorkerCounters;
import io.jlvs.dataplane.pipeline.PipelineReason;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.service.Stats;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.TrafficCounters;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.director.health.HealthChecker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The metrics endpoint over real HTTP on loopback: {@code /metrics} read by a Prometheus
 * text-format parser (Hawkular's) and compared with the service table's stats, {@code /status}
 * read by Jackson, and the address it listens on.
 */
class MetricsServerTest {
    private static final ServiceKey WEB = new ServiceKey.Address(Protocol.TCP, Ipv4.parse("192.168.10.100"), 80);
    private static final ServiceKey DNS = new ServiceKey.Address(Protocol.UDP, Ipv4.parse("192.168.10.100"), 53);
    private static final String WEB_LABEL = "TCP 192.168.10.100:80";

    private final HttpClient client = HttpClient.newHttpClient();
    private MetricsServer server;
    private HealthChecker checker;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        if (checker != null) {
            checker.close();
        }
        client.close();
    }

    private static RealServerSpec nat(String address, int port, int weight) {
        return new RealServerSpec(Ipv4.parse(address), port, weight, ForwardingMethod.MASQ, 0, 0);
    }

    /** Two services with traffic counted by two workers' counters; the first server of WEB is active x2. */
    private static ServiceTable tableWithTraffic(Optional<HealthCheck> check, int checkedPort) {
        ServiceTable table = ServiceTable.of(List.of(
                new ServiceSpec(WEB, "wrr", 0, Optional.empty(), List.of(nat("192.168.188.81", 80, 3),
                        nat("127.0.0.1", checkedPort, 1)), check),
                new ServiceSpec(DNS, "rr", 0, Optional.empty(), List.of(nat("192.168.188.82", 53, 1)))));
        TrafficCounters w0 = table.newCounters();
        TrafficCounters w1 = table.newCounters();
        VirtualService web = table.service(WEB);
        Destination rs1 = web.destination(nat("192.168.188.81", 80, 3));
        int rs1Index = table.registry().indexOf(rs1);
        w0.connection(web.index(), rs1Index);
        w0.in(web.index(), rs1Index, 60);
        w0.in(web.index(), rs1Index, 52);
        w1.connection(web.index(), rs1Index);
        w1.in(web.index(), rs1Index, 1500);
        w1.out(web.index(), rs1Index, 40);
        rs1.bindConn(false, true);
        rs1.bindConn(false, true);
        rs1.bindConn(false, false);
        VirtualService dns = table.service(DNS);
        Destination dnsServer = dns.destinations().getFirst();
        w1.connection(dns.index(), table.registry().indexOf(dnsServer));
        w1.in(dns.index(), table.registry().indexOf(dnsServer), 75);
        return table;
    }

    /** A worker whose socket on eth0 read 120 frames and lost 7 because its ring was full. */
    private static WorkerCounters workerWithRingDrops() {
        IoCounters io = new IoCounters("eth0");
        io.addReceived(120);
        io.addDrops(IoDropReason.RING_FULL, 7);
        return new WorkerCounters(new PipelineCounters(), List.of(io), Map.of("java.lang.IllegalStateException", 2L));
    }

    private MetricsServer start(ServiceTable table, List<WorkerCounters> workers) {
        server = MetricsServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new MetricsSource(table, checker, () -> workers, new Rates(table)));
        return server;
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        InetSocketAddress at = server.localAddress();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The families of an exposition, by name, read strictly (a malformed line fails the test). */
    private static Map<String, Exposition.Family> parse(String text) {
        return Exposition.parse(text).families();
    }

    private static double value(Map<String, Exposition.Family> families, String name, Map<String, String> labels) {
        Exposition.Family family = families.get(name);
        assertNotNull(family, "no family " + name);
        for (Exposition.Sample s : family.samples()) {
            if (s.labels().entrySet().containsAll(labels.entrySet())) {
                return s.value();
            }
        }
        return fail("no sample of " + name + " with " + labels + " in " + family.samples());
    }

    @Test
    void metricsParseAndAgreeWithTheServiceTableStats() throws Exception {
        ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
        start(table, List.of(WorkerCounters.of(new PipelineCounters()), workerWithRingDrops()));
        HttpResponse<String> response = get("/metrics");
        assertEquals(200, response.statusCode());
        assertEquals(MetricsServer.PROMETHEUS_TYPE, response.headers().firstValue("content-type").orElseThrow());
        Map<String, Exposition.Family> families = parse(response.body());
        assertTrue(response.body().contains("""
                # HELP jlvs_service_connections_total Connections scheduled, per service (ipvsadm --stats)
                # TYPE jlvs_service_connections_total counter
                jlvs_service_connections_total{scheduler="rr",service="UDP 192.168.10.100:53"} 1.0
                jlvs_service_connections_total{scheduler="wrr",service="TCP 192.168.10.100:80"} 2.0
                """), response.body());
        assertTrue(response.body().startsWith("# HELP jlvs_io_drops_total "), "families sorted by name, as the"
                + " Prometheus client writes them:\n" + response.body());

        for (Exposition.Family f : families.values()) {
            assertTrue(f.type().equals("counter") || f.type().equals("gauge"), f.name());
            assertFalse(f.help().isBlank(), "HELP of " + f.name());
        }
        for (VirtualService service : table.services()) {
            Map<String, String> labels = Map.of("service", service.key().toString());
            Stats stats = table.serviceStats(service);
            assertEquals(stats.conns(), value(families, "jlvs_service_connections_total", labels));
            assertEquals(stats.inPkts(), value(families, "jlvs_service_in_packets_total", labels));
            assertEquals(stats.outPkts(), value(families, "jlvs_service_out_packets_total", labels));
            assertEquals(stats.inBytes(), value(families, "jlvs_service_in_bytes_total", labels));
            assertEquals(stats.outBytes(), value(families, "jlvs_service_out_bytes_total", labels));
            for (Destination d : service.destinations()) {
                Map<String, String> server = Map.of("service", service.key().toString(), "server",
                        Ipv4.format(d.addr()) + ":" + d.port());
                Stats ds = table.destinationStats(d);
                assertEquals(ds.conns(), value(families, "jlvs_server_connections_total", server));
                assertEquals(ds.inPkts(), value(families, "jlvs_server_in_packets_total", server));
                assertEquals(ds.outPkts(), value(families, "jlvs_server_out_packets_total", server));
                assertEquals(ds.inBytes(), value(families, "jlvs_server_in_bytes_total", server));
                assertEquals(ds.outBytes(), value(families, "jlvs_server_out_bytes_total", server));
                assertEquals(d.activeConns(), value(families, "jlvs_server_active_connections", server));
                assertEquals(d.inactConns(), value(families, "jlvs_server_inactive_connections", server));
                assertEquals(d.weight(), value(families, "jlvs_server_weight", server));
                assertEquals(1, value(families, "jlvs_server_up", server));
            }
        }
        // The numbers themselves, summed by hand from the counts made above.
        Map<String, String> web = Map.of("service", WEB_LABEL);
        assertEquals(2, value(families, "jlvs_service_connections_total", web));
        assertEquals(3, value(families, "jlvs_service_in_packets_total", web));
        assertEquals(60 + 52 + 1500, value(families, "jlvs_service_in_bytes_total", web));
        assertEquals(40, value(families, "jlvs_service_out_bytes_total", web));
        assertEquals(2, value(families, "jlvs_service_active_connections", web));
        assertEquals(1, value(families, "jlvs_service_inactive_connections", web));
        assertEquals(0, value(families, "jlvs_service_connections_per_second", web));
        for (String worker : List.of("0", "1")) {
            for (PipelineVerdict v : PipelineVerdict.values()) {
                assertEquals(0, value(families, "jlvs_worker_frames_total",
                        Map.of("worker", worker, "verdict", v.name().toLowerCase())));
            }
            assertEquals(PipelineReason.COUNT, families.get("jlvs_worker_frames_by_reason_total").samples()
                    .stream().filter(m -> m.labels().get("worker").equals(worker)).count());
        }
        Map<String, String> eth0 = Map.of("worker", "1", "interface", "eth0");
        assertEquals(120, value(families, "jlvs_io_frames_received_total", eth0));
        assertEquals(7, value(families, "jlvs_io_drops_total",
                Map.of("worker", "1", "interface", "eth0", "reason", "ring_full")));
        assertEquals(IoDropReason.COUNT, families.get("jlvs_io_drops_total").samples().size(),
                "one sample per reason of the one socket");
        assertEquals(2, value(families, "jlvs_worker_errors_total",
                Map.of("worker", "1", "error", "java.lang.IllegalStateException")));
    }

    @Test
    void malformedFramesAreCountedByTheParsersExactReason() throws Exception {
        PipelineCounters counters = new PipelineCounters();
        counters.countMalformed(io.jlvs.core.packet.DropReason.IPV4_BAD_CHECKSUM);
        counters.countMalformed(io.jlvs.core.packet.DropReason.IPV4_BAD_CHECKSUM);
        counters.countMalformed(io.jlvs.core.packet.DropReason.TCP_TRUNCATED);
        start(tableWithTraffic(Optional.empty(), 8080), List.of(WorkerCounters.of(counters)));
        Map<String, Exposition.Family> families = parse(get("/metrics").body());
        assertEquals(2, value(families, "jlvs_worker_malformed_frames_total",
                Map.of("worker", "0", "reason", "ipv4_bad_checksum")));
        assertEquals(1, value(families, "jlvs_worker_malformed_frames_total",
                Map.of("worker", "0", "reason", "tcp_truncated")));
        assertEquals(io.jlvs.core.packet.DropReason.COUNT,
                families.get("jlvs_worker_malformed_frames_total").samples().size(), "a sample per reason");
    }

    @Test
    void ratesFollowTheIpvsEstimator() throws Exception {
        ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
        Rates estimates = new Rates(table);
        VirtualService dns = table.service(DNS);
        Destination server = dns.destinations().getFirst();
        TrafficCounters counters = table.newCounters();
        for (int i = 0; i < 200; i++) {
            counters.connection(dns.index(), table.registry().indexOf(server));
        }
        estimates.update();
        // 200 connections in one 2 s period: 100/s, a quarter of it after one period: 25. Rendered
        // without a server, whose 2 s timer would move the estimate on its own schedule.
        Map<String, Exposition.Family> families = parse(PrometheusText.render(new MetricsSource(table, null, List::of,
                estimates)));
        assertEquals(25, value(families, "jlvs_service_connections_per_second", Map.of("service", dns.key().toString())));
        assertEquals(25, value(families, "jlvs_server_connections_per_second", Map.of("server", "192.168.188.82:53")));
        assertEquals(0, value(families, "jlvs_service_connections_per_second", Map.of("service", WEB_LABEL)));
    }

    @Test
    void healthStateAndQuiescedWeightShowInMetricsAndStatus() throws Exception {
        int dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = s.getLocalPort();
        }
        HealthCheck check = new HealthCheck(HealthCheck.Type.TCP, 0, "/", 200, 100, 100, 2, 1,
                HealthCheck.Action.QUIESCE);
        ServiceTable table = tableWithTraffic(Optional.of(check), dead);
        checker = new HealthChecker(table, line -> { });
        start(table, List.of());
        checker.start();
        Destination down = table.service(WEB).destination(nat("127.0.0.1", dead, 1));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (down.weight() != 0) {
            assertTrue(System.nanoTime() < deadline, "the dead server was not quiesced");
            Thread.sleep(20);
        }
        Map<String, Exposition.Family> families = parse(get("/metrics").body());
        Map<String, String> labels = Map.of("service", WEB_LABEL, "server", "127.0.0.1:" + dead);
        assertEquals(0, value(families, "jlvs_server_up", labels));
        assertEquals(0, value(families, "jlvs_server_weight", labels));
        assertEquals(1, value(families, "jlvs_server_health_checked", labels));
        assertEquals(1, value(families, "jlvs_server_health_transitions_total",
                Map.of("server", "127.0.0.1:" + dead, "direction", "down")));
        Map<String, String> healthy = Map.of("service", WEB_LABEL, "server", "192.168.188.81:80");
        assertEquals(1, value(families, "jlvs_server_health_checked", healthy), "the service's check applies");

        JsonNode status = new ObjectMapper().readTree(get("/status").body());
        JsonNode servers = status.get("services").get(0).get("servers");
        JsonNode entry = null;
        for (JsonNode s : servers) {
            if (s.get("server").asText().equals("127.0.0.1:" + dead)) {
                entry = s;
            }
        }
        assertNotNull(entry, servers.toString());
        assertEquals(0, entry.get("weight").asInt());
        assertEquals(1, entry.get("configuredWeight").asInt());
        assertFalse(entry.get("health").get("up").asBoolean());
        assertEquals("connect refused", entry.get("health").get("lastFailure").asText());
        assertEquals("failed", entry.get("health").get("lastCheck").asText());
        assertEquals(1, status.get("health").get("downTransitions").asLong());
    }

    @Test
    void openMetricsIsServedToAClientThatAsksForIt() throws Exception {
        start(tableWithTraffic(Optional.empty(), 8080), List.of(workerWithRingDrops()));
        InetSocketAddress at = server.localAddress();
        HttpResponse<String> open = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort()
                        + "/metrics")).header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, open.statusCode());
        assertTrue(open.headers().firstValue("content-type").orElseThrow().startsWith("application/openmetrics-text"),
                open.headers().toString());
        assertTrue(open.body().endsWith("# EOF\n"), "OpenMetrics ends with # EOF");
        assertTrue(open.body().contains("# TYPE jlvs_service_connections counter\n"), open.body());
        assertTrue(open.body().contains("jlvs_service_connections_total{scheduler=\"wrr\",service=\"TCP 192.168.10.100:80\"}"
                + " 2.0\n"), open.body());
        HttpResponse<String> plain = get("/metrics");
        assertEquals(MetricsServer.PROMETHEUS_TYPE, plain.headers().firstValue("content-type").orElseThrow(),
                "without an Accept header: the Prometheus text format");
        assertFalse(plain.body().contains("# EOF"));
    }

    @Test
    void promtoolFindsNothingToSayAboutTheExposition() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(Files.isExecutable(promtool),
                "skipped: promtool is not installed (Debian package prometheus; bin/test installs it)");
        ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
        ConnTracker tracker = new ConnTracker(new ConnTable(64), table.registry(), new Timeouts(), new ConnSysctls());
        String text = PrometheusText.render(new MetricsSource(table, null,
                () -> List.of(WorkerCounters.of(new PipelineCounters()), workerWithRingDrops()), new Rates(table),
                tracker));
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectErrorStream(true).start();
        check.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        check.getOutputStream().close();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals("", said, "promtool check metrics on\n" + text);
        assertEquals(0, check.exitValue());
    }

    @Test
    void statusAndMetricsShowTheConnectionTableAndItsDefence() throws Exception {
        ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
        ConnTracker tracker = new ConnTracker(new ConnTable(64), table.registry(), new Timeouts(), new ConnSysctls());
        tracker.defense().configure(1, 0, 0, 128, 10, 5, 3);
        tracker.defense().update(tracker.table().capacity() - tracker.table().size());
        MetricsSource source = new MetricsSource(table, null, List::of, new Rates(table), tracker);

        JsonNode status = new ObjectMapper().readTree(StatusJson.render(source, false)).get("connectionTable");
        assertNotNull(status, "/status has the connection table");
        assertEquals(64, status.get("capacity").asLong());
        assertEquals(0, status.get("entries").asLong());
        assertEquals(64, status.get("free").asLong());
        JsonNode defense = status.get("defense");
        assertEquals(2, defense.get("dropEntry").asInt(), "drop_entry 1 reads 2 while armed by pressure");
        assertEquals(0, defense.get("dropPacket").asInt());
        assertEquals(128, defense.get("amemthresh").asInt());
        assertEquals(3, defense.get("perSourceSynLimit").asInt());
        assertTrue(defense.get("underPressure").asBoolean(), "64 free entries are fewer than amemthresh 128");
        assertEquals(0, defense.get("evicted").asLong());

        Map<String, Exposition.Family> families = parse(PrometheusText.render(source));
        assertEquals(2, value(families, "jlvs_defense_mode", Map.of("sysctl", "drop_entry")));
        assertEquals(1, value(families, "jlvs_defense_under_pressure", Map.of()));
        assertEquals(0, value(families, "jlvs_defense_evicted_total", Map.of()));
    }

    @Test
    void statusIsJsonWithEveryServiceAndItsStats() throws Exception {
        ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
        start(table, List.of(workerWithRingDrops()));
        HttpResponse<String> response = get("/status");
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        JsonNode root = new ObjectMapper().readTree(response.body());
        assertEquals(List.of("TCP 192.168.10.100:80", "UDP 192.168.10.100:53"),
                root.get("services").valueStream().map(s -> s.get("service").asText()).toList());
        JsonNode web = root.get("services").get(0);
        assertEquals("wrr", web.get("scheduler").asText());
        assertEquals(2, web.get("stats").get("conns").asLong());
        assertEquals(1612, web.get("stats").get("inBytes").asLong());
        assertEquals(3, web.get("servers").get(0).get("weight").asInt());
        assertTrue(web.get("servers").get(0).get("health").isNull());
        assertEquals(1, root.get("workers").size());
        assertEquals(0, root.get("workers").get(0).get("verdicts").get("dropped").asLong());
        JsonNode io = root.get("workers").get(0).get("io").get(0);
        assertEquals("eth0", io.get("interface").asText());
        assertEquals(120, io.get("received").asLong());
        assertEquals(7, io.get("drops").get("ring_full").asLong());
    }

    @Test
    void statusWithHistoryHasTheRatesOfEachPeriodOldestFirst() throws Exception {
        ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
        Rates estimates = new Rates(table);
        VirtualService dns = table.service(DNS);
        int dnsServer = table.registry().indexOf(dns.destinations().getFirst());
        TrafficCounters counters = table.newCounters();
        for (int period = 1; period <= 3; period++) {
            for (int i = 0; i < 200 * period; i++) {
                counters.in(dns.index(), dnsServer, 60);
            }
            estimates.update();
        }
        MetricsSource source = new MetricsSource(table, null, List::of, estimates);
        JsonNode root = new ObjectMapper().readTree(StatusJson.render(source, true));
        assertEquals(3, root.get("rates").get("updates").asLong());
        assertEquals(RateEstimator.PERIOD_MS, root.get("rates").get("periodMs").asLong());
        assertTrue(root.get("rates").get("updatedAtMs").asLong() > 0);
        JsonNode rates = root.get("services").get(1).get("servers").get(0).get("rates");
        // 200, 400, 600 packets per 2 s: 100, 200, 300/s; the estimate moves a quarter of the way:
        // 25, 25 + (200 - 25)/4 = 68.75 → 69, 68.75 + (300 - 68.75)/4 = 126.56 → 127.
        assertEquals(List.of(25L, 69L, 127L), rates.get("history").get("inPps").valueStream().map(JsonNode::asLong)
                .toList());
        assertEquals(127, rates.get("inPps").asLong(), "the last period of the history is the current estimate");
        assertEquals(List.of(0L, 0L, 0L), rates.get("history").get("outPps").valueStream().map(JsonNode::asLong)
                .toList());
        assertEquals(3, root.get("services").get(1).get("rates").get("history").get("cps").size());
        assertTrue(new ObjectMapper().readTree(StatusJson.render(source, false)).get("services").get(1).get("servers")
                .get(0).get("rates").get("history") == null, "no history unless asked");
    }

    @Test
    void theDashboardPageAndEveryFileItLoadsAreServedWithTheirTypesAndPolicy() throws Exception {
        start(tableWithTraffic(Optional.empty(), 8080), List.of());
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("content-type").orElseThrow());
        assertEquals(DashboardAssets.CONTENT_SECURITY_POLICY,
                page.headers().firstValue("content-security-policy").orElseThrow());
        assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElseThrow());
        assertEquals(page.body(), get("/dashboard").body(), "/dashboard is the page too");
        Matcher refs = Pattern.compile("(?:src|href)=\"(/dashboard/[^\"]+)\"")
                .matcher(page.body());
        Map<String, String> types = Map.of(".js", "text/javascript; charset=utf-8", ".css", "text/css; charset=utf-8",
                "LICENSE", "text/plain; charset=utf-8");
        int files = 0;
        while (refs.find()) {
            String path = refs.group(1);
            HttpResponse<String> file = get(path);
            assertEquals(200, file.statusCode(), path);
            assertFalse(file.body().isEmpty(), path);
            String type = types.entrySet().stream().filter(t -> path.endsWith(t.getKey())).findFirst()
                    .orElseThrow(() -> new AssertionError("unexpected file " + path)).getValue();
            assertEquals(type, file.headers().firstValue("content-type").orElseThrow(), path);
            files++;
        }
        assertEquals(5, files, "the page loads uPlot's script and style, its own, and links uPlot's licence");
        assertTrue(get("/dashboard/uplot/LICENSE").body().startsWith("The MIT License"));
        for (String path : List.of("/dashboard/", "/dashboard/index.html",
                "/dashboard/uplot/", "/dashboard.js", "/dashboard/uplot/uPlot.cjs.js")) {
            int status = get(path).statusCode();
            assertTrue(path.equals("/dashboard/") ? status == 200 : status == 404, path + ": " + status);
        }
    }

    @Test
    void unknownPathIs404AndPostIsRefused() throws Exception {
        start(tableWithTraffic(Optional.empty(), 8080), List.of());
        assertEquals(404, get("/nope").statusCode());
        InetSocketAddress at = server.localAddress();
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort()
                + "/metrics")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
    }

    @Test
    void defaultEndpointIsLoopbackAndTheServerBindsOnlyThere() throws Exception {
        Endpoint defaults = new ServiceFileLoader().parse("global:\n  interfaces: [eth0]\n", "s.yaml").global()
                .metricsListen().orElseThrow();
        InetSocketAddress address = MetricsServer.socketAddress(defaults);
        assertEquals("127.0.0.1", address.getAddress().getHostAddress());
        assertEquals(9180, address.getPort());

        start(tableWithTraffic(Optional.empty(), 8080), List.of());
        InetSocketAddress bound = server.localAddress();
        assertTrue(bound.getAddress().isLoopbackAddress(), "bound to " + bound);
        assertEquals("127.0.0.1", bound.getAddress().getHostAddress());
        Inet4Address other = NetworkInterface.networkInterfaces().filter(nif -> {
                    try {
                        return nif.isUp() && !nif.isLoopback();
                    } catch (IOException e) {
                        return false;
                    }
                }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address)
                .map(a -> (Inet4Address) a).findFirst().orElse(null);
        Assumptions.assumeTrue(other != null, "no non-loopback IPv4 address here to try the port on");
        try (Socket s = new Socket()) {
            assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(other, bound.getPort()), 1000),
                    "the endpoint answered on " + other.getHostAddress());
        }
    }

    @Test
    void metricsListenFalseMeansNoEndpoint() throws ConfigException {
        assertTrue(new ServiceFileLoader().parse("global:\n  interfaces: [eth0]\n  metrics-listen: false\n", "s.yaml")
                .global().metricsListen().isEmpty());
    }

    @Test
    void busyPortIsReportedWithTheAddress() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ServiceTable table = tableWithTraffic(Optional.empty(), 8080);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> MetricsServer.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort()),
                    new MetricsSource(table, null, List::of, new Rates(table))));
            assertTrue(e.getMessage().startsWith("metrics endpoint: cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": "), e.getMessage());
        }
    }
}
