package io.jlvs.director.metrics;

import io.jlvs.config.model.Endpoint;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.dataplane.worker.WorkerCounters;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.director.health.HealthChecker;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What jlvsd runs beside the data plane: the health checker and, unless
 * {@code global.metrics-listen} is {@code false}, the metrics endpoint. Started after the
 * data plane is open, closed before it stops.
 */
public final class Monitoring implements AutoCloseable {
    private final HealthChecker checker;
    private final MetricsServer metrics;

    private Monitoring(HealthChecker checker, MetricsServer metrics) {
        this.checker = checker;
        this.metrics = metrics;
    }

    /**
     * Starts checking {@code table}'s servers (transitions go to {@code log}) and serving metrics
     * on {@code metricsListen}.
     *
     * @param workers each worker's pipeline counters
     * @param tracker the connection tracker whose defence is reported, or {@code null}
     * @throws IllegalStateException when the metrics endpoint cannot listen; nothing runs then
     */
    public static Monitoring start(ServiceTable table, Optional<Endpoint> metricsListen,
                                   Supplier<List<WorkerCounters>> workers, ConnTracker tracker,
                                   Consumer<String> log) {
        HealthChecker checker = new HealthChecker(table, log);
        MetricsServer metrics = null;
        try {
            if (metricsListen.isPresent()) {
                metrics = MetricsServer.start(MetricsServer.socketAddress(metricsListen.get()),
                        new MetricsSource(table, checker, workers, new Rates(table), tracker));
            }
        } catch (IllegalStateException e) {
            checker.close();
            throw e;
        }
        checker.start();
        return new Monitoring(checker, metrics);
    }

    /** The health checker; a reload goes through its {@link HealthChecker#apply}. */
    public HealthChecker healthChecker() {
        return checker;
    }

    /** Where the metrics endpoint listens, or empty when it is off. */
    public Optional<InetSocketAddress> metricsAddress() {
        return Optional.ofNullable(metrics).map(MetricsServer::localAddress);
    }

    /** Stops the metrics endpoint and the checks. */
    @Override
    public void close() {
        if (metrics != null) {
            metrics.close();
        }
        checker.close();
    }
}
