package io.jlvs.dataplane.forward;

import static io.jlvs.dataplane.forward.Frames.CLIENT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_PORT;
import static io.jlvs.dataplane.forward.Frames.CLIENT_ROUTER;
import static io.jlvs.dataplane.forward.Frames.DIRECTOR;
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
import static io.jlvs.dataplane.forward.Frames.errorToClient;
import static io.jlvs.dataplane.forward.Frames.fromClient;
import static io.jlvs.dataplane.forward.Frames.fromRealServer;
import static io.jlvs.dataplane.forward.Frames.ip;
import static io.jlvs.dataplane.forward.Frames.quote;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.checksum.TransportChecksum;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.service.ForwardingMethod;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Katran-style packet fixtures: a description, an input frame, the rewrite to run, the
 * expected verdict and drop reason, and the expected output frame, built independently with
 * {@link PacketBuilder} from the rules of IPVS-SEMANTICS &sect;3. One test runs them all and
 * also verifies every checksum of the output by full recomputation.
 */
class RewriteFixturesTest {
    /** A row of the table; {@code expected} is the frame sent (FORWARD), the reply (REPLY) or null (DROP). */
    record Fixture(String description, byte[] input, Function<Env, ForwardVerdict> rewrite,
            ForwardVerdict verdict, ForwardDropReason reason, byte[] expected) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Fixture> fixtures() {
        List<Fixture> rows = new ArrayList<>();
        directRouting(rows);
        natInbound(rows);
        natOutbound(rows);
        icmpErrors(rows);
        tunnelling(rows);
        return rows;
    }

