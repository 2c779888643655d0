package io.jlvs.dataplane.io;

import java.lang.foreign.MemorySegment;

/**
 * Receives the frames of an {@link RxRing}, in place: the frame is {@code lengthBytes} bytes of
 * {@code ring} starting at {@code offset}, valid only during the call. Implementations run on the
 * ring's worker thread and must not allocate or throw.
 */
@FunctionalInterface
public interface FrameHandler {
    /**
     * Handles one frame.
     *
     * @param ring the whole mapped ring
     * @param offset where the frame (its Ethernet header) starts in {@code ring}; not aligned
     * @param lengthBytes bytes captured in the ring ({@code tp_snaplen})
     * @param wireLengthBytes the frame's length on the wire ({@code tp_len}); larger than
     *        {@code lengthBytes} when the frame did not fit
     * @param status the frame's {@code tp_status} bits, e.g. {@code TP_STATUS_CSUMNOTREADY}
     */
    void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status);
}
