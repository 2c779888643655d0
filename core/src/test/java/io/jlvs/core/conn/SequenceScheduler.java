package io.jlvs.core.conn;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

/**
 * A test double: hands out the given destinations in order, cycling, and counts calls.
 * Used from several threads it still returns only listed destinations (the order and
 * the count are then approximate).
 * Allocation-free.
 */
public final class SequenceScheduler implements Scheduler {
    private final Destination[] order;
    private int next;
    private int calls;

    public SequenceScheduler(Destination... order) {
        this.order = order;
    }

    @Override
    public String name() {
        return "seq";
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        calls++;
        if (order.length == 0) {
            return null;
        }
        Destination d = order[next];
        next = (next + 1) % order.length;
        return d;
    }

    int calls() {
        return calls;
    }
}
