package io.jlvs.dataplane.pipeline;

/**
 * Where a frame for an IPv4 address goes next: the MAC of the next hop (the address itself
 * when on-link, else its gateway) and the interface to send on. Implemented over the kernel's
 * neighbour and route tables in production and by {@link StaticNextHops} in tests.
 * Called by workers per packet: implementations are lock-free and allocation-free.
 */
public interface NextHops {
    /** {@link #macOf} result when no next hop is known. */
    long UNKNOWN = -1;

    /**
     * The MAC of the next hop towards {@code address} (low 48 bits, first octet most
     * significant), or {@link #UNKNOWN}.
     *
     * @param address IPv4 address, host byte order
     */
    long macOf(int address);

    /**
     * The index of the worker's interface ({@link Port}) towards {@code address}; 0 when the
     * worker has one interface.
     *
     * @param address IPv4 address, host byte order
     */
    default int portOf(int address) {
        return 0;
    }

    /**
     * A frame for {@code address} was dropped because {@link #macOf} knew no next hop: a
     * resolver may ask for it (an ARP request from the control side). Called by workers per
     * such frame: must return at once, without allocating or blocking. The default does nothing.
     *
     * @param address IPv4 address, host byte order
     */
    default void missing(int address) {
    }
}
