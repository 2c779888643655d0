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
     * A status bit of jlvs's own, above the kernel's {@code TP_STATUS_*} bits: the socket cannot
     * tell whether the frame's transport checksum is complete or left for offload (AF_XDP has no
     * {@code TP_STATUS_CSUMNOTREADY}), so the pipeline looks at the frame to know.
     */
    int STATUS_CHECKSUM_UNKNOWN = 1 << 30;

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
