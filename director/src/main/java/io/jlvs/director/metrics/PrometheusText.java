package io.jlvs.director.metrics;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.conn.Defense;
import io.jlvs.core.packet.DropReason;
import io.jlvs.dataplane.io.IoCounters;
import io.jlvs.dataplane.io.IoDropReason;
import io.jlvs.dataplane.kernel.CommandRunner;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.worker.WorkerCounters;
import io.jlvs.dataplane.pipeline.PipelineReason;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.service.Stats;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.director.health.ServerHealth;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Renders a {@link MetricsSource} in the Prometheus text exposition format 0.0.4 with the
 * Prometheus Java client ({@code prometheus-metrics-model} snapshots, its text writer): a
 * custom collector reads jlvs's own counters when scraped, so the packet path keeps its plain
 * per-worker counters and nothing is counted twice. Families come out sorted by name, labels
 * by label name.
 *
 * <p>Families ({@code service} label {@code TCP 192.168.10.100:80}, {@code server} label
 * {@code 192.168.188.81:80}):
 * <ul>
 *   <li>{@code jlvs_service_*} and {@code jlvs_server_*}: the IPVS counters as counters
 *       ({@code connections_total}, {@code in_packets_total}, {@code out_packets_total},
 *       {@code in_bytes_total}, {@code out_bytes_total}, the numbers {@code ipvsadm --stats}
 *       prints), active and inactive connections as gauges, and the rate estimates of
 *       {@code ipvsadm --rate} as {@code *_per_second} gauges (2 s EWMA, {@link RateEstimator});</li>
 *   <li>{@code jlvs_server_weight} (0 while quiesced), {@code jlvs_server_up} (1 up, 0 down; 1 for
 *       an unchecked server), {@code jlvs_server_health_checked}, check and transition counts;</li>
 *   <li>{@code jlvs_worker_frames_total} by verdict and {@code jlvs_worker_frames_by_reason_total}
 *       by the reason a frame was passed, answered or dropped, per worker, and
 *       {@code jlvs_worker_malformed_frames_total} by the parser's reason for a malformed one.</li>
 *   <li>{@code jlvs_io_frames_received_total} and {@code jlvs_io_drops_total} by reason, per worker
 *       and interface: what the sockets read, and lost before the pipeline saw it.</li>
 * </ul>
 */
final class PrometheusText {
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();
    private static final PrometheusTextFormatWriter WRITER = FORMATS.getPrometheusTextFormatWriter();

    private PrometheusText() {
    }

    /** Whether a family counts up (written with {@code _total}) or goes up and down. */
    private enum Kind { COUNTER, GAUGE }

    /**
     * A family's name, help and samples, turned into the client library's snapshot when
     * collected. A counter's name is given with its {@code _total}, as it is exposed; the
     * snapshot takes it without, and the writer adds it back.
     */
    private static final class Family {
        private static final String TOTAL = "_total";
        final String name;
        final Kind kind;
        final String help;
        final List<Labels> labels = new ArrayList<>();
        final List<Long> values = new ArrayList<>();

        Family(String name, String type, String help) {
            this.kind = type.equals("counter") ? Kind.COUNTER : Kind.GAUGE;
            if (kind == Kind.COUNTER && !name.endsWith(TOTAL)) {
                throw new IllegalArgumentException("a counter's name ends with _total: " + name);
            }
            this.name = name;
            this.help = help;
        }

        void add(Labels sampleLabels, long value) {
            labels.add(sampleLabels);
            values.add(value);
        }

