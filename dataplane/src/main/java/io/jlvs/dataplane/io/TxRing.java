package io.jlvs.dataplane.io;

import static io.jlvs.dataplane.sys.AfPacket.TP2_LEN_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP2_STATUS_OFFSET;
import static io.jlvs.dataplane.sys.AfPacket.TP2_TX_DATA_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.LibC;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * A TPACKET_V2 transmit ring on its own packet socket (protocol 0, so it never receives), bound
 * to one interface, with {@code PACKET_QDISC_BYPASS} and {@code PACKET_LOSS} (the kernel skips a
 * malformed slot instead of stalling the ring).
 *
 * <p>Slots are fixed-size and used in order. A slot belongs to user space while its status is
 * {@code TP_STATUS_AVAILABLE}; the writer fills the frame at {@code +32}, stores {@code tp_len}
 * and publishes it with a release store of {@code TP_STATUS_SEND_REQUEST}. One
 * {@code send(fd, NULL, 0, MSG_DONTWAIT)} per batch makes the kernel send every requested slot
 * and set them back to available when the frames are gone.
 * <pre>
 * slot:  | tpacket2_hdr (status @0, len @4) | frame data @32 ........ | (frameSizeBytes)
 * </pre>
 * When the next slot is still in flight the ring flushes once and, if the slot is still busy,
 * reports it full ({@link #claim()} returns -1, counted in {@link #ringFullCount()}); it never
 * waits. Owned by one worker thread.
 */
public final class TxRing implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** The smallest frame worth sending: an Ethernet header. */
    private static final int MIN_FRAME_BYTES = 14;

    private final TxRingConfig config;
    private final RingSocket socket;
    private final int fd;
    private final MemorySegment ring;
    private final int frameSizeBytes;
    private final int slotCount;
    private final int batchFrames;
    private final int maxFrameBytes;
    private int head;
    private long claimedSlot = -1;
    private int pending;

    private long framesCommitted;
    private long flushes;
    private long sendErrors;
    private int lastSendErrno;
    private long ringFullCount;
    private long invalidLengthCount;

    private TxRing(TxRingConfig config, RingSocket socket) {
        this.config = config;
        this.socket = socket;
        this.fd = socket.fd;
        this.ring = socket.ring;
        this.frameSizeBytes = config.frameSizeBytes();
        this.slotCount = config.slotCount();
        this.batchFrames = config.batchFrames();
        this.maxFrameBytes = frameSizeBytes - (int) TP2_TX_DATA_OFFSET;
    }

    /**
     * Opens the ring: socket (protocol 0), {@code PACKET_VERSION}, {@code PACKET_QDISC_BYPASS},
     * {@code PACKET_LOSS}, {@code PACKET_TX_RING}, mmap, bind. Control path.
     *
     * @throws NativeException naming the call that failed and its errno
     */
    public static TxRing open(TxRingConfig config) throws NativeException {
        return open(config, AfPacket.interfaceIndex(config.interfaceName()));
    }

    /** Opens the ring on interface index {@code ifindex}; {@link TxRingConfig#interfaceName()} only names it. */
    public static TxRing open(TxRingConfig config, int ifindex) throws NativeException {
        RingSocket socket = RingSocket.open(0, ifindex, (fd, arena) -> {
            AfPacket.setOption(fd, AfPacket.PACKET_VERSION, AfPacket.TPACKET_V2, "PACKET_VERSION");
            if (config.qdiscBypass()) {
                AfPacket.setOption(fd, AfPacket.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            AfPacket.setOption(fd, AfPacket.PACKET_LOSS, 1, "PACKET_LOSS");
            AfPacket.setTxRingV2(fd, TxRingConfig.BLOCK_SIZE_BYTES, config.blockCount(), config.frameSizeBytes());
            MemorySegment ring = AfPacket.mapRing(fd, (long) TxRingConfig.BLOCK_SIZE_BYTES * config.blockCount(), arena);
            AfPacket.bind(fd, ifindex, 0);
            return ring;
        });
        return new TxRing(config, socket);
    }

    /**
     * Claims the next free slot; write the frame into {@link #ring()} at the returned offset
     * (at most {@link #maxFrameBytes()} bytes) and {@link #commit(int)} it. Claiming again without
     * committing returns the same slot. Does not allocate or block.
     *
     * @return where the frame data goes in {@link #ring()}, or -1 when the ring is full
     */
    public long claim() {
        long slot = (long) head * frameSizeBytes;
        if (!isFree(slot)) {
            flush();
            if (!isFree(slot)) {
                ringFullCount++;
                return -1;
            }
        }
        claimedSlot = slot;
        return slot + TP2_TX_DATA_OFFSET;
    }

    private boolean isFree(long slot) {
        int status = (int) INT.getAcquire(ring, slot + TP2_STATUS_OFFSET);
        return status == AfPacket.TP_STATUS_AVAILABLE || status == AfPacket.TP_STATUS_WRONG_FORMAT;
    }

    /**
     * Publishes the claimed slot with a frame of {@code lengthBytes}; flushes when a batch is
     * complete. A length outside 14..{@link #maxFrameBytes()} is counted and the slot stays free.
     *
     * @return whether the frame was queued
     */
    public boolean commit(int lengthBytes) {
        long slot = claimedSlot;
        if (slot < 0) {
            return false;
        }
        if (lengthBytes < MIN_FRAME_BYTES || lengthBytes > maxFrameBytes) {
            invalidLengthCount++;
            return false;
        }
        claimedSlot = -1;
        ring.set(JAVA_INT, slot + TP2_LEN_OFFSET, lengthBytes);
        INT.setRelease(ring, slot + TP2_STATUS_OFFSET, AfPacket.TP_STATUS_SEND_REQUEST);
        head = head + 1 == slotCount ? 0 : head + 1;
        framesCommitted++;
        if (++pending >= batchFrames) {
            flush();
        }
        return true;
    }

    /**
     * Copies {@code lengthBytes} of {@code source} from {@code sourceOffset} into the next slot
     * and commits it. Does not allocate or block.
     *
     * @return whether the frame was queued (false: ring full or bad length, both counted)
     */
    public boolean offer(MemorySegment source, long sourceOffset, int lengthBytes) {
        if (lengthBytes < MIN_FRAME_BYTES || lengthBytes > maxFrameBytes) {
            invalidLengthCount++;
            return false;
        }
        long offset = claim();
        if (offset < 0) {
            return false;
        }
        MemorySegment.copy(source, sourceOffset, ring, offset, lengthBytes);
        return commit(lengthBytes);
    }

    /**
     * Asks the kernel to send every committed frame ({@code send(fd, NULL, 0, MSG_DONTWAIT)}).
     * On failure the frames stay queued for the next flush and the errno is kept in
     * {@link #lastSendErrno()}. Does not allocate or block.
     *
     * @return bytes the kernel sent, 0 when nothing was pending, or {@code -errno}
     */
    public long flush() {
        if (pending == 0) {
            return 0;
        }
        flushes++;
        long r = LibC.send(fd, MemorySegment.NULL, 0, LibC.MSG_DONTWAIT);
        if (r < 0) {
            sendErrors++;
            lastSendErrno = (int) -r;
        } else {
            pending = 0;
        }
        return r;
    }

    /** The mapped ring, to write frames into at the offsets {@link #claim()} returns. */
    public MemorySegment ring() {
        return ring;
    }

    /** The largest frame a slot holds, in bytes. */
    public int maxFrameBytes() {
        return maxFrameBytes;
    }

    /** Frames committed so far. */
    public long framesCommitted() {
        return framesCommitted;
    }

    /** Frames committed but not yet flushed. */
    public int pendingFrames() {
        return pending;
    }

    /** {@code send()} calls made so far. */
    public long flushes() {
        return flushes;
    }

    /** {@code send()} calls that failed. */
    public long sendErrors() {
        return sendErrors;
    }

    /** The errno of the last failed {@code send()}, 0 if none failed. */
    public int lastSendErrno() {
        return lastSendErrno;
    }

    /** Times a claim found the ring full even after a flush. */
    public long ringFullCount() {
        return ringFullCount;
    }

    /** Frames refused for a length outside 14..{@link #maxFrameBytes()}. */
    public long invalidLengthCount() {
        return invalidLengthCount;
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
    public TxRingConfig config() {
        return config;
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return socket.isClosed();
    }

    /** Flushes what is pending, unmaps the ring and closes the socket; later calls do nothing. */
    @Override
    public void close() {
        if (!socket.isClosed()) {
            flush();
        }
        socket.close();
    }
}
