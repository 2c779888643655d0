package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.testkit.Allocations;
import io.jlvs.dataplane.pipeline.NextHops;
import io.jlvs.dataplane.pipeline.StaticNextHops;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Next hops from route and neighbour tables given as the kernel prints them ({@code ip route},
 * {@code /proc/net/arp}), with command-line overrides on top.
 */
class KernelNextHopsTest {
    private static final List<String> INTERFACES = List.of("eth1", "eth0");
    /** The NAT director of the lab: client side eth1, real servers on eth0, and a default route. */
    private static final String ROUTES = """
            default via 192.168.10.1 dev eth1
            192.168.10.0/24 dev eth1 proto kernel scope link src 192.168.10.100
            192.168.188.0/24 dev eth0 proto kernel scope link src 192.168.188.81
            192.168.200.0/24 via 192.168.188.200 dev eth0
            10.9.0.0/16 dev docker0 proto kernel scope link src 10.9.0.1
            blackhole 10.66.0.0/16
            """;
    private static final String ARP = """
            IP address       HW type     Flags       HW address            Mask     Device
            192.168.10.1     0x1         0x2         02:00:00:00:0a:01     *        eth1
            192.168.10.200   0x1         0x2         02:00:00:00:0a:c8     *        eth1
            192.168.188.82   0x1         0x2         02:00:00:00:bc:52     *        eth0
            192.168.188.200  0x1         0x2         02:00:00:00:bc:c8     *        eth0
            192.168.188.83   0x1         0x0         00:00:00:00:00:00     *        eth0
            """;

    private final List<Integer> reported = new ArrayList<>();
    private final NeighbourSnapshot neighbours = NeighbourSnapshot.parseProcNetArp(ARP, Set.copyOf(INTERFACES));

    private KernelNextHops hops(StaticNextHops overrides, long gatewayMac) {
        KernelNextHops hops = new KernelNextHops(() -> neighbours, reported::add, overrides, gatewayMac, 1);
        hops.update(RouteTable.parse(ROUTES, INTERFACES), Map.of(), INTERFACES);
        return hops;
    }

    private static int ip(String text) {
        return Ipv4.parse(text);
    }

    @Test
    void routeTableKeepsUnicastRoutesOfTheDataPlaneInterfacesLongestFirst() {
        RouteTable table = RouteTable.parse(ROUTES, INTERFACES);
        assertEquals(4, table.size(), "docker0 and the blackhole route are left out");
        int i = table.match(ip("192.168.200.7"));
        assertEquals(ip("192.168.188.200"), table.gateway(i));
        assertEquals(1, table.port(i));
        int d = table.match(ip("8.8.8.8"));
        assertEquals(ip("192.168.10.1"), table.gateway(d), "default route");
        assertEquals(0, table.port(d));
        assertEquals(-1, RouteTable.parse("192.168.10.0/24 dev eth1\n", INTERFACES).match(ip("8.8.8.8")));
    }

    @Test
    void onLinkAddressGetsItsOwnMacAndInterface() {
        KernelNextHops hops = hops(new StaticNextHops(), NextHops.UNKNOWN);
        assertEquals(0x0200_0000_0AC8L, hops.macOf(ip("192.168.10.200")));
        assertEquals(0, hops.portOf(ip("192.168.10.200")));
        assertEquals(0x0200_0000_BC52L, hops.macOf(ip("192.168.188.82")));
        assertEquals(1, hops.portOf(ip("192.168.188.82")));
    }

    @Test
    void routedAddressGetsItsGatewaysMac() {
        KernelNextHops hops = hops(new StaticNextHops(), NextHops.UNKNOWN);
        assertEquals(0x0200_0000_BCC8L, hops.macOf(ip("192.168.200.81")), "via 192.168.188.200");
        assertEquals(1, hops.portOf(ip("192.168.200.81")));
        assertEquals(0x0200_0000_0A01L, hops.macOf(ip("203.0.113.9")), "default route via 192.168.10.1");
        assertEquals(0, hops.portOf(ip("203.0.113.9")));
    }

    @Test
    void pinnedRouteOfARealServerWinsOverTheTable() {
        KernelNextHops hops = hops(new StaticNextHops(), NextHops.UNKNOWN);
        Route viaRouter = Route.parse("192.168.188.82 via 192.168.188.200 dev eth0 src 192.168.188.81 uid 0");
        Route local = Route.parse("local 192.168.10.100 dev lo src 192.168.10.100 uid 0");
        List<String> skipped = hops.update(RouteTable.parse(ROUTES, INTERFACES),
                Map.of(ip("192.168.188.82"), viaRouter, ip("192.168.10.100"), local), INTERFACES);
        assertEquals(0x0200_0000_BCC8L, hops.macOf(ip("192.168.188.82")));
        assertEquals(1, skipped.size(), skipped::toString);
        assertTrue(skipped.get(0).contains("is local"), skipped::toString);
    }

    @Test
    void missingNeighbourIsReportedByItsNextHopAndFallsBackToTheGatewayFlag() {
        KernelNextHops hops = hops(new StaticNextHops(), NextHops.UNKNOWN);
        assertEquals(NextHops.UNKNOWN, hops.macOf(ip("192.168.188.83")), "incomplete entry");
        hops.missing(ip("192.168.188.83"));
        assertEquals(List.of(ip("192.168.188.83")), reported);

        KernelNextHops withGateway = hops(new StaticNextHops(), 0x0200_0000_FFFFL);
        assertEquals(0x0200_0000_FFFFL, withGateway.macOf(ip("192.168.188.83")));
        assertEquals(1, withGateway.portOf(ip("192.168.188.83")), "the --gateway interface");
    }

    @Test
    void neighbourFlagOverridesTheKernel() {
        StaticNextHops overrides = new StaticNextHops().neighbour(ip("192.168.188.82"), 0x0200_0000_1234L, 0)
                .neighbour(ip("192.168.188.200"), 0x0200_0000_5678L, 1);
        KernelNextHops hops = hops(overrides, NextHops.UNKNOWN);
        assertEquals(0x0200_0000_1234L, hops.macOf(ip("192.168.188.82")));
        assertEquals(0, hops.portOf(ip("192.168.188.82")));
        assertEquals(0x0200_0000_5678L, hops.macOf(ip("192.168.200.81")), "override of the gateway");
    }

    @Test
    void lookupsAllocateNothing() {
        KernelNextHops hops = hops(new StaticNextHops(), NextHops.UNKNOWN);
        int[] addresses = {ip("192.168.10.200"), ip("192.168.188.82"), ip("192.168.200.81"), ip("203.0.113.9")};
        long[] sum = new long[1];
        Runnable lookups = () -> {
            for (int i = 0; i < 10_000; i++) {
                int a = addresses[i & 3];
                sum[0] += hops.macOf(a) + hops.portOf(a);
            }
        };
        for (int w = 0; w < 5; w++) {
            lookups.run();
        }
        assertEquals(0, Allocations.leastOf(3, lookups), "bytes allocated by 10 000 lookups");
    }
}
