package io.jlvs.dataplane.worker;

import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.pipeline.FrameSink;

import java.lang.foreign.MemorySegment;

/** A {@link FrameSink} over a {@link TxRing}. Owned by the ring's worker thread; allocation-free. */
public final class TxRingSink implements FrameSink {
    private final TxRing ring;

    /** Sends through {@code ring}. */
    public TxRingSink(TxRing ring) {
        this.ring = ring;
    }

    /** The ring. */
    public TxRing ring() {
        return ring;
    }

    @Override
    public long claim() {
        return ring.claim();
    }

    @Override
    public MemorySegment buffer() {
        return ring.ring();
    }

    @Override
    public int maxFrameBytes() {
        return ring.maxFrameBytes();
    }

    @Override
    public boolean commit(int lengthBytes) {
        return ring.commit(lengthBytes);
    }

    @Override
    public void flush() {
        ring.flush();
    }
}
