package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * Selection rules shared by several schedulers. Called on worker threads: no
 * allocation, no locks; index loops only.
 */
final class Picks {
    /** An empty destination list. */
    static final Destination[] NONE = new Destination[0];

    private Picks() {
    }

    /**
     * The wlc rule: seed with the first server (list order) that is not OVERLOAD and has
     * weight &gt; 0, then let a later non-OVERLOAD server replace it only on a strict
     * improvement of overhead/weight, compared by 64-bit cross-multiplication. lblc and
     * lblcr use the same rule for a fresh pick.
     */
    static Destination weightedLeast(Destination[] ds) {
        int n = ds.length;
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination d = ds[i];
            if (!d.isOverloaded() && d.weight() > 0) {
                least = d;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.overhead();
        for (i++; i < n; i++) {
            Destination d = ds[i];
            if (d.isOverloaded()) {
                continue;
            }
            long doh = d.overhead();
            if (loh * d.weight() > doh * least.weight()) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    /**
     * The sed rule (also nq's second stage): as {@link #weightedLeast} but the overhead
     * is {@code activeConns + 1}; inactive connections are ignored.
     */
    static Destination shortestDelay(Destination[] ds) {
        int n = ds.length;
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination d = ds[i];
            if (!d.isOverloaded() && d.weight() > 0) {
                least = d;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = least.activeConns() + 1L;
        for (i++; i < n; i++) {
            Destination d = ds[i];
            if (d.isOverloaded()) {
                continue;
            }
            long doh = d.activeConns() + 1L;
            if (loh * d.weight() > doh * least.weight()) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    /**
     * lblc/lblcr's {@code is_overloaded}: the server holds more active connections than
     * its weight while some server of the service (any, itself and OVERLOAD ones
     * included) is below half of its weight.
     */
    static boolean localityOverloaded(Destination d, Destination[] ds) {
        if (d.activeConns() > d.weight()) {
            for (Destination other : ds) {
                if ((long) other.activeConns() * 2 < other.weight()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Greatest common divisor of two positive numbers. */
    static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** Index of {@code d} in {@code ds} by identity, or -1. */
    static int indexOf(Destination[] ds, Destination d) {
        if (d != null) {
            for (int i = 0; i < ds.length; i++) {
                if (ds[i] == d) {
                    return i;
                }
            }
        }
        return -1;
    }
}
