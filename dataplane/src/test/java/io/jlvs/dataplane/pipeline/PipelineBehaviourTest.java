package io.jlvs.dataplane.pipeline;

import static io.jlvs.dataplane.pipeline.Lab.RS1;
import static io.jlvs.dataplane.pipeline.Lab.RS1_MAC;
import static io.jlvs.dataplane.pipeline.Lab.RS2;
import static io.jlvs.dataplane.pipeline.Lab.RS2_MAC;
import static io.jlvs.dataplane.pipeline.Lab.fromClient;
import static io.jlvs.dataplane.pipeline.Lab.fromServer;
import static io.jlvs.dataplane.pipeline.Lab.server;
import static io.jlvs.dataplane.pipeline.Lab.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.Verdict;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.dataplane.service.Stats;
import io.jlvs.dataplane.service.VirtualService;
import io.jlvs.dataplane.sys.AfPacket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Behaviour of the pipeline over several packets: scheduling, stickiness, counters, offloads. */
class PipelineBehaviourTest {
    private static final ValueLayout.OfInt BIG_ENDIAN_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static long destinationMac(byte[] frame) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (frame[i] & 0xFF);
        }
        return mac;
    }

    @Test
    void roundRobinAlternatesNewConnectionsAndKeepsEachOnItsServer() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1),
                server(RS2, 80, ForwardingMethod.ROUTE, 1))));
        List<Long> picks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertEquals(PipelineVerdict.FORWARDED,
                    lab.process(fromClient().tcp(41000 + i, 80).tcpFlags(TcpFlyweight.SYN).build()));
            picks.add(destinationMac(lab.sent().getFirst()));
        }
        // IPVS-SEMANTICS §0 and §1.1: servers added rs1 then rs2 are listed rs2, rs1; rr starts at the head.
        assertEquals(List.of(RS2_MAC, RS1_MAC, RS2_MAC, RS1_MAC), picks);
        for (int round = 0; round < 2; round++) {
            for (int i = 3; i >= 0; i--) {
                assertEquals(PipelineVerdict.FORWARDED, lab.process(fromClient().tcp(41000 + i, 80)
                        .tcpFlags(TcpFlyweight.ACK).sequence(1, 1).build()));
                assertEquals(picks.get(i), destinationMac(lab.sent().getFirst()), "connection " + i);
            }
        }
    }

    @Test
    void oneFlowOfAOnePacketServiceIsScheduledAnewForEachDatagramAndLeavesNoEntry() {
        ServiceSpec dns = new ServiceSpec(new ServiceKey.Address(Protocol.UDP, Lab.VIP, 53), "rr", 0, Optional.empty(),
                List.of(server(RS1, 53, ForwardingMethod.ROUTE, 1), server(RS2, 53, ForwardingMethod.ROUTE, 1)),
                Optional.empty(), true);
        Lab lab = new Lab(List.of(dns));
        List<Long> picks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertEquals(PipelineVerdict.FORWARDED, lab.process(fromClient().udp(5000, 53).payload("q" + i).build()));
            picks.add(destinationMac(lab.sent().getFirst()));
        }
        // The same flow (client port 5000) each time: rr alternates as for new flows.
        assertEquals(List.of(RS2_MAC, RS1_MAC, RS2_MAC, RS1_MAC), picks);
        assertEquals(0, lab.tracker.table().size(), "no entry is left (nothing for -Lnc)");
        VirtualService service = lab.services.services().getFirst();
        assertEquals(4, lab.services.serviceStats(service).conns(), "each datagram counted as a connection");
        for (var d : service.destinations()) {
            assertEquals(0, d.activeConns() + d.inactConns(), "the server's counts undone: " + d);
        }
    }

    @Test
    void aNatReplyOfAOnePacketServiceIsNotTranslatedAsInTheKernel() {
        ServiceSpec syslog = new ServiceSpec(new ServiceKey.Address(Protocol.UDP, Lab.VIP, 514), "rr", 0,
                Optional.empty(), List.of(server(RS1, 514, ForwardingMethod.MASQ, 1)), Optional.empty(), true);
        Lab lab = new Lab(List.of(syslog));
        assertEquals(PipelineVerdict.FORWARDED, lab.process(fromClient().udp(5000, 514).payload("log line").build()));
        lab.sent();
        // No reply is expected (ip_vs_nfct: no conntrack change for one-packet connections):
        // the entry is gone, so the real server's answer finds nothing to translate.
        assertEquals(PipelineVerdict.PASSED, lab.process(fromServer(RS1, RS1_MAC).udp(514, 5000).payload("x").build()));
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.NO_SERVICE));
        assertEquals(0, lab.sent().size(), "nothing rewritten or sent");
    }

    @Test
    void countsConnectionsPacketsAndBytesPerServiceAndServer() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 8080, "rr", server(RS1, 80, ForwardingMethod.MASQ, 1))));
        byte[] syn = fromClient().tcp(40001, 8080).tcpFlags(TcpFlyweight.SYN).build();
        byte[] ack = fromClient().tcp(40001, 8080).tcpFlags(TcpFlyweight.ACK).sequence(1, 1).payload("GET /").build();
        byte[] reply = fromServer(RS1, RS1_MAC).tcp(80, 40001).tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK).build();
        lab.process(syn);
        lab.process(reply);
        lab.process(ack);
        lab.process(syn);
        VirtualService service = lab.services.services().getFirst();
        int synBytes = syn.length - 14;
        int ackBytes = ack.length - 14;
        int replyBytes = reply.length - 14;
        Stats expected = new Stats(1, 3, 1, 2L * synBytes + ackBytes, replyBytes);
        assertEquals(expected, lab.services.serviceStats(service));
        assertEquals(expected, lab.services.destinationStats(service.destinations().getFirst()));
    }

    @Test
    void completesPartialChecksumsBeforeForwarding() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1))));
        byte[] frame = fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).payload("hello").build();
        MemorySegment segment = MemorySegment.ofArray(frame);
        PacketParser parser = new PacketParser();
        assertEquals(Verdict.IPV4_TCP, parser.parse(segment, 0, frame.length));
        Ipv4Flyweight ip = parser.ipv4();
        int l4 = parser.l4Length();
        // What a sender leaves for offload: the folded pseudo-header sum, not complemented.
        long sum = ip.pseudoHeaderSum(l4);
        while (sum >>> 16 != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        parser.tcp().checksum((int) sum);

        assertEquals(PipelineVerdict.FORWARDED, lab.process(frame, AfPacket.TP_STATUS_CSUMNOTREADY));
        byte[] out = lab.sent().getFirst();
        MemorySegment o = MemorySegment.ofArray(out);
        assertEquals(Verdict.IPV4_TCP, parser.parse(o, 0, out.length));
        assertTrue(parser.tcp().isChecksumValid(parser.ipv4().pseudoHeaderSum(l4), l4), "TCP checksum complete");
        assertTrue(InternetChecksum.isIpv4HeaderValid(o, 14, 20), "IPv4 header checksum verifies");
    }

    @Test
    void dropsConnectionsOfADeletedServerAndCountsWhy() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1))));
        lab.process(fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build());
        lab.sent();
        VirtualService service = lab.services.services().getFirst();
        service.scheduling().delete(service.destinations().getFirst());
        assertEquals(PipelineVerdict.DROPPED,
                lab.process(fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.ACK).sequence(1, 1).build()));
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.DEST_DELETED));
        assertEquals(0, lab.sent().size());
    }

    @Test
    void dropsADirectRoutingFrameWhenNoNextHopIsKnownAndTellsTheResolver() {
        int unknown = io.jlvs.core.net.Ipv4.parse("192.168.188.99");
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(unknown, 80, ForwardingMethod.ROUTE, 1))));
        assertEquals(PipelineVerdict.DROPPED, lab.process(fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build()));
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.NO_NEXT_HOP));
        assertEquals(List.of(unknown), lab.missing);
        assertEquals(0, lab.sent().size());
        assertEquals(0, lab.kernelSent.size(), "a DR frame keeps the VIP as destination: the kernel cannot route it");
    }

    @Test
    void natPacketsToAnUnresolvedServerGoToTheKernelsIpOutputRewritten() {
        int unknown = io.jlvs.core.net.Ipv4.parse("192.168.188.99");
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(unknown, 8080, ForwardingMethod.MASQ, 1))));
        assertEquals(PipelineVerdict.FORWARDED,
                lab.process(fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build()));
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.KERNEL_ROUTED));
        assertEquals(0, lab.pipeline.counters().reasonCount(PipelineReason.NO_NEXT_HOP));
        assertEquals(List.of(unknown), lab.missing, "the resolver is still told");
        assertEquals(0, lab.sent().size(), "nothing leaves by the interface without a MAC");
        assertEquals(1, lab.kernelSent.size());
        byte[] recorded = lab.kernelSent.getFirst();
        assertEquals(unknown, MemorySegment.ofArray(recorded).get(BIG_ENDIAN_INT, 0), "routed towards the server");
        PacketParser ip = parseIpPacket(recorded);
        assertEquals(Lab.CLIENT, ip.ipv4().sourceAddress());
        assertEquals(unknown, ip.ipv4().destinationAddress());
        assertEquals(8080, ip.tcp().destinationPort());
        assertTrue(InternetChecksum.isIpv4HeaderValid(MemorySegment.ofArray(recorded), 4, 20),
                "IPv4 header checksum verifies");
    }

    @Test
    void aNatReplyToADirectlyAttachedClientNotResolvedYetGoesToTheKernelFromTheVip() {
        int neighbourClient = io.jlvs.core.net.Ipv4.parse("192.168.10.7");
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 8080, ForwardingMethod.MASQ, 1))));
        lab.process(fromClient().source(neighbourClient).tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build());
        assertEquals(1, lab.sent().size(), "the SYN reaches rs1, whose MAC is known");
        assertEquals(PipelineVerdict.FORWARDED, lab.process(fromServer(RS1, RS1_MAC).destination(neighbourClient)
                .tcp(8080, 40000).tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK).build()));
        assertEquals(1, lab.kernelSent.size(), "the first SYN-ACK is not lost");
        byte[] recorded = lab.kernelSent.getFirst();
        assertEquals(neighbourClient, MemorySegment.ofArray(recorded).get(BIG_ENDIAN_INT, 0));
        PacketParser ip = parseIpPacket(recorded);
        assertEquals(Lab.VIP, ip.ipv4().sourceAddress());
        assertEquals(80, ip.tcp().sourcePort());
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.KERNEL_ROUTED));
    }

    /**
     * Parses what the kernel's output was handed ({@link Lab#kernelSent}: the next hop, then an IP
     * packet without a link-layer header) behind a made-up Ethernet header.
     */
    private static PacketParser parseIpPacket(byte[] recorded) {
        byte[] frame = new byte[14 + recorded.length - 4];
        frame[12] = 0x08;
        System.arraycopy(recorded, 4, frame, 14, recorded.length - 4);
        PacketParser parser = new PacketParser();
        assertEquals(Verdict.IPV4_TCP, parser.parse(MemorySegment.ofArray(frame), 0, frame.length),
                "an IPv4 TCP packet starts where the kernel was told");
        return parser;
    }

    @Test
    void aPacketTheKernelRefusesIsDroppedAsNoNextHop() {
        int unknown = io.jlvs.core.net.Ipv4.parse("192.168.188.99");
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(unknown, 8080, ForwardingMethod.MASQ, 1))));
        lab.kernelTakes = false;
        assertEquals(PipelineVerdict.DROPPED,
                lab.process(fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build()));
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.NO_NEXT_HOP));
        assertEquals(0, lab.pipeline.counters().reasonCount(PipelineReason.KERNEL_ROUTED));
        assertEquals(0, lab.pipeline.counters().reasonCount(PipelineReason.TX_FULL));
    }

    @Test
    void dropsMalformedFramesWithTheParsersReason() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1))));
        assertEquals(PipelineVerdict.DROPPED, lab.process(fromClient().ipChecksum(0x1234).build()));
        assertEquals(1, lab.pipeline.counters().reasonCount(PipelineReason.MALFORMED));
        assertEquals(1, lab.pipeline.parser().dropCount(io.jlvs.core.packet.DropReason.IPV4_BAD_CHECKSUM));
        assertEquals(1, lab.pipeline.counters().malformedCount(io.jlvs.core.packet.DropReason.IPV4_BAD_CHECKSUM),
                "the pipeline's counters, which /metrics reads, keep the parser's reason");
        PipelineCounters totals = new PipelineCounters();
        lab.pipeline.counters().addTo(totals);
        assertEquals(1, totals.malformedCount(io.jlvs.core.packet.DropReason.IPV4_BAD_CHECKSUM));
    }

    @Test
    void taggedFramesAreNotBalancedWhetherTheTagIsInTheFrameOrInTheRingStatus() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1))));
        assertEquals(PipelineVerdict.PASSED,
                lab.process(fromClient().vlan(100).tcp(41000, 80).tcpFlags(TcpFlyweight.SYN).build()));
        assertEquals(PipelineVerdict.PASSED,
                lab.process(fromClient().tcp(41001, 80).tcpFlags(TcpFlyweight.SYN).build(),
                        AfPacket.TP_STATUS_VLAN_VALID));
        assertEquals(2, lab.pipeline.counters().reasonCount(PipelineReason.VLAN_TAGGED));
        assertTrue(lab.sent().isEmpty(), "nothing forwarded");
        assertEquals(PipelineVerdict.FORWARDED,
                lab.process(fromClient().tcp(41002, 80).tcpFlags(TcpFlyweight.SYN).build()), "untagged still is");
    }

    @Test
    void martianAndLandSourcesAreDroppedBeforeScheduling() {
        Lab lab = new Lab(List.of(service(Protocol.TCP, 80, "rr", server(RS1, 80, ForwardingMethod.ROUTE, 1))));
        for (String source : List.of("0.0.0.0", "127.0.0.1", "224.0.0.1", "239.1.2.3", "255.255.255.255")) {
            assertEquals(PipelineVerdict.DROPPED, lab.process(fromClient().source(source).tcp(41000, 80)
                    .tcpFlags(TcpFlyweight.SYN).build()), source);
        }
        assertEquals(5, lab.pipeline.counters().reasonCount(PipelineReason.MARTIAN_SOURCE));
        assertEquals(PipelineVerdict.DROPPED, lab.process(fromClient().source(Lab.VIP).tcp(80, 80)
                .tcpFlags(TcpFlyweight.SYN).build()), "land: source = VIP");
        assertEquals(PipelineVerdict.DROPPED, lab.process(fromClient().source(Lab.VIP).tcp(80, 41000)
                .tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK).build()), "a real server's answer to a land SYN");
        assertEquals(2, lab.pipeline.counters().reasonCount(PipelineReason.LAND));
        assertTrue(lab.sent().isEmpty(), "nothing forwarded");
        assertEquals(0, lab.tracker.table().size(), "no connection made");
        assertEquals(PipelineVerdict.FORWARDED, lab.process(fromClient().source("240.0.0.1").tcp(41000, 80)
                .tcpFlags(TcpFlyweight.SYN).build()), "class E is not martian for the kernel");
    }
}
