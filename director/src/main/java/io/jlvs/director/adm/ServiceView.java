package io.jlvs.director.adm;

import java.util.List;

/**
 * A virtual service as a listing shows it, with its real servers in table order (the
 * listing sorts them unless {@code --nosort}).
 *
 * @param service  protocol, address and port, or fwmark
 * @param options  scheduler, flags, persistence
 * @param stats    counters and rates
 * @param dests    real servers
 */
public record ServiceView(ServiceRef service, ServiceOptions options, StatsView stats, List<DestView> dests) {
    /** Copies the list. */
    public ServiceView {
        if (service == null || options == null || stats == null) {
            throw new IllegalArgumentException("service, options and stats are required");
        }
        dests = List.copyOf(dests);
    }
}
