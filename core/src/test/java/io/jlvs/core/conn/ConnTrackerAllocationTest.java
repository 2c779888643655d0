package io.jlvs.core.conn;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.service.Destination;
import io.jlvs.core.service.ForwardingMethod;
import io.jlvs.core.testkit.Allocations;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The per-packet path allocates nothing: create, transitions, replies, persistence, sweep. */
class ConnTrackerAllocationTest {
    private static final int TCP = 6;
    private static final int UDP = 17;
    private static final int VIP = Ipv4.parse("192.168.10.100");

    @Test
    void perPacketPathAllocatesNothing() {
        try (ConnTable table = new ConnTable(1 << 16)) {
            DestinationRegistry registry = new DestinationRegistry(4);
            Destination nat = new Destination(Ipv4.parse("10.0.0.1"), 80, ForwardingMethod.MASQ, 1);
            Destination dr = new Destination(Ipv4.parse("10.0.0.2"), 80, ForwardingMethod.ROUTE, 1);
            registry.register(nat);
            registry.register(dr);
            ConnTracker tracker = new ConnTracker(table, registry, new Timeouts(), new ConnSysctls());
            ConnResult result = new ConnResult();
            TrackedService plain = TrackedService.of(TCP, VIP, 80, new SequenceScheduler(nat));
            TrackedService persistent = new TrackedService(TCP, VIP, 443, 0, new SequenceScheduler(dr), 360,
                    Ipv4.netmask(24));
            TrackedService udp = TrackedService.of(UDP, VIP, 53, new SequenceScheduler(nat));
            long[] clock = {0};
            int[] flow = {0};
            int[] bad = {0};
            Runnable traffic = () -> {
                for (int i = 0; i < 10_000; i++) {
                    int f = flow[0]++;
                    long now = clock[0] += 50;
                    int client = 0x0A000000 | (f & 0xFFFF);
                    int port = 1024 + (f & 0x3FFF);
                    bad[0] += tracker.inPacket(plain, TCP, client, port, VIP, 80, 0x02, now, result)
                            != ConnVerdict.TRACKED ? 1 : 0;
                    tracker.outPacket(TCP, nat.addr(), 80, client, port, 0x12, now, result);
                    tracker.inPacket(plain, TCP, client, port, VIP, 80, 0x10, now, result);
                    tracker.inPacket(plain, TCP, client, port, VIP, 80, 0x18, now, result);
                    tracker.outPacket(TCP, nat.addr(), 80, client, port, 0x11, now, result);
                    tracker.inPacket(plain, TCP, client, port, VIP, 80, 0x11, now, result);
                    bad[0] += tracker.inPacket(persistent, TCP, client, port, VIP, 443, 0x02, now, result)
                            != ConnVerdict.TRACKED ? 1 : 0;
                    tracker.inPacket(persistent, TCP, client, port, VIP, 443, 0x10, now, result);
                    tracker.inPacket(udp, UDP, client, port, VIP, 53, 0, now, result);
                    tracker.outPacket(UDP, nat.addr(), 80, client, port, 0, now, result);
                    tracker.sweep(now, 16);
                }
            };
            // Warm-up long enough that every branch has run (templates and connections
            // expire, client keys come round again): a branch's first run links its call
            // sites or deoptimises once, which allocates a few bytes one time.
            for (int round = 0; round < 12; round++) {
                traffic.run();
            }
            assertEquals(0, Allocations.leastOf(3, traffic), "bytes allocated over 10,000 flows (110,000 packets)");
            assertEquals(0, bad[0], "every new flow was admitted");
        }
    }
}
