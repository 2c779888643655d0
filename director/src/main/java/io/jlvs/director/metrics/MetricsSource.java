package io.jlvs.director.metrics;

import io.jlvs.config.model.ServiceKey;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.dataplane.worker.WorkerCounters;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.director.health.HealthChecker;
import io.jlvs.director.health.ServerHealth;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the endpoint reports: the service table (its stats summed over the workers), the
 * health checker's state, each worker's pipeline counters and the rate estimates.
 *
 * @param table   the running services
 * @param checker the health checker, or {@code null} when none runs
 * @param workers each worker's counters (pipeline and sockets), in worker order (empty without a data plane)
 * @param rates   the rate estimates of the table
 * @param tracker the connection tracker, whose table defence is reported, or {@code null}
 */
public record MetricsSource(ServiceTable table, HealthChecker checker, Supplier<List<WorkerCounters>> workers,
                            Rates rates, ConnTracker tracker) {
    /** A source without a connection tracker. */
    public MetricsSource(ServiceTable table, HealthChecker checker, Supplier<List<WorkerCounters>> workers,
                         Rates rates) {
        this(table, checker, workers, rates, null);
    }

    /** The tracker whose defence to report, if any. */
    Optional<ConnTracker> defense() {
        return Optional.ofNullable(tracker);
    }

    /** The health of every checked server of the table, by service and endpoint. */
    Map<String, ServerHealth> healthByServer() {
        Map<String, ServerHealth> map = new HashMap<>();
        if (checker != null) {
            for (ServerHealth h : checker.health()) {
                map.put(serverKey(h.service(), h.address(), h.port()), h);
            }
        }
        return map;
    }

    static String serverKey(ServiceKey service, int address, int port) {
        return service + " " + Ipv4.format(address) + ":" + port;
    }

    /** Whether {@code d} is in its service's scheduling list (a remove check may have taken it out). */
    static boolean isScheduled(VirtualService service, Destination d) {
        return service.scheduling().find(d.addr(), d.port()) == d;
    }

    /** The method word of the service file: dr, nat or tun. */
    static String method(ForwardingMethod method) {
        return switch (method) {
            case MASQ -> "nat";
            case TUNNEL -> "tun";
            case LOCAL -> "local";
            default -> "dr";
        };
    }
}
