package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import org.junit.jupiter.api.Test;

/** {@code ip -4 -o route get} and {@code ip -o link show} lines, as iproute2 6.1 prints them. */
class RouteTest {
    @Test
    void parsesOnLinkRouteWithoutMtu() {
        Route route = Route.parse("10.77.0.2 dev kta src 10.77.0.1 uid 0 \\    cache \n");
        assertEquals(Ipv4.parse("10.77.0.2"), route.destination());
        assertEquals("unicast", route.type());
        assertEquals("kta", route.interfaceName());
        assertTrue(route.isOnLink());
        assertEquals(0, route.gateway());
        assertEquals(Ipv4.parse("10.77.0.1"), route.source());
        assertEquals(0, route.mtuBytes());
        assertEquals(Ipv4.parse("10.77.0.2"), route.nextHop());
    }

    @Test
    void parsesGatewayAndRouteMtu() {
        Route route = Route.parse("10.88.0.5 via 10.77.0.2 dev kta src 10.77.0.1 uid 0 \\    cache mtu 1400 ");
        assertFalse(route.isOnLink());
        assertEquals(Ipv4.parse("10.77.0.2"), route.gateway());
        assertEquals(Ipv4.parse("10.77.0.2"), route.nextHop());
        assertEquals("kta", route.interfaceName());
        assertEquals(1400, route.mtuBytes());
    }

    @Test
    void parsesLockedMtuAndExtraKeys() {
        Route route = Route.parse("192.0.2.9 via 198.51.100.1 dev eth0 table 100 src 198.51.100.7 mark 0x2 uid 0 \\"
                + "    cache expires 599sec mtu lock 1280 ipid 0x1a2b");
        assertEquals(1280, route.mtuBytes());
        assertEquals(Ipv4.parse("198.51.100.1"), route.gateway());
        assertEquals(Ipv4.parse("198.51.100.7"), route.source());
        assertEquals("eth0", route.interfaceName());
    }

    @Test
    void parsesViaWithAddressFamily() {
        Route route = Route.parse("192.0.2.9 via inet 198.51.100.1 dev eth0 src 198.51.100.7 uid 0");
        assertEquals(Ipv4.parse("198.51.100.1"), route.gateway());
    }

    @Test
    void recognisesLocalAndBroadcastRoutes() {
        Route local = Route.parse("local 10.77.0.1 dev lo src 10.77.0.1 uid 0 \\    cache <local> ");
        assertTrue(local.isLocal());
        assertEquals("lo", local.interfaceName());
        Route broadcast = Route.parse("broadcast 10.77.0.255 dev kta src 10.77.0.1 uid 0 \\    cache <local,brd> ");
        assertEquals("broadcast", broadcast.type());
        assertFalse(broadcast.isLocal());
    }

    @Test
    void rejectsLinesWithoutAddressOrDevice() {
        assertThrows(KernelCommandException.class, () -> Route.parse("RTNETLINK answers: Network is unreachable"));
        assertThrows(KernelCommandException.class, () -> Route.parse("10.0.0.1 via 10.0.0.254 src 10.0.0.2"));
        assertThrows(KernelCommandException.class, () -> Route.parse("10.0.0.1 via nowhere dev eth0"));
        assertThrows(KernelCommandException.class, () -> Route.parse("10.0.0.1 dev eth0 cache mtu big"));
    }

    @Test
    void macRoundTripsAndRejectsGarbage() {
        assertEquals("02:00:00:00:00:01", Mac.format(Mac.parse("02:00:00:00:00:01")));
        assertEquals(0xAABB_CCDD_EEFFL, Mac.parse("AA:bb:cc:DD:ee:ff"));
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("02:00:00:00:00"));
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("02:00:00:00:00:zz"));
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("02:00:00:00:00:100"));
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("02:00:00:00:00:-1"), "no sign");
        assertThrows(IllegalArgumentException.class, () -> Mac.parse("02:00:00:00:00:+f"), "no sign");
        assertEquals(0x0A0B_0C0D_0E0FL, Mac.parse("a:b:c:d:e:f"), "one digit is an octet");
        assertTrue(Mac.isMulticast(Mac.BROADCAST));
        assertFalse(Mac.isMulticast(0x0200_0000_0001L));
    }
}
