package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;

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

    /** Offset of the frame to send after {@link ForwardVerdict#FORWARD}, in the frame's segment. */
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
     * The MTU check: a datagram longer than {@code mtuBytes} is dropped; with DF its source
     * gets fragmentation needed (type 3 code 4) carrying {@code mtuBytes} as next-hop MTU,
     * without DF it is counted as not fragmented (jlvs does not fragment).
     */
    final ForwardVerdict checkMtu(PacketParser frame, int mtuBytes, ReplyBuffer reply) {
        Ipv4Flyweight ip = frame.ipv4();
        if (ip.totalLength() <= mtuBytes) {
            return ForwardVerdict.FORWARD;
        }
        if (!ip.hasDontFragment()) {
            return drop(ForwardDropReason.OVERSIZE_NOT_FRAGMENTED);
        }
        return dropAndAnswer(ForwardDropReason.FRAGMENTATION_NEEDED, frame, IcmpFlyweight.DESTINATION_UNREACHABLE,
                IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, mtuBytes & 0xFFFF, reply);
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
