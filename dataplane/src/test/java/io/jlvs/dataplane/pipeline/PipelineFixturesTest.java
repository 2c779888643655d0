package io.jlvs.dataplane.pipeline;

import static io.jlvs.dataplane.pipeline.Lab.CLIENT;
import static io.jlvs.dataplane.pipeline.Lab.DIP;
import static io.jlvs.dataplane.pipeline.Lab.DIRECTOR_MAC;
import static io.jlvs.dataplane.pipeline.Lab.ROUTER_MAC;
import static io.jlvs.dataplane.pipeline.Lab.RS1;
import static io.jlvs.dataplane.pipeline.Lab.RS1_MAC;
import static io.jlvs.dataplane.pipeline.Lab.RS2;
import static io.jlvs.dataplane.pipeline.Lab.RS2_MAC;
import static io.jlvs.dataplane.pipeline.Lab.VIP;
import static io.jlvs.dataplane.pipeline.Lab.fromClient;
import static io.jlvs.dataplane.pipeline.Lab.fromServer;
import static io.jlvs.dataplane.pipeline.Lab.server;
import static io.jlvs.dataplane.pipeline.Lab.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.IcmpFlyweight;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packet fixtures as a table: a description, the services, and steps of an input frame
 * (built with {@link PacketBuilder}), the expected verdict and the expected output frames,
 * built independently with {@link PacketBuilder} from what IPVS-SEMANTICS &sect;3 says the
 * wire must show. One test runs them all, each on a fresh director.
 */
class PipelineFixturesTest {
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;

    /**
     * One input frame and what must come out. An expectation receives the IPv4
     * identification of the actual output frame, for headers the director numbers itself
     * (TUN outer headers, ICMP errors), whose value the specification leaves open.
     */
    record Step(byte[] input, PipelineVerdict verdict, List<IntFunction<byte[]>> expected) {
    }

    /** A row of the table: what it shows, the services it runs, its steps. */
    record Fixture(String description, List<ServiceSpec> services, List<Step> steps) {
        @Override
        public String toString() {
            return description;
        }
    }

    @SafeVarargs
    private static Step step(byte[] input, PipelineVerdict verdict, IntFunction<byte[]>... expected) {
        List<IntFunction<byte[]>> frames = new ArrayList<>();
        for (IntFunction<byte[]> frame : expected) {
            frames.add(frame);
        }
        return new Step(input, verdict, frames);
    }

    private static IntFunction<byte[]> frame(PacketBuilder builder) {
        byte[] frame = builder.build();
        return id -> frame;
    }

    /** The IP datagram of an Ethernet frame without a VLAN tag. */
    private static byte[] ipOf(byte[] frame) {
        return Arrays.copyOfRange(frame, 14, frame.length);
    }

