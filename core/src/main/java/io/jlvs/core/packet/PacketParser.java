package io.jlvs.core.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Parses a frame, Ethernet &rarr; optional 802.1Q tag &rarr; ARP | IPv4 | IPv6 &rarr; TCP |
 * UDP | ICMP | ICMPv6, into reusable flyweights and returns a {@link Verdict}; a malformed
 * frame gets {@link Verdict#DROP}, a {@link DropReason} and a count, never an exception.
 *
 * <p>The steps, each checking its length before reading:
 * <ol>
 *   <li>Ethernet: 14 bytes; TPID 0x8100 needs 18 and one tag only; EtherType must be ARP,
 *       IPv4 or IPv6.</li>
 *   <li>ARP: 28 bytes, IPv4 over Ethernet.</li>
 *   <li>IPv4: 20 bytes, version 4, IHL &ge; 5, IHL * 4 &le; frame, IHL * 4 &le; total length
 *       &le; frame, header checksum verifies, options well formed. Bytes after the total
 *       length (Ethernet padding) are ignored. A fragment stops here with
 *       {@link Verdict#IPV4_FRAGMENT}.</li>
 *   <li>IPv6: 40 bytes, version 6, 40 + payload length &le; frame; an extension header stops
 *       here with {@link Verdict#IPV6_EXTENSION}.</li>
 *   <li>Transport, within the IP payload: TCP 20 bytes and 5 &le; data offset, data offset * 4
 *       &le; payload; UDP 8 bytes and 8 &le; length &le; payload (a shorter length trims the
 *       datagram, as the kernel does), and over IPv6 a checksum other than 0; ICMP and ICMPv6
 *       8 bytes.</li>
 * </ol>
 * Transport checksums are not verified here: frames read from AF_PACKET may carry partial
 * checksums that the sender's NIC would have completed.
 *
 * <p>One parser per worker thread: it holds the flyweights of the last frame and a drop
 * counter per reason (plain {@code long}s written by that thread only). Parsing allocates
 * nothing.
 */
public final class PacketParser {
    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final Ipv4Flyweight ipv4 = new Ipv4Flyweight();
    private final Ipv6Flyweight ipv6 = new Ipv6Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final Icmpv6Flyweight icmpv6 = new Icmpv6Flyweight();
    private final long[] dropCounts = new long[DropReason.COUNT];

    private DropReason dropReason;
    private long l3Offset;
    private long l4Offset;
    private int l4Length;
    private long payloadOffset;
    private int payloadLength;

    /**
     * Parses the frame of {@code lengthBytes} at {@code offset} in {@code segment}.
     *
     * @return the verdict; on {@link Verdict#DROP} {@link #dropReason()} names the cause and
     *         its counter has been incremented
     */
    public Verdict parse(MemorySegment segment, long offset, int lengthBytes) {
        dropReason = null;
        l3Offset = l4Offset = payloadOffset = -1;
        l4Length = payloadLength = 0;
        if (offset < 0 || lengthBytes < 0 || offset > segment.byteSize() - lengthBytes) {
            return drop(DropReason.FRAME_OUT_OF_BOUNDS);
        }
        if (lengthBytes < EthernetFlyweight.HEADER_LENGTH) {
            return drop(DropReason.ETHERNET_TRUNCATED);
        }
        ethernet.wrap(segment, offset, lengthBytes);
        int etherType = ethernet.outerEtherType();
        int l2Length = EthernetFlyweight.HEADER_LENGTH;
        if (etherType == EthernetFlyweight.TPID_8021Q) {
            if (lengthBytes < EthernetFlyweight.VLAN_HEADER_LENGTH) {
                return drop(DropReason.VLAN_TRUNCATED);
            }
            etherType = ethernet.etherType();
            l2Length = EthernetFlyweight.VLAN_HEADER_LENGTH;
            if (etherType == EthernetFlyweight.TPID_8021Q || etherType == EthernetFlyweight.TPID_8021AD) {
                return drop(DropReason.VLAN_STACKED);
            }
        } else if (etherType == EthernetFlyweight.TPID_8021AD) {
            return drop(DropReason.VLAN_STACKED);
        }
        l3Offset = offset + l2Length;
        int l3Available = lengthBytes - l2Length;
        return switch (etherType) {
            case EthernetFlyweight.ETHERTYPE_IPV4 -> parseIpv4(segment, l3Available);
            case EthernetFlyweight.ETHERTYPE_IPV6 -> parseIpv6(segment, l3Available);
            case EthernetFlyweight.ETHERTYPE_ARP -> parseArp(segment, l3Available);
            default -> drop(DropReason.UNSUPPORTED_ETHERTYPE);
        };
    }

    private Verdict parseArp(MemorySegment segment, int available) {
        if (available < ArpFlyweight.LENGTH) {
            return drop(DropReason.ARP_TRUNCATED);
        }
        arp.wrap(segment, l3Offset, available);
        if (!arp.isEthernetIpv4()) {
            return drop(DropReason.ARP_NOT_ETHERNET_IPV4);
        }
        return Verdict.ARP;
    }

    private Verdict parseIpv4(MemorySegment segment, int available) {
        if (available < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return drop(DropReason.IPV4_TRUNCATED);
        }
        ipv4.wrap(segment, l3Offset, available);
        if (ipv4.version() != 4) {
            return drop(DropReason.IPV4_BAD_VERSION);
        }
        if (ipv4.ihl() < 5) {
            return drop(DropReason.IPV4_BAD_IHL);
        }
        int headerLength = ipv4.headerLength();
        if (headerLength > available) {
            return drop(DropReason.IPV4_HEADER_TRUNCATED);
        }
        int totalLength = ipv4.totalLength();
        if (totalLength < headerLength) {
            return drop(DropReason.IPV4_TOTAL_LENGTH_TOO_SHORT);
        }
        if (totalLength > available) {
            return drop(DropReason.IPV4_TOTAL_LENGTH_BEYOND_FRAME);
        }
        ipv4.wrap(segment, l3Offset, totalLength);
        if (!ipv4.isHeaderChecksumValid()) {
            return drop(DropReason.IPV4_BAD_CHECKSUM);
        }
        if (headerLength > Ipv4Flyweight.MIN_HEADER_LENGTH
                && !optionsWellFormed(segment, l3Offset + Ipv4Flyweight.MIN_HEADER_LENGTH,
                        headerLength - Ipv4Flyweight.MIN_HEADER_LENGTH)) {
            return drop(DropReason.IPV4_BAD_OPTION);
        }
        l4Offset = l3Offset + headerLength;
        l4Length = totalLength - headerLength;
        if (ipv4.isFragment()) {
            if (ipv4.fragmentOffsetBytes() + l4Length > 65535) {
                return drop(DropReason.IPV4_FRAGMENT_OVERFLOW);
            }
            return Verdict.IPV4_FRAGMENT;
        }
        return switch (ipv4.protocol()) {
            case Ipv4Flyweight.PROTO_TCP -> parseTcp(segment, Verdict.IPV4_TCP);
            case Ipv4Flyweight.PROTO_UDP -> parseUdp(segment, Verdict.IPV4_UDP);
            case Ipv4Flyweight.PROTO_ICMP -> parseIcmp(segment, icmp, DropReason.ICMP_TRUNCATED, Verdict.IPV4_ICMP);
            default -> Verdict.IPV4_OTHER;
        };
    }

    /** Walks type-length-value options: END stops, NOP is one byte, others need length 2..left. */
    private static boolean optionsWellFormed(MemorySegment segment, long at, int optionsLength) {
        int i = 0;
        while (i < optionsLength) {
            int type = segment.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF;
            if (type == Ipv4Flyweight.OPTION_END) {
                return true;
            }
            if (type == Ipv4Flyweight.OPTION_NOP) {
                i++;
                continue;
            }
            if (i + 1 >= optionsLength) {
                return false;
            }
            int length = segment.get(ValueLayout.JAVA_BYTE, at + i + 1) & 0xFF;
            if (length < 2 || i + length > optionsLength) {
                return false;
            }
            i += length;
        }
        return true;
    }

    private Verdict parseIpv6(MemorySegment segment, int available) {
        if (available < Ipv6Flyweight.HEADER_LENGTH) {
            return drop(DropReason.IPV6_TRUNCATED);
        }
        ipv6.wrap(segment, l3Offset, available);
        if (ipv6.version() != 6) {
            return drop(DropReason.IPV6_BAD_VERSION);
        }
        int payload = ipv6.payloadLength();
        if (Ipv6Flyweight.HEADER_LENGTH + payload > available) {
            return drop(DropReason.IPV6_PAYLOAD_BEYOND_FRAME);
        }
        ipv6.wrap(segment, l3Offset, Ipv6Flyweight.HEADER_LENGTH + payload);
        l4Offset = l3Offset + Ipv6Flyweight.HEADER_LENGTH;
        l4Length = payload;
        int next = ipv6.nextHeader();
        if (Ipv6Flyweight.isExtensionHeader(next)) {
            return Verdict.IPV6_EXTENSION;
        }
        return switch (next) {
            case Ipv6Flyweight.NEXT_TCP -> parseTcp(segment, Verdict.IPV6_TCP);
            case Ipv6Flyweight.NEXT_UDP -> parseUdp(segment, Verdict.IPV6_UDP);
            case Ipv6Flyweight.NEXT_ICMPV6 -> parseIcmp(segment, icmpv6, DropReason.ICMPV6_TRUNCATED,
                    Verdict.IPV6_ICMPV6);
            default -> Verdict.IPV6_OTHER;
        };
    }

    private Verdict parseTcp(MemorySegment segment, Verdict verdict) {
        if (l4Length < TcpFlyweight.MIN_HEADER_LENGTH) {
            return drop(DropReason.TCP_TRUNCATED);
        }
        tcp.wrap(segment, l4Offset, l4Length);
        if (tcp.dataOffset() < 5) {
            return drop(DropReason.TCP_BAD_DATA_OFFSET);
        }
        int headerLength = tcp.headerLength();
        if (headerLength > l4Length) {
            return drop(DropReason.TCP_HEADER_BEYOND_SEGMENT);
        }
        return payload(headerLength, l4Length - headerLength, verdict);
    }

    private Verdict parseUdp(MemorySegment segment, Verdict verdict) {
        if (l4Length < UdpFlyweight.HEADER_LENGTH) {
            return drop(DropReason.UDP_TRUNCATED);
        }
        udp.wrap(segment, l4Offset, l4Length);
        int udpLength = udp.udpLength();
        if (udpLength < UdpFlyweight.HEADER_LENGTH) {
            return drop(DropReason.UDP_BAD_LENGTH);
        }
        if (udpLength > l4Length) {
            return drop(DropReason.UDP_LENGTH_BEYOND_PAYLOAD);
        }
        udp.wrap(segment, l4Offset, udpLength);
        if (verdict == Verdict.IPV6_UDP && !udp.hasChecksum()) {
            return drop(DropReason.UDP_IPV6_ZERO_CHECKSUM);
        }
        return payload(UdpFlyweight.HEADER_LENGTH, udpLength - UdpFlyweight.HEADER_LENGTH, verdict);
    }

    private Verdict parseIcmp(MemorySegment segment, IcmpHeaderFlyweight header, DropReason truncated,
            Verdict verdict) {
        if (l4Length < IcmpHeaderFlyweight.HEADER_LENGTH) {
            return drop(truncated);
        }
        header.wrap(segment, l4Offset, l4Length);
        return payload(IcmpHeaderFlyweight.HEADER_LENGTH, l4Length - IcmpHeaderFlyweight.HEADER_LENGTH, verdict);
    }

    private Verdict payload(int headerLength, int length, Verdict verdict) {
        payloadOffset = l4Offset + headerLength;
        payloadLength = length;
        return verdict;
    }

    private Verdict drop(DropReason reason) {
        dropReason = reason;
        dropCounts[reason.ordinal()]++;
        return Verdict.DROP;
    }

    /** Why the last frame was dropped, or {@code null} when it was not. */
    public DropReason dropReason() {
        return dropReason;
    }

    /** Frames dropped for {@code reason} by this parser since it was made. */
    public long dropCount(DropReason reason) {
        return dropCounts[reason.ordinal()];
    }

    /**
     * Adds this parser's drop counts into {@code totals} (indexed by {@link DropReason#ordinal()},
     * at least {@link DropReason#COUNT} long), for aggregation over workers. Call it on the
     * parser's own thread, or accept counts that may lag.
     */
    public void addDropCountsTo(long[] totals) {
        for (int i = 0; i < dropCounts.length; i++) {
            totals[i] += dropCounts[i];
        }
    }

    /** The Ethernet header of the last frame (valid unless it was too short). */
    public EthernetFlyweight ethernet() {
        return ethernet;
    }

    /** The ARP packet; valid after {@link Verdict#ARP}. */
    public ArpFlyweight arp() {
        return arp;
    }

    /** The IPv4 header, wrapped over the datagram's total length; valid after an IPV4_ verdict. */
    public Ipv4Flyweight ipv4() {
        return ipv4;
    }

    /** The IPv6 fixed header; valid after an IPV6_ verdict. */
    public Ipv6Flyweight ipv6() {
        return ipv6;
    }

    /** The TCP header; valid after {@link Verdict#IPV4_TCP} or {@link Verdict#IPV6_TCP}. */
    public TcpFlyweight tcp() {
        return tcp;
    }

    /** The UDP header, wrapped over the UDP length; valid after a _UDP verdict. */
    public UdpFlyweight udp() {
        return udp;
    }

    /** The ICMP header; valid after {@link Verdict#IPV4_ICMP}. */
    public IcmpFlyweight icmp() {
        return icmp;
    }

    /** The ICMPv6 header; valid after {@link Verdict#IPV6_ICMPV6}. */
    public Icmpv6Flyweight icmpv6() {
        return icmpv6;
    }

    /** Offset of the network header (after Ethernet and any tag) in the segment, or -1. */
    public long l3Offset() {
        return l3Offset;
    }

    /** Offset of the transport header in the segment, or -1 when none was reached. */
    public long l4Offset() {
        return l4Offset;
    }

    /** Bytes of IP payload by the IP header (total length minus header, or IPv6 payload length). */
    public int l4Length() {
        return l4Length;
    }

    /** Offset of the data after the transport header, or -1 when no transport header was parsed. */
    public long payloadOffset() {
        return payloadOffset;
    }

    /** Bytes of data after the transport header (UDP: by its length field). */
    public int payloadLength() {
        return payloadLength;
    }
}
