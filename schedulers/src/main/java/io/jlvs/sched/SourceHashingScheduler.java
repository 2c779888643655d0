package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

/**
 * sh, source hashing: a static 256-bucket table maps the client address (and with
 * {@code sh-port} the client port) to a server.
 *
 * <p>Table: walking the list cyclically from its first entry, each server fills
 * {@code weight} consecutive buckets before the walk moves on; the counter test is
 * {@code ++count >= weight}, so a weight-0 server still takes one bucket. OVERLOAD does
 * not matter here. The table is rebuilt on every add, edit and delete.
 *
 * <p>Hash: {@code bucket = (offset + (port + addr) × 2654435761) mod 256}, with the address
 * in host order, port = the client port only with {@code sh-port} and offset 0 for the
 * first lookup. As 2654435761 mod 256 = 177, only the last address byte plus the port
 * matters: bucket = ((lastOctet + port) × 177) &amp; 255.
 *
 * <p>Lookup: the bucket's server, or none if it has weight 0 or OVERLOAD. With
 * {@code sh-fallback} an unavailable server makes the lookup probe offsets
 * {@code r = (o + bucket) mod 256} for o = 0..255, each rehashed as
 * {@code hash(offset = r)}, i.e. buckets 2·bucket + o: the probe starts at twice the
 * bucket, not at the next one. It stops at an empty bucket.
 *
 * <p>Example: A, B, C with weight 1 (list C, B, A) give the table C, B, A, C, B, A… Client
 * 203.0.113.2 falls in bucket (2 × 177) &amp; 255 = 98, and 98 mod 3 = 2: A.
 *
 * <p>Threads: the table is an immutable array published by the control thread.
 */
public final class SourceHashingScheduler implements Scheduler {
    /** Finds this scheduler as {@code sh}. */
    public static final class Provider implements SchedulerProvider {
        @Override
        public String name() {
            return "sh";
        }

        @Override
        public Scheduler create(int flags) {
            return new SourceHashingScheduler(flags);
        }
    }

    /** Buckets in the table ({@code CONFIG_IP_VS_SH_TAB_BITS} = 8). */
    public static final int TABLE_SIZE = 256;
    /** The multiplier of the kernel's hash: the golden ratio of 2^32. */
    static final long GOLDEN = 2654435761L;

    private final boolean fallback;
    private final boolean usePort;
    private volatile Destination[] buckets = new Destination[TABLE_SIZE];

    /** An sh scheduler with the service's flags ({@link Schedulers#SCHED1} fallback, SCHED2 port). */
    public SourceHashingScheduler(int flags) {
        this.fallback = (flags & Schedulers.SCHED1) != 0;
        this.usePort = (flags & Schedulers.SCHED2) != 0;
    }

    @Override
    public String name() {
        return "sh";
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        Destination[] table = new Destination[TABLE_SIZE];
        int n = destinations.length;
        if (n > 0) {
            int p = 0;
            int count = 0;
            for (int i = 0; i < TABLE_SIZE; i++) {
                Destination d = destinations[p];
                table[i] = d;
                if (++count >= d.weight()) {
                    p = (p + 1) % n;
                    count = 0;
                }
            }
        }
        buckets = table;
    }

    /** The table, for tests: bucket i's server or null. A copy. */
    public Destination[] table() {
        return buckets.clone();
    }

    /** The bucket of a client: {@code (offset + (port + addr) × 2654435761) mod 256}. */
    static int bucket(int addr, int port, int offset) {
        return (int) ((offset + (port + (addr & 0xFFFF_FFFFL)) * GOLDEN) & (TABLE_SIZE - 1));
    }

    @Override
    public Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] table = buckets;
        int port = usePort ? clientPort : 0;
        int ihash = bucket(clientAddr, port, 0);
        Destination d = table[ihash];
        if (d == null) {
            return null;
        }
        if (!unavailable(d)) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int o = 0; o < TABLE_SIZE; o++) {
            int r = (o + ihash) % TABLE_SIZE;
            d = table[bucket(clientAddr, port, r)];
            if (d == null) {
                return null;
            }
            if (!unavailable(d)) {
                return d;
            }
        }
        return null;
    }

    private static boolean unavailable(Destination d) {
        return d.weight() <= 0 || d.isOverloaded();
    }

    @Override
    public String toString() {
        return "sh";
    }
}
