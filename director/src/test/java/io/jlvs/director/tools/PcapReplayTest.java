package io.jlvs.director.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.PacketParser;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.packet.Verdict;
import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapRecord;
import io.jlvs.core.pcap.PcapWriter;
import io.jlvs.director.JlvsTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code jlvs pcap}: a capture of client and real-server traffic through a DR and a NAT service,
 * run offline through the packet path; the frames it writes carry the rewrites, the report says
 * each frame's fate, {@code --list} prints the end state as jlvsadm does, and tcpdump reads the
 * output.
 */
class PcapReplayTest {
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_DDL;
    private static final long ROUTER_MAC = 0x02_00_00_00_00_01L;
    private static final long RS1_MAC = 0x02_00_00_00_00_81L;
    private static final long RS2_MAC = 0x02_00_00_00_00_82L;
    private static final String VIP = "192.168.10.100";
    private static final String CLIENT = "203.0.113.5";
    private static final long T0_NS = 1_700_000_000_000_000_000L;

    @TempDir
    Path dir;

    private static PacketBuilder fromClient() {
        return new PacketBuilder().sourceMac(ROUTER_MAC).destinationMac(DIRECTOR_MAC).source(CLIENT).destination(VIP);
    }

    @Test
    void aCaptureRunsThroughThePacketPathAndEachFrameSaysWhatBecameOfIt() throws Exception {
        Path config = dir.resolve("services.yaml");
        Files.writeString(config, """
                global:
                  interfaces: [eth0]
                  connection-table-capacity: 1024
                services:
                  - protocol: tcp
                    vip: %1$s
                    port: 80
                    scheduler: rr
                    servers:
                      - {address: 192.168.188.81, method: dr}
                  - protocol: tcp
                    vip: %1$s
                    port: 8080
                    scheduler: rr
                    servers:
                      - {address: 192.168.188.82, port: 80, method: nat}
                """.formatted(VIP));
        List<byte[]> frames = List.of(
                fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.SYN).build(),
                fromClient().tcp(40000, 80).tcpFlags(TcpFlyweight.ACK).sequence(1, 1).payload("GET / HTTP/1.0\r\n\r\n")
                        .build(),
                fromClient().tcp(40001, 8080).tcpFlags(TcpFlyweight.SYN).build(),
                new PacketBuilder().sourceMac(RS2_MAC).destinationMac(DIRECTOR_MAC).source("192.168.188.82")
                        .destination(CLIENT).tcp(80, 40001).tcpFlags(TcpFlyweight.SYN | TcpFlyweight.ACK)
                        .sequence(9, 1).build(),
                fromClient().tcp(40002, 443).tcpFlags(TcpFlyweight.SYN).build(),
                fromClient().ipChecksum(0x1234).build());
        Path input = dir.resolve("in.pcap");
        try (PcapWriter writer = PcapWriter.create(input)) {
            for (int i = 0; i < frames.size(); i++) {
                writer.write(T0_NS + i * 1_000_000L, frames.get(i));
            }
        }
        Path output = dir.resolve("out.pcap");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new JlvsTool()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("pcap", "--config", config.toString(), "--neighbour", "192.168.188.81=02:00:00:00:00:81",
                        "--neighbour", "192.168.188.82=02:00:00:00:00:82", "--gateway", "02:00:00:00:00:01",
                        "--list", input.toString(), output.toString());
        assertEquals(0, exit, err::toString);
        List<String> report = out.toString().lines().toList();
        assertEquals("1 0.000000 TCP 203.0.113.5:40000 > 192.168.10.100:80 [S]: forwarded to RS 192.168.188.81:80 via DR",
                report.get(0));
        assertEquals("2 0.001000 TCP 203.0.113.5:40000 > 192.168.10.100:80 [.]: forwarded to RS 192.168.188.81:80"
                + " via DR", report.get(1));
        assertEquals("3 0.002000 TCP 203.0.113.5:40001 > 192.168.10.100:8080 [S]: forwarded to RS 192.168.188.82:80"
                + " via NAT", report.get(2));
        assertEquals("4 0.003000 TCP 192.168.188.82:80 > 203.0.113.5:40001 [S.]: forwarded to client"
                + " 203.0.113.5:40001 from 192.168.10.100:8080 (NAT reply)", report.get(3));
        assertEquals("5 0.004000 TCP 203.0.113.5:40002 > 192.168.10.100:443 [S]: passed to the kernel: no_service",
                report.get(4));
        assertEquals("6 0.005000 malformed (ipv4_bad_checksum): dropped: malformed", report.get(5));
        assertEquals("6 frames", report.get(6));
        String text = out.toString();
        assertTrue(text.contains("# jlvsadm -L -n --stats\nIP Virtual Server version 1.2.1 (size=1024)\n"), text);
        assertTrue(text.contains("TCP  192.168.10.100:80                   1        2        0       98        0\n"
                + "  -> 192.168.188.81:80                   1        2        0       98        0\n"), text);
        assertTrue(text.contains("  -> 192.168.188.82:80                   1        1        1       40       40\n"), text);
        assertTrue(text.contains("# jlvsadm -L -n -c\nIPVS connection entries\n"), text);
        // In the table's order: jlvsd's changes from one start to the next, as the kernel's hash order
        // does; the offline tool keys its hash with a fixed seed, so its order is the same every run.
        assertTrue(text.contains("\nTCP 14:59  ESTABLISHED 203.0.113.5:40000  192.168.10.100:80  192.168.188.81:80\n"),
                text);
        assertTrue(text.contains("\nTCP 00:59  SYN_RECV    203.0.113.5:40001  192.168.10.100:8080 192.168.188.82:80\n"),
                "the capture's clock: 3 ms after the SYN, 59 s are left\n" + text);
        StringWriter again = new StringWriter();
        assertEquals(0, new CommandLine(new JlvsTool()).setOut(new PrintWriter(again)).setErr(new PrintWriter(err))
                .execute("pcap", "--config", config.toString(), "--neighbour", "192.168.188.81=02:00:00:00:00:81",
                        "--neighbour", "192.168.188.82=02:00:00:00:00:82", "--gateway", "02:00:00:00:00:01",
                        "--list", input.toString(), dir.resolve("again.pcap").toString()), err::toString);
        assertEquals(text, again.toString(), "the same capture, the same output, the connections' order included");

