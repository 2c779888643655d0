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

    /**
     * Measures {@code work} up to {@code attempts} times and returns the least it
     * allocated, stopping at the first run that allocates nothing. A one-off allocation
     * by the runtime (the JIT recompiling or deoptimising a method while it runs) shows in
     * one run only; garbage made per call shows in every run, so the test still fails.
     * {@code work} must be safe to run repeatedly.
     */
    public static long leastOf(int attempts, Runnable work) {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < attempts && least > 0; i++) {
            least = Math.min(least, measure(work));
        }
        return least;
    }
}
