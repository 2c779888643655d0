package io.jlvs.dataplane.io;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.AfXdp;
import io.jlvs.dataplane.sys.Errno;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * An AF_XDP socket on one RX queue of one interface, with its own UMEM: the receive side as a
 * {@link FrameSource}, the send side as {@link #sink()}; optionally a second socket on the same
 * queue for new flows.
 *
 * <p>Four single-producer single-consumer rings of u32 indexes (free-running, compared modulo
 * 2^32) share the UMEM with the kernel:
 * <pre>
 * UMEM:  | rx chunk 0 | ... | rx chunk R-1 | tx chunk 0 | ... | tx chunk T-1 |   (frameBytes each)
 *
 * fill        user -> kernel   empty RX chunks        (every RX chunk at the start)
 * RX          kernel -> user   received frames        xdp_desc{addr, len}; addr = chunk + 256
 * TX          user -> kernel   frames to send         xdp_desc{addr, len}; addr = chunk
 * completion  kernel -> user   sent TX chunks          (T entries)
 * </pre>
 * The packet path, in order, all on the owning worker thread, without allocation or locks:
 * <ol>
 * <li>{@link #drain}: one acquire read of the RX producer; each frame is handed to the
 *     {@link FrameHandler} in place ({@code umem, addr, len, len, status 0}), then its chunk goes
 *     straight back into the fill ring; one release store each publishes the RX consumer and
 *     the fill producer. The fill ring holds every RX chunk, so it is always topped up.
 * <li>{@link XskSink#claim}/{@link XskSink#commit}: a free TX chunk, then a TX descriptor.
 * <li>{@link XskSink#flush}, once per batch: a release store publishes the TX producer; a
 *     {@code sendto(fd, NULL, 0, MSG_DONTWAIT)} kicks the kernel when frames are outstanding and
 *     the TX ring asks for it (with {@code XDP_USE_NEED_WAKEUP}; always without); the
 *     completion ring is reaped into the free list.
 * </ol>
 *
 * <p><b>The new-flow ring</b> ({@link XskConfig#newFlowFrames()} above 0): a second AF_XDP
 * socket bound to the same interface and queue with {@code XDP_SHARED_UMEM}, so it shares the
 * UMEM and the fill ring and has an RX ring of its own. The XDP program sends it the TCP SYNs
 * (SYN without ACK, RST or FIN) addressed to a virtual service, and every other frame to the
 * first socket. {@link #drain} reads the first ring before it, and gives it what is left of the
 * budget (at least {@link #NEW_FLOW_MIN_BUDGET} frames): a flood of SYNs overflows the new-flow
 * ring, counted as {@link IoDropReason#NEW_FLOW_RING_FULL}, while the frames of established
 * flows keep a ring of their own and are read first. It has as many extra RX chunks as entries,
 * so a full new-flow ring never leaves the first ring short of chunks. The kernel's IPVS has no
 * such queue: it handles every frame in softirq, where a user-space director has one ring per
 * socket to share.
 *
 * <p>The frames the XDP program redirects reach these sockets once {@code XdpFilter.register}
 * put them in the XSKMAP. Copy mode ({@code XDP_COPY}) is used, which every driver has (veth has
 * no zero-copy). Owned by one worker thread: everything but {@link #counters()} runs there; open
 * and close may run on the control thread before and after.
 */
public final class XskSocket implements FrameSource {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int SOCKET_ERROR_BYTES = 4;

    private final XskConfig config;
    private final int fd;
    private final int ifindex;
    private final Arena arena;
    private final MemorySegment umem;
    private final long chunkMask;
    private final boolean needWakeup;

    private final Rx rx;
    private final Rx newFlows;
    private final int newFlowFd;

    private final MemorySegment fill;
    private final long fillProducer;
    private final long fillDesc;
    private final long fillFlags;
    private final int fillMask;
    private int fillTail;
    private long newFlowFramesReceived;

    private final MemorySegment pollFd;
    private final MemorySegment scratch;
    private final MemorySegment scratchLength;
    private final IoCounters counters;
    private final XskSink sink;
    private int statisticsBytes;
    private long socketErrors;
    private long fillWakeups;
    private long kernelRxDropped;
    private boolean closed;

    /** Frames {@link #drain} may read from the new-flow ring however full the first ring is. */
    public static final int NEW_FLOW_MIN_BUDGET = 16;

    /** One RX ring: where its producer, consumer and descriptors lie, and how far it was read. */
    private static final class Rx {
        final MemorySegment ring;
        final long producer;
        final long consumer;
        final long desc;
        final int mask;
        int head;

        Rx(MemorySegment ring, AfXdp.RingOffsets offsets, int entries) {
            this.ring = ring;
            this.producer = offsets.producer();
            this.consumer = offsets.consumer();
            this.desc = offsets.desc();
            this.mask = entries - 1;
        }

        int ready() {
            return (int) INT.getAcquire(ring, producer) - head;
        }
    }

    private XskSocket(XskConfig config, int fd, int ifindex, Arena arena, MemorySegment umem,
                      AfXdp.RingOffsets[] offsets, MemorySegment[] rings, boolean needWakeup,
                      int newFlowFd, Rx newFlows) {
        this.config = config;
        this.fd = fd;
        this.ifindex = ifindex;
        this.arena = arena;
        this.umem = umem;
        this.chunkMask = ~((long) config.frameBytes() - 1);
        this.needWakeup = needWakeup;
        this.rx = new Rx(rings[AfXdp.RX], offsets[AfXdp.RX], config.rxFrames());
        this.newFlowFd = newFlowFd;
        this.newFlows = newFlows;
        this.fill = rings[AfXdp.FILL];
        this.fillProducer = offsets[AfXdp.FILL].producer();
        this.fillDesc = offsets[AfXdp.FILL].desc();
        this.fillFlags = offsets[AfXdp.FILL].flags();
        this.fillMask = config.fillFrames() - 1;
        this.counters = new IoCounters(config.interfaceName());
        this.pollFd = arena.allocate(LibC.POLLFD);
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, LibC.POLLFD_EVENTS_OFFSET, (short) (LibC.POLLIN | LibC.POLLERR));
        this.scratch = arena.allocate(AfXdp.STATISTICS_BYTES, 8);
        this.scratchLength = arena.allocate(JAVA_INT);
        this.sink = new XskSink(this, umem, rings[AfXdp.TX], offsets[AfXdp.TX], rings[AfXdp.COMPLETION],
                offsets[AfXdp.COMPLETION], config, needWakeup);
        // Every RX chunk starts in the fill ring.
        for (int i = 0; i < config.rxChunks(); i++) {
            fill.set(JAVA_LONG, fillDesc + (long) i * AfXdp.ADDR_BYTES, (long) i * config.frameBytes());
        }
        fillTail = config.rxChunks();
        INT.setRelease(fill, fillProducer, fillTail);
    }

    /**
     * Opens the socket: UMEM (page-aligned, zeroed), {@code XDP_UMEM_REG}, the four ring sizes,
     * {@code XDP_MMAP_OFFSETS}, four mmaps, then {@code bind} in copy mode (with
     * {@code XDP_USE_NEED_WAKEUP} when asked and accepted); with a new-flow ring, a second socket
     * with only an RX ring, bound with {@code XDP_SHARED_UMEM}. Control path. The sockets receive
     * nothing until they are registered in the XDP program's XSKMAP.
     *
     * @throws NativeException naming the call that failed and its errno
     */
    public static XskSocket open(XskConfig config) throws NativeException {
        int ifindex = AfPacket.interfaceIndex(config.interfaceName());
        int fd = AfXdp.openSocket();
        int newFlowFd = -1;
        Arena arena = Arena.ofShared();
        try {
            MemorySegment umem = arena.allocate(config.umemBytes(), LibC.pageSize());
            AfXdp.registerUmem(fd, umem, config.frameBytes());
            AfXdp.setRingSize(fd, AfXdp.XDP_UMEM_FILL_RING, config.fillFrames(), "XDP_UMEM_FILL_RING");
            AfXdp.setRingSize(fd, AfXdp.XDP_UMEM_COMPLETION_RING, config.txFrames(), "XDP_UMEM_COMPLETION_RING");
            AfXdp.setRingSize(fd, AfXdp.XDP_RX_RING, config.rxFrames(), "XDP_RX_RING");
            AfXdp.setRingSize(fd, AfXdp.XDP_TX_RING, config.txFrames(), "XDP_TX_RING");
            AfXdp.RingOffsets[] offsets = AfXdp.mmapOffsets(fd);
            MemorySegment[] rings = new MemorySegment[4];
            rings[AfXdp.RX] = AfXdp.mapRing(fd, offsets[AfXdp.RX].desc() + (long) config.rxFrames() * AfXdp.DESC_BYTES,
                    AfXdp.XDP_PGOFF_RX_RING, "RX", arena);
            rings[AfXdp.TX] = AfXdp.mapRing(fd, offsets[AfXdp.TX].desc() + (long) config.txFrames() * AfXdp.DESC_BYTES,
                    AfXdp.XDP_PGOFF_TX_RING, "TX", arena);
            rings[AfXdp.FILL] = AfXdp.mapRing(fd, offsets[AfXdp.FILL].desc()
                    + (long) config.fillFrames() * AfXdp.ADDR_BYTES, AfXdp.XDP_UMEM_PGOFF_FILL_RING, "fill", arena);
            rings[AfXdp.COMPLETION] = AfXdp.mapRing(fd, offsets[AfXdp.COMPLETION].desc()
                    + (long) config.txFrames() * AfXdp.ADDR_BYTES, AfXdp.XDP_UMEM_PGOFF_COMPLETION_RING,
                    "completion", arena);
            boolean needWakeup = config.needWakeup();
            if (needWakeup) {
                try {
                    AfXdp.bind(fd, ifindex, config.queue(), AfXdp.XDP_COPY | AfXdp.XDP_USE_NEED_WAKEUP);
                } catch (NativeException e) {
                    if (e.errno() != Errno.EINVAL) {
                        throw e;
                    }
                    needWakeup = false;
                    AfXdp.bind(fd, ifindex, config.queue(), AfXdp.XDP_COPY);
                }
            } else {
                AfXdp.bind(fd, ifindex, config.queue(), AfXdp.XDP_COPY);
            }
            Rx newFlows = null;
            if (config.newFlowFrames() > 0) {
                newFlowFd = AfXdp.openSocket();
                AfXdp.setRingSize(newFlowFd, AfXdp.XDP_RX_RING, config.newFlowFrames(), "XDP_RX_RING (new flows)");
                AfXdp.RingOffsets rxOffsets = AfXdp.mmapOffsets(newFlowFd)[AfXdp.RX];
                MemorySegment ring = AfXdp.mapRing(newFlowFd, rxOffsets.desc()
                        + (long) config.newFlowFrames() * AfXdp.DESC_BYTES, AfXdp.XDP_PGOFF_RX_RING,
                        "RX (new flows)", arena);
                AfXdp.bindShared(newFlowFd, ifindex, config.queue(), fd);
                newFlows = new Rx(ring, rxOffsets, config.newFlowFrames());
            }
            return new XskSocket(config, fd, ifindex, arena, umem, offsets, rings, needWakeup, newFlowFd, newFlows);
        } catch (NativeException | RuntimeException e) {
            arena.close();
            if (newFlowFd >= 0) {
                LibC.close(newFlowFd);
            }
            LibC.close(fd);
            throw e;
        }
    }

    /**
     * Hands up to {@code maxFrames} received frames to {@code handler} in place, in arrival
     * order, and puts their chunks back in the fill ring; then, with a new-flow ring, up to what
     * is left of {@code maxFrames} (at least {@link #NEW_FLOW_MIN_BUDGET}) of its frames. Never
     * waits; does not allocate.
     *
     * @return frames handled
     */
    @Override
    public int drain(FrameHandler handler, int maxFrames) {
        int frames = drain(rx, handler, maxFrames);
        Rx newFlows = this.newFlows;
        if (newFlows != null) {
            int more = drain(newFlows, handler, Math.max(maxFrames - frames, NEW_FLOW_MIN_BUDGET));
            newFlowFramesReceived += more;
            frames += more;
        }
        if (frames > 0 && needWakeup && ((int) INT.getAcquire(fill, fillFlags) & AfXdp.XDP_RING_NEED_WAKEUP) != 0) {
            fillWakeups++;
            pollFd.set(JAVA_SHORT, LibC.POLLFD_REVENTS_OFFSET, (short) 0);
            LibC.poll(pollFd, 1, 0);
        }
        return frames;
    }

    private int drain(Rx from, FrameHandler handler, int maxFrames) {
        MemorySegment ring = from.ring;
        MemorySegment fill = this.fill;
        MemorySegment umem = this.umem;
        int head = from.head;
        int frames = Math.min(from.ready(), maxFrames);
        if (frames <= 0) {
            return 0;
        }
        int tail = fillTail;
        int done = 0;
        try {
            while (done < frames) {
                long desc = from.desc + (long) ((head + done) & from.mask) * AfXdp.DESC_BYTES;
                long addr = ring.get(JAVA_LONG, desc);
                int length = ring.get(JAVA_INT, desc + 8);
                // The kernel sees the chunk again only at the release store below, after the handler.
                fill.set(JAVA_LONG, fillDesc + (long) ((tail + done) & fillMask) * AfXdp.ADDR_BYTES, addr & chunkMask);
                done++;
                handler.onFrame(umem, addr, length, length, FrameHandler.STATUS_CHECKSUM_UNKNOWN);
            }
        } finally {
            // Also when a handler threw: the frames it saw, the one that threw included, are consumed.
            from.head = head + done;
            fillTail = tail + done;
            INT.setRelease(ring, from.consumer, from.head);
            INT.setRelease(fill, fillProducer, fillTail);
            counters.addReceived(done);
        }
        return frames;
    }

    @Override
    public boolean isReady() {
        return rx.ready() != 0 || newFlows != null && newFlows.ready() != 0;
    }

    /** Frames waiting in the RX rings now (one acquire read each; no system call). */
    public int readyFrames() {
        return rx.ready() + (newFlows == null ? 0 : newFlows.ready());
    }

    @Override
    public int fd() {
        return fd;
    }

    /** The new-flow socket, or -1 without a new-flow ring. */
    @Override
    public int newFlowFd() {
        return newFlowFd;
    }

    /** Frames read from the new-flow ring so far. */
    public long newFlowFramesReceived() {
        return newFlowFramesReceived;
    }

    /** A failed {@code poll()} or a pending socket error: count it and clear the error, of both sockets. */
    @Override
    public void onPollError() {
        socketErrors++;
        scratchLength.set(JAVA_INT, 0, SOCKET_ERROR_BYTES);
        LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ERROR, scratch, scratchLength);
        if (newFlowFd >= 0) {
            scratchLength.set(JAVA_INT, 0, SOCKET_ERROR_BYTES);
            LibC.getsockopt(newFlowFd, LibC.SOL_SOCKET, LibC.SO_ERROR, scratch, scratchLength);
        }
    }

    /**
     * Reads {@code XDP_STATISTICS} (cumulative; the kernel does not reset them) into
     * {@link #counters()}: {@code rx_dropped}, {@code rx_invalid_descs}, {@code tx_invalid_descs},
     * and when the kernel returns all 48 bytes {@code rx_ring_full} and
     * {@code rx_fill_ring_empty_descs}. In copy mode the kernel counts a frame that found the
     * fill ring empty in both {@code rx_dropped} and {@code rx_fill_ring_empty_descs}, so
     * {@link IoDropReason#XDP_RX_DROPPED} gets the difference (never below 0) and
     * {@link IoCounters#totalDrops()} counts each lost frame once. The new-flow socket's
     * statistics are read too: its {@code rx_ring_full} is
     * {@link IoDropReason#NEW_FLOW_RING_FULL}, its {@code rx_dropped} and invalid descriptors
     * are added to the first socket's, and its {@code rx_fill_ring_empty_descs} is the same
     * count as the first socket's (the fill ring is shared), so it is taken once. Does not
     * allocate; a failed read changes nothing.
     */
    @Override
    public void refreshCounters() {
        if (closed || !readStatistics(fd)) {
            return;
        }
        statisticsBytes = scratchLength.get(JAVA_INT, 0);
        long rxDropped = scratch.get(JAVA_LONG, 0);
        long rxInvalid = scratch.get(JAVA_LONG, 8);
        long txInvalid = scratch.get(JAVA_LONG, 16);
        long ringFull = 0;
        long fillEmpty = 0;
        if (statisticsBytes >= AfXdp.STATISTICS_BYTES) {
            ringFull = scratch.get(JAVA_LONG, 24);
            fillEmpty = scratch.get(JAVA_LONG, 32);
        }
        if (newFlowFd >= 0) {
            if (!readStatistics(newFlowFd)) {
                return;
            }
            rxDropped += scratch.get(JAVA_LONG, 0);
            rxInvalid += scratch.get(JAVA_LONG, 8);
            if (scratchLength.get(JAVA_INT, 0) >= AfXdp.STATISTICS_BYTES) {
                counters.setDrops(IoDropReason.NEW_FLOW_RING_FULL, scratch.get(JAVA_LONG, 24));
            }
        }
        counters.setDrops(IoDropReason.XDP_RX_INVALID, rxInvalid);
        counters.setDrops(IoDropReason.XDP_TX_INVALID, txInvalid);
        if (statisticsBytes >= AfXdp.STATISTICS_BYTES) {
            counters.setDrops(IoDropReason.XDP_RX_RING_FULL, ringFull);
            counters.setDrops(IoDropReason.XDP_FILL_RING_EMPTY, fillEmpty);
        }
        kernelRxDropped = rxDropped;
        counters.setDrops(IoDropReason.XDP_RX_DROPPED, Math.max(0, rxDropped - fillEmpty));
    }

    private boolean readStatistics(int socket) {
        scratch.fill((byte) 0);
        scratchLength.set(JAVA_INT, 0, AfXdp.STATISTICS_BYTES);
        return LibC.getsockopt(socket, AfXdp.SOL_XDP, AfXdp.XDP_STATISTICS, scratch, scratchLength) >= 0;
    }

    @Override
    public IoCounters counters() {
        return counters;
    }

    /** The send side, sharing this socket and its UMEM; same owning thread. */
    public XskSink sink() {
        return sink;
    }

    /** The UMEM, where {@link FrameHandler}s find received frames and {@link XskSink#claim()} offsets point. */
    public MemorySegment umem() {
        return umem;
    }

    /** Bytes the kernel returned for {@code XDP_STATISTICS} at the last refresh (48 on current kernels, 0 before). */
    public int statisticsBytes() {
        return statisticsBytes;
    }

    /** The kernel's own {@code rx_dropped} at the last refresh, both sockets' (fill-ring-empty drops included). */
    public long kernelRxDropped() {
        return kernelRxDropped;
    }

    /** Whether the socket was bound with {@code XDP_USE_NEED_WAKEUP}. */
    public boolean usesNeedWakeup() {
        return needWakeup;
    }

    /** Socket errors seen by {@code poll()} so far. */
    public long socketErrors() {
        return socketErrors;
    }

    /** Times the fill ring asked for a wakeup after a refill. */
    public long fillWakeups() {
        return fillWakeups;
    }

    /** The RX queue the socket is bound to. */
    public int queue() {
        return config.queue();
    }

    /** The interface index. */
    public int ifindex() {
        return ifindex;
    }

    /** The socket's shape. */
    public XskConfig config() {
        return config;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Flushes pending sends, reads the last counters, closes the sockets (which takes them out of
     * the XSKMAP; the new-flow socket first, as it holds the first one's buffer pool), unmaps the
     * rings and frees the UMEM; later calls do nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        sink.flush();
        refreshCounters();
        closed = true;
        if (newFlowFd >= 0) {
            LibC.close(newFlowFd);
        }
        LibC.close(fd);
        arena.close();
    }
}