        MetricSnapshot snapshot() {
            if (kind == Kind.COUNTER) {
                CounterSnapshot.Builder b = CounterSnapshot.builder()
                        .name(name.substring(0, name.length() - TOTAL.length())).help(help);
                for (int i = 0; i < values.size(); i++) {
                    b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels.get(i))
                            .value(values.get(i)).build());
                }
                return b.build();
            }
            GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help);
            for (int i = 0; i < values.size(); i++) {
                b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels.get(i))
                        .value(values.get(i)).build());
            }
            return b.build();
        }
    }

    private static final String[] STAT_NAMES = {"connections_total", "in_packets_total", "out_packets_total",
            "in_bytes_total", "out_bytes_total"};
    private static final String[] STAT_HELP = {"Connections scheduled", "Packets client to server",
            "Packets server to client (NAT only)", "Bytes client to server (whole IP packets)",
            "Bytes server to client (whole IP packets, NAT only)"};
    private static final List<ToLongFunction<Stats>> STATS = List.of(Stats::conns, Stats::inPkts, Stats::outPkts,
            Stats::inBytes, Stats::outBytes);
    private static final String[] RATE_NAMES = {"connections_per_second", "in_packets_per_second",
            "out_packets_per_second", "in_bytes_per_second", "out_bytes_per_second"};
    private static final List<ToLongFunction<RateEstimator>> RATES = List.of(RateEstimator::connsPerSecond,
            RateEstimator::inPacketsPerSecond, RateEstimator::outPacketsPerSecond, RateEstimator::inBytesPerSecond,
            RateEstimator::outBytesPerSecond);

    /** An exposition and its content type. */
    record Rendered(String contentType, String text) {
    }

    /** The exposition of {@code source} in the Prometheus text format 0.0.4. */
    static String render(MetricsSource source) {
        return render(source, null).text();
    }

    /**
     * The exposition of {@code source} in the format an HTTP {@code Accept} header asks for, as
     * the client library negotiates it: OpenMetrics text for
     * {@code application/openmetrics-text}, else the Prometheus text format 0.0.4 (also for no
     * header). A registry holding {@link #collector} is scraped and written.
     */
    static Rendered render(MetricsSource source, String accept) {
        ExpositionFormatWriter writer = accept == null ? WRITER : FORMATS.findWriter(accept);
        if (!writer.isAvailable()) {
            writer = WRITER;
        }
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector(source));
        ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory", e);
        }
        return new Rendered(writer.getContentType(), out.toString(StandardCharsets.UTF_8));
    }

    /** The Prometheus text format's content type. */
    static String contentType() {
        return WRITER.getContentType();
    }

    /** A collector that reads jlvs's counters when scraped: nothing is counted twice, the workers are not touched. */
    static MultiCollector collector(MetricsSource source) {
        return () -> collect(source);
    }

    /** Every family, read from the counters now. */
    private static MetricSnapshots collect(MetricsSource source) {
        List<Family> serviceStats = statFamilies("service");
        List<Family> serviceRates = rateFamilies("service");
        Family serviceActive = new Family("jlvs_service_active_connections", "gauge",
                "Active connections (ActiveConn) of the service's real servers");
        Family serviceInactive = new Family("jlvs_service_inactive_connections", "gauge",
                "Inactive connections (InActConn) of the service's real servers");
        List<Family> serverStats = statFamilies("server");
        List<Family> serverRates = rateFamilies("server");
        Family serverActive = new Family("jlvs_server_active_connections", "gauge", "Active connections (ActiveConn)");
        Family serverInactive = new Family("jlvs_server_inactive_connections", "gauge",
                "Inactive connections (InActConn)");
        Family weight = new Family("jlvs_server_weight", "gauge",
                "Current weight (0 while quiesced); a removed server has none");
        Family up = new Family("jlvs_server_up", "gauge",
                "1 when the server is up or unchecked, 0 when its health check has it down");
        Family checked = new Family("jlvs_server_health_checked", "gauge", "1 when a health check applies to the server");
        Family checks = new Family("jlvs_server_health_checks_total", "counter", "Health checks completed");
        Family failures = new Family("jlvs_server_health_check_failures_total", "counter", "Health checks failed");
        Family transitions = new Family("jlvs_server_health_transitions_total", "counter",
                "Health transitions, by direction (down, up)");
        Map<String, ServerHealth> health = source.healthByServer();
        for (VirtualService service : source.table().services()) {
            Labels serviceLabels = labels("service", service.key().toString(), "scheduler", service.spec().scheduler());
            Stats stats = source.table().serviceStats(service);
            addStats(serviceStats, serviceLabels, stats);
            addRates(serviceRates, serviceLabels, source.rates().service(service));
            long active = 0;
            long inactive = 0;
            for (Destination d : service.destinations()) {
                active += d.activeConns();
                inactive += d.inactConns();
                Labels serverLabels = labels("service", service.key().toString(), "server",
                        Ipv4.format(d.addr()) + ":" + d.port(), "method", MetricsSource.method(d.method()));
                addStats(serverStats, serverLabels, source.table().destinationStats(d));
                addRates(serverRates, serverLabels, source.rates().destination(d));
                serverActive.add(serverLabels, d.activeConns());
                serverInactive.add(serverLabels, d.inactConns());
                if (MetricsSource.isScheduled(service, d)) {
                    weight.add(serverLabels, d.weight());
                }
                ServerHealth h = health.get(MetricsSource.serverKey(service.key(), d.addr(), d.port()));
                up.add(serverLabels, h == null || h.isUp() ? 1 : 0);
                checked.add(serverLabels, h == null ? 0 : 1);
                if (h != null) {
                    checks.add(serverLabels, h.checks());
                    failures.add(serverLabels, h.failures());
                    transitions.add(withLabel(serverLabels, "direction", "down"), h.downTransitions());
                    transitions.add(withLabel(serverLabels, "direction", "up"), h.upTransitions());
                }
            }
            serviceActive.add(serviceLabels, active);
            serviceInactive.add(serviceLabels, inactive);
        }
        Family frames = new Family("jlvs_worker_frames_total", "counter",
                "Frames handled by the worker, by verdict (forwarded, replied, passed, dropped)");
        Family reasons = new Family("jlvs_worker_frames_by_reason_total", "counter",
                "Frames passed, answered or dropped by the worker, by reason");
        Family malformed = new Family("jlvs_worker_malformed_frames_total", "counter",
                "Frames the worker dropped as malformed (reason malformed above), by the parser's exact reason");
        Family ioReceived = new Family("jlvs_io_frames_received_total", "counter",
                "Frames the worker read from its socket on the interface");
        Family ioDrops = new Family("jlvs_io_drops_total", "counter",
                "Frames lost below the pipeline (kernel ring full, AF_XDP ring and fill-queue drops), by reason");
        Family errors = new Family("jlvs_worker_errors_total", "counter",
                "Exceptions caught while a worker handled a frame (the frame is dropped), by class");
        Family defenseMode = new Family("jlvs_defense_mode", "gauge",
                "The connection table's defence sysctls as they read now (0 off, 1 automatic, 2 on under pressure,"
                        + " 3 always), by name");
        Family defensePressure = new Family("jlvs_defense_under_pressure", "gauge",
                "1 while the connection table has fewer than amemthresh free entries");
        Family defenseEvictions = new Family("jlvs_defense_evicted_total", "counter",
                "Entries evicted by drop_entry (embryonic TCP connections, idle UDP ones, unassured persistence"
                        + " templates that control nothing), at random and for new connections that found the table full");
        source.defense().ifPresent(tracker -> {
            Defense d = tracker.defense();
            defenseMode.add(labels("sysctl", "drop_entry"), d.dropEntry());
            defenseMode.add(labels("sysctl", "drop_packet"), d.dropPacket());
            defenseMode.add(labels("sysctl", "secure_tcp"), d.secureTcpMode());
            defensePressure.add(Labels.EMPTY, d.underPressure() ? 1 : 0);
            defenseEvictions.add(Labels.EMPTY, tracker.defenseEvictions());
        });
        Family commands = new Family("jlvs_kernel_commands_total", "counter",
                "Processes jlvsd started to change the kernel (nft, ethtool), by command; none in steady state");
        CommandRunner.processesStarted().forEach((name, count) -> commands.add(labels("command", name), count));
        List<WorkerCounters> workers = source.workers().get();
        for (int w = 0; w < workers.size(); w++) {
            PipelineCounters c = workers.get(w).pipeline();
            for (Map.Entry<String, Long> e : workers.get(w).errors().entrySet()) {
                errors.add(labels("worker", Integer.toString(w), "error", e.getKey()), e.getValue());
            }
            for (IoCounters io : workers.get(w).io()) {
                Labels at = labels("worker", Integer.toString(w), "interface", io.interfaceName());
                ioReceived.add(at, io.received());
                for (IoDropReason reason : IoDropReason.values()) {
                    ioDrops.add(withLabel(at, "reason", reason.label()), io.drops(reason));
                }
            }
            for (PipelineVerdict v : PipelineVerdict.values()) {
                frames.add(labels("worker", Integer.toString(w), "verdict", v.name().toLowerCase(Locale.ROOT)),
                        c.verdictCount(v));
            }
            for (PipelineReason r : PipelineReason.values()) {
                reasons.add(labels("worker", Integer.toString(w), "reason", r.name().toLowerCase(Locale.ROOT)),
                        c.reasonCount(r));
            }
            for (DropReason r : DropReason.values()) {
                malformed.add(labels("worker", Integer.toString(w), "reason", r.name().toLowerCase(Locale.ROOT)),
                        c.malformedCount(r));
            }
        }
        List<Family> all = new ArrayList<>(serviceStats);
        all.addAll(serviceRates);
        all.addAll(List.of(serviceActive, serviceInactive));
        all.addAll(serverStats);
        all.addAll(serverRates);
        all.addAll(List.of(serverActive, serverInactive, weight, up, checked, checks, failures, transitions, frames,
                ioReceived, ioDrops, errors,
                reasons, malformed, commands, defenseMode, defensePressure, defenseEvictions));
        List<MetricSnapshot> snapshots = new ArrayList<>(all.size());
        for (Family f : all) {
            snapshots.add(f.snapshot());
        }
        return new MetricSnapshots(snapshots);
    }

    /** {@code kind}: service or server. */
    private static List<Family> statFamilies(String kind) {
        List<Family> list = new ArrayList<>();
        for (int i = 0; i < STAT_NAMES.length; i++) {
            list.add(new Family("jlvs_" + kind + "_" + STAT_NAMES[i], "counter", STAT_HELP[i] + ", per " + kind
                    + " (ipvsadm --stats)"));
        }
        return list;
    }

    private static List<Family> rateFamilies(String kind) {
        List<Family> list = new ArrayList<>();
        for (int i = 0; i < RATE_NAMES.length; i++) {
            list.add(new Family("jlvs_" + kind + "_" + RATE_NAMES[i], "gauge", STAT_HELP[i] + " per second, per "
                    + kind + ": the IPVS estimate, a 2 s EWMA (ipvsadm --rate)"));
        }
        return list;
    }

    private static void addStats(List<Family> families, Labels labels, Stats stats) {
        for (int i = 0; i < families.size(); i++) {
            families.get(i).add(labels, STATS.get(i).applyAsLong(stats));
        }
    }

    private static void addRates(List<Family> families, Labels labels, RateEstimator rates) {
        for (int i = 0; i < families.size(); i++) {
            families.get(i).add(labels, rates == null ? 0 : RATES.get(i).applyAsLong(rates));
        }
    }

    /** Labels from alternating names and values. */
    static Labels labels(String... namesAndValues) {
        return Labels.of(namesAndValues);
    }

    private static Labels withLabel(Labels labels, String name, String value) {
        return labels.add(name, value);
    }
}
