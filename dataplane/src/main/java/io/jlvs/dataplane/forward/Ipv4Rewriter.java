package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.service.ForwardingMethod;

/**
 * What every rewriter shares: the result of the last frame (verdict, drop reason, frame
 * position), the per-hop checks of {@code __ip_vs_get_out_rt} (TTL, then MTU) with their ICMP
 * answers, and the counters. Package-private; one instance per worker.
 */
abstract class Ipv4Rewriter {
    /** Smallest MTU an IPv4 link may have (RFC 791); a tunnel MTU is never reported below it. */
    static final int MIN_IPV4_MTU = 68;

    final ForwardingCounters counters;
    final IcmpErrorWriter icmpErrors;
    private ForwardDropReason dropReason;
    private FragmentBuffer fragments;
    private boolean fragmentAfterRewrite;
    private int fragmentMtuBytes;
    long frameOffset;
    int frameLengthBytes;

    Ipv4Rewriter(ForwardingCounters counters, IcmpErrorWriter icmpErrors) {
        this.counters = counters;
        this.icmpErrors = icmpErrors;
    }

    /** Why the last frame was not forwarded, or {@code null} after {@link ForwardVerdict#FORWARD}. */
    public final ForwardDropReason dropReason() {
        return dropReason;
    }

    /**
     * Lets this rewriter fragment datagrams larger than their route MTU that may be fragmented
     * (no DF), into {@code buffer}, as the kernel does; without it (the default, or
     * {@code null}) they are dropped as {@link ForwardDropReason#OVERSIZE_NOT_FRAGMENTED}.
     * Control-side setting, made before the worker runs.
     */
    public final void fragmentInto(FragmentBuffer buffer) {
        this.fragments = buffer;
    }

    /**
     * Offset of the frame to send after {@link ForwardVerdict#FORWARD}, in the frame's segment
     * (after {@link ForwardVerdict#FRAGMENTED}, of the rewritten frame that was split).
     */
    public final long frameOffset() {
        return frameOffset;
    }

    /** Length of the frame to send after {@link ForwardVerdict#FORWARD}. */
    public final int frameLengthBytes() {
        return frameLengthBytes;
    }

    /** Whether the parser's last verdict was an IPv4 one (its IPv4 header is wrapped and checked). */
    static boolean isIpv4(PacketParser frame) {
        return frame.dropReason() == null && frame.l3Offset() >= 0
                && frame.ethernet().etherType() == EthernetFlyweight.ETHERTYPE_IPV4;
    }

    /** Resets the result for a new frame; false (and a counted drop) when it is not IPv4. */
    final boolean begin(PacketParser frame) {
        dropReason = null;
        fragmentAfterRewrite = false;
        if (!isIpv4(frame)) {
            frameOffset = 0;
            frameLengthBytes = 0;
            drop(ForwardDropReason.NOT_IPV4);
            return false;
        }
        frameOffset = frame.ethernet().offset();
        frameLengthBytes = frame.ethernet().length();
        return true;
    }

    final ForwardVerdict drop(ForwardDropReason reason) {
        dropReason = reason;
        counters.dropped(reason);
        return ForwardVerdict.DROP;
    }

    /** Counts the drop and answers with an ICMP error when allowed and the buffer takes it. */
    final ForwardVerdict dropAndAnswer(ForwardDropReason reason, PacketParser frame, int type, int code,
            int restOfHeader, ReplyBuffer reply) {
        drop(reason);
        if (icmpErrors.write(frame, type, code, restOfHeader, reply)) {
            counters.replied();
            return ForwardVerdict.REPLY;
        }
        return ForwardVerdict.DROP;
    }

    /**
     * The TTL check: a TTL of 0 or 1 cannot be decremented and forwarded, so the frame is
     * dropped with a time-exceeded error (type 11 code 0) quoting it as received.
     *
     * @return {@link ForwardVerdict#FORWARD} to go on, else the verdict for the frame
     */
    final ForwardVerdict checkTtl(PacketParser frame, ReplyBuffer reply) {
        if (frame.ipv4().ttl() <= 1) {
            return dropAndAnswer(ForwardDropReason.TTL_EXPIRED, frame, IcmpFlyweight.TIME_EXCEEDED, 0, 0, reply);
        }
        return ForwardVerdict.FORWARD;
    }

    /**
     * The MTU check: a datagram longer than {@code limitBytes} is dropped with DF, and its source
     * gets fragmentation needed (type 3 code 4) carrying {@code limitBytes} as next-hop MTU.
     * Without DF it goes on, to be fragmented for {@code routeMtuBytes} after the rewrite, if
     * the {@link FragmentBuffer} takes the fragments; if not it is dropped.
     *
     * @param encapsulationBytes header bytes the rewrite puts in front of the datagram (0, or
     *        20 for IPIP, whose outer header is then the one repeated in every fragment)
     */
    final ForwardVerdict checkMtu(PacketParser frame, int limitBytes, int routeMtuBytes, int encapsulationBytes,
            ReplyBuffer reply) {
        Ipv4Flyweight ip = frame.ipv4();
        int totalLength = ip.totalLength();
        if (totalLength <= limitBytes) {
            return ForwardVerdict.FORWARD;
        }
        if (ip.hasDontFragment()) {
            return dropAndAnswer(ForwardDropReason.FRAGMENTATION_NEEDED, frame, IcmpFlyweight.DESTINATION_UNREACHABLE,
                    IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, limitBytes & 0xFFFF, reply);
        }
        int headerBytes = encapsulationBytes > 0 ? encapsulationBytes : ip.headerLength();
        int payloadBytes = encapsulationBytes > 0 ? totalLength : totalLength - headerBytes;
        if (fragments == null
                || !fragments.fits(frame.ethernet().headerLength(), headerBytes, payloadBytes, routeMtuBytes)) {
            return drop(ForwardDropReason.OVERSIZE_NOT_FRAGMENTED);
        }
        fragmentAfterRewrite = true;
        fragmentMtuBytes = routeMtuBytes;
        return ForwardVerdict.FORWARD;
    }

    /**
     * Counts the rewritten frame as forwarded by {@code method} and, when the MTU check asked
     * for it, splits it into the fragment buffer.
     */
    final ForwardVerdict forwarded(PacketParser frame, ForwardingMethod method) {
        counters.forwarded(method);
        if (!fragmentAfterRewrite) {
            return ForwardVerdict.FORWARD;
        }
        fragments.split(frame.ethernet().segment(), frameOffset, frame.ethernet().headerLength(), fragmentMtuBytes);
        counters.fragmented(fragments.count());
        return ForwardVerdict.FRAGMENTED;
    }

    /** Decrements the TTL (the caller checked it is above 1) with the header checksum. */
    static void decrementTtl(Ipv4Flyweight ip) {
        ip.replaceTtl(ip.ttl() - 1);
    }

    /** Writes the Ethernet addresses of the next hop. */
    static void setMacs(PacketParser frame, long sourceMac, long destinationMac) {
        EthernetFlyweight ethernet = frame.ethernet();
        ethernet.destination(destinationMac);
        ethernet.source(sourceMac);
    }
}
