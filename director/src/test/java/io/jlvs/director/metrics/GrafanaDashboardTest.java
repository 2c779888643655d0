package io.jlvs.director.metrics;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.dataplane.service.ServiceTable;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard in {@code docs/grafana/jlvs.json} is JSON Grafana can import, and every
 * series its queries name is one jlvsd exposes (read from the collector, so a renamed family
 * fails here).
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize()
            .getParent().resolve("docs/grafana/jlvs.json");
    private static final Pattern SERIES = Pattern.compile("\\bjlvs_[a-z_]+");

    @Test
    void everySeriesTheDashboardQueriesIsExposed() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        assertTrue(dashboard.path("panels").isArray() && !dashboard.path("panels").isEmpty(), "panels");
        assertFalse(dashboard.path("title").asText().isBlank(), "a title");

        ServiceTable table = ServiceTable.of(List.of());
        ConnTracker tracker = new ConnTracker(new ConnTable(64), table.registry(), new Timeouts(), new ConnSysctls());
        Set<String> exposed = new TreeSet<>();
        for (MetricSnapshot s : PrometheusText.collector(new MetricsSource(table, null, List::of, new Rates(table),
                tracker)).collect()) {
            String name = s.getMetadata().getPrometheusName();
            exposed.add(s instanceof CounterSnapshot ? name + "_total" : name);
        }
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(panel.path("targets").isArray() && !panel.path("targets").isEmpty(),
                    "panel " + panel.path("title").asText() + " queries something");
            for (JsonNode target : panel.path("targets")) {
                Matcher m = SERIES.matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = SERIES.matcher(variable.path("query").asText());
            while (m.find()) {
                queried.add(m.group());
            }
        }
        assertFalse(queried.isEmpty());
        Set<String> unknown = new TreeSet<>(queried);
        unknown.removeAll(exposed);
        assertTrue(unknown.isEmpty(), "the dashboard queries series jlvsd does not expose: " + unknown
                + "\nexposed: " + exposed);
    }
}
