package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR_CLIENT_SIDE;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR_MAC;
import static io.jlvs.dataplane.forward.Frames.MTU;
import static io.jlvs.dataplane.forward.Frames.ROUTER_MAC;
import static io.jlvs.dataplane.forward.Frames.TUNNEL_HOP_MAC;
import static io.jlvs.dataplane.forward.Frames.TUNNEL_RIP;
import static io.jlvs.dataplane.forward.Frames.VPORT;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.packet.EthernetFlyweight;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.service.ForwardingMethod;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The IPIP encapsulation and the fragmentation-needed answer, checked field by field. */
class TunnelRewriterTest {
    @Test
    void writesOuterHeaderFieldByFieldAndLeavesInnerPacketAlone() {
        byte[] input = fromClient().tcp(CLIENT_PORT, VPORT).tos(0xB8).ttl(17).payload("hello tunnel").build();
        Env env = new Env();
        env.load(input);

        assertEquals(ForwardVerdict.FORWARD, env.tunnel(MTU, Env.HEADROOM));

        assertEquals(Env.HEADROOM - 20, env.tunnel.frameOffset(), "frame starts 20 bytes earlier");
        assertEquals(input.length + 20, env.tunnel.frameLengthBytes());
        byte[] out = env.output();
        MemorySegment segment = MemorySegment.ofArray(out);
        EthernetFlyweight ethernet = new EthernetFlyweight().wrap(segment, 0, out.length);
        assertEquals(TUNNEL_HOP_MAC, ethernet.destination());
        assertEquals(DIRECTOR_MAC, ethernet.source());
        assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, ethernet.etherType());

        Ipv4Flyweight outer = new Ipv4Flyweight().wrap(segment, 14, out.length - 14);
        assertEquals(4, outer.version());
        assertEquals(5, outer.ihl());
        assertEquals(0xB8, outer.tos(), "DSCP EF copied, ECN not-ECT copied");
        assertEquals(input.length - 14 + 20, outer.totalLength());
        assertEquals(Env.TUNNEL_ID, outer.identification());
        assertTrue(outer.hasDontFragment(), "DF copied from the inner DF");
        assertFalse(outer.hasMoreFragments());
        assertEquals(0, outer.fragmentOffset());
        assertEquals(16, outer.ttl(), "outer TTL = inner TTL after the decrement");
        assertEquals(4, outer.protocol(), "IPIP");
        assertEquals(DIRECTOR, outer.sourceAddress());
        assertEquals(TUNNEL_RIP, outer.destinationAddress());
        assertTrue(outer.isHeaderChecksumValid());

