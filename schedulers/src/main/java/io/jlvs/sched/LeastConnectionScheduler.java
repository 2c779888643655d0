package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * lc, least connection: the server with the least overhead, where overhead =
 * activeConns × 256 + inactConns.
 *
 * <p>Servers with OVERLOAD or weight 0 are skipped; other weights do not matter. The
 * comparison is a strict {@code <}, so on a tie the earlier server in list order (the
 * most recently added) wins.
 *
 * <p>Example: A (2 active, 0 inactive), B (1, 300), C (1, 10) have overheads 512, 556
 * and 266: C is picked. Inactive connections weigh 1/256 of an active one, so a
 * server with 300 idle UDP flows still loses to one with 2 TCP connections only when
 * 300 &gt; 256.
 */
public final class LeastConnectionScheduler extends ListScheduler {
    /** Finds this scheduler as {@code lc}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("lc", flags -> new LeastConnectionScheduler());
        }
    }

    /** A lc scheduler with no servers yet. */
    public LeastConnectionScheduler() {
        super("lc");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] ds = destinations;
        Destination least = null;
        int loh = 0;
        for (int i = 0; i < ds.length; i++) {
            Destination d = ds[i];
            if (d.isOverloaded() || d.weight() == 0) {
                continue;
            }
            int doh = d.overhead();
            if (least == null || doh < loh) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
