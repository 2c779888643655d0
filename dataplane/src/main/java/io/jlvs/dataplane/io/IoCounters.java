package io.jlvs.dataplane.io;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Counters of one worker's I/O on one interface: frames read, and every frame lost below the
 * pipeline under a named {@link IoDropReason}. Written by the owning worker only (plain adds
 * published with opaque stores, no atomic read-modify-write), read by any thread; readers
 * may lag by a few frames.
 */
public final class IoCounters {
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int RECEIVED = IoDropReason.COUNT;
    private static final int SENT = IoDropReason.COUNT + 1;

    private final String interfaceName;
    private final long[] counts = new long[IoDropReason.COUNT + 2];

    /** Counters for the source or sink on {@code interfaceName}. */
    public IoCounters(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    /** The interface. */
    public String interfaceName() {
        return interfaceName;
    }

    /** Owning thread: {@code n} more frames read from the ring. */
    public void addReceived(long n) {
        add(RECEIVED, n);
    }

    /** Owning thread: {@code n} more frames handed to the kernel for sending. */
    public void addSent(long n) {
        add(SENT, n);
    }

    /** Owning thread: {@code n} more frames lost for {@code reason}. */
    public void addDrops(IoDropReason reason, long n) {
        add(reason.ordinal(), n);
    }

    /** Owning thread: the kernel's cumulative count for {@code reason} is now {@code total}. */
    public void setDrops(IoDropReason reason, long total) {
        LONGS.setOpaque(counts, reason.ordinal(), total);
    }

    private void add(int index, long n) {
        LONGS.setOpaque(counts, index, (long) LONGS.getOpaque(counts, index) + n);
    }

    /** Frames read from the ring. */
    public long received() {
        return (long) LONGS.getOpaque(counts, RECEIVED);
    }

    /** Frames handed to the kernel for sending. */
    public long sent() {
        return (long) LONGS.getOpaque(counts, SENT);
    }

    /** Frames lost for {@code reason}. */
    public long drops(IoDropReason reason) {
        return (long) LONGS.getOpaque(counts, reason.ordinal());
    }

    /** Frames lost for any reason. */
    public long totalDrops() {
        long sum = 0;
        for (IoDropReason r : IoDropReason.values()) {
            sum += drops(r);
        }
        return sum;
    }
}
