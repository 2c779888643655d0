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
        return least(ds, false, false);
    }

    /**
     * The weighted-least family. Seed: the first server in list order that is not
     * OVERLOAD, has weight &gt; 0 (and, with {@code requireAvailable}, is AVAILABLE). A later
     * server that is not OVERLOAD replaces the current choice only when
     * {@code oh(least) × weight(d) > oh(d) × weight(least)} (64-bit, no division; ties keep
     * the earlier server; with {@code requireAvailable} only if d is AVAILABLE).
     *
     * @param expectedDelay oh = activeConns + 1 (sed, nq), else activeConns × 256 +
     *                      inactConns (wlc, lblc, lblcr)
     * @param requireAvailable lblcr's set_min, which also skips deleted members
     */
    static Destination least(Destination[] ds, boolean expectedDelay, boolean requireAvailable) {
        int n = ds.length;
        int i = 0;
        Destination least = null;
        for (; i < n; i++) {
            Destination d = ds[i];
            if (!d.isOverloaded() && d.weight() > 0 && (!requireAvailable || d.isAvailable())) {
                least = d;
                break;
            }
        }
        if (least == null) {
            return null;
        }
        long loh = load(least, expectedDelay);
        for (i++; i < n; i++) {
            Destination d = ds[i];
            if (d.isOverloaded()) {
                continue;
            }
            long doh = load(d, expectedDelay);
            if (loh * d.weight() > doh * least.weight() && (!requireAvailable || d.isAvailable())) {
                least = d;
                loh = doh;
            }
        }
        return least;
    }

    private static long load(Destination d, boolean expectedDelay) {
        return expectedDelay ? d.activeConns() + 1L : d.overhead();
    }

    /**
     * fo and ovf: the highest weight among servers that are not OVERLOAD, weight &gt; 0,
     * the earlier server on ties.
     *
     * @param overflow ovf's extra rule: skip a server holding more active connections
     *                 than its weight
     */
    static Destination highestWeight(Destination[] ds, boolean overflow) {
        Destination highest = null;
        int hw = 0;
        for (int i = 0; i < ds.length; i++) {
            Destination d = ds[i];
            int w = d.weight();
            if (w > hw && !d.isOverloaded() && (!overflow || d.activeConns() <= w)) {
                highest = d;
                hw = w;
            }
        }
        return highest;
    }

    /** sh and mh: a server that has weight 0 or OVERLOAD takes no new connection. */
    static boolean unavailable(Destination d) {
        return d.weight() <= 0 || d.isOverloaded();
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
