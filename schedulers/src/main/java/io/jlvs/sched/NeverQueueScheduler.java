package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * nq, never queue: an idle server if there is one, otherwise the sed choice.
 *
 * <p>The list is walked in order, skipping OVERLOAD and weight-0 servers; the first
 * server with no active connection is returned at once, whatever its weight. If every
 * server is busy, the one with the least (activeConns + 1) / weight wins, ties going to
 * the earlier server. Inactive connections are ignored.
 *
 * <p>Example: A (weight 10, 5 active), B and C idle, added A, B, C (list C, B, A): C is
 * idle and first in the list, so C is picked although A's weight is ten times larger.
 */
public final class NeverQueueScheduler extends ListScheduler {
    /** Finds this scheduler as {@code nq}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("nq", flags -> new NeverQueueScheduler());
        }
    }

    /** A nq scheduler with no servers yet. */
    public NeverQueueScheduler() {
        super("nq");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] ds = destinations;
        Destination least = null;
        long loh = 0;
        for (int i = 0; i < ds.length; i++) {
            Destination d = ds[i];
            int w = d.weight();
            if (d.isOverloaded() || w == 0) {
                continue;
            }
            int active = d.activeConns();
            if (active == 0) {
                return d;
            }
            long doh = active + 1L;
            if (least == null || loh * w > doh * least.weight()) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
