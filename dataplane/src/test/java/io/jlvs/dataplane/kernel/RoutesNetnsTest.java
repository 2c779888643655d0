package io.jlvs.dataplane.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlvs.core.net.Ipv4;
import io.jlvs.core.testkit.Privileged;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Route and neighbour lookups against a namespace's real tables. */
@Privileged
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
        try (TwoHostLab lab = TwoHostLab.create()) {
            NeighbourTable table = new NeighbourTable(new Routes(lab.directorRunner), Set.of(lab.directorLink));
            long clientMac = LinkInfo.query(lab.clientRunner, lab.clientLink).mac();
            table.refresh();
            assertEquals(NeighbourSnapshot.NO_MAC, table.snapshot().mac(CLIENT), "no traffic yet, no entry");

            table.reportMissing(CLIENT);
            table.refresh();
            for (int attempt = 0; attempt < 60 && table.snapshot().mac(CLIENT) == NeighbourSnapshot.NO_MAC; attempt++) {
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
            NeighbourTable table = new NeighbourTable(routes, null);
            table.watch(Ipv4.parse("10.213.9.5"));
            long clientMac = LinkInfo.query(lab.clientRunner, lab.clientLink).mac();
            for (int attempt = 0; attempt < 60 && table.snapshot().mac(CLIENT) == NeighbourSnapshot.NO_MAC; attempt++) {
                table.refresh();
                Thread.sleep(50);
                table.reload();
            }
            assertEquals(clientMac, table.snapshot().mac(CLIENT), "the watched address's gateway got resolved");
        }
    }

    @Test
    void unansweredResolutionGivesNoMac() throws InterruptedException {
        try (TwoHostLab lab = TwoHostLab.create()) {
            NeighbourTable table = new NeighbourTable(new Routes(lab.directorRunner), null);
            assertEquals(NeighbourSnapshot.NO_MAC, table.awaitMac(Ipv4.parse("10.213.0.77"), Duration.ofMillis(300)));
        }
    }

    @Test
    void aChangedNeighbourIsAnnouncedAndReadWithoutStartingAProcess() {
        try (TwoHostLab lab = TwoHostLab.create();
                RtNetlink.Changes changes = RtNetlink.Changes.subscribe(lab.directorRunner);
                Routes routes = new Routes(lab.directorRunner)) {
            NeighbourTable table = new NeighbourTable(routes, Set.of(lab.directorLink));
            int server = Ipv4.parse("10.213.0.50");
            table.reload();
            assertEquals(NeighbourSnapshot.NO_MAC, table.snapshot().mac(server));
            changes.await(0);

            lab.lab.run(lab.director, "ip", "neigh", "replace", "10.213.0.50", "lladdr", "02:00:00:00:00:50",
                    "dev", lab.directorLink, "nud", "reachable");
            assertEquals(RtNetlink.Changes.NEIGHBOURS, awaitAny(changes) & RtNetlink.Changes.NEIGHBOURS);
            table.reload();
            assertEquals(0x0200_0000_0050L, table.snapshot().mac(server));

            lab.lab.run(lab.director, "ip", "neigh", "replace", "10.213.0.50", "lladdr", "02:00:00:00:00:51",
                    "dev", lab.directorLink, "nud", "reachable");
            assertEquals(RtNetlink.Changes.NEIGHBOURS, awaitAny(changes) & RtNetlink.Changes.NEIGHBOURS);
            table.reload();
            assertEquals(0x0200_0000_0051L, table.snapshot().mac(server), "the new MAC, as the kernel has it now");

            lab.lab.route(lab.director, "10.213.7.0/24", "via", TwoHostLab.CLIENT_ADDRESS);
            assertEquals(RtNetlink.Changes.ROUTES, awaitAny(changes) & RtNetlink.Changes.ROUTES);
            RouteTable main = RouteTable.query(routes.netlink(), java.util.List.of(lab.directorLink));
            int i = main.match(Ipv4.parse("10.213.7.9"));
            assertTrue(i >= 0, "the new route is in the table");
            assertEquals(CLIENT, main.gateway(i));
        }
    }

    /** Waits for notifications; a generous bound only keeps a broken subscription from hanging the run. */
    private static int awaitAny(RtNetlink.Changes changes) {
        int changed = 0;
        for (int i = 0; i < 60 && changed == 0; i++) {
            changed = changes.await(1_000);
        }
        return changed;
    }
}
