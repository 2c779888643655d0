package io.jlvs.dataplane.io;

import static io.jlvs.dataplane.sys.AfPacket.BLOCK_FIRST_PKT_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.BLOCK_NUM_PKTS_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.BLOCK_STATUS_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP3_LEN_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP3_MAC_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP3_NEXT_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP3_SNAPLEN_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP3_STATUS_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.Errno;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import io.jlvs.dataplane.sys.PacketStatistics;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A TPACKET_V3 receive ring on an {@code ETH_P_ALL} packet socket bound to one interface.
 *
 * <p>The kernel fills blocks in order and hands each over by setting its {@code block_status}
 * to {@code TP_STATUS_USER}, when it is full or after the block timeout. The reader walks the
 * blocks in the same order: it reads the status with acquire semantics, hands every frame of the
 * block to a {@link FrameHandler} as an offset into the mapped ring (no slice, no copy), then
 * gives the block back with a release store of {@code TP_STATUS_KERNEL}.
 * <pre>
 * ring:   | block 0 | block 1 | ... | block n-1 |
 * block:  | desc (48) | pad | tpacket3_hdr | ... mac ... frame | tpacket3_hdr | ... |
 *                           ^ offset_to_first_pkt      next_offset ^
 * </pre>
 * Owned by one worker thread: {@link #drain}, {@link #receive} and {@link #close} run there.
 */
public final class RxRing implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final int SOCKET_ERROR_BYTES = 4;

    private final RxRingConfig config;
    private final RingSocket socket;
    private final int fd;
    private final MemorySegment ring;
    private final MemorySegment pollFd;
    private final MemorySegment socketError;
    private final MemorySegment socketErrorLength;
    private final int blockSizeBytes;
    private final int blockCount;
    private int currentBlock;

    private long framesReceived;
    private long blocksReceived;
    private long pollCalls;
    private long socketErrors;
    private long totalPackets;
    private long totalDrops;
    private long totalFreezes;

    private RxRing(RxRingConfig config, RingSocket socket) {
        Arena arena = socket.arena;
        this.config = config;
        this.socket = socket;
        this.fd = socket.fd;
        this.ring = socket.ring;
        this.blockSizeBytes = config.blockSizeBytes();
        this.blockCount = config.blockCount();
        this.pollFd = arena.allocate(LibC.POLLFD);
        pollFd.set(JAVA_INT, 0, fd);
        pollFd.set(JAVA_SHORT, LibC.POLLFD_EVENTS_OFFSET, (short) (LibC.POLLIN | LibC.POLLERR));
        this.socketError = arena.allocate(JAVA_INT);
        this.socketErrorLength = arena.allocate(JAVA_INT);
    }

    /**
     * Opens the ring: socket, {@code PACKET_VERSION}, {@code PACKET_IGNORE_OUTGOING},
     * {@code PACKET_RX_RING}, mmap, bind, then the fanout group. Control path.
     *
     * @throws NativeException naming the call that failed and its errno
     */
    public static RxRing open(RxRingConfig config) throws NativeException {
        return open(config, AfPacket.interfaceIndex(config.interfaceName()));
    }

    /** Opens the ring on interface index {@code ifindex}; {@link RxRingConfig#interfaceName()} only names it. */
    public static RxRing open(RxRingConfig config, int ifindex) throws NativeException {
        int pageSize = LibC.pageSize();
        if (config.blockSizeBytes() % pageSize != 0) {
            throw new IllegalArgumentException("rx ring on " + config.interfaceName()
                    + ": block size must be a multiple of the page size " + pageSize + ", was " + config.blockSizeBytes());
        }
        RingSocket socket = RingSocket.open(AfPacket.ETH_P_ALL, ifindex, (fd, arena) -> {
            AfPacket.setOption(fd, AfPacket.PACKET_VERSION, AfPacket.TPACKET_V3, "PACKET_VERSION");
            if (config.ignoreOutgoing()) {
                AfPacket.setOption(fd, AfPacket.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            }
            AfPacket.setRxRingV3(fd, config.blockSizeBytes(), config.blockCount(), config.frameSizeBytes(),
                    config.blockTimeoutMs());
            MemorySegment ring = AfPacket.mapRing(fd, config.sizeBytes(), arena);
            AfPacket.bind(fd, ifindex, AfPacket.ETH_P_ALL);
            if (config.fanoutGroupId() != RxRingConfig.NO_FANOUT) {
                AfPacket.joinFanoutHash(fd, config.fanoutGroupId());
            }
            return ring;
        });
        return new RxRing(config, socket);
    }

    /**
     * Hands the frames of up to {@code maxBlocks} ready blocks to {@code handler} and returns the
     * blocks to the kernel. Never blocks; does not allocate.
     *
     * @return frames handled
     */
    public int drain(FrameHandler handler, int maxBlocks) {
        int frames = 0;
        int block = currentBlock;
        int blocks = 0;
        while (blocks < maxBlocks) {
            long base = (long) block * blockSizeBytes;
            int status = (int) INT.getAcquire(ring, base + BLOCK_STATUS_OFFSET);
            if ((status & AfPacket.TP_STATUS_USER) == 0) {
                break;
            }
            frames += walkBlock(ring, base, handler);
            INT.setRelease(ring, base + BLOCK_STATUS_OFFSET, AfPacket.TP_STATUS_KERNEL);
            block = block + 1 == blockCount ? 0 : block + 1;
            blocks++;
        }
        currentBlock = block;
        blocksReceived += blocks;
        framesReceived += frames;
        return frames;
    }

    private static int walkBlock(MemorySegment ring, long base, FrameHandler handler) {
        int count = ring.get(JAVA_INT, base + BLOCK_NUM_PKTS_OFFSET);
        long frame = base + Integer.toUnsignedLong(ring.get(JAVA_INT, base + BLOCK_FIRST_PKT_OFFSET));
        for (int i = 0; i < count; i++) {
            int snapLength = ring.get(JAVA_INT, frame + TP3_SNAPLEN_OFFSET);
            int wireLength = ring.get(JAVA_INT, frame + TP3_LEN_OFFSET);
            int status = ring.get(JAVA_INT, frame + TP3_STATUS_OFFSET);
            int mac = Short.toUnsignedInt(ring.get(JAVA_SHORT, frame + TP3_MAC_OFFSET));
            handler.onFrame(ring, frame + mac, snapLength, wireLength, status);
            frame += Integer.toUnsignedLong(ring.get(JAVA_INT, frame + TP3_NEXT_OFFSET));
        }
        return count;
    }

    /**
     * Drains every ready block; when none is ready, sleeps in {@code poll()} for at most
     * {@code timeoutMs} (0: do not sleep) and drains what arrived. Does not allocate.
     *
     * @return frames handled
     */
    public int receive(FrameHandler handler, int timeoutMs) {
        int frames = drain(handler, blockCount);
        if (frames > 0 || timeoutMs == 0) {
            return frames;
        }
        pollOnce(timeoutMs);
        return drain(handler, blockCount);
    }

    /**
     * Sleeps in {@code poll()} until the kernel hands over a block or {@code timeoutMs} passes
     * (negative: no limit), unless the next block is ready already. Does not allocate.
     *
     * @return whether the next block is ready
     */
    public boolean awaitBlock(int timeoutMs) {
        if (isBlockReady()) {
            return true;
        }
        pollOnce(timeoutMs);
        return isBlockReady();
    }

    private boolean isBlockReady() {
        long base = (long) currentBlock * blockSizeBytes;
        return ((int) INT.getAcquire(ring, base + BLOCK_STATUS_OFFSET) & AfPacket.TP_STATUS_USER) != 0;
    }

    /**
     * One {@code poll()}. Its only branch is the rare error path, taken neither when the call
     * times out nor when a block arrives, so compiled code never deoptimizes between the two.
     */
    private void pollOnce(int timeoutMs) {
        pollFd.set(JAVA_SHORT, LibC.POLLFD_REVENTS_OFFSET, (short) 0);
        pollCalls++;
        int r = LibC.poll(pollFd, 1, timeoutMs);
        if (r < 0 || (pollFd.get(JAVA_SHORT, LibC.POLLFD_REVENTS_OFFSET) & LibC.POLLERR) != 0) {
            pollTrouble(r);
        }
    }

    /** A failed {@code poll()} or a pending socket error: count it and clear the error, so the next poll sleeps again. */
    private void pollTrouble(int pollResult) {
        if (pollResult == -Errno.EINTR) {
            return;
        }
        socketErrors++;
        if (pollResult > 0) {
            socketErrorLength.set(JAVA_INT, 0, SOCKET_ERROR_BYTES);
            LibC.getsockopt(fd, LibC.SOL_SOCKET, LibC.SO_ERROR, socketError, socketErrorLength);
        }
    }

    /**
     * Reads the kernel's counters ({@code PACKET_STATISTICS}, which resets them) and adds them
     * to this ring's totals. Control path; call it on the owning thread.
     *
     * @return the counts since the previous reading
     */
    public PacketStatistics readStatistics() throws NativeException {
        PacketStatistics s = AfPacket.readStatistics(fd);
        totalPackets += s.packets();
        totalDrops += s.drops();
        totalFreezes += s.freezeQueueCount();
        return s;
    }

    /** Frames the kernel saw for this socket over all {@link #readStatistics()} calls, drops included. */
    public long totalKernelPackets() {
        return totalPackets;
    }

    /** Frames the kernel dropped because the ring was full, over all {@link #readStatistics()} calls. */
    public long totalKernelDrops() {
        return totalDrops;
    }

    /** Times the kernel froze the ring for want of a free block, over all {@link #readStatistics()} calls. */
    public long totalKernelFreezes() {
        return totalFreezes;
    }

    /** Frames handed to handlers so far. */
    public long framesReceived() {
        return framesReceived;
    }

    /** Blocks handed back to the kernel so far. */
    public long blocksReceived() {
        return blocksReceived;
    }

    /** {@code poll()} calls made so far. */
    public long pollCalls() {
        return pollCalls;
    }

    /** Socket errors seen by {@code poll()} so far (e.g. {@code ENETDOWN} when the link went down). */
    public long socketErrors() {
        return socketErrors;
    }

    /** The socket's file descriptor. */
    public int fd() {
        return fd;
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

    /** Unmaps the ring and closes the socket; later calls do nothing. Call on the owning thread. */
    @Override
    public void close() {
        socket.close();
    }
}
