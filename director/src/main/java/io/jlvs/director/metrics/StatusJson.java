package io.jlvs.director.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jlvs.config.model.HealthCheck;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Defense;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.dataplane.io.IoCounters;
import io.jlvs.dataplane.io.IoDropReason;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.worker.WorkerCounters;
import io.jlvs.dataplane.pipeline.PipelineReason;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.service.Stats;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.director.health.ServerHealth;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link MetricsSource} as the {@code /status} JSON document:
 * {@code {"services": [{"service", "scheduler", "stats", "rates", "activeConns", "inactConns",
 * "servers": [{"server", "method", "weight", "configuredWeight", "scheduled", "activeConns",
 * "inactConns", "stats", "rates", "health"}]}], "workers": [{"worker", "verdicts", "reasons",
 * "io": [{"interface", "received", "drops": {reason: count}}]}],
 * "connectionTable": {"capacity", "entries", "free", "defense": {"dropEntry", "dropPacket",
 * "secureTcp", "amemthresh", "amDroprate", "perSourceSynLimit", "underPressure", "dropRate",
 * "evicted"}}, "health": {"downTransitions", "upTransitions"}, "rates": {"periodMs", "updates",
 * "updatedAtMs"}}}. {@code health} of a server is {@code null} when no check applies to it, else
 * its state and the last check's result ({@code lastCheck}: {@code ok}, {@code failed} or
 * {@code none}); {@code connectionTable} is there when the source has a tracker. With
 * {@code history}, each {@code rates} object also holds the estimates of the last periods, oldest
 * first ({@code "history": {"cps": [...], "inPps": [...], "outPps": [...]}}), the last one being
 * that of period {@code updates}.
 */
