package io.jlvs.dataplane.forward;

/** What a rewriter decided for a frame. Returning a constant allocates nothing. */
public enum ForwardVerdict {
    /** The frame was rewritten; send the rewriter's {@code frameOffset()}/{@code frameLengthBytes()}. */
    FORWARD,
    /**
     * The frame was rewritten but is larger than the route MTU and may be fragmented: it was
     * split into {@link FragmentBuffer#count()} frames in the rewriter's {@link FragmentBuffer};
     * send those instead of the frame.
     */
    FRAGMENTED,
    /**
     * The frame must not be forwarded and an ICMP error to its sender was written into the
     * {@link ReplyBuffer}: send {@link ReplyBuffer#lengthBytes()} bytes from there. The
     * rewriter's {@code dropReason()} says why the frame itself was dropped.
     */
    REPLY,
    /** The frame is dropped; the rewriter's {@code dropReason()} names the reason, already counted. */
    DROP
}
