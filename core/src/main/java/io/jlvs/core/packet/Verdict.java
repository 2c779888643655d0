package io.jlvs.core.packet;

/**
 * What {@link PacketParser#parse} found in a frame: the kind of packet whose headers are now
 * wrapped, or {@link #DROP} with a {@link DropReason}. Returning a constant allocates nothing.
 */
public enum Verdict {
    /** An ARP packet for IPv4 over Ethernet; {@link PacketParser#arp()} is wrapped. */
    ARP,
    /** IPv4 carrying TCP; IPv4 and TCP headers are wrapped and checked. */
    IPV4_TCP,
    /** IPv4 carrying UDP; IPv4 and UDP headers are wrapped and checked. */
    IPV4_UDP,
    /** IPv4 carrying ICMP; IPv4 and ICMP headers are wrapped and checked. */
    IPV4_ICMP,
    /**
     * An IPv4 fragment (MF set or offset non-zero). Only the IPv4 header is wrapped: a non-first
     * fragment has no transport header, and a first fragment's transport header describes a
     * datagram that is not all here, so fragments go to reassembly or a counted drop.
     */
    IPV4_FRAGMENT,
    /** IPv4 carrying another protocol (GRE, IPIP, SCTP...); only the IPv4 header is wrapped. */
    IPV4_OTHER,
    /** IPv6 carrying TCP directly after the fixed header. */
    IPV6_TCP,
    /** IPv6 carrying UDP directly after the fixed header. */
    IPV6_UDP,
    /** IPv6 carrying ICMPv6 directly after the fixed header. */
    IPV6_ICMPV6,
    /** IPv6 whose next header is an extension header; not walked past. */
    IPV6_EXTENSION,
    /** IPv6 carrying another protocol (or "no next header"); only the fixed header is wrapped. */
    IPV6_OTHER,
    /** Malformed or unsupported: {@link PacketParser#dropReason()} says why. */
    DROP
}
