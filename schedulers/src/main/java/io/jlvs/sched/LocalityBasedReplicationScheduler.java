package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * lblcr, locality-based least connection with replication: like lblc, but a destination
 * address maps to a set of servers that grows when all members are overloaded and
 * shrinks slowly.
 *
 * <p>With an entry for the address: its last use becomes now and {@code d} = the set's
 * least loaded member (seed = first member not OVERLOAD, weight &gt; 0 and AVAILABLE; a
 * later non-OVERLOAD member wins on a strict improvement of overhead/weight if
 * AVAILABLE). Then, if the set has more than one member and
 * {@code now > lastMod + expiration}, its most loaded member (among weight &gt; 0) is
 * removed and lastMod becomes now. If {@code d} exists and is not lblc-overloaded
 * (more active connections than its weight while some server is below half of its
 * weight) it is used, even if it was the member just removed. Otherwise wlc picks over
 * the whole service and the server joins the set (at its head, lastMod = now) unless it
 * is already a member. Without an entry, wlc picks and a one-member set is created.
 *
 * <p>Example: A, B, C of weight 1 (list C, B, A), one destination address, each
 * connection staying active: C, C (C holds 1 active, not above its weight), then C is
 * overloaded and wlc adds B: B, B, then A: C C B B A A.
 *
 * <p>The expiration ({@link #expirationMs()}, sysctl {@code lblcr_expiration}, default
 * 24 h) both paces the shrinking and drops idle entries in {@link #expire}.
 *
 * <p>Threads: entries are reusable and lock-free ({@link LocalityCache}); a set is an
 * immutable array replaced by CAS only when its membership changes.
 */
public final class LocalityBasedReplicationScheduler extends LocalityScheduler {
    /** Finds this scheduler as {@code lblcr}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("lblcr", flags -> new LocalityBasedReplicationScheduler());
        }
    }

    /** An lblcr scheduler with no servers and an empty cache. */
    public LocalityBasedReplicationScheduler() {
        super("lblcr");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] ds = destinations;
        LocalityCache.Entry e = cache.find(destAddr);
        Destination[] set = e == null ? null : e.set;
        if (set != null && set.length > 0) {
            e.lastUseMs = nowMs;
            Destination d = Picks.least(set, false, true);
            if (set.length > 1 && nowMs > e.lastModMs + expirationMs) {
                Destination most = setMax(set);
                if (most != null && e.casSet(set, without(set, most))) {
                    e.lastModMs = nowMs;
                }
            }
            if (d != null && !Picks.localityOverloaded(d, ds)) {
                return d;
            }
            d = Picks.weightedLeast(ds);
            if (d == null) {
                return null;
            }
            Destination[] current = e.set;
            if (Picks.indexOf(current, d) < 0 && e.casSet(current, with(current, d))) {
                e.lastModMs = nowMs;
            }
            return d;
        }
        Destination d = Picks.weightedLeast(ds);
        if (d == null) {
            return null;
        }
        if (e == null) {
            e = cache.findOrCreate(destAddr);
        }
        if (e != null) {
            e.lastUseMs = nowMs;
            e.lastModMs = nowMs;
            e.set = new Destination[] {d};
        }
        return d;
    }

    private static Destination setMax(Destination[] set) {
        int n = set.length;
        int i = 0;
        Destination most = null;
        for (; i < n; i++) {
            if (set[i].weight() > 0) {
                most = set[i];
                break;
            }
        }
        if (most == null) {
            return null;
        }
        long moh = most.overhead();
        for (i++; i < n; i++) {
            Destination d = set[i];
            long doh = d.overhead();
            if (moh * d.weight() < doh * most.weight() && d.weight() > 0) {
                most = d;
                moh = doh;
            }
        }
        return most;
    }

    private static Destination[] with(Destination[] set, Destination d) {
        Destination[] grown = new Destination[set.length + 1];
        grown[0] = d;
        System.arraycopy(set, 0, grown, 1, set.length);
        return grown;
    }

    private static Destination[] without(Destination[] set, Destination d) {
        int at = Picks.indexOf(set, d);
        Destination[] shrunk = new Destination[set.length - 1];
        System.arraycopy(set, 0, shrunk, 0, at);
        System.arraycopy(set, at + 1, shrunk, at, set.length - at - 1);
        return shrunk;
    }
}
