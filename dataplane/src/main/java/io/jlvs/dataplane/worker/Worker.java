package io.jlvs.dataplane.worker;

import io.jlvs.core.conn.ConnTracker;
import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.io.RxRing;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.sys.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One data-plane thread: an agent whose duty cycle is
 * <ol>
 *   <li>read the clock (once per cycle) and pick up the current service snapshot;</li>
 *   <li>drain up to {@link #MAX_BLOCKS_PER_RING} ready blocks of each RX ring through the
 *       pipeline;</li>
 *   <li>flush every TX sink;</li>
 *   <li>if it is the sweeper, sweep a slice of the connection table proportional to the
 *       time passed, so the whole table is swept every {@code sweepPeriodMs};</li>
 *   <li>when the cycle found no frame, sleep in {@code poll()} on all its RX sockets for at
 *       most {@code pollTimeoutMs}, so an idle director costs next to no CPU.</li>
 * </ol>
 * The rings and sinks belong to this thread: it closes them when it stops. Only one worker
 * may sweep ({@link ConnTracker#sweep} is single-threaded).
 */
public final class Worker implements Runnable {
    /** Blocks drained per ring per cycle, so one busy interface cannot starve the others. */
    public static final int MAX_BLOCKS_PER_RING = 8;
    /** Most slots one cycle sweeps, so a long sleep cannot make one cycle slow. */
    public static final int MAX_SWEEP_SLOTS_PER_CYCLE = 1 << 16;

    private final int id;
    private final Pipeline pipeline;
    private final RxRing[] rings;
    private final FrameSink[] sinks;
    private final FrameHandler[] handlers;
    private final ConnTracker sweeper;
    private final int pollTimeoutMs;
    private final long sweepPeriodMs;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollFds;
    private final AutoCloseable[] owned;

    private volatile boolean running = true;
    private long nowMs;
    private long lastSweepMs;
    private long sweepCredit;
    private long cycles;
    private long idleCycles;
    private long swept;

    /**
     * A worker over {@code rings} (frames from ring {@code i} come in on pipeline port {@code i}).
     *
     * @param sweeper the tracker to sweep, or {@code null} when another worker sweeps
     * @param owned what the worker closes when it stops (its rings and TX rings)
     */
    public Worker(int id, Pipeline pipeline, RxRing[] rings, FrameSink[] sinks, ConnTracker sweeper,
            int pollTimeoutMs, long sweepPeriodMs, AutoCloseable... owned) {
        this.id = id;
        this.pipeline = pipeline;
        this.rings = rings.clone();
        this.sinks = sinks.clone();
        this.sweeper = sweeper;
        this.pollTimeoutMs = pollTimeoutMs;
        this.sweepPeriodMs = Math.max(1, sweepPeriodMs);
        this.owned = owned.clone();
        this.handlers = new FrameHandler[rings.length];
        for (int i = 0; i < rings.length; i++) {
            handlers[i] = handler(i);
        }
        this.pollFds = arena.allocate(LibC.POLLFD, Math.max(1, rings.length));
        for (int i = 0; i < rings.length; i++) {
            long at = i * LibC.POLLFD.byteSize();
            pollFds.set(ValueLayout.JAVA_INT, at, rings[i].fd());
            pollFds.set(ValueLayout.JAVA_SHORT, at + LibC.POLLFD_EVENTS_OFFSET, (short) (LibC.POLLIN | LibC.POLLERR));
        }
    }

    private FrameHandler handler(int port) {
        return (ring, offset, lengthBytes, wireLengthBytes, status) -> {
            if (wireLengthBytes > lengthBytes) {
                pipeline.dropTruncated();
            } else {
                pipeline.process(port, ring, offset, lengthBytes, status, nowMs);
            }
        };
    }

    /** The monotonic millisecond clock workers and listings share. */
    public static long clockMs() {
        return System.nanoTime() / 1_000_000;
    }

    @Override
    public void run() {
        lastSweepMs = clockMs();
        try {
            while (running) {
                if (doWork() == 0) {
                    idleCycles++;
                    idle();
                }
            }
        } finally {
            for (FrameSink sink : sinks) {
                sink.flush();
            }
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("jlvsd: worker " + id + ": closing " + c + ": " + e.getMessage());
                }
            }
            arena.close();
        }
    }

    /**
     * One duty cycle without the idle step. Worker thread; allocation-free.
     *
     * @return frames handled
     */
    public int doWork() {
        cycles++;
        nowMs = clockMs();
        pipeline.refresh();
        int frames = 0;
        for (int i = 0; i < rings.length; i++) {
            frames += rings[i].drain(handlers[i], MAX_BLOCKS_PER_RING);
        }
        for (FrameSink sink : sinks) {
            sink.flush();
        }
        if (sweeper != null) {
            sweep(sweeper);
        }
        return frames;
    }

    private void sweep(ConnTracker tracker) {
        long elapsedMs = nowMs - lastSweepMs;
        lastSweepMs = nowMs;
        int slots = tracker.table().slotCount();
        sweepCredit = Math.min(sweepCredit + slots * elapsedMs / sweepPeriodMs + 1, slots);
        int n = (int) Math.min(sweepCredit, MAX_SWEEP_SLOTS_PER_CYCLE);
        if (n > 0) {
            swept += tracker.sweep(nowMs, n);
            sweepCredit -= n;
        }
    }

    private void idle() {
        if (rings.length == 1) {
            rings[0].awaitBlock(pollTimeoutMs);
        } else if (rings.length > 1) {
            for (int i = 0; i < rings.length; i++) {
                pollFds.set(ValueLayout.JAVA_SHORT, i * LibC.POLLFD.byteSize() + LibC.POLLFD_REVENTS_OFFSET, (short) 0);
            }
            if (LibC.poll(pollFds, rings.length, pollTimeoutMs) > 0) {
                for (int i = 0; i < rings.length; i++) {
                    short revents = pollFds.get(ValueLayout.JAVA_SHORT,
                            i * LibC.POLLFD.byteSize() + LibC.POLLFD_REVENTS_OFFSET);
                    if ((revents & LibC.POLLERR) != 0) {
                        rings[i].awaitBlock(0);
                    }
                }
            }
        }
    }

    /** Asks the loop to stop after the current cycle (it then wakes within the poll timeout). */
    public void stop() {
        running = false;
    }

    /** The worker's number. */
    public int id() {
        return id;
    }

    /** Its pipeline (counters are read from there). */
    public Pipeline pipeline() {
        return pipeline;
    }

    /** Duty cycles run. */
    public long cycles() {
        return cycles;
    }

    /** Cycles that found no frame and slept. */
    public long idleCycles() {
        return idleCycles;
    }

    /** Connection entries the sweeps removed. */
    public long swept() {
        return swept;
    }
}
