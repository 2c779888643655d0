package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * wrr, weighted round robin: a server of weight w gets w/g of every cycle of sum/g picks,
 * g being the gcd of the weights.
 *
 * <p>State: {@code di} = gcd of the weights &gt; 0 (1 if none), {@code mw} = max weight −
 * (di − 1) (0 means no server), {@code cw} = the current weight threshold and
 * {@code cl} = a cursor into the list (the head initially). A pick continues from the
 * cursor and returns the next server that is not OVERLOAD and has weight ≥ cw. At the
 * end of the list cw drops by di and the walk restarts at the head; when cw reaches 0 it
 * goes back to mw. A pass at cw ≤ di that finds nothing ends with no server.
 *
 * <p>Binding the scheduler sets cw = mw. Every add, edit and delete resets the cursor to
 * the head, recomputes di and mw, and then sets cw = mw if cw &gt; mw or cw == 0, else
 * rounds cw to {@code (cw / di) * di + 1} when di &gt; 1. So a service whose servers are
 * added one by one starts with cw = 1 and its first round is plain round robin.
 *
 * <p>Example: weights A=4, B=3, C=2 added C, B, A (list A, B, C): the first add gives
 * cw = mw = 1, later adds keep it, so the picks are A B C, then the cycle with cw = 4,
 * 3, 2, 1: A, A B, A B C, A B C. Bound with the servers already present (after
 * {@code -E -s wrr}) it starts at cw = 4: A A B A B C A B C.
 *
 * <p>Threads: {@code cl} and {@code cw} live in one {@code AtomicLong} advanced by CAS, so
 * each concurrent pick is one step of the kernel's serial sequence. di and mw are rebuilt
 * by the control thread only.
 */
public final class WeightedRoundRobinScheduler implements Scheduler {
    /** Finds this scheduler as {@code wrr}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("wrr", flags -> new WeightedRoundRobinScheduler());
        }
    }

    /** One published list with its di, mw and the (cl, cw) word workers advance. */
    private static final class State {
        final Destination[] destinations;
        final int di;
        final int mw;
        /** cl (list index, -1 = head) in the high 32 bits, cw in the low 32 bits. */
        final AtomicLong mark;

        State(Destination[] destinations, int di, int mw, int cl, int cw) {
            this.destinations = destinations;
            this.di = di;
            this.mw = mw;
            this.mark = new AtomicLong(pack(cl, cw));
        }
    }

    private volatile State state = new State(Picks.NONE, 1, 0, -1, 0);

    private static long pack(int cl, int cw) {
        return ((long) cl << 32) | (cw & 0xFFFF_FFFFL);
    }

    @Override
    public String name() {
        return "wrr";
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        int di = 0;
        int max = 0;
        for (Destination d : destinations) {
            int w = d.weight();
            if (w > 0) {
                di = di == 0 ? w : Picks.gcd(w, di);
            }
            max = Math.max(max, w);
        }
        if (di == 0) {
            di = 1;
        }
        int mw = max - (di - 1);
        int cw;
        if (change == Change.BIND) {
            cw = mw;
        } else {
            cw = (int) state.mark.get();
            if (cw > mw || cw == 0) {
                cw = mw;
            } else if (di > 1) {
                cw = (cw / di) * di + 1;
            }
        }
        state = new State(destinations, di, mw, -1, cw);
    }

    /** The current weight threshold cw, for tests and listings. */
    public int currentWeight() {
        return (int) state.mark.get();
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        State s = state;
        if (s.mw == 0) {
            return null;
        }
        Destination[] ds = s.destinations;
        int n = ds.length;
        int di = s.di;
        for (;;) {
            long m = s.mark.get();
            int last = (int) (m >> 32);
            int cw = (int) m;
            int pos = last;
            int stop = -2;
            boolean lastPass = false;
            boolean restarted = false;
            Destination result = null;
            int cl;
            walk:
            for (;;) {
                for (int i = pos + 1; i < n; i++) {
                    Destination d = ds[i];
                    if (!d.isOverloaded() && d.weight() >= cw) {
                        cl = i;
                        result = d;
                        break walk;
                    }
                    if (i == stop) {
                        cl = i;
                        break walk;
                    }
                }
                pos = -1;
                cw -= di;
                if (cw <= 0) {
                    cw = s.mw;
                    if (lastPass || last == -1) {
                        cl = -1;
                        break walk;
                    }
                    restarted = true;
                }
                lastPass = cw <= di;
                if (lastPass && restarted && last != -1) {
                    stop = last;
                }
            }
            if (s.mark.compareAndSet(m, pack(cl, cw))) {
                return result;
            }
        }
    }

    @Override
    public String toString() {
        return "wrr";
    }
}
