package io.jlvs.dataplane.worker;

import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.time.MonotonicClock;
import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.io.FrameSource;
import io.jlvs.dataplane.io.IoCounters;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.sys.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One data-plane thread: an agent whose duty cycle is
 * <ol>
 *   <li>read the clock (once per cycle) and pick up the current service snapshot;</li>
 *   <li>hand up to {@link #MAX_FRAMES_PER_SOURCE} ready frames of each source through the
 *       pipeline (a batch is what is there already: nothing waits for more);</li>
 *   <li>flush every TX sink;</li>
 *   <li>if it is the sweeper, sweep a slice of the connection table proportional to the
 *       time passed, so the whole table is swept every {@code sweepPeriodMs};</li>
 *   <li>every {@link #COUNTER_REFRESH_MS}, read the kernel's drop counters of its sockets;</li>
 *   <li>when the cycle found no frame, ask its {@link PollingIdleStrategy}: spin, yield, then
 *       sleep in {@code poll()} on all its sources until a frame arrives (at most
 *       {@code pollTimeoutMs}), so an idle director costs next to no CPU and a frame that
 *       arrives wakes it at once.</li>
 * </ol>
 * An exception thrown while a frame is handled drops that frame, is counted and logged once per
 * kind ({@link WorkerErrors}), and the worker goes on with the next frame.
 *
 * <p>The sources and sinks belong to this thread: it closes them when it stops. Only one worker
 * may sweep ({@link ConnTracker#sweep} is single-threaded). The worker counts the entries it
 * inserts and removes against credits of its own ({@code ConnTable#attachCredits}), so a new
 * connection writes no counter another worker writes.
 */
public final class Worker implements Runnable {
    /** Frames taken per source per cycle, so one busy interface cannot starve the others. */
    public static final int MAX_FRAMES_PER_SOURCE = 256;
    /** Most slots one cycle sweeps, so a long sleep cannot make one cycle slow. */
    public static final int MAX_SWEEP_SLOTS_PER_CYCLE = 1 << 16;
    /** How often the worker reads its sockets' kernel counters. */
    public static final long COUNTER_REFRESH_MS = 250;

    private final int id;
    private final Pipeline pipeline;
    private final FrameSource[] sources;
    private final FrameSink[] sinks;
    private final FrameHandler[] handlers;
    private final ConnTracker sweeper;
    private final MonotonicClock clock;
    private final long sweepPeriodMs;
    private final PollingIdleStrategy idleStrategy;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollFds;
    private final AutoCloseable[] owned;
    private final WorkerErrors errors;
    private final Consumer<String> log;

    private volatile boolean running = true;
    private long nowMs;
    private long lastSweepMs;
    private long lastRefreshMs;
    private long sweepCredit;
    private long cycles;
    private long idleCycles;
    private long swept;

    /**
     * A worker over {@code sources} (frames from source {@code i} come in on pipeline port {@code i}).
     *
     * @param sweeper the tracker to sweep, or {@code null} when another worker sweeps
     * @param clock the worker's notion of now, read once per duty cycle ({@link MonotonicClock#SYSTEM} in jlvsd)
     * @param idleSpins busy spins before the worker yields, when a cycle found nothing
     * @param idleYields yields after the spins, before it sleeps in {@code poll()}
     * @param log where the first error of each kind is reported, with its stack, and a failure to
     *            close what it owns
     * @param owned what the worker closes when it stops (its sources and TX rings)
     */
    public Worker(int id, Pipeline pipeline, FrameSource[] sources, FrameSink[] sinks, ConnTracker sweeper,
            MonotonicClock clock, int idleSpins, int idleYields, int pollTimeoutMs, long sweepPeriodMs,
            Consumer<String> log, AutoCloseable... owned) {
        this.id = id;
        this.clock = clock;
        this.lastSweepMs = clock.nowMs();
        this.lastRefreshMs = lastSweepMs;
        this.pipeline = pipeline;
        this.sources = sources.clone();
        this.sinks = sinks.clone();
        this.sweeper = sweeper;
        this.sweepPeriodMs = Math.max(1, sweepPeriodMs);
        this.owned = owned.clone();
        this.errors = new WorkerErrors(id, log);
        this.log = log;
        this.handlers = new FrameHandler[sources.length];
        for (int i = 0; i < sources.length; i++) {
            handlers[i] = handler(i);
        }
        // Two entries per source: its socket and its new-flow socket (-1, which poll() skips, when none).
        this.pollFds = arena.allocate(LibC.POLLFD, Math.max(1, 2 * sources.length));
        for (int i = 0; i < sources.length; i++) {
            int[] fds = {sources[i].fd(), sources[i].newFlowFd()};
            for (int j = 0; j < 2; j++) {
                long at = (2L * i + j) * LibC.POLLFD.byteSize();
                pollFds.set(ValueLayout.JAVA_INT, at, fds[j]);
                pollFds.set(ValueLayout.JAVA_SHORT, at + LibC.POLLFD_EVENTS_OFFSET,
                        (short) (LibC.POLLIN | LibC.POLLERR));
            }
        }
        this.idleStrategy = new PollingIdleStrategy(idleSpins, idleYields, pollTimeoutMs, this::sleep);
    }

    private FrameHandler handler(int port) {
        return (ring, offset, lengthBytes, wireLengthBytes, status) -> {
            if (wireLengthBytes > lengthBytes) {
                pipeline.dropTruncated();
                return;
            }
            try {
                pipeline.process(port, ring, offset, lengthBytes, status, nowMs);
            } catch (RuntimeException e) {
                pipeline.dropWorkerError();
                errors.record(e);
            }
        };
    }

    /** The monotonic millisecond clock jlvsd's workers and listings share ({@link MonotonicClock#SYSTEM}). */
    public static long clockMs() {
        return MonotonicClock.SYSTEM.nowMs();
    }

    @Override
    public void run() {
        lastSweepMs = clock.nowMs();
        lastRefreshMs = lastSweepMs;
        pipeline.table().attachCredits();
        try {
            while (running) {
                int frames = doWork();
                if (frames == 0) {
                    idleCycles++;
                }
                idleStrategy.idle(frames);
            }
        } finally {
            pipeline.table().detachCredits();
            for (FrameSink sink : sinks) {
                sink.flush();
            }
            for (FrameSource source : sources) {
                source.refreshCounters();
            }
            for (AutoCloseable c : owned) {
                try {
                    c.close();
                } catch (Exception e) {
                    log.accept("worker " + id + ": closing " + c + ": " + e.getMessage());
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
        nowMs = clock.nowMs();
        pipeline.refresh();
        int frames = 0;
        for (int i = 0; i < sources.length; i++) {
            frames += sources[i].drain(handlers[i], MAX_FRAMES_PER_SOURCE);
        }
        for (FrameSink sink : sinks) {
            sink.flush();
        }
        if (sweeper != null) {
            sweep(sweeper);
        }
        if (nowMs - lastRefreshMs >= COUNTER_REFRESH_MS) {
            lastRefreshMs = nowMs;
            for (FrameSource source : sources) {
                source.refreshCounters();
            }
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

    /** Sleeps in {@code poll()} on every source until one is readable or {@code timeoutMs} passes. */
    private void sleep(int timeoutMs) {
        int n = sources.length;
        if (n == 0) {
            LibC.poll(pollFds, 0, timeoutMs);
            return;
        }
        for (int i = 0; i < n; i++) {
            if (sources[i].isReady()) {
                return;
            }
        }
        for (int i = 0; i < 2 * n; i++) {
            pollFds.set(ValueLayout.JAVA_SHORT, i * LibC.POLLFD.byteSize() + LibC.POLLFD_REVENTS_OFFSET, (short) 0);
        }
        if (LibC.poll(pollFds, 2 * n, timeoutMs) > 0) {
            for (int i = 0; i < 2 * n; i++) {
                short revents = pollFds.get(ValueLayout.JAVA_SHORT,
                        i * LibC.POLLFD.byteSize() + LibC.POLLFD_REVENTS_OFFSET);
                if ((revents & LibC.POLLERR) != 0) {
                    sources[i / 2].onPollError();
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

    /** Its frame sources, one per port; their {@link FrameSource#counters()} may be read from any thread. */
    public List<FrameSource> sources() {
        return List.of(sources);
    }

    /** Its pipeline's and sockets' counters; any thread may read them. */
    public WorkerCounters counters() {
        List<IoCounters> io = new ArrayList<>(sources.length);
        for (FrameSource source : sources) {
            io.add(source.counters());
        }
        return new WorkerCounters(pipeline.counters(), io, errors.counts());
    }

    /** Duty cycles run. */
    public long cycles() {
        return cycles;
    }

    /** Cycles that found no frame. */
    public long idleCycles() {
        return idleCycles;
    }

    /** Times the worker slept in {@code poll()}. */
    public long sleeps() {
        return idleStrategy.sleeps();
    }

    /** Connection entries the sweeps removed. */
    public long swept() {
        return swept;
    }
}
