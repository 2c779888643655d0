package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * lblc, locality-based least connection: connections for the same destination address
 * go to the same server while it is not overloaded (cache clusters: one server per
 * cached site).
 *
 * <p>A cache maps the packet's destination address to a server and a last-use time. On
 * a pick the entry's last use becomes now; its server is used if it is still in the
 * service (AVAILABLE), has weight &gt; 0 and is not "overloaded" in lblc's own sense:
 * more active connections than its weight while some server of the service is below
 * half of its weight. The OVERLOAD flag of {@code -x} is not checked for a cached
 * server. Otherwise the wlc rule picks over the whole service and the entry is pointed
 * at that server.
 *
 * <p>Example: A=2, B=2 (list B, A), all connections to one address, each staying active:
 * B, B, B (B now holds 3 &gt; 2 active while A holds 0 &lt; 2/2), then wlc gives A, and A
 * keeps the address: B B B A A A.
 *
 * <p>Entries idle for {@link #expirationMs()} (sysctl {@code lblc_expiration}, default
 * 24 h) are dropped by {@link #expire}, which the control plane calls periodically;
 * deleting a server does not purge entries, they are replaced when next used.
 *
 * <p>Threads: the cache is a lock-free table of reusable entries ({@link LocalityCache}).
 */
public final class LocalityBasedLeastConnectionScheduler extends LocalityScheduler {
    /** Finds this scheduler as {@code lblc}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("lblc", flags -> new LocalityBasedLeastConnectionScheduler());
        }
    }

    /** An lblc scheduler with no servers and an empty cache. */
    public LocalityBasedLeastConnectionScheduler() {
        super("lblc");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] ds = destinations;
        LocalityCache.Entry e = cache.find(destAddr);
        if (e != null) {
            e.lastUseMs = nowMs;
            Destination d = e.dest;
            if (d != null && d.isAvailable() && d.weight() > 0 && !Picks.localityOverloaded(d, ds)) {
                return d;
            }
        }
        Destination d = Picks.weightedLeast(ds);
        if (d == null) {
            return null;
        }
        if (e == null) {
            e = cache.findOrCreate(destAddr);
        }
        if (e != null && e.dest != d) {
            e.dest = d;
            e.lastUseMs = nowMs;
        }
        return d;
    }
}
