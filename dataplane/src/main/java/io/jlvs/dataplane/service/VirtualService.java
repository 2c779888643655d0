package io.jlvs.dataplane.service;

import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.TrackedService;
import io.jlvs.core.service.Destination;
import io.jlvs.sched.ServiceScheduling;

import java.util.ArrayList;
import java.util.List;

/**
 * One running virtual service: its specification, its index (for counters, never reused),
 * the scheduling state (destination list and scheduler), the {@link TrackedService} the
 * connection tracker schedules through, and the {@link Destination} of each real server,
 * kept across reloads for servers that stay. Changed by the control thread only.
 */
public final class VirtualService {
    private final int index;
    private ServiceSpec spec;
    private final ServiceScheduling scheduling;
    private TrackedService tracked;
    private final List<Destination> destinations = new ArrayList<>();

    VirtualService(int index, ServiceSpec spec, ServiceScheduling scheduling, TrackedService tracked) {
        this.index = index;
        this.spec = spec;
        this.scheduling = scheduling;
        this.tracked = tracked;
    }

    /** The index of this service's counters. */
    public int index() {
        return index;
    }

    /** Protocol, VIP and port, or fwmark. */
    public ServiceKey key() {
        return spec.key();
    }

    /** The specification last applied. */
    public ServiceSpec spec() {
        return spec;
    }

    void spec(ServiceSpec spec) {
        this.spec = spec;
    }

    /** The destination list and scheduler. */
    public ServiceScheduling scheduling() {
        return scheduling;
    }

    /** What the connection tracker needs of this service. */
    public TrackedService tracked() {
        return tracked;
    }

    void tracked(TrackedService tracked) {
        this.tracked = tracked;
    }

    /** The real servers, in the order they were added (a copy). */
    public List<Destination> destinations() {
        return List.copyOf(destinations);
    }

    List<Destination> mutableDestinations() {
        return destinations;
    }

    /** The destination of a real server of this service, or {@code null}. */
    public Destination destination(RealServerSpec server) {
        for (Destination d : destinations) {
            if (d.addr() == server.address() && d.port() == server.port()) {
                return d;
            }
        }
        return null;
    }

    /** {@code TCP 192.168.10.100:80 wrr}. */
    @Override
    public String toString() {
        return spec.key() + " " + spec.scheduler();
    }
}
