package io.jlvs.dataplane.forward;

/**
 * Why a rewriter did not forward a frame. {@link ForwardingCounters} counts them in a
 * {@code long[]} indexed by {@link #ordinal()} ({@link #COUNT} slots).
 */
public enum ForwardDropReason {
    /** The frame was not parsed as IPv4 (IPv6, ARP, or a parse that failed): the rewriters are IPv4 only. */
    NOT_IPV4,
    /** TTL was 0 or 1, so it would reach 0 here (a time-exceeded error may have been sent). */
    TTL_EXPIRED,
    /**
     * The datagram is larger than the route MTU allows and has Don't Fragment set: an ICMP
     * fragmentation-needed error with the usable MTU may have been sent to its source.
     */
    FRAGMENTATION_NEEDED,
    /**
     * The datagram is larger than the route MTU allows and may be fragmented, but the rewriter
     * has no {@link FragmentBuffer} or the fragments do not fit in it (too many, slots too
     * small, an MTU too small for 8 bytes of payload). The kernel would fragment it.
     */
    OVERSIZE_NOT_FRAGMENTED,
    /** Fewer than 20 bytes of headroom before the frame for the outer IPIP header. */
    NO_HEADROOM,
    /** NAT of an IPv4 fragment: the ports are not in every fragment, so it cannot be rewritten. */
    NAT_FRAGMENT,
    /** NAT of a protocol other than TCP, UDP and ICMP. */
    NAT_UNSUPPORTED_PROTOCOL,
    /** ICMP that is not an error IPVS relays (types 3, 4 and 11 only; echo is the director's own). */
    ICMP_NOT_RELATED_ERROR,
    /** The ICMP checksum does not verify (the kernel drops such errors too). */
    ICMP_BAD_CHECKSUM,
    /** The quoted datagram is shorter than an IPv4 header plus the four port bytes. */
    ICMP_QUOTE_TRUNCATED,
    /** The quoted datagram is not a well-formed IPv4 header (version or IHL). */
    ICMP_QUOTE_NOT_IPV4,
    /** The quoted datagram is a non-first fragment, which carries no ports. */
    ICMP_QUOTE_FRAGMENT,
    /** The quoted datagram is neither TCP nor UDP. */
    ICMP_QUOTE_UNSUPPORTED_PROTOCOL;

    /** The number of reasons: the size of a counter array indexed by {@link #ordinal()}. */
    public static final int COUNT = values().length;
}
