package io.jlvs.sched;

import io.jlvs.core.service.Destination;
import io.jlvs.core.service.Scheduler;

/**
 * Base of sh and mh: a lookup table indexed by a hash of the client address (and, with
 * the port flag, the client port), rebuilt by the control thread and published as an
 * immutable array.
 *
 * <p>Lookup: {@code slot = hash(addr, port, offset 0)}; an empty slot gives none; an
 * available server (weight &gt; 0, not OVERLOAD) is returned; otherwise none, or with the
 * fallback flag, for o = 0 … size−1 the key is re-hashed with offset
 * {@code (o + slot) mod size} and the first available server wins, an empty slot ending
 * the search.
 */
abstract class HashScheduler implements Scheduler {
    private final String name;
    private final boolean fallback;
    private final boolean usePort;
    private volatile Destination[] table;

    /**
     * @param flags {@link Schedulers#SCHED1} = fallback, {@link Schedulers#SCHED2} = hash the
     *              client port too
     */
    HashScheduler(String name, int flags, int size) {
        this.name = name;
        this.fallback = (flags & Schedulers.SCHED1) != 0;
        this.usePort = (flags & Schedulers.SCHED2) != 0;
        this.table = new Destination[size];
    }

    /** The slot of a client for the given probe offset. Any thread; allocation-free. */
    abstract int slot(int addr, int port, int offset);

    /** Control thread: publishes a rebuilt table. */
    final void table(Destination[] rebuilt) {
        this.table = rebuilt;
    }

    /** The table, for tests: slot i's server or null. A copy. */
    public final Destination[] table() {
        return table.clone();
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Destination schedule(int clientAddr, int clientPort, int destAddr, int destPort, long nowMs) {
        Destination[] t = table;
        int size = t.length;
        int port = usePort ? clientPort : 0;
        int ihash = slot(clientAddr, port, 0);
        Destination d = t[ihash];
        if (d == null) {
            return null;
        }
        if (!Picks.unavailable(d)) {
            return d;
        }
        if (!fallback) {
            return null;
        }
        for (int o = 0; o < size; o++) {
            d = t[slot(clientAddr, port, (o + ihash) % size)];
            if (d == null) {
                return null;
            }
            if (!Picks.unavailable(d)) {
                return d;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return name;
    }
}
