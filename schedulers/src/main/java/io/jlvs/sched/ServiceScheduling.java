package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;
import io.jlvs.core.service.Scheduler.Change;

import java.util.Arrays;

/**
 * The destination list of one virtual service and the scheduler bound to it, as the
 * control plane changes them: {@code ipvsadm -a} (add at the head of the list),
 * {@code -e} (edit in place), {@code -d} (delete) and {@code -E -s} (a new scheduler
 * bound to the current list). Each change replaces the list copy-on-write and tells the
 * scheduler.
 *
 * <p>Threads: the mutators are for the control thread only (one at a time);
 * {@link #scheduler()}, {@link #destinations()} and {@link #schedule} may be called by
 * workers at any time.
 */
public final class ServiceScheduling {
    private volatile Destination[] destinations = Picks.NONE;
    private volatile Scheduler scheduler;

    /** A service with no real servers, bound to {@code scheduler}. */
    public ServiceScheduling(Scheduler scheduler) {
        bind(scheduler);
    }

    /** The bound scheduler. */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** The list, newest first (the kernel's order). A copy. */
    public Destination[] destinations() {
        return destinations.clone();
    }

    /** Number of real servers. */
    public int size() {
        return destinations.length;
    }

    /** The destination with that address and port (host order), or null. */
    public Destination find(int addr, int port) {
        for (Destination d : destinations) {
            if (d.addr() == addr && d.port() == port) {
                return d;
            }
        }
        return null;
    }

    /**
     * {@code ipvsadm -a}: inserts {@code d} at the head of the list, marks it AVAILABLE
     * and tells the scheduler (ADD).
     *
     * @throws IllegalArgumentException when the service already has a server with the
     *         same address and port (the kernel's EEXIST), or the scheduler refuses the
     *         list (mh beyond 4093 servers); the list is then unchanged
     */
    public void add(Destination d) {
        if (find(d.addr(), d.port()) != null) {
            throw new IllegalArgumentException("destination " + d + " already exists");
        }
        Destination[] old = destinations;
        Destination[] next = new Destination[old.length + 1];
        next[0] = d;
        System.arraycopy(old, 0, next, 1, old.length);
        d.setFlag(Destination.AVAILABLE);
        scheduler.destinationsChanged(Change.ADD, d, next);
        destinations = next;
    }

    /**
     * {@code ipvsadm -e}: sets weight and thresholds in place (the list order does not
     * change) and tells the scheduler (EDIT). As the kernel does, OVERLOAD is cleared
     * when the new upper threshold is 0 or above the old one.
     *
     * @throws IllegalArgumentException when {@code d} is not in the list, or a value is
     *         out of range (then nothing changes)
     */
    public void edit(Destination d, int weight, int upperThreshold, int lowerThreshold) {
        requireMember(d);
        if (weight < 0 || weight > 0xFFFF) {
            throw new IllegalArgumentException("weight must be 0..65535, was " + weight);
        }
        d.thresholds(upperThreshold, lowerThreshold);
        d.weight(weight);
        scheduler.destinationsChanged(Change.EDIT, d, destinations);
    }

    /** {@code ipvsadm -e -w}: {@link #edit} keeping the thresholds. */
    public void editWeight(Destination d, int weight) {
        edit(d, weight, d.upperThreshold(), d.lowerThreshold());
    }

    /**
     * {@code ipvsadm -d}: removes {@code d}, clears its AVAILABLE flag and tells the
     * scheduler (DELETE). Its connections keep their reference to it.
     *
     * @throws IllegalArgumentException when {@code d} is not in the list
     */
    public void delete(Destination d) {
        Destination[] old = destinations;
        int at = requireMember(d);
        Destination[] next = new Destination[old.length - 1];
        System.arraycopy(old, 0, next, 0, at);
        System.arraycopy(old, at + 1, next, at, old.length - at - 1);
        d.clearFlag(Destination.AVAILABLE);
        destinations = next;
        scheduler.destinationsChanged(Change.DELETE, d, next);
    }

    /**
     * {@code ipvsadm -E -s}: binds a new scheduler instance to the current list (BIND);
     * the old one is no longer called.
     */
    public void rebind(Scheduler next) {
        bind(next);
    }

    private void bind(Scheduler next) {
        next.destinationsChanged(Change.BIND, null, destinations);
        scheduler = next;
    }

    /** Worker threads: a pick by the bound scheduler ({@link Scheduler#schedule}). */
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        return scheduler.schedule(clientAddr, clientPort, destAddr, destPort, nowMs);
    }

    private int requireMember(Destination d) {
        int at = Picks.indexOf(destinations, d);
        if (at < 0) {
            throw new IllegalArgumentException("destination " + d + " is not in the service");
        }
        return at;
    }

    @Override
    public String toString() {
        return scheduler.name() + " " + Arrays.toString(destinations);
    }
}
