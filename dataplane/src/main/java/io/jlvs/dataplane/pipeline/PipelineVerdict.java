package io.jlvs.dataplane.pipeline;

/** What {@link Pipeline#process} did with a frame. Returning a constant allocates nothing. */
public enum PipelineVerdict {
    /** Rewritten and sent (or its fragments). */
    FORWARDED,
    /** Not forwarded; an answer (an ICMP error, an ARP reply) was sent to its sender. */
    REPLIED,
    /** Not jlvs traffic, or traffic IPVS leaves to the local stack: nothing was sent. */
    PASSED,
    /** Dropped with a reason ({@link PipelineReason}); nothing was sent. */
    DROPPED
}
