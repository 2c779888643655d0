package io.jlvs.dataplane.worker;

import io.jlvs.config.model.IoSettings;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.time.MonotonicClock;
import io.jlvs.dataplane.io.FrameSource;
import io.jlvs.dataplane.io.IoCounters;
import io.jlvs.dataplane.io.IoDropReason;
import io.jlvs.dataplane.io.RawIpOutput;
import io.jlvs.dataplane.io.RxRing;
import io.jlvs.dataplane.io.RxRingConfig;
import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.io.TxRingConfig;
import io.jlvs.dataplane.io.XskConfig;
import io.jlvs.dataplane.io.XskSocket;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.pipeline.IpOutput;
import io.jlvs.dataplane.pipeline.NextHops;
import io.jlvs.dataplane.pipeline.Pipeline;
import io.jlvs.dataplane.pipeline.PipelineCounters;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.dataplane.xdp.XdpFilter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * The workers of a director and their sockets: per worker and interface either an RX ring
 * ({@code ETH_P_ALL}, TPACKET_V2, {@code PACKET_IGNORE_OUTGOING}) in a
 * {@code PACKET_FANOUT_HASH} group shared by the workers on that interface and a TX ring
 * ({@code PACKET_QDISC_BYPASS}), or an AF_XDP socket on the worker's RX queue fed by the
 * interface's {@link XdpFilter}. Worker 0 sweeps the connection table.
 *
 * <p>Control thread: {@link #open}, {@link #start}, {@link #close}; counters may be read
 * from any thread and lag a little.
 */
public final class DataPlane implements AutoCloseable {
    /** Longest sleep of an idle worker in {@code poll()}, after which it checks for a stop and sweeps. */
    public static final int POLL_TIMEOUT_MS = 100;
    /** The whole connection table is swept once per this period. */
    public static final long SWEEP_PERIOD_MS = 4_000;

    private final List<Worker> workers;
    private final List<Thread> threads = new ArrayList<>();

    private DataPlane(List<Worker> workers) {
        this.workers = List.copyOf(workers);
    }

    /**
     * Opens the rings of {@code workerCount} workers on {@code ports} and builds their
     * pipelines, with the default ring sizes and idle strategy, on AF_PACKET, logging to
     * standard error. On failure, what was opened is closed again.
     *
     * @throws NativeException naming the socket call that failed
     */
    public static DataPlane open(List<Port> ports, int workerCount, ConnTracker tracker, ServiceTable services,
            NextHops nextHops, ArpHandler arp) throws NativeException {
        return open(ports, workerCount, IoSettings.DEFAULT, List.of(), tracker, services, nextHops, worker -> arp,
                System.err::println);
    }

    /**
     * Opens the sockets of {@code workerCount} workers on {@code ports} with the ring size and
     * idle strategy of {@code io}, and builds their pipelines, each worker with an ARP handler of
     * its own ({@code arpOfWorker} is given the worker's number, for handlers that keep
     * per-thread scratch state). With {@code xdp} (one attached {@link XdpFilter} per port, in
     * port order) each worker {@code w} reads and sends through an AF_XDP socket on RX queue
     * {@code w} of every port, with a new-flow ring a quarter as large as its RX ring for the TCP SYNs
     * to services (read after the other frames, so a SYN flood cannot crowd established flows
     * out), registered in that port's filter; with an empty list, through
     * AF_PACKET rings, likewise with a new-flow ring a quarter as large beside each. {@code errors} gets the workers' errors and the fallbacks they take, one
     * message each. On failure, what was opened is closed again.
     *
     * @throws NativeException naming the socket call that failed
     */
    public static DataPlane open(List<Port> ports, int workerCount, IoSettings io, List<XdpFilter> xdp,
            ConnTracker tracker, ServiceTable services, NextHops nextHops, IntFunction<ArpHandler> arpOfWorker,
            Consumer<String> errors) throws NativeException {
        if (!xdp.isEmpty() && xdp.size() != ports.size()) {
            throw new IllegalArgumentException("one XDP filter per port: " + xdp.size() + " for " + ports.size());
        }
        int[] fanoutGroups = new int[ports.size()];
        long pid = ProcessHandle.current().pid();
        for (int p = 0; p < ports.size(); p++) {
            fanoutGroups[p] = (int) ((pid * 8 + p) & 0xFFFF);
        }
        Port[] portArray = ports.toArray(new Port[0]);
        List<AutoCloseable> opened = new ArrayList<>();
        List<Worker> workers = new ArrayList<>();
        try {
            for (int w = 0; w < workerCount; w++) {
                FrameSource[] rx = new FrameSource[ports.size()];
                FrameSink[] sinks = new FrameSink[ports.size()];
                List<AutoCloseable> owned = new ArrayList<>();
                for (int p = 0; p < ports.size(); p++) {
                    Port port = ports.get(p);
                    if (!xdp.isEmpty()) {
                        int chunks = Integer.highestOneBit(io.rxRingFrames() - 1) << 1;
                        XskSocket xsk = XskSocket.open(XskConfig.of(port.name()).withQueue(w)
                                .withFrames(chunks, XskConfig.DEFAULT_TX_FRAMES).withNewFlowFrames(Math.max(2, chunks / 4)));
                        opened.add(xsk);
                        owned.add(xsk);
                        xdp.get(p).register(xsk);
                        rx[p] = xsk;
                        sinks[p] = xsk.sink();
                        continue;
                    }
                    RxRingConfig rxConfig = RxRingConfig.of(port.name()).withFrames(io.rxRingFrames())
                            .withNewFlowFrames(io.rxRingFrames() / 4).withFanoutGroup(fanoutGroups[p])
                            .withIgnoreOutgoing(true);
                    rx[p] = RxRing.open(rxConfig, port.ifindex());
                    opened.add(rx[p]);
                    owned.add(rx[p]);
                    TxRing tx = TxRing.open(TxRingConfig.of(port.name()), port.ifindex());
                    opened.add(tx);
                    owned.add(tx);
                    sinks[p] = new TxRingSink(tx);
                }
                IpOutput kernelOutput = openKernelOutput(w, errors);
                if (kernelOutput instanceof RawIpOutput raw) {
                    opened.add(raw);
                    owned.add(raw);
                }
                Pipeline pipeline = new Pipeline(w, tracker, services, services.newCounters(), portArray, sinks,
                        nextHops, arpOfWorker.apply(w), kernelOutput);
                workers.add(new Worker(w, pipeline, rx, sinks, w == 0 ? tracker : null, MonotonicClock.SYSTEM,
                        io.idleSpins(),
                        io.idleYields(), POLL_TIMEOUT_MS, SWEEP_PERIOD_MS, errors,
                        owned.toArray(new AutoCloseable[0])));
            }
        } catch (NativeException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        return new DataPlane(workers);
    }

    /**
     * The kernel's IP output for worker {@code w}'s packets to next hops not resolved yet, or
     * {@link IpOutput#NONE} (with one message to {@code errors} saying why) when no raw socket can
     * be opened: such packets are then dropped as {@code no_next_hop}.
     */
    private static IpOutput openKernelOutput(int w, Consumer<String> errors) {
        try {
            return RawIpOutput.open();
        } catch (NativeException e) {
            errors.accept("worker " + w + ": no kernel IP output (" + e.getMessage()
                    + "); packets to next hops not resolved yet are dropped as no_next_hop");
            return IpOutput.NONE;
        }
    }

    /** Starts one thread per worker. */
    public synchronized void start() {
        if (!threads.isEmpty()) {
            throw new IllegalStateException("already started");
        }
        for (Worker worker : workers) {
            Thread t = new Thread(worker, "jlvs-worker-" + worker.id());
            threads.add(t);
            t.start();
        }
    }

    /** The workers. */
    public List<Worker> workers() {
        return workers;
    }

    /** The pipelines' counters summed over the workers. */
    public PipelineCounters counters() {
        PipelineCounters totals = new PipelineCounters();
        for (Worker worker : workers) {
            worker.pipeline().counters().addTo(totals);
        }
        return totals;
    }

    /**
     * One line for the operator: frames read, the pipeline's verdicts, and the frames lost below
     * it by reason, all workers and interfaces summed, such as {@code frames read 120, forwarded
     * 100, replied 0, passed 15, dropped 5; lost in the rings 0}.
     */
    public String summary() {
        PipelineCounters c = counters();
        long read = 0;
        long[] lost = new long[IoDropReason.COUNT];
        for (Worker worker : workers) {
            for (IoCounters io : worker.counters().io()) {
                read += io.received();
                for (IoDropReason r : IoDropReason.values()) {
                    lost[r.ordinal()] += io.drops(r);
                }
            }
        }
        StringBuilder line = new StringBuilder("frames read ").append(read);
        for (PipelineVerdict v : PipelineVerdict.values()) {
            line.append(", ").append(v.name().toLowerCase(Locale.ROOT)).append(' ').append(c.verdictCount(v));
        }
        long total = 0;
        StringBuilder reasons = new StringBuilder();
        for (IoDropReason r : IoDropReason.values()) {
            long n = lost[r.ordinal()];
            total += n;
            if (n != 0) {
                reasons.append(reasons.isEmpty() ? " (" : ", ").append(r.label()).append(' ').append(n);
            }
        }
        line.append("; lost in the rings ").append(total);
        if (!reasons.isEmpty()) {
            line.append(reasons).append(')');
        }
        return line.toString();
    }

    /**
     * Stops the workers and waits for them (within a poll timeout); each closes its rings.
     * Workers never started have their rings closed here. An interrupt does not cut the wait
     * short, so rings are never unmapped under a running worker; it is restored afterwards.
     */
    @Override
    public synchronized void close() {
        for (Worker worker : workers) {
            worker.stop();
        }
        if (threads.isEmpty()) {
            for (Worker worker : workers) {
                worker.run();
            }
            return;
        }
        boolean interrupted = false;
        for (Thread t : threads) {
            while (t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