    private static void directRouting(List<Fixture> rows) {
        PacketBuilder syn = fromClient().tcp(CLIENT_PORT, VPORT).sequence(1000, 0);
        rows.add(forward("DR TCP SYN: MACs to the RS, TTL 64 -> 63, VIP and ports kept",
                syn.build(), env -> env.dr(MTU),
                fromClient().tcp(CLIENT_PORT, VPORT).sequence(1000, 0).ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        rows.add(forward("DR UDP in VLAN 7 with padding: tag and padding kept",
                fromClient().vlan(7).udp(CLIENT_PORT, UDP_VPORT).payload("q").padTo(64).build(), env -> env.dr(MTU),
                fromClient().vlan(7).udp(CLIENT_PORT, UDP_VPORT).payload("q").padTo(64).ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        rows.add(forward("DR IPv4 fragment (no ports needed)",
                fromClient().raw(Ipv4Flyweight.PROTO_TCP).fragment(false, 185).payload(new byte[40]).build(),
                env -> env.dr(MTU),
                fromClient().raw(Ipv4Flyweight.PROTO_TCP).fragment(false, 185).payload(new byte[40]).ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        byte[] ttl1 = fromClient().tcp(CLIENT_PORT, VPORT).ttl(1).build();
        rows.add(reply("DR TTL 1: time exceeded to the client quoting header + 8 bytes",
                ttl1, env -> env.dr(MTU), ForwardDropReason.TTL_EXPIRED,
                errorToClient(ttl1, IcmpFlyweight.TIME_EXCEEDED, 0, 0)));
        byte[] ttl0 = fromClient().udp(CLIENT_PORT, UDP_VPORT).ttl(0).build();
        rows.add(reply("DR TTL 0: time exceeded too",
                ttl0, env -> env.dr(MTU), ForwardDropReason.TTL_EXPIRED,
                errorToClient(ttl0, IcmpFlyweight.TIME_EXCEEDED, 0, 0)));
        byte[] taggedTtl1 = fromClient().vlan(7).udp(CLIENT_PORT, UDP_VPORT).ttl(1).payload("q").build();
        byte[] untaggedTtl1 = fromClient().udp(CLIENT_PORT, UDP_VPORT).ttl(1).payload("q").build();
        rows.add(reply("DR TTL 1 in VLAN 7: time exceeded goes back on VLAN 7",
                taggedTtl1, env -> env.dr(MTU), ForwardDropReason.TTL_EXPIRED,
                new PacketBuilder().vlan(7).sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                        .source(Frames.DIRECTOR_CLIENT_SIDE).destination(CLIENT).ttl(64).tos(0xC0)
                        .identification(Env.REPLY_ID).dontFragment(false)
                        .icmp(IcmpFlyweight.TIME_EXCEEDED, 0, 0, 0).payload(quote(untaggedTtl1)).build()));
        byte[] relayedQuote = quote(new PacketBuilder().source(VIP).destination(CLIENT)
                .tcp(VPORT, CLIENT_PORT).build());
        rows.add(forward("DR ICMP error from the client side: relayed unchanged but TTL and MACs",
                fromClient().source(CLIENT_ROUTER).icmp(3, 4, 0, 1400).payload(relayedQuote).build(),
                env -> env.dr(MTU),
                fromClient().source(CLIENT_ROUTER).icmp(3, 4, 0, 1400).payload(relayedQuote).ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        byte[] errorTtl1 = fromClient().ttl(1).icmp(IcmpFlyweight.DESTINATION_UNREACHABLE, 3, 0, 0)
                .payload(quote(fromRealServer().udp(UDP_RPORT, CLIENT_PORT).build())).build();
        rows.add(drop("DR TTL 1 on an ICMP error: dropped without an error about an error",
                errorTtl1, env -> env.dr(MTU), ForwardDropReason.TTL_EXPIRED));
        byte[] big = fromClient().tcp(CLIENT_PORT, VPORT).payload(new byte[600 - 40]).build();
        rows.add(reply("DR 600-byte DF datagram on a 576 route: fragmentation needed, MTU 576",
                big, env -> env.dr(576), ForwardDropReason.FRAGMENTATION_NEEDED,
                errorToClient(big, IcmpFlyweight.DESTINATION_UNREACHABLE,
                        IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, 576)));
        rows.add(drop("DR 600-byte datagram without DF on a 576 route: not fragmented, dropped",
                fromClient().udp(CLIENT_PORT, UDP_VPORT).dontFragment(false).payload(new byte[600 - 28]).build(),
                env -> env.dr(576), ForwardDropReason.OVERSIZE_NOT_FRAGMENTED));
        rows.add(drop("DR IPv6 frame: the rewriters are IPv4 only",
                fromClient().ipv6(1, 2, 3, 4).tcp(CLIENT_PORT, VPORT).build(), env -> env.dr(MTU),
                ForwardDropReason.NOT_IPV4));
    }

    private static void natInbound(List<Fixture> rows) {
        rows.add(forward("NAT in TCP: VIP:80 -> RIP:8080, TTL 63, next-hop MACs",
                fromClient().tcp(CLIENT_PORT, VPORT).tcpFlags(TcpFlyweight.ACK | TcpFlyweight.PSH)
                        .sequence(0x01020304, 0x0a0b0c0d).payload("GET / HTTP/1.1\r\n\r\n").build(),
                env -> env.natIn(RIP, RPORT),
                fromClient().destination(RIP).tcp(CLIENT_PORT, RPORT).tcpFlags(TcpFlyweight.ACK | TcpFlyweight.PSH)
                        .sequence(0x01020304, 0x0a0b0c0d).payload("GET / HTTP/1.1\r\n\r\n").ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        rows.add(forward("NAT in TCP with options and odd-length payload",
                fromClient().tcp(CLIENT_PORT, VPORT).tcpOptions(2, 4, 0x05, 0xb4, 1, 1, 4, 2)
                        .payload("abc").build(),
                env -> env.natIn(RIP, RPORT),
                fromClient().destination(RIP).tcp(CLIENT_PORT, RPORT).tcpOptions(2, 4, 0x05, 0xb4, 1, 1, 4, 2)
                        .payload("abc").ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        rows.add(forward("NAT in UDP with checksum: VIP:53 -> RIP:5353",
                fromClient().udp(CLIENT_PORT, UDP_VPORT).payload("query").build(),
                env -> env.natIn(RIP, UDP_RPORT),
                fromClient().destination(RIP).udp(CLIENT_PORT, UDP_RPORT).payload("query").ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        rows.add(forward("NAT in UDP with checksum 0: leaves with a full checksum",
                fromClient().udp(CLIENT_PORT, UDP_VPORT).udpNoChecksum().payload("query").build(),
                env -> env.natIn(RIP, UDP_RPORT),
                fromClient().destination(RIP).udp(CLIENT_PORT, UDP_RPORT).payload("query").ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).build()));
        byte[] zeroPayload = payloadForZeroUdpChecksum();
        byte[] expectedFfff = fromClient().destination(RIP).udp(CLIENT_PORT, UDP_RPORT).payload(zeroPayload)
                .ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC).l4Checksum(0xFFFF).build();
        rows.add(forward("NAT in UDP with checksum 0 whose full checksum computes to 0: sent as 0xFFFF",
                fromClient().udp(CLIENT_PORT, UDP_VPORT).udpNoChecksum().payload(zeroPayload).build(),
                env -> env.natIn(RIP, UDP_RPORT), expectedFfff));
        byte[] natTtl = fromClient().tcp(CLIENT_PORT, VPORT).ttl(1).build();
        rows.add(reply("NAT in TTL 1: time exceeded, nothing rewritten",
                natTtl, env -> env.natIn(RIP, RPORT), ForwardDropReason.TTL_EXPIRED,
                errorToClient(natTtl, IcmpFlyweight.TIME_EXCEEDED, 0, 0)));
        rows.add(drop("NAT in fragment: ports not available",
                fromClient().raw(Ipv4Flyweight.PROTO_UDP).fragment(true, 0).payload(new byte[16]).build(),
                env -> env.natIn(RIP, UDP_RPORT), ForwardDropReason.NAT_FRAGMENT));
        rows.add(drop("NAT in echo request: the director's own business",
                fromClient().icmpEcho(7, 1).build(), env -> env.natIn(RIP, RPORT),
                ForwardDropReason.ICMP_NOT_RELATED_ERROR));
        rows.add(drop("NAT in GRE: unsupported protocol",
                fromClient().raw(47).payload(new byte[8]).build(), env -> env.natIn(RIP, RPORT),
                ForwardDropReason.NAT_UNSUPPORTED_PROTOCOL));
    }

    private static void natOutbound(List<Fixture> rows) {
        rows.add(forward("NAT out TCP: RIP:8080 -> VIP:80 towards the client's router",
                fromRealServer().tcp(RPORT, CLIENT_PORT).tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK)
                        .sequence(77, 1001).build(),
                env -> env.natOut(VIP, VPORT),
                fromRealServer().source(VIP).tcp(VPORT, CLIENT_PORT).tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK)
                        .sequence(77, 1001).ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC).build()));
        rows.add(forward("NAT out UDP with checksum",
                fromRealServer().udp(UDP_RPORT, CLIENT_PORT).payload("answer!").build(),
                env -> env.natOut(VIP, UDP_VPORT),
                fromRealServer().source(VIP).udp(UDP_VPORT, CLIENT_PORT).payload("answer!").ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC).build()));
        rows.add(forward("NAT out UDP with checksum 0: leaves with a full checksum",
                fromRealServer().udp(UDP_RPORT, CLIENT_PORT).udpNoChecksum().payload("answer!").build(),
                env -> env.natOut(VIP, UDP_VPORT),
                fromRealServer().source(VIP).udp(UDP_VPORT, CLIENT_PORT).payload("answer!").ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC).build()));
    }

    private static void icmpErrors(List<Fixture> rows) {
        // Client side: a router cannot deliver the reply VIP:80 -> client and tells the VIP.
        byte[] reply = new PacketBuilder().source(VIP).destination(CLIENT).ttl(60).identification(9)
                .tcp(VPORT, CLIENT_PORT).tcpFlags(TcpFlyweight.ACK).sequence(5, 6).payload("HTTP/1.1 200").build();
        byte[] replyAsRealServerSent = new PacketBuilder().source(RIP).destination(CLIENT).ttl(60).identification(9)
                .tcp(RPORT, CLIENT_PORT).tcpFlags(TcpFlyweight.ACK).sequence(5, 6).payload("HTTP/1.1 200").build();
        rows.add(forward("NAT ICMP in: frag-needed about VIP:80 -> client, whole reply quoted",
                fromClient().source(CLIENT_ROUTER).icmp(3, 4, 0, 1400).payload(ip(reply)).build(),
                env -> env.natIn(RIP, RPORT),
                fromClient().source(CLIENT_ROUTER).destination(RIP).ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC)
                        .icmp(3, 4, 0, 1400).payload(ip(replyAsRealServerSent)).build()));
        byte[] udpReply = new PacketBuilder().source(VIP).destination(CLIENT).udp(UDP_VPORT, CLIENT_PORT)
                .payload("answer!").build();
        byte[] udpReplyAsSent = new PacketBuilder().source(RIP).destination(CLIENT).udp(UDP_RPORT, CLIENT_PORT)
                .payload("answer!").build();
        rows.add(forward("NAT ICMP in: time exceeded quoting a UDP reply's header + 8 bytes",
                fromClient().source(CLIENT_ROUTER).icmp(11, 0, 0, 0).payload(quote(udpReply)).build(),
                env -> env.natIn(RIP, UDP_RPORT),
                fromClient().source(CLIENT_ROUTER).destination(RIP).ttl(63)
                        .sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC)
                        .icmp(11, 0, 0, 0).payload(quote(udpReplyAsSent)).build()));
        rows.add(forward("NAT ICMP in: source quench (type 4) is relayed too",
                fromClient().source(CLIENT).icmp(4, 0, 0, 0).payload(quote(udpReply)).build(),
                env -> env.natIn(RIP, UDP_RPORT),
                fromClient().source(CLIENT).destination(RIP).ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(RS_MAC)
                        .icmp(4, 0, 0, 0).payload(quote(udpReplyAsSent)).build()));

        // Real-server side: the RS refuses client:51022 -> RIP:5353 and tells the client.
        byte[] query = new PacketBuilder().source(CLIENT).destination(RIP).ttl(63).udp(CLIENT_PORT, UDP_RPORT)
                .payload("query").build();
        byte[] queryAsClientSent = new PacketBuilder().source(CLIENT).destination(VIP).ttl(63)
                .udp(CLIENT_PORT, UDP_VPORT).payload("query").build();
        rows.add(forward("NAT ICMP out: port unreachable from the RS, whole query quoted",
                fromRealServer().icmp(3, 3, 0, 0).payload(ip(query)).build(),
                env -> env.natOut(VIP, UDP_VPORT),
                fromRealServer().source(VIP).ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                        .icmp(3, 3, 0, 0).payload(ip(queryAsClientSent)).build()));
        byte[] syn = new PacketBuilder().source(CLIENT).destination(RIP).tcp(CLIENT_PORT, RPORT).build();
        byte[] synAsClientSent = new PacketBuilder().source(CLIENT).destination(VIP).tcp(CLIENT_PORT, VPORT).build();
        rows.add(forward("NAT ICMP out: host unreachable quoting a TCP header's first 8 bytes only",
                fromRealServer().icmp(3, 1, 0, 0).payload(quote(syn)).build(),
                env -> env.natOut(VIP, VPORT),
                fromRealServer().source(VIP).ttl(63).sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                        .icmp(3, 1, 0, 0).payload(quote(synAsClientSent)).build()));
        rows.add(drop("NAT ICMP with a corrupt checksum: dropped",
                fromRealServer().icmp(3, 3, 0, 0).payload(ip(query)).l4Checksum(0x1234).build(),
                env -> env.natOut(VIP, UDP_VPORT), ForwardDropReason.ICMP_BAD_CHECKSUM));
        rows.add(drop("NAT ICMP quoting 10 bytes: truncated",
                fromRealServer().icmp(3, 3, 0, 0).payload(Arrays.copyOf(ip(query), 10)).build(),
                env -> env.natOut(VIP, UDP_VPORT), ForwardDropReason.ICMP_QUOTE_TRUNCATED));
        rows.add(drop("NAT ICMP quoting an IPv4 header with no port bytes: truncated",
                fromRealServer().icmp(3, 3, 0, 0).payload(Arrays.copyOf(ip(query), 22)).build(),
                env -> env.natOut(VIP, UDP_VPORT), ForwardDropReason.ICMP_QUOTE_TRUNCATED));
        byte[] notIpv4 = ip(query);
        notIpv4[0] = 0x65;
        rows.add(drop("NAT ICMP quoting version 6: not IPv4",
                fromRealServer().icmp(3, 3, 0, 0).payload(notIpv4).build(),
                env -> env.natOut(VIP, UDP_VPORT), ForwardDropReason.ICMP_QUOTE_NOT_IPV4));
        rows.add(drop("NAT ICMP quoting an echo: unsupported protocol",
                fromRealServer().icmp(3, 3, 0, 0)
                        .payload(quote(new PacketBuilder().source(CLIENT).destination(RIP).icmpEcho(1, 1).build()))
                        .build(),
                env -> env.natOut(VIP, VPORT), ForwardDropReason.ICMP_QUOTE_UNSUPPORTED_PROTOCOL));
        rows.add(drop("NAT ICMP quoting a non-first fragment: no ports",
                fromRealServer().icmp(3, 3, 0, 0)
                        .payload(quote(new PacketBuilder().source(CLIENT).destination(RIP).raw(17).fragment(false, 10)
                                .payload(new byte[16]).build())).build(),
                env -> env.natOut(VIP, UDP_VPORT), ForwardDropReason.ICMP_QUOTE_FRAGMENT));
        rows.add(drop("NAT ICMP redirect (type 5): not relayed",
                fromRealServer().icmp(5, 1, 0, 0).payload(quote(query)).build(),
                env -> env.natOut(VIP, UDP_VPORT), ForwardDropReason.ICMP_NOT_RELATED_ERROR));
    }

    private static void tunnelling(List<Fixture> rows) {
        PacketBuilder syn = fromClient().tcp(CLIENT_PORT, VPORT).tos(0x28 << 2 | 0x02).sequence(1, 0);
        byte[] innerAfter = fromClient().tcp(CLIENT_PORT, VPORT).tos(0x28 << 2 | 0x02).sequence(1, 0).ttl(63).build();
        rows.add(forward("TUN TCP SYN: outer 10.1.1.1 -> 10.1.1.2 proto 4, DF, TTL 63, TOS copied, inner TTL 63",
                syn.build(), env -> env.tunnel(MTU, Env.HEADROOM),
                new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(TUNNEL_HOP_MAC).source(DIRECTOR)
                        .destination(TUNNEL_RIP).ttl(63).tos(0x28 << 2 | 0x02).identification(Env.TUNNEL_ID)
                        .raw(TunnelRewriter.PROTO_IPIP).payload(ip(innerAfter)).build()));
        byte[] ceInnerAfter = fromClient().udp(CLIENT_PORT, UDP_VPORT).tos(0xA3).dontFragment(false).ttl(9)
                .payload("q").build();
        rows.add(forward("TUN UDP with CE and no DF: outer ECT(0), DF clear, TTL = inner after decrement",
                fromClient().udp(CLIENT_PORT, UDP_VPORT).tos(0xA3).dontFragment(false).ttl(10).payload("q").build(),
                env -> env.tunnel(MTU, Env.HEADROOM),
                new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(TUNNEL_HOP_MAC).source(DIRECTOR)
                        .destination(TUNNEL_RIP).ttl(9).tos(0xA2).identification(Env.TUNNEL_ID).dontFragment(false)
                        .raw(TunnelRewriter.PROTO_IPIP).payload(ip(ceInnerAfter)).build()));
        byte[] taggedInner = fromClient().udp(CLIENT_PORT, UDP_VPORT).payload("q").ttl(63).build();
        rows.add(forward("TUN in VLAN 7 with padding: tag kept, padding trimmed",
                fromClient().vlan(7).udp(CLIENT_PORT, UDP_VPORT).payload("q").padTo(64).build(),
                env -> env.tunnel(MTU, Env.HEADROOM),
                new PacketBuilder().vlan(7).sourceMac(DIRECTOR_MAC).destinationMac(TUNNEL_HOP_MAC).source(DIRECTOR)
                        .destination(TUNNEL_RIP).ttl(63).identification(Env.TUNNEL_ID)
                        .raw(TunnelRewriter.PROTO_IPIP).payload(ip(taggedInner)).build()));
        byte[] fits = fromClient().tcp(CLIENT_PORT, VPORT).payload(new byte[1480 - 40]).build();
        byte[] fitsAfter = fromClient().tcp(CLIENT_PORT, VPORT).payload(new byte[1480 - 40]).ttl(63).build();
        rows.add(forward("TUN 1480-byte DF datagram on a 1500 route: fits exactly",
                fits, env -> env.tunnel(MTU, Env.HEADROOM),
                new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(TUNNEL_HOP_MAC).source(DIRECTOR)
                        .destination(TUNNEL_RIP).ttl(63).identification(Env.TUNNEL_ID)
                        .raw(TunnelRewriter.PROTO_IPIP).payload(ip(fitsAfter)).build()));
        byte[] tooBig = fromClient().tcp(CLIENT_PORT, VPORT).payload(new byte[1481 - 40]).build();
        rows.add(reply("TUN 1481-byte DF datagram on a 1500 route: fragmentation needed, MTU 1480",
                tooBig, env -> env.tunnel(MTU, Env.HEADROOM), ForwardDropReason.FRAGMENTATION_NEEDED,
                errorToClient(tooBig, IcmpFlyweight.DESTINATION_UNREACHABLE, IcmpFlyweight.CODE_FRAGMENTATION_NEEDED,
                        1480)));
        rows.add(drop("TUN 1481-byte datagram without DF: not fragmented, dropped",
                fromClient().tcp(CLIENT_PORT, VPORT).dontFragment(false).payload(new byte[1481 - 40]).build(),
                env -> env.tunnel(MTU, Env.HEADROOM), ForwardDropReason.OVERSIZE_NOT_FRAGMENTED));
        byte[] tunTtl = fromClient().tcp(CLIENT_PORT, VPORT).ttl(1).build();
        rows.add(reply("TUN TTL 1: time exceeded",
                tunTtl, env -> env.tunnel(MTU, Env.HEADROOM), ForwardDropReason.TTL_EXPIRED,
                errorToClient(tunTtl, IcmpFlyweight.TIME_EXCEEDED, 0, 0)));
        rows.add(drop("TUN with 19 bytes of headroom: dropped",
                fromClient().tcp(CLIENT_PORT, VPORT).build(), env -> env.tunnel(MTU, 19),
                ForwardDropReason.NO_HEADROOM));
    }

    /**
     * A 2-byte payload that makes the rewritten datagram's UDP checksum compute to 0: the
     * checksum {@code c} of the datagram with payload 00 00 is the word that brings the sum to
     * 0xFFFF. Computed with the core checksum code over a frame PacketBuilder made.
     */
    private static byte[] payloadForZeroUdpChecksum() {
        byte[] probe = fromClient().destination(RIP).udp(CLIENT_PORT, UDP_RPORT).payload(new byte[2]).ttl(63).build();
        MemorySegment segment = MemorySegment.ofArray(probe);
        long pseudo = TransportChecksum.ipv4PseudoHeaderSum(CLIENT, RIP, 17, 10);
        int c = InternetChecksum.checksumWithFieldZero(segment, 34, 10, 40, pseudo);
        return new byte[] {(byte) (c >>> 8), (byte) c};
    }

    private static Fixture forward(String description, byte[] input, Function<Env, ForwardVerdict> rewrite,
            byte[] expected) {
        return new Fixture(description, input, rewrite, ForwardVerdict.FORWARD, null, expected);
    }

    private static Fixture reply(String description, byte[] input, Function<Env, ForwardVerdict> rewrite,
            ForwardDropReason reason, byte[] expected) {
        return new Fixture(description, input, rewrite, ForwardVerdict.REPLY, reason, expected);
    }

    private static Fixture drop(String description, byte[] input, Function<Env, ForwardVerdict> rewrite,
            ForwardDropReason reason) {
        return new Fixture(description, input, rewrite, ForwardVerdict.DROP, reason, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void rewritesAsIpvsDoes(Fixture fixture) {
        Env env = new Env();
        env.load(fixture.input());
        ForwardVerdict verdict = fixture.rewrite().apply(env);
        assertEquals(fixture.verdict(), verdict, "verdict");
        assertEquals(fixture.reason(), env.last().dropReason(), "drop reason");
        switch (verdict) {
            case FORWARD -> {
                byte[] output = env.output();
                Frames.assertFrameEquals(fixture.expected(), output, fixture.description());
                Frames.assertChecksumsValid(output);
                assertEquals(0, env.reply.lengthBytes(), "no reply written");
            }
            case REPLY -> {
                byte[] reply = env.replyFrame();
                Frames.assertFrameEquals(fixture.expected(), reply, fixture.description());
                Frames.assertChecksumsValid(reply);
                Frames.assertFrameEquals(fixture.input(), env.loaded(), "dropped frame left as received");
                assertEquals(1, env.counters.replyCount(), "replies counted");
            }
            case FRAGMENTED -> fail("no fixture here fragments (FragmentationTest does)");
            case DROP -> {
                assertNull(fixture.expected());
                Frames.assertFrameEquals(fixture.input(), env.loaded(), "dropped frame left as received");
                assertEquals(0, env.reply.lengthBytes(), "no reply written");
            }
        }
        if (verdict == ForwardVerdict.FORWARD) {
            long forwarded = 0;
            for (ForwardingMethod method : ForwardingMethod.values()) {
                forwarded += env.counters.forwardedCount(method);
            }
            assertEquals(1, forwarded, "one frame counted as forwarded");
        } else {
            assertEquals(1, env.counters.dropCount(fixture.reason()), "drop counted under its reason");
        }
    }
}
