package io.jlvs.dataplane.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jlvs.config.model.RealServerSpec;
import io.jlvs.config.model.ServiceKey;
import io.jlvs.config.model.ServiceSpec;
import io.jlvs.core.conn.ConnSysctls;
import io.jlvs.core.conn.ConnTable;
import io.jlvs.core.conn.ConnTracker;
import io.jlvs.core.conn.Timeouts;
import io.jlvs.core.net.Ipv4;
import io.jlvs.core.packet.PacketBuilder;
import io.jlvs.core.packet.TcpFlyweight;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.service.Protocol;
import io.jlvs.core.testkit.Privileged;
import io.jlvs.dataplane.io.RxRing;
import io.jlvs.dataplane.io.RxRingConfig;
import io.jlvs.dataplane.io.TxRing;
import io.jlvs.dataplane.io.TxRingConfig;
import io.jlvs.dataplane.netns.NetnsLab;
import io.jlvs.dataplane.pipeline.ArpHandler;
import io.jlvs.dataplane.pipeline.PipelineVerdict;
import io.jlvs.dataplane.pipeline.Port;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.sys.AfPacket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two workers on one end of a veth pair in the root namespace: DR SYNs and ACKs sent into the
 * other end come back out rewritten to the real servers' MACs, each connection staying on
 * its server; idle workers sleep; the data plane stops cleanly. Every frame is addressed to
 * made-up unicast MACs, so the kernel on either end drops it after the packet taps (nothing is
 * routed). Needs root.
 */
@Privileged
class DataPlaneTest {
    private static final long CLIENT_MAC = 0x02_00_00_00_00_01L;
    private static final long DIRECTOR_MAC = 0x02_00_00_00_00_DDL;
    private static final long RS1_MAC = 0x02_00_00_00_00_81L;
    private static final long RS2_MAC = 0x02_00_00_00_00_82L;
    private static final int VIP = Ipv4.parse("192.0.2.100");
    private static final int RS1 = Ipv4.parse("192.0.2.81");
    private static final int RS2 = Ipv4.parse("192.0.2.82");
    private static final int CONNECTIONS = 8;

    private static byte[] frame(int clientPort, int flags) {
        return new PacketBuilder().sourceMac(CLIENT_MAC).destinationMac(DIRECTOR_MAC).source("198.51.100.7")
                .destination(VIP).tcp(clientPort, 80).tcpFlags(flags).build();
    }

    @Test
    void workersForwardOverRealRingsKeepConnectionsOnTheirServerAndStopCleanly() throws Exception {
        NetnsLab.assumeNetnsAvailable();
        assumeTrue(AfPacket.isAvailable(), () -> "skipped: AF_PACKET sockets unavailable: "
                + AfPacket.unavailabilityCause());
        try (NetnsLab lab = NetnsLab.create()) {
            NetnsLab.VethPair pair = lab.veth("d", null, "c", null);
            String a = pair.a();
            String b = pair.b();
            lab.sysctl(null, "net.ipv6.conf." + a + ".disable_ipv6", "1");
            lab.sysctl(null, "net.ipv6.conf." + b + ".disable_ipv6", "1");

            ServiceSpec web = new ServiceSpec(new ServiceKey.Address(Protocol.TCP, VIP, 80), "rr", 0,
                    Optional.empty(), List.of(new RealServerSpec(RS1, 80, 1, ForwardingMethod.ROUTE, 0, 0),
                            new RealServerSpec(RS2, 80, 1, ForwardingMethod.ROUTE, 0, 0)));
            ServiceTable services = ServiceTable.of(List.of(web));
            ConnTable table = new ConnTable(1024);
            ConnTracker tracker = new ConnTracker(table, services.registry(), new Timeouts(), new ConnSysctls());
            StaticNextHops hops = new StaticNextHops().neighbour(RS1, RS1_MAC, 0).neighbour(RS2, RS2_MAC, 0);
            Port port = new Port(a, AfPacket.interfaceIndex(a), DIRECTOR_MAC, AfPacket.mtu(a), 0);

            DataPlane plane = DataPlane.open(List.of(port), 2, tracker, services, hops, ArpHandler.IGNORE);
            try (RxRing capture = RxRing.open(RxRingConfig.of(b).withFrames(128));
                 TxRing inject = TxRing.open(TxRingConfig.of(b))) {
                plane.start();
                Map<Integer, Long> synMac = new HashMap<>();
                List<long[]> seen = new ArrayList<>();
                send(inject, TcpFlyweight.SYN);
                collect(capture, seen, CONNECTIONS);
                for (long[] f : seen) {
                    synMac.put((int) f[1], f[0]);
                }
                assertEquals(CONNECTIONS, synMac.size(), "one SYN out per connection");
                long toRs1 = synMac.values().stream().filter(m -> m == RS1_MAC).count();
                assertEquals(CONNECTIONS / 2, toRs1, "rr shares new connections evenly: " + synMac);
                seen.clear();
                send(inject, TcpFlyweight.ACK);
                collect(capture, seen, CONNECTIONS);
                for (long[] f : seen) {
                    assertEquals(synMac.get((int) f[1]), f[0], "connection from port " + f[1] + " stays on its server");
                }
                assertEquals(2L * CONNECTIONS, plane.counters().verdictCount(PipelineVerdict.FORWARDED));

                ThreadMXBean threads = ManagementFactory.getThreadMXBean();
                List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("jlvs-worker-")).toList();
                assertEquals(2, workers.size());
                long before = workers.stream().mapToLong(t -> threads.getThreadCpuTime(t.threadId())).sum();
                Thread.sleep(1000);
                long after = workers.stream().mapToLong(t -> threads.getThreadCpuTime(t.threadId())).sum();
                assertTrue(after - before < 200_000_000L,
                        "idle workers sleep in poll(): " + (after - before) / 1_000_000 + " ms CPU in 1 s");
                plane.close();
                for (Thread t : workers) {
                    assertFalse(t.isAlive(), t.getName() + " stopped");
                }
            } finally {
                plane.close();
                table.close();
            }
        }
    }

    private static void send(TxRing ring, int flags) {
        for (int i = 0; i < CONNECTIONS; i++) {
            byte[] f = frame(42000 + i, flags);
            assertTrue(ring.offer(MemorySegment.ofArray(f), 0, f.length), "injected");
        }
        ring.flush();
    }

    /** Collects {destination MAC, TCP source port} of IPv4 frames leaving the director, up to {@code count}. */
    private static void collect(RxRing ring, List<long[]> seen, int count) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (seen.size() < count && System.nanoTime() < deadline) {
            ring.receive((segment, offset, length, wire, status) -> {
                long dst = 0;
                for (int i = 0; i < 6; i++) {
                    dst = dst << 8 | (segment.get(ValueLayout.JAVA_BYTE, offset + i) & 0xFF);
                }
                int etherType = (segment.get(ValueLayout.JAVA_BYTE, offset + 12) & 0xFF) << 8
                        | (segment.get(ValueLayout.JAVA_BYTE, offset + 13) & 0xFF);
                if (etherType == 0x0800 && (dst == RS1_MAC || dst == RS2_MAC)) {
                    long sport = (segment.get(ValueLayout.JAVA_BYTE, offset + 34) & 0xFF) << 8
                            | (segment.get(ValueLayout.JAVA_BYTE, offset + 35) & 0xFF);
                    seen.add(new long[] {dst, sport});
                }
            }, 50);
        }
        assertEquals(count, seen.size(), "frames out of the director");
    }
}