final class StatusJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private StatusJson() {
    }

    /** The document as pretty-printed JSON text, with the rates' history when {@code history}. */
    static String render(MetricsSource source, boolean history) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode services = root.putArray("services");
        Map<String, ServerHealth> health = source.healthByServer();
        for (VirtualService service : source.table().services()) {
            ObjectNode s = services.addObject();
            s.put("service", service.key().toString());
            s.put("scheduler", service.spec().scheduler());
            stats(s.putObject("stats"), source.table().serviceStats(service));
            rates(s.putObject("rates"), source.rates().service(service), history);
            ArrayNode servers = s.putArray("servers");
            long active = 0;
            long inactive = 0;
            for (Destination d : service.destinations()) {
                active += d.activeConns();
                inactive += d.inactConns();
                ObjectNode r = servers.addObject();
                r.put("server", Ipv4.format(d.addr()) + ":" + d.port());
                r.put("method", MetricsSource.method(d.method()));
                r.put("weight", d.weight());
                service.spec().server(d.addr(), d.port()).ifPresent(spec -> r.put("configuredWeight", spec.weight()));
                r.put("scheduled", MetricsSource.isScheduled(service, d));
                r.put("activeConns", d.activeConns());
                r.put("inactConns", d.inactConns());
                stats(r.putObject("stats"), source.table().destinationStats(d));
                rates(r.putObject("rates"), source.rates().destination(d), history);
                ServerHealth h = health.get(MetricsSource.serverKey(service.key(), d.addr(), d.port()));
                if (h == null) {
                    r.putNull("health");
                } else {
                    health(r.putObject("health"), h);
                }
            }
            s.put("activeConns", active);
            s.put("inactConns", inactive);
        }
        ArrayNode workers = root.putArray("workers");
        List<WorkerCounters> counters = source.workers().get();
        for (int w = 0; w < counters.size(); w++) {
            ObjectNode worker = workers.addObject();
            worker.put("worker", w);
            PipelineCounters pipeline = counters.get(w).pipeline();
            ObjectNode verdicts = worker.putObject("verdicts");
            for (PipelineVerdict v : PipelineVerdict.values()) {
                verdicts.put(v.name().toLowerCase(Locale.ROOT), pipeline.verdictCount(v));
            }
            ObjectNode reasons = worker.putObject("reasons");
            for (PipelineReason r : PipelineReason.values()) {
                reasons.put(r.name().toLowerCase(Locale.ROOT), pipeline.reasonCount(r));
            }
            ArrayNode io = worker.putArray("io");
            for (IoCounters c : counters.get(w).io()) {
                ObjectNode i = io.addObject();
                i.put("interface", c.interfaceName());
                i.put("received", c.received());
                ObjectNode drops = i.putObject("drops");
                for (IoDropReason reason : IoDropReason.values()) {
                    drops.put(reason.label(), c.drops(reason));
                }
            }
        }
        source.defense().ifPresent(tracker -> connectionTable(root.putObject("connectionTable"), tracker));
        ObjectNode transitions = root.putObject("health");
        transitions.put("downTransitions", source.checker() == null ? 0 : source.checker().downTransitions());
        transitions.put("upTransitions", source.checker() == null ? 0 : source.checker().upTransitions());
        ObjectNode rates = root.putObject("rates");
        rates.put("periodMs", RateEstimator.PERIOD_MS);
        rates.put("updates", source.rates().updates());
        rates.put("updatedAtMs", source.rates().updatedAtMs());
        return root.toPrettyString() + "\n";
    }

    /** The table's fill and its flood defence, with the kernel's sysctl names in camel case. */
    private static void connectionTable(ObjectNode node, ConnTracker tracker) {
        ConnTable table = tracker.table();
        long entries = table.size();
        node.put("capacity", table.capacity());
        node.put("entries", entries);
        node.put("free", Math.max(0, table.capacity() - entries));
        Defense d = tracker.defense();
        ObjectNode defense = node.putObject("defense");
        defense.put("dropEntry", d.dropEntry());
        defense.put("dropPacket", d.dropPacket());
        defense.put("secureTcp", d.secureTcpMode());
        defense.put("amemthresh", d.amemthresh());
        defense.put("amDroprate", d.amDroprate());
        defense.put("perSourceSynLimit", d.perSourceSynLimit());
        defense.put("underPressure", d.underPressure());
        defense.put("dropRate", d.dropRate());
        defense.put("evicted", tracker.defenseEvictions());
    }

    private static void stats(ObjectNode node, Stats stats) {
        node.put("conns", stats.conns());
        node.put("inPkts", stats.inPkts());
        node.put("outPkts", stats.outPkts());
        node.put("inBytes", stats.inBytes());
        node.put("outBytes", stats.outBytes());
    }

    private static void rates(ObjectNode node, RateEstimator rates, boolean history) {
        node.put("cps", rates == null ? 0 : rates.connsPerSecond());
        node.put("inPps", rates == null ? 0 : rates.inPacketsPerSecond());
        node.put("outPps", rates == null ? 0 : rates.outPacketsPerSecond());
        node.put("inBps", rates == null ? 0 : rates.inBytesPerSecond());
        node.put("outBps", rates == null ? 0 : rates.outBytesPerSecond());
        if (history) {
            ObjectNode h = node.putObject("history");
            series(h.putArray("cps"), rates, RateEstimator.Series.CPS);
            series(h.putArray("inPps"), rates, RateEstimator.Series.IN_PPS);
            series(h.putArray("outPps"), rates, RateEstimator.Series.OUT_PPS);
        }
    }

    private static void series(ArrayNode values, RateEstimator rates, RateEstimator.Series series) {
        for (int i = 0; rates != null && i < rates.historySize(); i++) {
            values.add(rates.historyAt(series, i));
        }
    }

    private static void health(ObjectNode node, ServerHealth h) {
        HealthCheck check = h.check();
        node.put("up", h.isUp());
        node.put("type", check.type().yamlName());
        node.put("action", check.action().yamlName());
        node.put("checks", h.checks());
        node.put("failures", h.failures());
        node.put("downTransitions", h.downTransitions());
        node.put("upTransitions", h.upTransitions());
        node.put("lastCheck", h.checks() == 0 ? "none" : h.lastCheckOk() ? "ok" : "failed");
        node.put("lastFailure", h.lastFailure());
    }
}
