package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes the ICMP error (RFC 792) that answers an offending IPv4 frame, from the director
 * back to the frame's source, into a {@link ReplyBuffer}.
 *
 * <pre>
 *  Ethernet  dst = the offending frame's source MAC, src = {@link ReplyBuffer#sourceMac()},
 *            any 802.1Q tag copied
 *  IPv4      45 | TOS (offending &amp; 0x1E) | 0xC0 | len | id (per-worker counter) | DF 0 |
 *            TTL 64 | proto 1 | src {@link ReplyBuffer#sourceAddress()} | dst offending source
 *  ICMP      type | code | checksum | rest of header (frag-needed: 0, next-hop MTU)
 *            offending IP header (with options) + the first 8 bytes of its payload
 * </pre>
 *
 * <p>As RFC 1122 &sect;3.2.2 and RFC 1812 &sect;4.3.2.7 ask, no error is written about an
 * ICMP error, a non-first fragment, a frame sent to a link-layer or IP multicast or broadcast
 * address, or a datagram whose source is not a unicast host (0/8, 127/8, 224/4 and above).
 * Errors are not rate-limited here (the kernel limits them per destination); that is the
 * caller's to add. One writer per worker; allocation-free.
 */
public final class IcmpErrorWriter {
    /** Bytes of ICMP header before the quoted datagram. */
    static final int ICMP_HEADER_LENGTH = 8;
    /** Bytes of the offending payload quoted after its IP header (RFC 792). */
    static final int QUOTED_PAYLOAD_BYTES = 8;
    /** TTL of the errors, the kernel's default {@code ip_default_ttl}. */
    static final int REPLY_TTL = 64;
    /** Type of a source quench (deprecated, still an error). */
    static final int SOURCE_QUENCH = 4;

    private static final int PRECEDENCE_INTERNET_CONTROL = 0xC0;
    private static final int TOS_MASK = 0x1E;

    private final EthernetFlyweight ethernet = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private int nextIdentification;

    /** A writer whose first error carries IP identification {@code firstIdentification} (low 16 bits). */
    public IcmpErrorWriter(int firstIdentification) {
        this.nextIdentification = firstIdentification;
    }

    /**
     * Writes an ICMP error about the IPv4 frame last parsed by {@code frame} into {@code reply}
     * (which must not overlap the frame).
     *
     * @param restOfHeader bytes 4..7 of the ICMP header (the next-hop MTU for type 3 code 4)
     * @return whether an error was written ({@link ReplyBuffer#lengthBytes()} is then its
     *         length); false when RFC 1122 forbids an error about this datagram or the buffer
     *         is too small
     */
    public boolean write(PacketParser frame, int type, int code, int restOfHeader, ReplyBuffer reply) {
        reply.lengthBytes(0);
        EthernetFlyweight offendingEthernet = frame.ethernet();
        Ipv4Flyweight offending = frame.ipv4();
        if (!mayAnswer(frame, offendingEthernet, offending)) {
            return false;
        }
        int l2 = offendingEthernet.headerLength();
        int quoted = Math.min(offending.headerLength() + QUOTED_PAYLOAD_BYTES, offending.totalLength());
        int ipLength = Ipv4Flyweight.MIN_HEADER_LENGTH + ICMP_HEADER_LENGTH + quoted;
        int length = l2 + ipLength;
        MemorySegment out = reply.segment();
        long at = reply.offset();
        if (length > reply.capacityBytes() || at < 0 || at > out.byteSize() - length) {
            return false;
        }
        MemorySegment in = offendingEthernet.segment();
        MemorySegment.copy(in, offendingEthernet.offset() + 12, out, at + 12, l2 - 12);
        ethernet.wrap(out, at, length);
        ethernet.destination(offendingEthernet.source());
        ethernet.source(reply.sourceMac());

        long ipOffset = at + l2;
        ip.wrap(out, ipOffset, ipLength);
        ip.versionAndIhl(0x45);
        ip.tos(offending.tos() & TOS_MASK | PRECEDENCE_INTERNET_CONTROL);
        ip.totalLength(ipLength);
        ip.identification(nextIdentification++ & 0xFFFF);
        ip.flagsAndFragmentOffset(0);
        ip.ttl(REPLY_TTL);
        ip.protocol(Ipv4Flyweight.PROTO_ICMP);
        ip.sourceAddress(reply.sourceAddress());
        ip.destinationAddress(offending.sourceAddress());
        ip.updateHeaderChecksum();

        long icmpOffset = ipOffset + Ipv4Flyweight.MIN_HEADER_LENGTH;
        icmp.wrap(out, icmpOffset, ICMP_HEADER_LENGTH + quoted);
        icmp.type(type);
        icmp.code(code);
        icmp.restOfHeader(restOfHeader);
        MemorySegment.copy(in, offending.offset(), out, icmpOffset + ICMP_HEADER_LENGTH, quoted);
        icmp.checksum(icmp.computeChecksum(ICMP_HEADER_LENGTH + quoted));
        reply.lengthBytes(length);
        return true;
    }

    private static boolean mayAnswer(PacketParser frame, EthernetFlyweight ethernet, Ipv4Flyweight offending) {
        if ((ethernet.destination() & 0x0100_0000_0000L) != 0 || offending.fragmentOffset() != 0) {
            return false;
        }
        int source = offending.sourceAddress();
        int sourceNet = source >>> 24;
        if (sourceNet == 0 || sourceNet == 127 || sourceNet >= 224) {
            return false;
        }
        int destination = offending.destinationAddress();
        if (destination >>> 28 == 0xE || destination == -1) {
            return false;
        }
        if (offending.protocol() == Ipv4Flyweight.PROTO_ICMP && offending.payloadLength() > 0) {
            int offendingType = offending.segment().get(ValueLayout.JAVA_BYTE, frame.l4Offset()) & 0xFF;
            return !isError(offendingType);
        }
        return true;
    }

    /** Whether an ICMP type is an error message (as opposed to a query such as echo). */
    static boolean isError(int type) {
        return type == IcmpFlyweight.DESTINATION_UNREACHABLE || type == SOURCE_QUENCH || type == 5
                || type == IcmpFlyweight.TIME_EXCEEDED || type == 12;
    }
}
