package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

/**
 * dh, destination hashing: a static 256-bucket table maps the packet's destination
 * address to a server. Meant for fwmark services that catch many destination addresses
 * (cache clusters); on a plain VIP service every client lands in the same bucket.
 *
 * <p>Table: the list is walked cyclically and each server takes one bucket in turn;
 * weights are ignored. It is rebuilt on add and delete only, never on an edit.
 *
 * <p>Hash: {@code bucket = (addr × 2654435761) mod 256} with the address in host order,
 * i.e. {@code (lastOctet × 177) & 255}.
 *
 * <p>Lookup: the bucket's server, or none if it is deleted (not AVAILABLE), has weight 0
 * or is OVERLOAD. There is no fallback.
 *
 * <p>Example: A, B, C (list C, B, A, table C, B, A, C…): destination 10.0.0.100 falls in
 * bucket (100 × 177) &amp; 255 = 36, 36 mod 3 = 0: C.
 *
 * <p>Threads: the table is an immutable array published by the control thread.
 */
public final class DestinationHashingScheduler implements Scheduler {
    /** Finds this scheduler as {@code dh}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("dh", flags -> new DestinationHashingScheduler());
        }
    }

    /** Buckets in the table ({@code CONFIG_IP_VS_DH_TAB_BITS} = 8). */
    public static final int TABLE_SIZE = 256;

    private volatile Destination[] buckets = new Destination[TABLE_SIZE];

    @Override
    public String name() {
        return "dh";
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        if (change == Change.EDIT) {
            return;
        }
        Destination[] table = new Destination[TABLE_SIZE];
        int n = destinations.length;
        for (int i = 0; n > 0 && i < TABLE_SIZE; i++) {
            table[i] = destinations[i % n];
        }
        buckets = table;
    }

    /** The table, for tests: bucket i's server or null. A copy. */
    public Destination[] table() {
        return buckets.clone();
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination d = buckets[SourceHashingScheduler.bucket(destAddr, 0, 0)];
        if (d == null || !d.isAvailable() || d.weight() <= 0 || d.isOverloaded()) {
            return null;
        }
        return d;
    }

    @Override
    public String toString() {
        return "dh";
    }
}
