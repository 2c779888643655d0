package io.jlvs.dataplane.forward;

import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.service.ForwardingMethod;

/**
 * Direct routing ({@code -g}, the kernel's {@code ip_vs_dr_xmit}): the IP datagram goes to the
 * real server's MAC unchanged but for TTL&minus;1 and the header checksum. The destination is
 * still the VIP and the ports are not touched: the real server's port must equal the service
 * port, which configuration enforces (IPVS-SEMANTICS &sect;3.2).
 *
 * <ol>
 *   <li>TTL &le; 1: drop, ICMP time exceeded to the source.</li>
 *   <li>Total length &gt; route MTU: with DF, drop and ICMP fragmentation needed with that
 *       MTU; without DF, fragments after the rewrite if a {@link FragmentBuffer} is set
 *       ({@link #fragmentInto}), else drop.</li>
 *   <li>TTL&minus;1 (RFC 1624 update of the header checksum); destination MAC := the real
 *       server's, source MAC := the director's.</li>
 * </ol>
 * Example: client 203.0.113.5 &rarr; VIP 192.168.10.100:80, TTL 64, leaves as the same
 * datagram with TTL 63 to the real server's MAC. One per worker; allocation-free.
 */
public final class DirectRouteRewriter extends Ipv4Rewriter {
    /** A rewriter counting into {@code counters} and answering with {@code icmpErrors}. */
    public DirectRouteRewriter(ForwardingCounters counters, IcmpErrorWriter icmpErrors) {
        super(counters, icmpErrors);
    }

    /**
     * Rewrites the IPv4 frame last parsed by {@code frame} in place.
     *
     * @param directorMac MAC of the director's interface towards the real server (low 48 bits)
     * @param realServerMac MAC of the real server (low 48 bits)
     * @param routeMtuBytes MTU of the route to the real server
     * @param reply where a time-exceeded or fragmentation-needed error is written
     */
    public ForwardVerdict rewrite(PacketParser frame, long directorMac, long realServerMac, int routeMtuBytes,
            ReplyBuffer reply) {
        if (!begin(frame)) {
            return ForwardVerdict.DROP;
        }
        ForwardVerdict verdict = checkTtl(frame, reply);
        if (verdict == ForwardVerdict.FORWARD) {
            verdict = checkMtu(frame, routeMtuBytes, routeMtuBytes, 0, reply);
        }
        if (verdict != ForwardVerdict.FORWARD) {
            return verdict;
        }
        decrementTtl(frame.ipv4());
        setMacs(frame, directorMac, realServerMac);
        return forwarded(frame, ForwardingMethod.ROUTE);
    }
}
