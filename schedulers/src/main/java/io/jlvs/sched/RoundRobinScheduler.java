package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * rr, round robin: each new connection goes to the next eligible server in list order.
 *
 * <p>The state is a cursor naming the server picked last, initially the list head (no
 * server). A pick walks from the entry after the cursor to the end of the list, then,
 * unless the cursor is the head, from the first entry up to and including the cursor
 * itself. The first server that is not OVERLOAD and has weight &gt; 0 wins and becomes
 * the cursor. Weights above 0 do not matter: weight 5 and weight 1 get equal shares.
 *
 * <p>Example: servers added A, B, C form the list C, B, A (newest first), so the picks
 * are C, B, A, C, B, A… Adding D after the picks C, B gives the list D, C, B, A with the
 * cursor still on B: the next picks are A, D, C, B. Deleting the cursor server moves
 * the cursor to its predecessor: after C, B, deleting B leaves the cursor on C and the
 * next picks are A, C, A. Edits never move the cursor.
 *
 * <p>Threads: the cursor (an index into the published list, -1 for the head) is advanced
 * by CAS, so concurrent picks each see the kernel's serial behaviour. A pick racing with
 * a list change may lose its cursor update; the list it used stays consistent.
 */
public final class RoundRobinScheduler implements Scheduler {
    /** Finds this scheduler as {@code rr}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("rr", flags -> new RoundRobinScheduler());
        }
    }

    /** One published list with the cursor workers advance. */
    private static final class State {
        final Destination[] destinations;
        final AtomicInteger cursor;

        State(Destination[] destinations, int cursor) {
            this.destinations = destinations;
            this.cursor = new AtomicInteger(cursor);
        }
    }

    private volatile State state = new State(Picks.NONE, -1);

    @Override
    public String name() {
        return "rr";
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        State old = state;
        int c = old.cursor.get();
        Destination current = c >= 0 && c < old.destinations.length ? old.destinations[c] : null;
        if (change == Change.DELETE && current != null && current == subject) {
            current = c > 0 ? old.destinations[c - 1] : null;
        }
        int cursor = change == Change.BIND ? -1 : Picks.indexOf(destinations, current);
        state = new State(destinations, cursor);
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        State s = state;
        Destination[] ds = s.destinations;
        int n = ds.length;
        for (;;) {
            int c = s.cursor.get();
            int found = -1;
            for (int i = c + 1; i < n; i++) {
                if (eligible(ds[i])) {
                    found = i;
                    break;
                }
            }
            if (found < 0) {
                for (int i = 0; i <= c && i < n; i++) {
                    if (eligible(ds[i])) {
                        found = i;
                        break;
                    }
                }
            }
            if (found < 0) {
                return null;
            }
            if (found == c || s.cursor.compareAndSet(c, found)) {
                return ds[found];
            }
        }
    }

    private static boolean eligible(Destination d) {
        return !d.isOverloaded() && d.weight() > 0;
    }

    @Override
    public String toString() {
        return "rr";
    }
}
