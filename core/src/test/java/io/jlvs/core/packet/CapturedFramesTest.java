package io.jlvs.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapRecord;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames the kernel built and checksummed (captures/README.md) read back through pcap into
 * the parser: every checksum verifies by full computation, and fields match what tcpdump
 * prints for the same files.
 */
class CapturedFramesTest {
    private static final int CLIENT = Ipv4.parse("10.213.0.1");
    private static final int SERVER = Ipv4.parse("10.213.0.2");
    private static final long CLIENT_MAC = 0xcad7_4056_aa4dL;
    private static final long SERVER_MAC = 0x0e61_240c_7086L;

    private final PacketParser parser = new PacketParser();

    static List<PcapRecord> capture(String name) throws IOException, URISyntaxException {
        return PcapReader.readAll(Path.of(CapturedFramesTest.class.getResource("/captures/" + name).toURI()));
    }

    private Verdict parse(PcapRecord record) {
        MemorySegment frame = MemorySegment.ofArray(record.data());
        Verdict verdict = parser.parse(frame, 0, record.capturedLength());
        assertNull(parser.dropReason(), "captured frame dropped");
        return verdict;
    }

    /** Full computation over the IPv4 header: the computed value equals the kernel's field. */
    private void assertIpv4ChecksumIsTheKernels() {
        Ipv4Flyweight ip = parser.ipv4();
        assertEquals(ip.headerChecksum(), ip.computeHeaderChecksum(), "IPv4 header checksum");
        assertTrue(ip.isHeaderChecksumValid());
    }

    @Test
    void everyTcpChecksumInTheCaptureIsTheKernels() throws Exception {
        List<PcapRecord> records = capture("tcp.pcap");
        int tcpFrames = 0;
        for (PcapRecord record : records) {
            if (parse(record) != Verdict.IPV4_TCP) {
                continue;
            }
            tcpFrames++;
            assertIpv4ChecksumIsTheKernels();
            TcpFlyweight tcp = parser.tcp();
            int l4Length = parser.l4Length();
            long pseudo = parser.ipv4().pseudoHeaderSum(l4Length);
            assertEquals(tcp.checksum(), tcp.computeChecksum(pseudo, l4Length), "TCP checksum");
            assertTrue(tcp.isChecksumValid(pseudo, l4Length));
        }
        assertEquals(10, tcpFrames, "TCP frames in tcp.pcap (tcpdump -r tcp.pcap tcp | wc -l)");
    }