    static Stream<Fixture> fixtures() {
        ServiceSpec dr = service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1));
        ServiceSpec nat = service(Protocol.TCP, 8080, "rr", server(RS1, 80, ForwardingMethod.MASQ, 1));
        ServiceSpec tun = service(Protocol.TCP, 443, "rr", server(RS2, 443, ForwardingMethod.TUNNEL, 1));
        ServiceSpec quiesced = service(Protocol.TCP, 81, "wlc", server(RS1, 81, ForwardingMethod.ROUTE, 0));
        ServiceSpec udp = service(Protocol.UDP, 53, "rr", server(RS1, 5353, ForwardingMethod.MASQ, 1));

        byte[] tunSyn = fromClient().tcp(40002, 443).tcpFlags(SYN).sequence(7000, 0).build();
        byte[] tunInner = ipOf(fromClient().tcp(40002, 443).tcpFlags(SYN).sequence(7000, 0).ttl(63).build());
        byte[] quietSyn = fromClient().tcp(40004, 81).tcpFlags(SYN).sequence(9000, 0).build();
        byte[] natReply = fromServer(RS1, RS1_MAC).tcp(80, 40001).tcpFlags(SYN | ACK).sequence(5000, 1001)
                .build();
        byte[] replySeenByClient = new PacketBuilder().source(VIP).destination(CLIENT).tcp(8080, 40001)
                .tcpFlags(SYN | ACK).sequence(5000, 1001).ttl(63).build();
        byte[] replyAsRealServerSentIt = new PacketBuilder().source(RS1).destination(CLIENT).tcp(80, 40001)
                .tcpFlags(SYN | ACK).sequence(5000, 1001).ttl(63).build();

        return Stream.of(
                new Fixture("DR: a SYN to the VIP goes to the real server's MAC, TTL-1, IP unchanged", List.of(dr),
                        List.of(step(fromClient().tcp(40000, 80).tcpFlags(SYN).sequence(1000, 0).build(),
                                PipelineVerdict.FORWARDED,
                                frame(fromClient().tcp(40000, 80).tcpFlags(SYN).sequence(1000, 0).ttl(63)
                                        .sourceMac(DIRECTOR_MAC).destinationMac(RS1_MAC))))),
                new Fixture("NAT: SYN to RIP:rport, the real server's SYN-ACK back from VIP:vport", List.of(nat),
                        List.of(step(fromClient().tcp(40001, 8080).tcpFlags(SYN).sequence(1000, 0).build(),
                                        PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(RS1_MAC)
                                                .source(CLIENT).destination(RS1).tcp(40001, 80).tcpFlags(SYN)
                                                .sequence(1000, 0).ttl(63))),
                                step(natReply, PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                                                .source(VIP).destination(CLIENT).tcp(8080, 40001)
                                                .tcpFlags(SYN | ACK).sequence(5000, 1001).ttl(63))),
                                step(fromClient().tcp(40001, 8080).tcpFlags(ACK).sequence(1001, 5001).build(),
                                        PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(RS1_MAC)
                                                .source(CLIENT).destination(RS1).tcp(40001, 80).tcpFlags(ACK)
                                                .sequence(1001, 5001).ttl(63))))),
                new Fixture("NAT: an ICMP error from the client about a reply reaches the real server, quote rewritten",
                        List.of(nat),
                        List.of(step(fromClient().tcp(40001, 8080).tcpFlags(SYN).sequence(1000, 0).build(),
                                        PipelineVerdict.FORWARDED, id -> new byte[0]),
                                step(new PacketBuilder().sourceMac(ROUTER_MAC).destinationMac(DIRECTOR_MAC)
                                                .source(CLIENT).destination(VIP).ttl(64)
                                                .icmp(IcmpFlyweight.DESTINATION_UNREACHABLE, 4, 0, 1400)
                                                .payload(Arrays.copyOf(ipOf(replySeenByClient), 28)).build(),
                                        PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(RS1_MAC)
                                                .source(CLIENT).destination(RS1).ttl(63)
                                                .icmp(IcmpFlyweight.DESTINATION_UNREACHABLE, 4, 0, 1400)
                                                .payload(Arrays.copyOf(ipOf(replyAsRealServerSentIt), 28)))))),
                new Fixture("TUN: a SYN leaves IPIP-encapsulated from the DIP to the RIP", List.of(tun),
                        List.of(step(tunSyn, PipelineVerdict.FORWARDED,
                                id -> new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(RS2_MAC).source(DIP)
                                        .destination(RS2).ttl(63).identification(id).raw(4).payload(tunInner)
                                        .build()))),
                new Fixture("no service on the port: passed to the kernel, nothing sent", List.of(dr),
                        List.of(step(fromClient().tcp(40000, 9999).tcpFlags(SYN).build(), PipelineVerdict.PASSED),
                                step(fromClient().destination(Ipv4.parse("192.168.10.200")).tcp(40000, 80)
                                        .tcpFlags(SYN).build(), PipelineVerdict.PASSED))),
                new Fixture("TCP ACK without a connection: passed (NO_CONN), nothing sent", List.of(dr),
                        List.of(step(fromClient().tcp(40003, 80).tcpFlags(ACK).sequence(1, 1).build(),
                                PipelineVerdict.PASSED))),
                new Fixture("no real server available (weight 0): ICMP port unreachable to the client",
                        List.of(quiesced),
                        List.of(step(quietSyn, PipelineVerdict.REPLIED,
                                id -> new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                                        .source(VIP).destination(CLIENT).ttl(64).tos(0xC0).dontFragment(false)
                                        .identification(id).icmp(IcmpFlyweight.DESTINATION_UNREACHABLE, 3, 0, 0)
                                        .payload(Arrays.copyOf(ipOf(quietSyn), 28)).build()))),
                new Fixture("UDP over NAT: datagrams to RIP:5353, the answer back from VIP:53", List.of(udp),
                        List.of(step(fromClient().udp(5000, 53).payload("query").build(), PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(RS1_MAC)
                                                .source(CLIENT).destination(RS1).udp(5000, 5353).payload("query")
                                                .ttl(63))),
                                step(fromClient().udp(5000, 53).payload("again").build(), PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(RS1_MAC)
                                                .source(CLIENT).destination(RS1).udp(5000, 5353).payload("again")
                                                .ttl(63))),
                                step(fromServer(RS1, RS1_MAC).udp(5353, 5000).payload("answer").build(),
                                        PipelineVerdict.FORWARDED,
                                        frame(new PacketBuilder().sourceMac(DIRECTOR_MAC).destinationMac(ROUTER_MAC)
                                                .source(VIP).destination(CLIENT).udp(53, 5000).payload("answer")
                                                .ttl(63))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixture(Fixture fixture) {
        Lab lab = new Lab(fixture.services());
        int n = 0;
        for (Step step : fixture.steps()) {
            n++;
            assertEquals(step.verdict(), lab.process(step.input()), "verdict of step " + n);
            List<byte[]> sent = lab.sent();
            assertEquals(step.expected().size(), sent.size(), "frames sent at step " + n);
            for (int i = 0; i < sent.size(); i++) {
                byte[] actual = sent.get(i);
                byte[] expected = step.expected().get(i).apply(identification(actual));
                if (expected.length == 0) {
                    continue;
                }
                assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual),
                        "frame " + i + " of step " + n);
            }
        }
    }

    private static int identification(byte[] frame) {
        return frame.length >= 20 ? (frame[18] & 0xFF) << 8 | (frame[19] & 0xFF) : 0;
    }
}
