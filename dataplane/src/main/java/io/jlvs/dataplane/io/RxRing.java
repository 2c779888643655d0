package io.jlvs.dataplane.io;

import static io.jlvs.dataplane.sys.AfPacket.TP2_LEN_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP2_MAC_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP2_SNAPLEN_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP2_STATUS_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.Errno;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A TPACKET_V2 receive ring on an {@code ETH_P_ALL} packet socket bound to one interface.
 *
 * <p>Every slot has its own status word. The kernel fills slots in order, sets a slot's
 * {@code tp_status} to {@code TP_STATUS_USER} as soon as its frame is there, and wakes a
 * {@code poll()}er for every frame; the reader walks the slots in the same order, reads the
 * status with acquire semantics, hands the frame to a {@link FrameHandler} as an offset into the
 * mapped ring (no slice, no copy), and gives the slot back with a release store of
 * {@code TP_STATUS_KERNEL}. So a frame is ready the moment it arrives, whatever the rate: no
 * block has to fill or time out first, as with TPACKET_V3 (whose 1 ms block timeout made every
 * frame wait for the timer at low rates). When the next slot is still the reader's, the ring is
 * full and the kernel drops; {@link #refreshCounters()} reads how many.
 *
 * <p>With {@link RxRingConfig#newFlowFrames()} above 0 a second ring, on a socket of its own,
 * takes the frames that open a TCP connection ({@link SynFilter#SYNS_ONLY}), and this one every
 * other frame ({@link SynFilter#ALL_BUT_SYNS}); {@link #drain} reads this ring first and the
 * new-flow ring with what is left of its budget (at least {@value #NEW_FLOW_MIN_BUDGET}), so a
 * SYN flood overflows the new-flow ring only ({@link IoDropReason#NEW_FLOW_RING_FULL}) and the
 * segments of established connections keep a ring of their own, as with AF_XDP's new-flow
 * socket. In a fanout group, the new-flow rings form a group of their own.
 * <pre>
 * ring:  | slot 0 | slot 1 | ... | slot n-1 |      (slot = frameSizeBytes)
 * slot:  | tpacket2_hdr | sockaddr_ll | pad | frame ...  |
 *        ^ tp_status                       ^ tp_mac
 * </pre>
 * Owned by one worker thread: everything but {@link #counters()} runs there.
 */
public final class RxRing implements FrameSource {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int SOCKET_ERROR_BYTES = 4;

    private final RxRingConfig config;
    private final RingSocket socket;
    private final int fd;
    private final MemorySegment ring;
    private final MemorySegment pollFd;
    private final MemorySegment scratch;
    private final MemorySegment scratchLength;
    private final long frameSizeBytes;
    private final int frameCount;
    private final IoCounters counters;
    private final RxRing newFlows;
    private int next;
    private long newFlowFramesReceived;

    /** Frames {@link #drain} may read from the new-flow ring however full this one is. */
    public static final int NEW_FLOW_MIN_BUDGET = 16;

    private long pollCalls;
    private long socketErrors;
    private long kernelPackets;
    private long kernelDrops;

    private RxRing(RxRingConfig config, RingSocket socket, RxRing newFlows) {
        Arena arena = socket.arena;
        this.config = config;
        this.socket = socket;
        this.fd = socket.fd;
        this.ring = socket.ring;
        this.frameSizeBytes = config.frameSizeBytes();
        this.frameCount = config.frameCount();
        this.counters = new IoCounters(config.interfaceName());
        this.newFlows = newFlows;
        this.pollFd = arena.allocate(LibC.POLLFD);
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, LibC.POLLFD_EVENTS_OFFSET, (short) (LibC.POLLIN | LibC.POLLERR));
        this.scratch = arena.allocate(AfPacket.TPACKET_STATS);
        this.scratchLength = arena.allocate(JAVA_INT);
    }

    /**
     * Opens the ring: socket, {@code PACKET_VERSION}, {@code PACKET_IGNORE_OUTGOING}, the socket
     * filter when there is a new-flow ring, {@code PACKET_RX_RING}, mmap, bind, then the fanout
     * group; then the new-flow ring the same way. Control path.
     *
     * @throws NativeException naming the call that failed and its errno
     */
    public static RxRing open(RxRingConfig config) throws NativeException {
        return open(config, AfPacket.interfaceIndex(config.interfaceName()));
    }

    /** Opens the ring on interface index {@code ifindex}; {@link RxRingConfig#interfaceName()} only names it. */
    public static RxRing open(RxRingConfig config, int ifindex) throws NativeException {
        if (config.newFlowFrames() == 0) {
            return new RxRing(config, openSocket(config, ifindex, null), null);
        }
        RingSocket socket = openSocket(config, ifindex, SynFilter.ALL_BUT_SYNS);
        try {
            RxRingConfig second = config.newFlowRing();
            RxRing newFlows = new RxRing(second, openSocket(second, ifindex, SynFilter.SYNS_ONLY), null);
            return new RxRing(config, socket, newFlows);
        } catch (NativeException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static RingSocket openSocket(RxRingConfig config, int ifindex, SynFilter filter) throws NativeException {
        return RingSocket.open(AfPacket.ETH_P_ALL, ifindex, (fd, arena) -> {
            AfPacket.setOption(fd, AfPacket.PACKET_VERSION, AfPacket.TPACKET_V2, "PACKET_VERSION");
            if (config.ignoreOutgoing()) {
                AfPacket.setOption(fd, AfPacket.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            }
            if (filter != null) {
                MemorySegment program = arena.allocate((long) filter.length() * SynFilter.INSTRUCTION_BYTES, 8);
                filter.write(program);
                AfPacket.attachFilter(fd, program, filter.length());
            }
            AfPacket.setRxRingV2(fd, RxRingConfig.BLOCK_BYTES, config.blockCount(), config.frameSizeBytes());
            MemorySegment ring = AfPacket.mapRing(fd, config.sizeBytes(), arena);
            AfPacket.bind(fd, ifindex, AfPacket.ETH_P_ALL);
            if (config.fanoutGroupId() != RxRingConfig.NO_FANOUT) {
                AfPacket.joinFanoutHash(fd, config.fanoutGroupId());
            }
            return ring;
        });
    }

    /**
     * Hands up to {@code maxFrames} ready frames to {@code handler} and returns their slots to
     * the kernel; then, with a new-flow ring, up to what is left of {@code maxFrames} (at least
     * {@value #NEW_FLOW_MIN_BUDGET}) of its frames. Never blocks; does not allocate.
     *
     * @return frames handled
     */
    @Override
    public int drain(FrameHandler handler, int maxFrames) {
        int frames = drainOwn(handler, maxFrames);
        RxRing newFlows = this.newFlows;
        if (newFlows != null) {
            int more = newFlows.drainOwn(handler, Math.max(maxFrames - frames, NEW_FLOW_MIN_BUDGET));
            if (more > 0) {
                newFlowFramesReceived += more;
                counters.addReceived(more);
                frames += more;
            }
        }
        return frames;
    }

    private int drainOwn(FrameHandler handler, int maxFrames) {
        MemorySegment ring = this.ring;
        int slot = next;
        int frames = 0;
        while (frames < maxFrames) {
            long base = slot * frameSizeBytes;
            int status = (int) INT.getAcquire(ring, base + TP2_STATUS_OFFSET);
            if ((status & AfPacket.TP_STATUS_USER) == 0) {
                break;
            }
            int snapLength = ring.get(JAVA_INT, base + TP2_SNAPLEN_OFFSET);
            int wireLength = ring.get(JAVA_INT, base + TP2_LEN_OFFSET);
            int mac = Short.toUnsignedInt(ring.get(JAVA_SHORT, base + TP2_MAC_OFFSET));
            handler.onFrame(ring, base + mac, snapLength, wireLength, status);
            INT.setRelease(ring, base + TP2_STATUS_OFFSET, AfPacket.TP_STATUS_KERNEL);
            slot = slot + 1 == frameCount ? 0 : slot + 1;
            frames++;
        }
        next = slot;
        if (frames > 0) {
            counters.addReceived(frames);
        }
        return frames;
    }

    @Override
    public boolean isReady() {
        return ownReady() || newFlows != null && newFlows.ownReady();
    }

    private boolean ownReady() {
        return ((int) INT.getAcquire(ring, next * frameSizeBytes + TP2_STATUS_OFFSET) & AfPacket.TP_STATUS_USER) != 0;
    }

    /**
     * Drains every ready frame; when none is ready, sleeps in {@code poll()} for at most
     * {@code timeoutMs} (0: do not sleep) and drains what arrived. Does not allocate.
     *
     * @return frames handled
     */
    public int receive(FrameHandler handler, int timeoutMs) {
        int frames = drain(handler, frameCount);
        if (frames > 0 || timeoutMs == 0) {
            return frames;
        }
        pollOnce(timeoutMs);
        return drain(handler, frameCount);
    }

    /**
     * Sleeps in {@code poll()} until a frame is ready or {@code timeoutMs} passes (negative: no
     * limit), unless one is ready already. Does not allocate.
     *
     * @return whether a frame is ready
     */
    public boolean awaitFrame(int timeoutMs) {
        if (isReady()) {
            return true;
        }
        pollOnce(timeoutMs);
        return isReady();
    }

    /**
     * One {@code poll()}. Its only branch is the rare error path, taken neither when the call
     * times out nor when a frame arrives, so compiled code never deoptimizes between the two.
     */
    private void pollOnce(int timeoutMs) {
        pollFd.set(JAVA_SHORT, LibC.POLLFD_REVENTS_OFFSET, (short) 0);
        pollCalls++;
        int r = LibC.poll(pollFd, 1, timeoutMs);
        if (r < 0 || (pollFd.get(JAVA_SHORT, LibC.POLLFD_REVENTS_OFFSET) & LibC.POLLERR) != 0) {
            if (r != -Errno.EINTR) {
                onPollError();
            }
        }
    }

    /** A failed {@code poll()} or a pending socket error: count it and clear the error, so the next poll sleeps again. */
    @Override
    public void onPollError() {
        socketErrors++;
        scratchLength.set(JAVA_INT, 0, SOCKET_ERROR_BYTES);
        LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ERROR, scratch, scratchLength);
        if (newFlows != null) {
            newFlows.onPollError();
        }
    }

    /**
     * Reads the kernel's {@code PACKET_STATISTICS} (which resets them) and adds them to this
     * ring's totals and to {@link #counters()} ({@link IoDropReason#RING_FULL}); the new-flow
     * ring's drops as {@link IoDropReason#NEW_FLOW_RING_FULL}. Does not allocate; a failed read
     * (the socket is gone) changes nothing.
     */
    @Override
    public void refreshCounters() {
        if (socket.isClosed()) {
            return;
        }
        if (newFlows != null) {
            newFlows.refreshCounters();
            counters.setDrops(IoDropReason.NEW_FLOW_RING_FULL, newFlows.totalKernelDrops());
        }
        scratch.fill((byte) 0);
        scratchLength.set(JAVA_INT, 0, (int) AfPacket.TPACKET_STATS.byteSize());
        if (LibC.getsockopt(fd, AfPacket.SOL_PACKET, AfPacket.PACKET_STATISTICS, scratch, scratchLength) < 0) {
            return;
        }
        kernelPackets += Integer.toUnsignedLong(scratch.get(JAVA_INT, AfPacket.STATS_PACKETS_OFFSET));
        long drops = Integer.toUnsignedLong(scratch.get(JAVA_INT, AfPacket.STATS_DROPS_OFFSET));
        if (drops != 0) {
            kernelDrops += drops;
            counters.addDrops(IoDropReason.RING_FULL, drops);
        }
    }

    @Override
    public IoCounters counters() {
        return counters;
    }

    /** Frames the kernel saw for this socket over all {@link #refreshCounters()} calls, drops included. */
    public long totalKernelPackets() {
        return kernelPackets;
    }

    /** Frames the kernel dropped because the ring was full, over all {@link #refreshCounters()} calls. */
    public long totalKernelDrops() {
        return kernelDrops;
    }

    /** Frames handed to handlers so far. */
    public long framesReceived() {
        return counters.received();
    }

    /** {@code poll()} calls made so far. */
    public long pollCalls() {
        return pollCalls;
    }

    /** Socket errors seen by {@code poll()} so far (e.g. {@code ENETDOWN} when the link went down). */
    public long socketErrors() {
        return socketErrors;
    }

    @Override
    public int fd() {
        return fd;
    }

    /** The new-flow ring's socket, or -1 without one. */
    @Override
    public int newFlowFd() {
        return newFlows == null ? -1 : newFlows.fd();
    }

    /** Frames read from the new-flow ring so far. */
    public long newFlowFramesReceived() {
        return newFlowFramesReceived;
    }

    /** The interface index the ring is bound to. */
    public int ifindex() {
        return socket.ifindex;
    }

    /** The ring's shape. */
    public RxRingConfig config() {
        return config;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Reads the kernel's last counts, unmaps the ring and closes the socket; later calls do nothing. */
    @Override
    public void close() {
        refreshCounters();
        if (newFlows != null) {
            newFlows.close();
        }
        socket.close();
    }
}
