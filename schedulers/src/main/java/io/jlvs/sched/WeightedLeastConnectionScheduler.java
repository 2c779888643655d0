package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * wlc, weighted least connection (ipvsadm's default): the server with the least
 * overhead / weight, overhead being activeConns × 256 + inactConns.
 *
 * <p>The seed is the first server in list order that is not OVERLOAD and has weight
 * &gt; 0. A later server that is not OVERLOAD replaces it only when
 * {@code overhead(least) × weight(d) > overhead(d) × weight(least)} (64-bit products, no
 * division), so ties keep the earlier server and weight-0 servers never win.
 *
 * <p>Example: A (weight 1, 1 active), B (weight 3, 2 active), C (weight 2, 2 active) have
 * ratios 256, 170.7 and 256: B is picked. With A=1, B=2, C=3 added in that order (list
 * C, B, A) and every pick adding an active connection, the picks are C B A C B C C B A
 * C B C.
 */
public final class WeightedLeastConnectionScheduler extends ListScheduler {
    /** Finds this scheduler as {@code wlc}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("wlc", flags -> new WeightedLeastConnectionScheduler());
        }
    }

    /** A wlc scheduler with no servers yet. */
    public WeightedLeastConnectionScheduler() {
        super("wlc");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        return Picks.weightedLeast(destinations);
    }
}
