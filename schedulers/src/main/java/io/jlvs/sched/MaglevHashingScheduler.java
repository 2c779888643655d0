package io.jlvs.sched;

import io.jlvs.core.service.Destination;

/**
 * mh, Maglev hashing: a 4093-slot lookup table filled from per-server permutations,
 * indexed by a hash of the client address (and with {@code mh-port} the client port).
 *
 * <p>Hash: {@code hsiphash} (SipHash-1-3 on 64-bit kernels, see {@link HalfSipHash}) of
 * the 32-bit value {@code offset + port + addr} (host-order address, read as 4
 * little-endian bytes) under a fixed key: hash1 = {2654435761, 2654435761},
 * hash2 = {2654446892, 2654446892}.
 *
 * <p>Table: each server (list order) gets {@code offset = hash1(addr, port) mod M},
 * {@code skip = hash2(addr, port) mod (M − 1) + 1} and a cursor starting at offset.
 * Weights use {@code lastWeight}, the latest non-zero weight: with g = gcd of the
 * lastWeights &gt; 0 and {@code rshift = max(0, fls(max / g) − 6)}, a server takes
 * {@code turns = (lastWeight / g) >> rshift} slots per round (at least 1 when its
 * lastWeight is non-zero, 0 otherwise). Rounds over the list repeat until all M slots
 * are taken; each claim steps the cursor by skip past taken slots. Quiescing (weight 0)
 * keeps lastWeight and thus the table, so other clients do not move.
 *
 * <p>Lookup: {@code slot = hash1(client) mod M}; its server, or none if that server has
 * weight 0 or OVERLOAD. With {@code mh-fallback}, for o = 0..M−1 the key is re-hashed
 * with {@code offset = (o + slot) mod M} and the first available server wins; an empty
 * slot stops the search.
 *
 * <p>Example: three servers of equal weight share the table 1365/1364/1364, the first in
 * list order taking the extra slot; weights 1:2:4 give 584/1169/2340.
 *
 * <p>Threads: the table is an immutable array published by the control thread.
 */
public final class MaglevHashingScheduler extends HashScheduler {
    /** Finds this scheduler as {@code mh}. */
    public static final class Provider extends ProviderSupport {
        /** Called by {@link java.util.ServiceLoader}. */
        public Provider() {
            super("mh", MaglevHashingScheduler::new);
        }
    }

    /** Slots in the lookup table, M ({@code CONFIG_IP_VS_MH_TAB_INDEX} = 12). */
    public static final int TABLE_SIZE = 4093;
    /** {@code IP_VS_MH_TAB_BITS}: weights are scaled down above 2^6 turns per round. */
    static final int TABLE_BITS = 6;
    static final long KEY1 = 2654435761L;
    static final long KEY2 = 2654446892L;

    /** An mh scheduler with the service's flags ({@link Schedulers#SCHED1} fallback, SCHED2 port). */
    public MaglevHashingScheduler(int flags) {
        super("mh", flags, TABLE_SIZE);
    }

    /**
     * Rebuilds the table (every add, edit and delete).
     *
     * @throws IllegalArgumentException with more than {@link #TABLE_SIZE} servers (the
     *         kernel's EINVAL)
     */
    @Override
    public void destinationsChanged(Change change, Destination subject, Destination[] destinations) {
        if (destinations.length > TABLE_SIZE) {
            throw new IllegalArgumentException("mh takes at most " + TABLE_SIZE + " real servers, got "
                    + destinations.length);
        }
        table(populate(destinations));
    }

    private static Destination[] populate(Destination[] ds) {
        Destination[] table = new Destination[TABLE_SIZE];
        int n = ds.length;
        int g = 0;
        int max = 0;
        for (Destination d : ds) {
            int lw = d.lastWeight();
            if (lw > 0) {
                g = g == 0 ? lw : Picks.gcd(lw, g);
                max = Math.max(max, lw);
            }
        }
        if (g == 0) {
            return table;
        }
        int rshift = Math.max(0, (32 - Integer.numberOfLeadingZeros(max / g)) - TABLE_BITS);
        int[] skip = new int[n];
        int[] perm = new int[n];
        int[] turns = new int[n];
        for (int i = 0; i < n; i++) {
            Destination d = ds[i];
            perm[i] = (int) (hash(d.addr(), d.port(), KEY1, 0) % TABLE_SIZE);
            skip[i] = (int) (hash(d.addr(), d.port(), KEY2, 0) % (TABLE_SIZE - 1)) + 1;
            int lw = d.lastWeight();
            int t = (lw / g) >> rshift;
            turns[i] = t != 0 ? t : (lw != 0 ? 1 : 0);
        }
        boolean[] taken = new boolean[TABLE_SIZE];
        int filled = 0;
        int count = 0;
        while (filled < TABLE_SIZE) {
            int i = 0;
            while (i < n && filled < TABLE_SIZE) {
                if (turns[i] < 1) {
                    i++;
                    continue;
                }
                int c = perm[i];
                while (taken[c]) {
                    c += skip[i];
                    if (c >= TABLE_SIZE) {
                        c -= TABLE_SIZE;
                    }
                }
                perm[i] = c;
                taken[c] = true;
                table[c] = ds[i];
                filled++;
                if (++count >= turns[i]) {
                    count = 0;
                    i++;
                }
            }
        }
        return table;
    }

    /** hsiphash of {@code offset + port + addr} (32-bit sum) under the key {k, k}. */
    static long hash(int addr, int port, long key, int offset) {
        return HalfSipHash.hash32(offset + port + addr, key, key);
    }

    @Override
    int slot(int addr, int port, int offset) {
        return (int) (hash(addr, port, KEY1, offset) % TABLE_SIZE);
    }
}
