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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.checksum.InternetChecksum;
import io.jlvs.core.packet.Ipv4Flyweight;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.Verdict;
import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapRecord;
import io.jlvs.core.pcap.PcapWriter;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A pcap of client (and NAT real-server) traffic, written with {@link PcapWriter}, replayed
 * through the pipeline with in-memory I/O; what the director sent is written as
 * {@code target/pipeline-pcap/output.pcap} (open it in Wireshark), read back and checked
 * field by field, and tcpdump checks its checksums.
 */
class PipelinePcapRoundTripTest {
    private static final Path DIRECTORY = Path.of("target", "pipeline-pcap");
    private static final long T0_NS = 1_700_000_000_000_000_000L;
    private static final int SYN = TcpFlyweight.SYN;
    private static final int ACK = TcpFlyweight.ACK;
    private static List<PcapRecord> outputs;

    @BeforeAll
    static void replay() throws IOException {
        Files.createDirectories(DIRECTORY);
        Path input = DIRECTORY.resolve("input.pcap");
        Path output = DIRECTORY.resolve("output.pcap");
        List<byte[]> traffic = List.of(
                fromClient().tcp(40000, 80).tcpFlags(SYN).build(),
                fromClient().tcp(40000, 80).tcpFlags(ACK).sequence(1, 1).payload("GET / HTTP/1.0\r\n\r\n").build(),
                fromClient().tcp(40001, 8080).tcpFlags(SYN).build(),
                fromServer(RS1, RS1_MAC).tcp(80, 40001).tcpFlags(SYN | ACK).sequence(9, 1).build(),
                fromClient().tcp(40001, 8080).tcpFlags(ACK).sequence(1, 10).payload("GET / HTTP/1.0\r\n\r\n").build(),
                fromServer(RS1, RS1_MAC).tcp(80, 40001).tcpFlags(ACK).sequence(10, 19).payload("HTTP/1.0 200 OK\r\n")
                        .build(),
                fromClient().tcp(40002, 443).tcpFlags(SYN).build(),
                fromClient().udp(5000, 53).payload("query").build(),
                fromClient().udp(5000, 53).udpNoChecksum().payload("no checksum").build(),
                fromServer(RS1, RS1_MAC).udp(5353, 5000).payload("answer").build());
        try (PcapWriter writer = PcapWriter.create(input)) {
            for (int i = 0; i < traffic.size(); i++) {
                writer.write(T0_NS + i * 1_000_000L, traffic.get(i));
            }
        }
        Lab lab = new Lab(List.of(
                service(Protocol.TCP, 80, "rr", server(RS2, 80, ForwardingMethod.ROUTE, 1)),
                service(Protocol.TCP, 8080, "rr", server(RS1, 80, ForwardingMethod.MASQ, 1)),
                service(Protocol.TCP, 443, "rr", server(RS2, 443, ForwardingMethod.TUNNEL, 1)),
                service(Protocol.UDP, 53, "rr", server(RS1, 5353, ForwardingMethod.MASQ, 1))));
        try (PcapReader reader = PcapReader.open(input); PcapWriter writer = PcapWriter.create(output)) {
            while (reader.next()) {
                assertEquals(PipelineVerdict.FORWARDED, lab.process(reader.data()));
                for (byte[] frame : lab.sent()) {
                    writer.write(reader.timestampNs(), frame);
                }
            }
        }
        outputs = PcapReader.readAll(output);
    }

    /** The parser over one output frame, its IPv4 and transport checksums verified. */
    private static PacketParser parse(int index, Verdict expected) {
        byte[] frame = outputs.get(index).data();
        PacketParser parser = new PacketParser();
        MemorySegment segment = MemorySegment.ofArray(frame);
        assertEquals(expected, parser.parse(segment, 0, frame.length), "frame " + index);
        Ipv4Flyweight ip = parser.ipv4();
        assertTrue(InternetChecksum.isIpv4HeaderValid(segment, 14, ip.headerLength()), "IPv4 checksum of " + index);
        long pseudo = ip.pseudoHeaderSum(parser.l4Length());
        if (expected == Verdict.IPV4_TCP) {
            assertTrue(parser.tcp().isChecksumValid(pseudo, parser.l4Length()), "TCP checksum of " + index);
        } else if (expected == Verdict.IPV4_UDP) {
            assertTrue(parser.udp().isChecksumValid(pseudo, parser.l4Length()), "UDP checksum of " + index);
        }
        return parser;
    }

