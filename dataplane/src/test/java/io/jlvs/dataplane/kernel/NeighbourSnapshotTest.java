package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.testkit.Allocations;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@code /proc/net/arp} parsing and the worker-side lookup. */
class NeighbourSnapshotTest {
    /** As the kernel prints it: complete (0x2), permanent (0x6), incomplete/failed (0x0) entries. */
    private static final String PROC_NET_ARP = """
            IP address       HW type     Flags       HW address            Mask     Device
            10.77.0.2        0x1         0x2         6a:bc:1d:71:b2:a5     *        eth1
            10.77.0.9        0x1         0x0         00:00:00:00:00:00     *        eth1
            10.77.0.3        0x1         0x6         02:00:00:00:00:03     *        eth1
            192.0.2.1        0x1         0x2         02:fc:00:00:00:05     *        eth0
            10.77.0.4        0x1         0x2         02:00:00:00:00:04     *
            not-an-address   0x1         0x2         02:00:00:00:00:05     *        eth1
            10.77.0.6        0x1         0x2         02:00:00:00:00:zz     *        eth1
            """;

    @Test
    void keepsCompleteEntriesAndSkipsIncompleteOnes() {
        NeighbourSnapshot snapshot = NeighbourSnapshot.parseProcNetArp(PROC_NET_ARP, null);
        assertEquals(0x6abc_1d71_b2a5L, snapshot.mac(Ipv4.parse("10.77.0.2")));
        assertEquals(0x0200_0000_0003L, snapshot.mac(Ipv4.parse("10.77.0.3")));
        assertEquals(0x02fc_0000_0005L, snapshot.mac(Ipv4.parse("192.0.2.1")));
        assertEquals(NeighbourSnapshot.NO_MAC, snapshot.mac(Ipv4.parse("10.77.0.9")));
        assertEquals(NeighbourSnapshot.NO_MAC, snapshot.mac(Ipv4.parse("10.77.0.4")));
        assertEquals(NeighbourSnapshot.NO_MAC, snapshot.mac(Ipv4.parse("10.77.0.6")));
        assertEquals(3, snapshot.size());
    }

    @Test
    void keepsOnlyTheGivenDevices() {
        NeighbourSnapshot snapshot = NeighbourSnapshot.parseProcNetArp(PROC_NET_ARP, Set.of("eth1"));
        assertEquals(2, snapshot.size());
        assertEquals(NeighbourSnapshot.NO_MAC, snapshot.mac(Ipv4.parse("192.0.2.1")));
    }

    @Test
    void addressesWithHighBitSetAreFound() {
        NeighbourSnapshot snapshot = NeighbourSnapshot.parseProcNetArp(
                "IP address HW type Flags HW address Mask Device\n"
                + "192.168.1.1 0x1 0x2 02:00:00:00:00:07 * eth0\n", null);
        assertEquals(0x0200_0000_0007L, snapshot.mac(Ipv4.parse("192.168.1.1")));
    }

    @Test
    void lookupAllocatesNothing() {
        NeighbourSnapshot snapshot = NeighbourSnapshot.parseProcNetArp(PROC_NET_ARP, null);
        int hit = Ipv4.parse("10.77.0.2");
        int miss = Ipv4.parse("10.77.0.9");
        long[] sink = new long[1];
        Runnable work = () -> {
            for (int i = 0; i < 10_000; i++) {
                sink[0] += snapshot.mac(hit) + snapshot.mac(miss + i);
            }
        };
        for (int i = 0; i < 20; i++) {
            Allocations.measure(work);
        }
        assertEquals(0, Allocations.leastOf(3, work));
    }

    @Test
    void reportingMissingAddressesAllocatesNothing() {
        NeighbourTable table = new NeighbourTable(new Routes(CommandRunner.root()), null);
        Runnable work = () -> {
            for (int i = 1; i <= 10_000; i++) {
                table.reportMissing(i);
            }
        };
        for (int i = 0; i < 20; i++) {
            Allocations.measure(work);
        }
        assertEquals(0, Allocations.leastOf(3, work));
    }
}