        byte[] inner = Arrays.copyOfRange(out, 34, out.length);
        byte[] original = Frames.ip(input);
        assertEquals(original.length, inner.length);
        assertEquals(16, inner[8] & 0xFF, "inner TTL decremented");
        assertTrue(new Ipv4Flyweight().wrap(segment, 34, inner.length).isHeaderChecksumValid(),
                "inner header checksum");
        for (int i = 0; i < inner.length; i++) {
            if (i != 8 && i != 10 && i != 11) {
                assertEquals(original[i], inner[i], "inner byte " + i + " untouched");
            }
        }
        Frames.assertChecksumsValid(out);
    }

    @Test
    void givesEachWorkerPacketTheNextIdentification() {
        Env env = new Env();
        for (int i = 0; i < 3; i++) {
            env.load(fromClient().tcp(CLIENT_PORT, VPORT).build());
            assertEquals(ForwardVerdict.FORWARD, env.tunnel(MTU, Env.HEADROOM));
            Ipv4Flyweight outer = new Ipv4Flyweight().wrap(env.slot, env.tunnel.frameOffset() + 14, 40);
            assertEquals(Env.TUNNEL_ID + i, outer.identification());
        }
        assertEquals(3, env.counters.forwardedCount(ForwardingMethod.TUNNEL));
    }

    @Test
    void encapsulatesEcnAsRfc6040NormalMode() {
        assertEquals(0x00, TunnelRewriter.encapsulateEcn(0x00), "not-ECT stays not-ECT");
        assertEquals(0x01, TunnelRewriter.encapsulateEcn(0x01), "ECT(1) copied");
        assertEquals(0x02, TunnelRewriter.encapsulateEcn(0x02), "ECT(0) copied");
        assertEquals(0x02, TunnelRewriter.encapsulateEcn(0x03), "CE becomes ECT(0)");
        assertEquals(0xB8 | 0x02, TunnelRewriter.encapsulateEcn(0xB8 | 0x03), "DSCP kept");
    }

    @Test
    void answersOversizeDfDatagramWithFragmentationNeededFieldByField() {
        byte[] input = fromClient().tcp(CLIENT_PORT, VPORT).payload(new byte[1500 - 40]).build();
        Env env = new Env();
        env.load(input);

        assertEquals(ForwardVerdict.REPLY, env.tunnel(MTU, Env.HEADROOM));
        assertEquals(ForwardDropReason.FRAGMENTATION_NEEDED, env.tunnel.dropReason());

        byte[] reply = env.replyFrame();
        assertEquals(14 + 20 + 8 + 20 + 8, reply.length, "Ethernet, IP, ICMP, quoted header + 8 bytes");
        MemorySegment segment = MemorySegment.ofArray(reply);
        EthernetFlyweight ethernet = new EthernetFlyweight().wrap(segment, 0, reply.length);
        assertEquals(ROUTER_MAC, ethernet.destination(), "back to where the frame came from");
        assertEquals(DIRECTOR_MAC, ethernet.source());
        Ipv4Flyweight ip = new Ipv4Flyweight().wrap(segment, 14, reply.length - 14);
        assertEquals(0x45, (ip.version() << 4) | ip.ihl());
        assertEquals(reply.length - 14, ip.totalLength());
        assertEquals(Ipv4Flyweight.PROTO_ICMP, ip.protocol());
        assertEquals(DIRECTOR_CLIENT_SIDE, ip.sourceAddress(), "from the director");
        assertEquals(CLIENT, ip.destinationAddress(), "to the client");
        assertEquals(64, ip.ttl());
        assertTrue(ip.isHeaderChecksumValid());
        IcmpFlyweight icmp = new IcmpFlyweight().wrap(segment, 34, reply.length - 34);
        assertEquals(3, icmp.type(), "destination unreachable");
        assertEquals(4, icmp.code(), "fragmentation needed and DF set");
        assertEquals(0, icmp.identifier(), "unused field");
        assertEquals(1480, icmp.sequenceNumber(), "next-hop MTU (RFC 1191) = 1500 - 20");
        assertTrue(icmp.isChecksumValid(reply.length - 34));
        assertArrayEquals(Arrays.copyOfRange(input, 14, 14 + 28), Arrays.copyOfRange(reply, 42, reply.length),
                "quotes the offending header as received and 8 bytes of TCP");
        Frames.assertChecksumsValid(reply);
        assertEquals(1, env.counters.dropCount(ForwardDropReason.FRAGMENTATION_NEEDED));
        assertEquals(1, env.counters.replyCount());
    }

    @Test
    void reportsTheMinimumMtuOnATinyRoute() {
        byte[] input = fromClient().tcp(CLIENT_PORT, VPORT).payload(new byte[100]).build();
        Env env = new Env();
        env.load(input);

        assertEquals(ForwardVerdict.REPLY, env.tunnel(80, Env.HEADROOM));
        IcmpFlyweight icmp = new IcmpFlyweight().wrap(env.reply.segment(), 34, env.reply.lengthBytes() - 34);
        assertEquals(68, icmp.sequenceNumber(), "never below the IPv4 minimum of 68");
    }

    @Test
    void dropsWithoutReplyWhenTheReplyBufferIsTooSmall() {
        Env env = new Env();
        env.reply.wrap(MemorySegment.ofArray(new byte[40]), 0, 40);
        env.load(fromClient().tcp(CLIENT_PORT, VPORT).ttl(1).build());

        assertEquals(ForwardVerdict.DROP, env.tunnel(MTU, Env.HEADROOM));
        assertEquals(ForwardDropReason.TTL_EXPIRED, env.tunnel.dropReason());
        assertEquals(0, env.reply.lengthBytes());
        assertEquals(0, env.counters.replyCount());
    }

    @Test
    void sendsNoErrorAboutABroadcastFrame() {
        Env env = new Env();
        env.load(fromClient().destinationMac(0xFFFF_FFFF_FFFFL).udp(CLIENT_PORT, 53).ttl(1).build());

        assertEquals(ForwardVerdict.DROP, env.dr(MTU));
        assertEquals(ForwardDropReason.TTL_EXPIRED, env.dr.dropReason());
    }
}
