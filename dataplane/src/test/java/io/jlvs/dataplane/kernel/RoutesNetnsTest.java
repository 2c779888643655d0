package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Route and neighbour lookups against a namespace's real tables. */
class RoutesNetnsTest {
    private static final int CLIENT = Ipv4.parse(TwoHostLab.CLIENT_ADDRESS);
    private static final int DIRECTOR = Ipv4.parse(TwoHostLab.DIRECTOR_ADDRESS);

    @Test
    void routesGiveInterfaceGatewaySourceAndMtu() {
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.run(lab.director, "ip", "link", "set", "dev", lab.directorLink, "mtu", "1450");
            lab.lab.route(lab.director, "10.213.9.0/24", "via", TwoHostLab.CLIENT_ADDRESS, "mtu", "1400");
            Routes routes = new Routes(lab.directorRunner);

            Route viaGateway = routes.lookup(Ipv4.parse("10.213.9.5"));
            assertEquals(lab.directorLink, viaGateway.interfaceName());
            assertEquals(CLIENT, viaGateway.gateway());
            assertEquals(CLIENT, viaGateway.nextHop());
            assertEquals(DIRECTOR, viaGateway.source());
            assertEquals(1400, viaGateway.mtuBytes());

            Route onLink = routes.lookup(CLIENT);
            assertTrue(onLink.isOnLink());
            assertEquals(lab.directorLink, onLink.interfaceName());
            assertEquals(1450, onLink.mtuBytes(), "without a route MTU the interface's applies");

            assertTrue(routes.lookup(DIRECTOR).isLocal());
            KernelCommandException e = assertThrows(KernelCommandException.class,
                    () -> routes.lookup(Ipv4.parse("192.0.2.1")));
            assertTrue(e.getMessage().contains("no route to 192.0.2.1"), e.getMessage());
            assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
        }
    }

    @Test
    void missingNeighbourIsResolvedByTheKernel() throws InterruptedException {
        try (TwoHostLab lab = TwoHostLab.create();
                NeighbourTable table = new NeighbourTable(lab.directorRunner, new Routes(lab.directorRunner),
                        Set.of(lab.directorLink))) {
            long clientMac = LinkInfo.query(lab.clientRunner, lab.clientLink).mac();
            table.refresh();
            assertEquals(NeighbourSnapshot.NO_MAC, table.snapshot().mac(CLIENT), "no traffic yet, no entry");

            table.reportMissing(CLIENT);
            table.refresh();
            long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (table.snapshot().mac(CLIENT) == NeighbourSnapshot.NO_MAC && System.nanoTime() < deadline) {
                Thread.sleep(50);
                table.refresh();
            }
            assertEquals(clientMac, table.snapshot().mac(CLIENT));
        }
    }

    @Test
    void gatewayIsResolvedForAnOffLinkAddress() throws InterruptedException {
        try (TwoHostLab lab = TwoHostLab.create()) {
            lab.lab.route(lab.director, "10.213.9.0/24", "via", TwoHostLab.CLIENT_ADDRESS);
            Routes routes = new Routes(lab.directorRunner);
            try (NeighbourTable table = new NeighbourTable(lab.directorRunner, routes, null)) {
                table.watch(Ipv4.parse("10.213.9.5"));
                table.startRefreshing(Duration.ofMillis(100));
                long clientMac = LinkInfo.query(lab.clientRunner, lab.clientLink).mac();
                long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                while (table.snapshot().mac(CLIENT) == NeighbourSnapshot.NO_MAC && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals(clientMac, table.snapshot().mac(CLIENT), "the watched address's gateway got resolved");
            }
        }
    }

    @Test
    void unansweredResolutionGivesNoMac() throws InterruptedException {
        try (TwoHostLab lab = TwoHostLab.create();
                NeighbourTable table = new NeighbourTable(lab.directorRunner, new Routes(lab.directorRunner), null)) {
            assertEquals(NeighbourSnapshot.NO_MAC, table.awaitMac(Ipv4.parse("10.213.0.77"), Duration.ofMillis(300)));
        }
    }
}
