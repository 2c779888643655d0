package io.jlvs.dataplane.pipeline;

import java.lang.foreign.MemorySegment;

/**
 * Where a worker sends frames on one interface: a TX ring in production, an in-memory ring in
 * tests. Claim a slot, write the frame into {@link #buffer()} at the claimed offset, commit
 * it; {@link #flush()} once per batch. Owned by one worker thread; no method allocates or
 * blocks.
 */
public interface FrameSink {
    /** Where the next frame goes in {@link #buffer()}, or -1 when the sink is full (counted by the sink). */
    long claim();

    /** The memory claimed offsets point into. */
    MemorySegment buffer();

    /** The largest frame a slot holds. */
    int maxFrameBytes();

    /** Publishes the claimed slot with a frame of {@code lengthBytes}; false when refused. */
    boolean commit(int lengthBytes);

    /** Hands committed frames to the device, if the sink batches them. */
    void flush();

    /**
     * Copies {@code lengthBytes} of {@code source} from {@code offset} into a new slot and commits it.
     *
     * @return whether the frame was queued (false: full, or longer than a slot)
     */
    default boolean send(MemorySegment source, long offset, int lengthBytes) {
        if (lengthBytes > maxFrameBytes()) {
            return false;
        }
        long at = claim();
        if (at < 0) {
            return false;
        }
        MemorySegment.copy(source, offset, buffer(), at, lengthBytes);
        return commit(lengthBytes);
    }
}
