package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

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
public final class LocalityBasedLeastConnectionScheduler extends ListScheduler {
    /** Finds this scheduler as {@code lblc}. */
    public static final class Provider implements SchedulerProvider {
        @Override
        public String name() {
            return "lblc";
        }

        @Override
        public Scheduler create(int flags) {
            return new LocalityBasedLeastConnectionScheduler();
        }
    }

    /** The default of sysctl {@code lblc_expiration}: 24 h. */
    public static final long DEFAULT_EXPIRATION_MS = 24L * 3600 * 1000;

    private final LocalityCache cache = new LocalityCache();
    private volatile long expirationMs = DEFAULT_EXPIRATION_MS;

    /** An lblc scheduler with no servers and an empty cache. */
    public LocalityBasedLeastConnectionScheduler() {
        super("lblc");
    }

    /** Idle time after which {@link #expire} drops an entry, ms. */
    public long expirationMs() {
        return expirationMs;
    }

    /** Control thread: sets the idle time after which an entry expires (sysctl {@code lblc_expiration}). */
    public void expirationMs(long expirationMs) {
        this.expirationMs = expirationMs;
    }

    /** Control thread: drops entries idle for {@link #expirationMs()}; returns how many. */
    public int expire(long nowMs) {
        return cache.expire(nowMs, expirationMs);
    }

    /** Cached destination addresses. Control thread. */
    public int cacheSize() {
        return cache.size();
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
