package io.jlvs.dataplane.service;

/**
 * The IPVS statistics of a service or real server (IPVS-SEMANTICS &sect;2.10), summed over
 * the workers: connections scheduled, packets and bytes in each direction. Bytes are whole IP
 * packet lengths, counted before rewriting; out counts are seen for NAT only.
 */
public record Stats(long conns, long inPkts, long outPkts, long inBytes, long outBytes) {
    /** All zero. */
    public static final Stats ZERO = new Stats(0, 0, 0, 0, 0);
}
