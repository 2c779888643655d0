package io.jlvs.dataplane.io;

/**
 * Where a worker reads frames on one interface: an AF_PACKET RX ring ({@link RxRing}) or an
 * AF_XDP socket. Owned by one worker thread: every method but {@link #counters()} runs there,
 * and none of the per-frame ones allocates, blocks or throws.
 *
 * <p>The worker's duty cycle: {@link #drain} what is ready; when nothing was ready on any
 * source, ask its idle strategy, whose last step sleeps in {@code poll()} on every source's
 * {@link #fd()} for {@code POLLIN}, and calls {@link #onPollError()} on a {@code POLLERR}.
 */
public interface FrameSource extends AutoCloseable {
    /**
     * Hands up to {@code maxFrames} frames that are ready now to {@code handler}, in arrival
     * order, and gives their slots back to the kernel. Never waits.
     *
     * @return frames handled
     */
    int drain(FrameHandler handler, int maxFrames);

    /** Whether a frame is ready now (one acquire read; no system call). */
    boolean isReady();

    /** The socket to {@code poll()} for {@code POLLIN} while idle. */
    int fd();

    /** A second socket to {@code poll()} while idle (an AF_XDP new-flow ring's), or -1 for none. */
    default int newFlowFd() {
        return -1;
    }

    /** The socket reported {@code POLLERR}: read and clear its error, counting it. */
    void onPollError();

    /**
     * Reads the kernel's counters for this socket ({@code PACKET_STATISTICS},
     * {@code XDP_STATISTICS}) into {@link #counters()}. Owning thread; a system call, so call it
     * now and then (the worker does every few hundred milliseconds, and when it stops).
     */
    void refreshCounters();

    /** This source's counters; any thread may read them. */
    IoCounters counters();

    /** Unmaps and closes; later calls do nothing. Owning thread. */
    @Override
    void close();
}
