package io.jlvs.dataplane.io;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jlvs.dataplane.pipeline.FrameSink;
import io.jlvs.dataplane.sys.AfXdp;
import io.jlvs.dataplane.sys.Errno;
import io.jlvs.dataplane.sys.LibC;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The send side of an {@link XskSocket}: frames are written into free TX chunks of the socket's
 * UMEM and described in its TX ring; the kernel reports each chunk back in the completion ring
 * once the frame has left.
 *
 * <p>Per frame: {@link #claim()} pops a free chunk (reaping the completion ring, and kicking
 * once, when none is free), the caller writes at most {@link #maxFrameBytes()} bytes at the
 * returned offset of {@link #buffer()}, {@link #commit(int)} writes the descriptor. Per batch:
 * {@link #flush()} publishes the descriptors, kicks the kernel and reaps completions. In copy
 * mode the kernel sends at most a small budget of frames (32 here) per kick and answers
 * {@code EAGAIN} while more are waiting, so a flush kicks again, a bounded number of times.
 * Owned by the socket's worker thread; nothing here allocates, blocks, locks or throws.
 */
public final class XskSink implements FrameSink {
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** The smallest frame worth sending: an Ethernet header. */
    private static final int MIN_FRAME_BYTES = 14;
    /** Frames the kernel sends per kick in copy mode (its default TX budget). */
    private static final int KERNEL_TX_BUDGET = 32;
    /** {@code EBUSY}: the completion ring had no room for the kernel's reports. */
    private static final int EBUSY = 16;

    private final XskSocket socket;
    private final MemorySegment umem;
    private final MemorySegment tx;
    private final long txProducer;
    private final long txConsumer;
    private final long txDesc;
    private final long txFlags;
    private final int txMask;
    private final MemorySegment completion;
    private final long compProducer;
    private final long compConsumer;
    private final long compDesc;
    private final int compMask;
    private final long chunkMask;
    private final int frameBytes;
    private final boolean needWakeup;
    private final int maxKicks;
    private final int batchFrames;

    private final long[] free;
    private int freeCount;
    private long claimed = -1;
    private int txTail;
    private int txPublished;
    private int compHead;

    private long framesCommitted;
    private long framesCompleted;
    private long kicks;
    private long sendErrors;
    private int lastSendErrno;
    private long ringFullCount;
    private long invalidLengthCount;

    XskSink(XskSocket socket, MemorySegment umem, MemorySegment tx, AfXdp.RingOffsets txOffsets,
            MemorySegment completion, AfXdp.RingOffsets compOffsets, XskConfig config, boolean needWakeup) {
        this.socket = socket;
        this.umem = umem;
        this.tx = tx;
        this.txProducer = txOffsets.producer();
        this.txConsumer = txOffsets.consumer();
        this.txDesc = txOffsets.desc();
        this.txFlags = txOffsets.flags();
        this.txMask = config.txFrames() - 1;
        this.completion = completion;
        this.compProducer = compOffsets.producer();
        this.compConsumer = compOffsets.consumer();
        this.compDesc = compOffsets.desc();
        this.compMask = config.txFrames() - 1;
        this.frameBytes = config.frameBytes();
        this.chunkMask = ~((long) frameBytes - 1);
        this.needWakeup = needWakeup;
        this.maxKicks = config.txFrames() / KERNEL_TX_BUDGET + 2;
        this.batchFrames = Math.max(1, config.txFrames() / 2);
        this.free = new long[config.txFrames()];
        long base = (long) config.rxChunks() * frameBytes;
        for (int i = config.txFrames() - 1; i >= 0; i--) {
            free[freeCount++] = base + (long) i * frameBytes;
        }
    }

    /**
     * A free TX chunk's offset in {@link #buffer()}, or -1 when every chunk is in flight even
     * after reaping and one kick (counted in {@link #ringFullCount()}). Claiming again without
     * committing returns the same chunk.
     */
    @Override
    public long claim() {
        if (claimed >= 0) {
            return claimed;
        }
        if (freeCount == 0) {
            reap();
            if (freeCount == 0) {
                flush();
                if (freeCount == 0) {
                    ringFullCount++;
                    return -1;
                }
            }
        }
        claimed = free[--freeCount];
        return claimed;
    }

    @Override
    public MemorySegment buffer() {
        return umem;
    }

    /** A chunk's size: the largest frame. */
    @Override
    public int maxFrameBytes() {
        return frameBytes;
    }

    /**
     * Describes the claimed chunk, holding a frame of {@code lengthBytes}, in the TX ring; the
     * kernel sees it at the next {@link #flush()} (made here when half the ring is pending).
     *
     * @return false when nothing is claimed or the length is outside 14..{@link #maxFrameBytes()}
     *         (counted; the chunk stays claimed)
     */
    @Override
    public boolean commit(int lengthBytes) {
        if (claimed < 0 || lengthBytes < MIN_FRAME_BYTES || lengthBytes > frameBytes) {
            invalidLengthCount++;
            return false;
        }
        long desc = txDesc + (long) (txTail & txMask) * AfXdp.DESC_BYTES;
        tx.set(JAVA_LONG, desc, claimed);
        tx.set(JAVA_INT, desc + 8, lengthBytes);
        tx.set(JAVA_INT, desc + 12, 0);
        txTail++;
        claimed = -1;
        framesCommitted++;
        if (txTail - txPublished >= batchFrames) {
            flush();
        }
        return true;
    }

    /**
     * Publishes committed descriptors (one release store), kicks the kernel with
     * {@code sendto(fd, NULL, 0, MSG_DONTWAIT)} while frames are outstanding and it asks for it,
     * at most a bounded number of times, and reaps the completion ring.
     */
    @Override
    public void flush() {
        if (socket.isClosed()) {
            return;
        }
        int published = txTail - txPublished;
        if (published != 0) {
            INT.setRelease(tx, txProducer, txTail);
            txPublished = txTail;
            socket.counters().addSent(published);
        }
        for (int i = 0; i < maxKicks; i++) {
            if ((int) INT.getAcquire(tx, txConsumer) == txTail) {
                break;
            }
            if (needWakeup && ((int) INT.getAcquire(tx, txFlags) & AfXdp.XDP_RING_NEED_WAKEUP) == 0) {
                break;
            }
            kicks++;
            long r = LibC.send(socket.fd(), MemorySegment.NULL, 0, LibC.MSG_DONTWAIT);
            if (r >= 0) {
                continue;
            }
            int errno = (int) -r;
            if (errno == Errno.EAGAIN) {
                continue;
            }
            if (errno == EBUSY || errno == Errno.ENOBUFS) {
                reap();
            }
            sendErrors++;
            lastSendErrno = errno;
            break;
        }
        reap();
    }

    /** Moves the chunks the kernel has sent from the completion ring to the free list. */
    private void reap() {
        int head = compHead;
        int done = (int) INT.getAcquire(completion, compProducer) - head;
        if (done <= 0) {
            return;
        }
        for (int i = 0; i < done; i++) {
            free[freeCount++] = completion.get(JAVA_LONG, compDesc + (long) ((head + i) & compMask) * AfXdp.ADDR_BYTES)
                    & chunkMask;
        }
        compHead = head + done;
        INT.setRelease(completion, compConsumer, compHead);
        framesCompleted += done;
    }

    /** Frames described in the TX ring but not yet reported sent (published or not). */
    public int inFlight() {
        return free.length - freeCount - (claimed >= 0 ? 1 : 0);
    }

    /** Frames committed so far. */
    public long framesCommitted() {
        return framesCommitted;
    }

    /** Frames the kernel reported sent (completion ring) so far. */
    public long framesCompleted() {
        return framesCompleted;
    }

    /** {@code sendto} kicks so far. */
    public long kicks() {
        return kicks;
    }

    /** Kicks that failed with something other than {@code EAGAIN}. */
    public long sendErrors() {
        return sendErrors;
    }

    /** The errno of the last failed kick, 0 if none failed. */
    public int lastSendErrno() {
        return lastSendErrno;
    }

    /** Claims that found every chunk in flight. */
    public long ringFullCount() {
        return ringFullCount;
    }

    /** Commits refused for their length (or with nothing claimed). */
    public long invalidLengthCount() {
        return invalidLengthCount;
    }
}
