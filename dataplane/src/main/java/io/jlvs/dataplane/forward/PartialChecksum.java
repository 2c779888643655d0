package io.jlvs.dataplane.forward;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.checksum.TransportChecksum;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.UdpFlyweight;

/**
 * Completes the TCP or UDP checksum of a frame the sender left for offload
 * ({@code CHECKSUM_PARTIAL}; AF_PACKET marks it {@code TP_STATUS_CSUMNOTREADY}).
 *
 * <p>Such a frame's checksum field holds the folded pseudo-header sum, not complemented
 * (Linux writes {@code ~csum_tcpudp_magic(saddr, daddr, len, proto, 0)}), and the device is
 * expected to add the segment and complement. Summing the segment with that field in place
 * therefore gives pseudo-header + segment, and its complement is the full checksum, which
 * this class stores (UDP: a 0 result as 0xFFFF). Complete before rewriting, so the
 * incremental updates start from a true checksum. Static, allocation-free.
 */
public final class PartialChecksum {
    private PartialChecksum() {
    }

    /**
     * Whether the TCP or UDP checksum of the frame last parsed by {@code frame} was left for
     * offload, judged from the frame alone, for sockets that do not report it (AF_XDP): its
     * field holds exactly the pseudo-header sum, and the checksum does not verify. A complete
     * checksum that happens to equal the pseudo-header sum still verifies, so it is never taken
     * for partial. Costs a few additions, and a pass over the segment only when the field
     * matches. Allocation-free.
     */
    public static boolean looksPartial(PacketParser frame) {
        if (!Ipv4Rewriter.isIpv4(frame) || frame.ipv4().isFragment()) {
            return false;
        }
        Ipv4Flyweight ip = frame.ipv4();
        int protocol = ip.protocol();
        int field;
        if (protocol == Ipv4Flyweight.PROTO_TCP) {
            field = frame.tcp().checksum();
        } else if (protocol == Ipv4Flyweight.PROTO_UDP) {
            field = frame.udp().checksum();
            if (field == 0) {
                return false;
            }
        } else {
            return false;
        }
        long pseudo = TransportChecksum.ipv4PseudoHeaderSum(ip.sourceAddress(), ip.destinationAddress(), protocol,
                frame.l4Length());
        if (field != InternetChecksum.fold(pseudo)) {
            return false;
        }
        return !TransportChecksum.isValid(pseudo, frame.ipv4().segment(), frame.l4Offset(), frame.l4Length());
    }

    /**
     * Completes the transport checksum of the frame last parsed by {@code frame}.
     *
     * @return whether a checksum was completed: false unless the frame is an unfragmented
     *         IPv4 TCP or UDP datagram
     */
    public static boolean complete(PacketParser frame) {
        if (!Ipv4Rewriter.isIpv4(frame) || frame.ipv4().isFragment()) {
            return false;
        }
        int protocol = frame.ipv4().protocol();
        if (protocol == Ipv4Flyweight.PROTO_TCP) {
            TcpFlyweight tcp = frame.tcp();
            tcp.checksum(InternetChecksum.checksum(tcp.segment(), tcp.offset(), frame.l4Length()));
            return true;
        }
        if (protocol == Ipv4Flyweight.PROTO_UDP) {
            UdpFlyweight udp = frame.udp();
            int checksum = InternetChecksum.checksum(udp.segment(), udp.offset(), udp.length());
            udp.checksum(checksum == 0 ? 0xFFFF : checksum);
            return true;
        }
        return false;
    }
}
