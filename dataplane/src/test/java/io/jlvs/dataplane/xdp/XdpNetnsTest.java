package io.jlvs.dataplane.xdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.io.FrameHandler;
import io.jlvs.dataplane.io.IoDropReason;
import io.jlvs.dataplane.io.XskConfig;
import io.jlvs.dataplane.io.XskSink;
import io.jlvs.dataplane.io.XskSocket;
import io.jlvs.dataplane.kernel.NatServer;
import io.jlvs.dataplane.kernel.OwnedFlow;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.sys.AfPacket;
import io.jlvs.dataplane.sys.Bpf;
import io.jlvs.dataplane.sys.NativeException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The XDP filter and an AF_XDP socket on a veth pair: the director's end stays in this process's
 * namespace (198.18.77.1/24, RFC 2544 test space), the client's end is in a namespace of its
 * own (198.18.77.2/24), from which a small Python script writes crafted frames through a packet
 * socket. Each frame carries a tag (the IPv4 identification, or 1000 + the last byte of an ARP
 * target), so the test knows exactly which frames reached the socket; a redirected sentinel sent
 * last proves every earlier frame was already decided (one queue, in order). Needs root, and
 * skips saying why without it.
 */
@Privileged
class XdpNetnsTest {
    private static final ValueLayout.OfShort U16_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(10);
    private static final String PYTHON = "/usr/bin/python3";
    /** Writes each argument {@code hex:count} as that many frames on the interface in argv[1]. */
    private static final String SENDER = """
            import socket, sys
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
            s.bind((sys.argv[1], 0))
            for arg in sys.argv[2:]:
                frame, count = arg.split(':')
                frame = bytes.fromhex(frame)
                for _ in range(int(count)):
                    while True:
                        try:
                            s.send(frame)
                            break
                        except BlockingIOError:
                            pass
            """;

    static final int DIRECTOR = Ipv4.parse("198.18.77.1");
    static final int CLIENT = Ipv4.parse("198.18.77.2");
    static final int VIP = Ipv4.parse("198.18.77.10");
    static final int VIP_ALL_PORTS = Ipv4.parse("198.18.77.11");
    static final int ARP_VIP = Ipv4.parse("198.18.77.12");
    static final int RIP = Ipv4.parse("198.18.77.20");
    static final int FWMARK_NET = Ipv4.parse("198.18.78.0");
    static final int ARP_TAG_BASE = 1000;
    static final int SENTINEL = 999;

    static final List<OwnedFlow> FLOWS = List.of(
            OwnedFlow.service(Protocol.UDP, VIP, 53),
            OwnedFlow.service(Protocol.TCP, VIP, 80),
            OwnedFlow.service(Protocol.TCP, VIP_ALL_PORTS, 0),
            OwnedFlow.fwmark(7, Protocol.TCP, FWMARK_NET, 24, 443));
    static final List<NatServer> NAT = List.of(new NatServer(Protocol.TCP, RIP, 8080));

    /** One crafted frame and whether the program should hand it to jlvs. */
    record Case(String description, int tag, byte[] frame, boolean redirected) {
    }

    /** A veth pair, the client namespace, the filter and one socket on queue 0. */
    static final class Rig implements AutoCloseable {
        final NetnsLab lab;
        final String client;
        final String d;
        final String c;
        final byte[] dMac;
        final byte[] cMac;
        final XdpFilter filter;
        final XskSocket xsk;

        Rig(int rxFrames, int txFrames) throws NativeException {
            this(rxFrames, txFrames, true);
        }

        Rig(int rxFrames, int txFrames, boolean tryNative) throws NativeException {
            this(rxFrames, txFrames, tryNative, true);
        }

        Rig(int rxFrames, int txFrames, boolean tryNative, boolean needWakeup) throws NativeException {
            this(rxFrames, txFrames, tryNative, needWakeup, 0);
        }

