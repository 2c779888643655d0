package io.jlvs.director.metrics;

import io.jlvs.core.service.Destination;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.service.VirtualService;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A {@link RateEstimator} for every running service and real server of a table, updated every
 * {@link RateEstimator#PERIOD_MS}; objects that leave the table lose theirs. Thread-safe
 * (synchronized): updated by the metrics event loop, read by the requests it serves.
 */
public final class Rates {
    private final ServiceTable table;
    private final Map<Integer, RateEstimator> services = new HashMap<>();
    private final Map<Destination, RateEstimator> destinations = new IdentityHashMap<>();
    private long updates;
    private long updatedAtMs;

    /** Estimators for {@code table}, starting from its current counts. */
    public Rates(ServiceTable table) {
        this.table = table;
        measure();
    }

    /** One period has passed: reads every counter and moves every estimate. */
    public synchronized void update() {
        updates++;
        updatedAtMs = System.currentTimeMillis();
        measure();
    }

    /** Moves the estimate of every running object; one appearing gets a new estimator starting from its counts. */
    private void measure() {
        Map<Integer, RateEstimator> nextServices = new HashMap<>();
        Map<Destination, RateEstimator> nextDestinations = new IdentityHashMap<>();
        for (VirtualService service : table.services()) {
            RateEstimator e = services.get(service.index());
            if (e == null) {
                nextServices.put(service.index(), new RateEstimator(table.serviceStats(service)));
            } else {
                e.update(table.serviceStats(service));
                nextServices.put(service.index(), e);
            }
            for (Destination d : service.destinations()) {
                RateEstimator de = destinations.get(d);
                if (de == null) {
                    nextDestinations.put(d, new RateEstimator(table.destinationStats(d)));
                } else {
                    de.update(table.destinationStats(d));
                    nextDestinations.put(d, de);
                }
            }
        }
        services.clear();
        services.putAll(nextServices);
        destinations.clear();
        destinations.putAll(nextDestinations);
    }

    /** The periods measured so far: a reader that saw this number before has seen these estimates. */
    public synchronized long updates() {
        return updates;
    }

    /** When the last period was measured, milliseconds since the epoch. */
    public synchronized long updatedAtMs() {
        return updatedAtMs;
    }

    /** The estimate of a service, or {@code null} before its first update. */
    public synchronized RateEstimator service(VirtualService service) {
        return services.get(service.index());
    }

    /** The estimate of a real server, or {@code null} before its first update. */
    public synchronized RateEstimator destination(Destination destination) {
        return destinations.get(destination);
    }
}
