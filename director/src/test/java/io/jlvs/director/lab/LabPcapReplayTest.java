package io.jlvs.director.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.testkit.Privileged;
import io.jlvs.core.pcap.PcapReader;
import io.jlvs.core.pcap.PcapRecord;
import io.jlvs.core.pcap.PcapWriter;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.director.JlvsTool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code jlvs pcap} against the kernel's own traffic: in the DR and NAT labs (jlvsd on
 * AF_PACKET, scheduler {@code sh}, so that the choice of real server depends on the client
 * alone and not on what came before), the frames reaching the director from the client (on its
 * link) and the frames it sends towards the real servers (where they arrive) are captured while curl makes four
 * requests through the VIP. The client's frames are then run through {@code jlvs pcap} with the
 * lab's service file and the real servers' MACs: what it writes is, byte for byte, what jlvsd
 * sent on the wire.
 *
 * <p>Uses the lab's fixed namespaces, so it skips when a lab is up already; needs root, curl
 * and tcpdump.
 */
@Privileged
class LabPcapReplayTest {
    @BeforeEach
    void noLabUp() {
        assumeTrue(AfPacket.isAvailable(), () -> "lab pcap test skipped: jlvsd cannot open packet sockets: "
                + AfPacket.unavailabilityCause());
        Scripts.assumeLab("lab pcap test", "curl", "curl", "tcpdump", "tcpdump");
    }

    @AfterEach
    void labDown() {
        Scripts.labDownIfUp();
    }

    private static boolean lastAcksPending() {
        for (String rs : List.of("rs1", "rs2")) {
            Scripts.Result ss = Scripts.inNamespace(Scripts.ns(rs), Map.of(), "ss", "-Htan", "state", "last-ack");
            if (!ss.output().isBlank()) {
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dr", "nat"})
    void jlvsPcapOnTheClientsFramesWritesWhatJlvsdSentOnTheWire(String mode) throws Exception {
        Scripts.Result up = Scripts.lab("up", mode, "--scheduler", "sh", "--io", "af_packet");
        assertEquals(0, up.exitCode(), up::toString);
        String vip = mode.equals("nat") ? "192.168.10.100" : "192.168.188.100";
        String clientSide = mode.equals("nat") ? "eth1" : "eth0";
        String inMac = Scripts.mac(Scripts.ns("director"), clientSide);
        String outMac = Scripts.mac(Scripts.ns("director"), "eth0");
        List<PcapCapture.Frame> in;
        List<PcapCapture.Frame> out = new ArrayList<>();
        // What jlvsd sends is captured where it arrives, at the real servers: a packet socket that
        // bypasses the qdisc is not seen by taps on the sender's link.
        String fromDirector = "tcp and dst port 80 and ether src " + outMac;
        try (PcapCapture atIngress = PcapCapture.start(Scripts.ns("director"), clientSide,
                "tcp and dst host " + vip + " and dst port 80 and ether dst " + inMac);
                PcapCapture atRs1 = PcapCapture.start(Scripts.ns("rs1"), "eth0", fromDirector);
                PcapCapture atRs2 = PcapCapture.start(Scripts.ns("rs2"), "eth0", fromDirector)) {
            for (int i = 0; i < 4; i++) {
                Scripts.Result curl = Scripts.inNamespace(Scripts.ns("client"), Map.of(), "curl", "-s", "--max-time", "5",
                        "http://" + vip + "/");
                assertEquals(0, curl.exitCode(), () -> curl + Scripts.jlvsdLog());
            }
            // The clients' last ACKs leave after curl ends: wait until the real servers have them
            // (no connection of theirs left in LAST-ACK), checking a bounded number of times.
            for (int attempt = 0; attempt < 200 && lastAcksPending(); attempt++) {
                Thread.sleep(50);
            }
            List<PcapCapture.Frame> rs1 = atRs1.stop();
            List<PcapCapture.Frame> rs2 = atRs2.stop();
            assertTrue(rs1.isEmpty() || rs2.isEmpty(), "sh sends one client to one server");
            out.addAll(rs1);
            out.addAll(rs2);
            in = atIngress.stop();
        }
        assertTrue(in.size() >= 4 * 5, "the client's frames were captured: " + in.size());
        assertEquals(in.size(), out.size(), "jlvsd forwarded every frame of the client");

        Path dir = Files.createTempDirectory("jlvs-pcap-lab");
        Path input = dir.resolve("in.pcap");
        try (PcapWriter writer = PcapWriter.create(input)) {
            long t = 1_700_000_000_000_000_000L;
            for (PcapCapture.Frame f : in) {
                writer.write(t += 1_000_000L, f.bytes());
            }
        }
        Path output = dir.resolve("out.pcap");
        List<String> args = new ArrayList<>(List.of("pcap", "--config", Scripts.RUN.resolve("director.yaml").toString(),
                "--mac", "eth0=" + outMac, "--mac", clientSide + "=" + inMac, "--in", clientSide));
        String rsPrefix = "192.168.188.";
        int first = mode.equals("nat") ? 82 : 81;
        for (int i = 0; i < 2; i++) {
            args.addAll(List.of("--neighbour", rsPrefix + (first + i) + "=" + Scripts.mac(Scripts.ns("rs" + (i + 1)), "eth0")
                    + "@eth0"));
        }
        args.addAll(List.of(input.toString(), output.toString()));
        StringWriter report = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new JlvsTool()).setOut(new PrintWriter(report)).setErr(new PrintWriter(err))
                .execute(args.toArray(String[]::new));
        assertEquals(0, exit, err::toString);
        List<PcapRecord> replayed = PcapReader.readAll(output);
        assertEquals(out.size(), replayed.size(), report.toString());
        for (int i = 0; i < out.size(); i++) {
            assertArrayEquals(out.get(i).bytes(), replayed.get(i).data(),
                    "frame " + (i + 1) + " as jlvsd sent it and as jlvs pcap wrote it\n" + report);
        }
        System.out.println("lab pcap " + mode + ": " + out.size() + " frames, jlvs pcap wrote the same bytes;"
                + " first: " + report.toString().lines().findFirst().orElse(""));
        Files.deleteIfExists(input);
        Files.deleteIfExists(output);
        Files.deleteIfExists(dir);
    }
}
