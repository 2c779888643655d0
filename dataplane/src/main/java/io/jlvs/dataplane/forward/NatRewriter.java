package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TransportFlyweight;
import io.jlvs.core.packet.UdpFlyweight;
import io.jlvs.core.service.ForwardingMethod;

/**
 * NAT / masquerading ({@code -m}; the kernel's {@code ip_vs_nat_xmit}, {@code handle_response}
 * and {@code ip_vs_nat_icmp}), both directions, for TCP, UDP and the ICMP errors about them.
 *
 * <pre>
 *  inbound   client:cport &rarr; VIP:vport    becomes  client:cport &rarr; RIP:rport
 *  outbound  RIP:rport &rarr; client:cport    becomes  VIP:vport &rarr; client:cport
 *  ICMP in   X &rarr; VIP   [quote VIP:vport &rarr; client:cport]  becomes  X &rarr; RIP [RIP:rport &rarr; ...]
 *  ICMP out  Y &rarr; client [quote client:cport &rarr; RIP:rport]  becomes  VIP &rarr; client [... &rarr; VIP:vport]
 * </pre>
 *
 * <p>For TCP and UDP: TTL check, MTU check (see {@link DirectRouteRewriter}), then the address
 * with RFC 1624 updates of the IP header checksum and of the transport checksum through its
 * pseudo-header, the port with the transport checksum, TTL&minus;1, and the MACs (source =
 * director, destination = next hop). A UDP datagram sent without checksum (0) leaves with a
 * full checksum, a computed 0 sent as 0xFFFF (IPVS-SEMANTICS &sect;3.1). A frame whose
 * checksum is partial ({@code TP_STATUS_CSUMNOTREADY}) must be completed first with
 * {@link PartialChecksum#complete}.
 *
 * <p>For ICMP errors ({@link IcmpQuote} checks them): the outer address, the quoted address
 * and port as drawn, the quoted IP header checksum, then the ICMP checksum recomputed over the
 * whole message, TTL&minus;1 and the MACs. No MTU check for a relayed error, as in the kernel.
 * Other ICMP (echo) is the director's own business and is dropped here with a reason.
 * One per worker; allocation-free.
 */
public final class NatRewriter extends Ipv4Rewriter {
    private final IcmpQuote quote = new IcmpQuote();

    /** A rewriter counting into {@code counters} and answering with {@code icmpErrors}. */
    public NatRewriter(ForwardingCounters counters, IcmpErrorWriter icmpErrors) {
        super(counters, icmpErrors);
    }

    /**
     * Rewrites a client-side frame towards the real server in place: destination
     * VIP:vport &rarr; RIP:rport (or, for an ICMP error, as drawn in the class comment).
     *
     * @param realServerAddress RIP, host byte order
     * @param realServerPort RS port, host byte order
     * @param directorMac MAC of the director's interface towards the next hop (low 48 bits)
     * @param nextHopMac MAC of the next hop towards the real server (low 48 bits)
     * @param routeMtuBytes MTU of that route
     * @param reply where a time-exceeded or fragmentation-needed error is written
     */
    public ForwardVerdict inbound(PacketParser frame, int realServerAddress, int realServerPort,
            long directorMac, long nextHopMac, int routeMtuBytes, ReplyBuffer reply) {
        return translate(frame, true, realServerAddress, realServerPort, directorMac, nextHopMac,
                routeMtuBytes, reply);
    }

    /**
     * Rewrites a real-server frame towards the client in place: source RIP:rport &rarr;
     * VIP:vport (or, for an ICMP error, as drawn in the class comment).
     *
     * @param virtualAddress VIP, host byte order
     * @param virtualPort service port, host byte order
     * @param directorMac MAC of the director's interface towards the next hop (low 48 bits)
     * @param nextHopMac MAC of the next hop towards the client (low 48 bits)
     * @param routeMtuBytes MTU of that route
     * @param reply where a time-exceeded or fragmentation-needed error is written
     */
    public ForwardVerdict outbound(PacketParser frame, int virtualAddress, int virtualPort,
            long directorMac, long nextHopMac, int routeMtuBytes, ReplyBuffer reply) {
        return translate(frame, false, virtualAddress, virtualPort, directorMac, nextHopMac,
                routeMtuBytes, reply);
    }

    /**
     * The quote of the last ICMP error handled (valid after {@link #inbound} or
     * {@link #outbound} of an ICMP frame got past the quote checks).
     */
    public IcmpQuote quote() {
        return quote;
    }

    private ForwardVerdict translate(PacketParser frame, boolean inbound, int address, int port,
            long directorMac, long nextHopMac, int routeMtuBytes, ReplyBuffer reply) {
        if (!begin(frame)) {
            return ForwardVerdict.DROP;
        }
        Ipv4Flyweight ip = frame.ipv4();
        if (ip.isFragment()) {
            return drop(ForwardDropReason.NAT_FRAGMENT);
        }
        int protocol = ip.protocol();
        ForwardVerdict verdict;
        if (protocol == Ipv4Flyweight.PROTO_TCP || protocol == Ipv4Flyweight.PROTO_UDP) {
            verdict = checkTtl(frame, reply);
            if (verdict == ForwardVerdict.FORWARD) {
                verdict = checkMtu(frame, routeMtuBytes, routeMtuBytes, 0, reply);
            }
            if (verdict == ForwardVerdict.FORWARD) {
                translateTransport(frame, protocol, inbound, address, port);
            }
        } else if (protocol == Ipv4Flyweight.PROTO_ICMP) {
            if (!quote.wrap(frame)) {
                return drop(quote.failure());
            }
            verdict = checkTtl(frame, reply);
            if (verdict == ForwardVerdict.FORWARD) {
                translateIcmpError(frame, inbound, address, port);
            }
        } else {
            return drop(ForwardDropReason.NAT_UNSUPPORTED_PROTOCOL);
        }
        if (verdict != ForwardVerdict.FORWARD) {
            return verdict;
        }
        decrementTtl(ip);
        setMacs(frame, directorMac, nextHopMac);
        return forwarded(frame, ForwardingMethod.MASQ);
    }

    private static void translateTransport(PacketParser frame, int protocol, boolean inbound, int address,
            int port) {
        Ipv4Flyweight ip = frame.ipv4();
        boolean udp = protocol == Ipv4Flyweight.PROTO_UDP;
        TransportFlyweight l4 = udp ? frame.udp() : frame.tcp();
        boolean udpWithoutChecksum = udp && !frame.udp().hasChecksum();
        int oldAddress = inbound ? ip.replaceDestinationAddress(address) : ip.replaceSourceAddress(address);
        l4.adjustChecksum32(oldAddress, address);
        if (inbound) {
            l4.replaceDestinationPort(port);
        } else {
            l4.replaceSourcePort(port);
        }
        if (udpWithoutChecksum) {
            UdpFlyweight datagram = frame.udp();
            int udpLength = datagram.length();
            datagram.checksum(datagram.computeChecksum(ip.pseudoHeaderSum(udpLength), udpLength));
        }
    }

    private void translateIcmpError(PacketParser frame, boolean inbound, int address, int port) {
        Ipv4Flyweight ip = frame.ipv4();
        if (inbound) {
            ip.replaceDestinationAddress(address);
            quote.replaceSource(address, port);
        } else {
            ip.replaceSourceAddress(address);
            quote.replaceDestination(address, port);
        }
        IcmpFlyweight icmp = frame.icmp();
        icmp.checksum(icmp.computeChecksum(frame.l4Length()));
    }
}
