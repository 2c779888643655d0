package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.service.ForwardingMethod;
import java.lang.foreign.MemorySegment;

/**
 * IPIP tunnelling ({@code -i}, the kernel's {@code ip_vs_tunnel_xmit} with
 * {@code --tun-type ipip}): the datagram, TTL&minus;1 apart, is wrapped in an outer IPv4
 * header (protocol 4) from the director to the real server, written in the 20 bytes of
 * headroom in front of it; the Ethernet header moves 20 bytes forward.
 *
 * <pre>
 *  before:            [eth][inner IPv4 ...]
 *  after:  [eth][outer IPv4][inner IPv4 ...]      frameOffset() = old offset - 20
 *  outer:  45 | tos | inner len + 20 | id | DF as inner, offset 0 | TTL | 4 | csum | DIP | RIP
 * </pre>
 *
 * <ol>
 *   <li>TTL &le; 1: drop, ICMP time exceeded to the source.</li>
 *   <li>Inner length &gt; tunnel MTU = max(68, route MTU &minus; 20): drop; with DF, ICMP
 *       fragmentation needed carrying the tunnel MTU (1480 on a 1500-byte link), quoting the
 *       datagram as received; without DF the outer datagram (DF clear) is fragmented for the
 *       route MTU after encapsulation, as the kernel does, if a {@link FragmentBuffer} is set
 *       ({@link #fragmentInto}), else dropped.</li>
 *   <li>Fewer than 20 bytes of headroom: drop.</li>
 *   <li>Inner TTL&minus;1 with its header checksum. Outer TTL = the decremented inner TTL,
 *       DF = inner DF (the kernel's {@code pmtu_disc=1}), TOS = inner DSCP with the ECN field
 *       encapsulated per RFC 6040 normal mode (CE becomes ECT(0), others are copied),
 *       identification from a per-worker counter, header checksum computed.</li>
 * </ol>
 * One per worker; allocation-free.
 */
public final class TunnelRewriter extends Ipv4Rewriter {
    /** Bytes of the outer IPv4 header, and of headroom needed in front of the frame. */
    public static final int OVERHEAD_BYTES = Ipv4Flyweight.MIN_HEADER_LENGTH;
    /** IP protocol number of IPv4-in-IPv4. */
    public static final int PROTO_IPIP = 4;

    private static final int ECN_MASK = 0x03;
    private static final int ECN_CE = 0x03;
    private static final int ECN_ECT0 = 0x02;
    private static final int FLAG_DF = 0x4000;

    private final Ipv4Flyweight outer = new Ipv4Flyweight();
    private int nextIdentification;

    /**
     * A rewriter counting into {@code counters}, answering with {@code icmpErrors}, whose first
     * outer header carries identification {@code firstIdentification} (low 16 bits; give each
     * worker a different start).
     */
    public TunnelRewriter(ForwardingCounters counters, IcmpErrorWriter icmpErrors, int firstIdentification) {
        super(counters, icmpErrors);
        this.nextIdentification = firstIdentification;
    }

    /**
     * Encapsulates the IPv4 frame last parsed by {@code frame} in place.
     *
     * @param headroomBytes bytes writable in front of the frame's offset in its segment
     * @param directorAddress outer source: the director's address towards the real server,
     *        host byte order
     * @param realServerAddress outer destination, RIP, host byte order
     * @param directorMac MAC of the director's interface (low 48 bits)
     * @param nextHopMac MAC of the next hop towards the real server (low 48 bits)
     * @param routeMtuBytes MTU of the route to the real server (the outer datagram's limit)
     * @param reply where a time-exceeded or fragmentation-needed error is written
     */
    public ForwardVerdict rewrite(PacketParser frame, int headroomBytes, int directorAddress, int realServerAddress,
            long directorMac, long nextHopMac, int routeMtuBytes, ReplyBuffer reply) {
        if (!begin(frame)) {
            return ForwardVerdict.DROP;
        }
        ForwardVerdict verdict = checkTtl(frame, reply);
        if (verdict == ForwardVerdict.FORWARD) {
            verdict = checkMtu(frame, Math.max(MIN_IPV4_MTU, routeMtuBytes - OVERHEAD_BYTES), routeMtuBytes,
                    OVERHEAD_BYTES, reply);
        }
        if (verdict != ForwardVerdict.FORWARD) {
            return verdict;
        }
        EthernetFlyweight ethernet = frame.ethernet();
        long oldOffset = ethernet.offset();
        if (headroomBytes < OVERHEAD_BYTES || oldOffset < OVERHEAD_BYTES) {
            return drop(ForwardDropReason.NO_HEADROOM);
        }
        Ipv4Flyweight inner = frame.ipv4();
        decrementTtl(inner);
        int innerLength = inner.totalLength();
        int innerTos = inner.tos();
        int ttl = inner.ttl();
        boolean dontFragment = inner.hasDontFragment();

        MemorySegment segment = ethernet.segment();
        int l2 = ethernet.headerLength();
        long newOffset = oldOffset - OVERHEAD_BYTES;
        MemorySegment.copy(segment, oldOffset + 12, segment, newOffset + 12, l2 - 12);
        int outerLength = innerLength + OVERHEAD_BYTES;
        ethernet.wrap(segment, newOffset, l2 + outerLength);
        ethernet.destination(nextHopMac);
        ethernet.source(directorMac);

        long outerOffset = newOffset + l2;
        outer.wrap(segment, outerOffset, outerLength);
        outer.versionAndIhl(0x45);
        outer.tos(encapsulateEcn(innerTos));
        outer.totalLength(outerLength);
        outer.identification(nextIdentification++ & 0xFFFF);
        outer.flagsAndFragmentOffset(dontFragment ? FLAG_DF : 0);
        outer.ttl(ttl);
        outer.protocol(PROTO_IPIP);
        outer.sourceAddress(directorAddress);
        outer.destinationAddress(realServerAddress);
        outer.updateHeaderChecksum();

        frameOffset = newOffset;
        frameLengthBytes = l2 + outerLength;
        return forwarded(frame, ForwardingMethod.TUNNEL);
    }

    /** The outer TOS: inner DSCP, inner ECN except CE, which becomes ECT(0) (RFC 6040 &sect;4.1, normal mode). */
    static int encapsulateEcn(int innerTos) {
        int ecn = innerTos & ECN_MASK;
        return innerTos & ~ECN_MASK | (ecn == ECN_CE ? ECN_ECT0 : ecn);
    }
}