    @Test
    void capturedSynReadsBackFieldByField() throws Exception {
        // tcpdump -nn -vv -e -r tcp.pcap, third frame:
        // ca:d7:40:56:aa:4d > 0e:61:24:0c:70:86, ethertype IPv4 (0x0800), length 74: (tos 0x0, ttl 64,
        // id 25476, offset 0, flags [DF], proto TCP (6), length 60) 10.213.0.1.37208 > 10.213.0.2.8080:
        // Flags [S], cksum 0x06f3 (correct), seq 3876544590, win 64240, options [mss 1460,...,wscale 10]
        PcapRecord syn = capture("tcp.pcap").get(2);
        assertEquals(74, syn.capturedLength());
        assertEquals(74, syn.originalLength());
        assertEquals(Verdict.IPV4_TCP, parse(syn));
        EthernetFlyweight eth = parser.ethernet();
        assertEquals(CLIENT_MAC, eth.source());
        assertEquals(SERVER_MAC, eth.destination());
        assertFalse(eth.hasVlan());
        assertEquals(EthernetFlyweight.ETHERTYPE_IPV4, eth.etherType());
        Ipv4Flyweight ip = parser.ipv4();
        assertEquals(4, ip.version());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.tos());
        assertEquals(60, ip.totalLength());
        assertEquals(25476, ip.identification());
        assertTrue(ip.hasDontFragment());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(Ipv4Flyweight.PROTO_TCP, ip.protocol());
        assertEquals(CLIENT, ip.sourceAddress());
        assertEquals(SERVER, ip.destinationAddress());
        TcpFlyweight tcp = parser.tcp();
        assertEquals(37208, tcp.sourcePort());
        assertEquals(8080, tcp.destinationPort());
        assertEquals(3876544590L, Integer.toUnsignedLong(tcp.sequenceNumber()));
        assertEquals(TcpFlyweight.SYN, tcp.flags());
        assertEquals(64240, tcp.window());
        assertEquals(0x06f3, tcp.checksum());
        assertEquals(40, tcp.headerLength());
        assertEquals(0, parser.payloadLength());
    }

    @Test
    void capturedHttpRequestPayloadIsWhereTheParserSaysItIs() throws Exception {
        // sixth frame: Flags [P.], seq 1:80, length 79: "GET / HTTP/1.1"
        PcapRecord request = capture("tcp.pcap").get(5);
        assertEquals(Verdict.IPV4_TCP, parse(request));
        assertEquals(TcpFlyweight.PSH | TcpFlyweight.ACK, parser.tcp().flags());
        assertEquals(79, parser.payloadLength());
        String start = new String(request.data(), (int) parser.payloadOffset(), 14,
                StandardCharsets.US_ASCII);
        assertEquals("GET / HTTP/1.1", start);
    }

    @Test
    void capturedArpRequestAndReplyReadBack() throws Exception {
        // ARP, Request who-has 10.213.0.2 tell 10.213.0.1; Reply 10.213.0.2 is-at 0e:61:24:0c:70:86
        List<PcapRecord> records = capture("tcp.pcap");
        assertEquals(Verdict.ARP, parse(records.get(0)));
        ArpFlyweight arp = parser.arp();
        assertEquals(0xffff_ffff_ffffL, parser.ethernet().destination());
        assertEquals(ArpFlyweight.OP_REQUEST, arp.operation());
        assertEquals(CLIENT_MAC, arp.senderHardwareAddress());
        assertEquals(CLIENT, arp.senderProtocolAddress());
        assertEquals(SERVER, arp.targetProtocolAddress());
        assertEquals(Verdict.ARP, parse(records.get(1)));
        assertEquals(ArpFlyweight.OP_REPLY, parser.arp().operation());
        assertEquals(SERVER_MAC, parser.arp().senderHardwareAddress());
        assertEquals(SERVER, parser.arp().senderProtocolAddress());
        assertEquals(CLIENT_MAC, parser.arp().targetHardwareAddress());
    }

    @Test
    void everyUdpChecksumInTheCaptureIsTheKernels() throws Exception {
        // 10.213.0.1.43593 > 10.213.0.2.7777: [udp sum ok] UDP, length 10 / 1 / 22, and the echoes
        int[] payloadLengths = {10, 10, 1, 1, 22, 22};
        List<PcapRecord> records = capture("udp.pcap");
        assertEquals(payloadLengths.length, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(Verdict.IPV4_UDP, parse(records.get(i)));
            assertIpv4ChecksumIsTheKernels();
            UdpFlyweight udp = parser.udp();
            assertEquals(payloadLengths[i] + 8, udp.udpLength());
            assertEquals(payloadLengths[i], parser.payloadLength());
            assertEquals(i % 2 == 0 ? 7777 : 43593, udp.destinationPort());
            assertEquals(i % 2 == 0 ? 43593 : 7777, udp.sourcePort());
            assertTrue(udp.hasChecksum());
            long pseudo = parser.ipv4().pseudoHeaderSum(udp.udpLength());
            assertEquals(udp.checksum(), udp.computeChecksum(pseudo, udp.udpLength()), "UDP checksum");
            assertTrue(udp.isChecksumValid(pseudo, udp.udpLength()));
        }
    }

    @Test
    void everyIcmpChecksumInTheCaptureIsTheKernels() throws Exception {
        // 10.213.0.1 > 10.213.0.2: ICMP echo request, id 6020, seq 1..3, length 45, and the replies
        List<PcapRecord> records = capture("icmp.pcap");
        assertEquals(6, records.size());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(Verdict.IPV4_ICMP, parse(records.get(i)));
            assertIpv4ChecksumIsTheKernels();
            IcmpFlyweight icmp = parser.icmp();
            assertEquals(i % 2 == 0 ? IcmpFlyweight.ECHO_REQUEST : IcmpFlyweight.ECHO_REPLY, icmp.type());
            assertEquals(0, icmp.code());
            assertEquals(6020, icmp.identifier());
            assertEquals(i / 2 + 1, icmp.sequenceNumber());
            assertEquals(45, parser.l4Length());
            assertEquals(icmp.checksum(), icmp.computeChecksum(parser.l4Length()), "ICMP checksum");
            assertTrue(icmp.isChecksumValid(parser.l4Length()));
        }
    }

    @Test
    void everyIpv6UdpAndIcmpv6ChecksumInTheCaptureIsTheKernels() throws Exception {
        // fd00:213::1 > fd00:213::2: ICMP6 echo request id 6024 seq 1, 2 (payload length 64) and
        // replies; fd00:213::1.44708 > fd00:213::2.7777: UDP, length 15, and the echo
        List<PcapRecord> records = capture("ipv6.pcap");
        assertEquals(6, records.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(Verdict.IPV6_ICMPV6, parse(records.get(i)));
            Ipv6Flyweight ip = parser.ipv6();
            assertEquals(6, ip.version());
            assertEquals(64, ip.hopLimit());
            assertEquals(64, ip.payloadLength());
            assertEquals(0xfd00_0213_0000_0000L, ip.sourceHigh());
            assertEquals(i % 2 == 0 ? 1L : 2L, ip.sourceLow());
            Icmpv6Flyweight icmp = parser.icmpv6();
            assertEquals(i % 2 == 0 ? Icmpv6Flyweight.ECHO_REQUEST : Icmpv6Flyweight.ECHO_REPLY, icmp.type());
            assertEquals(6024, icmp.identifier());
            long pseudo = ip.pseudoHeaderSum(Ipv6Flyweight.NEXT_ICMPV6, parser.l4Length());
            assertEquals(icmp.checksum(), icmp.computeChecksum(pseudo, parser.l4Length()), "ICMPv6 checksum");
        }
        parse(records.get(0));
        assertEquals(0x0459f, parser.ipv6().flowLabel());
        for (int i = 4; i < 6; i++) {
            assertEquals(Verdict.IPV6_UDP, parse(records.get(i)));
            UdpFlyweight udp = parser.udp();
            assertEquals(i == 4 ? 7777 : 44708, udp.destinationPort());
            assertEquals(23, udp.udpLength());
            long pseudo = parser.ipv6().pseudoHeaderSum(Ipv6Flyweight.NEXT_UDP, udp.udpLength());
            assertEquals(udp.checksum(), udp.computeChecksum(pseudo, udp.udpLength()), "UDP/IPv6 checksum");
        }
    }
}
