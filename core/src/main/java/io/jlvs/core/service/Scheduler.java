package io.jlvs.core.service;

/**
 * An IPVS scheduler bound to one virtual service: picks the real server for a new
 * connection. The implementations live in the {@code schedulers} module (one class each,
 * found by name through {@code ServiceLoader}); this contract lives here so that the
 * connection table's persistence logic can call a scheduler without knowing which.
 *
 * <h2>Threads</h2>
 * {@link #destinationsChanged} is called by the control thread only, after the
 * service's list changed; it may allocate and rebuild tables. {@link #schedule} is called
 * by worker threads, concurrently, only on a connection-table miss; it allocates
 * nothing, takes no lock and throws nothing. When a single thread interleaves the two,
 * the sequence of picks equals the kernel's.
 *
 * <h2>Destination list</h2>
 * The list handed to {@link #destinationsChanged} is in the kernel's order: newest
 * first, because {@code ipvsadm -a} inserts at the head (IPVS-SEMANTICS §0). Ties are
 * broken in favour of the earlier entry of this list.
 */
public interface Scheduler {

    /** What changed in the service's destination list. */
    enum Change {
        /** The scheduler was bound to the service ({@code -A}, or {@code -E -s} to a new name). */
        BIND,
        /** A destination was added at the head of the list. */
        ADD,
        /** A destination's weight, flags or thresholds were edited; the list order is unchanged. */
        EDIT,
        /** A destination was removed from the list. */
        DELETE
    }

    /** The name an operator writes with {@code -s} ({@code rr}, {@code wrr}, {@code mh}…). */
    String name();

    /**
     * Control thread: the service's destination list changed.
     *
     * @param change       what happened
     * @param subject      the destination added, edited or deleted; {@code null} for BIND
     * @param destinations the list after the change, newest first; the caller does not
     *                     modify the array afterwards
     */
    void destinationsChanged(Change change, Destination subject, Destination[] destinations);

    /**
     * Worker threads: picks a real server for a new connection, or returns {@code null}
     * when none is available (the caller then answers ICMP port-unreachable).
     *
     * @param clientAddr client IPv4 address, host byte order
     * @param clientPort client port, host byte order
     * @param destAddr   the packet's destination address (the VIP, or for fwmark services
     *                   whatever address the mark caught), host byte order
     * @param destPort   the packet's destination port, host byte order
     * @param nowMs      the worker's clock for this batch, milliseconds (lblc/lblcr expiry)
     */
    Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs);
}