        List<PcapRecord> sent = PcapReader.readAll(output);
        assertEquals(4, sent.size(), "four frames forwarded");
        PacketParser p = new PacketParser();
        byte[] dr = sent.get(0).data();
        assertEquals(RS1_MAC, mac(dr, 0), "DR: the real server's MAC");
        assertEquals(DIRECTOR_MAC, mac(dr, 6), "from the director's MAC, the first frame's destination");
        assertEquals(Verdict.IPV4_TCP, p.parse(MemorySegment.ofArray(dr), 0, dr.length));
        assertEquals(Ipv4.parse(VIP), p.ipv4().destinationAddress(), "DR keeps the VIP");
        byte[] nat = sent.get(2).data();
        assertEquals(Verdict.IPV4_TCP, p.parse(MemorySegment.ofArray(nat), 0, nat.length));
        assertEquals(Ipv4.parse("192.168.188.82"), p.ipv4().destinationAddress());
        assertEquals(80, p.tcp().destinationPort());
        assertEquals(RS2_MAC, mac(nat, 0));
        byte[] reply = sent.get(3).data();
        assertEquals(Verdict.IPV4_TCP, p.parse(MemorySegment.ofArray(reply), 0, reply.length));
        assertEquals(Ipv4.parse(VIP), p.ipv4().sourceAddress());
        assertEquals(8080, p.tcp().sourcePort());
        assertEquals(ROUTER_MAC, mac(reply, 0), "the reply goes to the gateway");
        assertEquals(T0_NS + 3_000_000L, sent.get(3).timestampNs(), "each written at its input's time");

        Path tcpdump = Path.of("/usr/bin/tcpdump");
        assumeTrue(Files.isExecutable(tcpdump) || Files.isExecutable(Path.of("/usr/sbin/tcpdump")),
                "the tcpdump half skipped: tcpdump is not installed");
        Process read = new ProcessBuilder(Files.isExecutable(tcpdump) ? tcpdump.toString() : "/usr/sbin/tcpdump",
                "-nn", "-r", output.toString()).redirectErrorStream(true).start();
        assertTrue(read.waitFor(30, TimeUnit.SECONDS));
        String lines = new String(read.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, read.exitValue(), lines);
        assertEquals(4, lines.lines().filter(l -> l.contains(" IP ")).count(), lines);
    }

    @Test
    void aServiceFileWithErrorsIsRefusedWithItsMessages() throws Exception {
        Path config = dir.resolve("bad.yaml");
        Files.writeString(config, "global:\n  interfaces: []\n");
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new JlvsTool()).setOut(new PrintWriter(new StringWriter()))
                .setErr(new PrintWriter(err)).execute("pcap", "--config", config.toString(),
                        dir.resolve("in.pcap").toString(), dir.resolve("out.pcap").toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("bad.yaml"), err.toString());
        assertEquals(1, err.toString().lines().count(), err.toString());
    }

    private static long mac(byte[] frame, int offset) {
        long mac = 0;
        for (int i = 0; i < 6; i++) {
            mac = mac << 8 | (frame[offset + i] & 0xFF);
        }
        return mac;
    }
}
