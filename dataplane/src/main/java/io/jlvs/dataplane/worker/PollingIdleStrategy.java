package io.jlvs.dataplane.worker;

import org.agrona.concurrent.IdleStrategy;

/**
 * A worker's idle strategy in the manner of Agrona's {@code BackoffIdleStrategy}, whose last step
 * sleeps in {@code poll()} on the worker's sockets instead of parking: a frame that arrives
 * while the worker sleeps wakes it at once, so no frame ever waits for a timer.
 *
 * <p>After a cycle that found no work: up to {@code spins} busy spins ({@link Thread#onSpinWait}),
 * then up to {@code yields} {@link Thread#yield}s, then {@link Sleeper#sleep} for at most
 * {@code pollTimeoutMs} per call until work comes back ({@link #idle(int)} with a positive count
 * resets it). Spinning keeps the latency of a frame that arrives just after a batch at a few
 * microseconds, at the price of a busy core; on a machine whose cores the worker shares with
 * the servers and the load, fewer spins leave them more. Owned by one worker thread.
 */
public final class PollingIdleStrategy implements IdleStrategy {
    /** Blocks the worker until one of its sockets is readable or the timeout passes. */
    @FunctionalInterface
    public interface Sleeper {
        /** Sleeps at most {@code timeoutMs}; returns early when a frame arrives. */
        void sleep(int timeoutMs);
    }

    private final int maxSpins;
    private final int maxYields;
    private final int pollTimeoutMs;
    private final Sleeper sleeper;
    private int spins;
    private int yields;
    private long sleeps;

    /**
     * @param maxSpins busy spins before yielding (0: none)
     * @param maxYields yields before sleeping (0: none)
     * @param pollTimeoutMs longest sleep, which bounds how late an idle worker notices a stop
     */
    public PollingIdleStrategy(int maxSpins, int maxYields, int pollTimeoutMs, Sleeper sleeper) {
        if (maxSpins < 0 || maxYields < 0 || pollTimeoutMs <= 0) {
            throw new IllegalArgumentException("idle strategy: spins and yields must be >= 0 and the poll timeout > 0;"
                    + " was " + maxSpins + ", " + maxYields + ", " + pollTimeoutMs);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.pollTimeoutMs = pollTimeoutMs;
        this.sleeper = sleeper;
    }

    @Override
    public void idle(int workCount) {
        if (workCount > 0) {
            reset();
        } else {
            idle();
        }
    }

    @Override
    public void idle() {
        if (spins < maxSpins) {
            spins++;
            Thread.onSpinWait();
        } else if (yields < maxYields) {
            yields++;
            Thread.yield();
        } else {
            sleeps++;
            sleeper.sleep(pollTimeoutMs);
        }
    }

    @Override
    public void reset() {
        spins = 0;
        yields = 0;
    }

    @Override
    public String alias() {
        return "poll";
    }

    /** Times the strategy slept in {@code poll()}. */
    public long sleeps() {
        return sleeps;
    }
}