    private static void assertHeaders(PacketParser p, long dstMac, int src, int dst, int sport, int dport, int ttl) {
        assertEquals(dstMac, p.ethernet().destination(), "destination MAC");
        assertEquals(DIRECTOR_MAC, p.ethernet().source(), "source MAC");
        assertEquals(src, p.ipv4().sourceAddress(), "source address");
        assertEquals(dst, p.ipv4().destinationAddress(), "destination address");
        int protocol = p.ipv4().protocol();
        var l4 = protocol == Ipv4Flyweight.PROTO_TCP ? p.tcp() : p.udp();
        assertEquals(sport, l4.sourcePort(), "source port");
        assertEquals(dport, l4.destinationPort(), "destination port");
        assertEquals(ttl, p.ipv4().ttl(), "TTL");
    }

    @Test
    void everyInputFrameGivesOneOutputFrame() {
        assertEquals(10, outputs.size());
    }

    @Test
    void directRoutingKeepsTheIpPacketAndChangesTheMac() {
        assertHeaders(parse(0, Verdict.IPV4_TCP), RS2_MAC, CLIENT, VIP, 40000, 80, 63);
        assertHeaders(parse(1, Verdict.IPV4_TCP), RS2_MAC, CLIENT, VIP, 40000, 80, 63);
    }

    @Test
    void natRewritesBothDirections() {
        assertHeaders(parse(2, Verdict.IPV4_TCP), RS1_MAC, CLIENT, RS1, 40001, 80, 63);
        assertHeaders(parse(3, Verdict.IPV4_TCP), ROUTER_MAC, VIP, CLIENT, 8080, 40001, 63);
        assertHeaders(parse(4, Verdict.IPV4_TCP), RS1_MAC, CLIENT, RS1, 40001, 80, 63);
        assertHeaders(parse(5, Verdict.IPV4_TCP), ROUTER_MAC, VIP, CLIENT, 8080, 40001, 63);
        assertHeaders(parse(7, Verdict.IPV4_UDP), RS1_MAC, CLIENT, RS1, 5000, 5353, 63);
        PacketParser noChecksum = parse(8, Verdict.IPV4_UDP);
        assertHeaders(noChecksum, RS1_MAC, CLIENT, RS1, 5000, 5353, 63);
        assertTrue(noChecksum.udp().hasChecksum(), "IPVS computes a checksum for a datagram sent without one");
        assertHeaders(parse(9, Verdict.IPV4_UDP), ROUTER_MAC, VIP, CLIENT, 53, 5000, 63);
    }

    @Test
    void tunnellingWrapsTheClientPacketInIpip() {
        PacketParser outer = parse(6, Verdict.IPV4_OTHER);
        assertEquals(RS2_MAC, outer.ethernet().destination());
        assertEquals(4, outer.ipv4().protocol(), "IPIP");
        assertEquals(DIP, outer.ipv4().sourceAddress());
        assertEquals(RS2, outer.ipv4().destinationAddress());
        assertEquals(63, outer.ipv4().ttl(), "outer TTL = inner TTL after the decrement");
        assertTrue(outer.ipv4().hasDontFragment(), "DF copied from the inner packet");
        byte[] frame = outputs.get(6).data();
        byte[] inner = new byte[frame.length - 20];
        System.arraycopy(frame, 0, inner, 0, 14);
        System.arraycopy(frame, 34, inner, 14, frame.length - 34);
        PacketParser innerParser = new PacketParser();
        assertEquals(Verdict.IPV4_TCP, innerParser.parse(MemorySegment.ofArray(inner), 0, inner.length));
        assertEquals(CLIENT, innerParser.ipv4().sourceAddress());
        assertEquals(VIP, innerParser.ipv4().destinationAddress());
        assertEquals(443, innerParser.tcp().destinationPort());
        assertEquals(63, innerParser.ipv4().ttl());
    }

    @Test
    void tcpdumpFindsNoBadChecksum() throws Exception {
        Path binary = Files.isExecutable(Path.of("/usr/bin/tcpdump")) ? Path.of("/usr/bin/tcpdump")
                : Path.of("/usr/sbin/tcpdump");
        Assumptions.assumeTrue(Files.isExecutable(binary),
                "tcpdump is not installed; the output pcap is checked field by field only");
        Process process = new ProcessBuilder(binary.toString(), "-nn", "-tt", "-vv", "-e", "-r",
                DIRECTORY.resolve("output.pcap").toString()).redirectErrorStream(true).start();
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "tcpdump finished");
        assertEquals(0, process.exitValue(), text);
        assertFalse(text.contains("bad cksum") || text.contains("incorrect") || text.contains("wrong"), text);
        assertEquals(10, text.lines().filter(l -> l.startsWith("1700000000")).count(), text);
        assertTrue(text.contains("proto IPIP (4)"), text);
        List<String> correct = new ArrayList<>(text.lines().filter(l -> l.contains("(correct)") || l.contains("sum ok"))
                .toList());
        assertTrue(correct.size() >= 9, "checksums tcpdump verified\n" + text);
    }
}
