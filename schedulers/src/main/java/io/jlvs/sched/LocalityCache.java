package io.jlvs.sched;

import io.jlvs.core.service.Destination;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lblc/lblcr cache: destination address → entry, an open-addressing table keyed by
 * the int address (host order) with linear probing. Entries are created on a worker by
 * CAS into an empty slot and then reused: an address keeps its slot and its entry, so a
 * steady set of destination addresses costs no allocation per pick.
 *
 * <p>Capacity is fixed; once three quarters of the slots are used, new addresses are not
 * cached (the pick then works as without an entry, as the kernel does when it cannot
 * allocate one). {@link #expire} runs on the control thread and rebuilds the table
 * without idle entries; a pick racing with it may lose its {@code lastUse} update.
 */
final class LocalityCache {
    /** Slots per table: 2^16. */
    static final int CAPACITY = 1 << 16;
    private static final int LIMIT = CAPACITY / 4 * 3;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Entry[].class);

    /** One destination address and what is cached for it. */
    static final class Entry {
        private static final VarHandle SET;

        static {
            try {
                SET = MethodHandles.lookup().findVarHandle(Entry.class, "set", Destination[].class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final int addr;
        /** lblc: the cached server, null while the entry is empty. */
        volatile Destination dest;
        /** lblcr: the server set, newest first, null or empty while the entry is empty. */
        volatile Destination[] set;
        volatile long lastUseMs;
        volatile long lastModMs;

        Entry(int addr) {
            this.addr = addr;
        }

        /** Replaces the set if it is still {@code expected}; a lost race keeps the other update. */
        boolean casSet(Destination[] expected, Destination[] update) {
            return SET.compareAndSet(this, expected, update);
        }

        boolean isEmpty() {
            Destination[] s = set;
            return dest == null && (s == null || s.length == 0);
        }
    }

    private volatile Entry[] slots = new Entry[CAPACITY];
    private final AtomicInteger used = new AtomicInteger();

    private static int home(int addr) {
        return (addr * 0x9E3779B9) >>> 16;
    }

    /** The entry of {@code addr}, or null. Worker threads. */
    Entry find(int addr) {
        Entry[] table = slots;
        for (int i = home(addr), probes = 0; probes < CAPACITY; i = (i + 1) & (CAPACITY - 1), probes++) {
            Entry e = (Entry) SLOTS.getVolatile(table, i);
            if (e == null) {
                return null;
            }
            if (e.addr == addr) {
                return e;
            }
        }
        return null;
    }

    /**
     * The entry of {@code addr}, created if absent; null when the table is full. Worker
     * threads; allocates only for an address never seen before.
     */
    Entry findOrCreate(int addr) {
        Entry[] table = slots;
        for (int i = home(addr), probes = 0; probes < CAPACITY; i = (i + 1) & (CAPACITY - 1), probes++) {
            Entry e = (Entry) SLOTS.getVolatile(table, i);
            if (e == null) {
                if (used.get() >= LIMIT) {
                    return null;
                }
                Entry fresh = new Entry(addr);
                e = (Entry) SLOTS.compareAndExchange(table, i, (Entry) null, fresh);
                if (e == null) {
                    used.incrementAndGet();
                    return fresh;
                }
            }
            if (e.addr == addr) {
                return e;
            }
        }
        return null;
    }

    /** Entries in use (not empty). Control thread; walks the table. */
    int size() {
        int n = 0;
        for (Entry e : slots) {
            if (e != null && !e.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Drops the entries idle for at least {@code expirationMs} (the kernel's full sweep:
     * {@code now >= lastUse + expiration}) and rebuilds the table from the rest. Control
     * thread, e.g. from a timer every 60 s; allocates.
     *
     * @return how many entries were dropped
     */
    int expire(long nowMs, long expirationMs) {
        Entry[] old = slots;
        Entry[] fresh = new Entry[CAPACITY];
        int kept = 0;
        int dropped = 0;
        for (Entry e : old) {
            if (e == null) {
                continue;
            }
            if (e.isEmpty() || nowMs >= e.lastUseMs + expirationMs) {
                dropped += e.isEmpty() ? 0 : 1;
                continue;
            }
            int i = home(e.addr);
            while (fresh[i] != null) {
                i = (i + 1) & (CAPACITY - 1);
            }
            fresh[i] = e;
            kept++;
        }
        used.set(kept);
        slots = fresh;
        return dropped;
    }
}
