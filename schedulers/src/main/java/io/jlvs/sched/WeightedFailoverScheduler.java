package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * fo, weighted fail-over: always the available server with the highest weight.
 *
 * <p>Among servers that are not OVERLOAD the highest weight wins, with a strict
 * {@code >} starting from 0: weight 0 never wins and the earlier server in list order
 * wins ties. Load is not considered, so the top server takes everything until it is
 * quiesced, deleted or overloaded by its {@code -x} threshold.
 *
 * <p>Example: A=5, B=10, C=10 added in that order (list C, B, A): C is picked every
 * time; with C quiesced, B; with B and C quiesced, A.
 */
public final class WeightedFailoverScheduler extends ListScheduler {
    /** Finds this scheduler as {@code fo}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("fo", flags -> new WeightedFailoverScheduler());
        }
    }

    /** A fo scheduler with no servers yet. */
    public WeightedFailoverScheduler() {
        super("fo");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        return Picks.highestWeight(destinations, false);
    }
}
