package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.UdpFlyweight;

/**
 * The datagram quoted by an ICMP error that IPVS relays (types 3, 4 and 11,
 * IPVS-SEMANTICS &sect;3.4): its IPv4 header and at least the ports of its TCP or UDP header.
 *
 * <pre>
 *  outer IPv4 | ICMP type code checksum rest | quoted IPv4 header | sport dport (len csum | seq ...)
 *                                              ^ 8 bytes after the ICMP header
 * </pre>
 *
 * <p>The quoted datagram travelled the other way from the error: an error about a reply
 * VIP:80 &rarr; client:51022 quotes that reply, so the connection it belongs to is found with
 * the quoted source and destination swapped, {@code lookupSource...} = the quoted destination.
 * {@link #wrap} checks, in this order: the type, the ICMP checksum over the whole message, a
 * quoted IPv4 header of version 4 with IHL &ge; 5 that fits, not a non-first fragment, TCP or
 * UDP, and four port bytes after it. Addresses are host-order {@code int}s, ports host-order
 * {@code int}s 0..65535. One per worker; allocation-free.
 */
public final class IcmpQuote {
    private static final int PORT_BYTES = 4;
    private static final int TCP_CHECKSUM_END = 18;

    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final TcpFlyweight tcp = new TcpFlyweight();
    private final UdpFlyweight udp = new UdpFlyweight();
    private ForwardDropReason failure;
    private int l4AvailableBytes;

    /**
     * Wraps the quote of the ICMP message last parsed by {@code frame} (after an
     * {@code IPV4_ICMP} verdict).
     *
     * @return whether it is a relayed error with a usable quote; if not, {@link #failure()} says why
     */
    public boolean wrap(PacketParser frame) {
        failure = null;
        IcmpFlyweight icmp = frame.icmp();
        int type = icmp.type();
        if (type != IcmpFlyweight.DESTINATION_UNREACHABLE && type != IcmpErrorWriter.SOURCE_QUENCH
                && type != IcmpFlyweight.TIME_EXCEEDED) {
            return fail(ForwardDropReason.ICMP_NOT_RELATED_ERROR);
        }
        int messageLength = frame.l4Length();
        if (!icmp.isChecksumValid(messageLength)) {
            return fail(ForwardDropReason.ICMP_BAD_CHECKSUM);
        }
        int available = messageLength - IcmpErrorWriter.ICMP_HEADER_LENGTH;
        if (available < Ipv4Flyweight.MIN_HEADER_LENGTH) {
            return fail(ForwardDropReason.ICMP_QUOTE_TRUNCATED);
        }
        ip.wrap(icmp.segment(), icmp.offset() + IcmpErrorWriter.ICMP_HEADER_LENGTH, available);
        if (ip.version() != 4 || ip.ihl() < 5) {
            return fail(ForwardDropReason.ICMP_QUOTE_NOT_IPV4);
        }
        int headerLength = ip.headerLength();
        if (headerLength > available) {
            return fail(ForwardDropReason.ICMP_QUOTE_TRUNCATED);
        }
        if (ip.fragmentOffset() != 0) {
            return fail(ForwardDropReason.ICMP_QUOTE_FRAGMENT);
        }
        int protocol = ip.protocol();
        if (protocol != Ipv4Flyweight.PROTO_TCP && protocol != Ipv4Flyweight.PROTO_UDP) {
            return fail(ForwardDropReason.ICMP_QUOTE_UNSUPPORTED_PROTOCOL);
        }
        l4AvailableBytes = available - headerLength;
        if (l4AvailableBytes < PORT_BYTES) {
            return fail(ForwardDropReason.ICMP_QUOTE_TRUNCATED);
        }
        long l4Offset = ip.offset() + headerLength;
        tcp.wrap(ip.segment(), l4Offset, l4AvailableBytes);
        udp.wrap(ip.segment(), l4Offset, l4AvailableBytes);
        return true;
    }

    private boolean fail(ForwardDropReason reason) {
        failure = reason;
        return false;
    }

    /** Why the last {@link #wrap} failed, or {@code null} when it succeeded. */
    public ForwardDropReason failure() {
        return failure;
    }

    /** IP protocol of the quoted datagram (TCP or UDP). */
    public int protocol() {
        return ip.protocol();
    }

    /** Source address of the quoted datagram, host byte order. */
    public int sourceAddress() {
        return ip.sourceAddress();
    }

    /** Destination address of the quoted datagram, host byte order. */
    public int destinationAddress() {
        return ip.destinationAddress();
    }

    /** Source port of the quoted datagram, host byte order. */
    public int sourcePort() {
        return tcp.sourcePort();
    }

    /** Destination port of the quoted datagram, host byte order. */
    public int destinationPort() {
        return tcp.destinationPort();
    }

    /** Source address of the connection lookup: the quoted destination (host byte order). */
    public int lookupSourceAddress() {
        return ip.destinationAddress();
    }

    /** Source port of the connection lookup: the quoted destination port (host byte order). */
    public int lookupSourcePort() {
        return tcp.destinationPort();
    }

    /** Destination address of the connection lookup: the quoted source (host byte order). */
    public int lookupDestinationAddress() {
        return ip.sourceAddress();
    }

    /** Destination port of the connection lookup: the quoted source port (host byte order). */
    public int lookupDestinationPort() {
        return tcp.sourcePort();
    }

    /**
     * Rewrites the quoted source address and port (NAT towards the real server: VIP:vport
     * becomes RIP:rport). The quoted IP header checksum is recomputed as the kernel does; the
     * quoted TCP/UDP checksum, where the quote holds it, is updated incrementally (the kernel
     * leaves it, Linux netfilter NAT updates it) so the quote stays self-consistent.
     */
    void replaceSource(int address, int port) {
        int oldAddress = ip.sourceAddress();
        int oldPort = tcp.sourcePort();
        ip.sourceAddress(address);
        tcp.sourcePort(port);
        finishRewrite(oldAddress, address, oldPort, port);
    }

    /** Rewrites the quoted destination address and port, as {@link #replaceSource}. */
    void replaceDestination(int address, int port) {
        int oldAddress = ip.destinationAddress();
        int oldPort = tcp.destinationPort();
        ip.destinationAddress(address);
        tcp.destinationPort(port);
        finishRewrite(oldAddress, address, oldPort, port);
    }

    private void finishRewrite(int oldAddress, int address, int oldPort, int port) {
        ip.updateHeaderChecksum();
        if (ip.protocol() == Ipv4Flyweight.PROTO_TCP) {
            if (l4AvailableBytes >= TCP_CHECKSUM_END) {
                tcp.adjustChecksum32(oldAddress, address);
                tcp.adjustChecksum16(oldPort, port);
            }
        } else if (l4AvailableBytes >= UdpFlyweight.HEADER_LENGTH) {
            udp.adjustChecksum32(oldAddress, address);
            udp.adjustChecksum16(oldPort, port);
        }
    }
}
