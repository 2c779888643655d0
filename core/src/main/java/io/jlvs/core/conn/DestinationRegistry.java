package io.jlvs.core.conn;

import io.jlvs.core.service.Destination;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Maps the {@code int} destination index that connection entries hold to the
 * {@link Destination} object. The control thread registers destinations, and unregisters
 * them once no connection entry refers to them any more (the service table's trash decides
 * when), so their index can serve another; workers resolve indexes with one volatile array
 * read and no allocation. The capacity bounds the destinations registered at once.
 */
public final class DestinationRegistry {
    private final AtomicReferenceArray<Destination> byIndex;
    private final Map<Destination, Integer> indexes = new IdentityHashMap<>();
    private int next;
    private final ArrayDeque<Integer> freed = new ArrayDeque<>();
    /** Identity hash table Destination → index, rebuilt on register, read by workers. */
    private volatile Lookup lookup = new Lookup(new Destination[2], new int[2]);

    /** An immutable open-addressed identity map (keys by identity hash, linear probing). */
    private record Lookup(Destination[] keys, int[] values) {
    }

    /** A registry that can hold {@code capacity} destinations at once. */
    public DestinationRegistry(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
        }
        byIndex = new AtomicReferenceArray<>(capacity);
    }

    /**
     * Control thread: the index of {@code destination}, registering it on first use.
     *
     * @throws IllegalStateException when the registry is full
     */
    public synchronized int register(Destination destination) {
        Integer known = indexes.get(destination);
        if (known != null) {
            return known;
        }
        if (freed.isEmpty() && next == byIndex.length()) {
            throw new IllegalStateException("destination registry full (" + indexes.size()
                    + " destinations); start with a larger registry");
        }
        int index = freed.isEmpty() ? next++ : freed.poll();
        byIndex.set(index, destination);
        indexes.put(destination, index);
        rebuildLookup();
        return index;
    }

    /**
     * Control thread: forgets {@code destination}, so its index can be given to another. Call
     * only when no connection entry refers to it any more.
     *
     * @return the index it had, or -1 when it was not registered
     */
    public synchronized int unregister(Destination destination) {
        Integer index = indexes.remove(destination);
        if (index == null) {
            return -1;
        }
        byIndex.set(index, null);
        freed.add(index);
        rebuildLookup();
        return index;
    }

    /** Control thread: destinations registered now. */
    public synchronized int size() {
        return indexes.size();
    }

    /** How many destinations it can hold at once. */
    public int capacity() {
        return byIndex.length();
    }

    private void rebuildLookup() {
        int size = Integer.highestOneBit(Math.max(2, indexes.size() * 3)) << 1;
        Destination[] keys = new Destination[size];
        int[] values = new int[size];
        for (Map.Entry<Destination, Integer> e : indexes.entrySet()) {
            int h = System.identityHashCode(e.getKey()) & (size - 1);
            while (keys[h] != null) {
                h = (h + 1) & (size - 1);
            }
            keys[h] = e.getKey();
            values[h] = e.getValue();
        }
        lookup = new Lookup(keys, values);
    }

    /**
     * Workers: the index of a registered destination (as a scheduler returned it), or -1.
     * Lock-free and allocation-free (an identity hash probe of a published snapshot).
     */
    public int index(Destination destination) {
        Lookup l = lookup;
        Destination[] keys = l.keys();
        int mask = keys.length - 1;
        int h = System.identityHashCode(destination) & mask;
        for (;;) {
            Destination k = keys[h];
            if (k == destination) {
                return l.values()[h];
            }
            if (k == null) {
                return -1;
            }
            h = (h + 1) & mask;
        }
    }

    /** Control thread: the index of a registered destination, or -1. */
    public synchronized int indexOf(Destination destination) {
        Integer known = indexes.get(destination);
        return known == null ? -1 : known;
    }

    /** Workers: the destination at {@code index}, or {@code null} when none. */
    public Destination destination(int index) {
        return index >= 0 && index < byIndex.length() ? byIndex.get(index) : null;
    }
}