        Rig(int rxFrames, int txFrames, boolean tryNative, boolean needWakeup, int newFlowFrames)
                throws NativeException {
            NetnsLab.assumeNetnsAvailable();
            XdpProgramTest.assumeRootAndBpf();
            String reason = XdpFilter.unavailabilityReason();
            assumeTrue(reason == null, () -> "skipped: this kernel cannot load jlvs's XDP program: " + reason);
            assumeTrue(Files.isExecutable(Path.of(PYTHON)), "skipped: " + PYTHON + " writes the test frames");
            lab = NetnsLab.create();
            NetnsLab lab = this.lab;
            XdpFilter f = null;
            XskSocket s = null;
            try {
                client = lab.namespace("c");
                d = lab.linkName("d");
                c = lab.linkName("c");
                // One queue each way, so every frame lands on RX queue 0.
                lab.run(null, "ip", "link", "add", d, "numtxqueues", "1", "numrxqueues", "1", "type", "veth",
                        "peer", "name", c, "numtxqueues", "1", "numrxqueues", "1");
                lab.adopt(d);
                lab.run(null, "ip", "link", "set", c, "netns", client);
                lab.sysctl(null, "net.ipv6.conf." + d + ".disable_ipv6", "1");
                lab.sysctl(client, "net.ipv6.conf." + c + ".disable_ipv6", "1");
                lab.address(null, d, Ipv4.format(DIRECTOR) + "/24");
                lab.address(client, c, Ipv4.format(CLIENT) + "/24");
                lab.up(null, d);
                lab.up(client, c);
                dMac = AfPacket.hardwareAddress(d);
                cMac = HexFormat.ofDelimiter(":").parseHex(lab.run(client, "cat", "/sys/class/net/" + c + "/address").strip());
                f = XdpFilter.open(d, 1024, 4, tryNative);
                s = XskSocket.open(XskConfig.of(d).withFrames(rxFrames, txFrames).withNeedWakeup(needWakeup)
                        .withNewFlowFrames(newFlowFrames));
                f.register(s);
                f.apply(FLOWS, NAT, Set.of(ARP_VIP));
            } catch (NativeException | RuntimeException e) {
                if (s != null) {
                    s.close();
                }
                if (f != null) {
                    f.close();
                }
                lab.close();
                throw e;
            }
            this.filter = f;
            this.xsk = s;
        }

        XskConfig config() {
            return xsk.config();
        }

        /** Writes each frame {@code count} times from the client namespace. */
        void send(int count, List<byte[]> frames) {
            List<String> command = new ArrayList<>(List.of(PYTHON, "-c", SENDER, c));
            for (byte[] frame : frames) {
                command.add(HexFormat.of().formatHex(frame) + ":" + count);
            }
            lab.run(client, command.toArray(String[]::new));
        }

        long clientRxPackets() {
            return Long.parseLong(lab.run(client, "cat", "/sys/class/net/" + c + "/statistics/rx_packets").strip());
        }

        @Override
        public void close() {
            xsk.close();
            filter.close();
            lab.close();
        }
    }

