package io.jlvs.core.testkit;

import java.lang.management.ManagementFactory;

/**
 * Measures the bytes a piece of code allocates on the calling thread, for the
 * zero-allocation tests of the hot path. Warm the code up first (JIT, class loading),
 * then measure.
 */
public final class Allocations {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private Allocations() {
    }

    /** Bytes allocated by the current thread so far. */
    public static long allocatedBytes() {
        return THREADS.getThreadAllocatedBytes(Thread.currentThread().threadId());
    }

    /**
     * Runs {@code work} and returns the bytes the current thread allocated meanwhile,
     * minus the cost of the measurement itself.
     */
    public static long measure(Runnable work) {
        long overhead = allocatedBytes();
        overhead = allocatedBytes() - overhead;
        long before = allocatedBytes();
        work.run();
        long after = allocatedBytes();
        return Math.max(0, after - before - overhead);
    }
}
