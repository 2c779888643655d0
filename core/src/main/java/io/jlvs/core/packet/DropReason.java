package io.jlvs.core.packet;

/**
 * Why {@link PacketParser#parse} refused a frame. A worker counts drops in a {@code long[]}
 * indexed by {@link #ordinal()} ({@link #COUNT} slots); the parser keeps such an array itself.
 */
public enum DropReason {
    /** Offset or length outside the segment: a caller or ring-descriptor error, not a packet error. */
    FRAME_OUT_OF_BOUNDS,
    /** Fewer than 14 bytes: no complete Ethernet header. */
    ETHERNET_TRUNCATED,
    /** TPID 0x8100 but fewer than 18 bytes: no complete VLAN tag and EtherType. */
    VLAN_TRUNCATED,
    /** A second VLAN tag or an 802.1ad service tag: only one 802.1Q tag is supported. */
    VLAN_STACKED,
    /** EtherType other than IPv4, IPv6 and ARP (or an 802.3 length field). */
    UNSUPPORTED_ETHERTYPE,
    /** EtherType ARP with fewer than 28 bytes after the Ethernet header. */
    ARP_TRUNCATED,
    /** ARP not for IPv4 over Ethernet (hardware/protocol type or address lengths differ). */
    ARP_NOT_ETHERNET_IPV4,
    /** EtherType IPv4 with fewer than 20 bytes after the Ethernet header. */
    IPV4_TRUNCATED,
    /** EtherType IPv4 but the version field is not 4. */
    IPV4_BAD_VERSION,
    /** IHL below 5 (a header shorter than 20 bytes). */
    IPV4_BAD_IHL,
    /** The header with its options (IHL * 4) runs past the end of the frame. */
    IPV4_HEADER_TRUNCATED,
    /** Total length smaller than the header length. */
    IPV4_TOTAL_LENGTH_TOO_SHORT,
    /** Total length runs past the end of the frame. */
    IPV4_TOTAL_LENGTH_BEYOND_FRAME,
    /** The header checksum does not verify. */
    IPV4_BAD_CHECKSUM,
    /** An option whose length byte is missing, below 2 or runs past the header. */
    IPV4_BAD_OPTION,
    /** A fragment whose offset plus length exceeds the 65535-byte datagram limit. */
    IPV4_FRAGMENT_OVERFLOW,
    /** EtherType IPv6 with fewer than 40 bytes after the Ethernet header. */
    IPV6_TRUNCATED,
    /** EtherType IPv6 but the version field is not 6. */
    IPV6_BAD_VERSION,
    /** The payload length runs past the end of the frame. */
    IPV6_PAYLOAD_BEYOND_FRAME,
    /** Fewer than 20 bytes of IP payload for a TCP header. */
    TCP_TRUNCATED,
    /** TCP data offset below 5 (a header shorter than 20 bytes). */
    TCP_BAD_DATA_OFFSET,
    /** TCP header with options (data offset * 4) runs past the end of the IP payload. */
    TCP_HEADER_BEYOND_SEGMENT,
    /** Fewer than 8 bytes of IP payload for a UDP header. */
    UDP_TRUNCATED,
    /** UDP length field below 8. */
    UDP_BAD_LENGTH,
    /** UDP length field runs past the end of the IP payload. */
    UDP_LENGTH_BEYOND_PAYLOAD,
    /** UDP over IPv6 with checksum 0, which RFC 8200 &sect;8.1 forbids (the kernel drops it too). */
    UDP_IPV6_ZERO_CHECKSUM,
    /** Fewer than 8 bytes of IP payload for an ICMP header. */
    ICMP_TRUNCATED,
    /** Fewer than 8 bytes of IP payload for an ICMPv6 header. */
    ICMPV6_TRUNCATED;

    /** The number of reasons: the size of a counter array indexed by {@link #ordinal()}. */
    public static final int COUNT = values().length;
}
