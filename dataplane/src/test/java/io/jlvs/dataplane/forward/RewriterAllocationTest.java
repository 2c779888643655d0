package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_ROUTER;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR_CLIENT_SIDE;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR_MAC;
import static io.jlvs.dataplane.forward.Frames.MTU;
import static io.jlvs.dataplane.forward.Frames.RIP;
import static io.jlvs.dataplane.forward.Frames.ROUTER_MAC;
import static io.jlvs.dataplane.forward.Frames.RPORT;
import static io.jlvs.dataplane.forward.Frames.RS_MAC;
import static io.jlvs.dataplane.forward.Frames.TUNNEL_HOP_MAC;
import static io.jlvs.dataplane.forward.Frames.TUNNEL_RIP;
import static io.jlvs.dataplane.forward.Frames.UDP_RPORT;
import static io.jlvs.dataplane.forward.Frames.UDP_VPORT;
import static io.jlvs.dataplane.forward.Frames.VIP;
import static io.jlvs.dataplane.forward.Frames.VPORT;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static io.jlvs.dataplane.forward.Frames.fromRealServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.testkit.Allocations;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * 10 000 frames of each rewrite (and of each ICMP answer) allocate nothing on the worker
 * thread once warm, in a native ring-like slot with headroom, as a worker would run them.
 */
class RewriterAllocationTest {
    private static final int FRAMES = 10_000;
    private static final int SLOT = 2048;
    private static final int HEADROOM = 66;
    private static final int WARM_UPS = 20;
    private static final int MEASURES = 3;

    /** The rewrites measured, one frame each. */
    private enum Kind { DR, NAT_IN_TCP, NAT_IN_UDP_NO_CHECKSUM, NAT_OUT, NAT_ICMP_IN, NAT_ICMP_OUT, TUNNEL,
        TTL_EXPIRED, FRAGMENTATION_NEEDED, FRAGMENTED, PARTIAL_CHECKSUM }

    @Test
    void rewritingTenThousandFramesOfEachMethodAllocatesNothing() {
        byte[] reply = new PacketBuilder().source(VIP).destination(CLIENT).tcp(VPORT, CLIENT_PORT).build();
        byte[] query = new PacketBuilder().source(CLIENT).destination(RIP).udp(CLIENT_PORT, UDP_RPORT)
                .payload("q").build();
        byte[][] frames = new byte[Kind.values().length][];
        frames[Kind.DR.ordinal()] = fromClient().tcp(CLIENT_PORT, VPORT).payload("GET /").build();
        frames[Kind.NAT_IN_TCP.ordinal()] = fromClient().tcp(CLIENT_PORT, VPORT).payload("GET /").build();
        frames[Kind.NAT_IN_UDP_NO_CHECKSUM.ordinal()] = fromClient().udp(CLIENT_PORT, UDP_VPORT).udpNoChecksum()
                .payload("query").build();
        frames[Kind.NAT_OUT.ordinal()] = fromRealServer().tcp(RPORT, CLIENT_PORT).payload("200 OK").build();
        frames[Kind.NAT_ICMP_IN.ordinal()] = fromClient().source(CLIENT_ROUTER).icmp(3, 4, 0, 1400)
                .payload(Frames.ip(reply)).build();
        frames[Kind.NAT_ICMP_OUT.ordinal()] = fromRealServer().icmp(3, 3, 0, 0).payload(Frames.ip(query)).build();
        frames[Kind.TUNNEL.ordinal()] = fromClient().tcp(CLIENT_PORT, VPORT).payload("GET /").build();
        frames[Kind.TTL_EXPIRED.ordinal()] = fromClient().tcp(CLIENT_PORT, VPORT).ttl(1).build();
        frames[Kind.FRAGMENTATION_NEEDED.ordinal()] = fromClient().tcp(CLIENT_PORT, VPORT)
                .payload(new byte[1500]).build();
        frames[Kind.FRAGMENTED.ordinal()] = fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false)
                .payload(new byte[1600]).build();
        frames[Kind.PARTIAL_CHECKSUM.ordinal()] = fromClient().tcp(CLIENT_PORT, VPORT).payload("GET /").build();

