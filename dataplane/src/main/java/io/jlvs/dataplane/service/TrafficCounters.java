package io.jlvs.dataplane.service;

/**
 * One worker's service and real-server counters: plain {@code long}s indexed by the
 * service's index and the destination's registry index, written by the owning worker only
 * and summed over workers by {@link ServiceTable#serviceStats} and
 * {@link ServiceTable#destinationStats}, which may lag by a few packets.
 */
public final class TrafficCounters {
    static final int CONNS = 0;
    static final int IN_PKTS = 1;
    static final int OUT_PKTS = 2;
    static final int IN_BYTES = 3;
    static final int OUT_BYTES = 4;
    static final int FIELDS = 5;

    private final long[] services;
    private final long[] destinations;

    TrafficCounters(int serviceCapacity, int destinationCapacity) {
        this.services = new long[serviceCapacity * FIELDS];
        this.destinations = new long[destinationCapacity * FIELDS];
    }

    /** A new connection was scheduled to {@code destination} of {@code service}. Owning worker; no allocation. */
    public void connection(int service, int destination) {
        services[service * FIELDS + CONNS]++;
        destinations[destination * FIELDS + CONNS]++;
    }

    /** A client &rarr; server packet of {@code lengthBytes} (IP length). Owning worker; no allocation. */
    public void in(int service, int destination, int lengthBytes) {
        count(service, destination, IN_PKTS, IN_BYTES, lengthBytes);
    }

    /** A server &rarr; client packet of {@code lengthBytes} (IP length). Owning worker; no allocation. */
    public void out(int service, int destination, int lengthBytes) {
        count(service, destination, OUT_PKTS, OUT_BYTES, lengthBytes);
    }

    private void count(int service, int destination, int packetsField, int bytesField, int lengthBytes) {
        int s = service * FIELDS;
        int d = destination * FIELDS;
        services[s + packetsField]++;
        services[s + bytesField] += lengthBytes;
        destinations[d + packetsField]++;
        destinations[d + bytesField] += lengthBytes;
    }

    void addService(int service, long[] totals) {
        add(services, service, totals);
    }

    void addDestination(int destination, long[] totals) {
        add(destinations, destination, totals);
    }

    private static void add(long[] counters, int index, long[] totals) {
        int base = index * FIELDS;
        for (int i = 0; i < FIELDS; i++) {
            totals[i] += counters[base + i];
        }
    }
}
