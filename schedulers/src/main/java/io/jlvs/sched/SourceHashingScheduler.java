package io.jlvs.sched;

import io.jlvs.core.service.Destination;

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
public final class SourceHashingScheduler extends HashScheduler {
    /** Finds this scheduler as {@code sh}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("sh", SourceHashingScheduler::new);
        }
    }

    /** Buckets in the table ({@code CONFIG_IP_VS_SH_TAB_BITS} = 8). */
    public static final int TABLE_SIZE = 256;
    /** The multiplier of the kernel's hash: the golden ratio of 2^32. */
    static final long GOLDEN = 2654435761L;

    /** An sh scheduler with the service's flags ({@link Schedulers#SCHED1} fallback, SCHED2 port). */
    public SourceHashingScheduler(int flags) {
        super("sh", flags, TABLE_SIZE);
    }

    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        Destination[] rebuilt = new Destination[TABLE_SIZE];
        int n = destinations.length;
        if (n > 0) {
            int p = 0;
            int count = 0;
            for (int i = 0; i < TABLE_SIZE; i++) {
                Destination d = destinations[p];
                rebuilt[i] = d;
                if (++count >= d.weight()) {
                    p = (p + 1) % n;
                    count = 0;
                }
            }
        }
        table(rebuilt);
    }

    /** The bucket of a client: {@code (offset + (port + addr) × 2654435761) mod 256}. */
    static int bucket(int addr, int port, int offset) {
        return (int) ((offset + (port + (addr & 0xFFFF_FFFFL)) * GOLDEN) & (TABLE_SIZE - 1));
    }

    @Override
    int slot(int addr, int port, int offset) {
        return bucket(addr, port, offset);
    }
}