        ForwardingCounters counters = new ForwardingCounters();
        IcmpErrorWriter icmpErrors = new IcmpErrorWriter(1);
        DirectRouteRewriter dr = new DirectRouteRewriter(counters, icmpErrors);
        NatRewriter nat = new NatRewriter(counters, icmpErrors);
        TunnelRewriter tunnel = new TunnelRewriter(counters, icmpErrors, 1);
        PacketParser parser = new PacketParser();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pristine = arena.allocate((long) frames.length * SLOT);
            MemorySegment ring = arena.allocate(HEADROOM + SLOT);
            MemorySegment replySlot = arena.allocate(SLOT);
            dr.fragmentInto(new FragmentBuffer(4).wrap(arena.allocate(4L * SLOT), 0, SLOT));
            ReplyBuffer replies = new ReplyBuffer().wrap(replySlot, 0, SLOT).from(DIRECTOR_MAC, DIRECTOR_CLIENT_SIDE);
            for (int i = 0; i < frames.length; i++) {
                MemorySegment.copy(frames[i], 0, pristine, ValueLayout.JAVA_BYTE, (long) i * SLOT, frames[i].length);
            }
            long[] verdicts = new long[ForwardVerdict.values().length];
            for (Kind kind : Kind.values()) {
                int index = kind.ordinal();
                int length = frames[index].length;
                Runnable work = () -> {
                    for (int n = 0; n < FRAMES; n++) {
                        MemorySegment.copy(pristine, (long) index * SLOT, ring, HEADROOM, length);
                        parser.parse(ring, HEADROOM, length);
                        ForwardVerdict verdict = switch (kind) {
                            case DR, FRAGMENTED -> dr.rewrite(parser, DIRECTOR_MAC, RS_MAC, MTU, replies);
                            case NAT_IN_TCP, NAT_IN_UDP_NO_CHECKSUM ->
                                    nat.inbound(parser, RIP, RPORT, DIRECTOR_MAC, RS_MAC, MTU, replies);
                            case NAT_ICMP_IN -> nat.inbound(parser, RIP, RPORT, DIRECTOR_MAC, RS_MAC, MTU, replies);
                            case NAT_OUT, NAT_ICMP_OUT ->
                                    nat.outbound(parser, VIP, UDP_VPORT, DIRECTOR_MAC, ROUTER_MAC, MTU, replies);
                            case TUNNEL, TTL_EXPIRED, FRAGMENTATION_NEEDED -> tunnel.rewrite(parser, HEADROOM, DIRECTOR,
                                    TUNNEL_RIP, DIRECTOR_MAC, TUNNEL_HOP_MAC, MTU, replies);
                            case PARTIAL_CHECKSUM -> PartialChecksum.complete(parser) ? ForwardVerdict.FORWARD
                                    : ForwardVerdict.DROP;
                        };
                        verdicts[verdict.ordinal()]++;
                    }
                };
                for (int warm = 0; warm < WARM_UPS; warm++) {
                    work.run();
                }
                // The least of a few measures: a JIT recompilation during one run can allocate a
                // few hundred bytes once, while a per-frame allocation shows in every run.
                long bytes = Allocations.leastOf(MEASURES, work);
                assertEquals(0, bytes, "bytes allocated by " + FRAMES + " frames of " + kind);
            }
            long fragmented = verdicts[ForwardVerdict.FRAGMENTED.ordinal()];
            assertEquals(0, verdicts[ForwardVerdict.DROP.ordinal()], "no frame dropped");
            assertTrue(fragmented >= (WARM_UPS + 1L) * FRAMES, "oversize frames fragmented");
            assertEquals(2 * fragmented, counters.fragmentCount(), "two fragments each");
            assertTrue(verdicts[ForwardVerdict.REPLY.ordinal()] >= 2 * (WARM_UPS + 1L) * FRAMES,
                    "TTL and MTU frames answered");
            assertEquals(counters.replyCount(), verdicts[ForwardVerdict.REPLY.ordinal()]);
            assertTrue(counters.forwardedCount(ForwardingMethod.TUNNEL) >= (WARM_UPS + 1L) * FRAMES);
        }
    }
}
