package io.jlvs.dataplane.pipeline;

/**
 * Why a frame was passed, answered or dropped: a counter per reason in
 * {@link PipelineCounters}. Details live in the parser's {@code DropReason} counts (for
 * {@link #MALFORMED}) and the rewriters' {@code ForwardDropReason} counts (for {@link #REWRITE}).
 */
public enum PipelineReason {
    /** Passed: not IPv4 TCP, UDP or ICMP (IPv6, other protocols). */
    NOT_IPV4_TRANSPORT,
    /** Passed: an ARP frame the ARP handler did not answer. */
    ARP,
    /** Answered: an ARP frame the ARP handler answered. */
    ARP_ANSWERED,
    /**
     * Passed: the frame carried a VLAN tag (in the frame, or taken off by the kernel and reported
     * in the ring's status); jlvs balances untagged frames only, as IPVS sees no frame of a VLAN
     * the host has no interface for.
     */
    VLAN_TAGGED,
    /** Dropped: a source address the kernel calls martian (0/8, 127/8, 224/4, 255.255.255.255). */
    MARTIAN_SOURCE,
    /** Dropped: a packet to a virtual service whose source is a virtual address (a "land" packet). */
    LAND,
    /** Passed: an IPv4 fragment (left to the kernel's reassembly). */
    FRAGMENT,
    /** Passed: no service for the destination and no connection. */
    NO_SERVICE,
    /** Passed: a packet of a service that cannot start a connection (TCP without SYN) and has none. */
    NO_CONN,
    /** Passed: ICMP that is no error about a tracked connection (echo, unrelated errors, bad quotes). */
    ICMP_UNRELATED,
    /** Passed: a connection whose method is LOCAL (delivered by the local stack). */
    LOCAL,
    /** Dropped by the parser; counted again by the parser's DropReason ({@link PipelineCounters#malformedCount}). */
    MALFORMED,
    /** Dropped: captured shorter than on the wire, so not all of it is here. */
    TRUNCATED_CAPTURE,
    /** Answered with ICMP port unreachable (or dropped when no error may be sent): no real server available. */
    NO_DEST,
    /** Dropped: the connection table is full. */
    TABLE_FULL,
    /** Dropped: a new connection refused by {@code drop_packet} while the table is under pressure. */
    DEFENSE_DROP,
    /** Dropped: a new TCP connection from a client holding as many SYN_RECV entries as {@code per-source-syn-limit} allows. */
    SYN_LIMIT,
    /** Dropped: the connection's real server was deleted. */
    DEST_DELETED,
    /**
     * Dropped: no next-hop MAC known for the destination, and the packet could not be handed to
     * the kernel's IP output (a DR frame, whose IP destination is the VIP; or the kernel refused it).
     */
    NO_NEXT_HOP,
    /**
     * Forwarded (counted here as well as in the verdict): no next-hop MAC was known yet, so the
     * rewritten packet went to the kernel's IP output, which resolves the neighbour and holds the
     * packet until it answers, as IPVS's transmit does.
     */
    KERNEL_ROUTED,
    /** Dropped: a tunnel connection but no director address on the outgoing interface. */
    NO_TUNNEL_SOURCE,
    /** Dropped (or answered with an ICMP error) by a rewriter (TTL, MTU, headroom...). */
    REWRITE,
    /** Dropped: the outgoing sink was full or refused the frame's length. */
    TX_FULL,
    /** Dropped: handling the frame threw (a defect); the worker counts the error by kind and goes on. */
    WORKER_ERROR;

    /** The number of reasons. */
    public static final int COUNT = values().length;
}
