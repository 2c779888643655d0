package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * sed, shortest expected delay: the server with the least (activeConns + 1) / weight,
 * i.e. the shortest expected wait if every connection were served at a speed
 * proportional to the weight.
 *
 * <p>Same shape as wlc (seed = first non-OVERLOAD server with weight &gt; 0, a later one
 * wins only on a strict improvement by cross-multiplication), but inactive connections
 * are ignored completely.
 *
 * <p>Example: A (weight 1, 0 active, 100 inactive) and B (weight 10, 1 active): sed
 * compares 1/1 with 2/10 and picks B, and keeps picking B (3/10, 4/10…) until B has 9
 * active connections; wlc would have compared 100/1 with 256/10.
 */
public final class ShortestExpectedDelayScheduler extends ListScheduler {
    /** Finds this scheduler as {@code sed}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("sed", flags -> new ShortestExpectedDelayScheduler());
        }
    }

    /** A sed scheduler with no servers yet. */
    public ShortestExpectedDelayScheduler() {
        super("sed");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        return Picks.least(destinations, true, false);
    }
}
