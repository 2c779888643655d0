package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * ovf, overflow: the highest-weight server that still has room, its weight acting as a
 * limit on active connections.
 *
 * <p>A server is skipped when OVERLOAD, when weight is 0, or when
 * {@code activeConns > weight}; among the rest the highest weight wins, the earlier
 * server on ties. The test is {@code >}, so a server takes new connections until it
 * holds weight + 1 active ones. Only active connections count: UDP, whose connections
 * stay inactive, never overflows.
 *
 * <p>Example: A=2, B=3 (list B, A), each pick adding an active connection: B, B, B, B
 * (B now holds 4 &gt; 3), A, A, A, then none.
 */
public final class OverflowScheduler extends ListScheduler {
    /** Finds this scheduler as {@code ovf}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("ovf", flags -> new OverflowScheduler());
        }
    }

    /** A ovf scheduler with no servers yet. */
    public OverflowScheduler() {
        super("ovf");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        return Picks.highestWeight(destinations, true);
    }
}
