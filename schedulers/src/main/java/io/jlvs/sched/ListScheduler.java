package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

/**
 * Base of the schedulers whose only state is the destination list: the control thread
 * publishes each new list through a volatile field and workers read it once per pick.
 */
abstract class ListScheduler implements Scheduler {
    private final String name;
    /** The service's list, newest first; replaced, never modified. */
    protected volatile Destination[] destinations = Picks.NONE;

    ListScheduler(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        this.destinations = destinations;
    }

    @Override
    public String toString() {
        return name;
    }
}
