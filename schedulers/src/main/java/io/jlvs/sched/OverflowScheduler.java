package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

/**
 * ovf, overflow: the highest-weight server that still has room, its weight acting as a
 * limit on active connections.
 *
 * <p>A server is skipped when OVERLOAD, when weight is 0, or when
 * {@code activeConns > weight}; among the rest the highest weight wins, the earlier
 * server on ties. The test is {@code >}, so a server takes new connections until it
 * holds weight + 1 active ones. Only active connections count: UDP, whose connections
 * stay inactive, never overflows.
 *
 * <p>Example: A=2, B=3 (list B, A), each pick adding an active connection: B, B, B, B
 * (B now holds 4 &gt; 3), A, A, A, then none.
 */
public final class OverflowScheduler extends ListScheduler {
    /** Finds this scheduler as {@code ovf}. */
    public static final class Provider implements SchedulerProvider {
        @Override
        public String name() {
            return "ovf";
        }

        @Override
        public Scheduler create(int flags) {
            return new OverflowScheduler();
        }
    }

    /** A ovf scheduler with no servers yet. */
    public OverflowScheduler() {
        super("ovf");
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] ds = destinations;
        Destination highest = null;
        int hw = 0;
        for (int i = 0; i < ds.length; i++) {
            Destination d = ds[i];
            int w = d.weight();
            if (d.isOverloaded() || w == 0 || d.activeConns() > w) {
                continue;
            }
            if (highest == null || w > hw) {
                highest = d;
                hw = w;
            }
        }
        return highest;
    }
}
