package io.jlvs.dataplane.service;

import io.jlvs.core.conn.TrackedService;
import org.agrona.collections.IntHashSet;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * An immutable view of the virtual services that the workers read: service lookup by
 * (protocol, VIP, port) as IPVS-SEMANTICS &sect;2.1 orders it, the addresses that are VIPs
 * or NAT real servers (so that traffic of neither costs no connection-table probe), and the
 * service each destination index belongs to (for the counters).
 *
 * <p>Built by the control thread, never changed afterwards, and published by a volatile
 * write in {@link ServiceTable}; a worker reads the reference once per batch. It owns what it
 * reads: the maps and sets are built for it, and the destination → service array is copied
 * when it is built, so later changes to the table reach workers only through the next
 * snapshot. Lookups are lock-free and allocation-free.
 */
public final class ServiceSnapshot {
    private static final int NO_SERVICE = -1;

    private final Long2ObjectHashMap<TrackedService> byKey;
    private final boolean hasPortZero;
    private final IntHashSet virtualAddresses;
    private final IntHashSet natServerAddresses;
    private final int[] serviceOfDestination;
    private final long version;

    ServiceSnapshot(Long2ObjectHashMap<TrackedService> byKey, boolean hasPortZero, IntHashSet virtualAddresses,
            IntHashSet natServerAddresses, int[] serviceOfDestination, long version) {
        this.byKey = byKey;
        this.hasPortZero = hasPortZero;
        this.virtualAddresses = virtualAddresses;
        this.natServerAddresses = natServerAddresses;
        this.serviceOfDestination = serviceOfDestination.clone();
        this.version = version;
    }

    /** The lookup key of a service: protocol in bits 48..55, VIP in 16..47, port in 0..15. */
    static long key(int protocol, int vaddr, int vport) {
        return (long) (protocol & 0xFF) << 48 | (vaddr & 0xFFFF_FFFFL) << 16 | (vport & 0xFFFF);
    }

    /**
     * The service a packet addresses: the exact (protocol, VIP, port) service, else the
     * persistent port-0 service of that protocol and VIP, else {@code null}. Workers;
     * allocation-free.
     *
     * @param vaddr destination address, host byte order
     * @param vport destination port, host byte order
     */
    public TrackedService lookup(int protocol, int vaddr, int vport) {
        TrackedService service = byKey.get(key(protocol, vaddr, vport));
        if (service == null && hasPortZero) {
            service = byKey.get(key(protocol, vaddr, 0));
        }
        return service;
    }

    /** Whether {@code address} (host byte order) is the VIP of some service. */
    public boolean isVirtualAddress(int address) {
        return virtualAddresses.contains(address);
    }

    /** Whether {@code address} (host byte order) is the address of some NAT real server. */
    public boolean isNatServerAddress(int address) {
        return natServerAddresses.contains(address);
    }

    /** The index of the service a destination (by registry index) belongs to, or -1. */
    public int serviceOf(int destinationIndex) {
        return destinationIndex >= 0 && destinationIndex < serviceOfDestination.length
                ? serviceOfDestination[destinationIndex] : NO_SERVICE;
    }

    /** Increases with every publication; a worker compares it to notice a new snapshot. */
    public long version() {
        return version;
    }

    /** Number of services with an address key. */
    public int size() {
        return byKey.size();
    }
}