    /** Collects the tags of the frames a socket received. */
    static final class TagRecorder implements FrameHandler {
        final Set<Integer> tags = new TreeSet<>();
        long frames;

        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            frames++;
            if (lengthBytes < 14) {
                return;
            }
            int type = Short.toUnsignedInt(ring.get(U16_BE, offset + 12));
            if (type == 0x0800 && lengthBytes >= 20) {
                tags.add(Short.toUnsignedInt(ring.get(U16_BE, offset + 18)));
            } else if (type == 0x8100 && lengthBytes >= 24) {
                tags.add(Short.toUnsignedInt(ring.get(U16_BE, offset + 22)));
            } else if (type == 0x0806 && lengthBytes >= 42) {
                tags.add(ARP_TAG_BASE + Byte.toUnsignedInt(ring.get(ValueLayout.JAVA_BYTE, offset + 41)));
            }
        }
    }

    /** Drains until the sentinel arrived or the deadline passed. */
    static TagRecorder receiveUntilSentinel(XskSocket xsk) {
        TagRecorder recorder = new TagRecorder();
        long deadline = System.nanoTime() + DEADLINE_NS;
        while (!recorder.tags.contains(SENTINEL) && System.nanoTime() < deadline) {
            if (xsk.drain(recorder, 64) == 0) {
                Thread.onSpinWait();
            }
        }
        return recorder;
    }

    // ---- frame builders ------------------------------------------------------------------

    /** Ethernet + IPv4 (+ options) + the first bytes of a transport header (ports, then padding). */
    static byte[] ipv4(byte[] dst, byte[] src, int protocol, int saddr, int daddr, int sport, int dport, int tag,
                       int optionWords, int fragmentField) {
        int ihl = 5 + optionWords;
        int l4 = 20;
        ByteBuffer b = ByteBuffer.allocate(14 + ihl * 4 + l4);
        b.put(dst).put(src).putShort((short) 0x0800);                 // Ethernet: dst, src, IPv4
        b.put((byte) (0x40 | ihl));                                    // version 4, IHL
        b.put((byte) 0);                                               // DSCP/ECN
        b.putShort((short) (ihl * 4 + l4));                            // total length
        b.putShort((short) tag);                                       // identification = the tag
        b.putShort((short) fragmentField);                             // flags, fragment offset
        b.put((byte) 64).put((byte) protocol);                         // TTL, protocol
        b.putShort((short) 0);                                         // checksum (not checked by XDP)
        b.putInt(saddr).putInt(daddr);                                 // addresses
        for (int i = 0; i < optionWords; i++) {
            b.putInt(0x01010101);                                      // NOP options
        }
        if (protocol == 1) {
            b.put((byte) sport).put((byte) dport);                     // ICMP type, code
        } else {
            b.putShort((short) sport).putShort((short) dport);         // ports
        }
        return b.array();
    }

    static byte[] ipv4(Rig rig, int protocol, int saddr, int daddr, int sport, int dport, int tag) {
        return ipv4(rig.dMac, rig.cMac, protocol, saddr, daddr, sport, dport, tag, 0, 0);
    }

    /** A TCP segment with {@code flags} (FIN 0x01, SYN 0x02, RST 0x04, ACK 0x10) in its header. */
    static byte[] tcp(Rig rig, int saddr, int daddr, int sport, int dport, int tag, int flags) {
        byte[] frame = ipv4(rig, 6, saddr, daddr, sport, dport, tag);
        frame[14 + 20 + 13] = (byte) flags;
        return frame;
    }

    /** Records the tags of the frames a socket received, in the order received. */
    static final class TagSequence implements FrameHandler {
        final List<Integer> tags = new ArrayList<>();

        @Override
        public void onFrame(MemorySegment ring, long offset, int lengthBytes, int wireLengthBytes, int status) {
            tags.add(Short.toUnsignedInt(ring.get(U16_BE, offset + 18)));
        }
    }

    /** Waits (bounded) until {@code frames} frames wait in the socket's rings. */
    static void awaitReady(XskSocket xsk, int frames) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE_NS;
        while (xsk.readyFrames() < frames && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    static byte[] arpRequest(Rig rig, int target) {
        ByteBuffer b = ByteBuffer.allocate(42);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(rig.cMac).putShort((short) 0x0806); // broadcast, ARP
        b.putShort((short) 1).putShort((short) 0x0800);               // Ethernet, IPv4
        b.put((byte) 6).put((byte) 4).putShort((short) 1);            // lengths, request
        b.put(rig.cMac).putInt(CLIENT);                                // sender
        b.put(new byte[6]).putInt(target);                             // target
        return b.array();
    }

    static byte[] vlanTagged(byte[] frame) {
        ByteBuffer b = ByteBuffer.allocate(frame.length + 4);
        b.put(frame, 0, 12).putShort((short) 0x8100).putShort((short) 5); // 802.1Q, VLAN 5
        b.put(frame, 12, frame.length - 12);
        return b.array();
    }

    static List<Case> cases(Rig r) {
        int tcp = 6;
        int udp = 17;
        int icmp = 1;
        byte[] truncated = ipv4(r, udp, CLIENT, VIP, 40000, 53, 17);
        byte[] shortFrame = new byte[14 + 20 + 2];
        System.arraycopy(truncated, 0, shortFrame, 0, shortFrame.length);
        return List.of(
                new Case("UDP to a service port", 1, ipv4(r, udp, CLIENT, VIP, 40000, 53, 1), true),
                new Case("UDP to another port of the VIP", 2, ipv4(r, udp, CLIENT, VIP, 40000, 54, 2), false),
                new Case("TCP to a service port", 3, ipv4(r, tcp, CLIENT, VIP, 40000, 80, 3), true),
                new Case("TCP to an all-ports service", 4, ipv4(r, tcp, CLIENT, VIP_ALL_PORTS, 40000, 9999, 4), true),
                new Case("UDP to the all-ports TCP VIP", 5, ipv4(r, udp, CLIENT, VIP_ALL_PORTS, 40000, 9999, 5), false),
                new Case("TCP reply from a NAT server port", 6, ipv4(r, tcp, RIP, CLIENT, 8080, 40000, 6), true),
                new Case("TCP from another port of the NAT server", 7, ipv4(r, tcp, RIP, CLIENT, 22, 40000, 7), false),
                new Case("TCP from a NAT server port to the director (health check)", 24,
                        ipv4(r, tcp, RIP, DIRECTOR, 8080, 40000, 24), false),
                new Case("ICMP unreachable from a NAT server to the director", 25,
                        ipv4(r, icmp, RIP, DIRECTOR, 3, 3, 25), false),
                new Case("ICMP destination unreachable to a VIP", 8, ipv4(r, icmp, CLIENT, VIP, 3, 4, 8), true),
                new Case("ICMP time exceeded from a NAT server", 9, ipv4(r, icmp, RIP, CLIENT, 11, 0, 9), true),
                new Case("ICMP source quench from a NAT server", 20, ipv4(r, icmp, RIP, CLIENT, 4, 0, 20), true),
                new Case("ICMP unreachable to the director", 10, ipv4(r, icmp, CLIENT, DIRECTOR, 3, 3, 10), false),
                new Case("ICMP echo request to a VIP", 21, ipv4(r, icmp, CLIENT, VIP, 8, 0, 21), false),
                new Case("ICMP echo reply from a NAT server", 22, ipv4(r, icmp, RIP, CLIENT, 0, 0, 22), false),
                new Case("ICMP redirect to a VIP", 23, ipv4(r, icmp, CLIENT, VIP, 5, 1, 23), false),
                new Case("UDP to a service with IPv4 options", 11,
                        ipv4(r.dMac, r.cMac, udp, CLIENT, VIP, 40000, 53, 11, 2, 0), true),
                new Case("UDP to a service, first fragment (MF)", 12,
                        ipv4(r.dMac, r.cMac, udp, CLIENT, VIP, 40000, 53, 12, 0, 0x2000), false),
                new Case("UDP to a service, later fragment", 13,
                        ipv4(r.dMac, r.cMac, udp, CLIENT, VIP, 40000, 53, 13, 0, 0x0010), false),
                new Case("UDP to a service in a VLAN", 14, vlanTagged(ipv4(r, udp, CLIENT, VIP, 40000, 53, 14)), false),
                new Case("TCP to a fwmark prefix and port", 15,
                        ipv4(r, tcp, CLIENT, FWMARK_NET + 77, 40000, 443, 15), true),
                new Case("TCP to a fwmark prefix, other port", 16,
                        ipv4(r, tcp, CLIENT, FWMARK_NET + 77, 40000, 444, 16), false),
                new Case("UDP to a service, ports cut off", 17, shortFrame, false),
                new Case("ARP request for an ARP VIP", ARP_TAG_BASE + (ARP_VIP & 0xff), arpRequest(r, ARP_VIP), true),
                new Case("ARP request for the director", ARP_TAG_BASE + (DIRECTOR & 0xff), arpRequest(r, DIRECTOR), false),
                new Case("sentinel", SENTINEL, ipv4(r, udp, CLIENT, VIP, 40000, 53, SENTINEL), true));
    }

    // ---- tests -------------------------------------------------------------------------------

    @ParameterizedTest(name = "native mode tried first: {0}")
    @ValueSource(booleans = {true, false})
    void redirectsExactlyJlvsTrafficAndPassesTheRest(boolean tryNative) throws Exception {
        try (Rig rig = new Rig(256, 256, tryNative)) {
            assertEquals(tryNative ? Bpf.XdpMode.NATIVE : Bpf.XdpMode.GENERIC, rig.filter.mode(), "veth has native XDP");
            List<Case> cases = cases(rig);
            rig.send(1, cases.stream().map(Case::frame).toList());
            TagRecorder got = receiveUntilSentinel(rig.xsk);
            Set<Integer> expected = new TreeSet<>();
            StringBuilder wrong = new StringBuilder();
            for (Case c : cases) {
                if (c.redirected()) {
                    expected.add(c.tag());
                }
                if (c.redirected() != got.tags.contains(c.tag())) {
                    wrong.append("\n  ").append(c.description()).append(": expected ")
                            .append(c.redirected() ? "redirect" : "pass");
                }
            }
            assertTrue(wrong.isEmpty(), "mode " + rig.filter.mode() + wrong);
            assertEquals(expected, got.tags);
            assertEquals(expected.size(), got.frames, "one frame per redirected case");
            // The kernel still gets what is not jlvs's: ARP for its address and ping both work.
            NetnsLab.Result ping = rig.lab.exec(rig.client, "ping", "-c", "3", "-i", "0.2", "-W", "2",
                    Ipv4.format(DIRECTOR));
            assertEquals(0, ping.exitCode(), "ping through the attached program: " + ping.output());
            rig.xsk.refreshCounters();
            assertEquals(0, rig.xsk.counters().totalDrops());
            assertEquals(48, rig.xsk.statisticsBytes());
            System.out.println("XDP mode " + rig.filter.mode() + ", need_wakeup " + rig.xsk.usesNeedWakeup()
                    + ": " + got.frames + " of " + cases.size() + " frames redirected as expected");
        }
    }

    @ParameterizedTest(name = "XDP_USE_NEED_WAKEUP asked: {0}")
    @ValueSource(booleans = {true, false})
    void framesSentThroughTheSinkReachThePeer(boolean needWakeup) throws Exception {
        try (Rig rig = new Rig(256, 256, true, needWakeup)) {
            assertEquals(needWakeup, rig.xsk.usesNeedWakeup());
            int frames = 5000;
            XskSink sink = rig.xsk.sink();
            long before = rig.clientRxPackets();
            long deadline = System.nanoTime() + DEADLINE_NS;
            int sent = 0;
            while ((sent < frames || sink.inFlight() > 0) && System.nanoTime() < deadline) {
                while (sent < frames) {
                    long at = sink.claim();
                    if (at < 0) {
                        break;
                    }
                    MemorySegment b = sink.buffer();
                    MemorySegment.copy(MemorySegment.ofArray(rig.cMac), 0, b, at, 6);
                    MemorySegment.copy(MemorySegment.ofArray(rig.dMac), 0, b, at + 6, 6);
                    b.set(U16_BE, at + 12, (short) 0x88b5);              // local experimental EtherType
                    b.set(ValueLayout.JAVA_INT_UNALIGNED, at + 14, sent);
                    b.asSlice(at + 18, 42).fill((byte) 0);
                    assertTrue(sink.commit(60));
                    sent++;
                }
                sink.flush();
            }
            assertEquals(frames, sent);
            assertEquals(0, sink.inFlight(), "every frame completed");
            assertEquals(frames, sink.framesCompleted());
            assertEquals(frames, rig.xsk.counters().sent());
            long arrived = rig.clientRxPackets() - before;
            System.out.println("TX (need_wakeup " + needWakeup + "): " + frames + " frames committed, " + sink.framesCompleted() + " completed, "
                    + arrived + " counted by the peer, " + sink.kicks() + " kicks, " + sink.ringFullCount()
                    + " full claims, " + sink.sendErrors() + " kick errors");
            assertTrue(arrived >= frames && arrived <= frames + 5, "peer counted " + arrived);
            rig.xsk.refreshCounters();
            assertEquals(0, rig.xsk.counters().drops(IoDropReason.XDP_TX_INVALID));
        }
    }

    @Test
    void tcpSynsToAServiceGoToTheNewFlowRingWhichIsReadAfterTheOtherFrames() throws Exception {
        int syn = 0x02;
        int synAck = 0x12;
        int ack = 0x10;
        int synFin = 0x03;
        int synWithEcn = 0xc2;
        try (Rig rig = new Rig(256, 256, true, true, 64)) {
            List<byte[]> frames = List.of(
                    tcp(rig, CLIENT, VIP, 40001, 80, 1, syn),                   // new flow
                    tcp(rig, CLIENT, VIP, 40002, 80, 2, ack),                   // established
                    tcp(rig, CLIENT, VIP_ALL_PORTS, 40003, 9999, 3, synWithEcn), // new flow (ECN flags aside)
                    tcp(rig, CLIENT, VIP, 40004, 80, 4, synAck),                // not a new flow's SYN
                    tcp(rig, RIP, CLIENT, 8080, 40005, 5, synAck),              // a NAT server's SYN-ACK
                    tcp(rig, RIP, CLIENT, 8080, 40006, 6, syn),                 // from a NAT server: not a service
                    tcp(rig, CLIENT, VIP, 40007, 80, 7, synFin),                // malformed: not a new flow
                    tcp(rig, CLIENT, VIP, 40008, 81, 8, syn),                   // not a service: passed
                    ipv4(rig, 17, CLIENT, VIP, 40009, 53, 9),                   // UDP: the first ring
                    tcp(rig, CLIENT, FWMARK_NET + 5, 40010, 443, 10, syn));     // new flow of a fwmark prefix
            rig.send(1, frames);
            awaitReady(rig.xsk, 9);
            TagSequence got = new TagSequence();
            int n = rig.xsk.drain(got, 64);
            assertEquals(9, n, "frames read: " + got.tags);
            assertEquals(List.of(2, 4, 5, 6, 7, 9, 1, 3, 10), got.tags,
                    "the first ring's frames in order, then the new flows' in order");
            assertEquals(3, rig.xsk.newFlowFramesReceived());
            rig.xsk.refreshCounters();
            assertEquals(0, rig.xsk.counters().totalDrops());
        }
    }

    @Test
    void aSynFloodFillsOnlyTheNewFlowRingAndIsCountedWhileEveryOtherFrameArrives() throws Exception {
        try (Rig rig = new Rig(256, 64, true, true, 64)) {
            int synFlood = 1000;
            int established = 200;
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < synFlood + established; i++) {
                frames.add(i % 6 == 5 && i / 6 < established
                        ? tcp(rig, CLIENT, VIP, 41000 + i, 80, 2, 0x10)
                        : tcp(rig, CLIENT, VIP, 41000 + i, 80, 1, 0x02));
            }
            rig.send(1, frames);                                  // nobody drains while it arrives
            awaitReady(rig.xsk, established + 64);
            TagRecorder got = new TagRecorder();
            int read = 0;
            for (int n; (n = rig.xsk.drain(got, 64)) > 0; ) {
                read += n;
            }
            rig.xsk.refreshCounters();
            var counters = rig.xsk.counters();
            long newFlowFull = counters.drops(IoDropReason.NEW_FLOW_RING_FULL);
            System.out.println("SYN flood of " + synFlood + " with " + established + " established frames, new-flow ring 64:"
                    + " read " + read + " (" + rig.xsk.newFlowFramesReceived() + " SYNs), new_flow_ring_full "
                    + newFlowFull + ", other drops " + (counters.totalDrops() - newFlowFull));
            assertEquals(established + 64, read, "every established frame and a ring of SYNs");
            assertEquals(64, rig.xsk.newFlowFramesReceived());
            assertEquals(synFlood - 64, newFlowFull, "the SYNs that found their ring full, counted");
            assertEquals(newFlowFull, counters.totalDrops(), "nothing else lost");
        }
    }

    @Test
    void aBurstIntoATinyFillRingIsCountedAsDrops() throws Exception {
        try (Rig rig = new Rig(8, 8)) {
            int burst = 2000;
            byte[] frame = ipv4(rig, 17, CLIENT, VIP, 40000, 53, 1);
            byte[] sentinel = ipv4(rig, 17, CLIENT, VIP, 40000, 53, SENTINEL);
            rig.send(burst, List.of(frame));                    // nobody drains while it arrives
            TagRecorder got = new TagRecorder();
            rig.xsk.drain(got, 64);
            rig.send(1, List.of(sentinel));
            long deadline = System.nanoTime() + DEADLINE_NS;
            while (!got.tags.contains(SENTINEL) && System.nanoTime() < deadline) {
                rig.xsk.drain(got, 64);
            }
            assertTrue(got.tags.contains(SENTINEL), "the socket works again after the burst");
            rig.xsk.refreshCounters();
            var counters = rig.xsk.counters();
            long fillEmpty = counters.drops(IoDropReason.XDP_FILL_RING_EMPTY);
            long ringFull = counters.drops(IoDropReason.XDP_RX_RING_FULL);
            long dropped = counters.drops(IoDropReason.XDP_RX_DROPPED);
            System.out.println("burst of " + burst + " into 8 chunks: received " + counters.received()
                    + " (sentinel included), rx_dropped " + dropped + ", rx_ring_full " + ringFull
                    + ", fill_ring_empty " + fillEmpty);
            assertTrue(counters.received() <= 8 + 1, "received " + counters.received());
            assertTrue(fillEmpty + ringFull > 0, "drops are counted");
            assertEquals(burst + 1, counters.received() + counters.totalDrops(), "every frame received or counted once");
        }
    }

    @Test
    void applyRemovingAServiceStopsItsRedirection() throws Exception {
        try (Rig rig = new Rig(64, 64)) {
            assertEquals(7, rig.filter.serviceEntries());            // 4 flows + ICMP to 3 distinct VIPs/prefixes
            assertEquals(2, rig.filter.natEntries());
            assertEquals(1, rig.filter.arpEntries());
            assertTrue(rig.filter.localEntries() >= 2, "127.0.0.1 and the director's address");
            List<OwnedFlow> fewer = List.of(OwnedFlow.service(Protocol.TCP, VIP, 80));
            rig.filter.apply(fewer, List.of(), Set.of());
            assertEquals(2, rig.filter.serviceEntries());
            assertEquals(0, rig.filter.natEntries());
            assertEquals(0, rig.filter.arpEntries());
            rig.send(1, List.of(
                    ipv4(rig, 17, CLIENT, VIP, 40000, 53, 1),                // UDP VIP:53 is gone
                    ipv4(rig, 6, RIP, CLIENT, 8080, 40000, 2),               // no NAT server any more
                    arpRequest(rig, ARP_VIP),                                // no ARP VIP any more
                    ipv4(rig, 6, CLIENT, VIP, 40000, 80, SENTINEL)));        // TCP VIP:80 stays
            TagRecorder got = receiveUntilSentinel(rig.xsk);
            assertEquals(Set.of(SENTINEL), got.tags);
            // Back again, with no re-attach.
            rig.filter.apply(FLOWS, NAT, Set.of(ARP_VIP));
            rig.send(1, List.of(ipv4(rig, 17, CLIENT, VIP, 40000, 53, 1), ipv4(rig, 6, CLIENT, VIP, 40000, 80, SENTINEL)));
            assertEquals(Set.of(1, SENTINEL), receiveUntilSentinel(rig.xsk).tags);
        }
    }

    @Test
    void aHandlerThatThrowsConsumesOnlyTheFramesItSaw() throws Exception {
        try (Rig rig = new Rig(64, 8)) {
            rig.send(1, List.of(ipv4(rig, 17, CLIENT, VIP, 40000, 53, 1), ipv4(rig, 17, CLIENT, VIP, 40000, 53, 2),
                    ipv4(rig, 17, CLIENT, VIP, 40000, 53, SENTINEL)));
            long deadline = System.nanoTime() + DEADLINE_NS;
            while (System.nanoTime() < deadline && rig.xsk.readyFrames() < 3) {
                Thread.onSpinWait();
            }
            assertEquals(3, rig.xsk.readyFrames(), "all three wait in the RX ring");
            TagRecorder seen = new TagRecorder();
            FrameHandler throwsOnTag2 = (ring, offset, length, wire, status) -> {
                seen.onFrame(ring, offset, length, wire, status);
                if (ring.get(U16_BE, offset + 18) == 2) {
                    throw new IllegalStateException("handler failure on tag 2");
                }
            };
            try {
                rig.xsk.drain(throwsOnTag2, 64);
            } catch (IllegalStateException expected) {
                // The worker's loop catches and counts this; the ring must still move on.
            }
            assertEquals(Set.of(1, 2), seen.tags);
            TagRecorder rest = receiveUntilSentinel(rig.xsk);
            assertEquals(Set.of(SENTINEL), rest.tags, "frames 1 and 2 are not handed over twice");
            assertEquals(3, rig.xsk.counters().received());
        }
    }

    @Test
    void closeDetachesTheProgram() throws Exception {
        try (Rig rig = new Rig(8, 8)) {
            String attached = rig.lab.run(null, "ip", "-d", "link", "show", "dev", rig.d);
            assertTrue(attached.contains("prog/xdp"), attached);
            rig.filter.close();
            String detached = rig.lab.run(null, "ip", "-d", "link", "show", "dev", rig.d);
            assertFalse(detached.contains("prog/xdp"), detached);
        }
    }
}
